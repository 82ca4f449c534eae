//! A read-only file tree: what the inventory reads packages from.
//!
//! Two methods, so that any file system can be one: a folder on disk ([`DirTree`], for
//! `dockward sbom DIR`), or an image's merged layers (implemented by the image reader).
//! Paths are absolute and `/`-separated, as inside a container (`/var/lib/dpkg/status`).

use std::path::{Path, PathBuf};

/// A regular file of the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileMeta {
    /// Absolute, `/`-separated path inside the tree.
    pub path: String,
    pub size: u64,
    /// Unix permission bits (`0o755`); 0 when unknown.
    pub mode: u32,
}

/// Why a file of the tree could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TreeError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for TreeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// A read-only file tree.
pub trait FileTree {
    /// Every regular file at or under `prefix` (recursively), in any order. Symbolic
    /// links are not listed and not followed while listing (a link to `/` must not make
    /// the listing endless). An implementation bounds the listing and says so in
    /// `truncated` rather than growing without bound.
    fn list(&self, prefix: &str) -> Listing;

    /// The content of the regular file at `path`, at most `max_bytes` long (a larger
    /// file is an error, not a truncation). Symbolic links along the path are resolved
    /// inside the tree, never outside it.
    fn read(&self, path: &str, max_bytes: u64) -> Result<Vec<u8>, TreeError>;

    /// For a tree made of image layers: every version of the package database at `path`
    /// that a layer wrote, oldest first — `(layer, Some(content))`, or `(layer, None)`
    /// where a layer deleted it. `None` when the tree has no layers, or when a version
    /// could not be kept (then no package of that database is attributed to a layer).
    fn db_versions(&self, _path: &str) -> Option<Vec<(u32, Option<Vec<u8>>)>> {
        None
    }

    /// For a tree made of image layers: the layer that last wrote the file at `path`.
    fn layer_of(&self, _path: &str) -> Option<u32> {
        None
    }

    /// For a tree whose executables are not kept whole (an image): the Go build
    /// information the reader found in the executable at `path` (from its magic on).
    /// `None` means "read the file", not "no build information".
    fn go_build_info(&self, _path: &str) -> Option<Vec<u8>> {
        None
    }

    /// For a tree whose executables are not kept whole (an image): the cargo-auditable
    /// data (the `.dep-v0` section's zlib stream) the reader found in the ELF executable at
    /// `path`. `None` means "read the file", as for [`FileTree::go_build_info`].
    fn cargo_auditable(&self, _path: &str) -> Option<Vec<u8>> {
        None
    }
}

/// What [`FileTree::list`] found.
#[derive(Clone, Debug, Default)]
pub struct Listing {
    pub files: Vec<FileMeta>,
    /// Set when the listing stopped at the implementation's budget.
    pub truncated: bool,
    /// Folders that could not be read.
    pub errors: Vec<TreeError>,
}

/// A folder on disk seen as a file tree (a container's root file system copied out, an
/// unpacked image, a project folder). Listing the whole tree skips its `/proc` and `/sys`.
pub struct DirTree {
    root: PathBuf,
    /// At most this many files are listed.
    pub max_files: usize,
}

/// Default budget of [`DirTree`]: a large distribution image has ~100,000 files.
const MAX_FILES: usize = 2_000_000;
const MAX_DEPTH: usize = 64;

impl DirTree {
    pub fn new(root: impl Into<PathBuf>) -> DirTree {
        DirTree {
            root: root.into(),
            max_files: MAX_FILES,
        }
    }

    fn host_path(&self, path: &str) -> PathBuf {
        let mut out = self.root.clone();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    // Clamped at the tree's root.
                    if out != self.root {
                        out.pop();
                    }
                }
                part => out.push(part),
            }
        }
        out
    }

    /// Resolves `path` with symbolic links followed inside the tree: an absolute link
    /// target is taken relative to the tree's root, `..` stops at the root, at most 40
    /// links are followed.
    fn resolve(&self, path: &str) -> Result<PathBuf, String> {
        let mut pending: Vec<String> = path
            .split('/')
            .filter(|p| !p.is_empty())
            .rev()
            .map(String::from)
            .collect();
        let mut resolved: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            match part.as_str() {
                "." => continue,
                ".." => {
                    resolved.pop();
                    continue;
                }
                _ => {}
            }
            let mut candidate = self.root.clone();
            candidate.extend(&resolved);
            candidate.push(&part);
            match std::fs::symlink_metadata(&candidate) {
                Ok(meta) if meta.file_type().is_symlink() => {
                    hops += 1;
                    if hops > 40 {
                        return Err("too many levels of symbolic links".into());
                    }
                    let target = std::fs::read_link(&candidate).map_err(|e| e.to_string())?;
                    let target = target.to_string_lossy().into_owned();
                    if target.starts_with('/') {
                        resolved.clear();
                    }
                    pending.extend(target.split('/').filter(|p| !p.is_empty()).rev().map(String::from));
                }
                _ => resolved.push(part),
            }
        }
        let mut out = self.root.clone();
        out.extend(&resolved);
        Ok(out)
    }
}

impl FileTree for DirTree {
    fn list(&self, prefix: &str) -> Listing {
        use std::os::unix::fs::PermissionsExt;
        let mut listing = Listing::default();
        let start = self.host_path(prefix);
        let mut stack: Vec<(PathBuf, usize)> = vec![(start, 0)];
        while let Some((dir, depth)) = stack.pop() {
            let entries = match std::fs::read_dir(&dir) {
                Ok(entries) => entries,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) if e.raw_os_error() == Some(20) => continue, // ENOTDIR
                Err(e) => {
                    listing.errors.push(TreeError {
                        path: tree_path(&self.root, &dir),
                        message: e.to_string(),
                    });
                    continue;
                }
            };
            for entry in entries.flatten() {
                let Ok(meta) = entry.metadata() else { continue };
                let path = entry.path();
                // A live root's kernel file systems hold no packages (and millions of
                // entries): `/proc` and `/sys` of the tree are not walked.
                if depth == 0
                    && prefix.trim_matches('/').is_empty()
                    && (entry.file_name() == "proc" || entry.file_name() == "sys")
                {
                    continue;
                }
                if meta.is_dir() {
                    if depth < MAX_DEPTH {
                        stack.push((path, depth + 1));
                    }
                } else if meta.is_file() {
                    if listing.files.len() >= self.max_files {
                        listing.truncated = true;
                        return listing;
                    }
                    listing.files.push(FileMeta {
                        path: tree_path(&self.root, &path),
                        size: meta.len(),
                        mode: meta.permissions().mode() & 0o7777,
                    });
                }
            }
        }
        listing
    }

    fn read(&self, path: &str, max_bytes: u64) -> Result<Vec<u8>, TreeError> {
        let error = |message: String| TreeError {
            path: path.to_string(),
            message,
        };
        let host = self.resolve(path).map_err(error)?;
        dockward_core::fs::read_regular_file(&host, max_bytes).map_err(|e| error(e.to_string()))
    }
}

fn tree_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::from("/");
    out.push_str(&rel.to_string_lossy());
    out
}
