//! JSON output: a stable, documented shape for tools.
//!
//! ```json
//! { "version": "0.1.0", "files_scanned": 3,
//!   "findings": [ { "code": "DW101", "name": "…", "severity": "high", "category": "image",
//!                   "message": "…", "path": "Dockerfile", "line": 9, "column": 1,
//!                   "end_line": 9, "end_column": 10, "help": null,
//!                   "fix": { "description": "…", "applicability": "safe", "edits": […] } } ],
//!   "errors": [ { "path": "…", "line": null, "message": "…", "warning": false } ] }
//! ```

use crate::{Report, locate};
use dockward_core::Applicability;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct JsonReport<'a> {
    version: &'static str,
    files_scanned: usize,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
}

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

pub(crate) fn write(out: &mut dyn Write, report: &Report<'_>) -> io::Result<()> {
    let findings = report
        .findings
        .iter()
        .map(|f| {
            let at = locate(f, report.sources);
            JsonFinding {
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
            }
        })
        .collect();
    let errors = report
        .errors
        .iter()
        .map(|e| JsonError {
            path: e.path.display().to_string(),
            line: e.line,
            message: &e.message,
            warning: e.is_warning,
        })
        .collect();
    let doc = JsonReport {
        version: env!("CARGO_PKG_VERSION"),
        files_scanned: report.files_scanned,
        findings,
        errors,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
