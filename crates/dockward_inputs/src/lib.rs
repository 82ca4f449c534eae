//! dockward's inputs layer: everything between a path and the models rules read.
//!
//! - [`kind`]: what kind of input a path is — by name first, then by content for files
//!   named explicitly and standard input;
//! - [`read`]: reading only regular files, without blocking, under a size cap;
//! - [`discover`]: walking the paths a user names;
//! - [`scripts`]: the extractors of embedded shell (Makefiles, systemd units, CI YAML,
//!   Jenkinsfiles, Markdown, Dockerfile RUN bodies) and the lowering of their `docker run`
//!   lines into `ContainerSpec`s;
//! - [`dockerfile`], [`compose`]: each parsed once and lowered once into `BuildSpec`,
//!   `ContainerSpec` and `Topology`;
//! - [`host`]: the facts `dockward host` judges, read from a filesystem root into `HostSpec`.
//!
//! Nothing here knows a rule: the driver (`dockward_driver`) runs the rules on what this
//! crate produces and applies settings, suppressions and fixes.

pub mod compose;
/// `daemon.json` and dockerd command lines, lowered into `DaemonSpec` (the lowering lives
/// beside the model; this is the inputs layer's door to it).
pub mod daemon {
    pub use dockward_model::daemon::{
        DaemonDiagnostic, DaemonSource, DaemonSpec, lower_daemon_json, lower_dockerd_args, merge_daemon,
    };
}
pub mod discover;
pub mod dockerfile;
pub mod host;
pub mod kind;
pub mod read;
pub mod scripts;

pub use discover::{DiscoverError, DiscoverOptions, ExcludeFn, Target, discover, explicit_kind};
pub use dockerfile::DockerfileInput;
pub use kind::InputKind;
pub use read::{MAX_FILE_BYTES, ReadError, read_text};
pub use scripts::{RunLines, ScriptKind, ShellCode, ci_shell_code, run_lines, script_kind_for};
