//! `image` examples: an image shown as a shell transcript of what is inside it, turned
//! into an `ImageSpec` and checked with the image rules.
//!
//! ```text
//! $ ls -l /app/entrypoint.sh          lines `MODE LINKS UID GID SIZE PATH` become files
//! -rwxrwxrwx 1 0 0 120 /app/entrypoint.sh
//! $ cat /etc/shadow                   the lines up to the next `$` are the file's content
//! root::19700:0:99999:7:::
//! ```
//! The image sets `User` 1000 and a health check, so only what the transcript shows matters.

use dockward_core::{Finding, Settings};
use dockward_model::image::{FileKind, ImageFile, ImageFiles, ImageSpec, Layer, lower_config};
use std::sync::Arc;

/// `-rwsr-xr-x` → (kind, 0o4755).
fn parse_mode(s: &str) -> (FileKind, u32) {
    let b = s.as_bytes();
    let kind = match b[0] {
        b'd' => FileKind::Directory,
        b'l' => FileKind::Symlink(String::new()),
        _ => FileKind::Regular,
    };
    let mut mode = 0;
    for (i, bit) in [0o400, 0o200, 0o100, 0o040, 0o020, 0o010, 0o004, 0o002, 0o001]
        .iter()
        .enumerate()
    {
        let c = b[1 + i];
        if c != b'-' && c != b'S' && c != b'T' {
            mode |= bit;
        }
        match (i, c) {
            (2, b's' | b'S') => mode |= 0o4000,
            (5, b's' | b'S') => mode |= 0o2000,
            (8, b't' | b'T') => mode |= 0o1000,
            _ => {}
        }
    }
    (kind, mode)
}

pub fn spec(transcript: &str) -> ImageSpec {
    let mut files = ImageFiles::new();
    let mut cat: Option<(String, String)> = None;
    let flush = |cat: &mut Option<(String, String)>, files: &mut ImageFiles| {
        if let Some((path, content)) = cat.take() {
            files.insert(
                path,
                ImageFile {
                    kind: FileKind::Regular,
                    mode: 0o644,
                    uid: 0,
                    gid: 0,
                    size: content.len() as u64,
                    layer: 0,
                    content: Some(Arc::from(content.into_bytes())),
                },
            );
        }
    };
    for line in transcript.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            flush(&mut cat, &mut files);
            if let Some(path) = command.strip_prefix("cat ") {
                cat = Some((path.trim().to_string(), String::new()));
            }
            continue;
        }
        if let Some((_, content)) = &mut cat {
            content.push_str(line);
            content.push('\n');
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.len() >= 6 {
            let (kind, mode) = parse_mode(fields[0]);
            files.insert(
                fields[5].to_string(),
                ImageFile {
                    kind,
                    mode,
                    uid: fields[2].parse().unwrap_or(0),
                    gid: fields[3].parse().unwrap_or(0),
                    size: fields[4].parse().unwrap_or(0),
                    layer: 0,
                    content: None,
                },
            );
        }
    }
    flush(&mut cat, &mut files);
    let config = serde_json::json!({"User": "1000", "Healthcheck": {"Test": ["CMD", "true"]}});
    ImageSpec {
        name: "example:1".to_string(),
        platform: None,
        config: lower_config(Some(&config), "image example:1", "/config"),
        history: Vec::new(),
        layers: vec![Layer {
            digest: format!("sha256:{}", "0".repeat(64)),
            history: None,
        }],
        files: Some(files),
        digests: Vec::new(),
    }
}

pub fn check(transcript: &str, settings: &Settings) -> Vec<Finding> {
    dockward_driver::check_image(&spec(transcript), settings)
}
