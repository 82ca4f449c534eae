use crate::{RunError, locate, locate_provenance, safe};
use dockward_core::{Finding, SourceDb};
use std::io::{self, Write};

pub(crate) fn findings(out: &mut dyn Write, findings: &[Finding], sources: &SourceDb) -> io::Result<()> {
    for finding in findings {
        let at = locate(finding, sources);
        // An engine object has no line: `container web (1a2b…)/HostConfig/Privileged: …`.
        // Its messages quote what the engine said (variable names, paths): escaped too.
        if at.line == 0 {
            writeln!(
                out,
                "{}: {}[{}] {}{}",
                safe::one_line(&at.path.display().to_string()),
                finding.severity,
                finding.rule.code,
                safe::one_line(&finding.message),
                see_also(finding, sources)
            )?;
            continue;
        }
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}{}",
            safe::one_line(&at.path.display().to_string()),
            at.line,
            at.column,
            finding.severity,
            finding.rule.code,
            safe::one_line(&finding.message),
            see_also(finding, sources)
        )?;
    }
    Ok(())
}

/// ` (see also: compose.yaml:12:5)` for a finding with related places; empty otherwise.
fn see_also(finding: &Finding, sources: &SourceDb) -> String {
    if finding.related.is_empty() {
        return String::new();
    }
    let places: Vec<String> = finding
        .related
        .iter()
        .map(|at| safe::one_line(&locate_provenance(at, sources).describe()).into_owned())
        .collect();
    format!(" (see also: {})", places.join(", "))
}

pub(crate) fn errors(out: &mut dyn Write, errors: &[RunError]) -> io::Result<()> {
    for error in errors {
        let kind = if error.is_warning { "warning" } else { "error" };
        let path = error.path.display().to_string();
        let (path, message) = (safe::one_line(&path), safe::one_line(&error.message));
        match error.line {
            Some(line) => writeln!(out, "{path}:{line}: {kind}: {message}")?,
            None => writeln!(out, "{path}: {kind}: {message}")?,
        }
    }
    Ok(())
}
