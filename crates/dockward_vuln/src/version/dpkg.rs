//! dpkg's version ordering (Debian, Ubuntu): `[epoch:]upstream[-revision]`.
//!
//! Epochs compare as numbers; upstream and revision with dpkg's string algorithm, which
//! alternates a non-digit run (compared by character weight: `~` below everything, even the
//! end of the string; then letters; then every other character) and a digit run (compared
//! as a number). A missing revision equals `0`.

use std::cmp::Ordering;

/// A parsed dpkg version, borrowing its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DpkgVersion<'a> {
    pub epoch: u64,
    pub upstream: &'a str,
    pub revision: &'a str,
}

/// Splits a version into its parts; `None` for an empty or non-numeric epoch, an empty
/// upstream part, or whitespace.
pub fn parse(version: &str) -> Option<DpkgVersion<'_>> {
    let version = version.trim();
    if version.is_empty() || version.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
        return None;
    }
    let (epoch, rest) = match version.split_once(':') {
        Some((epoch, rest)) => {
            if epoch.is_empty() || !epoch.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (epoch.parse().ok()?, rest)
        }
        None => (0, version),
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((upstream, revision)) => (upstream, revision),
        None => (rest, ""),
    };
    if upstream.is_empty() {
        return None;
    }
    Some(DpkgVersion {
        epoch,
        upstream,
        revision,
    })
}

/// Orders two dpkg versions; `None` when either does not parse.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (parse(a)?, parse(b)?);
    Some(
        a.epoch
            .cmp(&b.epoch)
            .then_with(|| compare_part(a.upstream.as_bytes(), b.upstream.as_bytes()))
            .then_with(|| compare_part(a.revision.as_bytes(), b.revision.as_bytes())),
    )
}

/// A character's weight in a non-digit run. The end of the string and a digit weigh 0.
fn weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp` on one part (upstream or revision).
fn compare_part(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let digit = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
            let (wa, wb) = (weight(a.get(i).copied()), weight(b.get(j).copied()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            // Equal non-zero weights: both sides hold a character here.
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_difference = Ordering::Equal;
        while digit(a, i) && digit(b, j) {
            if first_difference == Ordering::Equal {
                first_difference = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if digit(a, i) {
            return Ordering::Greater;
        }
        if digit(b, j) {
            return Ordering::Less;
        }
        if first_difference != Ordering::Equal {
            return first_difference;
        }
    }
    Ordering::Equal
}
