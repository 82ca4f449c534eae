//! Source files and where findings point.

use crate::{LineIndex, TextRange};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

/// A file's index in a [`SourceDb`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// One text file as it was read, with its line index built on first use.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it (relative to where they ran dockward when possible).
    pub path: PathBuf,
    pub text: String,
    line_index: OnceLock<LineIndex>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            text: text.into(),
            line_index: OnceLock::new(),
        }
    }

    pub fn line_index(&self) -> &LineIndex {
        self.line_index.get_or_init(|| LineIndex::new(&self.text))
    }
}

/// The files of one run. Append-only and shared between threads: adapters that read more
/// files than they were given (Compose overrides, `extends`, a service's Dockerfile) add them.
#[derive(Debug, Default)]
pub struct SourceDb {
    files: RwLock<Vec<Arc<SourceFile>>>,
}

impl SourceDb {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&self, file: SourceFile) -> FileId {
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        files.push(Arc::new(file));
        FileId(u32::try_from(files.len() - 1).unwrap_or(u32::MAX))
    }

    /// The file, or `None` for an id this database never handed out.
    pub fn get(&self, id: FileId) -> Option<Arc<SourceFile>> {
        let files = self.files.read().unwrap_or_else(|e| e.into_inner());
        files.get(id.0 as usize).cloned()
    }

    /// Drops a file's text once its findings have been written, keeping its path (findings
    /// still name it). Long scans call this so memory does not grow with the repository.
    pub fn release(&self, id: FileId) {
        let mut files = self.files.write().unwrap_or_else(|e| e.into_inner());
        if let Some(slot) = files.get_mut(id.0 as usize) {
            let path = slot.path.clone();
            *slot = Arc::new(SourceFile::new(path, String::new()));
        }
    }
}

/// Where a value came from, and so what a finding points at.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Provenance {
    /// Bytes of a text file: Dockerfile, Compose file, script, daemon.json.
    Text { file: FileId, range: TextRange },
    /// A field of an engine object: `container web (1a2b…)` + `/HostConfig/Privileged`.
    Engine { object: String, pointer: String },
    /// A file inside an image, optionally in a given layer.
    Image {
        image: String,
        layer: Option<String>,
        path: String,
    },
    /// A file or fact of the host dockerd runs on (`dockward host`): `path` is the path as
    /// the host names it (`/var/run/docker.sock`, also when a mounted copy of the host is
    /// audited with `--root`); `detail` says more where the path alone does not (the file
    /// a symbolic link resolves to, the variable of an environment file).
    Host { path: String, detail: Option<String> },
}

impl Provenance {
    pub const fn text(file: FileId, range: TextRange) -> Self {
        Provenance::Text { file, range }
    }

    /// The file and range, when the value came from a text file.
    pub fn as_text(&self) -> Option<(FileId, TextRange)> {
        match self {
            Provenance::Text { file, range } => Some((*file, *range)),
            _ => None,
        }
    }
}
