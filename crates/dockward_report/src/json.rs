//! JSON output: a stable, documented shape for tools.
//!
//! ```json
//! { "version": "0.1.0",
//!   "findings": [ { "code": "DW101", "name": "…", "severity": "high", "category": "image",
//!                   "message": "…", "path": "Dockerfile", "line": 9, "column": 1,
//!                   "end_line": 9, "end_column": 10, "help": null,
//!                   "fix": { "description": "…", "applicability": "safe", "edits": […] } } ],
//!   "errors": [ { "path": "…", "line": null, "message": "…", "warning": false } ],
//!   "files_scanned": 3 }
//! ```
//!
//! A finding about the host (`dockward host`) has the host path in `path`, lines and
//! columns 0, and `detail` when the path alone does not say enough (the file a link
//! resolves to, the variable of an environment file).

use crate::{RunError, locate};
use dockward_core::{Applicability, Finding, Provenance, SourceDb};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    category: &'static str,
    message: &'a str,
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    description: &'a str,
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    start: u32,
    end: u32,
    replacement: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: String,
    line: Option<u32>,
    message: &'a str,
    warning: bool,
}

/// The opening of the document, before the first finding.
pub(crate) fn begin(out: &mut dyn Write) -> io::Result<()> {
    write!(
        out,
        "{{\n  \"version\": \"{}\",\n  \"findings\": [",
        env!("CARGO_PKG_VERSION")
    )
}

/// One batch of findings as array elements (the caller writes separators between batches).
pub(crate) fn findings(out: &mut dyn Write, findings: &[Finding], sources: &SourceDb) -> io::Result<()> {
    // Serialise into a local buffer (static dispatch for serde_json's many small writes),
    // then hand the writer one slice per finding.
    let mut buf = Vec::with_capacity(512);
    for (i, f) in findings.iter().enumerate() {
        let at = locate(f, sources);
        let finding = JsonFinding {
            code: f.rule.code,
            name: f.rule.name,
            severity: f.severity.as_str(),
            category: f.rule.category.as_str(),
            message: &f.message,
            path: at.path.display().to_string(),
            line: at.line,
            column: at.column,
            end_line: at.end_line,
            end_column: at.end_column,
            detail: match &f.at {
                Provenance::Host { detail, .. } => detail.as_deref(),
                _ => None,
            },
            help: f.help.as_deref(),
            fix: f.fix.as_ref().map(|fix| JsonFix {
                description: &fix.description,
                applicability: fix.applicability,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| JsonEdit {
                        start: e.range.start,
                        end: e.range.end,
                        replacement: &e.replacement,
                    })
                    .collect(),
            }),
        };
        buf.clear();
        buf.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        serde_json::to_writer(&mut buf, &finding)?;
        out.write_all(&buf)?;
    }
    Ok(())
}

/// Closes the findings array and writes errors and counts.
pub(crate) fn finish(out: &mut dyn Write, errors: &[RunError], files_scanned: usize) -> io::Result<()> {
    let errors: Vec<JsonError<'_>> = errors
        .iter()
        .map(|e| JsonError {
            path: e.path.display().to_string(),
            line: e.line,
            message: &e.message,
            warning: e.is_warning,
        })
        .collect();
    write!(out, "\n  ],\n  \"errors\": ")?;
    serde_json::to_writer(&mut *out, &errors)?;
    writeln!(out, ",\n  \"files_scanned\": {files_scanned}\n}}")
}
