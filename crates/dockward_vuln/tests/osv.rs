//! OSV matching against `shared/corpus/osv/expectations.tsv`: the corpus records are
//! imported into a database (as `dockward db import` does), and every oracle row is
//! answered through the index and OSV's evaluation.

use dockward_core::testing::corpus_subdir;
use dockward_vuln::db::{Database, family, import_paths};
use dockward_vuln::matching::{Verdict, evaluate};
use dockward_vuln::osv::index_name;
use dockward_vuln::version::Scheme;

#[test]
fn expectations_hold() {
    let Some(dir) = corpus_subdir("osv") else { return };
    let db_dir = tempfile::tempdir().unwrap();
    let report = import_paths(db_dir.path(), std::slice::from_ref(&dir)).unwrap();
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    for fam in ["npm", "PyPI", "crates.io", "Go", "Debian", "Ubuntu", "Alpine"] {
        assert!(
            report.written.contains_key(fam),
            "no {fam} index written: {:?}",
            report.written
        );
    }
    let mut db = Database::open(db_dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.join("expectations.tsv")).unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [id, ecosystem, package, version, want] = cols[..] else {
            panic!("cannot read `{line}`")
        };
        let index = db.index(family(ecosystem)).unwrap().expect("family indexed");
        let entries = index
            .lookup(ecosystem, &index_name(family(ecosystem), package))
            .unwrap();
        let scheme = Scheme::for_ecosystem(ecosystem);
        let mut affected = false;
        for entry in &entries {
            if index.vuln(entry.vuln).unwrap().id != id {
                continue;
            }
            match evaluate(entry, scheme, version) {
                Verdict::Affected { .. } => affected = true,
                Verdict::NotAffected => {}
                Verdict::Unknown => failures.push(format!("{line}: undecided")),
            }
        }
        let got = if affected { "affected" } else { "not_affected" };
        if got != want {
            failures.push(format!("{line}: got {got}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 77, "every oracle row is checked");
}

/// The fixed version reported is the one closing the window the version is in.
#[test]
fn fixed_versions_and_severity() {
    let Some(dir) = corpus_subdir("osv") else { return };
    let db_dir = tempfile::tempdir().unwrap();
    import_paths(
        db_dir.path(),
        &[
            dir.join("GHSA-c2qf-rxjj-qqgw.json"),
            dir.join("UBUNTU-CVE-2023-5678.json"),
        ],
    )
    .unwrap();
    let mut db = Database::open(db_dir.path()).unwrap();
    let npm = db.index("npm").unwrap().unwrap();
    assert!(npm.is_mapped(), "the index file is mapped, not read");
    let entries = npm.lookup("npm", "semver").unwrap();
    let fixes: Vec<Verdict> = entries
        .iter()
        .map(|e| evaluate(e, Some(Scheme::Semver), "6.1.0"))
        .collect();
    assert!(
        fixes.contains(&Verdict::Affected {
            fixed: Some("6.3.1".into())
        }),
        "{fixes:?}"
    );
    // CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L scores 5.3; GHSA calls it MODERATE.
    assert_eq!(entries[0].severity.score, Some(5.3));
    assert_eq!(entries[0].severity.label, "MODERATE");
    let ubuntu = db.index("Ubuntu").unwrap().unwrap();
    let entries = ubuntu.lookup("Ubuntu:22.04:LTS", "openssl").unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].severity.label, "low");
    let vuln = ubuntu.vuln(entries[0].vuln).unwrap();
    assert!(vuln.aliases.iter().any(|a| a == "CVE-2023-5678"), "{:?}", vuln.aliases);
    // An ecosystem the record does not name matches nothing.
    assert!(ubuntu.lookup("Ubuntu:23.10", "openssl").unwrap().is_empty());
}

/// A damaged index is an error, never a panic.
#[test]
fn damaged_index_is_an_error() {
    let Some(dir) = corpus_subdir("osv") else { return };
    let db_dir = tempfile::tempdir().unwrap();
    import_paths(db_dir.path(), &[dir.join("GHSA-c2qf-rxjj-qqgw.json")]).unwrap();
    let path = db_dir.path().join("npm.dwx");
    let bytes = std::fs::read(&path).unwrap();
    for cut in [0, 10, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let mut db = Database::open(db_dir.path()).unwrap();
        assert!(db.index("npm").is_err(), "truncated at {cut}");
    }
    // Flipped bytes in the body: lookups fail or answer, but never panic.
    for at in (28..bytes.len()).step_by(7) {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0xff;
        if let Ok(index) = dockward_vuln::index::Index::from_bytes(damaged) {
            let _ = index.lookup("npm", "semver");
            let _ = index.vuln(0);
            let _ = index.keys();
        }
    }
}
