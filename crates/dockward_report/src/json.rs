//! JSON output: a stable, documented shape for tools.
//!
//! ```json
//! { "version": "0.1.0",
//!   "findings": [ { "code": "DW101", "name": "…", "severity": "high", "confidence": "high",
//!                   "category": "image",
//!                   "message": "…", "path": "Dockerfile", "line": 9, "column": 1,
//!                   "end_line": 9, "end_column": 10, "help": null,
//!                   "fix": { "description": "…", "applicability": "safe", "edits": […] } } ],
//!   "errors": [ { "path": "…", "line": null, "message": "…", "warning": false } ],
//!   "files_scanned": 3 }
//! ```
//!
//! A finding on an engine object has `object` (`container web (1a2b3c4d5e6f)`) and
//! `pointer` (`/HostConfig/Privileged`, a JSON pointer into the object's inspect document)
//! instead of `path` and the line and column fields; `dockward engine` counts
//! `containers_scanned` instead of `files_scanned`.
//!
//! A finding in an image's files (`dockward image`) has `object` (`image acme/web:1.2`),
//! `layer` (the digest of the layer that wrote the file, when known) and `path` (the file's
//! path inside the image), and no line or column fields; one about the image's
//! configuration or history is located like an engine object (`object` and `pointer`,
//! `/config/User`, `/history/3/created_by`).
//!
//! A finding about the host (`dockward host`) has the host path in `path`, no line or
//! column fields, and `detail` when the path alone does not say enough (the file a link
//! resolves to, the variable of an environment file).

use crate::{RunError, locate, locate_provenance};
use dockward_core::{Applicability, Finding, Provenance, SourceDb};
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    /// `high`, or `low` when the finding depends on something the scan could not see.
    confidence: &'static str,
    category: &'static str,
    message: &'a str,
    // A finding in a file has a path and a range; one on an engine object (a container)
    // has the object and the JSON pointer of the field instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    layer: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
    /// Other places the finding concerns (drift: the Compose service). Absent when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonPlace<'a>>,
}

/// A related place: a file range, or an engine object and pointer.
#[derive(Serialize)]
struct JsonPlace<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pointer: Option<&'a str>,
}

fn place<'a>(at: &'a Provenance, sources: &SourceDb) -> JsonPlace<'a> {
    if let Provenance::Engine { object, pointer } = at {
        return JsonPlace {
            path: None,
            line: None,
            column: None,
            object: Some(object),
            pointer: Some(pointer),
        };
    }
    let located = locate_provenance(at, sources);
    let has_lines = located.line > 0;
    JsonPlace {
        path: Some(located.path.display().to_string()),
        line: has_lines.then_some(located.line),
        column: has_lines.then_some(located.column),
        object: None,
        pointer: None,
    }
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
        let image_object;
        let (at, object, pointer) = match &f.at {
            Provenance::Engine { object, pointer } => (None, Some(object.as_str()), Some(pointer.as_str())),
            Provenance::Image { image, .. } => {
                image_object = format!("image {image}");
                (None, Some(image_object.as_str()), None)
            }
            _ => (Some(locate(f, sources)), None, None),
        };
        // A host path has no lines: the finding is about the file, not a place in it.
        let lines = at.as_ref().filter(|_| !matches!(f.at, Provenance::Host { .. }));
        let finding = JsonFinding {
            code: f.rule.code,
            name: f.rule.name,
            severity: f.severity.as_str(),
            confidence: f.confidence.as_str(),
            category: f.rule.category.as_str(),
            message: &f.message,
            path: match &f.at {
                Provenance::Image { path, .. } => Some(path.clone()),
                _ => at.as_ref().map(|at| at.path.display().to_string()),
            },
            line: lines.map(|at| at.line),
            column: lines.map(|at| at.column),
            end_line: lines.map(|at| at.end_line),
            end_column: lines.map(|at| at.end_column),
            object,
            pointer,
            layer: match &f.at {
                Provenance::Image { layer, .. } => layer.as_deref(),
                _ => None,
            },
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
            related: f.related.iter().map(|at| place(at, sources)).collect(),
        };
        buf.clear();
        buf.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        serde_json::to_writer(&mut buf, &finding)?;
        out.write_all(&buf)?;
    }
    Ok(())
}

/// Closes the findings array and writes errors and counts (`files_scanned`, or for other
/// objects `containers_scanned`, …).
pub(crate) fn finish(out: &mut dyn Write, errors: &[RunError], scanned: usize, plural: &str) -> io::Result<()> {
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
    writeln!(out, ",\n  \"{plural}_scanned\": {scanned}\n}}")
}

#[cfg(test)]
mod tests {
    use crate::{Emitter, Format};
    use dockward_core::{FileId, Finding, Provenance, SourceDb, SourceFile, TextRange};

    use crate::test_rule::RULE;

    fn report(findings: &[Finding], sources: &SourceDb, noun: (&'static str, &'static str)) -> serde_json::Value {
        let mut out = Vec::new();
        let mut emitter = Emitter::new(&mut out, Format::Json, false).scanned_noun(noun.0, noun.1);
        emitter.findings(findings, sources).unwrap();
        emitter.finish(&[], 2).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn engine_findings_carry_object_and_pointer_instead_of_path_and_line() {
        let at = Provenance::Engine {
            object: "container web (1a2b3c4d5e6f)".to_string(),
            pointer: "/HostConfig/Privileged".to_string(),
        };
        let json = report(
            &[Finding::new(&RULE, at, "privileged")],
            &SourceDb::new(),
            ("container", "containers"),
        );
        let f = &json["findings"][0];
        assert_eq!(f["object"], "container web (1a2b3c4d5e6f)");
        assert_eq!(f["pointer"], "/HostConfig/Privileged");
        for absent in ["path", "line", "column", "end_line", "end_column"] {
            assert!(f.get(absent).is_none(), "{absent} in {f}");
        }
        assert_eq!(json["containers_scanned"], 2);
        assert!(json.get("files_scanned").is_none());
    }

    #[test]
    fn concise_engine_lines_have_no_line_numbers_and_escape_what_the_engine_said() {
        let at = Provenance::Engine {
            object: "container web (1a2b3c4d5e6f)".to_string(),
            pointer: "/Config/Env/0".to_string(),
        };
        let finding = Finding::new(&RULE, at, "sets secret \u{1b}[2JKEY to a literal value");
        let mut out = Vec::new();
        let mut emitter = Emitter::new(&mut out, Format::Concise, false);
        emitter.findings(&[finding], &SourceDb::new()).unwrap();
        emitter.finish(&[], 1).unwrap();
        let text = String::from_utf8(out).unwrap();
        let line = text.lines().next().unwrap();
        assert!(
            line.starts_with("container web (1a2b3c4d5e6f)/Config/Env/0: high[DW999] sets secret "),
            "{line}"
        );
        assert!(!text.contains('\u{1b}'), "{text:?}");
    }

    #[test]
    fn file_findings_keep_path_and_line_and_no_object() {
        let sources = SourceDb::new();
        let file = sources.add(SourceFile::new("Dockerfile", "FROM x\nUSER root\n"));
        let at = Provenance::text(file, TextRange::new(7, 16));
        assert_eq!(file, FileId(0));
        let json = report(&[Finding::new(&RULE, at, "root")], &sources, ("file", "files"));
        let f = &json["findings"][0];
        assert_eq!(
            (f["path"].as_str(), f["line"].as_u64(), f["end_column"].as_u64()),
            (Some("Dockerfile"), Some(2), Some(10))
        );
        assert!(f.get("object").is_none() && f.get("pointer").is_none());
        assert_eq!(json["files_scanned"], 2);
    }
}
