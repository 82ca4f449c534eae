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
    common::db_import(db, osv).stdout(predicates::str::contains("npm: 2 records"));
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
/// An OCI layout at `dir` of one linux/amd64 image `name`: `base` (gzip) and `top`
/// (plain) as its layers.
fn write_two_layer_layout(
    dir: &Path,
    name: &str,
    base: dockward_image::testing::LayerBuilder,
    top: dockward_image::testing::LayerBuilder,
) {
    use dockward_image::testing::{Compress, TestImage, compress, oci_layout, write_dir};
    let image = TestImage {
        name: Some(name.to_string()),
        platform: None,
        config: serde_json::json!({"architecture": "amd64", "os": "linux", "config": {}}),
        layers: vec![
            compress(&base.finish(), Compress::Gzip),
            compress(&top.finish(), Compress::None),
        ],
    };
    write_dir(dir, &oci_layout(&[image]));
}

#[test]
fn vulns_and_sbom_read_an_image_layout() {
    use dockward_image::testing::LayerBuilder;
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
    write_two_layer_layout(&layout, "acme/ubuntu-app:1", base, top);
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

/// A two-layer image (Alpine's os-release) whose base holds three files `make` writes,
/// each linking `packages[i]`: the executable `usr/local/bin/app`, the executable
/// `usr/local/bin/old` that the top layer replaces with a script, and the non-executable
/// `opt/data.bin`; `more` adds to the base.
fn layout_with_linked_executables(
    layout: &Path,
    name: &str,
    make: fn(&[(&str, &str)]) -> Vec<u8>,
    packages: [&[(&str, &str)]; 3],
    more: impl FnOnce(&mut dockward_image::testing::LayerBuilder),
) {
    use dockward_image::testing::LayerBuilder;
    let mut base = LayerBuilder::new();
    base.file("etc/os-release", 0o644, b"ID=alpine\nVERSION_ID=3.20.1\n");
    base.file("usr/local/bin/app", 0o755, &make(packages[0]));
    base.file("usr/local/bin/old", 0o755, &make(packages[1]));
    base.file("opt/data.bin", 0o644, &make(packages[2]));
    more(&mut base);
    let mut top = LayerBuilder::new();
    top.file("usr/local/bin/old", 0o755, &[b'#'; 2048]);
    write_two_layer_layout(layout, name, base, top);
}

/// The components of `dockward sbom --format cyclonedx` on `path`.
fn cyclonedx_components(path: &Path) -> Vec<Value> {
    let out = dockward()
        .args(["sbom", "--format", "cyclonedx"])
        .arg(path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let sbom: Value = serde_json::from_slice(&out.stdout).unwrap();
    sbom["components"].as_array().unwrap().clone()
}

/// A Go executable of an image, as the linker writes it: build information at a 16-byte
/// aligned offset past the ELF header, the module lines between 16-byte sentinels.
fn go_executable(modules: &[(&str, &str)]) -> Vec<u8> {
    let mut modinfo = String::from("path\texample.com/app\nmod\texample.com/app\t(devel)\t\n");
    for (path, version) in modules {
        modinfo.push_str(&format!("dep\t{path}\t{version}\th1:x=\n"));
    }
    let mut binary = b"\x7fELF\x02\x01\x01".to_vec();
    binary.resize(70_000, 0x90);
    binary.resize(70_000 / 16 * 16 + 16, 0);
    binary.extend_from_slice(&dockward_vuln::testing::go_build_info("go1.22.3", &modinfo));
    binary.resize(binary.len() + 5_000, 0xcc);
    binary
}

/// Executables are not kept by the image reader, but the Go build information found in
/// them while the layer streams is: an image's Go modules are inventoried, with the layer
/// of their executable; a replaced or non-executable file's modules are not. Jars are kept
/// whole for the inventory (within a budget): their Maven packages are listed too.
#[test]
fn go_modules_and_jars_of_an_image_are_inventoried() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = tmp.path().join("layout");
    let jar = dockward_vuln::testing::jar_with_pom(
        "org.apache.logging.log4j",
        "log4j-core",
        "2.14.1",
        dockward_vuln::testing::CompressionMethod::Deflated,
    );
    layout_with_linked_executables(
        &layout,
        "acme/go-app:1",
        go_executable,
        [
            &[("golang.org/x/net", "v0.17.0")],
            &[("example.com/replaced", "v1.0.0")],
            &[("example.com/not-executable", "v1.0.0")],
        ],
        |base| {
            base.file("opt/app/lib/log4j-core.jar", 0o644, &jar);
        },
    );
    let components = cyclonedx_components(&layout);
    let purls: Vec<&str> = components.iter().filter_map(|c| c["purl"].as_str()).collect();
    assert!(purls.contains(&"pkg:golang/golang.org/x/net@v0.17.0"), "{purls:?}");
    assert!(purls.iter().any(|p| p.starts_with("pkg:golang/stdlib@")), "{purls:?}");
    assert!(
        purls.contains(&"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
        "a jar of the image is read for the inventory: {purls:?}"
    );
    let text = serde_json::to_string(&components).unwrap();
    assert!(
        !text.contains("example.com/replaced"),
        "a later layer replaced that executable"
    );
    assert!(!text.contains("not-executable"), "only executables are read");
    let net = components.iter().find(|c| c["name"] == "golang.org/x/net").unwrap();
    assert!(
        net.to_string().contains("dockward:layer:diff-id"),
        "the module is attributed to its executable's layer: {net}"
    );
}

/// A Rust executable built with cargo-auditable, as the linker lays it out: code past the
/// first 64 KiB, then the `.dep-v0` section, the section table last.
fn rust_executable(crates: &[(&str, &str)]) -> Vec<u8> {
    let data = dockward_vuln::testing::cargo_auditable_data(crates);
    dockward_vuln::testing::elf_with_sections(70_000, &[(".rodata", b"strings"), (".dep-v0", &data)])
}

/// The crates cargo-auditable recorded in an image's executables are inventoried with the
/// layer of their executable, though the executables are not kept: the reader finds the
/// section while the layer streams. A replaced or non-executable file's crates are not.
/// With the corpus's OSV records, `vulns` finds RUSTSEC-2020-0071 in the `time` crate.
#[test]
fn rust_crates_of_an_image_executable_are_inventoried() {
    let tmp = tempfile::tempdir().unwrap();
    let layout = tmp.path().join("layout");
    layout_with_linked_executables(
        &layout,
        "acme/rust-app:1",
        rust_executable,
        [
            &[("app", "0.1.0"), ("time", "0.2.22"), ("smallvec", "1.13.2")],
            &[("old-app", "0.1.0"), ("replaced-crate", "1.0.0")],
            &[("data-app", "0.1.0"), ("not-executable", "1.0.0")],
        ],
        |_| {},
    );
    let components = cyclonedx_components(&layout);
    let mut purls: Vec<&str> = components
        .iter()
        .filter_map(|c| c["purl"].as_str())
        .filter(|p| p.starts_with("pkg:cargo/"))
        .collect();
    purls.sort_unstable();
    assert_eq!(
        purls,
        [
            "pkg:cargo/app@0.1.0",
            "pkg:cargo/smallvec@1.13.2",
            "pkg:cargo/time@0.2.22"
        ],
        "only the crates of the executable still in the image"
    );
    let time = components.iter().find(|c| c["name"] == "time").unwrap();
    assert!(
        time.to_string().contains("dockward:layer:diff-id") && time.to_string().contains("/usr/local/bin/app"),
        "the crate is attributed to its executable and its layer: {time}"
    );

    let Some(osv) = corpus_osv() else { return };
    let db = tmp.path().join("db");
    import(&db, &osv);
    let out = dockward()
        .args(["vulns", "--format", "json", "--db"])
        .arg(&db)
        .arg(&layout)
        .output()
        .unwrap();
    let found = json_findings(&out.stdout);
    assert_eq!(found.len(), 1, "{found:?} {}", String::from_utf8_lossy(&out.stderr));
    let message = found[0]["message"].as_str().unwrap();
    assert!(message.starts_with("time 0.2.22 is affected by"), "{message}");
    assert!(found[0].to_string().contains("RUSTSEC-2020-0071"), "{}", found[0]);
    assert_eq!(found[0]["path"], "/usr/local/bin/app", "{}", found[0]);
}

/// An image of four layers whose history says what made each: the base (os-release and a
/// dpkg status), an apt-get install adding libssl3, an npm install, and an upgrade that
/// rewrites the status without changing libssl3. Returns the layout and the diff ids.
fn layered_image(dir: &Path) -> Vec<String> {
    use dockward_image::testing::{Compress, LayerBuilder, TestImage, compress, oci_layout, write_dir};
    let folder = dir.join("folder");
    ubuntu_root(&folder);
    let read = |rel: &str| std::fs::read(folder.join(rel)).unwrap();
    let status = String::from_utf8(read("var/lib/dpkg/status")).unwrap();
    let fixed_only = status[status.find("Package: libfixed").unwrap()..].to_string();
    let mut base = LayerBuilder::new();
    base.file("etc/os-release", 0o644, &read("etc/os-release"));
    base.file("var/lib/dpkg/status", 0o644, fixed_only.as_bytes());
    let mut install = LayerBuilder::new();
    install.file("var/lib/dpkg/status", 0o644, status.as_bytes());
    let mut npm = LayerBuilder::new();
    npm.file(
        "app/node_modules/semver/package.json",
        0o644,
        &read("app/node_modules/semver/package.json"),
    );
    let mut upgrade = LayerBuilder::new();
    upgrade.file("var/lib/dpkg/status", 0o644, format!("{status}\n").as_bytes());
    let image = TestImage {
        name: Some("acme/layered:1".to_string()),
        platform: None,
        config: serde_json::json!({"architecture": "amd64", "os": "linux", "config": {},
        "history": [
            {"created_by": "/bin/sh -c #(nop) ADD file:0123 in / "},
            {"created_by": "/bin/sh -c #(nop)  ENV LANG=C.UTF-8", "empty_layer": true},
            {"created_by": "/bin/sh -c apt-get install -y\tlibssl3\u{1b}[31m"},
            {"created_by": "RUN /bin/sh -c npm install semver@7.5.1 # buildkit"},
            {"created_by": "/bin/sh -c apt-get upgrade -y"}
        ]}),
        layers: vec![
            compress(&base.finish(), Compress::Gzip),
            compress(&install.finish(), Compress::None),
            compress(&npm.finish(), Compress::Zstd),
            compress(&upgrade.finish(), Compress::Gzip),
        ],
    };
    let files = oci_layout(&[image]);
    let diff_ids = files
        .iter()
        .filter_map(|(_, bytes)| serde_json::from_slice::<Value>(bytes).ok())
        .find_map(|v| {
            v.pointer("/rootfs/diff_ids")
                .and_then(Value::as_array)
                .map(|ids| ids.iter().map(|d| d.as_str().unwrap().to_string()).collect::<Vec<_>>())
        })
        .unwrap();
    write_dir(&dir.join("layout"), &files);
    diff_ids
}

fn json_findings(output: &[u8]) -> Vec<Value> {
    let json: Value = serde_json::from_slice(output).unwrap();
    json["findings"].as_array().unwrap().clone()
}

#[test]
fn image_findings_name_the_layer_that_added_the_package() {
    let Some(osv) = corpus_osv() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    import(&db, &osv);
    let diff_ids = layered_image(tmp.path());
    let layout = tmp.path().join("layout");

    let out = dockward()
        .args(["vulns", "--format", "json", "--fail-on", "low", "--db"])
        .arg(&db)
        .arg(&layout)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found = json_findings(&out.stdout);
    assert_eq!(found.len(), 2, "{found:?}");
    let by_package = |prefix: &str| {
        found
            .iter()
            .find(|f| f["message"].as_str().unwrap().starts_with(prefix))
            .unwrap_or_else(|| panic!("no finding for {prefix}: {found:?}"))
            .clone()
    };
    // libssl3 came with the second layer (the upgrade rewrote the database without
    // changing it); semver with the third; the first layer's libfixed is not vulnerable.
    let ssl = by_package("libssl3 ");
    assert_eq!(ssl["layer"], diff_ids[1], "{ssl}");
    assert_eq!(ssl["path"], "/var/lib/dpkg/status", "{ssl}");
    let help = ssl["help"].as_str().unwrap();
    assert!(
        help.contains("added by the layer of `RUN apt-get install -y libssl3\\u{1b}[31m`"),
        "{help}"
    );
    assert!(!help.contains('\u{1b}'), "no raw control character: {help}");
    let semver = by_package("semver ");
    assert_eq!(semver["layer"], diff_ids[2], "{semver}");
    assert!(
        semver["help"]
            .as_str()
            .unwrap()
            .contains("`RUN npm install semver@7.5.1`"),
        "{semver}"
    );

    // Text and SARIF name the layer too.
    let out = dockward()
        .args(["vulns", "--format", "full", "--color", "never", "--db"])
        .arg(&db)
        .arg(&layout)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let short = &diff_ids[1][..19];
    assert!(
        text.contains(&format!("image acme/layered:1 layer {short} /var/lib/dpkg/status")),
        "{text}"
    );
    let out = dockward()
        .args(["vulns", "--format", "sarif", "--db"])
        .arg(&db)
        .arg(&layout)
        .output()
        .unwrap();
    let sarif = String::from_utf8_lossy(&out.stdout);
    assert!(
        sarif.contains(&format!("acme/layered:1@{}:/var/lib/dpkg/status", diff_ids[1])),
        "{sarif}"
    );

    // The SBOM carries the layer as a property.
    let out = dockward().args(["sbom"]).arg(&layout).output().unwrap();
    let sbom: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ssl = sbom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "libssl3")
        .unwrap();
    let props = ssl["properties"].to_string();
    assert!(
        props.contains(&diff_ids[1]) && props.contains("dockward:layer:created-by"),
        "{props}"
    );
}

#[test]
fn image_vulns_reports_vulnerabilities_with_the_image_rules() {
    let Some(osv) = corpus_osv() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    import(&db, &osv);
    let diff_ids = layered_image(tmp.path());
    let layout = tmp.path().join("layout");

    // Without --vulns: image rules only.
    let out = dockward()
        .args(["image", "--format", "json"])
        .arg(&layout)
        .output()
        .unwrap();
    let plain = json_findings(&out.stdout);
    assert!(
        !plain.is_empty() && plain.iter().all(|f| f["code"] != "DW190"),
        "{plain:?}"
    );

    let out = dockward()
        .args(["image", "--vulns", "--ignore-unfixed", "--format", "json", "--db"])
        .arg(&db)
        .arg(&layout)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let found = json_findings(&out.stdout);
    let vulns: Vec<&Value> = found.iter().filter(|f| f["code"] == "DW190").collect();
    assert_eq!(vulns.len(), 2, "{found:?}");
    assert_eq!(
        found.len(),
        plain.len() + 2,
        "the image rules' findings are all still there"
    );
    let ssl = vulns
        .iter()
        .find(|f| f["message"].as_str().unwrap().starts_with("libssl3 "))
        .unwrap();
    assert_eq!(ssl["layer"], diff_ids[1]);
    assert_eq!(ssl["object"], "image acme/layered:1", "{ssl}");

    // No database: an error, unless allowed.
    let missing = tmp.path().join("no-db");
    let out = dockward()
        .args(["image", "--vulns", "--db"])
        .arg(&missing)
        .arg(&layout)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let out = dockward()
        .args(["image", "--vulns", "--allow-no-db", "--format", "json", "--db"])
        .arg(&missing)
        .arg(&layout)
        .output()
        .unwrap();
    assert!(
        json_findings(&out.stdout).iter().all(|f| f["code"] != "DW190"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The vulnerability a DW190 message names: `… is affected by ID (CVE-…)` gives the CVE
/// alias when there is one.
fn vulnerability_named_in(message: &str) -> String {
    let after = message.split(" is affected by ").nth(1).unwrap();
    after
        .split_once('(')
        .map_or_else(
            || after.split([' ', ';']).next().unwrap(),
            |(_, rest)| rest.split([',', ')']).next().unwrap(),
        )
        .trim()
        .to_string()
}

/// A statement about the image `pkg:oci/layered@DIGEST` covers the image with that
/// manifest or configuration digest, and no other build of `layered`.
#[test]
fn vex_statements_about_an_image_match_its_digest() {
    let Some(osv) = corpus_osv() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    import(&db, &osv);
    layered_image(tmp.path());
    let layout = tmp.path().join("layout");
    let index: Value = serde_json::from_slice(&std::fs::read(layout.join("index.json")).unwrap()).unwrap();
    let manifest_digest = index["manifests"][0]["digest"].as_str().unwrap().to_string();
    let manifest: Value = serde_json::from_slice(
        &std::fs::read(
            layout
                .join("blobs/sha256")
                .join(manifest_digest.strip_prefix("sha256:").unwrap()),
        )
        .unwrap(),
    )
    .unwrap();
    let config_digest = manifest["config"]["digest"].as_str().unwrap().to_string();
    let run = |vex: Option<&Path>| {
        let mut cmd = dockward();
        cmd.args(["vulns", "--format", "json", "--db"]).arg(&db).arg(&layout);
        if let Some(vex) = vex {
            cmd.arg("--vex").arg(vex);
        }
        findings(&cmd.output().unwrap().stdout)
    };
    let all = run(None);
    let ssl = &all.iter().find(|(_, m)| m.starts_with("libssl3 ")).unwrap().1;
    let id = vulnerability_named_in(ssl);
    let vex = tmp.path().join("vex.json");
    let with_product = |product: &str| {
        std::fs::write(
            &vex,
            serde_json::json!({"statements": [
                {"vulnerability": {"name": id}, "products": [{"@id": product}],
                 "status": "not_affected", "justification": "vulnerable_code_not_present"}
            ]})
            .to_string(),
        )
        .unwrap();
        run(Some(&vex)).len()
    };
    let encoded = |digest: &str| digest.replace(':', "%3A");
    // The SBOM names the image by the same purl, so a VEX document can be written from it.
    let sbom = dockward()
        .args(["sbom", "--format", "cyclonedx"])
        .arg(&layout)
        .output()
        .unwrap();
    let sbom: Value = serde_json::from_slice(&sbom.stdout).unwrap();
    let image_purl = format!("pkg:oci/layered@{}", encoded(&manifest_digest));
    assert_eq!(sbom["metadata"]["component"]["purl"], image_purl.as_str());
    assert_eq!(sbom["metadata"]["component"]["type"], "container");
    assert_eq!(with_product(&image_purl), all.len() - 1);
    assert_eq!(
        with_product(&format!("pkg:oci/layered@{}?tag=1", encoded(&config_digest))),
        all.len() - 1
    );
    assert_eq!(with_product("pkg:oci/layered"), all.len() - 1, "no digest: any build");
    let other = format!("sha256:{}", "0".repeat(64));
    assert_eq!(
        with_product(&format!("pkg:oci/layered@{}", encoded(&other))),
        all.len(),
        "another build"
    );
    assert_eq!(
        with_product(&format!("pkg:oci/web@{}", encoded(&manifest_digest))),
        all.len(),
        "another name"
    );
}

#[test]
fn vex_statements_suppress_and_count_findings() {
    let Some(osv) = corpus_osv() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let (db, root) = (tmp.path().join("db"), tmp.path().join("root"));
    ubuntu_root(&root);
    import(&db, &osv);
    let run = |extra: &[&Path]| {
        let mut cmd = dockward();
        cmd.args(["vulns", "--format", "json", "--db"]).arg(&db).arg(&root);
        for vex in extra {
            cmd.arg("--vex").arg(vex);
        }
        cmd.output().unwrap()
    };
    let out = run(&[]);
    let found = findings(&out.stdout);
    let ssl = &found.iter().find(|(_, m)| m.starts_with("libssl3 ")).unwrap().1;
    let id = vulnerability_named_in(ssl);

    let vex = tmp.path().join("vex.json");
    std::fs::write(
        &vex,
        serde_json::json!({"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
            {"vulnerability": {"name": id}, "products": [{"@id": "pkg:deb/ubuntu/libssl3"}],
             "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
            {"vulnerability": {"name": "GHSA-none"}, "products": [{"@id": "pkg:npm/semver"}], "status": "fixed"},
            {"vulnerability": 42, "products": "x", "status": "fixed"}
        ]})
        .to_string(),
    )
    .unwrap();
    let out = run(&[&vex]);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let left = findings(&out.stdout);
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].1.starts_with("semver "), "{left:?}");
    assert!(
        text.contains("1 findings suppressed by VEX statements (1 not_affected)"),
        "{text}"
    );
    assert!(text.contains("vex.json#3: VEX statement skipped"), "{text}");

    // A later `affected` statement about the same product wins: the finding is back.
    let affected = tmp.path().join("affected.json");
    std::fs::write(
        &affected,
        serde_json::json!({"statements": [
            {"vulnerability": {"name": id}, "products": ["pkg:deb/ubuntu/libssl3@3.0.2-0ubuntu1.13"], "status": "affected"}
        ]})
        .to_string(),
    )
    .unwrap();
    assert_eq!(findings(&run(&[&vex, &affected]).stdout).len(), 2);

    // Not a VEX document: the run stops with an error naming the file.
    for (name, body) in [("bad.json", "{\"statements\": 5}"), ("notjson.json", "\u{0}\u{1}[[[")] {
        let bad = tmp.path().join(name);
        std::fs::write(&bad, body).unwrap();
        let out = run(&[&bad]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(name));
    }
}

/// An image built by a private dockerd (busybox, then the release file and two versions of
/// the dpkg status copied in): `image --vulns` reads the same findings, with the same
/// layer, from the engine's export and from a `docker save` archive.
#[test]
fn image_vulns_on_an_engine_image_and_its_docker_save() {
    use dockward_engine::testing::PrivateDockerd;
    let Some(osv) = corpus_osv() else { return };
    let Some(daemon) = PrivateDockerd::start() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("db");
    import(&db, &osv);
    daemon.import_busybox("dwvulns/busybox:1");
    let context = tmp.path().join("context");
    ubuntu_root(&context);
    let status = std::fs::read_to_string(context.join("var/lib/dpkg/status")).unwrap();
    let fixed_only = &status[status.find("Package: libfixed").unwrap()..];
    std::fs::write(context.join("status-base"), fixed_only).unwrap();
    std::fs::write(
        context.join("Dockerfile"),
        "FROM dwvulns/busybox:1\nCOPY etc/os-release /etc/os-release\nCOPY status-base /var/lib/dpkg/status\nCOPY var/lib/dpkg/status /var/lib/dpkg/status\n",
    )
    .unwrap();
    daemon.build(&context, "dwvulns/app:1");
    let saved = tmp.path().join("app.tar");
    daemon.docker(&["save", "-o", saved.to_str().unwrap(), "dwvulns/app:1"]);

    let vulns_of = |target: &[&str]| {
        let out = dockward()
            .args(["image", "--vulns", "--select", "DW190", "--format", "json", "--db"])
            .arg(&db)
            .args(target)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        json_findings(&out.stdout)
    };
    let from_engine = vulns_of(&["--host", &daemon.host(), "dwvulns/app:1"]);
    let from_file = vulns_of(&[saved.to_str().unwrap()]);
    assert_eq!(from_engine, from_file, "the same image, read two ways");
    assert_eq!(from_file.len(), 1, "{from_file:?}");
    let ssl = &from_file[0];
    assert!(ssl["message"].as_str().unwrap().starts_with("libssl3 "), "{ssl}");
    assert!(ssl["layer"].as_str().unwrap().starts_with("sha256:"), "{ssl}");
    // The last COPY of the status added libssl3 (the one before held libfixed only).
    let help = ssl["help"].as_str().unwrap();
    assert!(help.contains("added by the layer of `COPY file:"), "{help}");
    assert!(help.contains("in /var/lib/dpkg/status`"), "{help}");
}
