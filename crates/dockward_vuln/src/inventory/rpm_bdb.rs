//! rpm's Berkeley DB database: `Packages` (CentOS/RHEL 7 and 8, Amazon Linux 2, older
//! Fedora and openSUSE), a Berkeley DB file of the *hash* access method whose values are
//! rpm header blobs, keyed by the header's instance number.
//!
//! The reader does not follow the hash buckets: it walks every page once, takes the value
//! of each key/value pair on the hash pages, and follows a value's chain of overflow pages
//! when it did not fit on its page (rpm headers usually do not). Everything read from the
//! file is checked against the file: page numbers against the last page, offsets and
//! lengths against the page, and an overflow page may be used by one value only, so the
//! values together are never larger than the file and every chain ends.
//!
//! Layout facts used (Berkeley DB's `db_page.h`):
//! - metadata page (page 0): magic at byte 12 (0x061561 for a hash database, in the byte
//!   order of the machine that wrote the file — either order is read), page size at 20,
//!   encryption algorithm at 24, page type at 25 (8), meta flags at 26 (bit 0: page
//!   checksums), last page number at 32;
//! - every other page: a 26-byte header (page number at 8, next page at 16, entry count at
//!   20, "high free offset" at 22, page type at 25), then — after 6 more bytes when pages
//!   carry checksums — the entries' `u16` offsets into the page;
//! - hash pages (type 13, or 2 before Berkeley DB 4.6) hold key, value, key, value… items;
//!   an item ends where the previous one starts (the first at the end of the page); its
//!   first byte is its kind: 1 the bytes themselves, 3 a reference to overflow pages
//!   (first page at +4, total length at +8);
//! - overflow pages (type 7) carry `hf_offset` bytes of the value after the header, and
//!   the next page's number (0 at the end of the chain).

use std::borrow::Cow;

const HASH_MAGIC: u32 = 0x0006_1561;
const BTREE_MAGIC: u32 = 0x0005_3162;
const P_HASH_UNSORTED: u8 = 2;
const P_OVERFLOW: u8 = 7;
const P_HASHMETA: u8 = 8;
const P_HASH: u8 = 13;
const H_KEYDATA: u8 = 1;
const H_OFFPAGE: u8 = 3;
const PAGE_HEADER: usize = 26;
/// The page header plus the 2 bytes of alignment and 4 of checksum.
const PAGE_HEADER_CHECKSUMMED: usize = 32;

/// The values of a `Packages` file, and how many could not be read (a broken overflow
/// chain, duplicate-key items that rpm never writes).
#[derive(Debug, Default)]
pub struct Values<'a> {
    pub values: Vec<Cow<'a, [u8]>>,
    pub unreadable: usize,
}

/// Reads the file's byte order and geometry from its metadata page.
struct Db<'a> {
    bytes: &'a [u8],
    swap: bool,
    page_size: usize,
    /// Offset of the entry offsets (and of overflow data) in a page.
    overhead: usize,
    /// Pages of the database (the metadata's last page number plus one; all in the file).
    pages: usize,
}

impl<'a> Db<'a> {
    fn u32_at(&self, at: usize) -> Option<u32> {
        let b: [u8; 4] = self.bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.swap {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    fn open(bytes: &'a [u8]) -> Result<Self, String> {
        let magic_le = bytes
            .get(12..16)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap_or([0; 4])));
        let swap = match magic_le {
            Some(HASH_MAGIC) => false,
            Some(m) if m.swap_bytes() == HASH_MAGIC => true,
            Some(m) if m == BTREE_MAGIC || m.swap_bytes() == BTREE_MAGIC => {
                return Err("a Berkeley DB b-tree, not the hash database rpm writes".into());
            }
            _ => return Err("not a Berkeley DB hash database (bad magic)".into()),
        };
        let mut db = Db {
            bytes,
            swap,
            page_size: 0,
            overhead: PAGE_HEADER,
            pages: 0,
        };
        let page_size = db.u32_at(20).unwrap_or(0) as usize;
        if !(512..=65536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(format!("bad page size {page_size}"));
        }
        if bytes.get(24).copied().unwrap_or(0) != 0 {
            return Err("the database is encrypted".into());
        }
        if bytes.get(25).copied() != Some(P_HASHMETA) {
            return Err("the first page is not a hash metadata page".into());
        }
        if bytes.get(26).copied().unwrap_or(0) & 1 != 0 {
            db.overhead = PAGE_HEADER_CHECKSUMMED;
        }
        let last = db.u32_at(32).unwrap_or(0) as usize;
        db.page_size = page_size;
        // A file shorter than its metadata says was cut short: what is left of a hash
        // database is a random part of it, so none of it is trusted.
        let have = bytes.len() / page_size;
        if last >= have {
            return Err(format!(
                "truncated: the metadata page names {} pages, the file holds {have}",
                last.saturating_add(1)
            ));
        }
        db.pages = last + 1;
        Ok(db)
    }

    fn page(&self, pgno: usize) -> Option<&'a [u8]> {
        if pgno >= self.pages {
            return None;
        }
        let start = pgno.checked_mul(self.page_size)?;
        self.bytes.get(start..start.checked_add(self.page_size)?)
    }

    /// The byte range of hash page `page`'s item `index`, checked against the page.
    fn item(&self, page: &[u8], entries: usize, index: usize) -> Option<(usize, usize)> {
        let start = self.u16_at_page(page, self.overhead + 2 * index)? as usize;
        let end = if index == 0 {
            self.page_size
        } else {
            self.u16_at_page(page, self.overhead + 2 * (index - 1))? as usize
        };
        let first_free = self.overhead + 2 * entries;
        (start >= first_free && start < end && end <= self.page_size).then_some((start, end))
    }

    fn u16_at_page(&self, page: &[u8], at: usize) -> Option<u16> {
        let b: [u8; 2] = page.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(if self.swap {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    fn u32_at_page(&self, page: &[u8], at: usize) -> Option<u32> {
        let b: [u8; 4] = page.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(if self.swap {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    /// A value stored on overflow pages: `len` bytes from page `first` on. Each page may
    /// be used once in the whole file (`used`), which ends every chain and bounds the
    /// total.
    fn overflow(&self, first: usize, len: usize, used: &mut [bool]) -> Option<Vec<u8>> {
        // A value larger than the pages left cannot be whole.
        if len > self.bytes.len() {
            return None;
        }
        // Grown as pages come: a length that lies costs no memory up front.
        let mut out = Vec::with_capacity(len.min(1 << 20));
        let mut pgno = first;
        while out.len() < len {
            if pgno == 0 || std::mem::replace(used.get_mut(pgno)?, true) {
                return None;
            }
            let page = self.page(pgno)?;
            if page[25] != P_OVERFLOW {
                return None;
            }
            let on_page = self.u16_at_page(page, 22)? as usize;
            let data = page.get(self.overhead..self.overhead.checked_add(on_page)?)?;
            if on_page == 0 || out.len() + on_page > len {
                return None;
            }
            out.extend_from_slice(data);
            pgno = self.u32_at_page(page, 16)? as usize;
        }
        Some(out)
    }
}

/// The values of the key/value pairs of a Berkeley DB hash database (`Packages`), in
/// page order; the pair whose key is 0 (where rpm keeps its next instance number) is left
/// out.
pub fn values(bytes: &[u8]) -> Result<Values<'_>, String> {
    let db = Db::open(bytes)?;
    let mut used = vec![false; db.pages];
    let mut out = Values::default();
    for pgno in 1..db.pages {
        let Some(page) = db.page(pgno) else { break };
        if !matches!(page[25], P_HASH | P_HASH_UNSORTED) {
            continue;
        }
        let Some(entries) = db.u16_at_page(page, 20).map(usize::from) else {
            continue;
        };
        // The offsets must fit before the page's end; a count that says otherwise makes
        // the whole page unreadable.
        if db.overhead + 2 * entries > db.page_size {
            out.unreadable += 1;
            continue;
        }
        for pair in 0..entries / 2 {
            let (Some((ks, ke)), Some((vs, ve))) =
                (db.item(page, entries, 2 * pair), db.item(page, entries, 2 * pair + 1))
            else {
                out.unreadable += 1;
                continue;
            };
            let key = &page[ks..ke];
            if key.first() == Some(&H_KEYDATA) && key[1..].iter().all(|b| *b == 0) {
                continue;
            }
            let value = &page[vs..ve];
            match value[0] {
                H_KEYDATA => out.values.push(Cow::Borrowed(&value[1..])),
                H_OFFPAGE => {
                    let chain = (value.len() >= 12)
                        .then(|| {
                            let first = db.u32_at_page(value, 4)? as usize;
                            let len = db.u32_at_page(value, 8)? as usize;
                            db.overflow(first, len, &mut used)
                        })
                        .flatten();
                    match chain {
                        Some(v) => out.values.push(Cow::Owned(v)),
                        None => out.unreadable += 1,
                    }
                }
                // Duplicate sets (kinds 2 and 4) are never written by rpm, whose keys are
                // unique; other kinds are damage.
                _ => out.unreadable += 1,
            }
        }
    }
    Ok(out)
}
