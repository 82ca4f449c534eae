//! `dockward db`, `dockward sbom` and `dockward vulns` end to end: a database imported from
//! the corpus OSV records, a folder shaped like an Ubuntu root file system.

mod common;

use common::{dockward, write};
use serde_json::Value;
use std::path::Path;

fn corpus_osv() -> Option<std::path::PathBuf> {
    dockward_core::testing::corpus_subdir("osv")
}

fn ubuntu_root(dir: &Path) {
    write(
        dir,
        "etc/os-release",
        "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nID=ubuntu\n",
    );
    write(
        dir,
        "var/lib/dpkg/status",
        "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\nSource: openssl\nVersion: 3.0.2-0ubuntu1.13\n\nPackage: libfixed\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.2-0ubuntu1.15\n",
    );
    write(
        dir,
        "app/node_modules/semver/package.json",
        r#"{"name":"semver","version":"7.5.1"}"#,
    );
}

fn import(db: &Path, osv: &Path) {
    dockward()
        .args(["db", "import", "--db"])
        .arg(db)
        .arg(osv)
        .assert()
        .success()
        .stdout(predicates::str::contains("npm: 2 records"));
}

fn findings(output: &[u8]) -> Vec<(String, String)> {
    let json: Value = serde_json::from_slice(output).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn vulns_reports_affected_packages() {
    let Some(osv) = corpus_osv() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (db, root) = (tmp.path().join("db"), tmp.path().join("root"));
    ubuntu_root(&root);
    import(&db, &osv);
    dockward()
        .args(["db", "status", "--format", "json", "--db"])
        .arg(&db)
        .assert()
        .success()
        .stdout(predicates::str::contains("\"Ubuntu\""));
    let out = dockward()
        .args(["vulns", "--format", "json", "--fail-on", "medium", "--db"])
        .arg(&db)
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found = findings(&out.stdout);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.iter().all(|(code, _)| code == "DW190"));
    assert!(found.iter().any(|(_, m)| m
        == "libssl3 3.0.2-0ubuntu1.13 (source package openssl) is affected by UBUNTU-CVE-2023-5678 (CVE-2023-5678); fixed in 3.0.2-0ubuntu1.14"));
    assert!(
        found
            .iter()
            .any(|(_, m)| m.starts_with("semver 7.5.1 is affected by GHSA-c2qf-rxjj-qqgw"))
    );
    // The fixed build of the same source package is not reported.
    assert!(!found.iter().any(|(_, m)| m.contains("libfixed")));
}

#[test]
fn no_database_fails_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    ubuntu_root(&root);
    dockward()
        .args(["vulns", "--db"])
        .arg(tmp.path().join("none"))
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no vulnerability database"));
    dockward()
        .args(["vulns", "--allow-no-db", "--format", "json", "--db"])
        .arg(tmp.path().join("none"))
        .arg(&root)
        .assert()
        .success()
        .stdout(predicates::str::contains("no vulnerabilities were checked"));
}

#[test]
fn ignore_file_needs_reason_and_expires() {
    let Some(osv) = corpus_osv() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (db, root) = (tmp.path().join("db"), tmp.path().join("root"));
    ubuntu_root(&root);
    import(&db, &osv);
    let ignore = tmp.path().join("ignore.toml");
    // An alias (the CVE) silences the record; an expired entry does not, and says so.
    std::fs::write(
        &ignore,
        "[[ignore]]\nid = \"CVE-2023-5678\"\nreason = \"no X9.42 DH in our code\"\nexpires = \"2999-01-01\"\n\n[[ignore]]\nid = \"GHSA-c2qf-rxjj-qqgw\"\nreason = \"reviewed\"\nexpires = \"2000-01-01\"\n",
    )
    .unwrap();
    let out = dockward()
        .args(["vulns", "--format", "json", "--db"])
        .arg(&db)
        .arg("--ignore-file")
        .arg(&ignore)
        .arg(&root)
        .output()
        .unwrap();
    let found = findings(&out.stdout);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.starts_with("semver"));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("expired on 2000-01-01"), "{text}");
    assert!(text.contains("1 findings silenced"), "{text}");

    std::fs::write(
        &ignore,
        "[[ignore]]\nid = \"CVE-2023-5678\"\nexpires = \"2999-01-01\"\n",
    )
    .unwrap();
    dockward()
        .args(["vulns", "--db"])
        .arg(&db)
        .arg("--ignore-file")
        .arg(&ignore)
        .arg(&root)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("reason"));
}

#[test]
fn sbom_formats() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    ubuntu_root(&root);
    for (format, key) in [
        ("cyclonedx", "\"specVersion\": \"1.6\""),
        ("spdx", "\"spdxVersion\": \"SPDX-2.3\""),
    ] {
        dockward()
            .args(["sbom", "--format", format])
            .arg(&root)
            .assert()
            .success()
            .stdout(predicates::str::contains(key))
            .stdout(predicates::str::contains("pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.13"));
    }
    dockward()
        .args(["sbom"])
        .arg(tmp.path().join("missing"))
        .assert()
        .code(2);
}

#[test]
fn old_database_warns() {
    let Some(osv) = corpus_osv() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (db, root) = (tmp.path().join("db"), tmp.path().join("root"));
    ubuntu_root(&root);
    import(&db, &osv);
    let meta_path = db.join("meta.json");
    let meta = std::fs::read_to_string(&meta_path).unwrap();
    let mut json: Value = serde_json::from_str(&meta).unwrap();
    for (_, eco) in json["ecosystems"].as_object_mut().unwrap() {
        eco["imported_at"] = Value::from("2026-01-01T00:00:00Z");
    }
    std::fs::write(&meta_path, serde_json::to_vec(&json).unwrap()).unwrap();
    let out = dockward()
        .args(["vulns", "--format", "json", "--db"])
        .arg(&db)
        .arg(&root)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("over --max-db-age 7 days"), "{text}");
    let out = dockward()
        .args(["vulns", "--format", "json", "--max-db-age", "100000", "--db"])
        .arg(&db)
        .arg(&root)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("max-db-age"));
}

/// The same packages in an image: an OCI layout the test writes, whose second layer
/// removes a package manifest the first added (the merged file system no longer has it),
/// read by `vulns` and `sbom` through the image reader instead of a folder.
#[test]
fn vulns_and_sbom_read_an_image_layout() {
    use dockward_image::testing::{Compress, LayerBuilder, TestImage, compress, oci_layout, write_dir};
    let Some(osv) = corpus_osv() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (db, layout) = (tmp.path().join("db"), tmp.path().join("layout"));
    let folder = tmp.path().join("folder");
    ubuntu_root(&folder);
    let mut base = LayerBuilder::new();
    for rel in [
        "etc/os-release",
        "var/lib/dpkg/status",
        "app/node_modules/semver/package.json",
    ] {
        base.file(rel, 0o644, &std::fs::read(folder.join(rel)).unwrap());
    }
    base.file(
        "app/node_modules/gone/package.json",
        0o644,
        br#"{"name":"semver-gone","version":"7.5.1"}"#,
    );
    let mut top = LayerBuilder::new();
    top.whiteout("app/node_modules/gone");
    let image = TestImage {
        name: Some("acme/ubuntu-app:1".to_string()),
        platform: None,
        config: serde_json::json!({"architecture": "amd64", "os": "linux", "config": {}}),
        layers: vec![
            compress(&base.finish(), Compress::Gzip),
            compress(&top.finish(), Compress::None),
        ],
    };
    write_dir(&layout, &oci_layout(&[image]));
    import(&db, &osv);

    let out = dockward()
        .args(["vulns", "--format", "json", "--fail-on", "medium", "--db"])
        .arg(&db)
        .arg(&layout)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found = findings(&out.stdout);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found
            .iter()
            .any(|(_, m)| m.starts_with("libssl3 3.0.2-0ubuntu1.13 (source package openssl)"))
    );
    assert!(found.iter().any(|(_, m)| m.starts_with("semver 7.5.1 is affected by")));

    let out = dockward()
        .args(["sbom", "--format", "cyclonedx"])
        .arg(&layout)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sbom: Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = sbom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"libssl3") && names.contains(&"semver"), "{names:?}");
    assert!(
        !names.contains(&"semver-gone"),
        "a whited-out package is not in the image: {names:?}"
    );
    assert!(
        sbom.to_string().contains("acme/ubuntu-app:1"),
        "the SBOM names the image"
    );
}
