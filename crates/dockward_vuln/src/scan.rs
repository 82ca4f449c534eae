//! Packages × database → vulnerabilities.

use crate::db::{Database, family};
use crate::distro::Selector;
use crate::index::{Entry, SeverityData, VulnData};
use crate::inventory::{Inventory, OsInfo, Package, PackageKind};
use crate::matching::{Verdict, evaluate};
use crate::version::Scheme;
use dockward_core::Severity;
use std::collections::HashMap;

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
    /// Packages not matched at all (no ecosystem known: an OS dockward cannot name, or a
    /// release OSV has no data for).
    pub unmatched: usize,
    /// Why the OS's packages were not matched, when `unmatched` counts them.
    pub unmatched_reason: Option<String>,
    /// Caveats of how the OS's packages were matched (Debian testing/unstable), once each.
    pub notes: Vec<String>,
    /// Findings left out by options (unfixed, unimportant).
    pub hidden: usize,
    pub errors: Vec<String>,
}

/// How a package is named in OSV: `(ecosystem, name, version)`. For OS packages the
/// ecosystem is the OS's main one ([`OsInfo::ecosystem`]); [`scan`] looks them up in every
/// ecosystem [`crate::distro::matching`] names (Red Hat streams, SUSE products, Ubuntu Pro).
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

/// What one package is looked up as.
struct Plan {
    family: String,
    /// In precedence order: for one vulnerability, the first selector with an entry decides.
    selectors: Vec<Selector>,
    names: Vec<String>,
    version: String,
    epoch_in_records: bool,
}

/// One entry found for a package: (selector rank, ecosystem, name, entry).
type Candidate = (usize, String, String, Entry);

fn has_epoch(entry: &Entry) -> bool {
    let epoch = |v: &str| {
        v.split_once(':')
            .is_some_and(|(e, _)| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))
    };
    entry.versions.iter().any(|v| epoch(v)) || entry.ranges.iter().any(|r| r.events.iter().any(|(_, v)| epoch(v)))
}

/// Matches every package of `inventory` against `db`.
pub fn scan(inventory: &Inventory, db: &mut Database, options: &ScanOptions) -> ScanResult {
    let mut result = ScanResult::default();
    let is_os_package = |p: &Package| matches!(p.kind, PackageKind::Deb | PackageKind::Apk | PackageKind::Rpm);
    let os_matching = inventory.os.as_ref().map(crate::distro::matching);
    if let Some(Ok(m)) = &os_matching
        && let Some(note) = &m.note
        && inventory.packages.iter().any(is_os_package)
    {
        result.notes.push(note.clone());
    }
    // The ecosystem strings of each family's index, listed once, for product streams.
    let mut streams: HashMap<String, Vec<String>> = HashMap::new();
    for pkg in &inventory.packages {
        let plan = if is_os_package(pkg) {
            match &os_matching {
                Some(Ok(m)) => {
                    let source = pkg.source_name.clone().unwrap_or_else(|| pkg.name.clone());
                    // rpm-based distributions' OSV records name binary or source packages
                    // depending on the publisher (Red Hat: binary; SUSE, AlmaLinux, Rocky:
                    // source): both are looked up. dpkg and apk records name the source.
                    let names = if pkg.kind == PackageKind::Rpm && source != pkg.name {
                        vec![pkg.name.clone(), source]
                    } else {
                        vec![source]
                    };
                    Plan {
                        family: m.family.clone(),
                        selectors: m.selectors_for(pkg).into_iter().cloned().collect(),
                        names,
                        version: pkg.source_version.clone().unwrap_or_else(|| pkg.version.clone()),
                        epoch_in_records: m.epoch_in_records,
                    }
                }
                other => {
                    result.unmatched += 1;
                    if result.unmatched_reason.is_none() {
                        result.unmatched_reason = Some(match other {
                            Some(Err(reason)) => reason.clone(),
                            _ => "no os-release or release file names the OS".into(),
                        });
                    }
                    continue;
                }
            }
        } else {
            let Some((ecosystem, name, version)) = osv_query(pkg, None) else {
                result.unmatched += 1;
                continue;
            };
            Plan {
                family: family(&ecosystem).to_string(),
                selectors: vec![Selector::Exact(ecosystem)],
                names: vec![name],
                version,
                epoch_in_records: true,
            }
        };
        let index = match db.index(&plan.family) {
            Ok(Some(index)) => index,
            Ok(None) => {
                if !result.missing_ecosystems.contains(&plan.family) {
                    result.missing_ecosystems.push(plan.family);
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
        let mut candidates: Vec<Candidate> = Vec::new();
        for (rank, selector) in plan.selectors.iter().enumerate() {
            let ecosystems: Vec<String> = match selector.exact() {
                Some(exact) => vec![exact.to_string()],
                None => {
                    if !streams.contains_key(&plan.family) {
                        let listed = index.ecosystems().unwrap_or_else(|_| {
                            result.errors.push(format!(
                                "damaged index: the {} ecosystems cannot be listed",
                                plan.family
                            ));
                            Vec::new()
                        });
                        streams.insert(plan.family.clone(), listed);
                    }
                    streams[&plan.family]
                        .iter()
                        .filter(|e| selector.selects(e))
                        .cloned()
                        .collect()
                }
            };
            for ecosystem in &ecosystems {
                for name in &plan.names {
                    match index.lookup(ecosystem, name) {
                        Ok(found) => candidates.extend(
                            found
                                .into_iter()
                                .map(|entry| (rank, ecosystem.clone(), name.clone(), entry)),
                        ),
                        Err(_) => result
                            .errors
                            .push(format!("damaged index entry for {ecosystem}/{name}")),
                    }
                }
            }
        }
        // One finding per vulnerability and package. Per vulnerability the first selector
        // holding an entry decides (Ubuntu Pro before the plain release); among its entries
        // (several streams, binary and source name) any affected one makes a finding, one
        // that names a fix preferred.
        candidates.sort_by_key(|c| (c.3.vuln, c.0));
        for same_vuln in candidates.chunk_by(|a, b| a.3.vuln == b.3.vuln) {
            let rank = same_vuln[0].0;
            let mut decided: Option<(&Candidate, Option<String>, &str)> = None;
            let mut unknown = false;
            for candidate in same_vuln.iter().filter(|c| c.0 == rank) {
                let (_, ecosystem, _, entry) = candidate;
                let version = if plan.epoch_in_records || has_epoch(entry) {
                    plan.version.as_str()
                } else {
                    crate::distro::strip_epoch(&plan.version)
                };
                match evaluate(entry, Scheme::for_ecosystem(ecosystem), version) {
                    Verdict::Affected { fixed } => {
                        if decided.as_ref().is_none_or(|d| d.1.is_none() && fixed.is_some()) {
                            decided = Some((candidate, fixed, version));
                        }
                    }
                    Verdict::NotAffected => {}
                    Verdict::Unknown => unknown = true,
                }
            }
            let Some(((_, ecosystem, name, entry), fixed, version)) = decided else {
                if unknown {
                    let id = index.vuln(same_vuln[0].3.vuln).map(|v| v.id).unwrap_or_default();
                    result.undecided.push((pkg.clone(), id));
                }
                continue;
            };
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
                matched_version: version.to_string(),
                vuln,
                fixed,
                severity: severity_of(&entry.severity, &entry.urgency, is_os_package(pkg)),
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
