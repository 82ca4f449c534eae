//! `dockward guard`: a Docker authorization plugin enforcing the runtime rules at the daemon.
//!
//! Listens on a Unix socket where dockerd finds plugins by name
//! (`/run/docker/plugins/NAME.sock`), or anywhere with a `.spec` file pointing at it, and
//! answers dockerd's AuthZ calls with `dockward_guard`. The settings are the project's
//! (`--config` or the nearest `dockward.toml` from the current folder), loaded once.

use crate::cli::{CommonArgs, SeverityArg};
use clap::Args;
use dockward_guard::{AuditLog, Guard, Mode, Policy, ServerOptions};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

#[derive(Debug, Args)]
pub struct GuardArgs {
    /// The plugin's name, as dockerd's `--authorization-plugin=NAME` or daemon.json's
    /// `authorization-plugins` names it.
    #[arg(long, default_value = "dockward")]
    pub name: String,
    /// The socket to listen on (default: /run/docker/plugins/NAME.sock, where dockerd
    /// looks for a plugin by name).
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// Also write NAME.spec in this folder (dockerd reads /etc/docker/plugins), holding the
    /// socket's address: for a socket outside /run/docker/plugins.
    #[arg(long, value_name = "DIR")]
    pub spec_dir: Option<PathBuf>,
    /// Allow every request, and log what enforcement would have denied.
    #[arg(long)]
    pub audit: bool,
    /// Append a JSON line per examined request to this file (default: standard error).
    #[arg(long, value_name = "FILE")]
    pub audit_log: Option<PathBuf>,
    /// Allow requests whose body cannot be read or parsed (default: deny them).
    #[arg(long)]
    pub allow_unparsable: bool,
    /// Connections served at once; more are refused (dockerd then denies that request).
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub max_connections: usize,
    /// The largest request read, in bytes (dockerd forwards bodies of at most 4 MiB, as
    /// base64); a larger one is denied.
    #[arg(long, default_value_t = 6 * 1024 * 1024, value_name = "BYTES")]
    pub max_request_bytes: usize,
    /// Deny requests with a finding at or above this severity (default: high, or the
    /// configuration file's `fail-on`).
    #[arg(long, value_enum)]
    pub fail_on: Option<SeverityArg>,
    /// Configuration file (default: the nearest dockward.toml or .dockward.toml from the
    /// current folder).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Run only these rules (codes, prefixes, names or peer ids; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Run these rules too, on top of the selection.
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Skip these rules.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// No start-up line on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

pub fn run(args: &GuardArgs) -> ExitCode {
    let error_exit = |message: &str| {
        eprintln!("error: {message}");
        ExitCode::from(crate::EXIT_ERROR)
    };
    if args.name.is_empty()
        || !args
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return error_exit("--name takes letters, digits, `-`, `_` and `.`");
    }
    if args.max_connections == 0 {
        return error_exit("--max-connections must be at least 1");
    }
    // The options of a report (output, colour, baseline…) mean nothing here.
    let common = CommonArgs {
        fail_on: args.fail_on,
        quiet: args.quiet,
        config: args.config.clone(),
        isolated: args.isolated,
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        ..CommonArgs::default()
    };
    let settings = match crate::load_settings(&common, Path::new(".")) {
        Ok(settings) => settings,
        Err(error) => {
            crate::print_config_error(&error);
            return ExitCode::from(crate::EXIT_ERROR);
        }
    };
    let config_note = settings
        .path
        .as_ref()
        .map_or_else(|| "no configuration file".to_string(), |p| p.display().to_string());

    let socket = args
        .socket
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("/run/docker/plugins/{}.sock", args.name)));
    let socket = if socket.is_absolute() {
        socket
    } else {
        match std::env::current_dir() {
            Ok(dir) => dir.join(socket),
            Err(e) => return error_exit(&format!("current folder: {e}")),
        }
    };
    let listener = match bind(&socket) {
        Ok(listener) => listener,
        Err(message) => return error_exit(&message),
    };
    if let Some(dir) = &args.spec_dir {
        let spec = dir.join(format!("{}.spec", args.name));
        let written =
            std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&spec, format!("unix://{}\n", socket.display())));
        if let Err(e) = written {
            return error_exit(&format!("cannot write {}: {e}", spec.display()));
        }
    }

    let audit_out: Box<dyn std::io::Write + Send> = match &args.audit_log {
        Some(path) => match std::fs::OpenOptions::new().create(true).append(true).open(path) {
            Ok(file) => Box::new(file),
            Err(e) => return error_exit(&format!("cannot open {}: {e}", path.display())),
        },
        None => Box::new(std::io::stderr()),
    };
    let mode = if args.audit { Mode::Audit } else { Mode::Enforce };
    let threshold = settings.fail_on;
    let mut policy = Policy::new(settings, mode);
    policy.allow_unparsable = args.allow_unparsable;
    let options = ServerOptions {
        limits: dockward_guard::http::Limits {
            max_body_bytes: args.max_request_bytes,
            ..dockward_guard::http::Limits::default()
        },
        max_connections: args.max_connections,
        ..ServerOptions::default()
    };
    let guard = Guard::new(policy, Some(AuditLog::new(audit_out)), options);
    if !args.quiet {
        eprintln!(
            "dockward guard: plugin `{}` on unix://{} ({}, {} at or above {}; {config_note})",
            args.name,
            socket.display(),
            mode.as_str(),
            if args.audit {
                "logging findings"
            } else {
                "denying findings"
            },
            threshold.as_str(),
        );
    }
    match dockward_guard::serve(listener, guard, Arc::new(AtomicBool::new(false))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => error_exit(&format!("unix://{}: {e}", socket.display())),
    }
}

/// Binds the socket, owner-only: replacing a stale socket left by an earlier run, never a
/// live one nor anything that is not a socket.
fn bind(socket: &Path) -> Result<UnixListener, String> {
    let shown = socket.display();
    if let Ok(meta) = std::fs::symlink_metadata(socket) {
        if !meta.file_type().is_socket() {
            return Err(format!("{shown} exists and is not a socket"));
        }
        if UnixStream::connect(socket).is_ok() {
            return Err(format!("{shown} is in use: another guard is running"));
        }
        std::fs::remove_file(socket).map_err(|e| format!("cannot remove the stale socket {shown}: {e}"))?;
    }
    if let Some(dir) = socket.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let listener = UnixListener::bind(socket).map_err(|e| format!("cannot listen on {shown}: {e}"))?;
    // dockerd runs as root; nobody else has anything to ask the guard.
    std::fs::set_permissions(socket, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| format!("cannot restrict {shown}: {e}"))?;
    Ok(listener)
}
