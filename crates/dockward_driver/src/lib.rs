//! dockward's one driver: for every kind of input, it runs the enabled rules on the models
//! the inputs layer lowered, then applies the configuration (enabled rules, per-path
//! ignores, severity overrides) and suppressions the same way; and it applies fixes until
//! they converge, in memory first, so `--diff` shows exactly what `--fix` writes.
//!
//! `scan` uses it today; engine, image and guard commands will hand it their models too.

mod compose;
mod daemon;
mod dockerfile;
mod drift;
mod engine;
mod finish;
pub mod fix;
mod host;
mod image;
mod script;
mod shellcheck;

pub use compose::{ComposeInput, check_compose};
pub use daemon::{check_daemon_json, check_found_daemon_json};
pub use dockerfile::{check_dockerfile, check_dockerfile_with};
pub use dockward_shellcheck::Placed;
pub use engine::{LiveContainer, check_containers, check_engine_daemon, check_live_containers};
pub use finish::finish;
pub use host::check_host;
pub use image::check_image;
pub use script::{check_script, check_script_with};
pub use shellcheck::{ShellInput, ShellcheckBatch, shellcheck_findings};
