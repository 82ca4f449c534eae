//! A read-only reader of one SQLite table's rows (the file format, not the library): enough
//! to take the header blobs out of rpm's `rpmdb.sqlite` without linking SQLite's C code.
//!
//! It walks the table's b-tree from its root page (found in `sqlite_schema`), follows
//! overflow chains, and decodes records; every offset is bounds-checked and every walk has a
//! page budget, so a damaged or hostile file gives an error, never a panic or a loop. Rows
//! in a write-ahead log (`-wal`) not yet checkpointed are not seen.

type Result<T> = std::result::Result<T, String>;

/// A column value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Float(f64),
    Text(String),
    Blob(Vec<u8>),
}

struct Db<'a> {
    data: &'a [u8],
    page_size: usize,
    usable: usize,
    budget: std::cell::Cell<usize>,
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0, |v, b| (v << 8) | u64::from(*b))
}

/// SQLite's varint: 1–9 bytes, big-endian groups of 7 bits, the ninth byte whole.
fn varint(b: &[u8], at: &mut usize) -> Result<u64> {
    let mut v = 0u64;
    for i in 0..9 {
        let byte = *b.get(*at).ok_or("truncated varint")?;
        *at += 1;
        if i == 8 {
            return Ok((v << 8) | u64::from(byte));
        }
        v = (v << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Ok(v)
}

impl<'a> Db<'a> {
    fn open(data: &'a [u8]) -> Result<Db<'a>> {
        if data.len() < 100 || &data[..16] != b"SQLite format 3\0" {
            return Err("not an SQLite database".into());
        }
        let page_size = match be(&data[16..18]) {
            1 => 65_536,
            n if (512..=32_768).contains(&n) && n.is_power_of_two() => n as usize,
            n => return Err(format!("bad page size {n}")),
        };
        let reserved = usize::from(data[20]);
        let usable = page_size
            .checked_sub(reserved)
            .filter(|u| *u >= 480)
            .ok_or("bad reserved space")?;
        if be(&data[56..60]) > 1 {
            return Err("text encoding other than UTF-8".into());
        }
        Ok(Db {
            data,
            page_size,
            usable,
            budget: std::cell::Cell::new(data.len() / page_size + 16),
        })
    }

    fn page(&self, n: u64) -> Result<&'a [u8]> {
        let left = self.budget.get();
        if left == 0 {
            return Err("page budget exhausted (a loop in the file?)".into());
        }
        self.budget.set(left - 1);
        let n = usize::try_from(n).map_err(|_| "bad page number")?;
        let start = n
            .checked_sub(1)
            .ok_or("page 0")?
            .checked_mul(self.page_size)
            .ok_or("bad page number")?;
        self.data
            .get(start..start + self.page_size)
            .ok_or_else(|| format!("page {n} beyond the end of the file"))
    }

    /// Every row payload of the table b-tree rooted at `root`.
    fn rows(&self, root: u64, out: &mut Vec<Vec<u8>>) -> Result<()> {
        let mut stack = vec![root];
        while let Some(n) = stack.pop() {
            let page = self.page(n)?;
            let header = if n == 1 { 100 } else { 0 };
            let kind = *page.get(header).ok_or("short page")?;
            let cells = be(page.get(header + 3..header + 5).ok_or("short page")?) as usize;
            let (pointers, interior) = match kind {
                0x0D => (header + 8, false),
                0x05 => (header + 12, true),
                other => return Err(format!("page {n}: not a table b-tree page (type {other:#x})")),
            };
            if interior {
                stack.push(be(page.get(header + 8..header + 12).ok_or("short page")?));
            }
            for i in 0..cells {
                let at = pointers + 2 * i;
                let mut cell = be(page.get(at..at + 2).ok_or("short cell pointer array")?) as usize;
                if interior {
                    stack.push(be(page.get(cell..cell + 4).ok_or("short cell")?));
                    continue;
                }
                let size = usize::try_from(varint(page, &mut cell)?).map_err(|_| "bad payload size")?;
                let _rowid = varint(page, &mut cell)?;
                out.push(self.payload(page, cell, size)?);
            }
        }
        Ok(())
    }

    /// A cell's payload: the local part, then the overflow chain.
    fn payload(&self, page: &[u8], at: usize, size: usize) -> Result<Vec<u8>> {
        if size > self.data.len() {
            return Err("payload larger than the file".into());
        }
        let u = self.usable;
        let x = u - 35;
        let local = if size <= x {
            size
        } else {
            let m = ((u - 12) * 32 / 255) - 23;
            let k = m + (size - m) % (u - 4);
            if k <= x { k } else { m }
        };
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(page.get(at..at + local).ok_or("short payload")?);
        let mut next = if local < size {
            be(page.get(at + local..at + local + 4).ok_or("short overflow pointer")?)
        } else {
            0
        };
        while out.len() < size {
            if next == 0 {
                return Err("overflow chain ends early".into());
            }
            let overflow = self.page(next)?;
            next = be(&overflow[..4]);
            let take = (size - out.len()).min(u - 4);
            out.extend_from_slice(overflow.get(4..4 + take).ok_or("short overflow page")?);
        }
        Ok(out)
    }
}

/// Decodes a record (header of serial types, then the values).
fn record(payload: &[u8]) -> Result<Vec<Value>> {
    let mut at = 0;
    let header_size = usize::try_from(varint(payload, &mut at)?).map_err(|_| "bad record header")?;
    if header_size > payload.len() {
        return Err("record header beyond the record".into());
    }
    let mut types = Vec::new();
    while at < header_size {
        types.push(varint(payload, &mut at)?);
    }
    let mut body = header_size;
    let mut values = Vec::with_capacity(types.len());
    for t in types {
        let len = match t {
            0 | 8 | 9 => 0,
            1..=4 => t as usize,
            5 => 6,
            6 | 7 => 8,
            n if n >= 12 => ((n - 12) / 2) as usize,
            _ => return Err(format!("reserved serial type {t}")),
        };
        let bytes = payload
            .get(body..body.checked_add(len).ok_or("bad length")?)
            .ok_or("record value beyond the record")?;
        body += len;
        values.push(match t {
            0 => Value::Null,
            8 => Value::Int(0),
            9 => Value::Int(1),
            1..=6 => {
                let raw = be(bytes);
                let bits = len as u32 * 8;
                // Sign-extend from `bits`.
                let shift = 64 - bits;
                Value::Int(((raw << shift) as i64) >> shift)
            }
            7 => Value::Float(f64::from_bits(be(bytes))),
            n if n % 2 == 0 => Value::Blob(bytes.to_vec()),
            _ => Value::Text(String::from_utf8_lossy(bytes).into_owned()),
        });
    }
    Ok(values)
}

/// The rows of table `table` (by its name in `sqlite_schema`), as column values. A column
/// that is an alias of the rowid (`INTEGER PRIMARY KEY`) reads as `Null`.
pub fn table_rows(data: &[u8], table: &str) -> Result<Vec<Vec<Value>>> {
    let db = Db::open(data)?;
    let mut schema = Vec::new();
    db.rows(1, &mut schema)?;
    let root = schema
        .iter()
        .filter_map(|payload| record(payload).ok())
        .find(|row| row.first() == Some(&Value::Text("table".into())) && row.get(1) == Some(&Value::Text(table.into())))
        .and_then(|row| match row.get(3) {
            Some(Value::Int(root)) if *root > 0 => Some(*root as u64),
            _ => None,
        })
        .ok_or_else(|| format!("no table `{table}`"))?;
    let mut payloads = Vec::new();
    db.rows(root, &mut payloads)?;
    payloads.iter().map(|p| record(p)).collect()
}
