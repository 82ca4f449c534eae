//! The reader on images the tests write: OCI layouts (folders and tars, gzip, zstd and
//! plain layers), legacy `docker save` tars, multi-platform indexes, and hostile layers
//! (decompression bombs, `../` paths, link loops, too many entries).

use dockward_image::testing::{
    self as tampered, Compress, LayerBuilder, TestImage, compress, docker_save_legacy, oci_layout, tar_of, write_dir,
};
use dockward_image::{Budgets, ContentHit, ContentProbe, ImageRead, Platform, Progress, ReadOptions, read_path};
use dockward_model::image::{FileKind, ImageFiles};
use serde_json::json;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("layouts-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn image(layers: Vec<Vec<u8>>) -> TestImage {
    TestImage {
        name: Some("acme/web:1.2".to_string()),
        platform: None,
        config: json!({"architecture": "amd64", "os": "linux", "config": {"User": "app"},
            "history": (0..layers.len()).map(|i| json!({"created_by": format!("step {i}")})).collect::<Vec<_>>()}),
        layers,
    }
}

fn read_one(path: &std::path::Path, options: &ReadOptions) -> ImageRead {
    let mut reads = read_path(path, options).expect("the archive opens");
    assert_eq!(reads.len(), 1);
    reads.remove(0)
}

fn paths(files: &ImageFiles) -> Vec<String> {
    files.iter().map(|(p, _)| p.to_string()).collect()
}

/// Three layers, one per compression, exercising every overlay rule.
fn overlay_layers() -> Vec<Vec<u8>> {
    let mut base = LayerBuilder::new();
    base.dir("etc", 0o755)
        .file("etc/passwd", 0o644, b"root:x:0:0::/root:/bin/sh\n")
        .file("etc/gone", 0o644, b"x")
        .dir("etc/conf.d", 0o755)
        .file("etc/conf.d/a", 0o644, b"a")
        .file("etc/conf.d/b", 0o644, b"b")
        .dir("srv", 0o755)
        .file("srv/data", 0o644, b"d")
        .file("usr/bin/tool", 0o4755, b"\x7fELF");
    let mut middle = LayerBuilder::new();
    middle
        .whiteout("etc/gone")
        .opaque("etc/conf.d")
        .file("etc/conf.d/c", 0o644, b"c")
        .file("srv", 0o644, b"now a file")
        .hardlink("usr/bin/tool2", "usr/bin/tool")
        .symlink("etc/alt", "/usr/bin/../bin/tool");
    let mut top = LayerBuilder::new();
    top.file("root/.npmrc", 0o600, b"//r/:_authToken=abc\n")
        .whiteout("usr/bin/tool2");
    vec![
        compress(&base.finish(), Compress::Gzip),
        compress(&middle.finish(), Compress::Zstd),
        compress(&top.finish(), Compress::None),
    ]
}

#[test]
fn overlay_rules_apply_across_compressions_in_folders_and_tars() {
    let dir = scratch("overlay");
    let files = oci_layout(&[image(overlay_layers())]);
    write_dir(&dir.join("layout"), &files);
    std::fs::write(dir.join("layout.tar"), tar_of(&files)).unwrap();
    std::fs::write(dir.join("layout.tar.gz"), compress(&tar_of(&files), Compress::Gzip)).unwrap();
    for input in ["layout", "layout.tar", "layout.tar.gz"] {
        let read = read_one(&dir.join(input), &ReadOptions::default());
        assert!(read.errors.is_empty(), "{input}: {:?}", read.errors);
        assert_eq!(read.spec.name, "acme/web:1.2");
        assert_eq!(read.spec.platform.as_deref(), Some("linux/amd64"));
        let files = read.spec.files.as_ref().unwrap();
        assert!(files.complete);
        assert_eq!(
            paths(files),
            [
                "/etc",
                "/etc/alt",
                "/etc/conf.d",
                "/etc/conf.d/c",
                "/etc/passwd",
                "/root/.npmrc",
                "/srv",
                "/usr/bin/tool",
            ],
            "{input}"
        );
        assert_eq!(files.get("/srv").unwrap().kind, FileKind::Regular);
        assert_eq!(files.get("/usr/bin/tool").unwrap().mode, 0o4755);
        // The absolute link resolves inside the image, `..` and all.
        let (target, _) = files.resolve("/etc/alt", 40).unwrap().unwrap();
        assert_eq!(target, "/usr/bin/tool");
        assert_eq!(
            files.content("/etc/passwd", 40),
            Some(&b"root:x:0:0::/root:/bin/sh\n"[..])
        );
        // The whited-out credential-looking file is not kept (not a credential name);
        // layers are attributed.
        assert_eq!(files.get("/root/.npmrc").unwrap().layer, 2);
        assert_eq!(read.spec.layers.len(), 3);
        assert_eq!(read.spec.history[2].layer, Some(2));
        assert_eq!(read.spec.layers[2].history, Some(2));
    }
}

#[test]
fn legacy_docker_save_tar() {
    let dir = scratch("legacy");
    let mut layer = LayerBuilder::new();
    layer.file("etc/shadow", 0o640, b"root::1:0:::::\n");
    let files = docker_save_legacy(&image(vec![layer.finish()]));
    std::fs::write(dir.join("save.tar"), tar_of(&files)).unwrap();
    let read = read_one(&dir.join("save.tar"), &ReadOptions::default());
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert_eq!(read.spec.name, "acme/web:1.2");
    assert_eq!(read.spec.config.user.get().map(String::as_str), Some("app"));
    let files = read.spec.files.as_ref().unwrap();
    assert_eq!(files.content("/etc/shadow", 1), Some(&b"root::1:0:::::\n"[..]));
    assert!(read.spec.layers[0].digest.starts_with("sha256:"));
}

#[test]
fn a_deleted_credential_file_is_kept_for_the_rules() {
    let dir = scratch("deleted");
    let mut a = LayerBuilder::new();
    a.file("app/.env", 0o644, b"DB_PASSWORD=hunter2\n");
    let mut b = LayerBuilder::new();
    b.whiteout("app/.env");
    write_dir(&dir, &oci_layout(&[image(vec![a.finish(), b.finish()])]));
    let read = read_one(&dir, &ReadOptions::default());
    let files = read.spec.files.as_ref().unwrap();
    assert!(files.get("/app/.env").is_none());
    assert_eq!(files.deleted.len(), 1);
    assert_eq!(
        (
            files.deleted[0].path.as_str(),
            files.deleted[0].file.layer,
            files.deleted[0].deleted_in
        ),
        ("/app/.env", 0, 1)
    );
}

#[test]
fn a_decompression_bomb_is_refused_with_a_located_error_and_other_layers_are_read() {
    let dir = scratch("bomb");
    let mut bomb = LayerBuilder::new();
    bomb.zeros("zeros", 64 << 20);
    let bomb = compress(&bomb.finish(), Compress::Gzip);
    assert!(bomb.len() < 1 << 20, "the bomb is small compressed: {}", bomb.len());
    let mut after = LayerBuilder::new();
    after.file("etc/after", 0o644, b"x");
    write_dir(&dir, &oci_layout(&[image(vec![bomb, after.finish()])]));
    let options = ReadOptions {
        budgets: Budgets {
            max_layer_bytes: 8 << 20,
            ..Budgets::default()
        },
        ..ReadOptions::default()
    };
    let read = read_one(&dir, &options);
    let layer = &read.spec.layers[0].digest;
    assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
    let e = &read.errors[0];
    assert_eq!(e.location, format!("image acme/web:1.2 layer {layer}"));
    assert!(e.message.contains("more than 8388608 bytes (budget)"), "{}", e.message);
    let files = read.spec.files.as_ref().unwrap();
    assert!(!files.complete);
    assert!(files.get("/etc/after").is_some());
}

#[test]
fn climbing_paths_are_skipped_with_a_warning_and_links_cannot_escape() {
    let dir = scratch("climb");
    let mut layer = LayerBuilder::new();
    layer
        .file("../../etc/evil", 0o644, b"x")
        .file("ok", 0o644, b"y")
        .hardlink("hl", "../../../etc/passwd")
        .symlink("abs", "/../../../../etc/hostname")
        .file("etc/hostname", 0o644, b"inside")
        .symlink("loop1", "loop2")
        .symlink("loop2", "/loop1");
    write_dir(&dir, &oci_layout(&[image(vec![layer.finish()])]));
    let read = read_one(&dir, &ReadOptions::default());
    let messages: Vec<String> = read.errors.iter().map(ToString::to_string).collect();
    let layer = &read.spec.layers[0].digest;
    assert_eq!(
        messages,
        [
            format!(
                "image acme/web:1.2 layer {layer} ../../etc/evil: the entry's path climbs out of the image's root with `..`; skipped"
            ),
            format!(
                "image acme/web:1.2 layer {layer} /hl: a hard link whose target climbs out of the image's root with `..`; skipped"
            ),
        ]
    );
    let files = read.spec.files.as_ref().unwrap();
    assert_eq!(paths(files), ["/abs", "/etc/hostname", "/loop1", "/loop2", "/ok"]);
    let (target, _) = files.resolve("/abs", 40).unwrap().unwrap();
    assert_eq!(target, "/etc/hostname");
    let err = files.resolve("/loop1", 40).unwrap_err();
    assert_eq!(err.to_string(), "/loop1: more than 40 symbolic links (a loop?)");
}

#[test]
fn too_many_entries_and_too_long_paths() {
    let dir = scratch("many");
    let mut layer = LayerBuilder::new();
    for i in 0..2_001 {
        layer.file(&format!("f{i}"), 0o644, b"");
    }
    let long = format!("{}/x", "d".repeat(300));
    layer.long_file(&long, b"z");
    write_dir(&dir, &oci_layout(&[image(vec![layer.finish()])]));
    let options = ReadOptions {
        budgets: Budgets {
            max_entries: 2_000,
            ..Budgets::default()
        },
        ..ReadOptions::default()
    };
    let read = read_one(&dir, &options);
    let layer = &read.spec.layers[0].digest;
    assert_eq!(read.errors.len(), 1);
    assert_eq!(read.errors[0].location, format!("image acme/web:1.2 layer {layer}"));
    assert!(
        read.errors[0].message.starts_with("more than 2000 files"),
        "{}",
        read.errors[0]
    );
    assert_eq!(read.spec.files.as_ref().unwrap().len(), 2_000);

    let options = ReadOptions {
        budgets: Budgets {
            max_path_len: 256,
            ..Budgets::default()
        },
        ..ReadOptions::default()
    };
    let read = read_one(&dir, &options);
    assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
    assert!(
        read.errors[0].message.contains("more than 256 (budget); skipped"),
        "{}",
        read.errors[0]
    );
    assert_eq!(read.spec.files.as_ref().unwrap().len(), 2_001);
}

#[test]
fn a_multi_platform_index_yields_the_chosen_platform() {
    let dir = scratch("multi");
    let layer = |name: &str| {
        let mut l = LayerBuilder::new();
        l.file(name, 0o644, b"");
        l.finish()
    };
    let mut amd = image(vec![layer("amd")]);
    amd.platform = Some(("linux", "amd64"));
    let mut arm = image(vec![layer("arm")]);
    arm.platform = Some(("linux", "arm64"));
    write_dir(&dir, &oci_layout(&[amd, arm]));
    for (platform, file) in [("linux/amd64", "/amd"), ("linux/arm64/v8", "/arm")] {
        let options = ReadOptions {
            platform: Platform::parse(platform),
            ..ReadOptions::default()
        };
        let read = read_one(&dir, &options);
        assert!(read.spec.files.as_ref().unwrap().get(file).is_some(), "{platform}");
    }
    let options = ReadOptions {
        platform: Platform::parse("linux/s390x"),
        ..ReadOptions::default()
    };
    let err = read_path(&dir, &options).unwrap_err();
    assert_eq!(
        err.message,
        "no image for platform linux/s390x (the index offers linux/amd64, linux/arm64); choose one with --platform"
    );
}

#[test]
fn not_an_image_and_broken_archives_are_errors_naming_the_file() {
    let dir = scratch("broken");
    std::fs::write(dir.join("empty.tar"), tar_of(&[("hello".to_string(), b"x".to_vec())])).unwrap();
    let err = read_path(&dir.join("empty.tar"), &ReadOptions::default()).unwrap_err();
    assert_eq!(err.location, dir.join("empty.tar").display().to_string());
    assert!(err.message.contains("not an image archive"), "{err}");
    std::fs::write(dir.join("junk.tar"), vec![0x41u8; 2000]).unwrap();
    let err = read_path(&dir.join("junk.tar"), &ReadOptions::default()).unwrap_err();
    assert_eq!(err.location, dir.join("junk.tar").display().to_string());
    // A layer that is not a tar: the image is still read, the layer is an error.
    let layout = dir.join("badlayer");
    write_dir(
        &layout,
        &oci_layout(&[image(vec![compress(b"not a tar at all, just text", Compress::Gzip)])]),
    );
    let read = read_one(&layout, &ReadOptions::default());
    assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
    assert!(read.errors[0].location.starts_with("image acme/web:1.2 layer sha256:"));
    // A configuration that is not JSON: the image is still read, and what its
    // configuration would have said is unknown rather than Docker's default.
    let layout = dir.join("badconfig");
    let mut files = oci_layout(&[image(vec![LayerBuilder::new().finish()])]);
    let config = files
        .iter_mut()
        .find(|(_, bytes)| bytes.starts_with(b"{\"architecture\""))
        .expect("the configuration blob");
    config.1 = b"{not json".to_vec();
    write_dir(&layout, &files);
    let read = read_one(&layout, &ReadOptions::default());
    // The blob no longer hashes to its name, and it is not JSON.
    assert_eq!(read.errors.len(), 2, "{:?}", read.errors);
    assert!(
        read.errors[0]
            .message
            .starts_with("the configuration does not match its digest sha256:"),
        "{}",
        read.errors[0]
    );
    assert!(
        read.errors[1].message.starts_with("invalid image configuration"),
        "{}",
        read.errors[1]
    );
    assert!(read.spec.config.user.value.is_unknown());
}

/// One plain layer and one gzip layer, each with a file whose bytes the tests flip.
fn two_layers() -> Vec<Vec<u8>> {
    let mut base = LayerBuilder::new();
    base.file("etc/motd", 0o644, &[b'a'; 4096]);
    let mut top = LayerBuilder::new();
    top.file("app/data", 0o644, &[b'b'; 4096]);
    vec![
        compress(&base.finish(), Compress::None),
        compress(&top.finish(), Compress::Gzip),
    ]
}

#[test]
fn digests_are_verified_while_streaming() {
    let dir = scratch("digests");
    // Untouched: no error, every layer read.
    let files = oci_layout(&[image(two_layers())]);
    write_dir(&dir.join("good"), &files);
    let read = read_one(&dir.join("good"), &ReadOptions::default());
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    assert!(read.spec.files.as_ref().unwrap().complete);

    // A byte flipped inside a file of the plain layer: the tar still parses, only the digest
    // tells. The error names the layer; the other layer is still read.
    let blob_name = |files: &[(String, Vec<u8>)], i: usize| {
        let layer = &image(two_layers()).layers[i];
        files.iter().find(|(_, b)| b == layer).unwrap().0.clone()
    };
    let mut tampered = files.clone();
    let plain = blob_name(&tampered, 0);
    tampered::tamper(&mut tampered, &plain, 512 + 100);
    write_dir(&dir.join("plain"), &tampered);
    std::fs::write(dir.join("plain.tar"), tar_of(&tampered)).unwrap();
    for input in ["plain", "plain.tar"] {
        let read = read_one(&dir.join(input), &ReadOptions::default());
        assert_eq!(read.errors.len(), 1, "{input}: {:?}", read.errors);
        let e = &read.errors[0];
        assert!(e.location.starts_with("image acme/web:1.2 layer sha256:"), "{e}");
        assert!(
            e.message
                .starts_with("the layer does not match its digest: the archive was altered or truncated"),
            "{e}"
        );
        let files = read.spec.files.as_ref().unwrap();
        assert!(!files.complete);
        assert!(files.get("/app/data").is_some(), "the next layer is read");
    }

    // The gzip layer's last byte (the stream's length field) flipped: the decompressed
    // tar is intact, the blob's digest is not.
    let mut tampered = files.clone();
    let gz = blob_name(&tampered, 1);
    let last = tampered.iter().find(|(n, _)| *n == gz).unwrap().1.len() - 1;
    tampered::tamper(&mut tampered, &gz, last);
    write_dir(&dir.join("gzip"), &tampered);
    let read = read_one(&dir.join("gzip"), &ReadOptions::default());
    assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
    assert!(
        read.errors[0].message.contains("altered or truncated") || read.errors[0].message.contains("broken layer"),
        "{}",
        read.errors[0]
    );
    assert!(read.errors[0].location.starts_with("image acme/web:1.2 layer sha256:"));

    // A truncated layer blob.
    let mut truncated = files.clone();
    truncated
        .iter_mut()
        .find(|(n, _)| *n == plain)
        .unwrap()
        .1
        .truncate(1024);
    write_dir(&dir.join("truncated"), &truncated);
    let read = read_one(&dir.join("truncated"), &ReadOptions::default());
    assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
    assert!(!read.spec.files.unwrap().complete);

    // A manifest flipped: the archive's images cannot be trusted, a located error.
    let mut tampered = files.clone();
    let manifest = tampered
        .iter()
        .find(|(n, b)| n.starts_with("blobs/") && String::from_utf8_lossy(b).contains("\"layers\":["))
        .unwrap()
        .0
        .clone();
    tampered::tamper(&mut tampered, &manifest, 3);
    write_dir(&dir.join("manifest"), &tampered);
    let err = read_path(&dir.join("manifest"), &ReadOptions::default()).unwrap_err();
    assert!(err.location.ends_with(&manifest), "{err}");
    assert!(err.message.contains("does not match its digest"), "{err}");

    // Legacy `docker save`: layers are checked against the configuration's diff ids.
    let mut legacy = docker_save_legacy(&image(two_layers()));
    std::fs::write(dir.join("legacy-good.tar"), tar_of(&legacy)).unwrap();
    let read = read_one(&dir.join("legacy-good.tar"), &ReadOptions::default());
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let first = legacy
        .iter()
        .find(|(n, _)| n.ends_with("/layer.tar"))
        .unwrap()
        .0
        .clone();
    tampered::tamper(&mut legacy, &first, 512 + 7);
    std::fs::write(dir.join("legacy.tar"), tar_of(&legacy)).unwrap();
    let read = read_one(&dir.join("legacy.tar"), &ReadOptions::default());
    assert_eq!(read.errors.len(), 1, "{:?}", read.errors);
    assert!(
        read.errors[0].message.contains("hashes to sha256:"),
        "{}",
        read.errors[0]
    );
}

/// Reports every `TOKEN` in a file, except under /skip.
struct Keyword;

impl ContentProbe for Keyword {
    fn wants(&self, path: &str, _size: u64) -> bool {
        !path.starts_with("/skip/")
    }

    fn probe(&self, _path: &str, content: &[u8]) -> Vec<ContentHit> {
        let text = String::from_utf8_lossy(content);
        text.lines()
            .enumerate()
            .filter_map(|(i, l)| {
                l.find("TOKEN").map(|c| ContentHit {
                    kind: "a token".to_string(),
                    line: i as u32 + 1,
                    column: c as u32 + 1,
                })
            })
            .collect()
    }
}

#[test]
fn the_content_probe_sees_text_files_of_every_layer_and_keeps_no_content() {
    let dir = scratch("probe");
    let mut base = LayerBuilder::new();
    base.file("app/config.txt", 0o644, b"a=1\nkey = TOKEN\n")
        .file("app/gone.txt", 0o644, b"TOKEN\n")
        .file("app/replaced.txt", 0o644, b"TOKEN here\n")
        .file("bin/tool", 0o755, b"\x7fELF\0\0TOKEN")
        .file("skip/x.txt", 0o644, b"TOKEN")
        .zeros("big.txt", dockward_model::image::PROBE_CAP + 1);
    let mut top = LayerBuilder::new();
    top.whiteout("app/gone.txt")
        .file("app/replaced.txt", 0o644, b"clean\n")
        .file("app/.env", 0o600, b"X=1\n  TOKEN\n");
    let layers = vec![
        compress(&base.finish(), Compress::Gzip),
        compress(&top.finish(), Compress::Zstd),
    ];
    write_dir(&dir.join("layout"), &oci_layout(&[image(layers)]));
    let options = ReadOptions {
        content_probe: Some(Arc::new(Keyword)),
        ..ReadOptions::default()
    };
    let read = read_one(&dir.join("layout"), &options);
    assert!(read.errors.is_empty(), "{:?}", read.errors);
    let files = read.spec.files.unwrap();
    let hits: Vec<(&str, u32, u32, u32)> = files
        .content_hits
        .iter()
        .flat_map(|f| f.hits.iter().map(move |h| (f.path.as_str(), f.layer, h.line, h.column)))
        .collect();
    // The binary, the skipped folder and the file over the cap are not probed; the deleted
    // and the replaced file keep their hits in the layer that wrote them; a file whose
    // content the model keeps (`.env`) is probed too.
    assert_eq!(
        hits,
        [
            ("/app/config.txt", 0, 2, 7),
            ("/app/gone.txt", 0, 1, 1),
            ("/app/replaced.txt", 0, 1, 1),
            ("/app/.env", 1, 2, 3),
        ]
    );
    assert!(
        files.get("/app/config.txt").unwrap().content.is_none(),
        "probed content is not kept"
    );
    // Without a probe nothing is looked at.
    let read = read_one(&dir.join("layout"), &ReadOptions::default());
    assert!(read.spec.files.unwrap().content_hits.is_empty());
}

#[test]
fn progress_is_reported_per_layer() {
    let dir = scratch("progress");
    write_dir(&dir.join("layout"), &oci_layout(&[image(two_layers())]));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let options = ReadOptions {
        progress: Some(Arc::new(move |p: &Progress<'_>| {
            sink.lock()
                .unwrap()
                .push((p.image.to_string(), p.layer, p.layers, p.read));
        })),
        ..ReadOptions::default()
    };
    read_one(&dir.join("layout"), &options);
    let seen = seen.lock().unwrap();
    assert_eq!(
        *seen,
        [
            ("acme/web:1.2".to_string(), 1, 2, 0),
            ("acme/web:1.2".to_string(), 2, 2, 0)
        ]
    );
}

/// Counts the files it is shown.
struct Counter(Mutex<Vec<String>>);

impl ContentProbe for Counter {
    fn wants(&self, _path: &str, _size: u64) -> bool {
        true
    }

    fn probe(&self, path: &str, _content: &[u8]) -> Vec<ContentHit> {
        self.0.lock().unwrap().push(path.to_string());
        Vec::new()
    }
}

#[test]
fn layers_shared_by_images_of_one_archive_are_read_once() {
    let dir = scratch("shared");
    let mut base = LayerBuilder::new();
    base.file("etc/motd", 0o644, b"base\n");
    let base = compress(&base.finish(), Compress::Gzip);
    let top = |name: &str| {
        let mut l = LayerBuilder::new();
        l.file(&format!("app/{name}.txt"), 0o644, b"app\n");
        compress(&l.finish(), Compress::Gzip)
    };
    let named = |name: &str, layers: Vec<Vec<u8>>| TestImage {
        name: Some(format!("acme/{name}:1")),
        ..image(layers)
    };
    let images = [
        named("a", vec![base.clone(), top("a")]),
        named("b", vec![base.clone(), top("b")]),
        named("c", vec![top("c")]),
    ];
    let mut files = oci_layout(&images);
    write_dir(&dir.join("good"), &files);
    let counter = Arc::new(Counter(Mutex::new(Vec::new())));
    let options = ReadOptions {
        content_probe: Some(counter.clone()),
        ..ReadOptions::default()
    };
    let reads = read_path(&dir.join("good"), &options).unwrap();
    let listing = |r: &ImageRead| paths(r.spec.files.as_ref().unwrap());
    assert_eq!(listing(&reads[0]), ["/app/a.txt", "/etc/motd"]);
    assert_eq!(listing(&reads[1]), ["/app/b.txt", "/etc/motd"]);
    assert_eq!(listing(&reads[2]), ["/app/c.txt"]);
    // The base layer's file was shown to the probe once, for both images.
    let mut seen = counter.0.lock().unwrap().clone();
    seen.sort();
    assert_eq!(seen, ["/app/a.txt", "/app/b.txt", "/app/c.txt", "/etc/motd"]);

    // A broken shared layer: each image that has it reports the error under its own name.
    let blob = files.iter().find(|(_, b)| *b == base).unwrap().0.clone();
    let middle = base.len() / 2;
    tampered::tamper(&mut files, &blob, middle);
    write_dir(&dir.join("bad"), &files);
    let reads = read_path(&dir.join("bad"), &ReadOptions::default()).unwrap();
    let located: Vec<Vec<String>> = reads
        .iter()
        .map(|r| {
            r.errors
                .iter()
                .map(|e| e.location.split(" layer ").next().unwrap().to_string())
                .collect()
        })
        .collect();
    assert_eq!(
        located,
        [
            vec!["image acme/a:1".to_string()],
            vec!["image acme/b:1".to_string()],
            vec![]
        ]
    );
    assert!(!reads[1].spec.files.as_ref().unwrap().complete);
    assert!(reads[2].spec.files.as_ref().unwrap().complete);
}
