//! Java archives (`.jar`, `.war`, `.ear`): `META-INF/maven/<group>/<artifact>/pom.properties`
//! of the archive and of the archives nested one level inside it (`BOOT-INF/lib/`,
//! `WEB-INF/lib/`). Archives without Maven metadata are not identified (no manifest or
//! file-name guessing yet).

use super::{Inventory, Location, Package, PackageKind};
use crate::tree::{FileMeta, FileTree};
use std::io::{Cursor, Read};

const MAX_ARCHIVE: u64 = 256 * 1024 * 1024;
const MAX_NESTED: u64 = 64 * 1024 * 1024;
const MAX_PROPERTIES: u64 = 64 * 1024;
const MAX_ENTRIES: usize = 100_000;

fn is_archive(path: &str) -> bool {
    [".jar", ".war", ".ear"].iter().any(|ext| path.ends_with(ext))
}

pub fn collect(tree: &dyn FileTree, files: &[FileMeta], inv: &mut Inventory) {
    for file in files.iter().filter(|f| is_archive(&f.path)) {
        let bytes = match tree.read(&file.path, MAX_ARCHIVE) {
            Ok(bytes) => bytes,
            Err(e) => {
                inv.warnings.push(format!("cannot read {e}"));
                continue;
            }
        };
        if let Err(e) = read_archive(&bytes, &file.path, 0, inv) {
            inv.warnings.push(format!("{}: {e}", file.path));
        }
    }
}

fn read_archive(bytes: &[u8], path: &str, depth: u8, inv: &mut Inventory) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| format!("not a readable zip: {e}"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!("{} entries is over the limit", zip.len()));
    }
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else { continue };
        let Ok(name) = entry.name().map(|n| n.into_owned()) else {
            continue;
        };
        if name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties") {
            let mut text = String::new();
            if (&mut entry).take(MAX_PROPERTIES).read_to_string(&mut text).is_err() {
                continue;
            }
            let prop = |key: &str| {
                text.lines()
                    .filter_map(|l| l.split_once('='))
                    .find(|(k, _)| k.trim() == key)
                    .map(|(_, v)| v.trim().to_string())
                    .filter(|v| !v.is_empty())
            };
            if let (Some(group), Some(artifact), Some(version)) = (prop("groupId"), prop("artifactId"), prop("version"))
            {
                inv.packages.push(Package {
                    layer: None,
                    kind: PackageKind::Maven,
                    name: format!("{group}:{artifact}"),
                    version,
                    source_name: None,
                    source_version: None,
                    arch: None,
                    license: None,
                    location: Location {
                        path: path.to_string(),
                        range: None,
                    },
                });
            }
        } else if depth == 0 && is_archive(&name) && entry.size() <= MAX_NESTED {
            let mut nested = Vec::new();
            if (&mut entry).take(MAX_NESTED).read_to_end(&mut nested).is_ok() {
                let nested_path = format!("{path}!/{name}");
                if let Err(e) = read_archive(&nested, &nested_path, 1, inv) {
                    inv.warnings.push(format!("{nested_path}: {e}"));
                }
            }
        }
    }
    Ok(())
}
