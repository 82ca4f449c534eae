//! One ecosystem's vulnerability index: what matching needs from the OSV records of one
//! ecosystem family (`Debian` holds `Debian:11`, `Debian:12`…), in a compact byte form.
//!
//! The file is memory-mapped (`dockward_mmap`) and used in place: a sorted key table
//! (`<ecosystem>\0<package>` → entries) is binary-searched without building any map, and
//! only the entries of the packages looked up are decoded. Opening therefore reads only
//! the header, and a lookup is a binary search plus the decoding of a few records; only
//! the pages those touch are loaded.
//!
//! Layout (integers little-endian u32 unless said otherwise):
//! `"DWOSVIX1"`, key count, vulnerability count, blob length; key table (key offset, key
//! length, entries offset, entries length) sorted by key bytes; vulnerability table
//! (offset, length); the blob holding keys, entry lists and vulnerabilities.

use crate::codec::{Corrupt, Reader, Writer};
use dockward_core::fs::ReadError;
use dockward_mmap::{FileBytes, map_regular_file};
use std::collections::BTreeMap;
use std::path::Path;

const MAGIC: &[u8; 8] = b"DWOSVIX1";
const HEADER: usize = 8 + 4 * 3;

/// How bad a vulnerability is, as the record says.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeverityData {
    /// CVSS base score computed from `vector`.
    pub score: Option<f32>,
    /// The CVSS vector the score comes from (or a v4 vector left unscored).
    pub vector: String,
    /// A vendor's word: GHSA `HIGH`/`MODERATE`, Ubuntu priority `low`, …
    pub label: String,
}

/// What an OSV range event says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
    Limit,
}

/// A `SEMVER` or `ECOSYSTEM` range (`GIT` ranges are not stored: they cannot match a
/// package version).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RangeData {
    pub semver: bool,
    pub events: Vec<(EventKind, String)>,
}

/// One `affected[]` entry of a record, for one package of one ecosystem.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Entry {
    /// Index into the file's vulnerability table.
    pub vuln: u32,
    pub ranges: Vec<RangeData>,
    pub versions: Vec<String>,
    pub severity: SeverityData,
    /// Debian's urgency (`unimportant`, `low`, …, `not yet assigned`), stripped of marks.
    pub urgency: String,
}

/// A vulnerability's identity and description.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VulnData {
    pub id: String,
    /// Aliases and upstream ids (`CVE-…`), without the id itself.
    pub aliases: Vec<String>,
    pub summary: String,
    pub modified: String,
    pub url: String,
}

/// Builds an index file.
#[derive(Default)]
pub struct IndexBuilder {
    vulns: Vec<VulnData>,
    by_id: BTreeMap<String, u32>,
    entries: BTreeMap<Vec<u8>, Vec<Entry>>,
}

impl IndexBuilder {
    /// Adds a vulnerability (once per id) and returns its number.
    pub fn vuln(&mut self, vuln: VulnData) -> u32 {
        if let Some(n) = self.by_id.get(&vuln.id) {
            return *n;
        }
        let n = self.vulns.len() as u32;
        self.by_id.insert(vuln.id.clone(), n);
        self.vulns.push(vuln);
        n
    }

    /// Adds an affected entry for `name` in `ecosystem` (full string, `Debian:12`).
    pub fn entry(&mut self, ecosystem: &str, name: &str, entry: Entry) {
        self.entries.entry(key(ecosystem, name)).or_default().push(entry);
    }

    pub fn vuln_count(&self) -> usize {
        self.vulns.len()
    }

    /// Number of `(ecosystem, package)` keys.
    pub fn key_len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The file's bytes.
    pub fn finish(self) -> Vec<u8> {
        let mut blob = Writer::default();
        let mut keys = Vec::with_capacity(self.entries.len());
        for (key, entries) in &self.entries {
            let key_at = blob.buf.len() as u32;
            blob.buf.extend_from_slice(key);
            let entries_at = blob.buf.len() as u32;
            blob.varint(entries.len() as u64);
            for entry in entries {
                write_entry(&mut blob, entry);
            }
            keys.push([key_at, key.len() as u32, entries_at, blob.buf.len() as u32 - entries_at]);
        }
        let mut vulns = Vec::with_capacity(self.vulns.len());
        for vuln in &self.vulns {
            let at = blob.buf.len() as u32;
            blob.str(&vuln.id);
            blob.strs(&vuln.aliases);
            blob.str(&vuln.summary);
            blob.str(&vuln.modified);
            blob.str(&vuln.url);
            vulns.push([at, blob.buf.len() as u32 - at]);
        }
        let mut out = Writer::default();
        out.buf.extend_from_slice(MAGIC);
        out.u32_le(keys.len() as u32);
        out.u32_le(vulns.len() as u32);
        out.u32_le(blob.buf.len() as u32);
        for row in keys {
            row.iter().for_each(|v| out.u32_le(*v));
        }
        for row in vulns {
            row.iter().for_each(|v| out.u32_le(*v));
        }
        out.buf.extend_from_slice(&blob.buf);
        out.buf
    }
}

fn key(ecosystem: &str, name: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(ecosystem.len() + name.len() + 1);
    key.extend_from_slice(ecosystem.as_bytes());
    key.push(0);
    key.extend_from_slice(name.as_bytes());
    key
}

fn write_severity(w: &mut Writer, s: &SeverityData) {
    // Tenths of a point; u16::MAX = no score.
    let tenths = s
        .score
        .map_or(u16::MAX, |v| (v * 10.0).round().clamp(0.0, 100.0) as u16);
    w.varint(u64::from(tenths));
    w.str(&s.vector);
    w.str(&s.label);
}

fn write_entry(w: &mut Writer, e: &Entry) {
    w.varint(u64::from(e.vuln));
    w.varint(e.ranges.len() as u64);
    for range in &e.ranges {
        w.u8(u8::from(range.semver));
        w.varint(range.events.len() as u64);
        for (kind, version) in &range.events {
            w.u8(match kind {
                EventKind::Introduced => 0,
                EventKind::Fixed => 1,
                EventKind::LastAffected => 2,
                EventKind::Limit => 3,
            });
            w.str(version);
        }
    }
    w.strs(&e.versions);
    write_severity(w, &e.severity);
    w.str(&e.urgency);
}

/// An index file, mapped or in memory.
pub struct Index {
    data: FileBytes,
    keys: usize,
    vulns: usize,
    blob_at: usize,
}

impl Index {
    /// Maps the index file at `path` (a regular file of at most `max_bytes`). `Ok(Err)`
    /// when it was read but is not an index.
    pub fn open(path: &Path, max_bytes: u64) -> Result<Result<Index, Corrupt>, ReadError> {
        Ok(Index::from_bytes(map_regular_file(path, max_bytes)?))
    }

    /// Checks the header and table sizes; the rest is checked as it is read.
    pub fn from_bytes(data: impl Into<FileBytes>) -> Result<Index, Corrupt> {
        let data = data.into();
        if data.len() < HEADER || &data[..8] != MAGIC {
            return Err(Corrupt);
        }
        let mut r = Reader::new(&data[8..HEADER]);
        let keys = r.u32_le()? as usize;
        let vulns = r.u32_le()? as usize;
        let blob = r.u32_le()? as usize;
        let blob_at = HEADER + keys * 16 + vulns * 8;
        if data.len() != blob_at + blob {
            return Err(Corrupt);
        }
        Ok(Index {
            data,
            keys,
            vulns,
            blob_at,
        })
    }

    /// Whether the index is a map of its file (not a copy in memory).
    pub fn is_mapped(&self) -> bool {
        self.data.is_mapped()
    }

    pub fn key_count(&self) -> usize {
        self.keys
    }

    pub fn vuln_count(&self) -> usize {
        self.vulns
    }

    fn row(&self, at: usize, n: usize) -> Result<[u32; 4], Corrupt> {
        let mut r = Reader::new(self.data.get(at..at + n * 4).ok_or(Corrupt)?);
        let mut row = [0; 4];
        for v in row.iter_mut().take(n) {
            *v = r.u32_le()?;
        }
        Ok(row)
    }

    fn blob(&self, at: u32, len: u32) -> Result<&[u8], Corrupt> {
        let start = self.blob_at + at as usize;
        self.data.get(start..start + len as usize).ok_or(Corrupt)
    }

    /// The entries of `name` in `ecosystem` (exact strings), or none.
    pub fn lookup(&self, ecosystem: &str, name: &str) -> Result<Vec<Entry>, Corrupt> {
        let wanted = key(ecosystem, name);
        let (mut lo, mut hi) = (0, self.keys);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let row = self.row(HEADER + mid * 16, 4)?;
            let key = self.blob(row[0], row[1])?;
            match key.cmp(&wanted[..]) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return read_entries(self.blob(row[2], row[3])?),
            }
        }
        Ok(Vec::new())
    }

    /// The index of the first key at or above `wanted`.
    fn lower_bound(&self, wanted: &[u8]) -> Result<usize, Corrupt> {
        let (mut lo, mut hi) = (0, self.keys);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let row = self.row(HEADER + mid * 16, 4)?;
            if self.blob(row[0], row[1])? < wanted {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        Ok(lo)
    }

    /// The distinct ecosystem strings of this file (`Red Hat:enterprise_linux:9::appstream`,
    /// `Red Hat:enterprise_linux:9::baseos`…), in byte order: one binary search per
    /// ecosystem, not a walk over every key. Product streams (Red Hat, SUSE) are chosen
    /// among these.
    pub fn ecosystems(&self) -> Result<Vec<String>, Corrupt> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < self.keys {
            let row = self.row(HEADER + at * 16, 4)?;
            let key = self.blob(row[0], row[1])?;
            let end = key.iter().position(|b| *b == 0).ok_or(Corrupt)?;
            let ecosystem = std::str::from_utf8(&key[..end]).map_err(|_| Corrupt)?;
            out.push(ecosystem.to_string());
            // Every key of this ecosystem is `<ecosystem>\0<name>`, below `<ecosystem>\x01`.
            let mut next = key[..end].to_vec();
            next.push(1);
            let following = self.lower_bound(&next)?;
            // A sorted table always moves forward; a damaged one must not loop.
            if following <= at {
                return Err(Corrupt);
            }
            at = following;
        }
        Ok(out)
    }

    /// Vulnerability number `n` of this file.
    pub fn vuln(&self, n: u32) -> Result<VulnData, Corrupt> {
        if n as usize >= self.vulns {
            return Err(Corrupt);
        }
        let row = self.row(HEADER + self.keys * 16 + n as usize * 8, 2)?;
        let mut r = Reader::new(self.blob(row[0], row[1])?);
        Ok(VulnData {
            id: r.str()?.to_string(),
            aliases: r.strs()?.into_iter().map(str::to_string).collect(),
            summary: r.str()?.to_string(),
            modified: r.str()?.to_string(),
            url: r.str()?.to_string(),
        })
    }

    /// Every `(ecosystem, package)` key, for statistics and tests.
    pub fn keys(&self) -> Result<Vec<(String, String)>, Corrupt> {
        (0..self.keys)
            .map(|i| {
                let row = self.row(HEADER + i * 16, 4)?;
                let key = std::str::from_utf8(self.blob(row[0], row[1])?).map_err(|_| Corrupt)?;
                let (eco, name) = key.split_once('\0').ok_or(Corrupt)?;
                Ok((eco.to_string(), name.to_string()))
            })
            .collect()
    }
}

fn read_entries(bytes: &[u8]) -> Result<Vec<Entry>, Corrupt> {
    let mut r = Reader::new(bytes);
    let n = r.count()?;
    let mut entries = Vec::with_capacity(n);
    for _ in 0..n {
        let vuln = u32::try_from(r.varint()?).map_err(|_| Corrupt)?;
        let ranges = (0..r.count()?)
            .map(|_| {
                let semver = r.u8()? != 0;
                let events = (0..r.count()?)
                    .map(|_| {
                        let kind = match r.u8()? {
                            0 => EventKind::Introduced,
                            1 => EventKind::Fixed,
                            2 => EventKind::LastAffected,
                            3 => EventKind::Limit,
                            _ => return Err(Corrupt),
                        };
                        Ok((kind, r.str()?.to_string()))
                    })
                    .collect::<Result<_, _>>()?;
                Ok(RangeData { semver, events })
            })
            .collect::<Result<_, _>>()?;
        let versions = r.strs()?.into_iter().map(str::to_string).collect();
        let tenths = r.varint()?;
        let severity = SeverityData {
            score: (tenths <= 100).then(|| tenths as f32 / 10.0),
            vector: r.str()?.to_string(),
            label: r.str()?.to_string(),
        };
        let urgency = r.str()?.to_string();
        entries.push(Entry {
            vuln,
            ranges,
            versions,
            severity,
            urgency,
        });
    }
    Ok(entries)
}
