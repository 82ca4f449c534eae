//! Every layer's version of the package databases is kept for layer attribution:
//! rewrites, whiteouts and opaque folders recorded in layer order; a database over the
//! per-file cap leaves its history unknown. Only the package inventory keeps them.

use dockward_image::testing::{Compress, LayerBuilder, TestImage, compress, oci_layout, write_dir};
use dockward_image::{ReadOptions, read_path};
use dockward_model::image::INVENTORY_DB_CAP;
use serde_json::json;
use std::path::PathBuf;

fn read(name: &str, layers: Vec<Vec<u8>>) -> dockward_model::image::ImageFiles {
    let options = ReadOptions {
        inventory: true,
        ..ReadOptions::default()
    };
    read_with(name, layers, &options)
}

fn read_with(name: &str, layers: Vec<Vec<u8>>, options: &ReadOptions) -> dockward_model::image::ImageFiles {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("dbv-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let image = TestImage {
        name: Some("acme/db:1".to_string()),
        platform: None,
        config: json!({"architecture": "amd64", "os": "linux", "config": {}}),
        layers: layers.iter().map(|l| compress(l, Compress::Gzip)).collect(),
    };
    write_dir(&dir, &oci_layout(&[image]));
    let mut reads = read_path(&dir, options).expect("the layout opens");
    let files = reads.remove(0).spec.files.expect("layers read");
    let _ = std::fs::remove_dir_all(&dir);
    files
}

fn history(files: &dockward_model::image::ImageFiles, path: &str) -> Option<Vec<(u32, Option<String>)>> {
    files.db_versions.of(path).map(|versions| {
        versions
            .iter()
            .map(|v| {
                (
                    v.layer,
                    v.content.as_ref().map(|c| String::from_utf8_lossy(c).into_owned()),
                )
            })
            .collect()
    })
}

#[test]
fn a_plain_read_keeps_only_the_merged_database() {
    let mut l0 = LayerBuilder::new();
    l0.file("var/lib/dpkg/status", 0o644, b"v0");
    let mut l1 = LayerBuilder::new();
    l1.file("var/lib/dpkg/status", 0o644, b"v1");
    let files = read_with("plain", vec![l0.finish(), l1.finish()], &ReadOptions::default());
    assert_eq!(history(&files, "/var/lib/dpkg/status"), Some(vec![]));
    let merged = files.get("/var/lib/dpkg/status").and_then(|f| f.content.clone());
    assert_eq!(merged.as_deref(), Some(&b"v1"[..]));
}

#[test]
fn rewrites_whiteouts_and_opaque_folders_are_versions() {
    let mut l0 = LayerBuilder::new();
    l0.file("var/lib/dpkg/status", 0o644, b"v0")
        .file("var/lib/dpkg/status.d/base", 0o644, b"base")
        .file("lib/apk/db/installed", 0o644, b"apk0")
        .file("etc/hostname", 0o644, b"not a database");
    let mut l1 = LayerBuilder::new();
    l1.file("var/lib/dpkg/status", 0o644, b"v1").whiteout("lib/apk");
    let mut l2 = LayerBuilder::new();
    l2.opaque("var/lib/dpkg/status.d")
        .file("var/lib/dpkg/status.d/new", 0o644, b"new");
    let files = read("rewrites", vec![l0.finish(), l1.finish(), l2.finish()]);
    assert_eq!(
        history(&files, "/var/lib/dpkg/status"),
        Some(vec![(0, Some("v0".into())), (1, Some("v1".into()))])
    );
    assert_eq!(
        history(&files, "/lib/apk/db/installed"),
        Some(vec![(0, Some("apk0".into())), (1, None)]),
        "a whiteout of a parent folder deletes the database"
    );
    assert_eq!(
        history(&files, "/var/lib/dpkg/status.d/base"),
        Some(vec![(0, Some("base".into())), (2, None)]),
        "an opaque folder deletes what lower layers put there"
    );
    assert_eq!(
        history(&files, "/var/lib/dpkg/status.d/new"),
        Some(vec![(2, Some("new".into()))])
    );
    assert_eq!(history(&files, "/etc/hostname"), Some(vec![]), "not a database");
    // The current version shares its bytes with the merged index.
    assert_eq!(files.content("/var/lib/dpkg/status", 4), Some(&b"v1"[..]));
}

#[test]
fn a_database_over_the_cap_makes_its_history_unknown() {
    let mut l0 = LayerBuilder::new();
    l0.file("var/lib/dpkg/status", 0o644, b"small");
    let mut l1 = LayerBuilder::new();
    l1.file("var/lib/dpkg/status", 0o644, &vec![b'x'; INVENTORY_DB_CAP as usize + 1]);
    let files = read("cap", vec![l0.finish(), l1.finish()]);
    assert_eq!(history(&files, "/var/lib/dpkg/status"), None);
}

/// Java archives are kept only for the inventory, and only while their budget lasts; the
/// ones past it are counted, so the inventory can say what it did not read. Executables
/// are searched for Go build information and cargo-auditable data only for the inventory
/// too.
#[test]
fn java_archives_are_kept_within_their_budget() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("jars-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut go = b"\xff Go buildinf:".to_vec();
    go.resize(2048, 0);
    let audit = dockward_vuln::testing::cargo_auditable_data(&[("app", "1.0.0"), ("log", "0.4.22")]);
    let rust = dockward_vuln::testing::elf_with_sections(2048, &[(".dep-v0", &audit)]);
    let mut layer = LayerBuilder::new();
    layer
        .file("app/a.jar", 0o644, &[b'a'; 60])
        .file("app/b.war", 0o644, &[b'b'; 60])
        .file("app/c.txt", 0o644, &[b'c'; 60])
        .file("app/go", 0o755, &go)
        .file("app/rust", 0o755, &rust);
    let image = TestImage {
        name: Some("acme/jars:1".to_string()),
        platform: None,
        config: json!({"architecture": "amd64", "os": "linux", "config": {}}),
        layers: vec![compress(&layer.finish(), Compress::None)],
    };
    write_dir(&dir, &oci_layout(&[image]));
    let read_with = |inventory: bool, budget: u64| {
        let mut options = ReadOptions {
            inventory,
            ..ReadOptions::default()
        };
        options.budgets.max_java_archive_bytes = budget;
        let mut reads = read_path(&dir, &options).expect("the layout opens");
        reads.remove(0).spec.files.expect("layers read")
    };
    let none = read_with(false, 100);
    assert!(none.get("/app/a.jar").unwrap().content.is_none(), "not asked for");
    assert_eq!(none.java_archives_over_budget, 0);
    assert!(none.go_build_info.is_empty(), "executables are not searched");
    assert!(none.cargo_auditable.is_empty(), "executables are not searched");
    let some = read_with(true, 100);
    let kept: Vec<bool> = ["/app/a.jar", "/app/b.war", "/app/c.txt"]
        .iter()
        .map(|p| some.get(p).unwrap().content.is_some())
        .collect();
    assert_eq!(
        kept,
        [true, false, false],
        "the first archive fits, the second does not"
    );
    assert_eq!(some.java_archives_over_budget, 1);
    assert!(
        some.build_info_of("/app/go")
            .is_some_and(|b| b.starts_with(b"\xff Go buildinf:"))
    );
    assert_eq!(some.cargo_auditable_of("/app/rust"), Some(&audit[..]));
    assert_eq!(some.cargo_auditable_of("/app/go"), None);
    let _ = std::fs::remove_dir_all(&dir);
}
