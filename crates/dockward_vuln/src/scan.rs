//! Packages × database → vulnerabilities.

use crate::db::{Database, family};
use crate::index::{SeverityData, VulnData};
use crate::inventory::{Inventory, OsInfo, Package, PackageKind};
use crate::matching::{Verdict, evaluate};
use crate::version::Scheme;
use dockward_core::Severity;

/// What to leave out.
#[derive(Clone, Debug, Default)]
pub struct ScanOptions {
    /// Leave out vulnerabilities without a fixed version.
    pub ignore_unfixed: bool,
    /// Show what Debian rates `unimportant` (hidden by default, at info severity).
    pub show_unimportant: bool,
}

/// One vulnerable package.
#[derive(Clone, Debug)]
pub struct VulnFinding {
    pub package: Package,
    /// The OSV ecosystem and name the package was matched as (`Debian:12`, source `openssl`).
    pub ecosystem: String,
    pub matched_name: String,
    pub matched_version: String,
    pub vuln: VulnData,
    pub fixed: Option<String>,
    pub severity: Severity,
    pub data: SeverityData,
    pub urgency: String,
}

/// The result of a scan.
#[derive(Clone, Debug, Default)]
pub struct ScanResult {
    pub findings: Vec<VulnFinding>,
    /// Packages whose version could not be ordered against a record: `(package, id)`.
    pub undecided: Vec<(Package, String)>,
    /// Ecosystems the inventory needs that the database has no data for.
    pub missing_ecosystems: Vec<String>,
    /// Packages not matched at all (no ecosystem known: an OS dockward cannot name).
    pub unmatched: usize,
    /// Findings left out by options (unfixed, unimportant).
    pub hidden: usize,
    pub errors: Vec<String>,
}

/// How a package is named in OSV: `(ecosystem, name, version)`.
pub fn osv_query(pkg: &Package, os: Option<&OsInfo>) -> Option<(String, String, String)> {
    let os_ecosystem = || os.and_then(OsInfo::ecosystem);
    match pkg.kind {
        PackageKind::Deb | PackageKind::Apk | PackageKind::Rpm => {
            let ecosystem = os_ecosystem()?;
            let name = pkg.source_name.clone().unwrap_or_else(|| pkg.name.clone());
            let version = pkg.source_version.clone().unwrap_or_else(|| pkg.version.clone());
            Some((ecosystem, name, version))
        }
        PackageKind::Python => Some((
            "PyPI".into(),
            crate::version::pep440::normalize_name(&pkg.name),
            pkg.version.clone(),
        )),
        PackageKind::Npm => Some(("npm".into(), pkg.name.clone(), pkg.version.clone())),
        PackageKind::Go => Some((
            "Go".into(),
            pkg.name.clone(),
            pkg.version.trim_start_matches('v').to_string(),
        )),
        PackageKind::Cargo => Some(("crates.io".into(), pkg.name.clone(), pkg.version.clone())),
        PackageKind::Maven => Some(("Maven".into(), pkg.name.clone(), pkg.version.clone())),
    }
}

/// dockward's severity for a record's data. For OS packages the distribution's own
/// rating wins when it gives one (it judges the package as built and configured there, as
/// trivy does); otherwise the CVSS base score's band, else the vendor's word, else medium
/// (unknown is not "fine").
pub fn severity_of(data: &SeverityData, urgency: &str, os_package: bool) -> Severity {
    let vendor = if data.label.is_empty() { urgency } else { &data.label };
    if os_package && let Some(severity) = word_severity(vendor) {
        return severity;
    }
    if let Some(score) = data.score {
        return match score {
            s if s >= 9.0 => Severity::Critical,
            s if s >= 7.0 => Severity::High,
            s if s >= 4.0 => Severity::Medium,
            s if s > 0.0 => Severity::Low,
            _ => Severity::Info,
        };
    }
    word_severity(vendor).unwrap_or(Severity::Medium)
}

fn word_severity(word: &str) -> Option<Severity> {
    Some(match word.to_ascii_lowercase().as_str() {
        "critical" => Severity::Critical,
        "high" | "important" => Severity::High,
        "medium" | "moderate" => Severity::Medium,
        "low" => Severity::Low,
        "negligible" | "unimportant" => Severity::Info,
        _ => return None,
    })
}

/// Matches every package of `inventory` against `db`.
pub fn scan(inventory: &Inventory, db: &mut Database, options: &ScanOptions) -> ScanResult {
    let mut result = ScanResult::default();
    for pkg in &inventory.packages {
        let Some((ecosystem, name, version)) = osv_query(pkg, inventory.os.as_ref()) else {
            result.unmatched += 1;
            continue;
        };
        // rpm-based distributions' OSV records name binary or source packages depending on
        // the publisher: both are looked up (one finding per vulnerability either way).
        let names: Vec<String> = if pkg.kind == PackageKind::Rpm && name != pkg.name {
            vec![pkg.name.clone(), name]
        } else {
            vec![name]
        };
        let fam = family(&ecosystem).to_string();
        let index = match db.index(&fam) {
            Ok(Some(index)) => index,
            Ok(None) => {
                if !result.missing_ecosystems.contains(&fam) {
                    result.missing_ecosystems.push(fam);
                }
                continue;
            }
            Err(e) => {
                if !result.errors.contains(&e) {
                    result.errors.push(e);
                }
                continue;
            }
        };
        let mut entries = Vec::new();
        let mut name = names[0].clone();
        for candidate in &names {
            match index.lookup(&ecosystem, candidate) {
                Ok(found) => {
                    if entries.is_empty() && !found.is_empty() {
                        name.clone_from(candidate);
                    }
                    entries.extend(found);
                }
                Err(_) => result
                    .errors
                    .push(format!("damaged index entry for {ecosystem}/{candidate}")),
            }
        }
        let scheme = Scheme::for_ecosystem(&ecosystem);
        // One finding per vulnerability and package, even when several entries match.
        let mut seen: Vec<u32> = Vec::new();
        for entry in &entries {
            if seen.contains(&entry.vuln) {
                continue;
            }
            let fixed = match evaluate(entry, scheme, &version) {
                Verdict::Affected { fixed } => fixed,
                Verdict::NotAffected => continue,
                Verdict::Unknown => {
                    let id = index.vuln(entry.vuln).map(|v| v.id).unwrap_or_default();
                    result.undecided.push((pkg.clone(), id));
                    continue;
                }
            };
            seen.push(entry.vuln);
            let Ok(vuln) = index.vuln(entry.vuln) else {
                result
                    .errors
                    .push(format!("damaged index entry for {ecosystem}/{name}"));
                continue;
            };
            let unimportant = entry.urgency == "unimportant";
            if (unimportant && !options.show_unimportant) || (options.ignore_unfixed && fixed.is_none()) {
                result.hidden += 1;
                continue;
            }
            result.findings.push(VulnFinding {
                package: pkg.clone(),
                ecosystem: ecosystem.clone(),
                matched_name: name.clone(),
                matched_version: version.clone(),
                vuln,
                fixed,
                severity: severity_of(
                    &entry.severity,
                    &entry.urgency,
                    matches!(pkg.kind, PackageKind::Deb | PackageKind::Apk | PackageKind::Rpm),
                ),
                data: entry.severity.clone(),
                urgency: entry.urgency.clone(),
            });
        }
    }
    dedup_aliases(&mut result.findings);
    result
        .findings
        .sort_by(|a, b| (b.severity, &a.package.name, &a.vuln.id).cmp(&(a.severity, &b.package.name, &b.vuln.id)));
    result
}

/// One finding per vulnerability per package: records of several databases describing
/// the same vulnerability (GHSA and PYSEC for one CVE) share an id or alias; the first
/// (in id order) is kept.
fn dedup_aliases(findings: &mut Vec<VulnFinding>) {
    findings.sort_by(|a, b| {
        (&a.package.location, &a.package.name, &a.package.version, &a.vuln.id).cmp(&(
            &b.package.location,
            &b.package.name,
            &b.package.version,
            &b.vuln.id,
        ))
    });
    let mut kept: Vec<VulnFinding> = Vec::with_capacity(findings.len());
    for finding in findings.drain(..) {
        let names = |f: &VulnFinding| -> Vec<String> {
            std::iter::once(f.vuln.id.clone())
                .chain(f.vuln.aliases.iter().cloned())
                .collect()
        };
        let mine = names(&finding);
        let duplicate = kept.iter().rev().take_while(|k| k.package == finding.package).any(|k| {
            let theirs = names(k);
            mine.iter().any(|n| theirs.contains(n))
        });
        if !duplicate {
            kept.push(finding);
        }
    }
    *findings = kept;
}
