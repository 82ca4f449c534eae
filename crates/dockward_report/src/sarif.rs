//! SARIF 2.1.0: the format GitHub code scanning and most security dashboards read.
//!
//! One run per invocation. Results are streamed as batches arrive: JSON does not order an
//! object's members, so `results` comes first and `tool.driver.rules` (only the rules that
//! fired, in order of first appearance, which `ruleIndex` refers to) is written at the end.
//! What is held between batches is that rule list, never a finding.
//!
//! A finding in a file has a physical location (a path relative to `%SRCROOT%`, the
//! folder dockward ran in, and a region); one on an engine object, an image or the host
//! has a logical location (`container web (1a2b…)/HostConfig/Privileged`) instead.
//! `partialFingerprints` carries dockward's own fingerprint, which survives line moves.

use crate::{End, Item, Stream, frame, locate_provenance, safe};
use dockward_core::{Finding, Provenance, RuleMeta, Severity, SourceDb};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::io::{self, Write};

const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/dockward/dockward";
/// The key of dockward's fingerprint in `partialFingerprints` (versioned with its recipe).
pub(crate) const FINGERPRINT_KEY: &str = "dockwardFingerprint/v1";

#[derive(Default)]
pub(crate) struct Sarif {
    rules: Vec<&'static RuleMeta>,
    index: HashMap<&'static str, usize>,
    results: usize,
}

impl Stream for Sarif {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "{{\n  \"$schema\": \"{SCHEMA}\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"results\": ["
        )
    }

    fn findings(&mut self, out: &mut dyn Write, items: &[Item<'_>], sources: &SourceDb) -> io::Result<()> {
        let mut buf = Vec::with_capacity(1024);
        for item in items {
            let rule = item.finding.rule;
            let next = self.rules.len();
            let index = *self.index.entry(rule.code).or_insert(next);
            if index == next {
                self.rules.push(rule);
            }
            buf.clear();
            buf.extend_from_slice(if self.results == 0 {
                b"\n        "
            } else {
                b",\n        "
            });
            serde_json::to_writer(&mut buf, &result(item, index, sources))?;
            out.write_all(&buf)?;
            self.results += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, end: &End<'_>) -> io::Result<()> {
        let rules: Vec<Value> = self.rules.iter().map(|r| rule(r)).collect();
        let notifications: Vec<Value> = end
            .errors
            .iter()
            .map(|e| {
                let mut location = json!({ "artifactLocation": artifact(&e.path.display().to_string()) });
                if let Some(line) = e.line.filter(|l| *l > 0) {
                    location["region"] = json!({ "startLine": line });
                }
                json!({
                    "level": if e.is_warning { "warning" } else { "error" },
                    "message": { "text": sentence(&e.message) },
                    "locations": [ { "physicalLocation": location } ],
                })
            })
            .collect();
        let root = std::env::current_dir()
            .ok()
            .map(|dir| format!("{}/", file_uri(&dir.display().to_string()).trim_end_matches('/')));
        let mut tail = json!({
            "tool": { "driver": {
                "name": "dockward",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": INFORMATION_URI,
                "rules": rules,
            } },
            "invocations": [ {
                "executionSuccessful": !end.errors.iter().any(|e| !e.is_warning),
                "toolExecutionNotifications": notifications,
            } ],
            "columnKind": "unicodeCodePoints",
            "properties": { format!("{}Scanned", end.summary.noun.1): end.summary.files_scanned },
        });
        if let Some(root) = root {
            tail["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": root } });
        }
        // The tail's members continue the run object the results array opened.
        let text = serde_json::to_string_pretty(&tail)?;
        let members = text.trim().trim_start_matches('{').trim_end_matches('}').trim_end();
        write!(out, "\n      ],")?;
        for line in members.lines() {
            if !line.trim().is_empty() {
                writeln!(out)?;
                write!(out, "    {line}")?;
            }
        }
        writeln!(out, "\n    }}\n  ]\n}}")
    }
}

fn result(item: &Item<'_>, rule_index: usize, sources: &SourceDb) -> Value {
    let f: &Finding = item.finding;
    let mut message = sentence(&f.message);
    if let Some(help) = &f.help {
        message.push(' ');
        message.push_str(&sentence(help));
    }
    let mut primary = location(&f.at, sources);
    if let Some(frame) = frame::of(f, sources).filter(|fr| !fr.inside.is_empty()) {
        primary["physicalLocation"]["region"]["snippet"] = json!({ "text": frame.inside });
    }
    // Drift: the place a live setting contradicts (the Compose service that declares it).
    let related: Vec<Value> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, at)| {
            let mut place = location(at, sources);
            place["id"] = json!(i + 1);
            place["message"] = json!({ "text": "Related place." });
            place
        })
        .collect();
    let mut result = json!({
        "ruleId": f.rule.code,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": message },
        "locations": [ primary ],
        "partialFingerprints": { FINGERPRINT_KEY: item.fingerprint },
        "properties": { "severity": f.severity.as_str(), "confidence": f.confidence.as_str() },
    });
    if !related.is_empty() {
        result["relatedLocations"] = Value::Array(related);
    }
    result
}

/// A place as SARIF locates it: a file region, or a logical location for what is not a
/// file of the scanned tree.
fn location(at: &Provenance, sources: &SourceDb) -> Value {
    match at {
        Provenance::Text { .. } => {
            let at = locate_provenance(at, sources);
            json!({ "physicalLocation": {
                "artifactLocation": artifact(&at.path.display().to_string()),
                "region": {
                    "startLine": at.line.max(1),
                    "startColumn": at.column.max(1),
                    "endLine": at.end_line.max(at.line).max(1),
                    "endColumn": at.end_column.max(1),
                },
            } })
        }
        Provenance::Engine { object, pointer } => json!({ "logicalLocations": [ {
            "name": safe::one_line(pointer.rsplit('/').next().unwrap_or(pointer)),
            "fullyQualifiedName": safe::one_line(&format!("{object}{pointer}")),
            "kind": "property",
        } ] }),
        Provenance::Image { image, layer, path } => json!({ "logicalLocations": [ {
            "name": safe::one_line(path),
            "fullyQualifiedName": safe::one_line(&match layer {
                Some(layer) => format!("{image}@{layer}:{path}"),
                None => format!("{image}:{path}"),
            }),
            "kind": "resource",
        } ] }),
        Provenance::Host { path, detail } => {
            let mut location = json!({ "logicalLocations": [ {
                "name": safe::one_line(path.rsplit('/').next().unwrap_or(path)),
                "fullyQualifiedName": safe::one_line(path),
                "kind": "resource",
            } ] });
            if let Some(detail) = detail {
                location["message"] = json!({ "text": sentence(detail) });
            }
            location
        }
    }
}

fn rule(rule: &RuleMeta) -> Value {
    let mut tags = vec!["security".to_string(), rule.category.as_str().to_string()];
    for reference in rule.references {
        if reference.starts_with("cis") {
            tags.push(reference.to_string());
        } else if let Some(cwe) = reference.strip_prefix("cwe:") {
            // The form GitHub groups CWE tags by.
            tags.push(format!("external/cwe/cwe-{cwe}"));
        }
    }
    let markdown = help_markdown(rule);
    json!({
        "id": rule.code,
        "name": pascal_case(rule.name),
        "shortDescription": { "text": sentence(rule.summary) },
        "fullDescription": { "text": sentence(rule.summary) },
        "help": { "text": markdown, "markdown": markdown },
        "helpUri": help_uri(rule),
        "defaultConfiguration": { "level": level(rule.severity), "enabled": !rule.opt_in },
        "properties": {
            "tags": tags,
            "security-severity": security_severity(rule.severity),
            "precision": "high",
            "problem.severity": level(rule.severity),
        },
    })
}

/// What `dockward rule CODE` prints, the title line aside.
fn help_markdown(rule: &RuleMeta) -> String {
    let mut out = format!("{}\n\n", sentence(rule.summary));
    for line in rule.explanation.lines() {
        out.push_str(line.strip_prefix(' ').unwrap_or(line));
        out.push('\n');
    }
    if !rule.references.is_empty() {
        out.push_str("\nEquivalent checks: ");
        out.push_str(&rule.references.join(", "));
        out.push('\n');
    }
    out
}

pub(crate) fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's bands: 9.0+ critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

/// `final-stage-runs-as-root` → `FinalStageRunsAsRoot`, SARIF's customary rule name form.
/// Where a rule is documented: dockward's page, or ShellCheck's wiki for its codes.
fn help_uri(rule: &RuleMeta) -> String {
    match dockward_core::shellcheck_code(rule.code) {
        Some(code) => format!("https://www.shellcheck.net/wiki/SC{code}"),
        None => format!("{INFORMATION_URI}/blob/main/docs/rules/{}.md", rule.code),
    }
}

fn pascal_case(name: &str) -> String {
    name.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// SARIF asks messages to be sentences; ours are clauses. Controls are escaped.
fn sentence(text: &str) -> String {
    let mut s = safe::one_line(text.trim()).into_owned();
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

/// A relative path against `%SRCROOT%`; an absolute one as a `file:` URI.
fn artifact(path: &str) -> Value {
    if path.starts_with('/') {
        json!({ "uri": file_uri(path) })
    } else {
        json!({ "uri": percent_encode(path), "uriBaseId": "%SRCROOT%" })
    }
}

fn file_uri(absolute: &str) -> String {
    format!("file://{}", percent_encode(absolute))
}

/// Percent-encodes every byte but RFC 3986's unreserved characters and `/`.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Emitter, Format};
    use dockward_core::{Category, FixAvailability, ModelKind, SourceFile, TextRange};

    static RULE: RuleMeta = RuleMeta {
        code: "DW999",
        name: "test-rule",
        category: Category::Secrets,
        severity: Severity::High,
        summary: "a test rule",
        explanation: " ## What it does\n Tests.\n",
        references: &["cis-1.6:5.5", "cwe:250", "hadolint:DL3002"],
        fix: FixAvailability::None,
        models: &[ModelKind::Container],
        opt_in: false,
    };

    fn report(findings: &[Finding], sources: &SourceDb) -> Value {
        let mut out = Vec::new();
        let mut emitter = Emitter::new(&mut out, Format::Sarif, false);
        emitter.findings(findings, sources).unwrap();
        emitter.finish(&[], 1).unwrap();
        serde_json::from_slice(&out).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out)))
    }

    #[test]
    fn engine_and_host_findings_have_logical_locations_and_files_physical_ones() {
        let sources = SourceDb::new();
        let file = sources.add(SourceFile::new(
            "web app/Dockerfile",
            "FROM x\nENV API_KEY=hunter2secret\n",
        ));
        let findings = [
            Finding::new(&RULE, Provenance::text(file, TextRange::new(11, 18)), "secret in ENV"),
            Finding::new(
                &RULE,
                Provenance::Engine {
                    object: "container web (1a2b3c4d5e6f)".into(),
                    pointer: "/Config/Env/0".into(),
                },
                "secret",
            ),
            Finding::new(
                &RULE,
                Provenance::Host {
                    path: "/etc/docker/daemon.json".into(),
                    detail: None,
                },
                "mode",
            ),
        ];
        let sarif = report(&findings, &sources);
        let results = sarif["runs"][0]["results"].as_array().unwrap();
        let physical = &results[0]["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], "web%20app/Dockerfile");
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(physical["region"]["startLine"], 2);
        assert_eq!(physical["region"]["startColumn"], 5);
        // The snippet of a secret finding shows the key, not the value.
        assert_eq!(physical["region"]["snippet"]["text"], "API_KEY");
        assert!(!sarif.to_string().contains("hunter2secret"));
        let engine = &results[1]["locations"][0]["logicalLocations"][0];
        assert_eq!(
            engine["fullyQualifiedName"],
            "container web (1a2b3c4d5e6f)/Config/Env/0"
        );
        assert_eq!(engine["name"], "0");
        let host = &results[2]["locations"][0]["logicalLocations"][0];
        assert_eq!(host["fullyQualifiedName"], "/etc/docker/daemon.json");
        // One rule entry for the three results, with its tags.
        let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), 1);
        assert!(results.iter().all(|r| r["ruleIndex"] == 0));
        assert_eq!(
            rules[0]["properties"]["tags"],
            json!(["security", "secrets", "cis-1.6:5.5", "external/cwe/cwe-250"])
        );
        assert!(
            rules[0]["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## What it does\nTests.")
        );
    }

    #[test]
    fn related_places_become_related_locations() {
        let sources = SourceDb::new();
        let compose = sources.add(SourceFile::new("compose.yaml", "services:\n  web:\n    image: x\n"));
        let finding = Finding::new(
            &RULE,
            Provenance::Engine {
                object: "container web (1a2b3c4d5e6f)".into(),
                pointer: "/HostConfig/Privileged".into(),
            },
            "drift",
        )
        .with_related(Provenance::text(compose, TextRange::new(12, 15)));
        let sarif = report(&[finding], &sources);
        let related = &sarif["runs"][0]["results"][0]["relatedLocations"][0];
        assert_eq!(related["id"], 1);
        assert_eq!(related["physicalLocation"]["artifactLocation"]["uri"], "compose.yaml");
        assert_eq!(related["physicalLocation"]["region"]["startLine"], 2);
        assert_eq!(related["physicalLocation"]["region"]["startColumn"], 3);
    }

    #[test]
    fn an_empty_run_is_still_a_complete_document() {
        let sarif = report(&[], &SourceDb::new());
        assert_eq!(sarif["runs"][0]["results"], json!([]));
        assert_eq!(sarif["runs"][0]["tool"]["driver"]["rules"], json!([]));
        assert_eq!(sarif["runs"][0]["invocations"][0]["executionSuccessful"], true);
    }

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal_case("final-stage-runs-as-root"), "FinalStageRunsAsRoot");
        assert_eq!(percent_encode("web app/Dockerfile"), "web%20app/Dockerfile");
        assert_eq!(file_uri("/srv/x y"), "file:///srv/x%20y");
        assert_eq!(sentence("root user"), "root user.");
        assert_eq!(sentence("bad\u{1b}[2J."), "bad\\u{1b}[2J.");
    }
}
