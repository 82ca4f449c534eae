//! Digests checked while the bytes stream by: blobs of OCI layouts and Docker ≥ 25
//! archives are named by the sha256 of their content, and an image's configuration lists
//! the sha256 of each uncompressed layer (`rootfs.diff_ids`). A blob that does not hash to
//! its name was altered or truncated after it was written.

use ring::digest::{Context, SHA256};
use std::io::{self, Read};

/// The hex part of a `sha256:…` digest, when it is one (other algorithms are not checked).
pub(crate) fn sha256_hex(digest: &str) -> Option<&str> {
    let hex = digest.strip_prefix("sha256:")?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(hex)
}

/// `sha256:` and the lower-case hex of `bytes`' digest.
pub(crate) fn sha256_of(bytes: &[u8]) -> String {
    let mut ctx = Context::new(&SHA256);
    ctx.update(bytes);
    finish(ctx)
}

fn finish(ctx: Context) -> String {
    let mut out = String::with_capacity(71);
    out.push_str("sha256:");
    for b in ctx.finish().as_ref() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// A reader that hashes what passes through it (when asked to) and counts it.
pub(crate) struct Hashing<'p, R> {
    pub inner: R,
    ctx: Option<Context>,
    pub count: u64,
    /// Called with `count` every [`TICK`] bytes.
    tick: Option<&'p dyn Fn(u64)>,
    next_tick: u64,
}

/// Bytes between two progress calls.
const TICK: u64 = 4 << 20;

impl<'p, R> Hashing<'p, R> {
    pub fn new(inner: R, hash: bool, tick: Option<&'p dyn Fn(u64)>) -> Self {
        Self {
            inner,
            ctx: hash.then(|| Context::new(&SHA256)),
            count: 0,
            tick,
            next_tick: TICK,
        }
    }

    /// `sha256:…` of what was read, when hashing.
    pub fn digest(self) -> Option<String> {
        self.ctx.map(finish)
    }
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(ctx) = &mut self.ctx {
            ctx.update(&buf[..n]);
        }
        self.count += n as u64;
        if let Some(tick) = self.tick
            && self.count >= self.next_tick
        {
            self.next_tick = self.count + TICK;
            tick(self.count);
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_of_known_inputs() {
        assert_eq!(
            sha256_of(b"abc"),
            "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut h = Hashing::new(&b"abc"[..], true, None);
        io::copy(&mut h, &mut io::sink()).unwrap();
        assert_eq!(h.count, 3);
        assert_eq!(h.digest().unwrap(), sha256_of(b"abc"));
        assert_eq!(sha256_hex("sha256:xyz"), None);
        assert_eq!(sha256_hex("sha512:ab"), None);
    }
}
