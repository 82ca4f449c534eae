//! cargo-auditable data in ELF executables, found while the layer streams.
//!
//! cargo-auditable puts the crates a Rust program was built from into a `.dep-v0` section:
//! zlib-compressed JSON that starts `{"packages":`. The section is named in the section
//! header table, which linkers write at the end of the file, after the section data: a
//! single pass cannot look the section up first. So the search works the other way round:
//! every zlib header in the stream (`0x78` and a valid flag byte) is tried with a small,
//! bounded inflate, and where the first inflated bytes are `{"packages":` the compressed
//! stream is kept to its end (at most [`AUDIT_DATA_CAP`] bytes). The ELF header (at the
//! start) says where the section header table is; it is picked up as it passes, and at the
//! end a kept stream counts only where a section of the file starts exactly at its offset.
//! Everything is bounded: the probes read a few hundred bytes each, at most
//! [`MAX_CANDIDATES`] streams are kept, and the table is read up to [`MAX_SECTION_TABLE`].

use dockward_model::image::AUDIT_DATA_CAP;
use flate2::{Decompress, FlushDecompress, Status};

/// What the first inflated bytes of cargo-auditable's data are.
const PREFIX: &[u8] = b"{\"packages\":";
/// Compressed bytes a probe may read to inflate [`PREFIX`]: a dynamic Huffman block's
/// header takes at most ~290 bytes, then a few bytes of literals.
const PROBE_INPUT: usize = 512;
/// Streams that passed the probe kept per file, at most (a real executable has one).
const MAX_CANDIDATES: usize = 4;
/// The largest section header table read (16,384 sections of 64 bytes).
const MAX_SECTION_TABLE: u64 = 1024 * 1024;
/// Inflated bytes followed to find a kept stream's end: as the inventory's limit.
const MAX_INFLATED: u64 = 8 * 1024 * 1024;

/// Where the section header table is and how its entries are read.
#[derive(Clone, Copy)]
struct ElfLayout {
    wide: bool,
    little: bool,
    shoff: u64,
    entsize: u64,
    len: u64,
}

/// A compressed stream that passed the probe.
struct Candidate {
    offset: u64,
    bytes: Vec<u8>,
}

/// A stream being followed to its end.
struct Capture {
    candidate: Candidate,
    inflate: Decompress,
}

/// The search over one file, fed its bytes in order ([`AuditSearch::feed`]).
pub(crate) struct AuditSearch {
    /// Bytes fed so far.
    seen: u64,
    /// The first 64 bytes, until the ELF header is read.
    head: Vec<u8>,
    /// `None` until the header is read; `Some(None)`: an ELF without a usable table.
    layout: Option<Option<ElfLayout>>,
    /// Not an ELF file, or nothing left to look for: the rest is not looked at.
    off: bool,
    table: Vec<u8>,
    /// Bytes not yet scanned for zlib headers, starting at file offset `window_at`; a
    /// header near the end waits for the next bytes so that its probe sees enough input.
    window: Vec<u8>,
    window_at: u64,
    capture: Option<Capture>,
    kept: Vec<Candidate>,
    probe: Decompress,
    /// Where a capture's inflated bytes go: only their count matters.
    sink: Vec<u8>,
}

impl AuditSearch {
    pub(crate) fn new() -> Self {
        AuditSearch {
            seen: 0,
            head: Vec::with_capacity(64),
            layout: None,
            off: false,
            table: Vec::new(),
            window: Vec::new(),
            window_at: 0,
            capture: None,
            kept: Vec::new(),
            probe: Decompress::new(true),
            sink: vec![0; 32 * 1024],
        }
    }

    /// Whether the rest of the file is still worth feeding.
    pub(crate) fn wants_more(&self) -> bool {
        !self.off
    }

    /// The next bytes of the file.
    pub(crate) fn feed(&mut self, data: &[u8]) {
        if self.off || data.is_empty() {
            return;
        }
        let start = self.seen;
        self.seen += data.len() as u64;
        if self.layout.is_none() {
            let want = 64 - self.head.len();
            self.head.extend_from_slice(&data[..want.min(data.len())]);
            if self.head.len() < 64 {
                return self.scan_input(data, false);
            }
            if !self.head.starts_with(b"\x7fELF") {
                self.off = true;
                return;
            }
            self.layout = Some(elf_layout(&self.head));
        }
        if let Some(Some(layout)) = self.layout {
            // The part of `data` inside the section header table.
            let end = start + data.len() as u64;
            let from = layout.shoff.max(start);
            let to = layout.shoff.saturating_add(layout.len).min(end);
            if from < to {
                self.table
                    .extend_from_slice(&data[(from - start) as usize..(to - start) as usize]);
            }
        }
        self.scan_input(data, false);
    }

    /// Hands `data` to the capture under way, and scans what is not part of it (to the
    /// last byte when the file ends, `last`).
    fn scan_input(&mut self, data: &[u8], last: bool) {
        let mut rest: Vec<u8>;
        let mut input = data;
        loop {
            if let Some(capture) = self.capture.as_mut() {
                if input.is_empty() {
                    return;
                }
                match capture.push(input, &mut self.sink) {
                    Pushed::More => return,
                    Pushed::Ended(used) => {
                        input = &input[used..];
                        self.end_capture();
                    }
                }
                continue;
            }
            if self.kept.len() >= MAX_CANDIDATES {
                // Only the section table may still be wanted.
                self.window.clear();
                return;
            }
            self.window.extend_from_slice(input);
            rest = self.scan(last);
            if rest.is_empty() {
                return;
            }
            input = &rest;
        }
    }

    /// Ends the capture under way: keeps its stream and resumes the scan after it.
    fn end_capture(&mut self) {
        if let Some(capture) = self.capture.take() {
            self.window_at = capture.candidate.offset + capture.candidate.bytes.len() as u64;
            self.window.clear();
            if !capture.candidate.bytes.is_empty() {
                self.kept.push(capture.candidate);
            }
        }
    }

    /// Probes the zlib headers of the window (all of it at the end of the file, `last`;
    /// else those with [`PROBE_INPUT`] bytes after them). A header that passes starts a
    /// capture: the window from there is returned, to be pushed to it.
    fn scan(&mut self, last: bool) -> Vec<u8> {
        let limit = if last {
            self.window.len()
        } else {
            self.window.len().saturating_sub(PROBE_INPUT)
        };
        let mut at = 0;
        while let Some(found) = memchr::memchr(0x78, &self.window[at..limit]) {
            let i = at + found;
            at = i + 1;
            let Some(&flags) = self.window.get(i + 1) else { break };
            // FCHECK makes the header a multiple of 31; no preset dictionary.
            if (0x7800 | u16::from(flags)) % 31 != 0 || flags & 0x20 != 0 {
                continue;
            }
            let end = (i + PROBE_INPUT).min(self.window.len());
            if self.probe_passes(i, end) {
                let rest = self.window.split_off(i);
                self.capture = Some(Capture {
                    candidate: Candidate {
                        offset: self.window_at + i as u64,
                        bytes: Vec::new(),
                    },
                    inflate: Decompress::new(true),
                });
                self.window_at += i as u64;
                self.window.clear();
                return rest;
            }
        }
        self.window.drain(..limit);
        self.window_at += limit as u64;
        Vec::new()
    }

    /// Whether the bytes at `from..to` of the window inflate to [`PREFIX`].
    fn probe_passes(&mut self, from: usize, to: usize) -> bool {
        self.probe.reset(true);
        let mut out = [0u8; PREFIX.len()];
        let mut filled = 0;
        // A bounded number of rounds: each either moves or ends the probe.
        for _ in 0..8 {
            let (used, made) = (self.probe.total_in(), self.probe.total_out());
            let input = &self.window[from + used as usize..to];
            let status = self.probe.decompress(input, &mut out[filled..], FlushDecompress::None);
            filled += (self.probe.total_out() - made) as usize;
            if !out[..filled].starts_with(&PREFIX[..filled]) {
                return false;
            }
            if filled == PREFIX.len() {
                return true;
            }
            match status {
                Ok(Status::Ok) if self.probe.total_in() > used || self.probe.total_out() > made => {}
                _ => return false,
            }
        }
        false
    }

    /// The kept stream that a section of the file starts at, once every byte was fed.
    pub(crate) fn finish(mut self) -> Option<Vec<u8>> {
        if self.off || self.layout.is_none() {
            return None;
        }
        self.scan_input(&[], true);
        // A stream the file ends inside of: kept as it is, the inventory says it is broken.
        self.end_capture();
        let layout = self.layout.flatten()?;
        if self.table.len() as u64 != layout.len {
            return None;
        }
        let starts: Vec<u64> = self
            .table
            .chunks_exact(layout.entsize as usize)
            .filter_map(|entry| {
                let kind = read(entry, 4, 4, layout.little)?;
                let offset = if layout.wide {
                    read(entry, 24, 8, layout.little)?
                } else {
                    read(entry, 16, 4, layout.little)?
                };
                // Not the null section, nor one without data in the file (SHT_NOBITS).
                (kind != 0 && kind != 8).then_some(offset)
            })
            .collect();
        self.kept
            .into_iter()
            .find(|c| starts.contains(&c.offset))
            .map(|c| c.bytes)
    }
}

enum Pushed {
    /// Every byte was taken; the stream goes on.
    More,
    /// The capture is over after this many bytes of the input (the stream ended, broke, or
    /// reached a cap).
    Ended(usize),
}

impl Capture {
    fn push(&mut self, input: &[u8], sink: &mut [u8]) -> Pushed {
        let room = AUDIT_DATA_CAP - self.candidate.bytes.len();
        let input = &input[..input.len().min(room)];
        let mut used = 0;
        loop {
            let before = (self.inflate.total_in(), self.inflate.total_out());
            let status = self.inflate.decompress(&input[used..], sink, FlushDecompress::None);
            let took = (self.inflate.total_in() - before.0) as usize;
            self.candidate.bytes.extend_from_slice(&input[used..used + took]);
            used += took;
            let moved = took > 0 || self.inflate.total_out() > before.1;
            match status {
                Ok(Status::StreamEnd) => return Pushed::Ended(used),
                Ok(Status::Ok | Status::BufError) if moved => {}
                // Stuck with input left: a broken stream.
                Ok(Status::Ok | Status::BufError) if used < input.len() => return Pushed::Ended(used),
                Ok(_) => break,
                Err(_) => return Pushed::Ended(used),
            }
            if self.inflate.total_out() > MAX_INFLATED {
                return Pushed::Ended(used);
            }
        }
        if self.candidate.bytes.len() >= AUDIT_DATA_CAP {
            return Pushed::Ended(used);
        }
        Pushed::More
    }
}

/// Where the section header table of the ELF file whose first 64 bytes are `head` is.
fn elf_layout(head: &[u8]) -> Option<ElfLayout> {
    let wide = match head.get(4)? {
        1 => false,
        2 => true,
        _ => return None,
    };
    let little = match head.get(5)? {
        1 => true,
        2 => false,
        _ => return None,
    };
    let (shoff, entsize, num) = if wide {
        (
            read(head, 0x28, 8, little)?,
            read(head, 0x3A, 2, little)?,
            read(head, 0x3C, 2, little)?,
        )
    } else {
        (
            read(head, 0x20, 4, little)?,
            read(head, 0x2E, 2, little)?,
            read(head, 0x30, 2, little)?,
        )
    };
    let len = entsize.checked_mul(num)?;
    let usable = entsize >= if wide { 64 } else { 40 }
        && shoff >= 64
        && shoff.checked_add(len).is_some()
        && len > 0
        && len <= MAX_SECTION_TABLE;
    usable.then_some(ElfLayout {
        wide,
        little,
        shoff,
        entsize,
        len,
    })
}

/// The unsigned integer of `n` bytes at `at`.
fn read(b: &[u8], at: usize, n: usize, little: bool) -> Option<u64> {
    let bytes = b.get(at..at.checked_add(n)?)?;
    let fold = |acc: u64, byte: &u8| (acc << 8) | u64::from(*byte);
    Some(if little {
        bytes.iter().rev().fold(0, fold)
    } else {
        bytes.iter().fold(0, fold)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_vuln::testing::{cargo_auditable_data, elf_with_sections};

    /// Feeds `file` to a search in pieces of `piece` bytes.
    fn search(file: &[u8], piece: usize) -> Option<Vec<u8>> {
        let mut search = AuditSearch::new();
        for chunk in file.chunks(piece) {
            search.feed(chunk);
        }
        search.finish()
    }

    fn data() -> Vec<u8> {
        cargo_auditable_data(&[("app", "0.1.0"), ("serde", "1.0.200"), ("time", "0.3.36")])
    }

    /// A reader that hands out at most 7 bytes at a time.
    struct Trickle<'a>(&'a [u8]);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(out.len()).min(7);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn the_section_is_found_whatever_the_pieces() {
        let data = data();
        // Past the first 64 KiB chunk, after code full of false starts.
        let elf = elf_with_sections(150_000, &[(".rodata", b"text"), (".dep-v0", &data)]);
        for piece in [1, 7, 63, 64, 65, 511, 512, 513, 4096, 65_536, elf.len()] {
            assert_eq!(search(&elf, piece).as_deref(), Some(&data[..]), "pieces of {piece}");
        }
        // Through the Go search's read, which feeds it.
        let mut audit = AuditSearch::new();
        assert_eq!(
            crate::go_build_info::find(Trickle(&elf), Some(&mut audit)).unwrap(),
            None
        );
        assert_eq!(audit.finish().as_deref(), Some(&data[..]));
        // The section as the last bytes before the section table, and first after the header.
        let early = elf_with_sections(0, &[(".dep-v0", &data)]);
        assert_eq!(search(&early, 5).as_deref(), Some(&data[..]));
    }

    /// A 32-bit big-endian ELF (as for MIPS or PowerPC): the header's and the table's
    /// fields are read at their 32-bit places, most significant byte first.
    #[test]
    fn a_32_bit_big_endian_elf_is_read() {
        let data = data();
        let mut elf = vec![0u8; 52];
        elf[..7].copy_from_slice(b"\x7fELF\x01\x02\x01");
        elf.resize(4000, 0x78);
        let offset = elf.len() as u32;
        elf.extend_from_slice(&data);
        let shoff = elf.len() as u32;
        elf.extend_from_slice(&[0u8; 40]);
        let mut entry = [0u8; 40];
        entry[4..8].copy_from_slice(&1u32.to_be_bytes());
        entry[16..20].copy_from_slice(&offset.to_be_bytes());
        entry[20..24].copy_from_slice(&(data.len() as u32).to_be_bytes());
        elf.extend_from_slice(&entry);
        elf[0x20..0x24].copy_from_slice(&shoff.to_be_bytes());
        elf[0x2E..0x30].copy_from_slice(&40u16.to_be_bytes());
        elf[0x30..0x32].copy_from_slice(&2u16.to_be_bytes());
        assert_eq!(search(&elf, 1000).as_deref(), Some(&data[..]));
        // Read as little-endian, the table is elsewhere: nothing confirmed.
        elf[5] = 1;
        assert_eq!(search(&elf, 1000), None);
    }

    #[test]
    fn only_a_section_start_counts() {
        let data = data();
        let mut inside = b"prefix".to_vec();
        inside.extend_from_slice(&data);
        let elf = elf_with_sections(10_000, &[(".rodata", &inside)]);
        assert_eq!(search(&elf, 4096), None, "the stream is not where a section starts");
        // A decoy before the real section does not hide it.
        let elf = elf_with_sections(10_000, &[(".rodata", &inside), (".dep-v0", &data)]);
        assert_eq!(search(&elf, 4096).as_deref(), Some(&data[..]));
        // No section table (stripped of it): nothing confirms the stream.
        let mut elf = elf_with_sections(10_000, &[(".dep-v0", &data)]);
        elf[40..48].fill(0);
        assert_eq!(search(&elf, 4096), None);
        // Not an ELF file: not searched.
        let mut script = b"#!/bin/sh\n".to_vec();
        script.extend_from_slice(&elf[10..]);
        let mut search = AuditSearch::new();
        search.feed(&script);
        assert!(!search.wants_more());
        assert_eq!(search.finish(), None);
    }

    #[test]
    fn what_is_kept_is_capped() {
        use std::io::Write;
        // A crate list that does not compress below the cap.
        let mut json = br#"{"packages":[{"name":""#.to_vec();
        let mut x: u32 = 1;
        while json.len() < 3 * AUDIT_DATA_CAP {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            json.push(b"0123456789abcdefghijklmnopqrstuvwxyz"[(x >> 16) as usize % 36]);
        }
        json.extend_from_slice(br#"","version":"1.0.0"}]}"#);
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(&json).unwrap();
        let big = encoder.finish().unwrap();
        assert!(big.len() > AUDIT_DATA_CAP);
        let elf = elf_with_sections(100, &[(".dep-v0", &big)]);
        let kept = search(&elf, 65_536).unwrap();
        assert_eq!(kept.len(), AUDIT_DATA_CAP);
        assert_eq!(kept[..], big[..AUDIT_DATA_CAP]);
        // A stream cut short (what follows it is no continuation) is kept as far as the
        // inflater took it: the inventory reports it as broken.
        let data = data();
        let mut cut = elf_with_sections(100, &[(".dep-v0", &data)]);
        let table = cut[cut.len() - 4 * 64..].to_vec();
        let at = memchr::memmem::find(&cut, &data).unwrap() + data.len() / 2;
        cut.truncate(at);
        cut.extend_from_slice(&table);
        cut[40..48].copy_from_slice(&(at as u64).to_le_bytes());
        let kept = search(&cut, 100).expect("the section starts there");
        assert!(kept.starts_with(&data[..data.len() / 2]));
        assert!(dockward_vuln::inventory::binaries::parse_cargo_auditable(&kept).is_err());
    }

    #[test]
    fn hostile_headers_are_harmless() {
        let data = data();
        let mut elf = elf_with_sections(1000, &[(".dep-v0", &data)]);
        // A section table past the end, of absurd size, or overflowing.
        for (shoff, num) in [(u64::MAX - 10, 2u16), (1 << 40, 65_535), (64, 65_535), (64, 0)] {
            elf[40..48].copy_from_slice(&shoff.to_le_bytes());
            elf[60..62].copy_from_slice(&num.to_le_bytes());
            assert_eq!(search(&elf, 333), None);
        }
        // Zlib headers everywhere.
        let noise: Vec<u8> = (0..200_000).map(|i| if i % 2 == 0 { 0x78 } else { 0xda }).collect();
        let elf = elf_with_sections(0, &[(".x", &noise)]);
        assert_eq!(search(&elf, 4096), None);
    }
}
