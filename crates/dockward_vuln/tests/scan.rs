//! Inventory × database: release-aware ecosystems, source packages and origins, Debian's
//! `unimportant`, `--ignore-unfixed`.

use dockward_core::Severity;
use dockward_vuln::db::{Database, import_paths};
use dockward_vuln::inventory::inventory;
use dockward_vuln::scan::{ScanOptions, scan};
use dockward_vuln::tree::DirTree;
use std::path::Path;

fn write(root: &Path, path: &str, content: &str) {
    let full = root.join(path.trim_start_matches('/'));
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    std::fs::write(full, content).unwrap();
}

/// Records in the shape osv.dev's Debian converter writes (`DEBIAN-CVE-…`, `upstream`,
/// `ecosystem_specific.urgency`; open issues have only `introduced: 0`).
fn debian_records(dir: &Path) {
    let record = |id: &str, package: &str, events: &str, urgency: &str| {
        format!(
            r#"{{"id":"{id}","modified":"2026-11-01T00:00:00Z","upstream":["{cve}"],"summary":"test","affected":[
              {{"package":{{"ecosystem":"Debian:12","name":"{package}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{events}]}}],"ecosystem_specific":{{"urgency":"{urgency}"}}}},
              {{"package":{{"ecosystem":"Debian:11","name":"{package}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}}]}}]}}]}}"#,
            cve = id.trim_start_matches("DEBIAN-")
        )
    };
    write(
        dir,
        "a.json",
        &record(
            "DEBIAN-CVE-2026-0001",
            "openssl",
            r#"{"introduced":"0"},{"fixed":"3.0.15-1~deb12u1"}"#,
            "high",
        ),
    );
    write(
        dir,
        "b.json",
        &record("DEBIAN-CVE-2026-0002", "openssl", r#"{"introduced":"0"}"#, "low*"),
    );
    write(
        dir,
        "c.json",
        &record(
            "DEBIAN-CVE-2026-0003",
            "openssl",
            r#"{"introduced":"0"}"#,
            "unimportant",
        ),
    );
    // Fixed before the installed version: not affected.
    write(
        dir,
        "d.json",
        &record(
            "DEBIAN-CVE-2026-0004",
            "openssl",
            r#"{"introduced":"0"},{"fixed":"3.0.9-1"}"#,
            "medium",
        ),
    );
    // Names a binary package: Debian records name source packages, so no match.
    write(
        dir,
        "e.json",
        &record("DEBIAN-CVE-2026-0005", "libssl3", r#"{"introduced":"0"}"#, "high"),
    );
}

#[test]
fn debian_source_packages_and_options() {
    let tmp = tempfile::tempdir().unwrap();
    let (records, db_dir, root) = (tmp.path().join("osv"), tmp.path().join("db"), tmp.path().join("root"));
    debian_records(&records);
    import_paths(&db_dir, &[records]).unwrap();
    write(
        &root,
        "/etc/os-release",
        "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n",
    );
    write(
        &root,
        "/var/lib/dpkg/status",
        "Package: libssl3\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.11-1~deb12u2\n",
    );
    let inv = inventory(&DirTree::new(&root));
    let mut db = Database::open(&db_dir).unwrap();

    let result = scan(&inv, &mut db, &ScanOptions::default());
    let ids: Vec<(&str, Option<&str>, Severity)> = result
        .findings
        .iter()
        .map(|f| (f.vuln.id.as_str(), f.fixed.as_deref(), f.severity))
        .collect();
    assert_eq!(
        ids,
        [
            ("DEBIAN-CVE-2026-0001", Some("3.0.15-1~deb12u1"), Severity::High),
            ("DEBIAN-CVE-2026-0002", None, Severity::Low),
        ]
    );
    assert_eq!(result.hidden, 1, "the unimportant one");
    assert_eq!(result.findings[0].matched_name, "openssl");
    assert_eq!(result.findings[0].vuln.aliases, ["CVE-2026-0001"]);

    let shown = scan(
        &inv,
        &mut db,
        &ScanOptions {
            show_unimportant: true,
            ..ScanOptions::default()
        },
    );
    let unimportant = shown
        .findings
        .iter()
        .find(|f| f.vuln.id == "DEBIAN-CVE-2026-0003")
        .unwrap();
    assert_eq!(unimportant.severity, Severity::Info);

    let fixed_only = scan(
        &inv,
        &mut db,
        &ScanOptions {
            ignore_unfixed: true,
            ..ScanOptions::default()
        },
    );
    assert_eq!(fixed_only.findings.len(), 1);
    assert_eq!(fixed_only.hidden, 2);
}

/// Alpine: matched by origin in the branch's ecosystem; another branch's entry does not
/// apply; an OS without OSV data in the database is reported as missing.
#[test]
fn alpine_origins_and_missing_data() {
    let Some(osv) = dockward_core::testing::corpus_subdir("osv") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (db_dir, root) = (tmp.path().join("db"), tmp.path().join("root"));
    import_paths(&db_dir, &[osv.join("ALPINE-fixture-CVE-2022-27449.json")]).unwrap();
    write(&root, "/etc/alpine-release", "3.15.4\n");
    write(
        &root,
        "/lib/apk/db/installed",
        "P:mariadb-client\nV:10.6.7-r0\no:mariadb\n\nP:mariadb-common\nV:10.6.8-r0\no:mariadb\n",
    );
    write(
        &root,
        "/app/node_modules/left-pad/package.json",
        r#"{"name":"left-pad","version":"1.3.0"}"#,
    );
    let inv = inventory(&DirTree::new(&root));
    let mut db = Database::open(&db_dir).unwrap();
    let result = scan(&inv, &mut db, &ScanOptions::default());
    assert_eq!(result.findings.len(), 1, "{:?}", result.findings);
    assert_eq!(result.findings[0].package.name, "mariadb-client");
    assert_eq!(result.findings[0].ecosystem, "Alpine:v3.15");
    assert_eq!(result.findings[0].fixed.as_deref(), Some("10.6.8-r0"));
    assert_eq!(result.missing_ecosystems, ["npm"]);

    // Same packages on a branch the record does not name.
    write(&root, "/etc/alpine-release", "3.17.1\n");
    let inv = inventory(&DirTree::new(&root));
    assert!(scan(&inv, &mut db, &ScanOptions::default()).findings.is_empty());
}

/// Maven: a jar's coordinates matched with Maven's ordering (`2.0-beta9` is below
/// `2.14.1`, which is below `2.15.0`).
#[test]
fn maven_jar() {
    let tmp = tempfile::tempdir().unwrap();
    let (records, db_dir, root) = (tmp.path().join("osv"), tmp.path().join("db"), tmp.path().join("root"));
    write(
        &records,
        "GHSA-jfh8-c2jp-5v3q.json",
        r#"{"id":"GHSA-jfh8-c2jp-5v3q","modified":"2026-01-01T00:00:00Z","aliases":["CVE-2021-44228"],
           "severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
           "affected":[{"package":{"ecosystem":"Maven","name":"org.apache.logging.log4j:log4j-core"},
             "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0-beta9"},{"fixed":"2.15.0"}]}]}]}"#,
    );
    import_paths(&db_dir, &[records]).unwrap();
    let bytes = dockward_vuln::testing::jar_with_pom(
        "org.apache.logging.log4j",
        "log4j-core",
        "2.14.1",
        zip::CompressionMethod::Deflated,
    );
    let path = root.join("app/lib/log4j-core.jar");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    let inv = inventory(&DirTree::new(&root));
    let mut db = Database::open(&db_dir).unwrap();
    let result = scan(&inv, &mut db, &ScanOptions::default());
    assert_eq!(result.findings.len(), 1, "{result:?}");
    assert_eq!(result.findings[0].fixed.as_deref(), Some("2.15.0"));
    assert_eq!(result.findings[0].severity, Severity::Critical);
    assert!(result.undecided.is_empty());
}
