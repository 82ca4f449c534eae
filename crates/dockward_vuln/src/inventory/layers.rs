//! Which image layer added each package, as trivy tells it: the first layer whose own
//! package database holds the package with the same name and version. One refinement: a
//! later version of the same database file without the package (removed, then installed
//! again) restarts the search, so a reinstalled package is attributed to the layer that
//! reinstalled it.
//!
//! Packages read from per-package metadata files (Python `METADATA`, npm `package.json`)
//! take the layer that wrote their file. Anything uncertain — a database version the image
//! reader could not keep, a layer that could not be read — leaves the layer unknown:
//! never a wrong layer.

use super::{Inventory, Package, PackageKind, apk, dpkg, rpm};
use crate::tree::FileTree;
use std::collections::{HashMap, HashSet};

/// The `(name, version)` pairs of one version of a database's packages.
type Keys = HashSet<(String, String)>;

/// A database's versions, oldest first: the layer, and its keys (`None`: deleted).
type History = Vec<(u32, Option<Keys>)>;

/// The `(name, version)` pairs of one version of a database.
fn keys(path: &str, content: &[u8]) -> Option<Keys> {
    let text = || String::from_utf8_lossy(content);
    let packages: Vec<Package> = if path == "/var/lib/dpkg/status" {
        dpkg::parse_status(&text(), path, false)
    } else if path.starts_with("/var/lib/dpkg/status.d/") {
        dpkg::parse_status(&text(), path, true)
    } else if path.ends_with("/apk/db/installed") {
        apk::parse_installed(&text(), path)
    } else if rpm::is_database(path) {
        rpm::parse_database(content, path).ok()?.0
    } else {
        return None;
    };
    Some(packages.into_iter().map(|p| (p.name, p.version)).collect())
}

/// Sets `layer` on every package of `inv` whose layer `tree` can tell for sure.
pub fn attribute(tree: &dyn FileTree, inv: &mut Inventory) {
    // Per database file: each version's package keys, parsed once.
    let mut histories: HashMap<String, Option<History>> = HashMap::new();
    for pkg in &mut inv.packages {
        let path = pkg.location.path.clone();
        let from_db = matches!(pkg.kind, PackageKind::Deb | PackageKind::Apk | PackageKind::Rpm);
        if !from_db {
            pkg.layer = tree.layer_of(&path);
            continue;
        }
        let history = histories.entry(path.clone()).or_insert_with(|| {
            let versions = tree.db_versions(&path)?;
            versions
                .into_iter()
                .map(|(layer, content)| match content {
                    Some(bytes) => keys(&path, &bytes).map(|k| (layer, Some(k))),
                    None => Some((layer, None)),
                })
                .collect()
        });
        pkg.layer = history
            .as_ref()
            .and_then(|versions| added_in(versions, &pkg.name, &pkg.version));
    }
}

/// The layer from which on every version of the database holds the package.
fn added_in(versions: &[(u32, Option<Keys>)], name: &str, version: &str) -> Option<u32> {
    let key = (name.to_string(), version.to_string());
    let mut since = None;
    for (layer, keys) in versions {
        match keys {
            Some(keys) if keys.contains(&key) => {
                since.get_or_insert(*layer);
            }
            _ => since = None,
        }
    }
    since
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{FileMeta, Listing, TreeError};

    /// A tree of layers: `(path, layer, content)` versions, the last of each path current.
    struct Layers(Vec<(&'static str, u32, Option<&'static str>)>, bool);

    impl FileTree for Layers {
        fn list(&self, _prefix: &str) -> Listing {
            let mut files: Vec<FileMeta> = Vec::new();
            for (path, _, content) in &self.0 {
                files.retain(|f| f.path != *path);
                if let Some(c) = content {
                    files.push(FileMeta {
                        path: path.to_string(),
                        size: c.len() as u64,
                        mode: 0o644,
                    });
                }
            }
            Listing {
                files,
                ..Listing::default()
            }
        }
        fn read(&self, path: &str, _max: u64) -> Result<Vec<u8>, TreeError> {
            self.0
                .iter()
                .rev()
                .find(|(p, _, _)| *p == path)
                .and_then(|(_, _, c)| c.map(|c| c.as_bytes().to_vec()))
                .ok_or(TreeError {
                    path: path.into(),
                    message: "missing".into(),
                })
        }
        fn db_versions(&self, path: &str) -> Option<Vec<(u32, Option<Vec<u8>>)>> {
            self.1.then(|| {
                self.0
                    .iter()
                    .filter(|(p, _, _)| *p == path)
                    .map(|(_, l, c)| (*l, c.map(|c| c.as_bytes().to_vec())))
                    .collect()
            })
        }
        fn layer_of(&self, path: &str) -> Option<u32> {
            self.0.iter().rev().find(|(p, _, _)| *p == path).map(|(_, l, _)| *l)
        }
    }

    const INSTALLED: &str = "Status: install ok installed\nVersion: ";

    fn status(packages: &[(&str, &str)]) -> &'static str {
        let text: String = packages
            .iter()
            .map(|(n, v)| format!("Package: {n}\n{INSTALLED}{v}\n\n"))
            .collect();
        Box::leak(text.into_boxed_str())
    }

    fn layers_of(inv: &Inventory) -> Vec<(String, Option<u32>)> {
        inv.packages.iter().map(|p| (p.name.clone(), p.layer)).collect()
    }

    #[test]
    fn a_package_belongs_to_the_first_layer_whose_database_holds_it() {
        let tree = Layers(
            vec![
                (
                    "/var/lib/dpkg/status",
                    0,
                    Some(status(&[("base", "1"), ("libssl", "3.0.1")])),
                ),
                (
                    "/usr/lib/python3/dist-packages/req-2.0.dist-info/METADATA",
                    1,
                    Some("Name: req\nVersion: 2.0\n"),
                ),
                // Layer 2 upgrades libssl and adds curl; base is unchanged.
                (
                    "/var/lib/dpkg/status",
                    2,
                    Some(status(&[("base", "1"), ("curl", "8"), ("libssl", "3.0.2")])),
                ),
                // Layer 3 removes curl, layer 4 installs it again.
                (
                    "/var/lib/dpkg/status",
                    3,
                    Some(status(&[("base", "1"), ("libssl", "3.0.2")])),
                ),
                (
                    "/var/lib/dpkg/status",
                    4,
                    Some(status(&[("base", "1"), ("curl", "8"), ("libssl", "3.0.2")])),
                ),
            ],
            true,
        );
        let inv = super::super::inventory(&tree);
        assert_eq!(
            layers_of(&inv),
            [
                ("base".to_string(), Some(0)),
                ("curl".to_string(), Some(4)),
                ("libssl".to_string(), Some(2)),
                ("req".to_string(), Some(1)),
            ]
        );
    }

    #[test]
    fn deleted_then_rewritten_databases_and_unknown_histories() {
        let versions = vec![
            ("/lib/apk/db/installed", 0, Some("P:musl\nV:1.2\n\nP:zlib\nV:1.3\n\n")),
            ("/lib/apk/db/installed", 1, None),
            ("/lib/apk/db/installed", 2, Some("P:musl\nV:1.2\n\n")),
        ];
        let inv = super::super::inventory(&Layers(versions.clone(), true));
        assert_eq!(layers_of(&inv), [("musl".to_string(), Some(2))]);
        // No history (a folder, or a version the reader could not keep): unknown.
        let inv = super::super::inventory(&Layers(versions, false));
        assert_eq!(layers_of(&inv), [("musl".to_string(), None)]);
    }
}
