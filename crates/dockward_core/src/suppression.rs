//! Inline suppressions: dockward's own pragmas and the peers' ones we honour.
//!
//! Recognised forms (in any `#`-comment format):
//! - `# dockward: ignore[DW101,DW205] reason` — on its own line it covers the next
//!   statement; at the end of a line it covers the statement on that line. Without
//!   `[…]` it covers every rule.
//! - `# dockward: ignore-file[DW101] reason` — the whole file.
//! - `# hadolint ignore=DL3008,DL3015` (next statement), `# hadolint global ignore=…` (file).
//! - `# checkov:skip=CKV_DOCKER_3:reason` — the whole file (checkov applies Dockerfile skips
//!   to the file's one resource).
//! - `# kics-scan ignore-line` / `ignore-block` (next statement), `# kics-scan disable=<id>,…`
//!   (file), `# kics-scan ignore` (whole file, every rule).
//! - `# trivy:ignore:AVD-DS-0002` / `# trivy:ignore:DS002` (next statement).
//!
//! Peer ids are matched through each rule's `references`, so a hadolint pragma silences the
//! dockward rule that means the same thing. Only dockward's own pragmas can be reported as
//! unused: a peer pragma may well name a check dockward does not have.

use crate::{RuleMeta, TextRange};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PragmaSource {
    Dockward,
    Hadolint,
    Checkov,
    Kics,
    Trivy,
}

#[derive(Debug)]
pub struct Pragma {
    pub source: PragmaSource,
    /// Rule ids as written; empty means every rule.
    pub ids: Vec<String>,
    /// The comment that holds the pragma.
    pub comment: TextRange,
    /// What it covers: a statement, or the whole file.
    pub scope: TextRange,
    used: AtomicBool,
}

impl Pragma {
    pub fn is_used(&self) -> bool {
        self.used.load(Ordering::Relaxed)
    }
}

/// A malformed dockward pragma (`# dockward: ignore[` without `]`, unknown verb).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PragmaError {
    pub range: TextRange,
    pub message: String,
}

#[derive(Debug, Default)]
pub struct Suppressions {
    pragmas: Vec<Pragma>,
}

impl Suppressions {
    /// Reads pragmas from `comments` (ranges of whole `#` comments in `text`).
    ///
    /// `statements` are the ranges of the file's statements in order (Dockerfile
    /// instructions, YAML entries, script commands); a pragma on its own line covers the
    /// first statement that starts after it, an end-of-line pragma the statement that holds
    /// it. Where no statement matches, the pragma covers its own or the next line.
    pub fn parse(text: &str, comments: &[TextRange], statements: &[TextRange]) -> (Self, Vec<PragmaError>) {
        let mut pragmas = Vec::new();
        let mut errors = Vec::new();
        for &comment in comments {
            let body = comment.slice(text).trim_start_matches('#').trim();
            let Some(parsed) = parse_pragma(body) else {
                continue;
            };
            let (source, ids, whole_file) = match parsed {
                Ok(p) => p,
                Err(message) => {
                    errors.push(PragmaError {
                        range: comment,
                        message,
                    });
                    continue;
                }
            };
            let scope = if whole_file {
                TextRange::from_usize(0, text.len())
            } else {
                statement_scope(text, comment, statements)
            };
            pragmas.push(Pragma {
                source,
                ids,
                comment,
                scope,
                used: AtomicBool::new(false),
            });
        }
        (Self { pragmas }, errors)
    }

    /// Whether a finding of `rule` at `range` is suppressed; marks the pragma used.
    pub fn suppresses(&self, rule: &RuleMeta, range: TextRange) -> bool {
        let mut hit = false;
        for pragma in &self.pragmas {
            let in_scope = pragma.scope.contains(range.start) || pragma.scope.start == range.start;
            if in_scope && (pragma.ids.is_empty() || pragma.ids.iter().any(|id| rule.answers_to(id))) {
                pragma.used.store(true, Ordering::Relaxed);
                hit = true;
            }
        }
        hit
    }

    /// dockward pragmas that silenced nothing.
    pub fn unused(&self) -> impl Iterator<Item = &Pragma> {
        self.pragmas
            .iter()
            .filter(|p| p.source == PragmaSource::Dockward && !p.is_used())
    }

    pub fn is_empty(&self) -> bool {
        self.pragmas.is_empty()
    }
}

type Parsed = Result<(PragmaSource, Vec<String>, bool), String>;

/// Recognises one pragma in a comment body (without `#`); `None` when it is not one.
fn parse_pragma(body: &str) -> Option<Parsed> {
    if let Some(rest) = strip_prefix_ci(body, "dockward:") {
        return Some(parse_dockward(rest.trim_start()));
    }
    if let Some(rest) = strip_prefix_ci(body, "hadolint") {
        let rest = rest.trim_start();
        let (rest, global) = match strip_prefix_ci(rest, "global") {
            Some(r) => (r.trim_start(), true),
            None => (rest, false),
        };
        let ids = strip_prefix_ci(rest, "ignore=")?;
        return Some(Ok((PragmaSource::Hadolint, split_ids(first_word(ids)), global)));
    }
    if let Some(rest) = strip_prefix_ci(body, "checkov:skip=") {
        let id = rest.split(':').next().unwrap_or("").trim();
        return Some(Ok((PragmaSource::Checkov, split_ids(id), true)));
    }
    if let Some(rest) = strip_prefix_ci(body, "kics-scan") {
        let rest = rest.trim();
        if let Some(ids) = strip_prefix_ci(rest, "disable=") {
            return Some(Ok((PragmaSource::Kics, split_ids(first_word(ids)), true)));
        }
        return match rest {
            "ignore-line" | "ignore-block" => Some(Ok((PragmaSource::Kics, Vec::new(), false))),
            "ignore" => Some(Ok((PragmaSource::Kics, Vec::new(), true))),
            _ => None,
        };
    }
    if let Some(rest) = strip_prefix_ci(body, "trivy:ignore:") {
        return Some(Ok((PragmaSource::Trivy, split_ids(first_word(rest)), false)));
    }
    None
}

fn parse_dockward(rest: &str) -> Parsed {
    let (verb, after) = rest
        .find(|c: char| c == '[' || c.is_whitespace())
        .map_or((rest, ""), |i| (&rest[..i], &rest[i..]));
    let whole_file = match verb {
        "ignore" => false,
        "ignore-file" => true,
        _ => {
            return Err(format!(
                "unknown dockward pragma `{verb}` (expected `ignore[CODE,…]` or `ignore-file[CODE,…]`)"
            ));
        }
    };
    let ids = match after.strip_prefix('[') {
        Some(list) => {
            let Some(end) = list.find(']') else {
                return Err("unclosed `[` in dockward pragma".to_string());
            };
            let ids = split_ids(&list[..end]);
            if ids.is_empty() {
                return Err("empty rule list in dockward pragma; name the codes or drop the brackets".to_string());
            }
            ids
        }
        None => Vec::new(),
    };
    Ok((PragmaSource::Dockward, ids, whole_file))
}

fn split_ids(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// The range a line-level pragma covers.
fn statement_scope(text: &str, comment: TextRange, statements: &[TextRange]) -> TextRange {
    let line_start = text[..comment.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let own_line = text[line_start..comment.start as usize].trim().is_empty();
    if own_line {
        if let Some(next) = statements.iter().find(|s| s.start >= comment.end) {
            return *next;
        }
        // No statement follows: cover the next line.
        let next_start = text[comment.end as usize..]
            .find('\n')
            .map_or(text.len(), |i| comment.end as usize + i + 1);
        let next_end = text[next_start..].find('\n').map_or(text.len(), |i| next_start + i);
        return TextRange::from_usize(next_start, next_end);
    }
    statements
        .iter()
        .find(|s| s.contains(comment.start) || s.end == comment.start)
        .copied()
        .unwrap_or_else(|| TextRange::from_usize(line_start, comment.end as usize))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, FixAvailability, ModelKind, Severity};

    static ROOT: RuleMeta = RuleMeta {
        code: "DW101",
        name: "root-user",
        category: Category::Image,
        severity: Severity::High,
        summary: "",
        explanation: "",
        references: &["hadolint:DL3002", "checkov:CKV_DOCKER_3", "trivy:DS-0002"],
        fix: FixAvailability::None,
        models: &[ModelKind::Build],
        opt_in: false,
    };

    fn comments(text: &str) -> Vec<TextRange> {
        let mut out = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            if let Some(i) = line.find('#') {
                let end = line.trim_end_matches(['\n', '\r']).len();
                out.push(TextRange::from_usize(offset + i, offset + end));
            }
            offset += line.len();
        }
        out
    }

    fn statements(text: &str) -> Vec<TextRange> {
        let mut out = Vec::new();
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_end_matches(['\n', '\r']);
            if !trimmed.trim_start().starts_with('#') && !trimmed.trim().is_empty() {
                out.push(TextRange::from_usize(offset, offset + trimmed.len()));
            }
            offset += line.len();
        }
        out
    }

    fn at(text: &str, needle: &str) -> TextRange {
        let i = text.find(needle).unwrap();
        TextRange::from_usize(i, i + needle.len())
    }

    #[test]
    fn own_line_pragma_covers_next_statement_only() {
        let text = "# dockward: ignore[DW101] base runs as root by design\nUSER root\nUSER root2\n";
        let (s, errors) = Suppressions::parse(text, &comments(text), &statements(text));
        assert!(errors.is_empty());
        assert!(s.suppresses(&ROOT, at(text, "USER root\n")));
        assert!(!s.suppresses(&ROOT, at(text, "USER root2")));
        assert_eq!(s.unused().count(), 0);
    }

    #[test]
    fn peer_pragmas_match_through_references() {
        let text = "# hadolint ignore=DL3002,DL3008\nUSER root\n# trivy:ignore:AVD-DS-0002\nUSER x\n";
        let (s, _) = Suppressions::parse(text, &comments(text), &statements(text));
        assert!(s.suppresses(&ROOT, at(text, "USER root")));
        assert!(s.suppresses(&ROOT, at(text, "USER x")));
        let text = "FROM a\nUSER root\n#checkov:skip=CKV_DOCKER_3:reason\n";
        let (s, _) = Suppressions::parse(text, &comments(text), &statements(text));
        assert!(s.suppresses(&ROOT, at(text, "USER root")));
    }

    #[test]
    fn unused_and_malformed_pragmas_are_reported() {
        let text = "# dockward: ignore[DW999]\nUSER root\n# dockward: ignore[DW101\nRUN x\n# dockward: silence\n";
        let (s, errors) = Suppressions::parse(text, &comments(text), &statements(text));
        assert!(!s.suppresses(&ROOT, at(text, "USER root")));
        assert_eq!(s.unused().count(), 1);
        assert_eq!(errors.len(), 2, "{errors:?}");
    }

    #[test]
    fn end_of_line_and_file_pragmas() {
        let text = "FROM a\nUSER root # dockward: ignore\nUSER b\n";
        let (s, _) = Suppressions::parse(text, &comments(text), &statements(text));
        assert!(s.suppresses(&ROOT, at(text, "USER root")));
        assert!(!s.suppresses(&ROOT, at(text, "USER b")));
        let text = "# dockward: ignore-file[root-user]\nFROM a\nUSER b\n";
        let (s, _) = Suppressions::parse(text, &comments(text), &statements(text));
        assert!(s.suppresses(&ROOT, at(text, "USER b")));
    }
}
