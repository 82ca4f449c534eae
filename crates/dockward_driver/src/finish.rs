//! The steps every input kind shares once its rules have run.

use dockward_core::{Edit, FileId, Finding, Fix, Provenance, RuleMeta, Settings, Suppressions, TextRange};
use dockward_rules::{INVALID_SUPPRESSION, UNUSED_SUPPRESSION};
use std::path::Path;

/// The steps every file kind shares once its rules have run: drop findings of disabled or
/// per-path-ignored rules (and those below `min-confidence`), apply severity overrides, honour suppressions, and report
/// unused and malformed dockward pragmas.
pub fn finish(
    file: FileId,
    path: &Path,
    text: &str,
    settings: &Settings,
    findings: Vec<Finding>,
    comments: &[TextRange],
    statements: &[TextRange],
) -> Vec<Finding> {
    let (suppressions, pragma_errors) = Suppressions::parse(text, comments, statements);
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| settings.is_enabled(f.rule) && !settings.is_ignored_for(f.rule, path))
        .filter(|f| {
            let range = f.at.as_text().map_or(TextRange::default(), |(_, r)| r);
            !suppressions.suppresses(f.rule, range)
        })
        // After the suppressions: a pragma covering a finding left out for its confidence is
        // still in use.
        .filter(|f| settings.keeps_confidence(f.confidence))
        .map(|mut f| {
            f.severity = settings.severity_override(f.rule).unwrap_or(f.severity);
            f
        })
        .collect();
    let mut report = |meta: &'static RuleMeta, finding: Finding| {
        if settings.is_enabled(meta) && !settings.is_ignored_for(meta, path) {
            let severity = settings.severity_override(meta).unwrap_or(finding.severity);
            out.push(finding.with_severity(severity));
        }
    };
    for pragma in suppressions.unused() {
        // A pragma naming only ShellCheck codes has nothing to silence when ShellCheck does
        // not run: it is not reported as unused then.
        if !settings.shellcheck.enabled
            && !pragma.ids.is_empty()
            && pragma.ids.iter().all(|id| dockward_core::shellcheck_code(id).is_some())
        {
            continue;
        }
        let codes = if pragma.ids.is_empty() {
            "any rule".to_string()
        } else {
            pragma.ids.join(", ")
        };
        let fix = Fix::safe(
            "remove the unused suppression",
            vec![Edit::delete(whole_line_or_comment(text, pragma.comment))],
        );
        report(
            &UNUSED_SUPPRESSION,
            Finding::new(
                &UNUSED_SUPPRESSION,
                Provenance::text(file, pragma.comment),
                format!("this suppression of {codes} suppresses nothing"),
            )
            .with_fix(fix),
        );
    }
    for error in pragma_errors {
        report(
            &INVALID_SUPPRESSION,
            Finding::new(&INVALID_SUPPRESSION, Provenance::text(file, error.range), error.message),
        );
    }
    out
}

/// The comment's whole line (with its line break) when the comment stands alone on it;
/// otherwise the comment and the blanks before it.
fn whole_line_or_comment(text: &str, comment: TextRange) -> TextRange {
    let start = comment.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let end = comment.end as usize;
    if text[line_start..start].trim().is_empty() {
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        TextRange::from_usize(line_start, line_end)
    } else {
        let blank_start = text[..start].trim_end_matches([' ', '\t']).len();
        TextRange::from_usize(blank_start, end)
    }
}
