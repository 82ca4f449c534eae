//! Go build information in executables, found while the layer streams: the Go linker
//! writes it at a 16-byte aligned offset, starting with a fixed magic. Only the bytes
//! from the magic on are kept (at most [`BUILD_INFO_CAP`]); the package inventory parses
//! them. The file is read once, in chunks, and never held whole; the same read feeds the
//! search for cargo-auditable data ([`crate::cargo_auditable`]).

use crate::cargo_auditable::AuditSearch;
use dockward_model::image::BUILD_INFO_CAP;
use std::io::{self, Read};

const MAGIC: &[u8] = b"\xff Go buildinf:";
/// A multiple of 16, so that an aligned magic never straddles two chunks.
const CHUNK: usize = 64 * 1024;

/// Reads `r` (or until the build information is taken) and returns the bytes from the
/// first 16-byte aligned magic on, if there is one. `also`, when given, is fed every byte
/// of the file as it passes, in the same read (the file is then read to its end while
/// `also` wants more).
pub(crate) fn find(mut r: impl Read, mut also: Option<&mut AuditSearch>) -> io::Result<Option<Vec<u8>>> {
    let mut buf = vec![0u8; CHUNK];
    let mut found: Option<Vec<u8>> = None;
    loop {
        let filled = fill(&mut r, &mut buf)?;
        let chunk = &buf[..filled];
        if let Some(also) = also.as_deref_mut() {
            also.feed(chunk);
        }
        match found.as_mut() {
            Some(out) => {
                let room = BUILD_INFO_CAP - out.len();
                out.extend_from_slice(&chunk[..room.min(filled)]);
            }
            None => {
                if let Some(at) = memchr::memmem::find_iter(chunk, MAGIC).find(|at| at % 16 == 0) {
                    let mut out = chunk[at..].to_vec();
                    out.truncate(BUILD_INFO_CAP);
                    found = Some(out);
                }
            }
        }
        let taken = found.as_ref().is_some_and(|out| out.len() == BUILD_INFO_CAP);
        let wanted = also.as_ref().is_some_and(|a| a.wants_more());
        if filled < CHUNK || (taken && !wanted) {
            return Ok(found);
        }
    }
}

/// Fills `buf` as far as the reader goes: short reads would shift the chunks off the
/// 16-byte grid.
fn fill(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most 7 bytes at a time.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(out.len()).min(7);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn the_aligned_magic_is_found_across_chunks_and_short_reads() {
        let mut binary = b"\x7fELF".to_vec();
        binary.resize(CHUNK - 16, 0);
        // Unaligned: not build information.
        binary[100..100 + MAGIC.len()].copy_from_slice(MAGIC);
        binary.extend_from_slice(MAGIC);
        binary.extend_from_slice(b"\x08\x02 the rest");
        binary.resize(3 * CHUNK, 1);
        let found = find(Trickle(&binary), None).unwrap().unwrap();
        assert!(found.starts_with(MAGIC));
        assert_eq!(found.len(), binary.len() - (CHUNK - 16));
        let mut unaligned = [0u8; 40];
        unaligned[3..3 + MAGIC.len()].copy_from_slice(MAGIC);
        assert_eq!(find(&unaligned[..], None).unwrap(), None);
    }

    #[test]
    fn what_is_kept_is_capped() {
        let mut binary = MAGIC.to_vec();
        binary.resize(BUILD_INFO_CAP * 2, 7);
        assert_eq!(find(&binary[..], None).unwrap().unwrap().len(), BUILD_INFO_CAP);
    }
}
