//! Which OS a tree holds, and the OSV ecosystem its packages are matched in.

use crate::tree::FileTree;

/// The OS of a tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OsInfo {
    /// `ID` of os-release (`debian`, `ubuntu`, `alpine`, …).
    pub id: String,
    /// `VERSION_ID` (`12`, `22.04`, `3.20.3`), or the release file's version.
    pub version_id: String,
    pub pretty_name: String,
    pub codename: String,
    /// Whether os-release says this is a long-term-support release (Ubuntu `LTS`).
    pub lts: bool,
    /// Where the facts came from.
    pub source: String,
}

impl OsInfo {
    /// The OSV ecosystem this OS's packages are matched in (`Debian:12`,
    /// `Ubuntu:22.04:LTS`, `Alpine:v3.20`), when dockward knows it. For distributions that
    /// file packages under several product streams it names the set
    /// (`Red Hat:enterprise_linux:9`, `SUSE:Linux Enterprise … 15 SP5`); the streams
    /// themselves, and why an OS is not matched, are in [`crate::distro::matching`].
    pub fn ecosystem(&self) -> Option<String> {
        crate::distro::matching(self).ok().map(|m| m.display)
    }
}

impl OsInfo {
    /// The OS that os-release text (read from `source`) names; `None` without an `ID`.
    pub fn from_os_release(text: &str, source: &str) -> Option<OsInfo> {
        let fields = parse_os_release(text);
        let get = |k: &str| {
            fields
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let id = get("ID");
        (!id.is_empty()).then(|| OsInfo {
            id,
            version_id: get("VERSION_ID"),
            pretty_name: get("PRETTY_NAME"),
            codename: get("VERSION_CODENAME"),
            lts: get("VERSION").contains("LTS"),
            source: source.to_string(),
        })
    }
}

/// Parses os-release text (`KEY=value`, values optionally quoted).
pub fn parse_os_release(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        out.push((key.trim().to_string(), value.replace("\\\"", "\"")));
    }
    out
}

/// Reads the OS facts of `tree`: `/etc/os-release`, else `/usr/lib/os-release`; the
/// Alpine and Debian release files refine or stand in for it.
pub fn detect(tree: &dyn FileTree) -> Option<OsInfo> {
    let read = |path: &str| {
        tree.read(path, 64 * 1024)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let mut info = None;
    for path in ["/etc/os-release", "/usr/lib/os-release"] {
        if let Some(found) = read(path).and_then(|text| OsInfo::from_os_release(&text, path)) {
            info = Some(found);
            break;
        }
    }
    if let Some(release) = read("/etc/alpine-release") {
        let release = release.trim().to_string();
        let info = info.get_or_insert_with(|| OsInfo {
            id: "alpine".into(),
            pretty_name: format!("Alpine Linux v{release}"),
            source: "/etc/alpine-release".into(),
            ..OsInfo::default()
        });
        if info.id == "alpine" && !release.is_empty() {
            info.version_id = release;
        }
    }
    if info.is_none()
        && let Some(version) = read("/etc/debian_version")
    {
        let version = version.trim().to_string();
        info = Some(OsInfo {
            id: "debian".into(),
            pretty_name: format!("Debian {version}"),
            // `12.5` has a release number; `trixie/sid` does not, and names the testing
            // series instead.
            codename: if version.starts_with(|c: char| c.is_ascii_digit()) {
                String::new()
            } else {
                version.split('/').next().unwrap_or("").to_string()
            },
            version_id: if version.starts_with(|c: char| c.is_ascii_digit()) {
                version
            } else {
                String::new()
            },
            source: "/etc/debian_version".into(),
            ..OsInfo::default()
        });
    }
    info
}
