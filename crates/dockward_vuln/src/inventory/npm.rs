//! npm: `package.json` of each package folder under `node_modules` (also pnpm's
//! `.pnpm/<name>@<version>/node_modules/<name>/`).

use super::{Inventory, Location, MAX_SMALL_BYTES, Package, PackageKind, read_text};
use crate::tree::{FileMeta, FileTree};

/// Whether `path` is `…/node_modules/<name>/package.json` or
/// `…/node_modules/@scope/<name>/package.json`.
fn is_package_manifest(path: &str) -> bool {
    let Some(dir) = path.strip_suffix("/package.json") else {
        return false;
    };
    let Some((parent, name)) = dir.rsplit_once('/') else {
        return false;
    };
    if name.is_empty() || name.starts_with('.') {
        return false;
    }
    parent.ends_with("/node_modules")
        || parent
            .rsplit_once('/')
            .is_some_and(|(grand, scope)| scope.starts_with('@') && grand.ends_with("/node_modules"))
}

pub fn collect(tree: &dyn FileTree, files: &[FileMeta], inv: &mut Inventory) {
    for file in files.iter().filter(|f| is_package_manifest(&f.path)) {
        let Some(text) = read_text(tree, file, MAX_SMALL_BYTES, inv) else {
            continue;
        };
        let json: serde_json::Value = match serde_json::from_str(&text) {
            Ok(json) => json,
            Err(e) => {
                inv.warnings.push(format!("{}: not JSON: {e}", file.path));
                continue;
            }
        };
        let get = |k: &str| json.get(k).and_then(|v| v.as_str()).filter(|v| !v.is_empty());
        let (Some(name), Some(version)) = (get("name"), get("version")) else {
            continue;
        };
        let license = get("license").map(str::to_string).or_else(|| {
            json.get("license")
                .and_then(|l| l.get("type"))
                .and_then(|t| t.as_str())
                .map(str::to_string)
        });
        inv.packages.push(Package {
            layer: None,
            kind: PackageKind::Npm,
            name: name.to_string(),
            version: version.to_string(),
            source_name: None,
            source_version: None,
            arch: None,
            license,
            location: Location {
                path: file.path.clone(),
                range: None,
            },
        });
    }
}
