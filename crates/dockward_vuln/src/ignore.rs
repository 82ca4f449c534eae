//! The vulnerability ignore file: vulnerabilities a team has judged not to affect it, each
//! with a reason and an expiry date, so an exception cannot outlive its review.
//!
//! ```toml
//! [[ignore]]
//! id = "CVE-2023-5678"          # the record id or any alias
//! package = "openssl"           # optional: only this package (binary or source name)
//! reason = "DH parameters come from our own code, never from peers"
//! expires = "2027-01-31"        # required; after it the entry stops applying
//! ```

use serde::Deserialize;
use std::path::Path;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    pub id: String,
    #[serde(default)]
    pub package: Option<String>,
    pub reason: String,
    pub expires: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreFile {
    #[serde(default)]
    pub ignore: Vec<IgnoreEntry>,
}

/// Reads and checks an ignore file: every entry needs a non-empty reason and a valid
/// `YYYY-MM-DD` expiry.
pub fn load(path: &Path) -> Result<IgnoreFile, String> {
    let bytes =
        dockward_core::fs::read_regular_file(path, 4 * 1024 * 1024).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))?;
    let file: IgnoreFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    for (n, entry) in file.ignore.iter().enumerate() {
        if entry.reason.trim().is_empty() {
            return Err(format!(
                "{}: ignore entry {} ({}) has no reason",
                path.display(),
                n + 1,
                entry.id
            ));
        }
        if crate::unix_seconds_of(&entry.expires).is_none() || entry.expires.len() != 10 {
            return Err(format!(
                "{}: ignore entry {} ({}): `expires` must be a date YYYY-MM-DD, not `{}`",
                path.display(),
                n + 1,
                entry.id,
                entry.expires
            ));
        }
    }
    Ok(file)
}

impl IgnoreFile {
    /// The entry that silences `finding` today, if any; expired entries never do.
    pub fn matching(&self, finding: &crate::scan::VulnFinding, now: i64) -> Option<&IgnoreEntry> {
        self.ignore.iter().find(|e| {
            let id_matches = e.id == finding.vuln.id || finding.vuln.aliases.contains(&e.id);
            let package_matches = e
                .package
                .as_ref()
                .is_none_or(|p| *p == finding.package.name || *p == finding.matched_name);
            id_matches && package_matches && !is_expired(e, now)
        })
    }

    /// Entries whose expiry has passed (to warn about).
    pub fn expired(&self, now: i64) -> impl Iterator<Item = &IgnoreEntry> {
        self.ignore.iter().filter(move |e| is_expired(e, now))
    }
}

/// An entry applies through the whole of its expiry day (UTC).
fn is_expired(entry: &IgnoreEntry, now: i64) -> bool {
    crate::unix_seconds_of(&entry.expires).is_none_or(|t| now >= t + 86_400)
}
