//! Package URLs (purl) for SBOMs: `pkg:deb/debian/openssl@3.0.11-1?arch=amd64&distro=debian-12`.

use crate::inventory::{OsInfo, Package, PackageKind};

/// Percent-encodes what purl reserves in a name, namespace segment or version.
fn enc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The name an image has as a purl of type `oci`: its repository's last part, lower-cased
/// (`registry:5000/acme/Web:1.2@sha256:…` → `web`).
pub fn oci_name(image: &str) -> String {
    let repo = image.rsplit_once('@').map_or(image, |(r, _)| r);
    let last = repo.rsplit('/').next().unwrap_or(repo);
    last.split(':').next().unwrap_or(last).to_ascii_lowercase()
}

/// `pkg:oci/web@sha256%3A…`: the purl of the image `acme/web:1.2` whose digest is `digest`.
pub fn oci_purl(image: &str, digest: &str) -> Option<String> {
    let name = oci_name(image);
    let (alg, hex) = digest.split_once(':')?;
    (!name.is_empty() && !alg.is_empty() && !hex.is_empty()).then(|| format!("pkg:oci/{}@{}", enc(&name), enc(digest)))
}

/// The purl of a package; `None` when the package has no version a purl can carry.
pub fn purl(pkg: &Package, os: Option<&OsInfo>) -> Option<String> {
    if pkg.version.is_empty() || pkg.version == "(devel)" {
        return None;
    }
    let version = enc(&pkg.version);
    let mut qualifiers: Vec<(&str, String)> = Vec::new();
    if let Some(arch) = &pkg.arch {
        qualifiers.push(("arch", enc(arch)));
    }
    let distro = os
        .filter(|o| !o.version_id.is_empty())
        .map(|o| format!("{}-{}", o.id, o.version_id));
    let base = match pkg.kind {
        PackageKind::Deb | PackageKind::Apk | PackageKind::Rpm => {
            let kind = match pkg.kind {
                PackageKind::Deb => "deb",
                PackageKind::Apk => "apk",
                _ => "rpm",
            };
            let vendor = os.map_or("unknown", |o| o.id.as_str());
            if let Some(distro) = distro {
                qualifiers.push(("distro", enc(&distro)));
            }
            if let Some(source) = pkg.source_name.as_ref().filter(|s| **s != pkg.name) {
                qualifiers.push(("upstream", enc(source)));
            }
            format!("pkg:{kind}/{}/{}@{version}", enc(vendor), enc(&pkg.name))
        }
        PackageKind::Python => format!(
            "pkg:pypi/{}@{version}",
            enc(&crate::version::pep440::normalize_name(&pkg.name))
        ),
        PackageKind::Npm => match pkg.name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, name)) => format!("pkg:npm/{}/{}@{version}", enc(&format!("@{scope}")), enc(name)),
            None => format!("pkg:npm/{}@{version}", enc(&pkg.name)),
        },
        PackageKind::Go => {
            let path: Vec<String> = pkg.name.split('/').map(enc).collect();
            format!("pkg:golang/{}@{version}", path.join("/"))
        }
        PackageKind::Cargo => format!("pkg:cargo/{}@{version}", enc(&pkg.name)),
        PackageKind::Maven => {
            let (group, artifact) = pkg.name.split_once(':')?;
            format!("pkg:maven/{}/{}@{version}", enc(group), enc(artifact))
        }
    };
    qualifiers.sort();
    if qualifiers.is_empty() {
        Some(base)
    } else {
        let q: Vec<String> = qualifiers.iter().map(|(k, v)| format!("{k}={v}")).collect();
        Some(format!("{base}?{}", q.join("&")))
    }
}
