//! A read-only memory map of a regular file, for the vulnerability index: opening a
//! database then costs no read of the whole file, and only the pages that a lookup touches
//! are ever loaded.
//!
//! This crate holds the workspace's only `unsafe` call. A map is unsound when the file
//! changes under it: a truncation turns a read into `SIGBUS`, a rewrite in place changes
//! bytes that were already checked. The files mapped here are the index files that
//! `dockward db import`/`update` write into the user's own cache folder, always to a new
//! file renamed into place — a rename leaves an existing map of the old file intact. A
//! process that can truncate those files in place runs as the user already. Everything
//! read through the map is bounds-checked by its reader anyway, so changed bytes are at
//! worst a "damaged index" error.

use dockward_core::fs::{ReadError, open_regular_file, read_regular_file};
use std::ops::Deref;
use std::path::Path;

/// A file's bytes: mapped, or read when mapping is not possible.
pub enum FileBytes {
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Mapped(map) => map,
            FileBytes::Read(bytes) => bytes,
        }
    }
}

impl FileBytes {
    /// Whether the bytes are a map of the file (not a copy).
    pub fn is_mapped(&self) -> bool {
        matches!(self, FileBytes::Mapped(_))
    }
}

impl From<Vec<u8>> for FileBytes {
    fn from(bytes: Vec<u8>) -> Self {
        FileBytes::Read(bytes)
    }
}

/// Maps `path`, a regular file of at most `max_bytes` (checked as
/// [`read_regular_file`] checks, before and after opening). An empty file, or a file
/// system that cannot map, is read instead.
pub fn map_regular_file(path: &Path, max_bytes: u64) -> Result<FileBytes, ReadError> {
    let (file, len) = open_regular_file(path, max_bytes)?;
    if len == 0 {
        return Ok(FileBytes::Read(Vec::new()));
    }
    // SAFETY: the map is read-only and private to this process; see the module comment
    // for why the file does not change under it.
    #[allow(unsafe_code)]
    let mapped = unsafe { memmap2::MmapOptions::new().len(len as usize).map(&file) };
    match mapped {
        Ok(map) => Ok(FileBytes::Mapped(map)),
        Err(_) => read_regular_file(path, max_bytes).map(FileBytes::Read),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_regular_files_and_refuses_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        std::fs::write(&path, b"DWOSVIX1 and more").unwrap();
        let bytes = map_regular_file(&path, 1024).unwrap();
        assert!(bytes.is_mapped());
        assert_eq!(&bytes[..8], b"DWOSVIX1");
        // A rename over the mapped file leaves the map as it was.
        let newer = dir.path().join("newer");
        std::fs::write(&newer, b"something else entirely").unwrap();
        std::fs::rename(&newer, &path).unwrap();
        assert_eq!(&bytes[..], b"DWOSVIX1 and more");

        assert!(matches!(
            map_regular_file(&path, 4),
            Err(ReadError::TooLarge { limit: 4, .. })
        ));
        assert!(matches!(
            map_regular_file(dir.path(), 1024),
            Err(ReadError::NotRegular(_))
        ));
        let empty = dir.path().join("empty");
        std::fs::write(&empty, b"").unwrap();
        assert!(map_regular_file(&empty, 1024).unwrap().is_empty());
        #[cfg(unix)]
        assert!(map_regular_file(Path::new("/dev/zero"), u64::MAX).is_err());
    }
}
