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
///
/// Equivalent to OSV's walk over the sorted events, without sorting: the window holding V
/// opens at the greatest `introduced` at or below V and is closed by a `fixed` in
/// (introduced, V] or a `last_affected` in [introduced, V). Not sorting matters: an
/// ordering that is not total on hostile versions (Maven's is not, on inputs like `-.^a`)
/// must not reach `sort`, which may panic on such orderings.
fn in_range(range: &RangeData, scheme: Scheme, version: &str) -> Option<Option<Option<String>>> {
    // Each event against V, once, so a version that cannot be ordered is seen.
    let mut events: Vec<(EventKind, &str, Ordering)> = Vec::with_capacity(range.events.len());
    for (kind, v) in &range.events {
        events.push((*kind, v, compare(scheme, v, version)?));
    }
    if events
        .iter()
        .any(|(kind, _, to_v)| *kind == EventKind::Limit && *to_v != Ordering::Greater)
    {
        return Some(None);
    }
    // The greatest `introduced` at or below V (the later one in the list on a tie, as a
    // stable sort would leave it).
    let mut opened: Option<(usize, &str)> = None;
    for (i, (kind, v, to_v)) in events.iter().enumerate() {
        if *kind == EventKind::Introduced && *to_v != Ordering::Greater {
            opened = match opened {
                Some(best) if compare(scheme, v, best.1)? == Ordering::Less => Some(best),
                _ => Some((i, v)),
            };
        }
    }
    let Some((opened_at, opened)) = opened else {
        return Some(None);
    };
    for (i, (kind, v, to_v)) in events.iter().enumerate() {
        // After the opening event in sorted order: above it, or equal and later in the list.
        let after = || -> Option<bool> {
            Some(match compare(scheme, v, opened)? {
                Ordering::Greater => true,
                Ordering::Equal => i > opened_at,
                Ordering::Less => false,
            })
        };
        let closes = match kind {
            EventKind::Fixed => *to_v != Ordering::Greater && after()?,
            EventKind::LastAffected => *to_v == Ordering::Less && after()?,
            _ => false,
        };
        if closes {
            return Some(None);
        }
    }
    // The fix: the lowest `fixed` above V.
    let mut fixed: Option<&str> = None;
    for (kind, v, to_v) in &events {
        if *kind == EventKind::Fixed && *to_v == Ordering::Greater {
            fixed = match fixed {
                Some(best) if compare(scheme, v, best)? != Ordering::Less => Some(best),
                _ => Some(v),
            };
        }
    }
    Some(Some(fixed.map(str::to_string)))
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

#[cfg(test)]
mod ties {
    use super::*;

    fn range(events: &[(EventKind, &str)]) -> Entry {
        Entry {
            ranges: vec![RangeData {
                semver: true,
                events: events.iter().map(|(k, v)| (*k, v.to_string())).collect(),
            }],
            ..Entry::default()
        }
    }

    /// Events at the same version act in list order, as after OSV's (stable) sort.
    #[test]
    fn equal_versions_act_in_list_order() {
        let s = Some(Scheme::Semver);
        let empty = range(&[(EventKind::Introduced, "1.0.0"), (EventKind::Fixed, "1.0.0")]);
        assert_eq!(evaluate(&empty, s, "1.5.0"), Verdict::NotAffected);
        let reopened = range(&[
            (EventKind::Introduced, "0"),
            (EventKind::Fixed, "1.0.0"),
            (EventKind::Introduced, "1.0.0"),
            (EventKind::Fixed, "2.0.0"),
        ]);
        assert_eq!(
            evaluate(&reopened, s, "1.5.0"),
            Verdict::Affected {
                fixed: Some("2.0.0".into())
            }
        );
        assert_eq!(
            evaluate(&reopened, s, "0.5.0"),
            Verdict::Affected {
                fixed: Some("1.0.0".into())
            }
        );
    }
}
