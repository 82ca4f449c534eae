//! Files the inventory reads, written for tests: Go build information as the Go linker
//! lays it out, ELF executables with sections (cargo-auditable's `.dep-v0`), and jars with
//! a Maven `pom.properties`.

use std::io::Write;

/// How a jar's entry is stored ([`jar_with_pom`]).
pub use zip::CompressionMethod;

use crate::inventory::binaries::GO_MAGIC;

/// Go ≥ 1.18 build information: the 32-byte header (pointer size 8, flag 0x2: strings
/// inline), then the toolchain version and the module lines as varint-prefixed strings,
/// the module lines between 16-byte sentinels.
pub fn go_build_info(go_version: &str, modinfo: &str) -> Vec<u8> {
    let mut out = GO_MAGIC.to_vec();
    out.extend_from_slice(b"\x08\x02");
    out.resize(32, 0);
    push_varint_string(&mut out, go_version);
    push_varint_string(&mut out, &format!("0123456789abcdef{modinfo}0123456789abcdef"));
    out
}

fn push_varint_string(out: &mut Vec<u8>, s: &str) {
    let mut n = s.len();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(s.as_bytes());
}

/// A jar holding one `META-INF/maven/GROUP/ARTIFACT/pom.properties`, its entry stored or
/// deflated as `method` says.
pub fn jar_with_pom(group: &str, artifact: &str, version: &str, method: CompressionMethod) -> Vec<u8> {
    let mut jar = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    jar.start_file(format!("META-INF/maven/{group}/{artifact}/pom.properties"), options)
        .expect("a zip entry in memory");
    write!(jar, "groupId={group}\nartifactId={artifact}\nversion={version}\n").expect("writing to memory");
    jar.finish().expect("a zip in memory").into_inner()
}

/// An rpm header blob as `rpmdb.sqlite` stores it (`il`, `dl`, 16-byte index entries of
/// tag, type, offset, count, then the data): name, version, release, arch, source rpm and,
/// when given, the epoch (an INT32 aligned to 4 bytes).
pub fn rpm_header(name: &str, version: &str, release: &str, epoch: Option<u32>, source_rpm: &str) -> Vec<u8> {
    let mut tags: Vec<(u32, u32, Vec<u8>)> = vec![
        (1000, 6, rpm_string(name)),
        (1001, 6, rpm_string(version)),
        (1002, 6, rpm_string(release)),
        (1022, 6, rpm_string("x86_64")),
        (1044, 6, rpm_string(source_rpm)),
    ];
    if let Some(epoch) = epoch {
        tags.push((1003, 4, epoch.to_be_bytes().to_vec()));
    }
    rpm_header_of(&tags)
}

/// An rpm STRING value: the text and its NUL.
pub fn rpm_string(text: &str) -> Vec<u8> {
    let mut v = text.as_bytes().to_vec();
    v.push(0);
    v
}

/// An rpm header blob of `(tag, type, value)` entries, each with a count of 1; INT32
/// values (type 4) are aligned to 4 bytes.
pub fn rpm_header_of(tags: &[(u32, u32, Vec<u8>)]) -> Vec<u8> {
    let mut index = Vec::new();
    let mut data = Vec::new();
    for (tag, kind, value) in tags {
        if *kind == 4 {
            while data.len() % 4 != 0 {
                data.push(0);
            }
        }
        for v in [*tag, *kind, data.len() as u32, 1] {
            index.extend_from_slice(&v.to_be_bytes());
        }
        data.extend_from_slice(value);
    }
    let mut blob = Vec::new();
    blob.extend_from_slice(&(tags.len() as u32).to_be_bytes());
    blob.extend_from_slice(&(data.len() as u32).to_be_bytes());
    blob.extend_from_slice(&index);
    blob.extend_from_slice(&data);
    blob
}

/// Writes `path` as rpm's SQLite database holding `headers`, with Python's `sqlite3` (the
/// SQLite library itself, not dockward's reader). `Ok(false)`: python3 or its sqlite3
/// module is not available.
pub fn write_rpmdb_sqlite(path: &std::path::Path, headers: &[Vec<u8>]) -> std::io::Result<bool> {
    use std::fmt::Write as _;
    let mut script = String::from(
        "import sqlite3, sys\ndb = sqlite3.connect(sys.argv[1])\ndb.execute('CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)')\n",
    );
    for blob in headers {
        let hex = blob.iter().fold(String::new(), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        });
        let _ = writeln!(
            script,
            "db.execute('INSERT INTO Packages (blob) VALUES (?)', (bytes.fromhex('{hex}'),))"
        );
    }
    script.push_str("db.commit()\ndb.close()\n");
    // On standard input: a long `-c` argument could pass Linux's limit on one argument.
    let child = std::process::Command::new("python3")
        .arg("-")
        .arg(path)
        .stdin(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else { return Ok(false) };
    child.stdin.take().expect("piped stdin").write_all(script.as_bytes())?;
    Ok(child.wait()?.success())
}

/// rpm databases written by rpm and Berkeley DB tools.
pub mod rpmdb;

/// cargo-auditable's section content: `{"packages":[…]}` listing `crates` (`(name,
/// version)`, the first one the root), zlib-compressed as cargo-auditable compresses it.
pub fn cargo_auditable_data(crates: &[(&str, &str)]) -> Vec<u8> {
    let packages: Vec<serde_json::Value> = crates
        .iter()
        .enumerate()
        .map(|(i, (name, version))| {
            let mut p = serde_json::json!({"name": name, "version": version, "source": "crates.io"});
            if i == 0 {
                p["source"] = "local".into();
                p["root"] = true.into();
                p["dependencies"] = (1..crates.len()).collect::<Vec<_>>().into();
            }
            p
        })
        .collect();
    let json = serde_json::json!({ "packages": packages }).to_string();
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(json.as_bytes()).expect("writing to memory");
    encoder.finish().expect("compressing in memory")
}

/// A 64-bit little-endian ELF executable laid out as linkers lay them out: the ELF header,
/// `code_bytes` of code (`.text`), the named sections' data (each 16-byte aligned), the
/// section names (`.shstrtab`), and the section header table last.
pub fn elf_with_sections(code_bytes: usize, sections: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = vec![0u8; 64];
    out[..8].copy_from_slice(b"\x7fELF\x02\x01\x01\x00");
    out[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    out[18..20].copy_from_slice(&62u16.to_le_bytes()); // x86-64
    out[20..24].copy_from_slice(&1u32.to_le_bytes());
    out[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
    // (name, type, offset, size) of each section; the first is the null section.
    let mut headers: Vec<(u32, u32, u64, u64)> = vec![(0, 0, 0, 0)];
    let mut names = b"\0".to_vec();
    fn add(
        out: &mut Vec<u8>,
        headers: &mut Vec<(u32, u32, u64, u64)>,
        names: &mut Vec<u8>,
        name: &str,
        kind: u32,
        data: &[u8],
    ) {
        out.resize(out.len().div_ceil(16) * 16, 0);
        headers.push((names.len() as u32, kind, out.len() as u64, data.len() as u64));
        names.extend_from_slice(name.as_bytes());
        names.push(0);
        out.extend_from_slice(data);
    }
    // Code-like filler: every byte value occurs, so the search meets false starts.
    let code: Vec<u8> = (0..code_bytes).map(|i| (i * 7 + i / 251) as u8).collect();
    add(&mut out, &mut headers, &mut names, ".text", 1, &code);
    for (name, data) in sections {
        add(&mut out, &mut headers, &mut names, name, 1, data);
    }
    let shstrndx = headers.len() as u16;
    let mut all_names = names.clone();
    all_names.extend_from_slice(b".shstrtab\0");
    let mut unused = Vec::new();
    add(&mut out, &mut headers, &mut unused, ".shstrtab", 3, &all_names);
    let last = headers.len() - 1;
    headers[last].0 = names.len() as u32;
    out.resize(out.len().div_ceil(8) * 8, 0);
    let shoff = out.len() as u64;
    for (name, kind, offset, size) in &headers {
        let mut entry = [0u8; 64];
        entry[..4].copy_from_slice(&name.to_le_bytes());
        entry[4..8].copy_from_slice(&kind.to_le_bytes());
        entry[24..32].copy_from_slice(&offset.to_le_bytes());
        entry[32..40].copy_from_slice(&size.to_le_bytes());
        entry[48..56].copy_from_slice(&1u64.to_le_bytes()); // sh_addralign
        out.extend_from_slice(&entry);
    }
    out[40..48].copy_from_slice(&shoff.to_le_bytes());
    out[58..60].copy_from_slice(&64u16.to_le_bytes()); // e_shentsize
    out[60..62].copy_from_slice(&(headers.len() as u16).to_le_bytes());
    out[62..64].copy_from_slice(&shstrndx.to_le_bytes());
    out
}
