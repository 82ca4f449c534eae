//! Credential files in the image: DW402, seen in a built image's files — by content where
//! the format tells (`.npmrc` tokens, `.pypirc` passwords, AWS credentials, Docker
//! `auths`, PEM private keys, `.env` secrets), by name otherwise (SSH keys, key stores).
//! A file a later layer deleted is still in the layer that added it: reported too.

use super::ImageCx;
pub use crate::build::instructions::secret_file_copied::META;
use crate::build::instructions::secret_file_copied::secret_kind;
use crate::secrets::credential_in_file;
use dockward_core::{Finding, Severity};
use dockward_model::image::{FileKind, ImageFile, wants_content};

/// Trees whose keys are test fixtures and examples shipped by packages, not credentials.
const FIXTURES: &[&str] = &[
    "/test/",
    "/tests/",
    "/testdata/",
    "/fixtures/",
    "/examples/",
    "/example/",
    "/testing/",
    "/node_modules/",
    "/site-packages/",
    "/dist-packages/",
    "/share/doc/",
];

/// What credential a file holds, and how severe that is.
fn verdict(path: &str, file: &ImageFile) -> Option<(&'static str, Severity)> {
    if FIXTURES.iter().any(|f| path.contains(f)) {
        return None;
    }
    let by_name = secret_kind(path);
    let file_name = path.rsplit('/').next().unwrap_or(path);
    if file_name.starts_with(".env") && by_name.is_none() {
        // `.env.example`, `.env.template`: documentation of the settings, not secrets.
        return None;
    }
    match &file.content {
        Some(content) if !content.is_empty() => {
            let kind = credential_in_file(path, content)?;
            Some((kind, by_name.map_or(Severity::High, |(_, s)| s.max(Severity::High))))
        }
        Some(_) => None,
        // Too large to keep: judged by name alone, keys only (large .env files are rare).
        None => by_name.filter(|(kind, _)| kind.contains("key")),
    }
}

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let Some(files) = cx.files() else { return };
    let help = "remove the file from the build context (.dockerignore) or the layer that adds it, rotate the credential, and rebuild";
    for (path, file) in files.iter() {
        if file.kind != FileKind::Regular || !wants_content(path, 0) {
            continue;
        }
        if path.starts_with("/etc/") && !path.contains("/.") && !path.starts_with("/etc/ssl/private/") {
            // System files (`/etc/passwd`, certificates) are not credential files; keys
            // under /etc/ssl/private are.
            continue;
        }
        let Some((kind, severity)) = verdict(path, file) else {
            continue;
        };
        out.push(
            cx.file_finding(&META, path, file, format!("{path} holds {kind}"))
                .with_severity(severity)
                .with_help(help),
        );
    }
    for deleted in &files.deleted {
        let Some((kind, severity)) = verdict(&deleted.path, &deleted.file) else {
            continue;
        };
        out.push(
            cx.file_finding(
                &META,
                &deleted.path,
                &deleted.file,
                format!(
                    "{} holds {kind}; a later layer deletes it, but this layer still has it",
                    deleted.path
                ),
            )
            .with_severity(severity)
            .with_help(help),
        );
    }
}
