//! Fixes: lists of byte edits with an applicability, and applying them to a text.

use crate::TextRange;
use serde::Serialize;
use std::collections::BTreeMap;

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
/// the next pass, which is why callers loop until nothing changes). A fix whose own edits
/// overlap each other cannot be applied at all and is skipped too.
///
/// Accepted edits are kept sorted by position, so each fix is checked against its
/// neighbours only: `--fix` on a file with hundreds of thousands of fixes stays near-linear.
///
/// Returns the new text and how many fixes were applied.
pub fn apply_fixes<'a>(text: &str, fixes: impl IntoIterator<Item = &'a Fix>) -> (String, usize) {
    // (start, end, order of acceptance) → edit. Accepted edits never conflict, so their
    // non-empty ranges are disjoint and, in this order, so are their ends; the sequence
    // number keeps a fix's own insertions at one point in the order it listed them.
    let mut accepted: BTreeMap<(u32, u32, usize), &Edit> = BTreeMap::new();
    let mut applied = 0;
    for fix in fixes {
        let fits = fix.edits.iter().all(|edit| {
            edit.range.start <= edit.range.end
                && edit.range.end as usize <= text.len()
                && text.is_char_boundary(edit.range.start as usize)
                && text.is_char_boundary(edit.range.end as usize)
                && !conflicts(&accepted, edit.range)
        });
        if fits && edits_are_ordered(&fix.edits) {
            for edit in &fix.edits {
                let seq = accepted.len();
                accepted.insert((edit.range.start, edit.range.end, seq), edit);
            }
            applied += 1;
        }
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut cursor = 0usize;
    for edit in accepted.values() {
        out.push_str(&text[cursor..edit.range.start as usize]);
        out.push_str(&edit.replacement);
        cursor = edit.range.end as usize;
    }
    out.push_str(&text[cursor..]);
    (out, applied)
}

/// Whether `range` conflicts with an accepted edit: two edits conflict when their ranges
/// share bytes, when both insert at the same point (their order would be ambiguous), or
/// when one inserts at the start or inside the other's range. Only the accepted edits
/// starting inside `range` (or at an insertion's point) and the last one starting before
/// it can conflict, because accepted ranges are disjoint.
fn conflicts(accepted: &BTreeMap<(u32, u32, usize), &Edit>, range: TextRange) -> bool {
    let before = accepted
        .range(..(range.start, 0, 0))
        .next_back()
        .is_some_and(|((_, end, _), _)| *end > range.start);
    let starting_inside = if range.is_empty() {
        accepted
            .range((range.start, 0, 0)..=(range.start, u32::MAX, usize::MAX))
            .next()
            .is_some()
    } else {
        accepted.range((range.start, 0, 0)..(range.end, 0, 0)).next().is_some()
    };
    before || starting_inside
}

/// Whether one fix's edits can be applied in position order without any two overlapping
/// (insertions at the start of a replaced range, or several at one point, are fine).
fn edits_are_ordered(edits: &[Edit]) -> bool {
    if edits.len() < 2 {
        return true;
    }
    let mut ranges: Vec<TextRange> = edits.iter().map(|e| e.range).collect();
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut end = 0;
    ranges.iter().all(|r| {
        let ok = r.start >= end;
        end = end.max(r.end);
        ok
    })
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

    #[test]
    fn a_fix_whose_own_edits_overlap_is_skipped_not_a_panic() {
        let crossed = Fix::safe(
            "crossed",
            vec![Edit::replace(TextRange::new(0, 3), "x"), Edit::insert(1, "y")],
        );
        let both_at_start = Fix::safe(
            "two inserts",
            vec![
                Edit::insert(4, "1"),
                Edit::insert(4, "2"),
                Edit::replace(TextRange::new(4, 5), "Z"),
            ],
        );
        assert_eq!(
            apply_fixes("abcdef", [&crossed, &both_at_start]),
            ("abcd12Zf".to_string(), 1)
        );
    }

    #[test]
    fn two_hundred_thousand_fixes_are_all_applied() {
        let n = 200_000u32;
        let text = "ADD a /b\n".repeat(n as usize);
        let fixes: Vec<Fix> = (0..n)
            .rev()
            .map(|i| {
                Fix::safe(
                    "add->copy",
                    vec![Edit::replace(TextRange::new(i * 9, i * 9 + 3), "COPY")],
                )
            })
            .collect();
        // Each fix also clashes with one accepted before it, and is skipped.
        let clashes: Vec<Fix> = (0..n)
            .map(|i| Fix::safe("clash", vec![Edit::insert(i * 9 + 1, "!")]))
            .collect();
        let (out, applied) = apply_fixes(&text, fixes.iter().chain(&clashes));
        assert_eq!(applied, n as usize);
        assert_eq!(out, "COPY a /b\n".repeat(n as usize));
    }

    /// The rule applied pair by pair, as the definition the fast version must match.
    fn reference(text: &str, fixes: &[Fix]) -> (String, usize) {
        let overlaps = |a: TextRange, b: TextRange| {
            if a.is_empty() || b.is_empty() {
                return a.start == b.start
                    || (a.start > b.start && a.start < b.end)
                    || (b.start > a.start && b.start < a.end);
            }
            a.start < b.end && b.start < a.end
        };
        let mut accepted: Vec<&Edit> = Vec::new();
        let mut applied = 0;
        for fix in fixes {
            let fits = fix.edits.iter().all(|edit| {
                edit.range.end as usize <= text.len() && accepted.iter().all(|other| !overlaps(edit.range, other.range))
            });
            if fits && edits_are_ordered(&fix.edits) {
                accepted.extend(fix.edits.iter());
                applied += 1;
            }
        }
        accepted.sort_by_key(|edit| (edit.range.start, edit.range.end));
        let mut out = String::new();
        let mut cursor = 0usize;
        for edit in accepted {
            out.push_str(&text[cursor..edit.range.start as usize]);
            out.push_str(&edit.replacement);
            cursor = edit.range.end as usize;
        }
        out.push_str(&text[cursor..]);
        (out, applied)
    }

    proptest::proptest! {
        #[test]
        fn matches_the_pairwise_definition(
            fixes in proptest::collection::vec(
                proptest::collection::vec((0u32..24, 0u32..4, "[a-c]{0,2}"), 1..4),
                0..40,
            )
        ) {
            let text = "0123456789abcdefghijklmn";
            let fixes: Vec<Fix> = fixes
                .into_iter()
                .map(|edits| Fix::safe("p", edits
                    .into_iter()
                    .map(|(start, len, r)| Edit::replace(TextRange::new(start, (start + len).min(24)), r))
                    .collect()))
                .collect();
            proptest::prop_assert_eq!(apply_fixes(text, &fixes), reference(text, &fixes));
        }
    }
}
