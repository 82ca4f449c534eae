//! `dockward db import`: OSV records from `all.zip` dumps, folders of JSON files, or
//! single JSON files, into per-family index files.

use super::{EcosystemMeta, FORMAT, Meta, file_name, read_meta, write_atomic, write_meta};
use crate::index::{Entry, EventKind, IndexBuilder, RangeData, SeverityData, VulnData};
use crate::osv::{self, Record, SeverityEntry};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// One record's JSON is at most this large (the largest real records are ~1 MiB).
const MAX_RECORD: u64 = 32 * 1024 * 1024;
/// Budget of inflated bytes per zip (osv.dev's largest per-ecosystem zip inflates to a few
/// GiB).
const MAX_ZIP_INFLATED: u64 = 64 * 1024 * 1024 * 1024;
const MAX_ZIP: u64 = 8 * 1024 * 1024 * 1024;
const MAX_DEPTH: usize = 16;

/// What an import did.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    /// Per family written: (records, packages).
    pub written: BTreeMap<String, (usize, usize)>,
    /// Records or files skipped, with the reason.
    pub warnings: Vec<String>,
    pub withdrawn: usize,
}

#[derive(Default)]
struct Family {
    builder: IndexBuilder,
    records: BTreeSet<String>,
    newest: String,
    sources: BTreeSet<String>,
}

#[derive(Default)]
pub(crate) struct Collector {
    families: BTreeMap<String, Family>,
    pub(crate) report: ImportReport,
}

/// The family a zip stands for in osv.dev's layout (`…/<Ecosystem>/all.zip`): only that
/// family's entries are taken from it, so a record that also names another ecosystem does
/// not replace that ecosystem's data with one record.
fn zip_scope(path: &Path) -> Option<String> {
    if path.file_name()? != "all.zip" {
        return None;
    }
    let parent = path.parent()?.file_name()?.to_str()?;
    (!parent.is_empty() && parent != "osv").then(|| parent.to_string())
}

fn severity_of(entries: &[SeverityEntry]) -> SeverityData {
    let find = |kind: &str| entries.iter().find(|s| s.kind == kind && !s.score.is_empty());
    let mut data = SeverityData::default();
    if let Some(s) = find("CVSS_V3").or_else(|| find("CVSS_V2")) {
        data.score = crate::cvss::base_score(&s.score).map(|v| v as f32);
        data.vector = s.score.clone();
    } else if let Some(s) = find("CVSS_V4") {
        // Only a v4 vector: its score gives the severity (v3 stays preferred when both are
        // given, as the bands of most advisories were set on v3).
        data.score = crate::cvss::base_score(&s.score).map(|v| v as f32);
        data.vector = s.score.clone();
    }
    if let Some(s) = find("Ubuntu") {
        data.label = s.score.clone();
    }
    data
}

fn label_of(value: &serde_json::Value) -> Option<String> {
    value
        .get("severity")
        .and_then(|s| s.as_str())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl Collector {
    pub(crate) fn add(&mut self, record: Record, source: &str, scope: Option<&str>) {
        if !record.withdrawn.is_empty() {
            self.report.withdrawn += 1;
            return;
        }
        let mut aliases: Vec<String> = Vec::new();
        for alias in record.aliases.iter().chain(&record.upstream) {
            if *alias != record.id && !aliases.contains(alias) {
                aliases.push(alias.clone());
            }
        }
        let summary = if record.summary.is_empty() {
            record.details.lines().next().unwrap_or("").to_string()
        } else {
            record.summary.clone()
        };
        let summary: String = summary.chars().take(300).collect();
        let url = record
            .references
            .iter()
            .find(|r| r.kind == "ADVISORY")
            .or_else(|| record.references.iter().find(|r| r.kind == "WEB"))
            .map(|r| r.url.clone())
            .unwrap_or_default();
        let top_severity = severity_of(&record.severity);
        let top_label = label_of(&record.database_specific);
        let vuln = VulnData {
            id: record.id.clone(),
            aliases,
            summary,
            modified: record.modified.clone(),
            url,
        };
        for affected in &record.affected {
            let ecosystem = affected.package.ecosystem.trim();
            let family = super::family(ecosystem);
            if ecosystem.is_empty() || affected.package.name.is_empty() || scope.is_some_and(|s| s != family) {
                continue;
            }
            let fam = self.families.entry(family.to_string()).or_default();
            let n = fam.builder.vuln(vuln.clone());
            let mut severity = if affected.severity.is_empty() {
                top_severity.clone()
            } else {
                severity_of(&affected.severity)
            };
            if severity.label.is_empty() {
                severity.label = label_of(&affected.database_specific)
                    .or_else(|| label_of(&affected.ecosystem_specific))
                    .or_else(|| top_label.clone())
                    .unwrap_or_default();
            }
            let urgency = affected
                .ecosystem_specific
                .get("urgency")
                .and_then(|u| u.as_str())
                .map(|u| u.trim_end_matches('*').trim().to_string())
                .unwrap_or_default();
            let ranges = affected
                .ranges
                .iter()
                .filter(|r| r.kind == "SEMVER" || r.kind == "ECOSYSTEM")
                .map(|r| RangeData {
                    semver: r.kind == "SEMVER",
                    events: r
                        .events
                        .iter()
                        .filter_map(|e| {
                            let (kind, v) = if let Some(v) = &e.introduced {
                                (EventKind::Introduced, v)
                            } else if let Some(v) = &e.fixed {
                                (EventKind::Fixed, v)
                            } else if let Some(v) = &e.last_affected {
                                (EventKind::LastAffected, v)
                            } else {
                                (EventKind::Limit, e.limit.as_ref()?)
                            };
                            Some((kind, v.clone()))
                        })
                        .collect(),
                })
                .collect();
            fam.builder.entry(
                ecosystem,
                &osv::index_name(family, &affected.package.name),
                Entry {
                    vuln: n,
                    ranges,
                    versions: affected.versions.clone(),
                    severity,
                    urgency,
                },
            );
            fam.records.insert(record.id.clone());
            if record.modified > fam.newest {
                fam.newest = record.modified.clone();
            }
            fam.sources.insert(source.to_string());
        }
    }

    pub(crate) fn add_json(&mut self, bytes: &[u8], label: &str, source: &str, scope: Option<&str>) {
        match osv::parse_record(bytes) {
            Ok(record) => self.add(record, source, scope),
            Err(e) => self.report.warnings.push(format!("{label}: not an OSV record: {e}")),
        }
    }

    /// Reads every `*.json` member of a zip.
    pub(crate) fn add_zip(&mut self, path: &Path, source: &str, scope: Option<&str>) -> Result<(), String> {
        let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let meta = file.metadata().map_err(|e| format!("{}: {e}", path.display()))?;
        if !meta.is_file() || meta.len() > MAX_ZIP {
            return Err(format!(
                "{}: not a regular file of at most {MAX_ZIP} bytes",
                path.display()
            ));
        }
        let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
            .map_err(|e| format!("{}: not a readable zip: {e}", path.display()))?;
        let mut inflated = 0u64;
        let mut buf = Vec::new();
        for i in 0..zip.len() {
            let mut member = match zip.by_index(i) {
                Ok(member) => member,
                Err(e) => {
                    self.report.warnings.push(format!("{} member {i}: {e}", path.display()));
                    continue;
                }
            };
            let Ok(name) = member.name().map(|n| n.into_owned()) else {
                continue;
            };
            if !member.is_file() || !name.ends_with(".json") {
                continue;
            }
            let label = format!("{}:{name}", path.display());
            if member.size() > MAX_RECORD {
                self.report
                    .warnings
                    .push(format!("{label}: over the {MAX_RECORD}-byte record limit"));
                continue;
            }
            buf.clear();
            if let Err(e) = (&mut member).take(MAX_RECORD + 1).read_to_end(&mut buf) {
                self.report.warnings.push(format!("{label}: {e}"));
                continue;
            }
            inflated += buf.len() as u64;
            if buf.len() as u64 > MAX_RECORD || inflated > MAX_ZIP_INFLATED {
                return Err(format!("{}: inflates beyond its budget", path.display()));
            }
            self.add_json(&buf, &label, source, scope);
        }
        Ok(())
    }

    fn add_path(&mut self, path: &Path, depth: usize) -> Result<(), String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let source = path.display().to_string();
        if meta.is_dir() {
            if depth > MAX_DEPTH {
                return Ok(());
            }
            let mut children: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("{}: {e}", path.display()))?
                .flatten()
                .map(|e| e.path())
                .collect();
            children.sort();
            for child in children {
                let is_link = std::fs::symlink_metadata(&child).is_ok_and(|m| m.file_type().is_symlink());
                let name = child.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if is_link || name.starts_with('.') {
                    continue;
                }
                if (child.is_dir() || name.ends_with(".json") || name.ends_with(".zip"))
                    && let Err(e) = self.add_path(&child, depth + 1)
                {
                    self.report.warnings.push(e);
                }
            }
            return Ok(());
        }
        if path.extension().is_some_and(|e| e == "zip") {
            return self.add_zip(path, &source, zip_scope(path).as_deref());
        }
        let bytes =
            dockward_core::fs::read_regular_file(path, MAX_RECORD).map_err(|e| format!("{}: {e}", path.display()))?;
        self.add_json(&bytes, &source, &source, None);
        Ok(())
    }

    /// Writes the families collected into `dir`, replacing those families.
    pub(crate) fn write(self, dir: &Path, extra: impl Fn(&str, &mut EcosystemMeta)) -> Result<ImportReport, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let mut meta = match read_meta(dir)? {
            Some(meta) if meta.format == FORMAT => meta,
            // Another format: its files are rebuilt family by family; stale ones dropped.
            _ => Meta {
                format: FORMAT,
                ecosystems: BTreeMap::new(),
            },
        };
        let mut report = self.report;
        let now = crate::now_rfc3339();
        for (family, fam) in self.families {
            if fam.builder.is_empty() {
                continue;
            }
            let packages = fam.builder.key_len();
            let bytes = fam.builder.finish();
            write_atomic(&dir.join(file_name(&family)), &bytes)?;
            let mut info = EcosystemMeta {
                sources: fam.sources.into_iter().collect(),
                imported_at: now.clone(),
                newest_modified: fam.newest,
                records: fam.records.len(),
                packages,
                ..EcosystemMeta::default()
            };
            extra(&family, &mut info);
            report.written.insert(family.clone(), (info.records, info.packages));
            meta.ecosystems.insert(family, info);
        }
        write_meta(dir, &meta)?;
        Ok(report)
    }
}

/// Imports OSV data from `paths` (zips, folders, JSON files) into the database at `dir`.
/// Each family found replaces that family's previous data.
pub fn import_paths(dir: &Path, paths: &[PathBuf]) -> Result<ImportReport, String> {
    let mut collector = Collector::default();
    let single_zip = match paths {
        [one] if one.extension().is_some_and(|e| e == "zip") => Some(one.clone()),
        _ => None,
    };
    for path in paths {
        collector.add_path(path, 0)?;
    }
    let digest = single_zip.and_then(|p| sha256_file(&p).ok());
    collector.write(dir, |_, info| info.sha256.clone_from(&digest))
}

pub(crate) fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
    }
    Ok(ctx.finish().as_ref().iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(kind: &str, score: &str) -> SeverityEntry {
        SeverityEntry {
            kind: kind.into(),
            score: score.into(),
        }
    }

    #[test]
    fn a_v4_vector_alone_gives_the_score_and_v3_wins_when_both_are_given() {
        let v4 = entry(
            "CVSS_V4",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N",
        );
        let data = severity_of(std::slice::from_ref(&v4));
        assert_eq!(data.score, Some(6.9));
        let v3 = entry("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
        let data = severity_of(&[v4, v3]);
        assert_eq!(data.score, Some(9.8));
        assert!(data.vector.starts_with("CVSS:3.1/"));
    }
}
