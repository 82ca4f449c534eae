//! Which files a scan looks at.
//!
//! Walks the given paths honouring `.gitignore` (also outside a git checkout), descends into
//! hidden folders such as `.devcontainer/` and `.github/` (they hold real Dockerfiles), and
//! classifies each file by name. A file named explicitly is always scanned: its name tells
//! its kind when it can, its content otherwise (`stack.yml` with `services:` is Compose),
//! and `--type` overrides both.

use crate::kind::{InputKind, forced_kind, kind_by_content, kind_by_name};
use crate::read::{MAX_FILE_BYTES, file_type_name, read_text};
use ignore::WalkBuilder;
use std::path::{Path, PathBuf};

/// What discovery looks for beyond the defaults.
#[derive(Clone, Default)]
pub struct DiscoverOptions<'a> {
    /// Also read `docker run` lines in Markdown code blocks.
    pub markdown: bool,
    /// `--type`: the kind every explicitly named file is read as.
    pub forced: Option<&'a str>,
    /// Paths left out of folder walks (`--exclude`, `exclude` in the configuration): an
    /// excluded folder is not entered. Files named explicitly are never excluded.
    pub is_excluded: Option<ExcludeFn>,
}

/// Tells whether a path is left out of walks. The walker needs it `'static`, hence the
/// `Arc`.
pub type ExcludeFn = std::sync::Arc<dyn Fn(&Path) -> bool + Send + Sync>;

/// A file to scan and what it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    pub path: PathBuf,
    pub kind: InputKind,
}

/// A path discovery could not use, and whether that only deserves a warning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscoverError {
    pub path: PathBuf,
    pub message: String,
    pub is_warning: bool,
}

/// The kind of a file named explicitly (or given on standard input as `path`): `--type`,
/// then its name, then its content. `Err` says why it has none.
pub fn explicit_kind(path: &Path, text: Option<&str>, forced: Option<&str>) -> Result<InputKind, String> {
    if let Some(forced) = forced {
        return forced_kind(forced, path).ok_or_else(|| format!("unknown --type `{forced}`"));
    }
    if let Some(kind) = kind_by_name(path, text.and_then(|t| t.lines().next()), true) {
        return Ok(kind);
    }
    let read;
    let text = match text {
        Some(text) => text,
        None => {
            read = read_text(path, MAX_FILE_BYTES).map_err(|e| e.to_string())?;
            &read
        }
    };
    kind_by_content(path, text).ok_or_else(|| {
        "not a Dockerfile, Compose file, script or daemon.json that dockward can tell; \
         name its kind with --type dockerfile|compose|script|daemon"
            .to_string()
    })
}

/// Every file to scan under `roots`, sorted and deduplicated, plus the paths that could not
/// be used.
pub fn discover(roots: &[PathBuf], options: &DiscoverOptions<'_>) -> (Vec<Target>, Vec<DiscoverError>) {
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    let error = |path: &Path, message: String, is_warning: bool| DiscoverError {
        path: path.to_path_buf(),
        message,
        is_warning,
    };
    for root in roots {
        let meta = match std::fs::metadata(root) {
            Ok(meta) => meta,
            Err(e) => {
                let dangling = std::fs::symlink_metadata(root).is_ok_and(|m| m.file_type().is_symlink());
                let message = if dangling {
                    "cannot read: dangling symbolic link (its target does not exist)".to_string()
                } else {
                    format!("cannot read: {e}")
                };
                errors.push(error(root, message, false));
                continue;
            }
        };
        if !meta.is_dir() {
            if !meta.is_file() {
                let message = format!(
                    "cannot read: not a regular file ({})",
                    file_type_name(&meta.file_type())
                );
                errors.push(error(root, message, false));
                continue;
            }
            match explicit_kind(root, None, options.forced) {
                Ok(kind) => targets.push(Target {
                    path: clean(root),
                    kind,
                }),
                Err(message) => errors.push(error(root, message, false)),
            }
            continue;
        }
        // The walker reads `.gitignore`, `.ignore` and `.git/info/exclude` itself, in the
        // scanned folders and in the parents of the root: a FIFO or device there would block
        // it, a sparse huge one be read whole. Those files are checked first: a folder whose
        // ignore file is unsafe is not entered, and an unsafe one above the root turns
        // ignore files off for this root; either is said.
        let unsafe_parent = root
            .canonicalize()
            .ok()
            .and_then(|r| r.ancestors().skip(1).find_map(unsafe_ignore_file));
        if let Some((path, why)) = &unsafe_parent {
            // The walker reads parents' ignore files whenever any ignore file kind is on
            // (it looks for the repository's root there): all of them are turned off.
            let message = format!("not read: {why}; no ignore files are used for {}", root.display());
            errors.push(error(path, message, true));
        }
        if let Some((path, why)) = unsafe_ignore_file(root) {
            errors.push(error(
                &path,
                format!("skipped {}: its ignore file is {why}", root.display()),
                true,
            ));
            continue;
        }
        let mut builder = WalkBuilder::new(root);
        let use_ignore_files = unsafe_parent.is_none();
        builder
            .hidden(false)
            .ignore(use_ignore_files)
            .git_ignore(use_ignore_files)
            .git_exclude(use_ignore_files)
            .parents(use_ignore_files)
            .git_global(false)
            .require_git(false);
        let excluded = options.is_excluded.clone();
        let skipped = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let skipped_in_walk = std::sync::Arc::clone(&skipped);
        builder.filter_entry(move |entry| {
            if entry.file_name() == ".git" || excluded.as_ref().is_some_and(|f| entry.depth() > 0 && f(entry.path())) {
                return false;
            }
            if entry.file_type().is_some_and(|t| t.is_dir())
                && let Some(unsafe_file) = unsafe_ignore_file(entry.path())
            {
                let (path, why) = unsafe_file;
                let folder = entry.path().to_path_buf();
                skipped_in_walk
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((folder, path, why));
                return false;
            }
            true
        });
        for entry in builder.build() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    errors.push(error(root, err.to_string(), false));
                    continue;
                }
            };
            let Some(file_type) = entry.file_type() else { continue };
            if file_type.is_dir() {
                continue;
            }
            let Some(kind) = kind_by_name(entry.path(), None, options.markdown)
                .or_else(|| shebang_kind(entry.path(), file_type, options.markdown))
            else {
                continue;
            };
            if !file_type.is_file() {
                // A FIFO, device or link with a name dockward reads is worth a word: it is
                // not silently counted as clean. Links are not followed in folder walks
                // (their target may lie outside the tree).
                let what = if file_type.is_symlink() {
                    "a symbolic link; name it explicitly to scan its target"
                } else {
                    file_type_name(&file_type)
                };
                errors.push(error(
                    entry.path(),
                    format!("skipped: not a regular file ({what})"),
                    true,
                ));
                continue;
            }
            targets.push(Target {
                path: clean(entry.path()),
                kind,
            });
        }
        for (folder, path, why) in std::mem::take(&mut *skipped.lock().unwrap_or_else(|e| e.into_inner())) {
            errors.push(error(
                &path,
                format!("skipped {}: its ignore file is {why}", folder.display()),
                true,
            ));
        }
    }
    targets.sort();
    targets.dedup();
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    drop_overrides_loaded_with_their_base(&mut targets);
    (targets, errors)
}

/// Ignore files above this size are not read (a real one is a few kilobytes).
const MAX_IGNORE_FILE_BYTES: u64 = 1024 * 1024;

/// The first ignore file of `dir` the walker would read that is not a small regular file
/// (a FIFO, a device, a link to one, or huge), and what it is.
fn unsafe_ignore_file(dir: &Path) -> Option<(PathBuf, String)> {
    [".gitignore", ".ignore", ".git/info/exclude"].iter().find_map(|name| {
        let path = dir.join(name);
        // Followed like the walker follows it: a link to a device is a device.
        let meta = std::fs::metadata(&path).ok()?;
        if !meta.is_file() {
            return Some((path, file_type_name(&meta.file_type()).to_string()));
        }
        (meta.len() > MAX_IGNORE_FILE_BYTES).then(|| (path, format!("over the {MAX_IGNORE_FILE_BYTES}-byte limit")))
    })
}

/// Only regular files without an extension can be scripts by shebang alone; reading the
/// first bytes of every file in a repository would cost more than the scan.
fn shebang_kind(path: &Path, file_type: std::fs::FileType, markdown: bool) -> Option<InputKind> {
    let name = path.file_name()?.to_str()?;
    if name.contains('.') || !file_type.is_file() {
        return None;
    }
    kind_by_name(path, Some(&first_line(path)), markdown)
}

fn first_line(path: &Path) -> String {
    // Opened the way every scanned file is: a file swapped for a FIFO meanwhile must not
    // block the walk.
    let head = crate::read::read_head(path, 128).unwrap_or_default();
    String::from_utf8_lossy(&head).lines().next().unwrap_or("").to_string()
}

/// `compose.override.yaml` is loaded together with `compose.yaml` in the same folder (as
/// `docker compose` does), so it is not a project of its own there.
fn drop_overrides_loaded_with_their_base(targets: &mut Vec<Target>) {
    let bases: std::collections::HashSet<PathBuf> = targets
        .iter()
        .filter(|t| t.kind == InputKind::Compose)
        .filter(|t| {
            t.path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(dockward_yaml::is_default_file_name)
        })
        .filter_map(|t| t.path.parent().map(Path::to_path_buf))
        .collect();
    targets.retain(|t| {
        let is_override = t.kind == InputKind::Compose
            && t.path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(dockward_yaml::is_override_file_name);
        !(is_override && t.path.parent().is_some_and(|dir| bases.contains(dir)))
    });
}

/// `./x/Dockerfile` → `x/Dockerfile`, as users write paths.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}
