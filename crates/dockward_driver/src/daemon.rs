//! One `daemon.json`: daemon rules on its `DaemonSpec`, then configuration. What makes
//! dockerd refuse the file (invalid JSON, a value of the wrong type) is a DW001 finding.

use crate::finish::finish;
use dockward_core::{FileId, Finding, Provenance, Settings};
use dockward_inputs::daemon::{DaemonDiagnostic, DaemonSpec, lower_daemon_json};
use dockward_rules::SYNTAX_ERROR;
use dockward_rules::daemon::check_daemon;
use std::path::Path;

/// Lowers and checks one `daemon.json` on its own; returns its findings after
/// configuration, unsorted. JSON has no comments, so findings here are silenced by
/// configuration (`ignore`, `per-path-ignores`), not by pragmas.
pub fn check_daemon_json(file: FileId, path: &Path, text: &str, settings: &Settings) -> Vec<Finding> {
    let (spec, diagnostics) = lower_daemon_json(file, text);
    check_lowered(file, path, text, settings, &spec, diagnostics)
}

/// [`check_daemon_json`] for a file found by name in a folder walk: `None` when it is
/// another program's `daemon.json` (valid JSON whose keys are mostly not dockerd's).
pub fn check_found_daemon_json(file: FileId, path: &Path, text: &str, settings: &Settings) -> Option<Vec<Finding>> {
    let (spec, diagnostics) = lower_daemon_json(file, text);
    if diagnostics.is_empty() && !spec.looks_like_docker_config() {
        return None;
    }
    Some(check_lowered(file, path, text, settings, &spec, diagnostics))
}

fn check_lowered(
    file: FileId,
    path: &Path,
    text: &str,
    settings: &Settings,
    spec: &DaemonSpec,
    diagnostics: Vec<DaemonDiagnostic>,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = diagnostics
        .into_iter()
        .map(|d| Finding::new(&SYNTAX_ERROR, Provenance::text(file, d.range), d.message))
        .collect();
    check_daemon(spec, settings, &mut findings);
    finish(file, path, text, settings, findings, &[], &[])
}
