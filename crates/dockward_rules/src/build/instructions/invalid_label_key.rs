use super::util::stage_labels;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a `LABEL` key that breaks Docker's rules for label keys: it uses a
    /// namespace reserved for Docker (`com.docker.*`, `io.docker.*`,
    /// `org.dockerproject.*`), contains characters other than letters, digits, `.`, `-`,
    /// `_` and `/`, does not start and end with a letter or digit, or repeats a separator
    /// (`..`, `--`).
    ///
    /// ## Why is this bad?
    /// Tools that read labels (registries, orchestrators, scanners, `docker ps --filter
    /// label=…`) expect reverse-DNS keys such as `org.opencontainers.image.source`. Keys
    /// with spaces or quotes are hard to query, and keys in Docker's own namespaces may
    /// collide with what Docker sets.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL "build date"="2024-05-01" com.docker.compose.project=shop
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.created="2024-05-01T00:00:00Z" com.example.project=shop
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/engine/manage-resources/labels/#key-format-recommendations>
    pub static META = {
        code: "DW265",
        name: "invalid-label-key",
        category: Build,
        severity: Info,
        summary: "a LABEL key does not follow Docker's key format",
        references: ["hadolint:DL3048"],
        fix: None,
        models: [Build],
    };
}

/// What is wrong with a label key, if anything.
fn problem(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .any(|ns| lower.starts_with(ns))
    {
        return Some("uses a namespace reserved for Docker");
    }
    if !key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'/'))
    {
        return Some("contains characters other than letters, digits, `.`, `-`, `_` and `/`");
    }
    let b = key.as_bytes();
    if !b.first().is_some_and(u8::is_ascii_alphanumeric) || !b.last().is_some_and(u8::is_ascii_alphanumeric) {
        return Some("does not start and end with a letter or digit");
    }
    if key.contains("..") || key.contains("--") {
        return Some("repeats a separator");
    }
    None
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        for label in stage_labels(cx, stage) {
            let Some(key) = label.key.as_deref() else { continue };
            if key.is_empty() {
                continue;
            }
            if let Some(problem) = problem(key) {
                out.push(cx.finding(&META, label.pair.key.range, format!("label key `{key}` {problem}")));
            }
        }
    }
}
