//! Files the inventory reads, written for tests: Go build information as the Go linker
//! lays it out, and jars with a Maven `pom.properties`.

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

/// rpm databases written by rpm and Berkeley DB tools.
pub mod rpmdb;
