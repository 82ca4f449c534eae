//! apk: `/lib/apk/db/installed` (and `/usr/lib/apk/db/installed` in newer layouts).

use super::{Inventory, Location, MAX_DB_BYTES, Package, PackageKind, read_text};
use crate::tree::{FileMeta, FileTree};

pub fn collect(tree: &dyn FileTree, files: &[FileMeta], inv: &mut Inventory) {
    for file in files {
        if (file.path == "/lib/apk/db/installed" || file.path == "/usr/lib/apk/db/installed")
            && let Some(text) = read_text(tree, file, MAX_DB_BYTES, inv)
        {
            inv.packages.extend(parse_installed(&text, &file.path));
        }
    }
}

/// Records of `X:value` lines separated by blank lines: `P` name, `V` version, `A`
/// architecture, `o` origin (the source package advisories name), `L` licence.
pub fn parse_installed(text: &str, path: &str) -> Vec<Package> {
    let mut out = Vec::new();
    let mut current: Option<(Package, u32)> = None;
    let mut offset = 0usize;
    let mut last_end = 0u32;
    let finish = |current: Option<(Package, u32)>, end: u32, out: &mut Vec<Package>| {
        if let Some((mut pkg, start)) = current
            && !pkg.name.is_empty()
            && !pkg.version.is_empty()
        {
            pkg.location.range = Some((start, end));
            out.push(pkg);
        }
    };
    for line in text.split_inclusive('\n') {
        let at = offset as u32;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if content.is_empty() {
            finish(current.take(), last_end, &mut out);
            continue;
        }
        last_end = at + content.len() as u32;
        let Some((key, value)) = content.split_once(':') else {
            continue;
        };
        let (pkg, _) = current.get_or_insert_with(|| {
            (
                Package {
                    layer: None,
                    kind: PackageKind::Apk,
                    name: String::new(),
                    version: String::new(),
                    source_name: None,
                    source_version: None,
                    arch: None,
                    license: None,
                    location: Location {
                        path: path.to_string(),
                        range: None,
                    },
                },
                at,
            )
        });
        let value = value.to_string();
        match key {
            "P" => pkg.name = value,
            "V" => pkg.version = value,
            "A" => pkg.arch = Some(value),
            "o" => pkg.source_name = Some(value),
            "L" => pkg.license = Some(value),
            _ => {}
        }
    }
    finish(current, last_end, &mut out);
    out
}
