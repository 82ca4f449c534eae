//! PEP 440 ordering (PyPI), through `pep440_rs` (uv's implementation).

use std::cmp::Ordering;
use std::str::FromStr;

/// Orders two PEP 440 versions after normalisation (`1.0c1` = `1.0rc1`, `1.0-1` =
/// `1.0.post1`, `v1.0` = `1.0`, trailing zeros ignored); `None` when either is not PEP 440.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    let a = pep440_rs::Version::from_str(a.trim()).ok()?;
    let b = pep440_rs::Version::from_str(b.trim()).ok()?;
    Some(a.cmp(&b))
}

/// A distribution name as PyPI and OSV key it (PEP 503: lower case, runs of `-_.` → `-`).
pub fn normalize_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut separator = false;
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            separator = true;
            continue;
        }
        if separator && !out.is_empty() {
            out.push('-');
        }
        separator = false;
        out.extend(c.to_lowercase());
    }
    out
}
