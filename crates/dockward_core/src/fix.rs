//! Fixes: lists of byte edits with an applicability, and applying them to a text.

use crate::TextRange;
use serde::Serialize;

/// How far a fix can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Keeps behaviour the user relies on; applied by `--fix`.
    Safe,
    /// Probably right but may change behaviour; applied only with `--unsafe-fixes`.
    Unsafe,
    /// Shown as a suggestion, never applied.
    DisplayOnly,
}

/// Replace the bytes of `range` with `replacement` (an empty range inserts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub range: TextRange,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: TextRange, replacement: impl Into<String>) -> Self {
        Self {
            range,
            replacement: replacement.into(),
        }
    }

    pub fn insert(offset: u32, text: impl Into<String>) -> Self {
        Self::replace(TextRange::empty(offset), text)
    }

    pub fn delete(range: TextRange) -> Self {
        Self::replace(range, String::new())
    }
}

/// A fix for one finding: edits to the finding's own file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub description: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(description: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            description: description.into(),
            applicability: Applicability::Safe,
            edits,
        }
    }

    pub fn unsafe_(description: impl Into<String>, edits: Vec<Edit>) -> Self {
        Self {
            description: description.into(),
            applicability: Applicability::Unsafe,
            edits,
        }
    }
}

/// Applies as many fixes as can be applied together: fixes are taken in order, and one whose
/// edits overlap an edit already accepted is skipped (it will be re-detected and retried on
/// the next pass, which is why callers loop until nothing changes).
///
/// Returns the new text and how many fixes were applied.
pub fn apply_fixes<'a>(text: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> (String, usize) {
    let mut accepted: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    for fix in fixes {
        let fits = fix.edits.iter().all(|edit| {
            edit.range.end as usize <= text.len()
                && text.is_char_boundary(edit.range.start as usize)
                && text.is_char_boundary(edit.range.end as usize)
                && accepted.iter().all(|other| !overlaps(edit.range, other.range))
        });
        if fits {
            accepted.extend(fix.edits.iter());
            applied += 1;
        }
    }
    accepted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut cursor = 0usize;
    for edit in accepted {
        out.push_str(&text[cursor..edit.range.start as usize]);
        out.push_str(&edit.replacement);
        cursor = edit.range.end as usize;
    }
    out.push_str(&text[cursor..]);
    (out, applied)
}

/// Two edits conflict when their ranges share bytes, or when both insert at the same point
/// (their order would be ambiguous).
fn overlaps(a: TextRange, b: TextRange) -> bool {
    if a.is_empty() || b.is_empty() {
        return a.start == b.start || (a.start > b.start && a.start < b.end) || (b.start > a.start && b.start < a.end);
    }
    a.start < b.end && b.start < a.end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_non_overlapping_edits_and_skips_conflicts() {
        let text = "ADD a /b\nRUN x";
        let first = Fix::safe("add->copy", vec![Edit::replace(TextRange::new(0, 3), "COPY")]);
        let clash = Fix::safe("clash", vec![Edit::replace(TextRange::new(1, 2), "Z")]);
        let third = Fix::safe("insert", vec![Edit::insert(13, "y ")]);
        let (out, n) = apply_fixes(text, [&first, &clash, &third]);
        assert_eq!(out, "COPY a /b\nRUN y x");
        assert_eq!(n, 2);
    }

    #[test]
    fn refuses_edits_outside_the_text() {
        let fix = Fix::safe("bad", vec![Edit::insert(99, "x")]);
        assert_eq!(apply_fixes("abc", [&fix]), ("abc".to_string(), 0));
    }
}
