//! rpm's Berkeley DB (`Packages`) and NDB (`Packages.db`) databases, made with real tools
//! at test time: packages built by `rpmbuild` and installed by `rpm`, their headers
//! exported by `rpmdb` and loaded into a hash database by Berkeley DB's `db5.3_load`
//! (several page sizes, both byte orders). What dockward reads must be what `rpm -qa`
//! lists — and rpm's own Berkeley DB reader must list the same from the file we made.

use dockward_vuln::inventory::{Package, PackageKind, inventory, rpm_bdb, rpm_ndb};
use dockward_vuln::testing::rpmdb::{self, Listed};
use dockward_vuln::tree::DirTree;
use std::path::Path;

/// dockward's reading of a set of rpm packages, as rpm lists them.
fn as_listed(packages: &[Package]) -> Listed {
    let mut out: Listed = packages
        .iter()
        .filter(|p| p.kind == PackageKind::Rpm)
        .map(|p| {
            let (epoch, rest) = match p.version.split_once(':') {
                Some((e, rest)) => (e.parse().ok(), rest),
                None => (None, p.version.as_str()),
            };
            let (version, release) = rest.rsplit_once('-').unwrap();
            (
                p.name.clone(),
                epoch,
                version.to_string(),
                release.to_string(),
                p.arch.clone().unwrap_or_default(),
            )
        })
        .collect();
    out.sort();
    out
}

fn root_with(dir: &Path, rel: &str, bytes: &[u8]) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn berkeley_db_and_ndb_databases_list_what_rpm_lists() {
    if !rpmdb::tools_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let fixture = rpmdb::build(tmp.path(), 40);
    let expected = &fixture.listed;
    assert_eq!(expected.len(), 40, "{expected:?}");
    assert!(expected.iter().any(|p| p.1 == Some(9)), "epochs are exercised");
    assert!(
        fixture.blobs.iter().any(|b| b.len() > 16 * 1024) && fixture.blobs.iter().any(|b| b.len() < 2048),
        "headers both smaller than a page and many pages long"
    );

    // Berkeley DB: page sizes from the smallest to the largest, both byte orders, pages
    // with checksums.
    for (page_size, lorder, checksum) in [
        (4096, 1234, false),
        (512, 1234, false),
        (65536, 1234, false),
        (4096, 4321, false),
        (4096, 1234, true),
    ] {
        let dir = tmp.path().join(format!("bdb-{page_size}-{lorder}-{checksum}"));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("Packages");
        rpmdb::write_bdb(&file, &fixture.blobs, page_size, lorder, checksum);
        // rpm's own reader of Berkeley DB files agrees that the file is what rpm writes
        // (it reads the machine's byte order only, and no page checksums).
        if lorder == 1234 && !checksum {
            assert_eq!(&rpmdb::list(&dir, Some("bdb_ro")), expected, "rpm's bdb_ro reader");
        }
        let bytes = std::fs::read(&file).unwrap();
        let values = rpm_bdb::values(&bytes).unwrap();
        assert_eq!(values.unreadable, 0, "{page_size} {lorder} {checksum}");
        assert_eq!(values.values.len(), 40, "{page_size} {lorder} {checksum}");

        let root = tmp.path().join(format!("root-bdb-{page_size}-{lorder}-{checksum}"));
        root_with(&root, "var/lib/rpm/Packages", &bytes);
        root_with(&root, "etc/os-release", b"ID=\"centos\"\nVERSION_ID=\"8\"\n");
        let inv = inventory(&DirTree::new(&root));
        assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
        assert_eq!(&as_listed(&inv.packages), expected, "{page_size} {lorder} {checksum}");
        let sub4 = inv.packages.iter().find(|p| p.name == "dw-pkg4").unwrap();
        assert_eq!(sub4.version, "1:4.4.0-2.el8");
        assert_eq!(sub4.source_name.as_deref(), Some("dw-base"));
        assert_eq!(sub4.license.as_deref(), Some("GPL-2.0-or-later"));
        assert_eq!(sub4.location.path, "/var/lib/rpm/Packages");
    }

    // rpmdb.sqlite from the same packages, the same list (before a rebuild
    // below may convert that folder).
    let root = tmp.path().join("root-sqlite");
    root_with(
        &root,
        "var/lib/rpm/rpmdb.sqlite",
        &std::fs::read(fixture.sqlite_dir.join("rpmdb.sqlite")).unwrap(),
    );
    assert_eq!(&as_listed(&inventory(&DirTree::new(&root)).packages), expected);

    // NDB: rpm's own when the local rpm has that back end, else laid out from the
    // exported headers as rpm lays it out.
    let ndb = if rpmdb::rpm_has_ndb() {
        let status = std::process::Command::new("rpmdb")
            .arg("--dbpath")
            .arg(&fixture.sqlite_dir)
            .args(["--define", "_db_backend ndb", "--rebuilddb"])
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read(fixture.sqlite_dir.join("Packages.db")).unwrap()
    } else {
        eprintln!("the local rpm has no NDB back end: Packages.db laid out from rpm's exported headers");
        rpmdb::ndb_from_blobs(&fixture.blobs)
    };
    let blobs = rpm_ndb::blobs(&ndb).unwrap();
    assert_eq!((blobs.blobs.len(), blobs.unreadable), (40, 0));
    let root = tmp.path().join("root-ndb");
    root_with(&root, "usr/lib/sysimage/rpm/Packages.db", &ndb);
    let inv = inventory(&DirTree::new(&root));
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
    assert_eq!(&as_listed(&inv.packages), expected);
}

#[test]
fn damaged_berkeley_db_and_ndb_files_are_warnings_naming_them() {
    if !rpmdb::tools_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let fixture = rpmdb::build(tmp.path(), 12);
    let file = tmp.path().join("Packages");
    rpmdb::write_bdb(&file, &fixture.blobs, 4096, 1234, false);
    let bdb = std::fs::read(&file).unwrap();
    let ndb = rpmdb::ndb_from_blobs(&fixture.blobs);
    for (rel, bytes) in [("var/lib/rpm/Packages", &bdb), ("var/lib/rpm/Packages.db", &ndb)] {
        let root = tmp.path().join(rel.replace('/', "-"));
        // Cut short: at the magic, inside the first pages, halfway.
        for cut in [10, 600, 5000, bytes.len() / 2] {
            root_with(&root, rel, &bytes[..cut]);
            let inv = inventory(&DirTree::new(&root));
            assert!(
                inv.warnings.iter().any(|w| w.contains(&format!("/{rel}"))),
                "{rel} cut at {cut}: {:?}",
                inv.warnings
            );
        }
        // Bytes flipped all over: whatever is read, nothing panics and the run goes on.
        // NDB's checksums catch a flip in any blob; a Berkeley DB file has none, and a
        // flip inside a header's text is not damage anyone can see.
        let mut flipped = bytes.clone();
        for at in (40..flipped.len()).step_by(911) {
            flipped[at] ^= 0x5a;
        }
        root_with(&root, rel, &flipped);
        let inv = inventory(&DirTree::new(&root));
        if rel.ends_with(".db") {
            assert!(
                inv.warnings.iter().any(|w| w.contains("/var/lib/rpm/Packages.db")),
                "{rel}: {:?}",
                inv.warnings
            );
        }
        // Every 4-byte field of the first pages set to extreme values, one at a time.
        let mut bad = bytes.clone();
        for at in (0..bytes.len().min(8192)).step_by(4) {
            for value in [0u32, 1, 0xffff_ffff, 0x8000_0000] {
                bad[at..at + 4].copy_from_slice(&value.to_le_bytes());
                let _ = rpm_bdb::values(&bad);
                let _ = rpm_ndb::blobs(&bad);
            }
            bad[at..at + 4].copy_from_slice(&bytes[at..at + 4]);
        }
    }
    // A Berkeley DB page that is its own overflow successor ends, unreadable.
    let mut cycle = bdb.clone();
    let page_size = 4096;
    for pgno in 1..cycle.len() / page_size {
        let at = pgno * page_size;
        if cycle[at + 25] == 7 {
            cycle[at + 16..at + 20].copy_from_slice(&(pgno as u32).to_le_bytes());
        }
    }
    let values = rpm_bdb::values(&cycle).unwrap();
    assert!(values.unreadable > 0, "cyclic overflow chains are unreadable values");
}
