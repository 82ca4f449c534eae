//! Version orderings, one per packaging world, as OSV ranges need them.
//!
//! Each comparator answers `None` when a version cannot be read in its scheme: matching
//! then reports "cannot tell" instead of guessing (a version that does not parse is never
//! silently "not affected"). Tests run every pair of `shared/corpus/versions/`.

pub mod apk;
pub mod dpkg;
pub mod maven;
pub mod pep440;
pub mod rpm;
pub mod semver;

use std::cmp::Ordering;

/// A version ordering.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Debian and Ubuntu: `[epoch:]upstream[-revision]`.
    Dpkg,
    /// Alpine, Wolfi, Chainguard: apk-tools' ordering.
    Apk,
    /// Red Hat family, SUSE: `rpmvercmp` on epoch, version, release.
    Rpm,
    /// SemVer 2.0.0 (npm, crates.io), read leniently (`v` prefix, missing minor/patch).
    Semver,
    /// Go modules: SemVer without the `v`; pseudo-versions are pre-releases.
    Go,
    /// PyPI.
    Pep440,
    /// Maven's `ComparableVersion`.
    Maven,
}

impl Scheme {
    /// The ordering of an OSV ecosystem (`Debian:12` → dpkg). `None` for ecosystems
    /// dockward does not order (their ranges are skipped; `versions` lists still match).
    pub fn for_ecosystem(ecosystem: &str) -> Option<Scheme> {
        let base = ecosystem.split(':').next().unwrap_or(ecosystem);
        Some(match base {
            "Debian" | "Ubuntu" => Scheme::Dpkg,
            "Alpine" | "Wolfi" | "Chainguard" => Scheme::Apk,
            "Red Hat" | "AlmaLinux" | "Rocky Linux" | "SUSE" | "openSUSE" | "Mageia" | "Azure Linux" | "openEuler" => {
                Scheme::Rpm
            }
            "npm" | "crates.io" => Scheme::Semver,
            "Go" => Scheme::Go,
            "PyPI" => Scheme::Pep440,
            "Maven" => Scheme::Maven,
            _ => return None,
        })
    }

    /// Orders two versions; `None` when either cannot be read.
    pub fn compare(self, a: &str, b: &str) -> Option<Ordering> {
        match self {
            Scheme::Dpkg => dpkg::compare(a, b),
            Scheme::Apk => Some(apk::compare(a, b)),
            Scheme::Rpm => Some(rpm::compare_evr(a, b)),
            Scheme::Semver => semver::compare(a, b),
            Scheme::Go => semver::compare_go(a, b),
            Scheme::Pep440 => pep440::compare(a, b),
            Scheme::Maven => Some(maven::compare(a, b)),
        }
    }

    /// Whether two version strings name the same version (for OSV `versions` lists, which
    /// run to hundreds of entries: most pairs are told apart by their first number without
    /// parsing either version).
    pub fn same(self, a: &str, b: &str) -> bool {
        a == b || (leading_number(a) == leading_number(b) && self.compare(a, b) == Some(Ordering::Equal))
    }
}

/// The value of a version's first digit run (leading zeros and a zero epoch, `0:` or `0!`,
/// skipped; `None` without digits). Versions equal in any of the orderings here have the
/// same leading number.
fn leading_number(v: &str) -> Option<&str> {
    let v = v.trim();
    let v = v.strip_prefix("0:").or_else(|| v.strip_prefix("0!")).unwrap_or(v);
    let start = v.find(|c: char| c.is_ascii_digit())?;
    let digits = &v[start..];
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    let number = digits[..end].trim_start_matches('0');
    Some(number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_versions() {
        assert!(Scheme::Pep440.same("1.0", "1.0.0"));
        assert!(Scheme::Pep440.same("v1.0", "1.0"));
        assert!(Scheme::Pep440.same("0!1.0", "1.0"));
        assert!(Scheme::Dpkg.same("0:1.0-1", "1.0-1"));
        assert!(Scheme::Dpkg.same("1.002", "1.2"));
        assert!(Scheme::Apk.same("01.0", "1.0"));
        assert!(!Scheme::Pep440.same("1.0", "2.0"));
        assert!(!Scheme::Semver.same("1.0.0", "1.0.1"));
    }
}
