//! dpkg: `/var/lib/dpkg/status` and distroless `/var/lib/dpkg/status.d/*`.

use super::{Inventory, Location, MAX_DB_BYTES, MAX_SMALL_BYTES, Package, PackageKind, field, read_text, stanzas};
use crate::tree::{FileMeta, FileTree};

pub fn collect(tree: &dyn FileTree, files: &[FileMeta], inv: &mut Inventory) {
    for file in files {
        let status = file.path == "/var/lib/dpkg/status";
        let status_d = file
            .path
            .strip_prefix("/var/lib/dpkg/status.d/")
            .is_some_and(|name| !name.contains('/') && !name.ends_with(".md5sums"));
        if !status && !status_d {
            continue;
        }
        let max = if status { MAX_DB_BYTES } else { MAX_SMALL_BYTES };
        if let Some(text) = read_text(tree, file, max, inv) {
            inv.packages.extend(parse_status(&text, &file.path, status_d));
        }
    }
}

/// The installed packages of a status file. In `status.d` files a missing `Status` means
/// installed (distroless writes none).
pub fn parse_status(text: &str, path: &str, status_optional: bool) -> Vec<Package> {
    let mut out = Vec::new();
    for (fields, range) in stanzas(text) {
        let (Some(name), Some(version)) = (field(&fields, "Package"), field(&fields, "Version")) else {
            continue;
        };
        match field(&fields, "Status") {
            // `want flag status`: only `installed` counts (not config-files, half-*).
            Some(status) if status.split_whitespace().nth(2) != Some("installed") => continue,
            None if !status_optional => continue,
            _ => {}
        }
        // `Source: name` or `Source: name (version)`.
        let (source_name, source_version) = match field(&fields, "Source") {
            Some(source) => match source.split_once('(') {
                Some((n, v)) => (
                    Some(n.trim().to_string()),
                    Some(v.trim_end_matches(')').trim().to_string()),
                ),
                None => (Some(source.trim().to_string()), None),
            },
            None => (None, None),
        };
        out.push(Package {
            layer: None,
            kind: PackageKind::Deb,
            name: name.to_string(),
            version: version.to_string(),
            source_name,
            source_version,
            arch: field(&fields, "Architecture").map(str::to_string),
            license: None,
            location: Location {
                path: path.to_string(),
                range: Some(range),
            },
        });
    }
    out
}
