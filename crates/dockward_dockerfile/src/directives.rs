//! Parser directives (`# syntax=…`, `# escape=…`, `# check=…`).
//!
//! BuildKit looks at every line until the first one that is not a known directive: a
//! blank line, an ordinary comment, an unknown `# key=value` or an instruction ends the
//! directive block for good. A directive seen twice, or an escape other than `\` or
//! `` ` ``, is a fatal error.

use dockward_core::TextRange;

use crate::ast::{DiagnosticKind, Directive, SyntaxDiagnostic};

/// The directive names BuildKit knows.
const KNOWN: [&str; 3] = ["syntax", "escape", "check"];

/// Go's `\s`: `[\t\n\f\r ]` (no vertical tab).
fn is_re_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

/// Matches `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$` against `line` and returns the
/// name and value byte ranges.
pub(crate) fn match_directive(line: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let b = line.as_bytes();
    if b.first() != Some(&b'#') {
        return None;
    }
    let mut i = 1;
    while i < b.len() && is_re_space(b[i]) {
        i += 1;
    }
    let name_start = i;
    if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    let name = name_start..i;
    while i < b.len() && is_re_space(b[i]) {
        i += 1;
    }
    if b.get(i) != Some(&b'=') {
        return None;
    }
    i += 1;
    // The value is lazy between two greedy `\s*`: it is the rest with whitespace trimmed
    // at both ends, except that an all-whitespace rest still yields its last character.
    let mut end = b.len();
    while end > i && is_re_space(b[end - 1]) {
        end -= 1;
    }
    let mut start = i;
    while start < end && is_re_space(b[start]) {
        start += 1;
    }
    if start < end {
        return Some((name, start..end));
    }
    if i < b.len() {
        // Only whitespace after `=`: `.+?` takes the last byte (ASCII whitespace).
        return Some((name, b.len() - 1..b.len()));
    }
    None
}

/// The directive scanner's state across lines.
pub(crate) struct DirectiveState {
    pub done: bool,
    seen: [bool; KNOWN.len()],
}

impl DirectiveState {
    pub fn new() -> Self {
        DirectiveState {
            done: false,
            seen: [false; KNOWN.len()],
        }
    }

    /// Looks at one line (left-trimmed, no line break) starting at source offset `at`.
    /// Returns a new escape character when an `escape` directive sets one.
    pub fn line(
        &mut self,
        line: &str,
        at: usize,
        directives: &mut Vec<Directive>,
        diagnostics: &mut Vec<SyntaxDiagnostic>,
    ) -> Option<char> {
        if self.done {
            return None;
        }
        let Some((name, value)) = match_directive(line) else {
            self.done = true;
            return None;
        };
        let lower = line[name.clone()].to_ascii_lowercase();
        let Some(known) = KNOWN.iter().position(|k| *k == lower) else {
            self.done = true;
            return None;
        };
        let range = |r: std::ops::Range<usize>| TextRange::from_usize(at + r.start, at + r.end);
        let line_range = range(0..line.len());
        if self.seen[known] {
            diagnostics.push(SyntaxDiagnostic {
                kind: DiagnosticKind::DuplicateDirective,
                message: format!("only one {lower} parser directive can be used"),
                range: line_range,
                is_fatal: true,
            });
            return None;
        }
        self.seen[known] = true;
        let value_text = &line[value.clone()];
        let mut escape = None;
        if lower == "escape" {
            match value_text {
                "\\" => escape = Some('\\'),
                "`" => escape = Some('`'),
                _ => {
                    diagnostics.push(SyntaxDiagnostic {
                        kind: DiagnosticKind::InvalidEscape,
                        message: format!("invalid escape token '{value_text}' does not match ` or \\"),
                        range: range(value),
                        is_fatal: true,
                    });
                    return None;
                }
            }
        }
        directives.push(Directive {
            name: lower,
            value: value_text.to_string(),
            range: line_range,
            name_range: range(name),
            value_range: range(value),
        });
        escape
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(line: &str) -> Option<(&str, &str)> {
        match_directive(line).map(|(n, v)| (&line[n], &line[v]))
    }

    #[test]
    fn directive_syntax() {
        assert_eq!(m("# escape=`"), Some(("escape", "`")));
        assert_eq!(m("#escape = `"), Some(("escape", "`")));
        assert_eq!(
            m("# syntax = docker/dockerfile:1  "),
            Some(("syntax", "docker/dockerfile:1"))
        );
        assert_eq!(
            m("# check=skip=JSONArgsRecommended"),
            Some(("check", "skip=JSONArgsRecommended"))
        );
        assert_eq!(m("# a b=c"), None);
        assert_eq!(m("# syntax="), None);
        assert_eq!(m("# syntax=  "), Some(("syntax", " ")));
        assert_eq!(m("# 1x=y"), None);
        assert_eq!(m("escape=`"), None);
    }
}
