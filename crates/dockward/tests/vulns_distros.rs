//! OS packages of the distributions that file them under several OSV ecosystems, end to
//! end: Red Hat product streams, SUSE products and modules, openSUSE, Ubuntu Pro and FIPS,
//! Debian testing and unstable. The records are written here in the shape osv.dev
//! publishes (ecosystem strings, binary or source names, epochs as each publisher writes
//! them); rpm packages come from an `rpmdb.sqlite` written by SQLite itself.

mod common;

use common::{db_import as import, dockward, write};
use dockward_vuln::testing::{rpm_header, write_rpmdb_sqlite};
use serde_json::Value;
use std::path::Path;

/// One `affected[]` entry: ecosystem, package name, range events (`introduced`, `fixed`).
type Affected<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// Writes OSV records (`id`, then its entries) as JSON files.
fn records(dir: &Path, list: &[(&str, &[Affected])]) {
    std::fs::create_dir_all(dir).unwrap();
    for (id, affected) in list {
        let affected: Vec<Value> = affected
            .iter()
            .map(|(ecosystem, name, events)| {
                let events: Vec<Value> = events.iter().map(|(k, v)| serde_json::json!({ *k: v })).collect();
                serde_json::json!({
                    "package": {"ecosystem": ecosystem, "name": name},
                    "ranges": [{"type": "ECOSYSTEM", "events": events}]
                })
            })
            .collect();
        let record = serde_json::json!({
            "schema_version": "1.6.0",
            "id": id,
            "modified": "2024-11-20T10:00:00Z",
            "published": "2024-11-12T00:00:00Z",
            "upstream": [format!("CVE-2024-{}", 10000 + id.len())],
            "summary": format!("{id} test advisory"),
            "affected": affected,
        });
        let file = dir.join(format!("{}.json", id.replace(':', "_")));
        std::fs::write(file, serde_json::to_vec_pretty(&record).unwrap()).unwrap();
    }
}

/// `(messages, help lines, whole output)` of `dockward vulns --format json`.
fn vulns(db: &Path, root: &Path) -> (Vec<String>, Vec<String>, String) {
    let out = dockward()
        .args(["vulns", "--format", "json", "--exit-zero", "--db"])
        .arg(db)
        .arg(root)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_str(&text).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let field = |name: &str| {
        findings
            .iter()
            .map(|f| f[name].as_str().unwrap_or("").to_string())
            .collect()
    };
    (field("message"), field("help"), text)
}

/// A root with `os_release` and an `rpmdb.sqlite` of `packages` (name, version, release,
/// epoch, source rpm); `None` when Python's sqlite3 is not there to write it.
fn rpm_root(root: &Path, os_release: &str, packages: &[(&str, &str, &str, Option<u32>, &str)]) -> Option<()> {
    write(root, "etc/os-release", os_release);
    let headers: Vec<Vec<u8>> = packages
        .iter()
        .map(|(name, version, release, epoch, srpm)| rpm_header(name, version, release, *epoch, srpm))
        .collect();
    std::fs::create_dir_all(root.join("var/lib/rpm")).unwrap();
    if write_rpmdb_sqlite(&root.join("var/lib/rpm/rpmdb.sqlite"), &headers).unwrap_or(false) {
        return Some(());
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!ci, "python3 with sqlite3 is needed under CI=true");
    eprintln!("SKIPPED: python3's sqlite3 cannot write the test database");
    None
}

const RHEL9: &str = "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.4 (Plow)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.4\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 9.4 (Plow)\"\nANSI_COLOR=\"0;31\"\nCPE_NAME=\"cpe:/o:redhat:enterprise_linux:9::baseos\"\nHOME_URL=\"https://www.redhat.com/\"\n";

#[test]
fn red_hat_streams() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, osv, root) = (tmp.path().join("db"), tmp.path().join("osv"), tmp.path().join("root"));
    let Some(()) = rpm_root(
        &root,
        RHEL9,
        &[
            (
                "openssl-libs",
                "3.0.7",
                "24.el9",
                Some(1),
                "openssl-3.0.7-24.el9.src.rpm",
            ),
            ("nodejs", "16.20.2", "3.el9", Some(1), "nodejs-16.20.2-3.el9.src.rpm"),
            ("curl", "7.76.1", "26.el9_3.2", None, "curl-7.76.1-26.el9_3.2.src.rpm"),
            ("python3", "3.9.18", "1.el9", None, "python3.9-3.9.18-1.el9.src.rpm"),
        ],
    ) else {
        return;
    };
    records(
        &osv,
        &[
            (
                "RHSA-2024:0310",
                &[
                    (
                        "Red Hat:enterprise_linux:9::baseos",
                        "openssl-libs",
                        &[("introduced", "0"), ("fixed", "1:3.0.7-25.el9_3")],
                    ),
                    (
                        "Red Hat:enterprise_linux:9::baseos",
                        "openssl",
                        &[("introduced", "0"), ("fixed", "1:3.0.7-25.el9_3")],
                    ),
                ],
            ),
            // AppStream: os-release's CPE names only baseos.
            (
                "RHSA-2024:0474",
                &[(
                    "Red Hat:enterprise_linux:9::appstream",
                    "nodejs",
                    &[("introduced", "0"), ("fixed", "1:16.20.2-4.el9_3")],
                )],
            ),
            // Fixed in the installed build (epoch 0 written out, none installed).
            (
                "RHSA-2024:1234",
                &[(
                    "Red Hat:enterprise_linux:9::baseos",
                    "curl",
                    &[("introduced", "0"), ("fixed", "0:7.76.1-26.el9_3.2")],
                )],
            ),
            // Another product (EUS) and another release: not this system's streams.
            (
                "RHSA-2024:2222",
                &[
                    (
                        "Red Hat:rhel_eus:9.2::baseos",
                        "python3",
                        &[("introduced", "0"), ("fixed", "0:3.9.18-2.el9_2")],
                    ),
                    (
                        "Red Hat:enterprise_linux:8::appstream",
                        "python3",
                        &[("introduced", "0"), ("fixed", "0:3.9.18-2.el8")],
                    ),
                ],
            ),
        ],
    );
    import(&db, &osv);
    let (messages, help, _) = vulns(&db, &root);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages.contains(
            &"openssl-libs 1:3.0.7-24.el9 is affected by RHSA-2024:0310 (CVE-2024-10014); fixed in 1:3.0.7-25.el9_3"
                .to_string()
        ),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("nodejs 1:16.20.2-3.el9 is affected by RHSA-2024:0474")),
        "{messages:?}"
    );
    assert!(
        help.iter()
            .any(|h| h.contains("matched as Red Hat:enterprise_linux:9::appstream nodejs")),
        "{help:?}"
    );
    // One finding for openssl-libs although the record names it by binary and source.
    assert_eq!(messages.iter().filter(|m| m.contains("RHSA-2024:0310")).count(), 1);

    // Without Red Hat data the run says so and names the command, quoted.
    let empty = tmp.path().join("empty-db");
    let only_debian = tmp.path().join("debian-only");
    records(
        &only_debian,
        &[("DSA-0000-1", &[("Debian:12", "zlib", &[("introduced", "0")])])],
    );
    import(&empty, &only_debian);
    let (messages, _, text) = vulns(&empty, &root);
    assert!(messages.is_empty());
    assert!(text.contains("--ecosystem 'Red Hat'"), "{text}");
}

#[test]
fn suse_and_opensuse() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, osv) = (tmp.path().join("db"), tmp.path().join("osv"));
    let sles = tmp.path().join("sles");
    let Some(()) = rpm_root(
        &sles,
        "NAME=\"SLES\"\nVERSION=\"15-SP5\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP5\"\nID=\"sles\"\nID_LIKE=\"suse\"\nANSI_COLOR=\"0;32\"\nCPE_NAME=\"cpe:/o:suse:sles:15:sp5\"\n",
        &[
            (
                "libopenssl3",
                "3.0.8",
                "150500.5.8.1",
                None,
                "openssl-3-3.0.8-150500.5.8.1.src.rpm",
            ),
            ("glibc", "2.31", "150300.63.1", None, "glibc-2.31-150300.63.1.src.rpm"),
            (
                "libtiff5",
                "4.0.9",
                "150000.45.32.1",
                Some(1),
                "tiff-4.0.9-150000.45.32.1.src.rpm",
            ),
        ],
    ) else {
        return;
    };
    let leap = tmp.path().join("leap");
    let tumbleweed = tmp.path().join("tumbleweed");
    rpm_root(
        &leap,
        "NAME=\"openSUSE Leap\"\nVERSION=\"15.5\"\nID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"openSUSE Leap 15.5\"\nCPE_NAME=\"cpe:/o:opensuse:leap:15.5\"\n",
        &[("curl", "8.0.1", "150400.5.50.1", None, "curl-8.0.1-150400.5.50.1.src.rpm")],
    )
    .unwrap();
    rpm_root(
        &tumbleweed,
        "NAME=\"openSUSE Tumbleweed\"\nID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\nVERSION_ID=\"20240328\"\nPRETTY_NAME=\"openSUSE Tumbleweed\"\nCPE_NAME=\"cpe:/o:opensuse:tumbleweed:20240328\"\n",
        &[
            ("liblzma5", "5.6.1", "1.1", None, "xz-5.6.1-1.1.src.rpm"),
            ("curl", "8.0.1", "150400.5.50.1", None, "curl-8.0.1-150400.5.50.1.src.rpm"),
        ],
    )
    .unwrap();
    records(
        &osv,
        &[
            // SLE 15 files base packages under the module that ships them.
            (
                "SUSE-SU-2024:3501-1",
                &[
                    (
                        "SUSE:Linux Enterprise Module for Basesystem 15 SP5",
                        "openssl-3",
                        &[("introduced", "0"), ("fixed", "3.0.8-150500.5.14.1")],
                    ),
                    (
                        "SUSE:Linux Enterprise Server 15 SP5",
                        "openssl-3",
                        &[("introduced", "0"), ("fixed", "3.0.8-150500.5.14.1")],
                    ),
                ],
            ),
            // Another service pack's stream.
            (
                "SUSE-SU-2024:0999-1",
                &[(
                    "SUSE:Linux Enterprise Server 15 SP4",
                    "glibc",
                    &[("introduced", "0"), ("fixed", "2.31-150300.70.1")],
                )],
            ),
            // SUSE versions carry no epoch: the installed epoch is left out to compare.
            (
                "SUSE-SU-2024:4100-1",
                &[(
                    "SUSE:Linux Enterprise Module for Basesystem 15 SP5",
                    "tiff",
                    &[("introduced", "0"), ("fixed", "4.0.9-150000.45.44.1")],
                )],
            ),
            (
                "SUSE-SU-2024:3926-1",
                &[(
                    "openSUSE:Leap 15.5",
                    "curl",
                    &[("introduced", "0"), ("fixed", "8.0.1-150400.5.56.1")],
                )],
            ),
            (
                "openSUSE-SU-2024:14017-1",
                &[(
                    "openSUSE:Tumbleweed",
                    "xz",
                    &[("introduced", "0"), ("fixed", "5.6.1.revertto5.4-3.2")],
                )],
            ),
        ],
    );
    import(&db, &osv);
    let (messages, help, _) = vulns(&db, &sles);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(messages.contains(&"libopenssl3 3.0.8-150500.5.8.1 (source package openssl-3) is affected by SUSE-SU-2024:3501-1 (CVE-2024-10019); fixed in 3.0.8-150500.5.14.1".to_string()), "{messages:?}");
    assert!(
        messages.iter().any(|m| m
            .starts_with("libtiff5 1:4.0.9-150000.45.32.1 (source package tiff) is affected by SUSE-SU-2024:4100-1")),
        "{messages:?}"
    );
    assert!(
        help.iter()
            .any(|h| h
                .contains("matched as SUSE:Linux Enterprise Module for Basesystem 15 SP5 tiff 4.0.9-150000.45.32.1")),
        "{help:?}"
    );

    let (messages, _, _) = vulns(&db, &leap);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].starts_with("curl 8.0.1-150400.5.50.1 is affected by SUSE-SU-2024:3926-1"));
    // Tumbleweed: its own record matches; Leap's curl record does not.
    let (messages, _, _) = vulns(&db, &tumbleweed);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].starts_with("liblzma5 5.6.1-1.1 (source package xz) is affected by openSUSE-SU-2024:14017-1"));
}

fn dpkg_root(root: &Path, os_release: &str, packages: &[(&str, &str, &str)]) {
    write(root, "etc/os-release", os_release);
    let status: String = packages
        .iter()
        .map(|(name, source, version)| {
            format!("Package: {name}\nStatus: install ok installed\nArchitecture: amd64\nSource: {source}\nVersion: {version}\n\n")
        })
        .collect();
    write(root, "var/lib/dpkg/status", &status);
}

#[test]
fn ubuntu_pro_and_fips() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, osv) = (tmp.path().join("db"), tmp.path().join("osv"));
    records(
        &osv,
        &[
            (
                "UBUNTU-CVE-2024-0727",
                &[
                    (
                        "Ubuntu:Pro:18.04:LTS",
                        "openssl",
                        &[("introduced", "0"), ("fixed", "1.1.1-1ubuntu2.1~18.04.23+esm4")],
                    ),
                    (
                        "Ubuntu:22.04:LTS",
                        "openssl",
                        &[("introduced", "0"), ("fixed", "3.0.2-0ubuntu1.14")],
                    ),
                    (
                        "Ubuntu:Pro:FIPS-updates:22.04:LTS",
                        "openssl",
                        &[("introduced", "0"), ("fixed", "3.0.2-0ubuntu1.14+Fips1")],
                    ),
                    ("Ubuntu:Pro:FIPS-preview:22.04:LTS", "openssl", &[("introduced", "0")]),
                ],
            ),
            // A universe package fixed only for Pro subscribers, and (for the precedence
            // test) a plain entry that says otherwise.
            (
                "UBUNTU-CVE-2023-44487",
                &[
                    (
                        "Ubuntu:Pro:22.04:LTS",
                        "nghttp2",
                        &[("introduced", "0"), ("fixed", "1.43.0-1ubuntu0.1+esm1")],
                    ),
                    ("Ubuntu:22.04:LTS", "nghttp2", &[("introduced", "0")]),
                ],
            ),
        ],
    );
    import(&db, &osv);
    let bionic = tmp.path().join("bionic");
    dpkg_root(
        &bionic,
        "NAME=\"Ubuntu\"\nVERSION=\"18.04.6 LTS (Bionic Beaver)\"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME=\"Ubuntu 18.04.6 LTS\"\nVERSION_ID=\"18.04\"\nVERSION_CODENAME=bionic\n",
        &[("libssl1.1", "openssl", "1.1.1-1ubuntu2.1~18.04.23")],
    );
    let (messages, help, _) = vulns(&db, &bionic);
    assert_eq!(
        messages,
        [
            "libssl1.1 1.1.1-1ubuntu2.1~18.04.23 (source package openssl) is affected by UBUNTU-CVE-2024-0727 (CVE-2024-10020); fixed in 1.1.1-1ubuntu2.1~18.04.23+esm4"
        ]
    );
    assert!(help[0].contains("matched as Ubuntu:Pro:18.04:LTS openssl"), "{help:?}");
    // The ESM build is the fix.
    dpkg_root(
        &bionic,
        "ID=ubuntu\nVERSION_ID=\"18.04\"\nVERSION=\"18.04.6 LTS (Bionic Beaver)\"\n",
        &[("libssl1.1", "openssl", "1.1.1-1ubuntu2.1~18.04.23+esm4")],
    );
    assert!(vulns(&db, &bionic).0.is_empty());

    let jammy = tmp.path().join("jammy");
    dpkg_root(
        &jammy,
        "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\n",
        &[
            // A FIPS-updates build carrying the fix: neither the FIPS-preview entry nor
            // the ordinary build's fix applies.
            ("libssl3", "openssl", "3.0.2-0ubuntu1.14+Fips1"),
            ("libnghttp2-14", "nghttp2", "1.43.0-1ubuntu0.1+esm1"),
        ],
    );
    assert_eq!(vulns(&db, &jammy).0, Vec::<String>::new());
    dpkg_root(
        &jammy,
        "VERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nID=ubuntu\n",
        &[
            ("libssl3", "openssl", "3.0.2-0ubuntu1.12+Fips1"),
            ("libnghttp2-14", "nghttp2", "1.43.0-1ubuntu0.1"),
        ],
    );
    let (messages, help, _) = vulns(&db, &jammy);
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages.iter().any(|m| m.ends_with("fixed in 3.0.2-0ubuntu1.14+Fips1")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.ends_with("fixed in 1.43.0-1ubuntu0.1+esm1")),
        "{messages:?}"
    );
    assert!(
        help.iter()
            .any(|h| h.contains("matched as Ubuntu:Pro:FIPS-updates:22.04:LTS")),
        "{help:?}"
    );
}

#[test]
fn debian_testing_and_unstable() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, osv) = (tmp.path().join("db"), tmp.path().join("osv"));
    records(
        &osv,
        &[(
            "DEBIAN-CVE-2024-45490",
            &[
                (
                    "Debian:12",
                    "expat",
                    &[("introduced", "0"), ("fixed", "2.5.0-1+deb12u1")],
                ),
                ("Debian:13", "expat", &[("introduced", "0"), ("fixed", "2.6.3-1")]),
            ],
        )],
    );
    import(&db, &osv);
    let trixie = tmp.path().join("trixie");
    dpkg_root(
        &trixie,
        "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\nVERSION_CODENAME=trixie\nID=debian\nHOME_URL=\"https://www.debian.org/\"\n",
        &[("libexpat1", "expat", "2.6.2-1")],
    );
    let (messages, help, text) = vulns(&db, &trixie);
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert!(messages[0].ends_with("fixed in 2.6.3-1"), "{messages:?}");
    assert!(help[0].contains("matched as Debian:13 expat 2.6.2-1"));
    assert!(text.contains("does not tell testing from unstable"), "{text}");

    // A series without a number: not checked, and the run says why.
    let sid = tmp.path().join("sid");
    dpkg_root(
        &sid,
        "PRETTY_NAME=\"Debian GNU/Linux sid\"\nNAME=\"Debian GNU/Linux\"\nVERSION_CODENAME=sid\nID=debian\n",
        &[("libexpat1", "expat", "2.6.2-1")],
    );
    let (messages, _, text) = vulns(&db, &sid);
    assert!(messages.is_empty());
    assert!(
        text.contains("1 OS packages were not checked: Debian GNU/Linux sid: a Debian series without a release number"),
        "{text}"
    );
}
