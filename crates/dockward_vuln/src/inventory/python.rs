//! Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` (or an
//! `*.egg-info` file), `EGG-INFO/PKG-INFO`.

use super::{Inventory, Location, MAX_SMALL_BYTES, Package, PackageKind, field, read_text, stanzas};
use crate::tree::{FileMeta, FileTree};

fn is_metadata(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let (Some(file), Some(dir)) = (parts.next(), parts.next()) else {
        return false;
    };
    (file == "METADATA" && dir.ends_with(".dist-info"))
        || (file == "PKG-INFO" && (dir.ends_with(".egg-info") || dir == "EGG-INFO"))
        || file.ends_with(".egg-info")
}

pub fn collect(tree: &dyn FileTree, files: &[FileMeta], inv: &mut Inventory) {
    for file in files.iter().filter(|f| is_metadata(&f.path)) {
        let Some(text) = read_text(tree, file, MAX_SMALL_BYTES, inv) else {
            continue;
        };
        // The headers end at the first blank line; the description follows.
        let Some((fields, range)) = stanzas(&text).into_iter().next() else {
            continue;
        };
        let (Some(name), Some(version)) = (field(&fields, "Name"), field(&fields, "Version")) else {
            inv.warnings.push(format!("{}: no Name or Version header", file.path));
            continue;
        };
        let license = field(&fields, "License-Expression")
            .or_else(|| field(&fields, "License").filter(|l| !l.contains('\n') && l.len() < 100 && *l != "UNKNOWN"))
            .map(str::to_string);
        inv.packages.push(Package {
            layer: None,
            kind: PackageKind::Python,
            name: name.to_string(),
            version: version.to_string(),
            source_name: None,
            source_version: None,
            arch: None,
            license,
            location: Location {
                path: file.path.clone(),
                range: Some(range),
            },
        });
    }
}
