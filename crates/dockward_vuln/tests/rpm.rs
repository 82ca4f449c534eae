//! rpm packages from a real SQLite file: `rpmdb.sqlite` written by Python's `sqlite3`
//! (the SQLite library itself) with rpm header blobs, small and spilling onto overflow
//! pages, enough rows for interior b-tree pages; read back by dockward's own reader.

use dockward_vuln::inventory::{PackageKind, inventory};
use dockward_vuln::testing::{rpm_header_of, rpm_string as s, write_rpmdb_sqlite};
use dockward_vuln::tree::DirTree;

fn package(name: &str, version: &str, release: &str, epoch: Option<u32>, srpm: &str, padding: usize) -> Vec<u8> {
    let mut tags = vec![
        (1000, 6, s(name)),
        (1001, 6, s(version)),
        (1002, 6, s(release)),
        (1022, 6, s("x86_64")),
        (1044, 6, s(srpm)),
        (1004, 6, s(&"summary ".repeat(padding))),
    ];
    if let Some(epoch) = epoch {
        tags.push((1003, 4, epoch.to_be_bytes().to_vec()));
    }
    rpm_header_of(&tags)
}

#[test]
fn rpmdb_sqlite() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    std::fs::create_dir_all(root.join("var/lib/rpm")).unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(root.join("etc/os-release"), "ID=\"almalinux\"\nVERSION_ID=\"9.4\"\n").unwrap();
    let mut blobs = vec![
        package(
            "openssl-libs",
            "3.0.7",
            "27.el9",
            Some(1),
            "openssl-3.0.7-27.el9.src.rpm",
            2,
        ),
        // Spills onto overflow pages (a 4 KiB page holds less than this).
        package("glibc", "2.34", "100.el9", None, "glibc-2.34-100.el9.src.rpm", 3_000),
        package("gpg-pubkey", "fd431d51", "4ae0493b", None, "", 1),
    ];
    for i in 0..300 {
        blobs.push(package(
            &format!("filler{i}"),
            "1.0",
            "1.el9",
            None,
            &format!("filler{i}-1.0-1.el9.src.rpm"),
            20,
        ));
    }
    let status = write_rpmdb_sqlite(&root.join("var/lib/rpm/rpmdb.sqlite"), &blobs);
    if !status.is_ok_and(|written| written) {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "python3 with sqlite3 is needed under CI=true");
        eprintln!("SKIPPED: python3's sqlite3 cannot write the test database");
        return;
    }
    let inv = inventory(&DirTree::new(&root));
    assert!(inv.warnings.is_empty(), "{:?}", inv.warnings);
    let rpms: Vec<_> = inv.packages.iter().filter(|p| p.kind == PackageKind::Rpm).collect();
    assert_eq!(rpms.len(), 302, "gpg-pubkey is left out");
    let ssl = rpms.iter().find(|p| p.name == "openssl-libs").unwrap();
    assert_eq!(ssl.version, "1:3.0.7-27.el9");
    assert_eq!(ssl.source_name.as_deref(), Some("openssl"));
    assert_eq!(ssl.arch.as_deref(), Some("x86_64"));
    let glibc = rpms.iter().find(|p| p.name == "glibc").unwrap();
    assert_eq!(glibc.version, "2.34-100.el9");
    assert_eq!(inv.os.as_ref().unwrap().ecosystem().as_deref(), Some("AlmaLinux:9"));

    // A damaged file is a warning naming it, not a panic.
    let path = root.join("var/lib/rpm/rpmdb.sqlite");
    let bytes = std::fs::read(&path).unwrap();
    for cut in [50, 4096, bytes.len() / 2] {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let inv = inventory(&DirTree::new(&root));
        assert!(
            inv.warnings.iter().any(|w| w.contains("rpmdb.sqlite")),
            "{cut}: {:?}",
            inv.warnings
        );
    }
    let mut flipped = bytes.clone();
    for at in (100..flipped.len()).step_by(997) {
        flipped[at] ^= 0x5a;
    }
    std::fs::write(&path, &flipped).unwrap();
    let _ = inventory(&DirTree::new(&root));
}
