//! One layer, streamed once: decompressed (gzip, zstd or plain, told by its first bytes),
//! its tar entries applied to the merged index as an overlay filesystem would — whiteouts
//! delete, opaque markers empty a folder of what lower layers put there — without writing
//! anything to disk.

use crate::store::{Capped, decoder};
use crate::{Budgets, ImageError};
use dockward_model::image::{FileKind, ImageFile, ImageFiles, is_package_db, keeps_inventory_content, wants_content};
use std::io::{BufReader, Read};
use std::sync::Arc;

/// Counters shared by the layers of one image.
#[derive(Default)]
pub(crate) struct Spent {
    pub entries: u64,
    pub bytes: u64,
}

/// Where the layer is, for messages: `image web:1 layer sha256:ab…`.
pub(crate) struct LayerPlace<'a> {
    pub label: &'a str,
    pub index: u32,
}

/// Why a layer stopped early. The entries read before the error stay in the index.
pub(crate) type LayerResult = Result<(), ImageError>;

/// Splits a normalised entry path into (folder, name).
fn split(path: &str) -> (&str, &str) {
    match path.rsplit_once('/') {
        Some((dir, name)) => (if dir.is_empty() { "/" } else { dir }, name),
        None => ("/", path),
    }
}

/// An entry path made absolute (`./etc/x` → `/etc/x`); `None` when a `..` climbs out of
/// the root.
fn entry_path(raw: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut out = String::with_capacity(raw.len() + 1);
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// Reads one layer into `files`. Non-fatal problems with single entries (a path that
/// climbs out of the root) go to `warnings`; budgets and broken streams end the layer with
/// an error.
pub(crate) fn read_layer(
    blob: impl Read,
    place: &LayerPlace<'_>,
    budgets: &Budgets,
    spent: &mut Spent,
    files: &mut ImageFiles,
    warnings: &mut Vec<ImageError>,
) -> LayerResult {
    let at = |path: &str| {
        if path.is_empty() {
            place.label.to_string()
        } else {
            format!("{} {path}", place.label)
        }
    };
    let buffered = BufReader::with_capacity(256 * 1024, blob);
    let decoded = decoder(buffered).map_err(|e| ImageError::new(at(""), format!("cannot read the layer: {e}")))?;
    let layer_limit = budgets
        .max_layer_bytes
        .min(budgets.max_image_bytes.saturating_sub(spent.bytes));
    let mut capped = Capped {
        inner: decoded,
        remaining: layer_limit,
        exceeded: false,
    };
    let result = read_entries(&mut capped, place, budgets, spent, files, warnings, &at);
    spent.bytes += layer_limit - capped.remaining;
    match result {
        Err(_) if capped.exceeded => Err(ImageError::new(
            at(""),
            if layer_limit == budgets.max_layer_bytes {
                format!(
                    "the layer decompresses to more than {} bytes (budget): a decompression bomb, or raise --max-layer-bytes",
                    budgets.max_layer_bytes
                )
            } else {
                format!(
                    "the image's layers decompress to more than {} bytes together (budget)",
                    budgets.max_image_bytes
                )
            },
        )),
        other => other,
    }
}

#[allow(clippy::too_many_arguments)]
fn read_entries<R: Read>(
    stream: &mut Capped<R>,
    place: &LayerPlace<'_>,
    budgets: &Budgets,
    spent: &mut Spent,
    files: &mut ImageFiles,
    warnings: &mut Vec<ImageError>,
    at: &dyn Fn(&str) -> String,
) -> LayerResult {
    let mut archive = tar::Archive::new(stream);
    let entries = archive
        .entries()
        .map_err(|e| ImageError::new(at(""), format!("not a tar layer: {e}")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| ImageError::new(at(""), format!("broken layer: {e}")))?;
        spent.entries += 1;
        if spent.entries > budgets.max_entries {
            return Err(ImageError::new(
                at(""),
                format!(
                    "more than {} files in the image's layers (budget): raise --max-entries to read it",
                    budgets.max_entries
                ),
            ));
        }
        let raw_bytes = entry.path_bytes();
        if raw_bytes.len() > budgets.max_path_len {
            warnings.push(ImageError::new(
                at(""),
                format!(
                    "an entry's path is {} bytes long, more than {} (budget); skipped",
                    raw_bytes.len(),
                    budgets.max_path_len
                ),
            ));
            continue;
        }
        let raw = String::from_utf8_lossy(&raw_bytes).into_owned();
        let Some(path) = entry_path(&raw) else {
            warnings.push(ImageError::new(
                at(&crate::safe_name(&raw)),
                "the entry's path climbs out of the image's root with `..`; skipped",
            ));
            continue;
        };
        if path == "/" {
            continue;
        }
        let (dir, name) = split(&path);
        if let Some(hidden) = name.strip_prefix(".wh.") {
            if hidden == ".wh..opq" {
                record_db_deletions(files, dir, place.index, true);
                files.make_opaque(dir, place.index);
            } else if !hidden.starts_with(".wh.") {
                // `.wh..wh.*` are AUFS bookkeeping, not whiteouts.
                let target = if dir == "/" {
                    format!("/{hidden}")
                } else {
                    format!("{dir}/{hidden}")
                };
                record_db_deletions(files, &target, place.index, false);
                files.remove(&target, place.index);
            }
            continue;
        }
        let header = entry.header();
        let kind = header.entry_type();
        let mode = header.mode().unwrap_or(0) & 0o7777;
        let uid = header.uid().unwrap_or(0);
        let gid = header.gid().unwrap_or(0);
        let size = entry.size();
        let link = || -> Result<String, ImageError> {
            let target = entry
                .link_name_bytes()
                .map(|t| String::from_utf8_lossy(&t).into_owned())
                .unwrap_or_default();
            if target.len() > budgets.max_path_len {
                return Err(ImageError::new(
                    at(&path),
                    "the link target is longer than the path budget",
                ));
            }
            Ok(target)
        };
        let file_kind = match kind {
            tar::EntryType::Directory => FileKind::Directory,
            tar::EntryType::Symlink => match link() {
                Ok(t) => FileKind::Symlink(t),
                Err(e) => {
                    warnings.push(e);
                    continue;
                }
            },
            tar::EntryType::Link => {
                let target = match link() {
                    Ok(t) => t,
                    Err(e) => {
                        warnings.push(e);
                        continue;
                    }
                };
                let Some(target) = entry_path(&target) else {
                    warnings.push(ImageError::new(
                        at(&path),
                        "a hard link whose target climbs out of the image's root with `..`; skipped",
                    ));
                    continue;
                };
                // The same inode: it has the target's mode and content.
                let mut file = files.get(&target).cloned().unwrap_or(ImageFile {
                    kind: FileKind::Regular,
                    mode,
                    uid,
                    gid,
                    size,
                    layer: place.index,
                    content: None,
                });
                file.kind = FileKind::Hardlink(target);
                file.layer = place.index;
                files.insert(path, file);
                continue;
            }
            tar::EntryType::Char => FileKind::CharDevice,
            tar::EntryType::Block => FileKind::BlockDevice,
            tar::EntryType::Fifo => FileKind::Fifo,
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => FileKind::Regular,
            _ => continue,
        };
        let content =
            if file_kind == FileKind::Regular && (wants_content(&path, size) || keeps_inventory_content(&path, size)) {
                let mut body = Vec::with_capacity(size as usize);
                (&mut entry)
                    .take(size)
                    .read_to_end(&mut body)
                    .map_err(|e| ImageError::new(at(&path), format!("reading the file: {e}")))?;
                Some(Arc::<[u8]>::from(body))
            } else {
                None
            };
        if file_kind == FileKind::Regular && is_package_db(&path) {
            // Every layer's version, not only the last: which layer added a package.
            files.db_versions.record(&path, place.index, content.clone(), false);
        }
        files.insert(
            path,
            ImageFile {
                kind: file_kind,
                mode,
                uid,
                gid,
                size,
                layer: place.index,
                content,
            },
        );
    }
    Ok(())
}

/// Records the package databases a whiteout deletes (at or under `target`; for an opaque
/// folder, what lower layers put there) as deleted versions, for layer attribution.
fn record_db_deletions(files: &mut ImageFiles, target: &str, layer: u32, opaque: bool) {
    let mut doomed: Vec<String> = files
        .under(target)
        .filter(|(p, f)| is_package_db(p) && f.kind == FileKind::Regular && (!opaque || f.layer < layer))
        .map(|(p, _)| p.to_string())
        .collect();
    if !opaque && is_package_db(target) && files.get(target).is_some() {
        doomed.push(target.to_string());
    }
    for path in doomed {
        files.db_versions.record(&path, layer, None, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_paths_stay_inside_the_root() {
        assert_eq!(entry_path("./etc/x").as_deref(), Some("/etc/x"));
        assert_eq!(entry_path("a/../b").as_deref(), Some("/b"));
        assert_eq!(entry_path("../etc/x"), None);
        assert_eq!(split("/etc/.wh.x"), ("/etc", ".wh.x"));
        assert_eq!(split("/.wh.x"), ("/", ".wh.x"));
    }
}
