//! Where an OS's packages are looked up in OSV: which ecosystem strings, in which order,
//! and how the installed version is written.
//!
//! Most distributions publish one release-qualified ecosystem (`Debian:12`, `Alpine:v3.20`).
//! Three publish several for one installed system, and the package database does not say
//! which one a package came from:
//!
//! - **Red Hat** files each RPM under the product stream (repository) that ships it:
//!   `Red Hat:enterprise_linux:9::baseos`, `…:9::appstream`, `…:9::crb`, and for RHEL 10
//!   the minor release, `Red Hat:enterprise_linux:10.0`. os-release's `CPE_NAME` names only
//!   `baseos`, so keying on it (as osv-scalibr does) misses every AppStream package. dockward
//!   matches every `enterprise_linux` stream of the installed major release (and of the
//!   exact `VERSION_ID`, for RHEL 10's minor-release streams). The extended-support
//!   products (`rhel_eus`, `rhel_aus`, `rhel_e4s`…) are other subscriptions with their own
//!   builds and are not matched. Records name binary RPMs (`thunderbird`,
//!   `thunderbird-debuginfo`) and carry the epoch (`0:115.6.0-1.el9_3`).
//! - **SUSE** files SUSE Linux Enterprise packages under each product and module that ships
//!   them (`SUSE:Linux Enterprise Server 15 SP5`, `SUSE:Linux Enterprise Module for
//!   Basesystem 15 SP5`, `SUSE:Linux Enterprise Server LTSS 15 SP5`…); nothing on disk says
//!   which module a package came from, and all products of one service pack share their
//!   builds, so every `SUSE:Linux Enterprise … <major> SP<n>` ecosystem is matched. A
//!   record found only in an LTSS stream is a fix shipped to LTSS subscribers: the package
//!   is vulnerable either way. openSUSE: `openSUSE:Leap 15.5`, `openSUSE:Tumbleweed`.
//! - **Ubuntu** publishes, beside `Ubuntu:22.04:LTS`, the fixes of Ubuntu Pro (ESM) as
//!   `Ubuntu:Pro:22.04:LTS` and of the FIPS streams as `Ubuntu:Pro:FIPS:…`,
//!   `Ubuntu:Pro:FIPS-updates:…`, `Ubuntu:Pro:FIPS-preview:…`. osv.dev's own query API
//!   answers a query for `Ubuntu:22.04` with the Pro records too; so does dockward: a
//!   package only Pro fixes is vulnerable without Pro (the finding names the Pro
//!   ecosystem and its `+esm` fix). When a record has entries in both, the Pro entry
//!   decides (it is the later build of the same release). FIPS builds (`…fips…` or `+Fips`
//!   in the version) are matched against the FIPS streams first: their versions are not
//!   ordered against the ordinary builds' in any useful way.
//!
//! Debian: OSV's Debian converter writes `Debian:<N>` for every series that has a number
//! in distro-info-data, the testing series included, and nothing for `sid` (osv.dev
//! `vulnfeeds/cmd/converters/debian/main.go`, `getDebianReleaseMap`). A testing or unstable
//! system has no `VERSION_ID`; its os-release names the testing codename (`trixie`,
//! `forky`) and cannot tell testing from unstable (both ship the same `base-files`). Such a
//! system is matched against its codename's number, and the run says so; an unknown
//! codename is not checked, with that reason.
//!
//! Sources: osv-schema `ecosystems.json` (the ecosystem list and naming rules);
//! osv.dev `osv/ecosystems/_ecosystems.py` (`remove_variants`: the API matches Pro records
//! for a plain release); osv-scalibr `extractor/filesystem/os/ecosystem/ecosystem.go`
//! (os-release `ID` → ecosystem: `opensuse-leap` → `openSUSE:Leap <VERSION_ID>`, `mageia`,
//! `azurelinux`/`mariner`, openEuler's `PRETTY_NAME` → `openEuler:24.03-LTS`) and
//! `enricher/vulnmatch/internal/osvutil/osvutil.go` (only Red Hat, AlmaLinux and Rocky
//! Linux records carry epochs); osv.dev `go/osv/ecosystem/wrapper_test.go` (real ecosystem
//! strings: `openSUSE:Tumbleweed`, `Azure Linux:2`, `Mageia:9`, `openEuler:24.03-LTS`,
//! `SUSE:Linux Enterprise Server LTSS Extended Security 12 SP5`); the corpus record
//! `UBUNTU-CVE-2023-5678` (the Ubuntu Pro and FIPS ecosystem strings and versions).

use crate::inventory::{OsInfo, Package};

/// One way of naming ecosystems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// This exact ecosystem string.
    Exact(String),
    /// Every Red Hat Enterprise Linux stream of these releases (`9` selects
    /// `Red Hat:enterprise_linux:9::appstream`, `…:9::baseos`, `…:9`).
    RedHat { releases: Vec<String> },
    /// Every SUSE Linux Enterprise product or module of one service pack: ecosystems
    /// `SUSE:Linux Enterprise <…> <suffix>` (`suffix` = `15 SP5`, or `15` for the GA).
    Suse { suffix: String },
}

impl Selector {
    /// Whether the ecosystem string `ecosystem` is one this selector names.
    pub fn selects(&self, ecosystem: &str) -> bool {
        match self {
            Selector::Exact(e) => e == ecosystem,
            Selector::RedHat { releases } => {
                let mut parts = ecosystem.split(':');
                parts.next() == Some("Red Hat")
                    && parts.next() == Some("enterprise_linux")
                    && parts.next().is_some_and(|r| releases.iter().any(|want| want == r))
            }
            Selector::Suse { suffix } => ecosystem
                .strip_prefix("SUSE:Linux Enterprise ")
                .and_then(|rest| rest.strip_suffix(suffix.as_str()))
                .is_some_and(|product| product.ends_with(' ') && product.len() > 1),
        }
    }

    /// Whether the selector is one exact string (no need to list the index's ecosystems).
    pub fn exact(&self) -> Option<&str> {
        match self {
            Selector::Exact(e) => Some(e),
            _ => None,
        }
    }
}

/// How one OS's packages are matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsMatching {
    /// The ecosystem family (the index file): `Debian`, `Red Hat`, `SUSE`.
    pub family: String,
    /// What the run shows as "matched as" when it names the OS's ecosystem.
    pub display: String,
    /// Selectors in precedence order: for one vulnerability, the first selector with an
    /// entry for the package decides (several ecosystems of one selector: any affected).
    pub selectors: Vec<Selector>,
    /// Selectors tried first for FIPS builds (Ubuntu).
    pub fips_selectors: Vec<Selector>,
    /// The installed version is compared as it is: the distribution's records carry the
    /// epoch (dpkg and apk versions, Red Hat's `1:5.1-7`). When false (SUSE, openSUSE,
    /// Mageia, Azure Linux, openEuler: rpm families whose records osv-scalibr matches
    /// without the epoch), an epoch is dropped from the installed version for records whose
    /// versions have none.
    pub epoch_in_records: bool,
    /// Said once per run when set (a caveat of the choice above).
    pub note: Option<String>,
}

impl OsMatching {
    fn simple(family: &str, ecosystem: String, epoch_in_records: bool) -> OsMatching {
        OsMatching {
            family: family.into(),
            display: ecosystem.clone(),
            selectors: vec![Selector::Exact(ecosystem)],
            fips_selectors: Vec::new(),
            epoch_in_records,
            note: None,
        }
    }

    /// The selectors for one package, in precedence order.
    pub fn selectors_for(&self, pkg: &Package) -> Vec<&Selector> {
        let fips = |s: &str| s.to_ascii_lowercase().contains("fips");
        let is_fips = fips(&pkg.version) || pkg.source_version.as_deref().is_some_and(fips);
        if is_fips {
            self.fips_selectors.iter().chain(&self.selectors).collect()
        } else {
            self.selectors.iter().collect()
        }
    }
}

/// Debian series names and their numbers (distro-info-data `debian.csv`, the `version`
/// and `series` columns); the ones without a number (`sid`, `experimental`) are absent.
const DEBIAN_SERIES: &[(&str, &str)] = &[
    ("jessie", "8"),
    ("stretch", "9"),
    ("buster", "10"),
    ("bullseye", "11"),
    ("bookworm", "12"),
    ("trixie", "13"),
    ("forky", "14"),
    ("duke", "15"),
];

fn numeric_major(v: &str) -> Option<&str> {
    v.split('.')
        .next()
        .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))
}

fn major_minor(v: &str) -> Option<(String, String)> {
    let mut parts = v.split('.');
    let major = parts
        .next()
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))?;
    let minor: String = parts.next()?.chars().take_while(char::is_ascii_digit).collect();
    (!minor.is_empty()).then(|| (major.to_string(), minor))
}

/// How `os`'s packages are matched, or why they are not.
pub fn matching(os: &OsInfo) -> Result<OsMatching, String> {
    let name = if os.pretty_name.is_empty() {
        &os.id
    } else {
        &os.pretty_name
    };
    let unknown_release = || format!("{name}: os-release gives no release number to name its OSV ecosystem");
    let v = os.version_id.as_str();
    match os.id.as_str() {
        "debian" => debian(os, name),
        "ubuntu" => {
            let (major, minor) = major_minor(v).ok_or_else(unknown_release)?;
            let release = format!("{major}.{minor}");
            if !os.lts {
                return Ok(OsMatching::simple("Ubuntu", format!("Ubuntu:{release}"), true));
            }
            let stream = |prefix: &str| Selector::Exact(format!("Ubuntu:{prefix}{release}:LTS"));
            Ok(OsMatching {
                family: "Ubuntu".into(),
                display: format!("Ubuntu:{release}:LTS"),
                selectors: vec![stream("Pro:"), stream("")],
                fips_selectors: vec![
                    stream("Pro:FIPS-updates:"),
                    stream("Pro:FIPS:"),
                    stream("Pro:FIPS-preview:"),
                ],
                epoch_in_records: true,
                note: None,
            })
        }
        "alpine" => {
            let (major, minor) = major_minor(v).ok_or_else(unknown_release)?;
            Ok(OsMatching::simple("Alpine", format!("Alpine:v{major}.{minor}"), true))
        }
        "wolfi" => Ok(OsMatching::simple("Wolfi", "Wolfi".into(), true)),
        "chainguard" => Ok(OsMatching::simple("Chainguard", "Chainguard".into(), true)),
        "almalinux" => {
            let major = numeric_major(v).ok_or_else(unknown_release)?;
            Ok(OsMatching::simple("AlmaLinux", format!("AlmaLinux:{major}"), true))
        }
        "rocky" => {
            let major = numeric_major(v).ok_or_else(unknown_release)?;
            Ok(OsMatching::simple("Rocky Linux", format!("Rocky Linux:{major}"), true))
        }
        "rhel" => {
            let major = numeric_major(v).ok_or_else(unknown_release)?;
            let mut releases = vec![major.to_string()];
            if v != major {
                releases.push(v.to_string());
            }
            Ok(OsMatching {
                family: "Red Hat".into(),
                display: format!("Red Hat:enterprise_linux:{major}"),
                selectors: vec![Selector::RedHat { releases }],
                fips_selectors: Vec::new(),
                epoch_in_records: true,
                note: None,
            })
        }
        "sles" | "sled" | "sles_sap" => {
            let major = numeric_major(v).ok_or_else(unknown_release)?;
            let suffix = match major_minor(v) {
                Some((_, minor)) if minor != "0" => format!("{major} SP{minor}"),
                _ => major.to_string(),
            };
            Ok(OsMatching {
                family: "SUSE".into(),
                display: format!("SUSE:Linux Enterprise … {suffix}"),
                selectors: vec![Selector::Suse { suffix: suffix.clone() }],
                fips_selectors: Vec::new(),
                epoch_in_records: false,
                note: None,
            })
        }
        "opensuse-leap" => {
            let (major, minor) = major_minor(v).ok_or_else(unknown_release)?;
            Ok(OsMatching::simple(
                "openSUSE",
                format!("openSUSE:Leap {major}.{minor}"),
                false,
            ))
        }
        "opensuse-tumbleweed" => Ok(OsMatching::simple("openSUSE", "openSUSE:Tumbleweed".into(), false)),
        "mageia" => {
            let major = numeric_major(v).ok_or_else(unknown_release)?;
            Ok(OsMatching::simple("Mageia", format!("Mageia:{major}"), false))
        }
        "azurelinux" | "mariner" => {
            let major = numeric_major(v).ok_or_else(unknown_release)?;
            Ok(OsMatching::simple("Azure Linux", format!("Azure Linux:{major}"), false))
        }
        "openEuler" | "openeuler" => {
            let release = openeuler_release(&os.pretty_name).ok_or_else(|| {
                format!("{name}: only openEuler LTS releases have OSV data (PRETTY_NAME `openEuler 24.03 (LTS)`)")
            })?;
            Ok(OsMatching::simple("openEuler", format!("openEuler:{release}"), false))
        }
        "centos" | "fedora" | "ol" | "amzn" | "arch" | "opensuse" => {
            Err(format!("{name}: OSV publishes no package data for this distribution"))
        }
        _ => Err(format!("{name}: dockward does not know the OSV ecosystem of this OS")),
    }
}

fn debian(os: &OsInfo, name: &str) -> Result<OsMatching, String> {
    if let Some(major) = numeric_major(&os.version_id) {
        return Ok(OsMatching::simple("Debian", format!("Debian:{major}"), true));
    }
    // Testing or unstable: os-release names the testing series (`VERSION_CODENAME=forky`,
    // `PRETTY_NAME="Debian GNU/Linux forky/sid"`), `/etc/debian_version` says `forky/sid`.
    let codename = os.codename.split('/').next().unwrap_or("").trim();
    let Some((_, number)) = DEBIAN_SERIES.iter().find(|(series, _)| *series == codename) else {
        return Err(format!(
            "{name}: a Debian series without a release number (unstable, or a codename dockward does not know); OSV publishes Debian data only for numbered releases"
        ));
    };
    let ecosystem = format!("Debian:{number}");
    Ok(OsMatching {
        note: Some(format!(
            "{name} has no release number: matched as {ecosystem}, the data of the `{codename}` testing series (os-release does not tell testing from unstable; OSV has no data for unstable, whose newer builds may fix or add vulnerabilities the testing data does not describe)"
        )),
        ..OsMatching::simple("Debian", ecosystem, true)
    })
}

/// `openEuler 24.03 (LTS)` → `24.03-LTS`; `openEuler 22.03 (LTS-SP3)` or `(LTS SP3)` →
/// `22.03-LTS-SP3`. Releases without `LTS` (innovation releases) have no OSV data.
fn openeuler_release(pretty_name: &str) -> Option<String> {
    let rest = pretty_name.trim().strip_prefix("openEuler")?.trim_start();
    let (version, qualifier) = rest.split_once('(')?;
    let version = version.trim();
    let ok = version.len() == 5
        && version.as_bytes()[2] == b'.'
        && version.bytes().enumerate().all(|(i, b)| i == 2 || b.is_ascii_digit());
    let qualifier = qualifier.strip_suffix(')')?.trim().replace(' ', "-");
    let lts = qualifier == "LTS"
        || qualifier
            .strip_prefix("LTS-SP")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    (ok && lts).then(|| format!("{version}-{qualifier}"))
}

/// `version` without its epoch (`1:5.1-6` → `5.1-6`).
pub fn strip_epoch(version: &str) -> &str {
    match version.split_once(':') {
        Some((e, rest)) if !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()) => rest,
        _ => version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An `OsInfo` read from os-release text, as `os::detect` reads it.
    fn os(text: &str) -> OsInfo {
        OsInfo::from_os_release(text, "/etc/os-release").unwrap()
    }

    const RHEL9: &str = "NAME=\"Red Hat Enterprise Linux\"\nVERSION=\"9.4 (Plow)\"\nID=\"rhel\"\nID_LIKE=\"fedora\"\nVERSION_ID=\"9.4\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"Red Hat Enterprise Linux 9.4 (Plow)\"\nCPE_NAME=\"cpe:/o:redhat:enterprise_linux:9::baseos\"\n";
    const SLES: &str = "NAME=\"SLES\"\nVERSION=\"15-SP5\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"SUSE Linux Enterprise Server 15 SP5\"\nID=\"sles\"\nID_LIKE=\"suse\"\nCPE_NAME=\"cpe:/o:suse:sles:15:sp5\"\n";

    #[test]
    fn red_hat_streams_of_the_major_release() {
        let m = matching(&os(RHEL9)).unwrap();
        assert_eq!(m.family, "Red Hat");
        assert!(m.epoch_in_records);
        let s = &m.selectors[0];
        assert!(s.selects("Red Hat:enterprise_linux:9::appstream"));
        assert!(s.selects("Red Hat:enterprise_linux:9::baseos"));
        assert!(s.selects("Red Hat:enterprise_linux:9::crb"));
        assert!(!s.selects("Red Hat:enterprise_linux:8::appstream"));
        assert!(!s.selects("Red Hat:rhel_eus:9.4::baseos"), "EUS is another product");
        assert!(!s.selects("Red Hat:enterprise_linux:90::baseos"));
        let rhel10 = matching(&os("ID=\"rhel\"\nVERSION_ID=\"10.0\"\n")).unwrap();
        assert!(rhel10.selectors[0].selects("Red Hat:enterprise_linux:10.0"));
        assert!(!rhel10.selectors[0].selects("Red Hat:enterprise_linux:10.1"));
    }

    #[test]
    fn suse_products_of_the_service_pack() {
        let m = matching(&os(SLES)).unwrap();
        assert_eq!(m.family, "SUSE");
        let s = &m.selectors[0];
        assert!(s.selects("SUSE:Linux Enterprise Server 15 SP5"));
        assert!(s.selects("SUSE:Linux Enterprise Module for Basesystem 15 SP5"));
        assert!(s.selects("SUSE:Linux Enterprise Server LTSS 15 SP5"));
        assert!(!s.selects("SUSE:Linux Enterprise Server 15 SP4"));
        assert!(!s.selects("SUSE:Linux Enterprise Server 15"));
        assert!(!s.selects("SUSE:Linux Enterprise Server 15 SP55"));
        assert!(!s.selects("openSUSE:Leap 15.5"));
        let ga = matching(&os("ID=\"sles\"\nVERSION_ID=\"15\"\n")).unwrap();
        assert!(ga.selectors[0].selects("SUSE:Linux Enterprise Server 15"));
        assert!(!ga.selectors[0].selects("SUSE:Linux Enterprise Server 15 SP1"));
        let twelve = matching(&os("ID=\"sles\"\nVERSION_ID=\"12.5\"\n")).unwrap();
        assert!(twelve.selectors[0].selects("SUSE:Linux Enterprise Server LTSS Extended Security 12 SP5"));
    }

    #[test]
    fn opensuse_and_others() {
        let leap = "NAME=\"openSUSE Leap\"\nVERSION=\"15.5\"\nID=\"opensuse-leap\"\nID_LIKE=\"suse opensuse\"\nVERSION_ID=\"15.5\"\nPRETTY_NAME=\"openSUSE Leap 15.5\"\nCPE_NAME=\"cpe:/o:opensuse:leap:15.5\"\n";
        assert_eq!(
            matching(&os(leap)).unwrap().selectors,
            [Selector::Exact("openSUSE:Leap 15.5".into())]
        );
        let tw = "NAME=\"openSUSE Tumbleweed\"\nID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\nVERSION_ID=\"20240328\"\nPRETTY_NAME=\"openSUSE Tumbleweed\"\n";
        assert_eq!(matching(&os(tw)).unwrap().display, "openSUSE:Tumbleweed");
        let cases = [
            ("ID=mageia\nVERSION_ID=9\n", "Mageia:9"),
            ("ID=azurelinux\nVERSION_ID=\"3.0\"\n", "Azure Linux:3"),
            ("ID=mariner\nVERSION_ID=\"2.0\"\n", "Azure Linux:2"),
            (
                "ID=\"openEuler\"\nVERSION_ID=\"24.03\"\nPRETTY_NAME=\"openEuler 24.03 (LTS)\"\n",
                "openEuler:24.03-LTS",
            ),
            (
                "ID=\"openEuler\"\nVERSION_ID=\"22.03\"\nPRETTY_NAME=\"openEuler 22.03 (LTS-SP3)\"\n",
                "openEuler:22.03-LTS-SP3",
            ),
            ("ID=\"almalinux\"\nVERSION_ID=\"9.4\"\n", "AlmaLinux:9"),
            ("ID=\"rocky\"\nVERSION_ID=\"8.10\"\n", "Rocky Linux:8"),
        ];
        for (text, want) in cases {
            assert_eq!(matching(&os(text)).unwrap().display, want, "{text}");
        }
        // An openEuler innovation release has no OSV data.
        assert!(
            matching(&os(
                "ID=\"openEuler\"\nVERSION_ID=\"24.09\"\nPRETTY_NAME=\"openEuler 24.09\"\n"
            ))
            .is_err()
        );
        let fedora = matching(&os(
            "ID=fedora\nVERSION_ID=40\nPRETTY_NAME=\"Fedora Linux 40 (Container Image)\"\n",
        ));
        assert!(fedora.unwrap_err().contains("OSV publishes no package data"));
    }

    #[test]
    fn ubuntu_pro_and_fips_streams() {
        let jammy = "PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nVERSION=\"22.04.4 LTS (Jammy Jellyfish)\"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n";
        let m = matching(&os(jammy)).unwrap();
        let pkg = |version: &str| Package {
            kind: crate::inventory::PackageKind::Deb,
            name: "libssl3".into(),
            version: version.into(),
            source_name: Some("openssl".into()),
            source_version: None,
            arch: None,
            license: None,
            location: crate::inventory::Location {
                path: "/var/lib/dpkg/status".into(),
                range: None,
            },
            layer: None,
        };
        let names = |p: &Package| -> Vec<String> {
            m.selectors_for(p)
                .iter()
                .map(|s| s.exact().unwrap().to_string())
                .collect()
        };
        assert_eq!(
            names(&pkg("3.0.2-0ubuntu1.15")),
            ["Ubuntu:Pro:22.04:LTS", "Ubuntu:22.04:LTS"]
        );
        assert_eq!(
            names(&pkg("3.0.2-0ubuntu1.12+Fips1")),
            [
                "Ubuntu:Pro:FIPS-updates:22.04:LTS",
                "Ubuntu:Pro:FIPS:22.04:LTS",
                "Ubuntu:Pro:FIPS-preview:22.04:LTS",
                "Ubuntu:Pro:22.04:LTS",
                "Ubuntu:22.04:LTS"
            ]
        );
        let mantic = "ID=ubuntu\nVERSION_ID=\"23.10\"\nVERSION=\"23.10 (Mantic Minotaur)\"\n";
        assert_eq!(
            matching(&os(mantic)).unwrap().selectors,
            [Selector::Exact("Ubuntu:23.10".into())]
        );
    }

    #[test]
    fn debian_without_a_number() {
        let trixie = "PRETTY_NAME=\"Debian GNU/Linux trixie/sid\"\nNAME=\"Debian GNU/Linux\"\nVERSION_CODENAME=trixie\nID=debian\n";
        let m = matching(&os(trixie)).unwrap();
        assert_eq!(m.display, "Debian:13");
        assert!(
            m.note
                .as_deref()
                .unwrap()
                .contains("does not tell testing from unstable")
        );
        let bookworm =
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n";
        let m = matching(&os(bookworm)).unwrap();
        assert_eq!((m.display.as_str(), m.note.is_none()), ("Debian:12", true));
        let sid = "PRETTY_NAME=\"Debian GNU/Linux sid\"\nVERSION_CODENAME=sid\nID=debian\n";
        assert!(matching(&os(sid)).unwrap_err().contains("without a release number"));
    }

    #[test]
    fn debian_version_file_names_the_testing_series() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("etc")).unwrap();
        std::fs::write(tmp.path().join("etc/debian_version"), "forky/sid\n").unwrap();
        let os = crate::inventory::os::detect(&crate::tree::DirTree::new(tmp.path())).unwrap();
        assert_eq!((os.version_id.as_str(), os.codename.as_str()), ("", "forky"));
        assert_eq!(matching(&os).unwrap().display, "Debian:14");
        std::fs::write(tmp.path().join("etc/debian_version"), "12.7\n").unwrap();
        let os = crate::inventory::os::detect(&crate::tree::DirTree::new(tmp.path())).unwrap();
        assert_eq!(matching(&os).unwrap().display, "Debian:12");
    }

    /// The index lists each ecosystem once, in byte order, whatever its package count,
    /// including ecosystems that are prefixes of others; streams are chosen among them.
    #[test]
    fn streams_are_chosen_among_the_index_ecosystems() {
        use crate::index::{Entry, Index, IndexBuilder, VulnData};
        let mut builder = IndexBuilder::default();
        let vuln = builder.vuln(VulnData {
            id: "RHSA-2024:0001".into(),
            ..VulnData::default()
        });
        let keys = [
            ("Red Hat:enterprise_linux:9", "a"),
            ("Red Hat:enterprise_linux:9::appstream", "nodejs"),
            ("Red Hat:enterprise_linux:9::appstream", "python3"),
            ("Red Hat:enterprise_linux:9::baseos", "openssl-libs"),
            ("Red Hat:enterprise_linux:8::baseos", "openssl-libs"),
            ("Red Hat:rhel_eus:9.2::baseos", "openssl-libs"),
        ];
        for (ecosystem, name) in keys {
            builder.entry(
                ecosystem,
                name,
                Entry {
                    vuln,
                    ..Entry::default()
                },
            );
        }
        let index = Index::from_bytes(builder.finish()).unwrap();
        let listed = index.ecosystems().unwrap();
        assert_eq!(
            listed,
            [
                "Red Hat:enterprise_linux:8::baseos",
                "Red Hat:enterprise_linux:9",
                "Red Hat:enterprise_linux:9::appstream",
                "Red Hat:enterprise_linux:9::baseos",
                "Red Hat:rhel_eus:9.2::baseos",
            ]
        );
        let rhel9 = matching(&os(RHEL9)).unwrap();
        let chosen: Vec<&String> = listed.iter().filter(|e| rhel9.selectors[0].selects(e)).collect();
        assert_eq!(chosen.len(), 3, "{chosen:?}");
    }

    #[test]
    fn epochs() {
        // dpkg and apk versions, and Red Hat's, are compared with their epoch.
        let keep = |text: &str| matching(&os(text)).unwrap().epoch_in_records;
        assert!(keep("ID=debian\nVERSION_ID=12\n"));
        assert!(keep("ID=debian\nVERSION_CODENAME=trixie\n"));
        assert!(keep("ID=ubuntu\nVERSION_ID=22.04\nVERSION=\"22.04 LTS\"\n"));
        assert!(keep("ID=ubuntu\nVERSION_ID=23.10\n"));
        assert!(keep("ID=alpine\nVERSION_ID=3.20.1\n"));
        assert!(keep("ID=wolfi\n"));
        assert!(keep(RHEL9));
        assert!(!keep(SLES));
        assert_eq!(strip_epoch("1:5.1-6"), "5.1-6");
        assert_eq!(strip_epoch("5.1-6"), "5.1-6");
        assert_eq!(strip_epoch("a:5"), "a:5");
    }
}
