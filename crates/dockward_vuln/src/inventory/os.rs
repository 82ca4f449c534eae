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
    /// The OSV ecosystem string of this OS's packages (`Debian:12`, `Ubuntu:22.04:LTS`,
    /// `Alpine:v3.20`), when dockward knows it.
    pub fn ecosystem(&self) -> Option<String> {
        let major_minor = |v: &str| -> Option<String> {
            let mut parts = v.split('.');
            let major = parts
                .next()
                .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))?;
            let minor: String = parts.next()?.chars().take_while(char::is_ascii_digit).collect();
            (!minor.is_empty()).then(|| format!("{major}.{minor}"))
        };
        match self.id.as_str() {
            "debian" => {
                let major = self
                    .version_id
                    .split('.')
                    .next()
                    .filter(|m| !m.is_empty() && m.bytes().all(|b| b.is_ascii_digit()))?;
                Some(format!("Debian:{major}"))
            }
            "ubuntu" => {
                let v = major_minor(&self.version_id)?;
                Some(if self.lts {
                    format!("Ubuntu:{v}:LTS")
                } else {
                    format!("Ubuntu:{v}")
                })
            }
            "alpine" => Some(format!("Alpine:v{}", major_minor(&self.version_id)?)),
            "almalinux" => Some(format!("AlmaLinux:{}", self.version_id.split('.').next()?)),
            "rocky" => Some(format!("Rocky Linux:{}", self.version_id.split('.').next()?)),
            "wolfi" => Some("Wolfi".into()),
            "chainguard" => Some("Chainguard".into()),
            _ => None,
        }
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
        if let Some(text) = read(path) {
            let fields = parse_os_release(&text);
            let get = |k: &str| {
                fields
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default()
            };
            let id = get("ID");
            if id.is_empty() {
                continue;
            }
            info = Some(OsInfo {
                id,
                version_id: get("VERSION_ID"),
                pretty_name: get("PRETTY_NAME"),
                codename: get("VERSION_CODENAME"),
                lts: get("VERSION").contains("LTS"),
                source: path.to_string(),
            });
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
            // `12.5` has a release number; `trixie/sid` does not.
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
