//! Writing images for tests: layers entry by entry (hostile ones included: `../` paths,
//! links anywhere), then an OCI layout (folder or tar) or a legacy `docker save` tar.
//! Digests are the real sha256 of blobs and of uncompressed layers, as the reader
//! verifies them; [`tamper`] breaks one on purpose.

use std::io::{Read, Write};
use std::path::Path;

/// How a layer blob is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compress {
    None,
    Gzip,
    Zstd,
}

/// A layer tar under construction.
pub struct LayerBuilder {
    tar: tar::Builder<Vec<u8>>,
}

impl Default for LayerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

fn header(kind: tar::EntryType, path: &str, mode: u32, size: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_uid(0);
    h.set_gid(0);
    h.set_size(size);
    h.set_mtime(0);
    // Written raw, so that `../` and odd names reach the reader as a hostile archive has them.
    let name = &mut h.as_old_mut().name;
    let bytes = path.as_bytes();
    assert!(bytes.len() <= name.len(), "use long_file for long names");
    name[..bytes.len()].copy_from_slice(bytes);
    h.set_cksum();
    h
}

impl LayerBuilder {
    pub fn new() -> Self {
        Self {
            tar: tar::Builder::new(Vec::new()),
        }
    }

    pub fn dir(&mut self, path: &str, mode: u32) -> &mut Self {
        let h = header(tar::EntryType::Directory, path, mode, 0);
        self.tar.append(&h, std::io::empty()).expect("append");
        self
    }

    pub fn file(&mut self, path: &str, mode: u32, content: &[u8]) -> &mut Self {
        let h = header(tar::EntryType::Regular, path, mode, content.len() as u64);
        self.tar.append(&h, content).expect("append");
        self
    }

    /// A file whose path is longer than a tar header holds (GNU long name).
    pub fn long_file(&mut self, path: &str, content: &[u8]) -> &mut Self {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(0o644);
        h.set_size(content.len() as u64);
        self.tar.append_data(&mut h, path, content).expect("append long name");
        self
    }

    pub fn symlink(&mut self, path: &str, target: &str) -> &mut Self {
        let mut h = header(tar::EntryType::Symlink, path, 0o777, 0);
        h.set_link_name_literal(target).expect("link name");
        h.set_cksum();
        self.tar.append(&h, std::io::empty()).expect("append");
        self
    }

    pub fn hardlink(&mut self, path: &str, target: &str) -> &mut Self {
        let mut h = header(tar::EntryType::Link, path, 0o644, 0);
        h.set_link_name_literal(target).expect("link name");
        h.set_cksum();
        self.tar.append(&h, std::io::empty()).expect("append");
        self
    }

    /// `dir/.wh.name`: deletes `dir/name` of lower layers.
    pub fn whiteout(&mut self, path: &str) -> &mut Self {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let w = if dir.is_empty() {
            format!(".wh.{name}")
        } else {
            format!("{dir}/.wh.{name}")
        };
        self.file(&w, 0o644, b"")
    }

    /// `dir/.wh..wh..opq`: hides what lower layers have under `dir`.
    pub fn opaque(&mut self, dir: &str) -> &mut Self {
        self.file(&format!("{}/.wh..wh..opq", dir.trim_end_matches('/')), 0o644, b"")
    }

    /// A regular file of `size` zero bytes, written without holding it in memory twice.
    pub fn zeros(&mut self, path: &str, size: u64) -> &mut Self {
        let h = header(tar::EntryType::Regular, path, 0o644, size);
        self.tar
            .append(&h, std::io::Read::take(std::io::repeat(0), size))
            .expect("append");
        self
    }

    pub fn finish(self) -> Vec<u8> {
        self.tar.into_inner().expect("finish the layer")
    }
}

pub fn compress(data: &[u8], how: Compress) -> Vec<u8> {
    match how {
        Compress::None => data.to_vec(),
        Compress::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).expect("gzip");
            e.finish().expect("gzip")
        }
        Compress::Zstd => zstd::stream::encode_all(data, 1).expect("zstd"),
    }
}

/// `sha256:…` of `bytes`.
pub fn digest_of(bytes: &[u8]) -> String {
    crate::digest::sha256_of(bytes)
}

/// Layers that decompress to more than this (bombs) get the digest of their first bytes:
/// the reader refuses them before it compares digests.
const DIFF_ID_CAP: u64 = 256 << 20;

/// The diff id of a layer blob: the sha256 of its uncompressed tar.
pub fn diff_id_of(blob: &[u8]) -> String {
    let mut tar = Vec::new();
    if let Ok(decoded) = crate::store::decoder(blob) {
        let _ = decoded.take(DIFF_ID_CAP).read_to_end(&mut tar);
    }
    digest_of(&tar)
}

/// Flips one bit of the byte at `offset` of a file of the layout (a blob, a manifest);
/// of every copy, when images sharing a layer list its blob more than once.
pub fn tamper(files: &mut [(String, Vec<u8>)], name: &str, offset: usize) {
    let mut found = false;
    for (_, bytes) in files.iter_mut().filter(|(n, _)| n == name) {
        bytes[offset] ^= 0x01;
        found = true;
    }
    assert!(found, "no such file: {name}");
}

/// One image of a layout: configuration JSON (without `rootfs`, which is filled in) and
/// layer blobs (already compressed as wanted).
pub struct TestImage {
    pub name: Option<String>,
    pub platform: Option<(&'static str, &'static str)>,
    pub config: serde_json::Value,
    pub layers: Vec<Vec<u8>>,
}

/// Files of an OCI layout, as (path, bytes).
pub fn oci_layout(images: &[TestImage]) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![("oci-layout".to_string(), br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec())];
    let mut descriptors = Vec::new();
    for image in images {
        let mut layer_descs = Vec::new();
        let mut diff_ids = Vec::new();
        for layer in &image.layers {
            let digest = digest_of(layer);
            diff_ids.push(diff_id_of(layer));
            files.push((blob(&digest), layer.clone()));
            layer_descs.push(serde_json::json!({
                "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                "digest": digest, "size": layer.len()}));
        }
        let mut config = image.config.clone();
        config["rootfs"] = serde_json::json!({"type": "layers", "diff_ids": diff_ids});
        let config_bytes = serde_json::to_vec(&config).expect("config");
        let config_digest = digest_of(&config_bytes);
        files.push((blob(&config_digest), config_bytes.clone()));
        let manifest = serde_json::json!({"schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_bytes.len()},
            "layers": layer_descs});
        let manifest_bytes = serde_json::to_vec(&manifest).expect("manifest");
        let manifest_digest = digest_of(&manifest_bytes);
        files.push((blob(&manifest_digest), manifest_bytes.clone()));
        let mut desc = serde_json::json!({"mediaType": "application/vnd.oci.image.manifest.v1+json",
            "digest": manifest_digest, "size": manifest_bytes.len()});
        if let Some(name) = &image.name {
            desc["annotations"] = serde_json::json!({"io.containerd.image.name": name});
        }
        if let Some((os, arch)) = image.platform {
            desc["platform"] = serde_json::json!({"os": os, "architecture": arch});
        }
        descriptors.push(desc);
    }
    let index = serde_json::json!({"schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": descriptors});
    files.push(("index.json".to_string(), serde_json::to_vec(&index).expect("index")));
    files
}

/// Files of a legacy `docker save` (Docker ≤ 24): `manifest.json`, `<id>.json`,
/// `<id>/layer.tar` (uncompressed).
pub fn docker_save_legacy(image: &TestImage) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut layer_paths = Vec::new();
    let mut diff_ids = Vec::new();
    for (i, layer) in image.layers.iter().enumerate() {
        let id = format!("{:064x}", i + 1);
        diff_ids.push(diff_id_of(layer));
        files.push((format!("{id}/layer.tar"), layer.clone()));
        files.push((format!("{id}/VERSION"), b"1.0".to_vec()));
        layer_paths.push(format!("{id}/layer.tar"));
    }
    let mut config = image.config.clone();
    config["rootfs"] = serde_json::json!({"type": "layers", "diff_ids": diff_ids});
    let config_bytes = serde_json::to_vec(&config).expect("config");
    // The image id: the configuration's digest.
    let config_name = format!("{}.json", digest_of(&config_bytes).trim_start_matches("sha256:"));
    files.push((config_name.clone(), config_bytes));
    let tags: Vec<&String> = image.name.iter().collect();
    let manifest = serde_json::json!([{"Config": config_name, "RepoTags": tags, "Layers": layer_paths}]);
    files.push((
        "manifest.json".to_string(),
        serde_json::to_vec(&manifest).expect("manifest"),
    ));
    files
}

fn blob(digest: &str) -> String {
    let (alg, hex) = digest.split_once(':').expect("digest");
    format!("blobs/{alg}/{hex}")
}

/// Writes the files into a folder.
pub fn write_dir(dir: &Path, files: &[(String, Vec<u8>)]) {
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
}

/// The files as one tar, written in the given order (blobs before `index.json`, as
/// Docker writes them).
pub fn tar_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, bytes) in files {
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        h.set_size(bytes.len() as u64);
        b.append_data(&mut h, name, bytes.as_slice()).expect("append");
    }
    b.into_inner().expect("tar")
}

/// Copies an archive (a `docker save` tar), flipping one bit in the middle of its largest
/// member (a layer).
pub fn tamper_largest_member(from: &Path, to: &Path) {
    let mut archive = tar::Archive::new(std::fs::File::open(from).expect("open the archive"));
    let mut members: Vec<(tar::Header, Vec<u8>)> = Vec::new();
    for entry in archive.entries().expect("a tar") {
        let mut entry = entry.expect("a member");
        let mut body = Vec::new();
        entry.read_to_end(&mut body).expect("read a member");
        members.push((entry.header().clone(), body));
    }
    let largest = (0..members.len())
        .max_by_key(|&i| members[i].1.len())
        .expect("a member");
    let middle = members[largest].1.len() / 2;
    members[largest].1[middle] ^= 0x01;
    let mut out = tar::Builder::new(std::fs::File::create(to).expect("create the copy"));
    for (header, body) in &members {
        out.append(header, body.as_slice()).expect("append");
    }
    out.finish().expect("finish the copy");
}

/// What the reader keeps of an executable whose bytes are `file`, for the fuzz target: its
/// Go build information and its cargo-auditable data, searched in one read as a layer's
/// executables are.
pub fn search_executable(file: &[u8]) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
    let mut audit = crate::cargo_auditable::AuditSearch::new();
    let go = crate::go_build_info::find(file, Some(&mut audit)).unwrap_or(None);
    (go, audit.finish())
}
