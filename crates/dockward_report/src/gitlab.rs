//! GitLab code quality report: a JSON array GitLab shows in merge requests
//! (`artifacts: reports: codequality`).
//!
//! Each entry has `description`, `check_name`, `fingerprint` (dockward's, so GitLab tells
//! new findings from old ones across line moves), `severity` (GitLab's scale: info, minor,
//! major, critical, blocker) and `location.path` with `lines.begin`. Findings without a
//! line (engine, host) are placed on line 1 of the object they name.

use crate::{End, Item, Stream, safe};
use dockward_core::{Severity, SourceDb};
use serde_json::json;
use std::io::{self, Write};

#[derive(Default)]
pub(crate) struct Gitlab {
    written: usize,
}

impl Stream for Gitlab {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(out, "[")
    }

    fn findings(&mut self, out: &mut dyn Write, items: &[Item<'_>], _sources: &SourceDb) -> io::Result<()> {
        let mut buf = Vec::with_capacity(512);
        for item in items {
            let f = item.finding;
            let entry = json!({
                "description": safe::one_line(&format!("{} [{}] {}", f.rule.code, f.severity, f.message)),
                "check_name": f.rule.code,
                "fingerprint": item.fingerprint,
                "severity": severity(f.severity),
                "categories": ["Security"],
                "location": {
                    "path": safe::one_line(&item.at.path.display().to_string()),
                    "lines": { "begin": item.at.line.max(1), "end": item.at.end_line.max(item.at.line).max(1) },
                },
            });
            buf.clear();
            buf.extend_from_slice(if self.written == 0 { b"\n  " } else { b",\n  " });
            serde_json::to_writer(&mut buf, &entry)?;
            out.write_all(&buf)?;
            self.written += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _end: &End<'_>) -> io::Result<()> {
        // The format has no place for run errors: GitLab reads the array only. They reach
        // the job log through the exit code and standard error.
        writeln!(out, "{}]", if self.written == 0 { "" } else { "\n" })
    }
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "blocker",
        Severity::High => "critical",
        Severity::Medium => "major",
        Severity::Low => "minor",
        Severity::Info => "info",
    }
}
