//! Reading files that may be hostile: a scanned repository can name `/dev/zero`, a FIFO or
//! a sparse multi-gigabyte file wherever a path is expected (`include:`, `env_file:`, a
//! config file, a `.gitignore`). Every file dockward reads goes through
//! [`read_regular_file`], so none of them can block the run or grow memory without bound.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The path does not name a regular file (after following symbolic links).
    NotRegular(FileKind),
    /// The file has more than the allowed number of bytes.
    TooLarge { limit: u64, size: Option<u64> },
    /// Opening or reading failed.
    Io(std::io::Error),
}

/// What a path that is not a regular file is, for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Directory,
    Fifo,
    Socket,
    CharDevice,
    BlockDevice,
    Other,
}

impl FileKind {
    fn of(file_type: std::fs::FileType) -> FileKind {
        if file_type.is_dir() {
            return FileKind::Directory;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if file_type.is_fifo() {
                return FileKind::Fifo;
            }
            if file_type.is_socket() {
                return FileKind::Socket;
            }
            if file_type.is_char_device() {
                return FileKind::CharDevice;
            }
            if file_type.is_block_device() {
                return FileKind::BlockDevice;
            }
        }
        FileKind::Other
    }

    fn describe(self) -> &'static str {
        match self {
            FileKind::Directory => "a directory",
            FileKind::Fifo => "FIFO",
            FileKind::Socket => "socket",
            FileKind::CharDevice => "character device",
            FileKind::BlockDevice => "block device",
            FileKind::Other => "special file",
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular(FileKind::Directory) => f.write_str("is a directory, not a file"),
            ReadError::NotRegular(kind) => write!(f, "not a regular file ({})", kind.describe()),
            ReadError::TooLarge {
                limit,
                size: Some(size),
            } => {
                write!(f, "{size} bytes is over the {limit}-byte limit")
            }
            ReadError::TooLarge { limit, size: None } => write!(f, "over the {limit}-byte limit"),
            ReadError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// Reads the whole of `path`, which must be a regular file (symbolic links are followed) of
/// at most `max_bytes` bytes.
///
/// The kind is checked before opening, so a device is never opened (opening some devices
/// has effects: a watchdog arms, a tape rewinds), and again on the opened handle, so a path
/// swapped for something else in between is still refused. The open is non-blocking, so a
/// FIFO swapped in at that moment cannot block on a missing writer. The size is checked
/// from the metadata and by reading at most `max_bytes + 1` bytes, so a file that grows
/// while it is read is refused too, never read whole.
pub fn read_regular_file(path: &Path, max_bytes: u64) -> Result<Vec<u8>, ReadError> {
    let (file, len) = open_regular_file(path, max_bytes)?;
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(max_bytes.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge {
            limit: max_bytes,
            size: None,
        });
    }
    Ok(bytes)
}

/// `path` opened for reading, with its length: checked before and after opening as
/// [`read_regular_file`] does. For readers that do not read the file whole (a memory map).
pub fn open_regular_file(path: &Path, max_bytes: u64) -> Result<(std::fs::File, u64), ReadError> {
    check_regular(&std::fs::metadata(path)?, max_bytes)?;
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    check_regular(&meta, max_bytes)?;
    Ok((file, meta.len()))
}

/// At most the first `n` bytes of `path`, which must be a regular file of any size: checked
/// and opened as [`read_regular_file`] does (to read a shebang line).
pub fn read_regular_head(path: &Path, n: u64) -> Result<Vec<u8>, ReadError> {
    check_regular(&std::fs::metadata(path)?, u64::MAX)?;
    let file = open_nonblocking(path)?;
    check_regular(&file.metadata()?, u64::MAX)?;
    let mut bytes = Vec::new();
    file.take(n).read_to_end(&mut bytes)?;
    Ok(bytes)
}

fn check_regular(meta: &std::fs::Metadata, max_bytes: u64) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotRegular(FileKind::of(meta.file_type())));
    }
    if meta.len() > max_bytes {
        return Err(ReadError::TooLarge {
            limit: max_bytes,
            size: Some(meta.len()),
        });
    }
    Ok(())
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NOCTTY: a terminal device swapped in must not become our controlling terminal.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("dockward-core-fs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn reads_a_regular_file_up_to_the_limit() {
        let dir = scratch("regular");
        let path = dir.join("f");
        std::fs::write(&path, "12345").unwrap();
        assert_eq!(read_regular_file(&path, 5).unwrap(), b"12345");
        let err = read_regular_file(&path, 4).unwrap_err();
        assert_eq!(err.to_string(), "5 bytes is over the 4-byte limit");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_sparse_file_is_refused_from_its_size_without_reading() {
        let dir = scratch("sparse");
        let path = dir.join("big");
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(1 << 30).unwrap();
        let err = read_regular_file(&path, 1 << 20).unwrap_err();
        assert!(
            matches!(err, ReadError::TooLarge { size: Some(s), .. } if s == 1 << 30),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn directories_are_refused() {
        let dir = scratch("dir");
        let err = read_regular_file(&dir, 10).unwrap_err();
        assert_eq!(err.to_string(), "is a directory, not a file");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_links_to_them_are_refused_without_reading() {
        let dir = scratch("dev");
        let link = dir.join("zero");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        for path in [Path::new("/dev/zero"), Path::new("/dev/urandom"), link.as_path()] {
            let err = read_regular_file(path, 1 << 20).unwrap_err();
            assert_eq!(
                err.to_string(),
                "not a regular file (character device)",
                "{}",
                path.display()
            );
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_without_writer_is_refused_at_once() {
        let dir = scratch("fifo");
        let fifo = dir.join("pipe");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        // Were the FIFO opened for reading, this would block forever (no writer exists).
        let err = read_regular_file(&fifo, 1 << 20).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file (FIFO)");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn missing_files_report_the_os_error() {
        let err = read_regular_file(Path::new("/nonexistent/dockward/x"), 10).unwrap_err();
        assert!(
            matches!(&err, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound),
            "{err}"
        );
    }
}
