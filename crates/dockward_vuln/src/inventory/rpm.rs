//! rpm: the package database under `/var/lib/rpm`, `/usr/lib/sysimage/rpm` or
//! `/usr/share/rpm`, in any of rpm's three back ends — `rpmdb.sqlite` (RHEL/Alma/Rocky 9,
//! Fedora ≥ 33), Berkeley DB `Packages` (CentOS/RHEL 7 and 8, Amazon Linux 2) and NDB
//! `Packages.db` (SUSE 15). All three hold the same header blobs, read by
//! [`parse_header`].

use super::{Inventory, Location, MAX_DB_BYTES, Package, PackageKind, rpm_bdb, rpm_ndb};
use crate::tree::{FileMeta, FileTree};

const DIRS: [&str; 3] = ["/var/lib/rpm", "/usr/lib/sysimage/rpm", "/usr/share/rpm"];
/// The back ends' file names, in the order a folder's databases are tried: when a folder
/// holds more than one (a leftover of a conversion), the first that reads is the one rpm
/// uses on current systems.
const FILES: [&str; 3] = ["rpmdb.sqlite", "Packages.db", "Packages"];

/// Whether `path` is an rpm package database this module reads.
pub fn is_database(path: &str) -> bool {
    path.rsplit_once('/')
        .is_some_and(|(dir, file)| DIRS.contains(&dir) && FILES.contains(&file))
}

/// The packages of an rpm database of any back end (told by its file name), gpg-pubkey
/// entries left out, and how many headers could not be read.
pub fn parse_database(bytes: &[u8], path: &str) -> Result<(Vec<Package>, usize), String> {
    if path.ends_with("/rpmdb.sqlite") {
        return parse_sqlite(bytes, path);
    }
    if path.ends_with("/Packages.db") {
        let found = rpm_ndb::blobs(bytes)?;
        return Ok(packages(found.blobs.iter().copied(), found.unreadable, path));
    }
    let found = rpm_bdb::values(bytes)?;
    Ok(packages(found.values.iter().map(|v| &v[..]), found.unreadable, path))
}

/// The packages of an `rpmdb.sqlite` (gpg-pubkey entries left out), and how many headers
/// could not be read.
pub fn parse_sqlite(bytes: &[u8], path: &str) -> Result<(Vec<Package>, usize), String> {
    let rows = super::sqlite::table_rows(bytes, "Packages").map_err(|e| e.to_string())?;
    let blobs = rows.iter().filter_map(|row| match row.get(1) {
        Some(super::sqlite::Value::Blob(blob)) => Some(&blob[..]),
        _ => None,
    });
    Ok(packages(blobs, 0, path))
}

/// The packages of header blobs read from `path`, and how many could not be read (adding
/// `unreadable`, what the back end already could not read).
fn packages<'a>(blobs: impl Iterator<Item = &'a [u8]>, mut unreadable: usize, path: &str) -> (Vec<Package>, usize) {
    let mut packages = Vec::new();
    for blob in blobs {
        match parse_header(blob) {
            Some(pkg) if pkg.name != "gpg-pubkey" => packages.push(Package {
                location: Location {
                    path: path.to_string(),
                    range: None,
                },
                ..pkg
            }),
            Some(_) => {}
            None => unreadable += 1,
        }
    }
    (packages, unreadable)
}

pub fn collect(tree: &dyn FileTree, files: &[FileMeta], inv: &mut Inventory) {
    for dir in DIRS {
        for name in FILES {
            let path = format!("{dir}/{name}");
            if !files.iter().any(|f| f.path == path) {
                continue;
            }
            let bytes = match tree.read(&path, MAX_DB_BYTES) {
                Ok(bytes) => bytes,
                Err(e) => {
                    inv.warnings.push(format!(
                        "cannot read {e}: its rpm packages are missing from the inventory"
                    ));
                    continue;
                }
            };
            match parse_database(&bytes, &path) {
                Ok((packages, unreadable)) => {
                    inv.packages.extend(packages);
                    if unreadable > 0 {
                        inv.warnings
                            .push(format!("{path}: {unreadable} unreadable package headers"));
                    }
                    // This folder's database is read; others beside it are leftovers.
                    break;
                }
                Err(e) => inv
                    .warnings
                    .push(format!("{path}: {e}: its rpm packages are missing from the inventory")),
            }
        }
    }
}

const NAME: u32 = 1000;
const VERSION: u32 = 1001;
const RELEASE: u32 = 1002;
const EPOCH: u32 = 1003;
const LICENSE: u32 = 1014;
const ARCH: u32 = 1022;
const SOURCERPM: u32 = 1044;

/// Reads one rpm header blob (`il`, `dl`, `il` index entries of 16 bytes, `dl` data bytes).
pub fn parse_header(blob: &[u8]) -> Option<Package> {
    let u32_at = |b: &[u8], at: usize| -> Option<u32> { Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?)) };
    let il = u32_at(blob, 0)? as usize;
    let dl = u32_at(blob, 4)? as usize;
    let data_at = 8usize.checked_add(il.checked_mul(16)?)?;
    let data = blob.get(data_at..data_at.checked_add(dl)?)?;
    let mut name = None;
    let mut version = None;
    let mut release = None;
    let mut epoch = None;
    let mut arch = None;
    let mut license = None;
    let mut source = None;
    for i in 0..il {
        let at = 8 + i * 16;
        let (tag, kind, offset) = (u32_at(blob, at)?, u32_at(blob, at + 4)?, u32_at(blob, at + 8)? as usize);
        let string = || -> Option<String> {
            let rest = data.get(offset..)?;
            let end = rest.iter().position(|b| *b == 0)?;
            Some(String::from_utf8_lossy(&rest[..end]).into_owned())
        };
        match (tag, kind) {
            (NAME, 6) => name = string(),
            (VERSION, 6) => version = string(),
            (RELEASE, 6) => release = string(),
            (EPOCH, 4) => epoch = u32_at(data, offset),
            (ARCH, 6) => arch = string(),
            (LICENSE, 6) => license = string(),
            (SOURCERPM, 6) => source = string(),
            _ => {}
        }
    }
    let (name, version) = (name?, version?);
    let mut evr = match epoch {
        Some(e) if e > 0 => format!("{e}:{version}"),
        _ => version,
    };
    if let Some(release) = release {
        evr.push('-');
        evr.push_str(&release);
    }
    Some(Package {
        layer: None,
        kind: PackageKind::Rpm,
        source_name: source.as_deref().and_then(source_name),
        name,
        version: evr,
        source_version: None,
        arch,
        license,
        location: Location {
            path: String::new(),
            range: None,
        },
    })
}

/// `openssl-3.0.7-24.el9.src.rpm` → `openssl`.
fn source_name(srpm: &str) -> Option<String> {
    let base = srpm
        .strip_suffix(".src.rpm")
        .or_else(|| srpm.strip_suffix(".nosrc.rpm"))?;
    let (rest, _release) = base.rsplit_once('-')?;
    let (name, _version) = rest.rsplit_once('-')?;
    (!name.is_empty()).then(|| name.to_string())
}
