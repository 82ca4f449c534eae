//! Where an image's files are: a folder (an OCI layout, an unpacked `docker save`) or a tar
//! (`docker save`, an OCI layout in a tar, either compressed). A tar is indexed in one pass
//! — member name to offset and size — and members are then read in place, in any order:
//! `docker save` writes blobs before the manifests that name them.

use crate::{Budgets, ImageError};
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// A member of the outer tar.
#[derive(Clone, Debug)]
pub(crate) enum Member {
    File {
        offset: u64,
        size: u64,
    },
    /// A symbolic or hard link to another member (`<id>/layer.tar` → `blobs/sha256/…` in
    /// Docker ≥ 25 saves), already made relative to the archive's root.
    Link(String),
    Dir,
}

pub(crate) enum Store {
    Dir(PathBuf),
    Tar {
        file: File,
        members: HashMap<String, Member>,
        /// The decompressed copy of a compressed archive; removed on drop.
        _spool: Option<tempfile::NamedTempFile>,
    },
}

/// What the first bytes of a stream say it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Compression {
    Gzip,
    Zstd,
    None,
}

pub(crate) fn sniff(head: &[u8]) -> Compression {
    if head.starts_with(&[0x1f, 0x8b]) {
        Compression::Gzip
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        Compression::Zstd
    } else {
        Compression::None
    }
}

/// A reader that refuses to yield more than `limit` bytes: past it, an error.
pub(crate) struct Capped<R> {
    pub inner: R,
    pub remaining: u64,
    pub exceeded: bool,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.remaining == 0 {
            // One byte more tells a stream that ends exactly at the limit from one that
            // goes on.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => {
                    self.exceeded = true;
                    Err(io::Error::other("over the decompression budget"))
                }
            };
        }
        let want = buf.len().min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.remaining -= n as u64;
        Ok(n)
    }
}

/// A decoder for what `reader` holds, told by its first bytes.
pub(crate) fn decoder<'a, R: io::BufRead + 'a>(mut reader: R) -> io::Result<Box<dyn Read + 'a>> {
    let head = reader.fill_buf()?;
    Ok(match sniff(head) {
        Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(reader)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(reader)?),
        Compression::None => Box::new(reader),
    })
}

/// `./a//b/` → `a/b`; `None` when it climbs out with `..` or is empty.
pub(crate) fn member_name(name: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

impl Store {
    /// Opens a folder or an archive file (compressed ones are decompressed to a temporary
    /// file first, within `max_spool_bytes`).
    pub fn open(path: &Path, budgets: &Budgets) -> Result<Store, ImageError> {
        let here = || path.display().to_string();
        let meta = std::fs::metadata(path).map_err(|e| ImageError::new(here(), e.to_string()))?;
        if meta.is_dir() {
            return Ok(Store::Dir(path.to_path_buf()));
        }
        if !meta.is_file() {
            return Err(ImageError::new(here(), "not a file or a folder"));
        }
        let file = File::open(path).map_err(|e| ImageError::new(here(), e.to_string()))?;
        let mut reader = BufReader::with_capacity(256 * 1024, file);
        let compression = {
            let head = io::BufRead::fill_buf(&mut reader).map_err(|e| ImageError::new(here(), e.to_string()))?;
            sniff(head)
        };
        if compression == Compression::None {
            // The sniffing read ahead: the index starts from the first byte.
            let mut file = reader.into_inner();
            file.seek(SeekFrom::Start(0))
                .map_err(|e| ImageError::new(here(), e.to_string()))?;
            return Self::index_tar(file, None, &here(), budgets);
        }
        let decoder = decoder(reader).map_err(|e| ImageError::new(here(), e.to_string()))?;
        Self::spool(decoder, &here(), budgets)
    }

    /// Writes a stream (an engine export, a decompressed archive) to a temporary file and
    /// indexes it as a tar.
    pub fn spool(stream: impl Read, label: &str, budgets: &Budgets) -> Result<Store, ImageError> {
        let mut spool = tempfile::NamedTempFile::new()
            .map_err(|e| ImageError::new(label, format!("cannot create a temporary file: {e}")))?;
        let mut capped = Capped {
            inner: stream,
            remaining: budgets.max_spool_bytes,
            exceeded: false,
        };
        if let Err(e) = io::copy(&mut capped, spool.as_file_mut()) {
            return Err(ImageError::new(
                label,
                if capped.exceeded {
                    format!(
                        "the archive is larger than {} bytes once decompressed (budget)",
                        budgets.max_spool_bytes
                    )
                } else {
                    format!("reading the archive: {e}")
                },
            ));
        }
        let file = spool
            .reopen()
            .map_err(|e| ImageError::new(label, format!("reopening the temporary file: {e}")))?;
        Self::index_tar(file, Some(spool), label, budgets)
    }

    fn index_tar(
        file: File,
        spool: Option<tempfile::NamedTempFile>,
        label: &str,
        budgets: &Budgets,
    ) -> Result<Store, ImageError> {
        let mut members = HashMap::new();
        {
            let mut archive = tar::Archive::new(BufReader::with_capacity(64 * 1024, &file));
            let entries = archive
                .entries()
                .map_err(|e| ImageError::new(label, format!("not a tar archive: {e}")))?;
            for (count, entry) in entries.enumerate() {
                if count as u64 >= budgets.max_archive_members {
                    return Err(ImageError::new(
                        label,
                        format!("more than {} members (budget)", budgets.max_archive_members),
                    ));
                }
                let entry = entry.map_err(|e| ImageError::new(label, format!("not a valid tar archive: {e}")))?;
                let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
                let Some(name) = member_name(&raw) else { continue };
                let kind = entry.header().entry_type();
                let member = if kind.is_dir() {
                    Member::Dir
                } else if kind.is_symlink() || kind.is_hard_link() {
                    let target = entry
                        .link_name_bytes()
                        .map(|t| String::from_utf8_lossy(&t).into_owned())
                        .unwrap_or_default();
                    // A symbolic link is relative to its folder, a hard link to the root.
                    let base = if kind.is_symlink() && !target.starts_with('/') {
                        name.rsplit_once('/').map_or("", |(d, _)| d).to_string()
                    } else {
                        String::new()
                    };
                    match member_name(&format!("{base}/{target}")) {
                        Some(t) => Member::Link(t),
                        None => continue,
                    }
                } else if kind.is_file() || kind == tar::EntryType::Continuous {
                    Member::File {
                        offset: entry.raw_file_position(),
                        size: entry.size(),
                    }
                } else {
                    continue;
                };
                members.insert(name, member);
            }
        }
        Ok(Store::Tar {
            file,
            members,
            _spool: spool,
        })
    }

    /// Whether the archive or folder has this member.
    pub fn has(&self, name: &str) -> bool {
        match self {
            Store::Dir(root) => member_name(name).is_some_and(|n| root.join(n).is_file()),
            Store::Tar { members, .. } => self.resolve(name).is_some() || members.contains_key(name),
        }
    }

    fn resolve(&self, name: &str) -> Option<(u64, u64)> {
        let Store::Tar { members, .. } = self else { return None };
        let mut name = member_name(name)?;
        for _ in 0..8 {
            match members.get(&name)? {
                Member::File { offset, size } => return Some((*offset, *size)),
                Member::Link(target) => name = target.clone(),
                Member::Dir => return None,
            }
        }
        None
    }

    /// Opens a member for reading, with its size.
    pub fn open_member(&self, name: &str) -> Result<(Box<dyn Read + '_>, u64), String> {
        match self {
            Store::Dir(root) => {
                let rel = member_name(name).ok_or("not a path inside the layout")?;
                let path = root.join(&rel);
                // The blob must be a regular file inside the folder, not a link out of it.
                let meta = std::fs::symlink_metadata(&path).map_err(|e| e.to_string())?;
                if !meta.is_file() {
                    return Err("not a regular file".to_string());
                }
                let file = File::open(&path).map_err(|e| e.to_string())?;
                Ok((Box::new(file), meta.len()))
            }
            Store::Tar { file, .. } => {
                let (offset, size) = self.resolve(name).ok_or("no such member in the archive")?;
                let mut handle = file.try_clone().map_err(|e| e.to_string())?;
                handle.seek(SeekFrom::Start(offset)).map_err(|e| e.to_string())?;
                Ok((Box::new(handle.take(size)), size))
            }
        }
    }

    /// Reads a small member (a manifest, a configuration) whole.
    pub fn read_small(&self, name: &str, max: u64) -> Result<Vec<u8>, String> {
        let (reader, size) = self.open_member(name)?;
        if size > max {
            return Err(format!("{size} bytes, more than the {max} allowed for a JSON document"));
        }
        let mut body = Vec::with_capacity(size as usize);
        reader.take(max + 1).read_to_end(&mut body).map_err(|e| e.to_string())?;
        Ok(body)
    }
}
