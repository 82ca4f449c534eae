//! rpm's Berkeley DB database in an image: an OCI layout whose first layer holds a Rocky
//! Linux 8 os-release and a `/var/lib/rpm/Packages` written by Berkeley DB's `db5.3_load`
//! from headers of packages built and installed by rpm, and whose second layer (a `dnf
//! install`) rewrites that database with more packages. `dockward sbom` lists every
//! package with the version rpm lists, as a `pkg:rpm/rocky/…` purl, and the layer that
//! added it.

mod common;

use common::dockward;
use dockward_vuln::testing::rpmdb;
use serde_json::Value;

#[test]
fn sbom_of_an_image_with_a_berkeley_db_rpm_database() {
    use dockward_image::testing::{Compress, LayerBuilder, TestImage, compress, oci_layout, write_dir};
    if !rpmdb::tools_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let fixture = rpmdb::build(tmp.path(), 10);
    let (first, all) = (&fixture.blobs[..6], &fixture.blobs[..]);
    let bdb = |blobs: &[Vec<u8>], name: &str| {
        let file = tmp.path().join(name);
        rpmdb::write_bdb(&file, blobs, 4096, 1234, false);
        std::fs::read(file).unwrap()
    };
    let mut base = LayerBuilder::new();
    base.file(
        "etc/os-release",
        0o644,
        b"NAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID=\"8.9\"\n",
    );
    base.file("var/lib/rpm/Packages", 0o644, &bdb(first, "first"));
    let mut install = LayerBuilder::new();
    install.file("var/lib/rpm/Packages", 0o644, &bdb(all, "all"));
    let image = TestImage {
        name: Some("acme/rocky-app:1".to_string()),
        platform: None,
        config: serde_json::json!({"architecture": "amd64", "os": "linux", "config": {},
        "history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:rocky in / "},
            {"created_by": "RUN /bin/sh -c dnf install -y dw-pkg # buildkit"}
        ]}),
        layers: vec![
            compress(&base.finish(), Compress::Gzip),
            compress(&install.finish(), Compress::None),
        ],
    };
    let files = oci_layout(&[image]);
    let diff_ids: Vec<String> = files
        .iter()
        .filter_map(|(_, bytes)| serde_json::from_slice::<Value>(bytes).ok())
        .find_map(|v| {
            v.pointer("/rootfs/diff_ids")
                .and_then(Value::as_array)
                .map(|ids| ids.iter().map(|d| d.as_str().unwrap().to_string()).collect())
        })
        .unwrap();
    let layout = tmp.path().join("layout");
    write_dir(&layout, &files);

    let out = dockward()
        .args(["sbom", "--format", "cyclonedx"])
        .arg(&layout)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("Packages"),
        "no warning about the database: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sbom: Value = serde_json::from_slice(&out.stdout).unwrap();
    let components = sbom["components"].as_array().unwrap();
    // The packages of the first layer's database, as rpm lists them.
    let first_names: Vec<String> = {
        let dir = tmp.path().join("first-db");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(tmp.path().join("first"), dir.join("Packages")).unwrap();
        rpmdb::list(&dir, Some("bdb_ro")).into_iter().map(|p| p.0).collect()
    };
    assert_eq!(first_names.len(), 6);
    let mut seen = 0;
    for (name, epoch, version, release, arch) in &fixture.listed {
        let evr = match epoch {
            Some(e) if *e > 0 => format!("{e}%3A{version}-{release}"),
            _ => format!("{version}-{release}"),
        };
        let purl = format!("pkg:rpm/rocky/{name}@{evr}?arch={arch}&distro=rocky-8.9");
        let component = components
            .iter()
            .find(|c| c["purl"].as_str().is_some_and(|p| p.starts_with(&purl)))
            .unwrap_or_else(|| panic!("no component {purl}: {components:#?}"));
        let layer = if first_names.contains(name) {
            &diff_ids[0]
        } else {
            &diff_ids[1]
        };
        let props = component["properties"].to_string();
        assert!(props.contains(layer.as_str()), "{name}: {props}");
        if layer == &diff_ids[1] {
            assert!(props.contains("dnf install -y dw-pkg"), "{name}: {props}");
        }
        seen += 1;
    }
    assert_eq!(seen, 10);
    let rpm_components = components
        .iter()
        .filter(|c| c["purl"].as_str().is_some_and(|p| p.starts_with("pkg:rpm/")))
        .count();
    assert_eq!(rpm_components, 10, "nothing more than rpm lists");
}
