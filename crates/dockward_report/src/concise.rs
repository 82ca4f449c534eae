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
                "{}: {}[{}] {}{}{}",
                safe::one_line(&at.path.display().to_string()),
                finding.severity,
                finding.rule.code,
                safe::one_line(&finding.message),
                low_confidence(finding),
                see_also(finding, sources)
            )?;
            continue;
        }
        writeln!(
            out,
            "{}:{}:{}: {}[{}] {}{}{}",
            safe::one_line(&at.path.display().to_string()),
            at.line,
            at.column,
            finding.severity,
            finding.rule.code,
            safe::one_line(&finding.message),
            low_confidence(finding),
            see_also(finding, sources)
        )?;
    }
    Ok(())
}

/// ` (low confidence)` after the message of a finding that rests on what is not known (a
/// base image never looked up); the `path:line:col: severity[CODE]` head that editors'
/// problem matchers read stays as it is.
fn low_confidence(finding: &Finding) -> &'static str {
    match finding.confidence {
        dockward_core::Confidence::Low => " (low confidence)",
        dockward_core::Confidence::High => "",
    }
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

#[cfg(test)]
mod tests {
    use crate::test_rule::RULE;
    use crate::{Emitter, Format};
    use dockward_core::{Confidence, Finding, Provenance, SourceDb};

    #[test]
    fn low_confidence_is_said_after_the_message() {
        let at = Provenance::Engine {
            object: "image acme/web:1".to_string(),
            pointer: "/config/User".to_string(),
        };
        let low = Finding::new(&RULE, at.clone(), "runs as root unless the base image sets a user")
            .with_confidence(Confidence::Low);
        let findings = [low, Finding::new(&RULE, at, "exposes a service")];
        let mut out = Vec::new();
        let mut emitter = Emitter::new(&mut out, Format::Concise, false);
        emitter.findings(&findings, &SourceDb::new()).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].ends_with("sets a user (low confidence)"), "{text}");
        assert!(lines[1].ends_with("exposes a service"), "{text}");
    }
}
