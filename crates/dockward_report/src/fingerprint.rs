//! Fingerprints: what identifies a finding across edits of its file.
//!
//! A baseline, SARIF's `partialFingerprints` and GitLab's `fingerprint` all need an id that
//! stays the same when lines are inserted above a finding or its file is re-indented, and
//! changes when the offending text itself changes. Line numbers would fail the first;
//! raw text the second. The id is a hash of:
//!
//! - a version tag (so a change of recipe does not silently match old baselines),
//! - the rule code and the file path (or, for engine, host and image findings, the object
//!   and the place in it),
//! - the finding's text with all blanks, line continuations and quotes removed
//!   (`RUN  apt-get \` / `  install x` and `RUN apt-get install x` hash alike), or the
//!   whole line when the finding points at a position rather than at text,
//! - its rank among findings of the same rule with the same text in the same batch, so two
//!   identical lines keep two ids.
//!
//! Secret findings hash the text with the value masked: a baseline file must not carry a
//! hash an attacker could test guesses of a short password against.

use crate::safe;
use dockward_core::{Category, Finding, Provenance, SourceDb};
use std::collections::HashMap;

/// Bump when the recipe changes: old baselines then report their entries as stale rather
/// than match the wrong findings.
const RECIPE: &str = "dockward-fingerprint/v1";

/// At most this much of a finding's text is hashed: a finding spanning a whole stage is
/// identified well enough by its first few kilobytes.
const MAX_TEXT: usize = 4096;

/// The fingerprint of `finding` alone (rank 0), as 32 hexadecimal digits.
pub fn fingerprint(finding: &Finding, sources: &SourceDb) -> String {
    hex(hash(&key(finding, sources), 0))
}

/// Fingerprints of a batch, identical findings told apart by their rank.
pub(crate) fn batch(findings: &[Finding], sources: &SourceDb) -> Vec<String> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let key = key(f, sources);
            let rank = seen.entry(key.clone()).or_insert(0);
            let print = hex(hash(&key, *rank));
            *rank += 1;
            print
        })
        .collect()
}

fn key(finding: &Finding, sources: &SourceDb) -> String {
    let place = match &finding.at {
        Provenance::Text { file, range } => match sources.get(*file) {
            Some(source) => {
                let text = source.text.as_str();
                let span = text.get(range.as_usize_range()).unwrap_or("");
                let span = if span.trim().is_empty() {
                    // A position (where an instruction is missing): its line stands for it.
                    let index = source.line_index();
                    index.line_range(index.line_of(range.start), text).slice(text)
                } else {
                    span
                };
                let span = truncate(span, MAX_TEXT);
                let span = if finding.rule.category == Category::Secrets {
                    safe::mask_value(span)
                } else {
                    span.to_string()
                };
                format!("{}\u{0}{}", source.path.display(), normalise(&span))
            }
            None => String::new(),
        },
        // Container ids change when a container is re-created; its name and the field do not.
        Provenance::Engine { object, pointer } => format!("{}\u{0}{pointer}", without_id(object)),
        Provenance::Image { image, layer: _, path } => format!("{image}\u{0}{path}"),
        Provenance::Host { path, detail } => format!("{path}\u{0}{}", detail.as_deref().unwrap_or("")),
    };
    format!("{RECIPE}\u{0}{}\u{0}{place}", finding.rule.code)
}

/// Text without what reformatting changes: blanks, line continuations, quotes.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\\' | '`' | '"' | '\''))
        .collect()
}

/// `container web (1a2b3c4d5e6f)` → `container web`.
fn without_id(object: &str) -> &str {
    match object.rsplit_once(" (") {
        Some((name, id)) if id.ends_with(')') && id[..id.len() - 1].bytes().all(|b| b.is_ascii_hexdigit()) => name,
        _ => object,
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// 128-bit FNV-1a: stable across Rust releases and platforms (the standard library's
/// hasher promises neither) and needs no dependency. Not a defence against collisions
/// made on purpose, which a baseline does not need.
fn hash(key: &str, rank: u32) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    for b in key.bytes().chain([0]).chain(rank.to_le_bytes()) {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    h
}

fn hex(h: u128) -> String {
    format!("{h:032x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_core::{SourceFile, TextRange};

    use crate::test_rule::RULE;

    fn print_of(path: &str, text: &str, needle: &str) -> String {
        let sources = SourceDb::new();
        let file = sources.add(SourceFile::new(path, text));
        let start = text.find(needle).unwrap() as u32;
        let range = TextRange::new(start, start + needle.len() as u32);
        fingerprint(&Finding::new(&RULE, Provenance::text(file, range), "m"), &sources)
    }

    #[test]
    fn survives_line_moves_and_reformatting_but_not_a_change_of_text() {
        let a = print_of(
            "Dockerfile",
            "FROM x\nRUN apt-get install curl\n",
            "RUN apt-get install curl",
        );
        let moved = print_of(
            "Dockerfile",
            "FROM x\n# note\n\nRUN apt-get install curl\n",
            "RUN apt-get install curl",
        );
        let wrapped = print_of(
            "Dockerfile",
            "FROM x\nRUN apt-get \\\n    install  curl\n",
            "RUN apt-get \\\n    install  curl",
        );
        let changed = print_of(
            "Dockerfile",
            "FROM x\nRUN apt-get install wget\n",
            "RUN apt-get install wget",
        );
        let other_file = print_of(
            "web/Dockerfile",
            "FROM x\nRUN apt-get install curl\n",
            "RUN apt-get install curl",
        );
        assert_eq!(a, moved);
        assert_eq!(a, wrapped);
        assert_ne!(a, changed);
        assert_ne!(a, other_file);
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn identical_findings_get_distinct_ids_and_container_ids_do_not_count() {
        let sources = SourceDb::new();
        let engine = |id: &str| {
            Finding::new(
                &RULE,
                Provenance::Engine {
                    object: format!("container web ({id})"),
                    pointer: "/HostConfig/Privileged".into(),
                },
                "m",
            )
        };
        let prints = batch(&[engine("1a2b3c4d5e6f"), engine("1a2b3c4d5e6f")], &sources);
        assert_ne!(prints[0], prints[1]);
        assert_eq!(
            fingerprint(&engine("1a2b3c4d5e6f"), &sources),
            fingerprint(&engine("ffffeeee0000"), &sources)
        );
    }
}
