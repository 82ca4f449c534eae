//! rpm: `rpmdb.sqlite` (RHEL/Alma/Rocky 9, Fedora ≥ 33) under `/var/lib/rpm`,
//! `/usr/lib/sysimage/rpm` or `/usr/share/rpm`. The Berkeley DB (`Packages`) and NDB
//! (`Packages.db`) back ends are not read; their presence is reported.

use super::{Inventory, Location, MAX_DB_BYTES, Package, PackageKind};
use crate::tree::{FileMeta, FileTree};

const SQLITE_PATHS: [&str; 3] = [
    "/var/lib/rpm/rpmdb.sqlite",
    "/usr/lib/sysimage/rpm/rpmdb.sqlite",
    "/usr/share/rpm/rpmdb.sqlite",
];
const OLD_BACKENDS: [&str; 4] = [
    "/var/lib/rpm/Packages",
    "/var/lib/rpm/Packages.db",
    "/usr/lib/sysimage/rpm/Packages",
    "/usr/lib/sysimage/rpm/Packages.db",
];

/// The packages of an `rpmdb.sqlite` (gpg-pubkey entries left out), and how many headers
/// could not be read.
pub fn parse_sqlite(bytes: &[u8], path: &str) -> Result<(Vec<Package>, usize), String> {
    let rows = super::sqlite::table_rows(bytes, "Packages").map_err(|e| e.to_string())?;
    let mut packages = Vec::new();
    let mut unreadable = 0;
    for row in rows {
        let Some(super::sqlite::Value::Blob(blob)) = row.get(1) else {
            continue;
        };
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
    Ok((packages, unreadable))
}

pub fn collect(tree: &dyn FileTree, files: &[FileMeta], inv: &mut Inventory) {
    let mut read_one = false;
    for file in files.iter().filter(|f| SQLITE_PATHS.contains(&f.path.as_str())) {
        let bytes = match tree.read(&file.path, MAX_DB_BYTES) {
            Ok(bytes) => bytes,
            Err(e) => {
                inv.warnings.push(format!("cannot read {e}"));
                continue;
            }
        };
        match parse_sqlite(&bytes, &file.path) {
            Ok((packages, unreadable)) => {
                read_one = true;
                inv.packages.extend(packages);
                if unreadable > 0 {
                    inv.warnings
                        .push(format!("{}: {unreadable} unreadable package headers", file.path));
                }
            }
            Err(e) => inv.warnings.push(format!("{}: {e}", file.path)),
        }
    }
    if !read_one && files.iter().any(|f| OLD_BACKENDS.contains(&f.path.as_str())) {
        inv.warnings.push(
            "an rpm Berkeley DB or NDB database is present; only rpmdb.sqlite is read: rpm packages are missing from the inventory"
                .into(),
        );
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
