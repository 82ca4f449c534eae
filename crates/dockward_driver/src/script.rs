//! One file holding `docker run` and `dockerd` lines: container rules on each container,
//! daemon rules on each daemon command line, then configuration and suppressions (`# dockward: ignore[…]` comments work in every script kind).

use crate::finish::finish;
use dockward_core::{FileId, Finding, Settings};
use dockward_inputs::{ScriptKind, run_lines};
use dockward_rules::check_container;
use dockward_rules::daemon::check_daemon;
use std::path::Path;

/// Finds the run lines of one file of `kind`, checks them; returns the findings after
/// configuration and suppressions, unsorted.
pub fn check_script(file: FileId, path: &Path, text: &str, kind: ScriptKind, settings: &Settings) -> Vec<Finding> {
    check_script_with(file, path, text, kind, settings, &[])
}

/// [`check_script`] with the ShellCheck comments a batch placed in `text`.
pub fn check_script_with(
    file: FileId,
    path: &Path,
    text: &str,
    kind: ScriptKind,
    settings: &Settings,
    shellcheck: &[dockward_shellcheck::Placed],
) -> Vec<Finding> {
    let lines = run_lines(file, text, kind);
    let mut findings = Vec::new();
    for spec in &lines.specs {
        check_container(spec, settings, &mut findings);
    }
    for daemon in &lines.daemons {
        check_daemon(daemon, settings, &mut findings);
    }
    findings.extend(crate::shellcheck::shellcheck_findings(file, shellcheck));
    finish(file, path, text, settings, findings, &lines.comments, &lines.statements)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_pragma_covers_a_multi_line_command() {
        let text = "docker run \\\n  --privileged \\\n  alpine:3  # dockward: ignore[DW301] lab only\ndocker run --privileged alpine:3\n";
        let mut settings = Settings::default();
        settings
            .apply_command_line(&["DW301".to_string()], &[], dockward_rules::all_rules())
            .unwrap();
        let findings = check_script(FileId(0), Path::new("x.sh"), text, ScriptKind::Shell, &settings);
        let lines: Vec<usize> = findings
            .iter()
            .map(|f| text[..f.at.as_text().unwrap().1.start as usize].lines().count())
            .collect();
        assert_eq!(lines, [4], "{findings:?}");
    }
}
