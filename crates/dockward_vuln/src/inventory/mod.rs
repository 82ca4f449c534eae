//! Package inventory of a file tree: the OS, then every package database and language
//! package the tree holds.
//!
//! Readers know nothing of vulnerabilities; they report what is installed, with the file
//! (and the byte range in it) each package was read from. A file that cannot be read or
//! parsed is a warning naming it, and the inventory goes on.

pub mod apk;
pub mod binaries;
pub mod dpkg;
pub mod java;
pub mod layers;
pub mod npm;
pub mod os;
pub mod python;
pub mod rpm;
pub mod rpm_bdb;
pub mod rpm_ndb;
pub mod sqlite;

use crate::tree::{FileMeta, FileTree};
pub use os::OsInfo;

/// Size caps for the files the inventory reads.
pub const MAX_DB_BYTES: u64 = 256 * 1024 * 1024;
pub const MAX_SMALL_BYTES: u64 = 4 * 1024 * 1024;
pub const MAX_BINARY_BYTES: u64 = 512 * 1024 * 1024;

/// What kind of package this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PackageKind {
    Deb,
    Apk,
    Rpm,
    Python,
    Npm,
    /// A Go module linked into a binary (and `stdlib`, the Go toolchain's version).
    Go,
    /// A Rust crate recorded by cargo-auditable.
    Cargo,
    Maven,
}

impl PackageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PackageKind::Deb => "deb",
            PackageKind::Apk => "apk",
            PackageKind::Rpm => "rpm",
            PackageKind::Python => "python",
            PackageKind::Npm => "npm",
            PackageKind::Go => "go",
            PackageKind::Cargo => "cargo",
            PackageKind::Maven => "maven",
        }
    }
}

/// Where a package was read from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Path in the tree.
    pub path: String,
    /// Byte range of the package's record in that file, when it is text.
    pub range: Option<(u32, u32)>,
}

/// One installed package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    pub kind: PackageKind,
    pub name: String,
    pub version: String,
    /// The source package (dpkg `Source`, apk origin `o:`, rpm source rpm name).
    pub source_name: Option<String>,
    /// The source version when it differs from `version` (dpkg `Source: name (version)`).
    pub source_version: Option<String>,
    pub arch: Option<String>,
    pub license: Option<String>,
    pub location: Location,
    /// The image layer that added the package (index, bottom first), when the tree is an
    /// image and the layer is known for sure ([`layers::attribute`]).
    pub layer: Option<u32>,
}

/// A tree's inventory.
#[derive(Clone, Debug, Default)]
pub struct Inventory {
    pub os: Option<OsInfo>,
    pub packages: Vec<Package>,
    /// Files that could not be read or parsed, and other gaps.
    pub warnings: Vec<String>,
}

/// Reads everything the inventory knows from `tree`.
pub fn inventory(tree: &dyn FileTree) -> Inventory {
    let mut inv = Inventory {
        os: os::detect(tree),
        ..Inventory::default()
    };
    let listing = tree.list("/");
    if listing.truncated {
        inv.warnings
            .push("the file listing stopped at its budget: the inventory is incomplete".into());
    }
    inv.warnings
        .extend(listing.errors.iter().map(|e| format!("cannot list {e}")));
    dpkg::collect(tree, &listing.files, &mut inv);
    apk::collect(tree, &listing.files, &mut inv);
    rpm::collect(tree, &listing.files, &mut inv);
    python::collect(tree, &listing.files, &mut inv);
    npm::collect(tree, &listing.files, &mut inv);
    binaries::collect(tree, &listing.files, &mut inv);
    java::collect(tree, &listing.files, &mut inv);
    inv.packages
        .sort_by(|a, b| (a.kind, &a.name, &a.version, &a.location).cmp(&(b.kind, &b.name, &b.version, &b.location)));
    inv.packages.dedup();
    layers::attribute(tree, &mut inv);
    inv
}

/// Reads a file as text (lossy), or records a warning.
pub(crate) fn read_text(tree: &dyn FileTree, file: &FileMeta, max: u64, inv: &mut Inventory) -> Option<String> {
    match tree.read(&file.path, max) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) => {
            inv.warnings.push(format!("cannot read {e}"));
            None
        }
    }
}

/// A stanza's fields and its byte range in the file.
pub(crate) type Stanza = (Vec<(String, String)>, (u32, u32));

/// RFC 822-style stanzas (dpkg status, Python METADATA): `(fields, byte range)` per
/// stanza, fields with continuation lines folded. Field names are kept as written.
pub(crate) fn stanzas(text: &str) -> Vec<Stanza> {
    let mut out = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut start = None;
    let mut end = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let at = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push((std::mem::take(&mut fields), (s, end)));
            }
            continue;
        }
        if start.is_none() {
            start = Some(at as u32);
        }
        end = (at + content.len()) as u32;
        if content.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push('\n');
                value.push_str(content.trim());
            }
        } else if let Some((key, value)) = content.split_once(':') {
            fields.push((key.trim().to_string(), value.trim().to_string()));
        }
    }
    if let Some(s) = start {
        out.push((fields, (s, end)));
    }
    out
}

pub(crate) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}
