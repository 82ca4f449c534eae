//! GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

use crate::{RunError, locate, safe};
use dockward_core::{Finding, Severity, SourceDb};
use std::io::{self, Write};

pub(crate) fn errors(out: &mut dyn Write, errors: &[RunError]) -> io::Result<()> {
    for error in errors {
        let level = if error.is_warning { "warning" } else { "error" };
        let line = error.line.map(|l| format!(",line={l}")).unwrap_or_default();
        writeln!(
            out,
            "::{level} file={}{line}::{}",
            escape_property(&error.path.display().to_string()),
            escape_data(&error.message)
        )?;
    }
    Ok(())
}

pub(crate) fn findings(out: &mut dyn Write, findings: &[Finding], sources: &SourceDb) -> io::Result<()> {
    for finding in findings {
        let at = locate(finding, sources);
        let level = match finding.severity {
            Severity::Critical | Severity::High => "error",
            Severity::Medium | Severity::Low => "warning",
            Severity::Info => "notice",
        };
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&at.path.display().to_string()),
            at.line,
            at.column,
            at.end_line,
            at.end_column,
            escape_property(&format!(
                "{} {} ({})",
                finding.rule.code, finding.rule.name, finding.severity
            )),
            escape_data(&finding.message)
        )?;
    }
    Ok(())
}

/// Workflow command data may not hold raw `%`, CR or LF; other control characters (ESC)
/// are escaped as in every human format.
fn escape_data(s: &str) -> String {
    safe::one_line(&s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")).into_owned()
}

/// Properties additionally may not hold `:` or `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
