//! The index's byte encoding: LEB128 integers and length-prefixed strings, read back with
//! bounds checks everywhere (a damaged index gives an error, never a panic).

/// Appends values to a buffer.
#[derive(Default)]
pub struct Writer {
    pub buf: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }

    pub fn u32_le(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }

    pub fn varint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(byte);
                return;
            }
            self.buf.push(byte | 0x80);
        }
    }

    pub fn str(&mut self, s: &str) {
        self.varint(s.len() as u64);
        self.buf.extend_from_slice(s.as_bytes());
    }

    pub fn strs(&mut self, items: &[String]) {
        self.varint(items.len() as u64);
        for s in items {
            self.str(s);
        }
    }
}

/// The index is damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

/// Reads values from a byte slice.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data, pos: 0 }
    }

    pub fn u8(&mut self) -> Result<u8, Corrupt> {
        let v = *self.data.get(self.pos).ok_or(Corrupt)?;
        self.pos += 1;
        Ok(v)
    }

    pub fn u32_le(&mut self) -> Result<u32, Corrupt> {
        let bytes = self.data.get(self.pos..self.pos + 4).ok_or(Corrupt)?;
        self.pos += 4;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    pub fn varint(&mut self) -> Result<u64, Corrupt> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.u8()?;
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(Corrupt)
    }

    /// A count of items each at least one byte long: bounded by the bytes left, so a
    /// damaged count cannot make a caller allocate without bound.
    pub fn count(&mut self) -> Result<usize, Corrupt> {
        let n = usize::try_from(self.varint()?).map_err(|_| Corrupt)?;
        if n > self.data.len() - self.pos {
            return Err(Corrupt);
        }
        Ok(n)
    }

    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], Corrupt> {
        let end = self.pos.checked_add(n).ok_or(Corrupt)?;
        let bytes = self.data.get(self.pos..end).ok_or(Corrupt)?;
        self.pos = end;
        Ok(bytes)
    }

    pub fn str(&mut self) -> Result<&'a str, Corrupt> {
        let n = self.count()?;
        std::str::from_utf8(self.bytes(n)?).map_err(|_| Corrupt)
    }

    pub fn strs(&mut self) -> Result<Vec<&'a str>, Corrupt> {
        let n = self.count()?;
        (0..n).map(|_| self.str()).collect()
    }
}
