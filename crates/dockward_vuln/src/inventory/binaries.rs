//! Packages linked into executables: Go build information (`.go.buildinfo`, Go ≥ 1.18)
//! and Rust crates recorded by cargo-auditable (`.dep-v0`, zlib-compressed JSON).

use super::{Inventory, Location, MAX_BINARY_BYTES, Package, PackageKind};
use crate::tree::{FileMeta, FileTree};
use std::io::Read;

/// The magic Go build information starts with.
pub const GO_MAGIC: &[u8] = b"\xff Go buildinf:";
/// cargo-auditable's JSON is small; a larger inflated section is refused.
const MAX_AUDIT_JSON: u64 = 8 * 1024 * 1024;

pub fn collect(tree: &dyn FileTree, files: &[FileMeta], inv: &mut Inventory) {
    for file in files {
        // Executables only: a binary is worth reading whole only when it can run.
        if file.mode & 0o111 == 0 || file.size < 1024 || file.size > MAX_BINARY_BYTES {
            continue;
        }
        // An image's executables are not kept; what its reader found in them is.
        let (go, cargo) = (tree.go_build_info(&file.path), tree.cargo_auditable(&file.path));
        if go.is_some() || cargo.is_some() {
            if let Some(section) = go {
                go_packages(&section, &file.path, inv);
            }
            if let Some(section) = cargo {
                cargo_packages(&section, &file.path, inv);
            }
            continue;
        }
        let Ok(bytes) = tree.read(&file.path, MAX_BINARY_BYTES) else {
            continue;
        };
        if !bytes.starts_with(b"\x7fELF") {
            continue;
        }
        let elf = Elf::parse(&bytes);
        let go = elf
            .as_ref()
            .and_then(|e| e.section(&bytes, ".go.buildinfo"))
            .or_else(|| find_go_magic(&bytes));
        if let Some(section) = go {
            go_packages(section, &file.path, inv);
        }
        if let Some(section) = elf.as_ref().and_then(|e| e.section(&bytes, ".dep-v0")) {
            cargo_packages(section, &file.path, inv);
        }
    }
}

/// The Go modules of one executable's build information, located at the executable.
fn go_packages(section: &[u8], path: &str, inv: &mut Inventory) {
    match parse_go_buildinfo(section) {
        Some(packages) => linked_packages(PackageKind::Go, packages, path, inv),
        None => inv.warnings.push(format!(
            "{path}: Go build information in a form not read (Go before 1.18?)"
        )),
    }
}

/// The crates of one executable's cargo-auditable data, located at the executable.
fn cargo_packages(section: &[u8], path: &str, inv: &mut Inventory) {
    match parse_cargo_auditable(section) {
        Ok(packages) => linked_packages(PackageKind::Cargo, packages, path, inv),
        Err(e) => inv.warnings.push(format!("{path}: cargo-auditable data: {e}")),
    }
}

/// `(name, version)` pairs linked into the executable at `path`, as packages of `kind`.
fn linked_packages(kind: PackageKind, packages: Vec<(String, String)>, path: &str, inv: &mut Inventory) {
    let location = Location {
        path: path.to_string(),
        range: None,
    };
    inv.packages.extend(packages.into_iter().map(|(name, version)| Package {
        layer: None,
        kind,
        name,
        version,
        source_name: None,
        source_version: None,
        arch: None,
        license: None,
        location: location.clone(),
    }));
}

/// The section table of an ELF file (32/64-bit, either byte order), read with bounds
/// checks.
struct Elf {
    wide: bool,
    little: bool,
    sections: Vec<(u32, u64, u64)>,
    names: (u64, u64),
}

impl Elf {
    fn parse(b: &[u8]) -> Option<Elf> {
        let wide = match b.get(4)? {
            1 => false,
            2 => true,
            _ => return None,
        };
        let little = match b.get(5)? {
            1 => true,
            2 => false,
            _ => return None,
        };
        let mut elf = Elf {
            wide,
            little,
            sections: Vec::new(),
            names: (0, 0),
        };
        let (shoff, entsize, num, strndx) = if wide {
            (
                elf.u64(b, 0x28)?,
                elf.u16(b, 0x3A)?,
                elf.u16(b, 0x3C)?,
                elf.u16(b, 0x3E)?,
            )
        } else {
            (
                u64::from(elf.u32(b, 0x20)?),
                elf.u16(b, 0x2E)?,
                elf.u16(b, 0x30)?,
                elf.u16(b, 0x32)?,
            )
        };
        for i in 0..u64::from(num) {
            let at = usize::try_from(shoff.checked_add(i * u64::from(entsize))?).ok()?;
            let name = elf.u32(b, at)?;
            let (offset, size) = if wide {
                (elf.u64(b, at + 24)?, elf.u64(b, at + 32)?)
            } else {
                (u64::from(elf.u32(b, at + 16)?), u64::from(elf.u32(b, at + 20)?))
            };
            elf.sections.push((name, offset, size));
        }
        let (_, offset, size) = *elf.sections.get(usize::from(strndx))?;
        elf.names = (offset, size);
        Some(elf)
    }

    fn bytes(b: &[u8], at: usize, n: usize) -> Option<&[u8]> {
        b.get(at..at.checked_add(n)?)
    }

    fn u16(&self, b: &[u8], at: usize) -> Option<u16> {
        let s: [u8; 2] = Self::bytes(b, at, 2)?.try_into().ok()?;
        Some(if self.little {
            u16::from_le_bytes(s)
        } else {
            u16::from_be_bytes(s)
        })
    }

    fn u32(&self, b: &[u8], at: usize) -> Option<u32> {
        let s: [u8; 4] = Self::bytes(b, at, 4)?.try_into().ok()?;
        Some(if self.little {
            u32::from_le_bytes(s)
        } else {
            u32::from_be_bytes(s)
        })
    }

    fn u64(&self, b: &[u8], at: usize) -> Option<u64> {
        if !self.wide {
            return self.u32(b, at).map(u64::from);
        }
        let s: [u8; 8] = Self::bytes(b, at, 8)?.try_into().ok()?;
        Some(if self.little {
            u64::from_le_bytes(s)
        } else {
            u64::from_be_bytes(s)
        })
    }

    fn section<'a>(&self, b: &'a [u8], wanted: &str) -> Option<&'a [u8]> {
        let names = Self::bytes(
            b,
            usize::try_from(self.names.0).ok()?,
            usize::try_from(self.names.1).ok()?,
        )?;
        for (name, offset, size) in &self.sections {
            let name = names.get(*name as usize..)?;
            let end = name.iter().position(|c| *c == 0)?;
            if &name[..end] == wanted.as_bytes() {
                return Self::bytes(b, usize::try_from(*offset).ok()?, usize::try_from(*size).ok()?);
            }
        }
        None
    }
}

/// Without a section table: the magic at a 16-byte aligned offset.
fn find_go_magic(bytes: &[u8]) -> Option<&[u8]> {
    memchr::memmem::find_iter(bytes, GO_MAGIC)
        .find(|at| at % 16 == 0)
        .map(|at| &bytes[at..])
}

fn varint_string(b: &[u8], at: &mut usize) -> Option<String> {
    let mut len = 0usize;
    for shift in (0..35).step_by(7) {
        let byte = *b.get(*at)?;
        *at += 1;
        len |= usize::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            let s = b.get(*at..at.checked_add(len)?)?;
            *at += len;
            return Some(String::from_utf8_lossy(s).into_owned());
        }
    }
    None
}

/// `(module, version)` pairs of a Go ≥ 1.18 build information blob: the main module
/// (unless `(devel)`), every dependency (a `=>` replacement replaces the line before), and
/// `stdlib` at the toolchain's version.
pub fn parse_go_buildinfo(section: &[u8]) -> Option<Vec<(String, String)>> {
    if !section.starts_with(GO_MAGIC) || section.len() < 32 {
        return None;
    }
    // Flag 0x2: strings inline after the 32-byte header (Go ≥ 1.18).
    if section[15] & 0x2 == 0 {
        return None;
    }
    let mut at = 32;
    let go_version = varint_string(section, &mut at)?;
    let mut modinfo = varint_string(section, &mut at)?;
    // Sentinels of 16 bytes around the module information.
    if modinfo.len() >= 33 && modinfo.as_bytes().get(modinfo.len() - 17) == Some(&b'\n') {
        modinfo = modinfo.get(16..modinfo.len() - 16)?.to_string();
    }
    let mut out: Vec<(String, String)> = Vec::new();
    if let Some(stdlib) = crate::version::semver::go_toolchain_semver(&go_version) {
        out.push(("stdlib".into(), stdlib));
    }
    for line in modinfo.lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        match parts.as_slice() {
            ["mod" | "dep", path, version, ..] if *version != "(devel)" && !version.is_empty() => {
                out.push((path.to_string(), version.to_string()));
            }
            ["=>", path, version, ..] => {
                // The replacement stands for the dependency above it; a local directory
                // (`./x`, version `(devel)` or none) is no module version at all.
                out.pop();
                if !version.is_empty() && *version != "(devel)" {
                    out.push((path.to_string(), version.to_string()));
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// `(crate, version)` pairs of a cargo-auditable section (build-time dependencies left out:
/// they are not in the binary).
pub fn parse_cargo_auditable(section: &[u8]) -> Result<Vec<(String, String)>, String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(section)
        .take(MAX_AUDIT_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("cannot inflate: {e}"))?;
    if json.len() as u64 > MAX_AUDIT_JSON {
        return Err("inflated data over the 8 MiB limit".into());
    }
    let value: serde_json::Value = serde_json::from_slice(&json).map_err(|e| format!("not JSON: {e}"))?;
    let packages = value
        .get("packages")
        .and_then(|p| p.as_array())
        .ok_or("no `packages` array")?;
    Ok(packages
        .iter()
        .filter(|p| p.get("kind").and_then(|k| k.as_str()) != Some("build"))
        .filter_map(|p| {
            let name = p.get("name")?.as_str()?;
            let version = p.get("version")?.as_str()?;
            Some((name.to_string(), version.to_string()))
        })
        .collect())
}
