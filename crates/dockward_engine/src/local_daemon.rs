//! The dockerd process behind a local socket: its command line, so `dockward engine` can
//! audit the configuration the daemon actually runs with (flags and the `daemon.json` they
//! name), located in those texts, rather than only the summary `/info` gives.
//!
//! The process is found by reading `/proc/PID/cmdline` of processes named `dockerd` and
//! matching the sockets they listen on (`-H unix://…`, `-H fd://` for systemd socket
//! activation, or none: the default socket) with the socket dockward connected to. Reading
//! another user's `/proc/PID/cmdline` is allowed on Linux; when nothing matches, `None`.

use std::io::Read;
use std::path::{Path, PathBuf};

/// The default socket dockerd listens on without `-H`, and the one systemd's
/// `docker.socket` passes as `fd://`.
const DEFAULT_SOCKET: &str = "/var/run/docker.sock";
/// A command line longer than this is not read further (Linux's own limit is far larger,
/// but no real dockerd command line comes near it).
const MAX_CMDLINE_BYTES: u64 = 256 * 1024;
/// How many processes are looked at, at most.
const MAX_PROCESSES: usize = 100_000;

/// A dockerd process found on this host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalDaemon {
    pub pid: u32,
    /// Its arguments, the program first.
    pub args: Vec<String>,
}

impl LocalDaemon {
    /// The configuration file it reads: `--config-file`, else the default path.
    pub fn config_file(&self) -> PathBuf {
        flag_values(&self.args, &["--config-file"])
            .last()
            .map_or_else(|| PathBuf::from("/etc/docker/daemon.json"), PathBuf::from)
    }

    /// The Unix sockets it listens on, from its flags (`hosts` in its `daemon.json` are
    /// not read here).
    pub fn unix_sockets(&self) -> Vec<PathBuf> {
        let hosts = flag_values(&self.args, &["-H", "--host"]);
        if hosts.is_empty() {
            return vec![PathBuf::from(DEFAULT_SOCKET)];
        }
        hosts
            .iter()
            .filter_map(|h| {
                if let Some(path) = h.strip_prefix("unix://") {
                    Some(PathBuf::from(if path.is_empty() { DEFAULT_SOCKET } else { path }))
                } else if h.starts_with("fd://") {
                    Some(PathBuf::from(DEFAULT_SOCKET))
                } else {
                    None
                }
            })
            .collect()
    }
}

/// The dockerd process listening on `socket`, looked up under `proc_root` (`/proc`).
pub fn find_local_dockerd(socket: &Path, proc_root: &Path) -> Option<LocalDaemon> {
    let wanted = same_file_key(socket)?;
    let entries = std::fs::read_dir(proc_root).ok()?;
    entries
        .flatten()
        .take(MAX_PROCESSES)
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|pid| {
            let args = read_cmdline(&proc_root.join(pid.to_string()).join("cmdline"))?;
            let program = args.first()?;
            (Path::new(program).file_name()? == "dockerd").then_some(LocalDaemon { pid, args })
        })
        .find(|daemon| {
            daemon
                .unix_sockets()
                .iter()
                .any(|s| same_file_key(s).is_some_and(|k| k == wanted))
        })
}

/// Device and inode: `/var/run/docker.sock` and `/run/docker.sock` are the same socket.
fn same_file_key(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.dev(), meta.ino()))
}

fn read_cmdline(path: &Path) -> Option<Vec<String>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(MAX_CMDLINE_BYTES)
        .read_to_end(&mut bytes)
        .ok()?;
    let args: Vec<String> = bytes
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    (!args.is_empty()).then_some(args)
}

/// Values of a flag in its three spellings: `-H x`, `-H=x`, `--host=x` (and `-Hx`).
fn flag_values(args: &[String], names: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        for name in names {
            if arg == name {
                if let Some(value) = iter.next() {
                    out.push(value.clone());
                }
            } else if let Some(value) = arg.strip_prefix(name).and_then(|rest| {
                rest.strip_prefix('=')
                    .or_else(|| (name.len() == 2 && !rest.is_empty()).then_some(rest))
            }) {
                out.push(value.to_string());
            }
        }
    }
    out
}

/// The command line as one shell-quoted line, the text findings on it point into.
pub fn quoted_command_line(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./:=,@+%".contains(&b))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn daemon(args: &[&str]) -> LocalDaemon {
        LocalDaemon {
            pid: 1,
            args: args.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn sockets_and_config_file_from_the_flags() {
        let d = daemon(&[
            "/usr/bin/dockerd",
            "-H",
            "fd://",
            "--containerd=/run/containerd/containerd.sock",
        ]);
        assert_eq!(d.unix_sockets(), [PathBuf::from(DEFAULT_SOCKET)]);
        assert_eq!(d.config_file(), PathBuf::from("/etc/docker/daemon.json"));

        let d = daemon(&[
            "dockerd",
            "--host=unix:///tmp/x/docker.sock",
            "-Htcp://0.0.0.0:2375",
            "--config-file",
            "/tmp/x/d.json",
        ]);
        assert_eq!(d.unix_sockets(), [PathBuf::from("/tmp/x/docker.sock")]);
        assert_eq!(d.config_file(), PathBuf::from("/tmp/x/d.json"));
        assert_eq!(
            daemon(&["dockerd", "--debug"]).unix_sockets(),
            [PathBuf::from(DEFAULT_SOCKET)]
        );
    }

    #[test]
    fn quoting_keeps_plain_words_and_quotes_the_rest() {
        let args: Vec<String> = ["dockerd", "--label", "a b", "--x='y'"].map(String::from).to_vec();
        assert_eq!(quoted_command_line(&args), r#"dockerd --label 'a b' '--x='\''y'\'''"#);
    }

    #[test]
    fn a_fake_proc_tree_finds_the_daemon_of_a_socket() {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("docker.sock");
        let _listener = std::os::unix::net::UnixListener::bind(&socket).unwrap();
        let proc_root = dir.path().join("proc");
        for (pid, cmdline) in [
            ("7", "bash\0-c\0dockerd\0".to_string()),
            ("12", format!("/usr/sbin/dockerd\0-H\0unix://{}\0", socket.display())),
            ("self", "ignored".to_string()),
        ] {
            std::fs::create_dir_all(proc_root.join(pid)).unwrap();
            std::fs::write(proc_root.join(pid).join("cmdline"), cmdline).unwrap();
        }
        let found = find_local_dockerd(&socket, &proc_root).unwrap();
        assert_eq!(found.pid, 12);
        assert_eq!(found.args[1], "-H");
        assert_eq!(find_local_dockerd(&dir.path().join("nope.sock"), &proc_root), None);
    }
}
