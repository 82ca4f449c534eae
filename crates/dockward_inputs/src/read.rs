//! Reading a scanned file: only regular files, never blocking, never more than a cap.
//!
//! A repository under review may hold a FIFO named `Dockerfile` or a link to `/dev/zero`
//! named `compose.yaml`. Opening a FIFO for reading blocks until a writer comes, and a
//! device can be read forever, so the file is opened non-blocking, its type is checked on
//! the open handle (not on the path, which could be swapped in between), and at most
//! `cap + 1` bytes are read.

use std::fmt;
use std::path::Path;

/// Files larger than this are not read: no real Dockerfile or Compose file comes close, and
/// the cap keeps a stray multi-gigabyte file from exhausting memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file was not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// It could not be opened or read (missing, permission denied, dangling link …).
    Io(String),
    /// A FIFO, device, socket or folder.
    NotRegular(&'static str),
    /// Larger than the cap.
    TooLarge { limit: u64 },
    /// It holds NUL bytes in its first 8 KiB: not text.
    Binary,
}

impl ReadError {
    /// Whether the run may go on as if the file were not there (a skipped binary or huge
    /// file is a warning; a file that cannot be read is an error).
    pub fn is_warning(&self) -> bool {
        matches!(self, ReadError::Binary | ReadError::TooLarge { .. })
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::NotRegular(what) => write!(f, "cannot read: not a regular file ({what})"),
            ReadError::TooLarge { limit } => write!(f, "skipped: over the {limit}-byte limit"),
            ReadError::Binary => write!(f, "skipped: binary file (contains NUL bytes)"),
        }
    }
}

/// Reads a regular file as text (invalid UTF-8 replaced), refusing anything else.
pub fn read_text(path: &Path, cap: u64) -> Result<String, ReadError> {
    let bytes = read_regular(path, cap)?;
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(ReadError::Binary);
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// The bytes of a regular file of at most `cap` bytes (`dockward_core::fs`, the one reader
/// of untrusted paths, with this layer's messages).
pub fn read_regular(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    dockward_core::fs::read_regular_file(path, cap).map_err(|e| from_core(path, e))
}

/// At most the first `n` bytes of a regular file (to read a shebang line).
pub fn read_head(path: &Path, n: u64) -> Result<Vec<u8>, ReadError> {
    dockward_core::fs::read_regular_head(path, n).map_err(|e| from_core(path, e))
}

fn from_core(path: &Path, error: dockward_core::fs::ReadError) -> ReadError {
    use dockward_core::fs::ReadError as Core;
    match error {
        Core::NotRegular(_) => match std::fs::metadata(path) {
            Ok(meta) => ReadError::NotRegular(file_type_name(&meta.file_type())),
            Err(e) => ReadError::Io(describe_io(path, &e)),
        },
        Core::TooLarge { limit, .. } => ReadError::TooLarge { limit },
        Core::Io(e) => ReadError::Io(describe_io(path, &e)),
    }
}

/// `No such file or directory` says little when the path is a link whose target is gone.
fn describe_io(path: &Path, error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::NotFound
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
    {
        return "dangling symbolic link (its target does not exist)".to_string();
    }
    error.to_string()
}

/// A readable name for what a non-regular file is.
pub fn file_type_name(file_type: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("Dockerfile");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        assert_eq!(read_text(&fifo, 100), Err(ReadError::NotRegular("a FIFO")));
        assert_eq!(
            read_text(Path::new("/dev/zero"), 100),
            Err(ReadError::NotRegular("a character device"))
        );
        let link = dir.path().join("compose.yaml");
        std::os::unix::fs::symlink(dir.path().join("gone"), &link).unwrap();
        let Err(ReadError::Io(message)) = read_text(&link, 100) else {
            panic!("a dangling link reads")
        };
        assert!(message.contains("dangling"), "{message}");
        assert_eq!(read_text(dir.path(), 100), Err(ReadError::NotRegular("a folder")));
    }

    #[test]
    fn caps_size_and_refuses_binary() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, "x".repeat(101)).unwrap();
        assert_eq!(read_text(&big, 100), Err(ReadError::TooLarge { limit: 100 }));
        std::fs::write(&big, "a\0b").unwrap();
        assert_eq!(read_text(&big, 100), Err(ReadError::Binary));
        std::fs::write(&big, b"FROM a\xff\n").unwrap();
        assert_eq!(read_text(&big, 100).unwrap(), "FROM a\u{fffd}\n");
    }
}
