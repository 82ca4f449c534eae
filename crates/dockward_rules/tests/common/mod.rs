//! Shared by the rule tests: run one rule (or all) over a text and print findings compactly.

use dockward_core::{FileId, Finding, LineIndex, Settings};
use dockward_rules::all_rules;
use std::path::Path;

/// Settings that run exactly the rule `code` (opt-in or not). Rules that need configured
/// facts get the ones their documentation examples use: trusted registries
/// `registry.acme.internal` and `docker.io/library` (read only by DW106), and the label
/// schema `version = "semver"`, `maintainer = "email"` (read only by DW276).
pub fn only(code: &str) -> Settings {
    let mut settings = Settings::default();
    settings.trusted_registries = vec!["registry.acme.internal".to_string(), "docker.io/library".to_string()];
    settings.label_schema = [
        ("version".to_string(), dockward_core::LabelType::Semver),
        ("maintainer".to_string(), dockward_core::LabelType::Email),
    ]
    .into();
    settings
        .apply_command_line(&[code.to_string()], &[], all_rules())
        .expect("rule code exists");
    settings
}

pub fn check(text: &str, settings: &Settings) -> Vec<Finding> {
    dockward_driver::check_dockerfile(FileId(0), Path::new("Dockerfile"), text, settings, None).expect("no --target")
}

/// `line:col-line:col CODE severity: message` per finding, sorted.
pub fn render(text: &str, findings: &[Finding]) -> String {
    let index = LineIndex::new(text);
    let mut lines: Vec<(u32, String)> = findings
        .iter()
        .map(|f| {
            let (_, range) = f.at.as_text().expect("text finding");
            let a = index.line_col(range.start, text);
            let b = index.line_col(range.end, text);
            let fix = f
                .fix
                .as_ref()
                .map(|x| format!(" [fix: {}]", x.description))
                .unwrap_or_default();
            (
                range.start,
                format!(
                    "{}:{}-{}:{} {} {}: {}{fix} `{}`",
                    a.line,
                    a.column,
                    b.line,
                    b.column,
                    f.rule.code,
                    f.severity,
                    f.message,
                    range.slice(text).lines().next().unwrap_or("")
                ),
            )
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, l)| l + "\n").collect()
}
