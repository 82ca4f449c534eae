//! SemVer 2.0.0 ordering (npm, crates.io) and Go module versions.
//!
//! Real-world versions are read leniently before SemVer's strict parser sees them: a
//! leading `v` goes, build metadata is ignored (it never takes part in precedence), and a
//! missing minor or patch number counts as 0 (`1.2` = `1.2.0`, which npm ranges agree
//! with).

use std::cmp::Ordering;

/// Reads a version leniently; `None` when it is not SemVer even so.
pub fn parse(version: &str) -> Option<::semver::Version> {
    let version = version.trim();
    let version = version.strip_prefix(['v', 'V']).unwrap_or(version);
    let version = version.split_once('+').map_or(version, |(v, _)| v);
    if let Ok(parsed) = ::semver::Version::parse(version) {
        return Some(parsed);
    }
    // Pad `1` / `1.2` (with or without a pre-release) to three numbers.
    let (core, pre) = match version.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (version, None),
    };
    let parts = core.split('.').count();
    if parts >= 3 || core.is_empty() {
        return None;
    }
    let mut padded = core.to_string();
    for _ in parts..3 {
        padded.push_str(".0");
    }
    if let Some(pre) = pre {
        padded.push('-');
        padded.push_str(pre);
    }
    ::semver::Version::parse(&padded).ok()
}

/// Orders two SemVer versions by precedence (build metadata ignored).
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    Some(parse(a)?.cmp_precedence(&parse(b)?))
}

/// Orders two Go module versions (`v1.2.3`, `1.2.3`, pseudo-versions, `+incompatible`).
/// Pseudo-versions are SemVer pre-releases by construction, so SemVer precedence orders
/// them; `(devel)` is not a version.
pub fn compare_go(a: &str, b: &str) -> Option<Ordering> {
    compare(a, b)
}

/// The SemVer form of a Go toolchain version, as the Go vulnerability database names
/// `stdlib` versions: `go1.22.3` → `1.22.3`, `go1.21` → `1.21.0`, `go1.21rc2` →
/// `1.21.0-rc.2`, `go1.9beta1` → `1.9.0-beta.1`. Anything else → `None`.
pub fn go_toolchain_semver(toolchain: &str) -> Option<String> {
    let v = toolchain.strip_prefix("go")?;
    // Experiments and vendor suffixes: `go1.22.3 X:nocoverageredesign`, `go1.21.0-bigcorp`.
    let v = v.split([' ', '-', '+']).next()?;
    let split = v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len());
    let (numbers, pre) = v.split_at(split);
    let mut parts: Vec<&str> = numbers.split('.').collect();
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    while parts.len() < 3 {
        parts.push("0");
    }
    let mut out = parts.join(".");
    if !pre.is_empty() {
        let digits = pre.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let word = &pre[..pre.len() - digits.len()];
        if !matches!(word, "rc" | "beta" | "alpha")
            || (!digits.is_empty() && !digits.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        out.push('-');
        out.push_str(word);
        if !digits.is_empty() {
            out.push('.');
            out.push_str(digits);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_versions() {
        assert_eq!(go_toolchain_semver("go1.22.3").as_deref(), Some("1.22.3"));
        assert_eq!(go_toolchain_semver("go1.21").as_deref(), Some("1.21.0"));
        assert_eq!(go_toolchain_semver("go1.21rc2").as_deref(), Some("1.21.0-rc.2"));
        assert_eq!(
            go_toolchain_semver("go1.22.3 X:boringcrypto").as_deref(),
            Some("1.22.3")
        );
        assert_eq!(go_toolchain_semver("devel go1.23-abc"), None);
        assert_eq!(
            compare_go("v0.0.0-20230101000000-abcdefabcdef", "0.1.0"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare_go("v1.2.4-0.20230101000000-abcdefabcdef", "1.2.3"),
            Some(Ordering::Greater)
        );
        assert_eq!(compare_go("v2.0.0+incompatible", "2.0.0"), Some(Ordering::Equal));
        assert_eq!(compare_go("(devel)", "1.0.0"), None);
        assert_eq!(compare("1.2", "1.2.0"), Some(Ordering::Equal));
    }
}
