//! One layer, streamed once: decompressed (gzip, zstd or plain, told by its first bytes),
//! its tar entries applied to the merged index as an overlay filesystem would — whiteouts
//! delete, opaque markers empty a folder of what lower layers put there — without writing
//! anything to disk.

use crate::digest::{Hashing, sha256_hex};
use crate::store::{Capped, decoder};
use crate::{Budgets, ImageError};
use dockward_model::image::{
    BUILD_INFO_MAX_FILE, BuildInfo, ContentProbe, FileKind, ImageFile, ImageFiles, PROBE_CAP, is_java_archive,
    is_package_db, keeps_inventory_content, wants_content,
};
use std::io::{self, BufReader, Read};
use std::sync::Arc;

/// Counters shared by the layers of one image.
#[derive(Clone, Default)]
pub(crate) struct Spent {
    pub entries: u64,
    pub bytes: u64,
}

/// Where the layer is, for messages (`image web:1 layer sha256:ab…`), and what its bytes
/// must hash to.
pub(crate) struct LayerPlace<'a> {
    pub label: &'a str,
    pub index: u32,
    /// The blob's digest as the manifest or the member's name gives it (`sha256:…`).
    pub blob_digest: Option<&'a str>,
    /// The uncompressed layer's digest as the configuration's `rootfs.diff_ids` gives it.
    pub diff_id: Option<&'a str>,
}

/// What else happens while the layer streams: the content probe, the progress display,
/// what the package inventory wants kept.
pub(crate) struct Watchers<'a> {
    pub probe: Option<&'a dyn ContentProbe>,
    /// Called with the blob bytes read so far.
    pub tick: Option<&'a dyn Fn(u64)>,
    /// `ReadOptions::inventory`.
    pub inventory: bool,
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
/// climbs out of the root) go to `warnings`; budgets, broken streams and digests that do
/// not match end the layer with an error.
pub(crate) fn read_layer(
    blob: impl Read,
    place: &LayerPlace<'_>,
    budgets: &Budgets,
    spent: &mut Spent,
    files: &mut ImageFiles,
    warnings: &mut Vec<ImageError>,
    watchers: &Watchers<'_>,
) -> LayerResult {
    let at = |path: &str| {
        if path.is_empty() {
            place.label.to_string()
        } else {
            format!("{} {path}", place.label)
        }
    };
    let diff_id = place.diff_id.filter(|d| sha256_hex(d).is_some());
    // An uncompressed blob (Docker ≥ 25 saves) is named by its diff id: one hash proves
    // both.
    let blob_digest = place
        .blob_digest
        .filter(|d| sha256_hex(d).is_some() && Some(*d) != diff_id);
    let mut raw = Hashing::new(blob, blob_digest.is_some(), watchers.tick);
    let layer_limit = budgets
        .max_layer_bytes
        .min(budgets.max_image_bytes.saturating_sub(spent.bytes));
    let (result, exceeded, used, diff_digest) = {
        let buffered = BufReader::with_capacity(256 * 1024, &mut raw);
        let decoded = decoder(buffered).map_err(|e| ImageError::new(at(""), format!("cannot read the layer: {e}")))?;
        let capped = Capped {
            inner: decoded,
            remaining: layer_limit,
            exceeded: false,
        };
        let mut stream = Hashing::new(capped, diff_id.is_some(), None);
        let mut result = read_entries(&mut stream, place, budgets, spent, files, warnings, watchers, &at);
        if result.is_ok() && (diff_id.is_some() || blob_digest.is_some()) {
            // The tar ends before its stream does (end-of-archive blocks, padding): the
            // digest covers every byte.
            if let Err(e) = io::copy(&mut stream, &mut io::sink()) {
                result = Err(ImageError::new(at(""), format!("broken layer: {e}")));
            }
        }
        let exceeded = stream.inner.exceeded;
        let used = layer_limit - stream.inner.remaining;
        (result, exceeded, used, stream.digest())
    };
    spent.bytes += used;
    if exceeded {
        return Err(ImageError::new(
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
        ));
    }
    result?;
    let mismatch = |what: &str, got: &str| {
        ImageError::new(
            at(""),
            format!(
                "the layer does not match its digest: the archive was altered or truncated ({what} hashes to {got})"
            ),
        )
    };
    if let (Some(want), Some(got)) = (diff_id, diff_digest.as_deref())
        && want != got
    {
        return Err(mismatch("its uncompressed content", got));
    }
    if let Some(want) = blob_digest {
        if let Err(e) = io::copy(&mut raw, &mut io::sink()) {
            return Err(ImageError::new(at(""), format!("reading the layer's blob: {e}")));
        }
        if let Some(got) = raw.digest()
            && want != got
        {
            return Err(mismatch(&format!("its blob, named {want},"), &got));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn read_entries<R: Read>(
    stream: &mut R,
    place: &LayerPlace<'_>,
    budgets: &Budgets,
    spent: &mut Spent,
    files: &mut ImageFiles,
    warnings: &mut Vec<ImageError>,
    watchers: &Watchers<'_>,
    at: &dyn Fn(&str) -> String,
) -> LayerResult {
    let probe = watchers.probe;
    // One buffer for every probed file of the layer: content is lent to the probe, not kept.
    let mut scratch: Vec<u8> = Vec::new();
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
                if watchers.inventory {
                    record_db_deletions(files, dir, place.index, true);
                }
                files.make_opaque(dir, place.index);
            } else if !hidden.starts_with(".wh.") {
                // `.wh..wh.*` are AUFS bookkeeping, not whiteouts.
                let target = if dir == "/" {
                    format!("/{hidden}")
                } else {
                    format!("{dir}/{hidden}")
                };
                if watchers.inventory {
                    record_db_deletions(files, &target, place.index, false);
                }
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
        let regular = file_kind == FileKind::Regular;
        // A Java archive is kept whole while the image's budget for them lasts.
        let jar = regular && watchers.inventory && is_java_archive(&path);
        let jar = jar && {
            let fits = files.java_archive_bytes.saturating_add(size) <= budgets.max_java_archive_bytes;
            if fits {
                files.java_archive_bytes += size;
            } else {
                files.java_archives_over_budget += 1;
            }
            fits
        };
        let keep = jar || (regular && (wants_content(&path, size) || keeps_inventory_content(&path, size)));
        let probe = probe.filter(|p| regular && size > 0 && size <= PROBE_CAP && p.wants(&path, size));
        let reading = |e: io::Error| ImageError::new(at(&path), format!("reading the file: {e}"));
        let content = if keep {
            let mut body = Vec::with_capacity(size as usize);
            (&mut entry).take(size).read_to_end(&mut body).map_err(reading)?;
            if let Some(probe) = probe
                && is_text(&body)
            {
                files.add_hits(&path, place.index, probe.probe(&path, &body));
            }
            Some(Arc::<[u8]>::from(body))
        } else {
            // The bytes of this file already read into `scratch`.
            let mut sniffed = 0;
            if let Some(probe) = probe {
                // The first block decides: a binary is not read further.
                scratch.clear();
                (&mut entry)
                    .take(TEXT_SNIFF)
                    .read_to_end(&mut scratch)
                    .map_err(reading)?;
                sniffed = scratch.len();
                if is_text(&scratch) {
                    (&mut entry).take(size).read_to_end(&mut scratch).map_err(reading)?;
                    sniffed = scratch.len();
                    files.add_hits(&path, place.index, probe.probe(&path, &scratch));
                }
            }
            // An executable may be a Go program, or a Rust one built with cargo-auditable:
            // the modules or crates linked in are listed in it, for the package inventory.
            if watchers.inventory && regular && mode & 0o111 != 0 && (1024..=BUILD_INFO_MAX_FILE).contains(&size) {
                let rest = (&scratch[..sniffed]).chain(&mut entry).take(size);
                let mut audit = crate::cargo_auditable::AuditSearch::new();
                let go = crate::go_build_info::find(rest, Some(&mut audit)).map_err(reading)?;
                let kept = |bytes: Vec<u8>| BuildInfo {
                    layer: place.index,
                    size,
                    bytes: bytes.into(),
                };
                match go {
                    Some(bytes) => files.go_build_info.insert(path.clone(), kept(bytes)),
                    None => files.go_build_info.remove(&path),
                };
                match audit.finish() {
                    Some(bytes) => files.cargo_auditable.insert(path.clone(), kept(bytes)),
                    None => files.cargo_auditable.remove(&path),
                };
            }
            None
        };
        if watchers.inventory && regular && is_package_db(&path) {
            // Every layer's version, not only the last: which layer added a package. Only
            // the package inventory attributes packages to layers; a plain audit keeps
            // just the merged file.
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

/// Bytes looked at to tell a text file from a binary one (git looks at as many).
const TEXT_SNIFF: u64 = 8000;

/// No NUL byte in the first [`TEXT_SNIFF`] bytes.
fn is_text(content: &[u8]) -> bool {
    !content[..content.len().min(TEXT_SNIFF as usize)].contains(&0)
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
