//! rpm package databases made by rpm's own tools, for tests: `rpmbuild` builds a set of
//! small packages (one spec, many subpackages, some with an epoch, some with a long
//! description so that their header needs overflow pages), `rpm --justdb` installs them
//! into an `rpmdb.sqlite`, `rpmdb --exportdb` gives their header blobs back, and
//! Berkeley DB's `db5.3_load` writes those blobs into a hash database `Packages` exactly as
//! rpm's Berkeley DB back end stores them (key: the header's instance number).
//!
//! Debian's rpm has no NDB back end, so [`ndb_from_blobs`] lays out a `Packages.db` from
//! the exported blobs as rpm's `rpmpkg.c` writes it; when the local rpm does have the
//! NDB back end ([`rpm_has_ndb`]), `rpmdb --rebuilddb` writes the real one instead.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What rpm says is installed: `(name, epoch, version, release, arch)`, sorted.
pub type Listed = Vec<(String, Option<u32>, String, String, String)>;

/// A set of packages installed by rpm, its header blobs, and rpm's own listing.
pub struct RpmFixture {
    /// The folder holding `rpmdb.sqlite` that rpm wrote.
    pub sqlite_dir: PathBuf,
    /// The header blobs as `rpmdb --exportdb` gave them, in rpm's order.
    pub blobs: Vec<Vec<u8>>,
    /// `rpm -qa` of the installed database.
    pub listed: Listed,
}

/// Whether the tools are here: `rpmbuild`, `rpm`, `rpmdb` and `db5.3_load`. Outside CI a
/// missing tool is a skip (with a message); under `CI=true` it is a failure.
///
/// # Panics
/// Under `CI=true` when a tool is missing.
pub fn tools_present() -> bool {
    let missing: Vec<&str> = ["rpmbuild", "rpm", "rpmdb", "db5.3_load"]
        .into_iter()
        .filter(|tool| {
            !Command::new(tool)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
                // db5.3_load has no --version: it answers -V.
                && !Command::new(tool)
                    .arg("-V")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success())
        })
        .collect();
    if missing.is_empty() {
        return true;
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "{missing:?} missing: Debian's rpm and db5.3-util are needed under CI=true"
    );
    eprintln!("SKIPPED: {missing:?} missing (apt-get install rpm db5.3-util)");
    false
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Builds `count` packages (`count` ≥ 2) in `work`, installs them into an rpm database and
/// reads back their headers and rpm's listing of them.
pub fn build(work: &Path, count: usize) -> RpmFixture {
    let mut spec = String::from(
        "Name: dw-base\nVersion: 1.0\nRelease: 1.el8\nSummary: base\nLicense: MIT\n%description\nbase\n%files\n",
    );
    for i in 1..count {
        let _ = write!(
            spec,
            "%package -n dw-pkg{i}\nSummary: package {i}\nVersion: {i}.{}.0\nRelease: {}.el8\nLicense: GPL-2.0-or-later\n",
            i % 7,
            i % 3 + 1
        );
        if i % 4 == 0 {
            let _ = writeln!(spec, "Epoch: {}", i / 4);
        }
        if i % 2 == 0 {
            spec.push_str("BuildArch: noarch\n");
        }
        // Descriptions from a few bytes to tens of KiB: headers from well under a page
        // to many pages.
        let _ = writeln!(
            spec,
            "%description -n dw-pkg{i}\n{}",
            "A line of description text for the overflow chains.\n".repeat((i * i * 3) % 700)
        );
        let _ = writeln!(spec, "%files -n dw-pkg{i}");
    }
    let top = work.join("rpmbuild");
    std::fs::create_dir_all(&top).unwrap();
    std::fs::write(work.join("dw.spec"), spec).unwrap();
    run(Command::new("rpmbuild")
        .arg("-bb")
        .arg("--define")
        .arg(format!("_topdir {}", top.display()))
        .arg(work.join("dw.spec")));
    // RPMS/<arch>/*.rpm, whatever the build machine's architecture.
    let rpms: Vec<PathBuf> = std::fs::read_dir(top.join("RPMS"))
        .unwrap()
        .flatten()
        .flat_map(|arch| std::fs::read_dir(arch.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .collect();
    let sqlite_dir = work.join("sqlite");
    std::fs::create_dir_all(&sqlite_dir).unwrap();
    run(Command::new("rpm").arg("--dbpath").arg(&sqlite_dir).arg("--initdb"));
    run(Command::new("rpm")
        .arg("--dbpath")
        .arg(&sqlite_dir)
        .args(["--justdb", "--nodeps", "--noscripts", "--ignorearch", "-i"])
        .args(&rpms));
    let export = run(Command::new("rpmdb").arg("--dbpath").arg(&sqlite_dir).arg("--exportdb"));
    let listed = list(&sqlite_dir, None);
    RpmFixture {
        sqlite_dir,
        blobs: split_export(&export),
        listed,
    }
}

/// `rpm -qa` of the database in `dbpath` (with `backend` as `_db_backend` when given).
pub fn list(dbpath: &Path, backend: Option<&str>) -> Listed {
    let mut cmd = Command::new("rpm");
    cmd.arg("--dbpath").arg(dbpath);
    if let Some(backend) = backend {
        cmd.arg("--define").arg(format!("_db_backend {backend}"));
    }
    cmd.args([
        "-qa",
        "--qf",
        "%{NAME}\\t%{EPOCH}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n",
    ]);
    let text = String::from_utf8(run(&mut cmd)).unwrap();
    let mut listed: Listed = text
        .lines()
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            (
                f[0].to_string(),
                f[1].parse().ok(),
                f[2].to_string(),
                f[3].to_string(),
                f[4].to_string(),
            )
        })
        .collect();
    listed.sort();
    listed
}

/// The header blobs of `rpmdb --exportdb` output: each header as rpm writes it to a
/// file, its 8-byte magic (`8e ad e8 01`, 4 reserved bytes) before the blob.
fn split_export(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut blobs = Vec::new();
    while !bytes.is_empty() {
        assert_eq!(&bytes[..4], &[0x8e, 0xad, 0xe8, 0x01], "header magic");
        let il = u32::from_be_bytes(bytes[8..12].try_into().unwrap()) as usize;
        let dl = u32::from_be_bytes(bytes[12..16].try_into().unwrap()) as usize;
        let end = 16 + il * 16 + dl;
        blobs.push(bytes[8..end].to_vec());
        bytes = &bytes[end..];
    }
    blobs
}

/// Writes `blobs` into a Berkeley DB hash database at `path` with `db5.3_load`, keyed
/// 1, 2, 3… in the byte order `lorder` (1234 little-endian, 4321 big-endian), with the
/// page size given, with page checksums when `checksum`.
pub fn write_bdb(path: &Path, blobs: &[Vec<u8>], page_size: u32, lorder: u32, checksum: bool) {
    let hex = |bytes: &[u8]| {
        bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    };
    let mut dump =
        format!("VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize={page_size}\ndb_lorder={lorder}\nHEADER=END\n");
    for (i, blob) in blobs.iter().enumerate() {
        let key = i as u32 + 1;
        let key = if lorder == 4321 {
            key.to_be_bytes()
        } else {
            key.to_le_bytes()
        };
        let _ = writeln!(dump, " {}\n {}", hex(&key), hex(blob));
    }
    dump.push_str("DATA=END\n");
    let mut cmd = Command::new("db5.3_load");
    if checksum {
        cmd.args(["-c", "chksum=1"]);
    }
    let mut child = cmd
        .arg(path)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("db5.3_load");
    {
        use std::io::Write as _;
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(dump.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "db5.3_load: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether the local rpm has the NDB back end (Debian's does not).
pub fn rpm_has_ndb() -> bool {
    Command::new("rpm")
        .arg("--showrc")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.starts_with("available backends") && l.split_whitespace().any(|w| w == "ndb"))
        })
        .unwrap_or(false)
}

/// A `Packages.db` holding `blobs` as rpm's NDB back end lays it out: the 32-byte header,
/// one slot page, each blob in 16-byte blocks between its head and its tail (Adler-32,
/// length, magic).
pub fn ndb_from_blobs(blobs: &[Vec<u8>]) -> Vec<u8> {
    let slot_pages = (32 + blobs.len() * 16).div_ceil(4096);
    let mut out = Vec::new();
    out.extend_from_slice(b"RpmP");
    for v in [0u32, 1, slot_pages as u32, blobs.len() as u32 + 1, 0, 0, 0] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let mut data = Vec::new();
    let mut slots = Vec::new();
    for (i, blob) in blobs.iter().enumerate() {
        let index = i as u32 + 1;
        let offset = (slot_pages * 4096 + data.len()) / 16;
        let mut one = Vec::new();
        one.extend_from_slice(b"BlbS");
        one.extend_from_slice(&index.to_le_bytes());
        one.extend_from_slice(&1_700_000_000u32.to_le_bytes());
        one.extend_from_slice(&(blob.len() as u32).to_le_bytes());
        one.extend_from_slice(blob);
        let blocks = (16 + blob.len() + 12).div_ceil(16);
        one.resize(blocks * 16 - 12, 0);
        let adler = adler32(&one);
        one.extend_from_slice(&adler.to_le_bytes());
        one.extend_from_slice(&(blob.len() as u32).to_le_bytes());
        one.extend_from_slice(b"BlbE");
        data.extend_from_slice(&one);
        slots.push((index, offset as u32, blocks as u32));
    }
    for (index, offset, blocks) in slots {
        out.extend_from_slice(b"Slot");
        for v in [index, offset, blocks] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    while out.len() < slot_pages * 4096 {
        out.extend_from_slice(b"Slot");
        out.extend_from_slice(&[0; 12]);
    }
    out.extend_from_slice(&data);
    out
}

/// Adler-32 computed the plain way (the reader has its own, chunked one).
fn adler32(bytes: &[u8]) -> u32 {
    let (mut a, mut b) = (1u64, 0u64);
    for x in bytes {
        a = (a + u64::from(*x)) % 65521;
        b = (b + a) % 65521;
    }
    ((b << 16) | a) as u32
}
