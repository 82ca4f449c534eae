use crate::{Report, locate};
use std::io::{self, Write};

pub(crate) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    for error in report.errors {
        let kind = if error.is_warning { "warning" } else { "error" };
        match error.line {
            Some(line) => writeln!(out, "{}:{line}: {kind}: {}", error.path.display(), error.message)?,
            None => writeln!(out, "{}: {kind}: {}", error.path.display(), error.message)?,
        }
    }
    for finding in report.findings {
        let at = locate(finding, report.sources);
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
