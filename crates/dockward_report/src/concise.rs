use crate::{RunError, locate};
use dockward_core::{Finding, SourceDb};
use std::io::{self, Write};

pub(crate) fn findings(out: &mut dyn Write, findings: &[Finding], sources: &SourceDb) -> io::Result<()> {
    for finding in findings {
        let at = locate(finding, sources);
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            at.path.display(),
            at.line,
            at.column,
            finding.severity,
            finding.rule.code,
            finding.message
        )?;
    }
    Ok(())
}

pub(crate) fn errors(out: &mut dyn Write, errors: &[RunError]) -> io::Result<()> {
    for error in errors {
        let kind = if error.is_warning { "warning" } else { "error" };
        match error.line {
            Some(line) => writeln!(out, "{}:{line}: {kind}: {}", error.path.display(), error.message)?,
            None => writeln!(out, "{}: {kind}: {}", error.path.display(), error.message)?,
        }
    }
    Ok(())
}
