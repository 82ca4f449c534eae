//! Matching 2,000 packages against a database of realistic size: generated records in the
//! shape and number of osv.dev's Debian, Alpine, PyPI and npm exports (late 2026: ~45k
//! Debian CVEs over three releases, ~17k Alpine CVEs over four branches, ~17k PyPI and ~25k
//! npm advisories plus ~150k npm malicious-package records with explicit versions).
//!
//! Measured: opening the database, loading the three indexes a Debian image with Python
//! and Node packages needs, and matching every package (`scan`), as `dockward vulns` does.

// The allocator the dockward binary uses.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use criterion::{Criterion, criterion_group, criterion_main};
use dockward_vuln::db::{Database, EcosystemMeta, FORMAT, Meta};
use dockward_vuln::index::{Entry, EventKind, IndexBuilder, RangeData, SeverityData, VulnData};
use dockward_vuln::inventory::{Inventory, Location, OsInfo, Package, PackageKind};
use dockward_vuln::scan::{ScanOptions, scan};
use std::path::Path;

fn vuln(id: String) -> VulnData {
    VulnData {
        aliases: vec![id.replace("DEBIAN-", "").replace("ALPINE-", "")],
        summary: "A generated vulnerability whose summary is as long as a typical one is, give or take.".into(),
        modified: "2026-11-30T12:00:00Z".into(),
        url: format!("https://security-tracker.debian.org/tracker/{id}"),
        id,
    }
}

fn range(events: &[(EventKind, String)]) -> Vec<RangeData> {
    vec![RangeData {
        semver: false,
        events: events.to_vec(),
    }]
}

fn severity() -> SeverityData {
    SeverityData {
        score: Some(7.5),
        vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N".into(),
        label: String::new(),
    }
}

fn build(dir: &Path) -> Meta {
    let mut meta = Meta {
        format: FORMAT,
        ..Meta::default()
    };
    let mut put = |family: &str, builder: IndexBuilder, records: usize| {
        let packages = builder.key_len();
        std::fs::write(dir.join(format!("{family}.dwx")), builder.finish()).unwrap();
        meta.ecosystems.insert(
            family.to_string(),
            EcosystemMeta {
                sources: vec!["generated".into()],
                imported_at: dockward_vuln::now_rfc3339(),
                newest_modified: "2026-11-30T12:00:00Z".into(),
                records,
                packages,
                ..EcosystemMeta::default()
            },
        );
    };
    // Debian: 45,000 CVEs over 4,000 source packages, three releases each; a third unfixed.
    let mut b = IndexBuilder::default();
    for i in 0..45_000u32 {
        let n = b.vuln(vuln(format!("DEBIAN-CVE-2020-{i:05}")));
        let pkg = format!("src{}", i % 4_000);
        for release in ["Debian:11", "Debian:12", "Debian:13"] {
            let mut events = vec![(EventKind::Introduced, "0".to_string())];
            if i % 3 != 0 {
                events.push((
                    EventKind::Fixed,
                    format!("{}.{}.{}-{}+deb12u{}", i % 7, i % 13, i % 5, i % 4 + 1, i % 9),
                ));
            }
            let urgency = if i % 11 == 0 { "unimportant" } else { "low" };
            b.entry(
                release,
                &pkg,
                Entry {
                    vuln: n,
                    ranges: range(&events),
                    versions: Vec::new(),
                    severity: severity(),
                    urgency: urgency.into(),
                },
            );
        }
    }
    put("Debian", b, 45_000);
    // Alpine: 17,000 over 1,500 origins, four branches.
    let mut b = IndexBuilder::default();
    for i in 0..17_000u32 {
        let n = b.vuln(vuln(format!("ALPINE-CVE-2021-{i:05}")));
        for branch in ["Alpine:v3.17", "Alpine:v3.18", "Alpine:v3.19", "Alpine:v3.20"] {
            b.entry(
                branch,
                &format!("origin{}", i % 1_500),
                Entry {
                    vuln: n,
                    ranges: range(&[
                        (EventKind::Introduced, "0".into()),
                        (EventKind::Fixed, format!("{}.{}.{}-r{}", i % 5, i % 17, i % 3, i % 4)),
                    ]),
                    ..Entry::default()
                },
            );
        }
    }
    put("Alpine", b, 17_000);
    // PyPI: 17,000 over 6,000 projects, each with an enumerated `versions` list.
    let mut b = IndexBuilder::default();
    for i in 0..17_000u32 {
        let n = b.vuln(vuln(format!("GHSA-py{i:05}")));
        let versions = (0..30).map(|v| format!("{}.{}.{v}", i % 4, i % 10)).collect();
        b.entry(
            "PyPI",
            &format!("project-{}", i % 6_000),
            Entry {
                vuln: n,
                ranges: range(&[
                    (EventKind::Introduced, "0".into()),
                    (EventKind::Fixed, format!("{}.{}.30", i % 4, i % 10)),
                ]),
                versions,
                severity: severity(),
                urgency: String::new(),
            },
        );
    }
    put("PyPI", b, 17_000);
    // npm: 25,000 advisories over 12,000 packages, and 150,000 malicious-package records.
    let mut b = IndexBuilder::default();
    for i in 0..25_000u32 {
        let n = b.vuln(vuln(format!("GHSA-npm{i:05}")));
        b.entry(
            "npm",
            &format!("package-{}", i % 12_000),
            Entry {
                vuln: n,
                ranges: range(&[
                    (EventKind::Introduced, format!("{}.0.0", i % 3)),
                    (EventKind::Fixed, format!("{}.{}.{}", i % 3, i % 20, i % 7)),
                ]),
                severity: severity(),
                ..Entry::default()
            },
        );
    }
    for i in 0..150_000u32 {
        let n = b.vuln(vuln(format!("MAL-2025-{i:06}")));
        b.entry(
            "npm",
            &format!("typosquat-{i}"),
            Entry {
                vuln: n,
                versions: vec!["1.0.0".into(), "1.0.1".into()],
                ..Entry::default()
            },
        );
    }
    put("npm", b, 175_000);
    std::fs::write(dir.join("meta.json"), serde_json::to_vec(&meta).unwrap()).unwrap();
    meta
}

fn package(kind: PackageKind, name: String, version: String, source: Option<String>) -> Package {
    Package {
        layer: None,
        kind,
        name,
        version,
        source_name: source,
        source_version: None,
        arch: None,
        license: None,
        location: Location {
            path: "/var/lib/dpkg/status".into(),
            range: None,
        },
    }
}

fn inventory() -> Inventory {
    let mut packages = Vec::new();
    for i in 0..1_000u32 {
        packages.push(package(
            PackageKind::Deb,
            format!("bin{i}"),
            format!("{}.{}.{}-{}", i % 7, i % 13, i % 5, i % 4 + 1),
            Some(format!("src{}", i * 4)),
        ));
    }
    for i in 0..500u32 {
        packages.push(package(
            PackageKind::Python,
            format!("Project_{}", i * 12),
            format!("{}.{}.{}", i % 4, i % 10, i % 40),
            None,
        ));
        packages.push(package(
            PackageKind::Npm,
            format!("package-{}", i * 24),
            format!("{}.{}.0", i % 3, i % 25),
            None,
        ));
    }
    Inventory {
        os: Some(OsInfo {
            id: "debian".into(),
            version_id: "12".into(),
            ..OsInfo::default()
        }),
        packages,
        warnings: Vec::new(),
    }
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let meta = build(dir.path());
    let size: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    let records: usize = meta.ecosystems.values().map(|m| m.records).sum();
    eprintln!(
        "database: {records} records, {:.1} MiB on disk",
        size as f64 / 1_048_576.0
    );
    let inv = inventory();
    let options = ScanOptions::default();
    {
        let mut db = Database::open(dir.path()).unwrap();
        let result = scan(&inv, &mut db, &options);
        eprintln!(
            "{} packages: {} findings, {} hidden, {} undecided",
            inv.packages.len(),
            result.findings.len(),
            result.hidden,
            result.undecided.len()
        );
        assert!(result.findings.len() > 1_000 && result.errors.is_empty());
    }
    c.bench_function("open + load + match 2000 packages", |b| {
        b.iter(|| {
            let mut db = Database::open(dir.path()).unwrap();
            scan(&inv, &mut db, &options).findings.len()
        });
    });
    let mut db = Database::open(dir.path()).unwrap();
    let _ = scan(&inv, &mut db, &options);
    c.bench_function("match 2000 packages (indexes loaded)", |b| {
        b.iter(|| scan(&inv, &mut db, &options).findings.len());
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
