//! OSV's evaluation: is version V of a package inside an `affected[]` entry?
//!
//! V is affected when it is listed in `versions` (compared as the ecosystem compares), or
//! when a `SEMVER`/`ECOSYSTEM` range holds it: the range's events, sorted by version with
//! `"0"` lowest, are walked up to V — `introduced ≤ V` opens the range, `fixed ≤ V` closes
//! it (the fixed version itself is safe), `last_affected < V` closes it (last_affected
//! itself is affected). Several introduced/fixed pairs make several windows. A `limit`
//! at or below V rules the range out.

use crate::index::{Entry, EventKind, RangeData};
use crate::version::Scheme;
use std::cmp::Ordering;

/// The answer for one entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// V is affected; `fixed` is the first fixed version above V in the window holding it,
    /// when the record names one.
    Affected {
        fixed: Option<String>,
    },
    NotAffected,
    /// V or an event version could not be ordered (unreadable version, or an ecosystem
    /// dockward has no ordering for): neither answer is safe to give.
    Unknown,
}

/// Evaluates one entry for `version` with `scheme` (`None`: no ordering known).
pub fn evaluate(entry: &Entry, scheme: Option<Scheme>, version: &str) -> Verdict {
    // Ranges first: when one holds V it also names the fix, and the (often long)
    // `versions` list need not be read.
    let mut unknown = false;
    for range in &entry.ranges {
        let Some(scheme) = scheme else {
            unknown = true;
            continue;
        };
        match in_range(range, scheme, version) {
            Some(Some(fixed)) => return Verdict::Affected { fixed },
            Some(None) => {}
            None => unknown = true,
        }
    }
    let listed = entry
        .versions
        .iter()
        .any(|v| v == version || scheme.is_some_and(|s| s.same(v, version)));
    if listed {
        Verdict::Affected { fixed: None }
    } else if unknown {
        Verdict::Unknown
    } else {
        Verdict::NotAffected
    }
}

fn compare(scheme: Scheme, a: &str, b: &str) -> Option<Ordering> {
    match (a == "0", b == "0") {
        (true, true) => Some(Ordering::Equal),
        (true, false) => Some(Ordering::Less),
        (false, true) => Some(Ordering::Greater),
        (false, false) => scheme.compare(a, b),
    }
}

/// `None`: cannot tell. `Some(None)`: not in the range. `Some(Some(fixed))`: in it.
fn in_range(range: &RangeData, scheme: Scheme, version: &str) -> Option<Option<Option<String>>> {
    // Order every event version once, so a failure anywhere is seen.
    let mut events: Vec<(EventKind, &str, Ordering)> = Vec::with_capacity(range.events.len());
    for (kind, v) in &range.events {
        events.push((*kind, v, compare(scheme, v, version)?));
    }
    let mut failed = false;
    events.sort_by(|a, b| {
        compare(scheme, a.1, b.1).unwrap_or_else(|| {
            failed = true;
            Ordering::Equal
        })
    });
    if failed {
        return None;
    }
    if events
        .iter()
        .any(|(kind, _, to_v)| *kind == EventKind::Limit && *to_v != Ordering::Greater)
    {
        return Some(None);
    }
    let mut open = false;
    let mut opened_at = None;
    for (i, (kind, _, to_v)) in events.iter().enumerate() {
        match kind {
            EventKind::Introduced if *to_v != Ordering::Greater => {
                open = true;
                opened_at = Some(i);
            }
            EventKind::Fixed if *to_v != Ordering::Greater => open = false,
            EventKind::LastAffected if *to_v == Ordering::Less => open = false,
            _ => {}
        }
    }
    if !open {
        return Some(None);
    }
    // The fix: the first `fixed` above V after the window opened.
    let start = opened_at.map_or(0, |i| i + 1);
    let fixed = events[start..]
        .iter()
        .find(|(kind, _, to_v)| *kind == EventKind::Fixed && *to_v == Ordering::Greater)
        .map(|(_, v, _)| v.to_string());
    Some(Some(fixed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(events: &[(EventKind, &str)]) -> Entry {
        Entry {
            ranges: vec![RangeData {
                semver: false,
                events: events.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            }],
            ..Entry::default()
        }
    }

    #[test]
    fn last_affected_is_affected() {
        let e = entry(&[(EventKind::Introduced, "0"), (EventKind::LastAffected, "1.2.0")]);
        let s = Some(Scheme::Semver);
        assert_eq!(evaluate(&e, s, "1.2.0"), Verdict::Affected { fixed: None });
        assert_eq!(evaluate(&e, s, "1.2.1"), Verdict::NotAffected);
    }

    #[test]
    fn limit_bounds_the_range() {
        let e = entry(&[(EventKind::Introduced, "1.0.0"), (EventKind::Limit, "2.0.0")]);
        let s = Some(Scheme::Semver);
        assert_eq!(evaluate(&e, s, "1.5.0"), Verdict::Affected { fixed: None });
        assert_eq!(evaluate(&e, s, "2.1.0"), Verdict::NotAffected);
    }

    #[test]
    fn unreadable_versions_are_unknown() {
        let e = entry(&[(EventKind::Introduced, "0"), (EventKind::Fixed, "1.0.0")]);
        assert_eq!(evaluate(&e, Some(Scheme::Semver), "not a version"), Verdict::Unknown);
        assert_eq!(evaluate(&e, None, "0.5.0"), Verdict::Unknown);
        let listed = Entry {
            versions: vec!["0.5.0".into()],
            ..Entry::default()
        };
        assert_eq!(evaluate(&listed, None, "0.5.0"), Verdict::Affected { fixed: None });
    }

    #[test]
    fn fix_of_the_window_holding_the_version() {
        let e = entry(&[
            (EventKind::Introduced, "0"),
            (EventKind::Fixed, "1.21.12"),
            (EventKind::Introduced, "1.22.0-0"),
            (EventKind::Fixed, "1.22.5"),
        ]);
        let s = Some(Scheme::Go);
        assert_eq!(
            evaluate(&e, s, "1.22.1"),
            Verdict::Affected {
                fixed: Some("1.22.5".into())
            }
        );
        assert_eq!(
            evaluate(&e, s, "1.20.0"),
            Verdict::Affected {
                fixed: Some("1.21.12".into())
            }
        );
    }
}
