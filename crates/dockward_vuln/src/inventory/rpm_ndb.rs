//! rpm's NDB database: `Packages.db` (SUSE Linux Enterprise and openSUSE since 15.x), rpm's
//! own store of header blobs, little-endian throughout.
//!
//! Layout facts used (rpm's `lib/backend/ndb/rpmpkg.c`):
//! - the file starts with 32 header bytes: magic `RpmP`, format version 0, a generation
//!   counter, the number of 4 KiB *slot pages*, the next package index;
//! - the slot pages follow, one 16-byte slot per package after the header: magic `Slot`,
//!   the package index, the blob's offset and its length, both in 16-byte blocks (offset
//!   0: a free slot);
//! - a blob starts with `BlbS`, the package index, a timestamp and the header's length,
//!   then the header itself, zero padding to the block, and ends with an Adler-32 checksum
//!   of everything before it, the length again and `BlbE`.
//!
//! Every slot and blob is checked against the file; a blob that fails a check (its
//! checksum included) is counted as unreadable, the others are read. Blobs are borrowed
//! from the file, and their total may not exceed the file's size, so slots that point at
//! one blob many times cannot multiply the work.

const HEADER_MAGIC: &[u8; 4] = b"RpmP";
const SLOT_MAGIC: &[u8; 4] = b"Slot";
const BLOB_HEAD_MAGIC: &[u8; 4] = b"BlbS";
const BLOB_TAIL_MAGIC: &[u8; 4] = b"BlbE";
const SLOT_PAGE: usize = 4096;
const SLOT_SIZE: usize = 16;
const BLOCK: usize = 16;
const HEADER_SIZE: usize = 32;
const BLOB_HEAD: usize = 16;
const BLOB_TAIL: usize = 12;

/// The header blobs of a `Packages.db` file, in slot order, and how many slots point at
/// blobs that could not be read.
#[derive(Debug, Default)]
pub struct Blobs<'a> {
    pub blobs: Vec<&'a [u8]>,
    pub unreadable: usize,
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

/// The header blobs of an NDB `Packages.db`.
pub fn blobs(bytes: &[u8]) -> Result<Blobs<'_>, String> {
    if bytes.get(..4) != Some(HEADER_MAGIC.as_slice()) || bytes.len() < HEADER_SIZE {
        return Err("not an rpm NDB database (bad magic)".into());
    }
    let version = u32_at(bytes, 4).unwrap_or(u32::MAX);
    if version != 0 {
        return Err(format!("unknown NDB format version {version}"));
    }
    let slot_pages = u32_at(bytes, 12).unwrap_or(0) as usize;
    let slots_end = slot_pages
        .checked_mul(SLOT_PAGE)
        .filter(|end| *end <= bytes.len() && *end > 0)
        .ok_or_else(|| format!("{slot_pages} slot pages do not fit in the file"))?;
    let blocks = bytes.len() / BLOCK;
    let first_blob_block = slots_end / BLOCK;
    let mut out = Blobs::default();
    let mut budget = bytes.len();
    for at in (HEADER_SIZE..slots_end).step_by(SLOT_SIZE) {
        let slot = &bytes[at..at + SLOT_SIZE];
        if &slot[..4] != SLOT_MAGIC {
            return Err(format!("bad slot at byte {at}"));
        }
        let index = u32_at(slot, 4).unwrap_or(0);
        let offset = u32_at(slot, 8).unwrap_or(0) as usize;
        let count = u32_at(slot, 12).unwrap_or(0) as usize;
        if offset == 0 {
            continue;
        }
        let blob = (index != 0 && offset >= first_blob_block && offset.saturating_add(count) <= blocks)
            .then(|| blob(&bytes[offset * BLOCK..(offset + count) * BLOCK], index))
            .flatten();
        match blob {
            Some(b) if b.len() <= budget => {
                budget -= b.len();
                out.blobs.push(b);
            }
            _ => out.unreadable += 1,
        }
    }
    Ok(out)
}

/// The header inside one blob's blocks, when its head, tail and checksum agree.
fn blob(blocks: &[u8], index: u32) -> Option<&[u8]> {
    if blocks.get(..4)? != BLOB_HEAD_MAGIC.as_slice() || u32_at(blocks, 4)? != index {
        return None;
    }
    let len = u32_at(blocks, 12)? as usize;
    let whole = BLOB_HEAD.checked_add(len)?.checked_add(BLOB_TAIL)?;
    if whole.div_ceil(BLOCK) * BLOCK != blocks.len() {
        return None;
    }
    let tail = blocks.len() - BLOB_TAIL;
    if u32_at(blocks, tail + 4)? as usize != len || &blocks[tail + 8..] != BLOB_TAIL_MAGIC.as_slice() {
        return None;
    }
    (adler32(&blocks[..tail]) == u32_at(blocks, tail)?).then(|| &blocks[BLOB_HEAD..BLOB_HEAD + len])
}

/// Adler-32 (RFC 1950).
fn adler32(bytes: &[u8]) -> u32 {
    const MOD: u32 = 65521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 bytes is the most that can be summed before `b` could overflow a u32.
    for chunk in bytes.chunks(5552) {
        for byte in chunk {
            a += u32::from(*byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    #[test]
    fn adler32_matches_rfc_1950_examples() {
        // The value zlib gives for "Wikipedia", and for nothing at all.
        assert_eq!(super::adler32(b"Wikipedia"), 0x11E6_0398);
        assert_eq!(super::adler32(b""), 1);
        // Long enough to need the modulo between chunks.
        let long = vec![0xffu8; 100_000];
        let naive = long.iter().fold((1u64, 0u64), |(a, b), x| {
            let a = (a + u64::from(*x)) % 65521;
            (a, (b + a) % 65521)
        });
        assert_eq!(super::adler32(&long), ((naive.1 << 16) | naive.0) as u32);
    }
}
