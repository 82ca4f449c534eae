//! `dockward engine` on the daemon's own host: the configuration dockerd actually runs
//! with — its command line from `/proc/PID/cmdline` and the `daemon.json` it reads —
//! lowered and merged as `scan` would lower a unit file and a `daemon.json`, so findings
//! point at the flag or the key to change. `/info` still supplies what neither says
//! (rootless mode, which dockerd detects from its environment).

use dockward_core::{SourceDb, SourceFile};
use dockward_engine::local_daemon::{LocalDaemon, find_local_dockerd, quoted_command_line};
use dockward_inputs::daemon::{DaemonSource, DaemonSpec, lower_daemon_json, merge_daemon};
use dockward_inputs::{MAX_FILE_BYTES, ScriptKind, read_text, run_lines};
use dockward_report::RunError;
use std::path::{Path, PathBuf};

/// The merged configuration of the dockerd listening on `socket`, when it runs on this
/// host and its command line can be read; its texts are added to `sources`.
pub fn local_daemon_spec(
    socket: &Path,
    from_info: Option<&DaemonSpec>,
    sources: &SourceDb,
    errors: &mut Vec<RunError>,
) -> Option<(LocalDaemon, DaemonSpec)> {
    let daemon = find_local_dockerd(socket, Path::new("/proc"))?;
    let line = quoted_command_line(&daemon.args);
    let cmdline = sources.add(SourceFile::new(
        PathBuf::from(format!("/proc/{}/cmdline", daemon.pid)),
        line.clone(),
    ));
    let flags = run_lines(cmdline, &line, ScriptKind::Shell)
        .daemons
        .into_iter()
        .next()?;

    let config_path = daemon.config_file();
    // dockerd starts without its default file (a named file that is missing stops it, so
    // a running daemon's file is missing only when it was removed since).
    let mut spec = if std::fs::symlink_metadata(&config_path).is_err() {
        let empty = DaemonSpec::unset(DaemonSource::ConfigFile, flags.origin.clone());
        merge_daemon(flags, empty)
    } else {
        match read_text(&config_path, MAX_FILE_BYTES) {
            Ok(text) => {
                let file = sources.add(SourceFile::new(config_path.clone(), text.clone()));
                let (file_spec, diagnostics) = lower_daemon_json(file, &text);
                for d in diagnostics {
                    errors.push(RunError {
                        path: config_path.clone(),
                        line: None,
                        message: d.message,
                        is_warning: true,
                    });
                }
                merge_daemon(flags, file_spec)
            }
            Err(e) => {
                errors.push(RunError {
                    path: config_path,
                    line: None,
                    message: format!("{e}; the daemon is audited from /info instead"),
                    is_warning: true,
                });
                return None;
            }
        }
    };
    // dockerd-rootless.sh runs dockerd with nothing on its command line to say so.
    if let Some(info) = from_info
        && info.rootless.get() == Some(&true)
        && spec.rootless.get() != Some(&true)
    {
        spec.rootless = info.rootless.clone();
    }
    Some((daemon, spec))
}
