//! The local vulnerability database: a folder with one index file per ecosystem family
//! (`Debian.dwx`, `PyPI.dwx`…) and `meta.json`, which records where each family's data came
//! from, when it was imported, and the newest `modified` time it holds.
//!
//! Default place: `$XDG_CACHE_HOME/dockward/vulndb` (else `~/.cache/dockward/vulndb`).
//! An import or update replaces the families it brings and leaves the others alone; files
//! are replaced atomically (write, then rename), so a scan never sees half an index.

mod import;
mod update;

pub use import::{ImportReport, import_paths};
pub use update::{DEFAULT_ECOSYSTEMS, DEFAULT_MIRROR, UpdateOptions, UpdateReport, update};

use crate::index::Index;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// Bumped when the index layout changes; an older database must be rebuilt.
pub const FORMAT: u32 = 1;
const META: &str = "meta.json";
/// Index files are at most this large (the largest family, Debian, is far smaller).
const MAX_INDEX_BYTES: u64 = 4 * 1024 * 1024 * 1024 - 1;

/// `meta.json`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Meta {
    pub format: u32,
    /// Per ecosystem family (`Debian`, `PyPI`).
    pub ecosystems: BTreeMap<String, EcosystemMeta>,
}

/// Where one family's data came from.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct EcosystemMeta {
    /// Files, folders or URLs imported.
    pub sources: Vec<String>,
    /// When the import ran (RFC 3339, UTC).
    pub imported_at: String,
    /// The newest `modified` time among the records: how fresh the data is.
    pub newest_modified: String,
    pub records: usize,
    pub packages: usize,
    /// SHA-256 of the downloaded or imported zip, when it was one file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// HTTP validators of the last download, for conditional updates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// The default database folder.
pub fn default_dir() -> PathBuf {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("dockward").join("vulndb")
}

/// The index file name of a family (`Red Hat` → `Red_Hat.dwx`).
fn file_name(family: &str) -> String {
    let safe: String = family
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.dwx")
}

/// The family of an ecosystem string: what comes before the first `:`.
pub fn family(ecosystem: &str) -> &str {
    ecosystem.split(':').next().unwrap_or(ecosystem)
}

pub fn read_meta(dir: &Path) -> Result<Option<Meta>, String> {
    let path = dir.join(META);
    match dockward_core::fs::read_regular_file(&path, 16 * 1024 * 1024) {
        Ok(bytes) => {
            let meta: Meta = serde_json::from_slice(&bytes)
                .map_err(|e| format!("{}: not a dockward database: {e}", path.display()))?;
            Ok(Some(meta))
        }
        Err(dockward_core::fs::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// Writes `bytes` to `path` atomically.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot replace {}: {e}", path.display())
    })
}

pub(crate) fn write_meta(dir: &Path, meta: &Meta) -> Result<(), String> {
    let json = serde_json::to_vec_pretty(meta).map_err(|e| e.to_string())?;
    write_atomic(&dir.join(META), &json)
}

/// Why a database could not be opened.
#[derive(Debug)]
pub enum OpenError {
    /// No database at that place: nothing was imported yet.
    Missing(PathBuf),
    /// A database of another format version.
    Format {
        dir: PathBuf,
        found: u32,
    },
    Other(String),
}

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OpenError::Missing(dir) => write!(
                f,
                "no vulnerability database at {}: run `dockward db update` (network) or `dockward db import PATH` (offline) first",
                dir.display()
            ),
            OpenError::Format { dir, found } => write!(
                f,
                "the vulnerability database at {} has format {found}, this dockward reads format {FORMAT}: run `dockward db update` or `dockward db import` again to rebuild it",
                dir.display()
            ),
            OpenError::Other(message) => f.write_str(message),
        }
    }
}

/// An opened database; family indexes are loaded on first use.
pub struct Database {
    dir: PathBuf,
    pub meta: Meta,
    loaded: HashMap<String, Option<Index>>,
}

impl Database {
    pub fn open(dir: &Path) -> Result<Database, OpenError> {
        let meta = read_meta(dir)
            .map_err(OpenError::Other)?
            .ok_or_else(|| OpenError::Missing(dir.to_path_buf()))?;
        if meta.format != FORMAT {
            return Err(OpenError::Format {
                dir: dir.to_path_buf(),
                found: meta.format,
            });
        }
        Ok(Database {
            dir: dir.to_path_buf(),
            meta,
            loaded: HashMap::new(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The index of a family; `Ok(None)` when the database has no data for it.
    pub fn index(&mut self, family: &str) -> Result<Option<&Index>, String> {
        if !self.loaded.contains_key(family) {
            let index = if self.meta.ecosystems.contains_key(family) {
                let path = self.dir.join(file_name(family));
                let opened = Index::open(&path, MAX_INDEX_BYTES).map_err(|e| format!("{}: {e}", path.display()))?;
                Some(opened.map_err(|_| {
                    format!(
                        "{}: damaged index; run `dockward db import` or `db update` again",
                        path.display()
                    )
                })?)
            } else {
                None
            };
            self.loaded.insert(family.to_string(), index);
        }
        Ok(self.loaded.get(family).and_then(Option::as_ref))
    }

    /// Seconds since the oldest import among `families` (all when empty).
    pub fn age_seconds(&self, families: &[&str]) -> Option<i64> {
        self.meta
            .ecosystems
            .iter()
            .filter(|(name, _)| families.is_empty() || families.contains(&name.as_str()))
            .filter_map(|(_, m)| crate::unix_seconds_of(&m.imported_at))
            .min()
            .map(|t| crate::time::now_unix() - t)
    }
}
