//! Credential files in the image: DW402, seen in a built image's files — by content where
//! the format tells (`.npmrc` tokens, `.pypirc` passwords, AWS credentials, Docker
//! `auths`, PEM private keys, `.env` secrets), by name otherwise (SSH keys, key stores).
//! A file a later layer deleted is still in the layer that added it: reported too.
//!
//! Other text files are looked into while the layer streams, by [`SecretProbe`] (the
//! reader is handed it by the command): credentials of well-known formats found there
//! (`ghp_…` in `config.txt`, `sk_live_…` in `server.js`) are reported with their line, in
//! the layer that wrote the file, whatever later layers do to it.

use super::ImageCx;
pub use crate::build::instructions::secret_file_copied::META;
use crate::build::instructions::secret_file_copied::secret_kind;
use crate::secrets::{credential_in_file, secrets_in_text};
use dockward_core::{Finding, Severity};
use dockward_model::image::{ContentHit, ContentProbe, FileKind, ImageFile, wants_content};

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

/// Folders whose files come from packages and toolchains, documentation and translations:
/// keys and tokens there are fixtures and examples, and reading them costs most of the
/// time (the places trivy's secret scanner leaves out by default are among them).
const NOISE_PREFIXES: &[&str] = &[
    "/usr/share/",
    "/usr/include/",
    "/usr/lib/",
    "/usr/lib64/",
    "/usr/libexec/",
    // Not `/usr/src/`: `WORKDIR /usr/src/app` is common; WordPress's own tree is noise.
    "/usr/src/wordpress/",
    "/usr/local/go/",
    "/usr/local/include/",
    "/usr/local/share/",
    "/lib/",
    "/lib64/",
    "/var/lib/dpkg/",
    "/var/lib/apt/",
    "/var/lib/rpm/",
    "/var/cache/",
    "/var/log/anaconda/",
    "/etc/ssl/certs/",
    "/etc/pki/",
    "/proc/",
    "/sys/",
];

/// Folders anywhere in a path whose files are not the image's own configuration or code.
const NOISE_FOLDERS: &[&str] = &[
    "/node_modules/",
    "/.git/",
    "/vendor/",
    "/locale/",
    "/locales/",
    "/__pycache__/",
    "/site-packages/",
    "/dist-packages/",
    "/.cache/",
];

/// Extensions of binary, media and archive files, compiled code, documentation and lock
/// files (checksums that look random).
const NOISE_EXTENSIONS: &[&str] = &[
    ".pyc", ".pyo", ".so", ".a", ".o", ".class", ".jar", ".war", ".jpg", ".jpeg", ".png", ".gif", ".ico", ".svg",
    ".webp", ".bmp", ".pdf", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".mo", ".gz", ".tgz", ".xz", ".bz2", ".zst",
    ".zip", ".tar", ".deb", ".rpm", ".apk", ".whl", ".bin", ".db", ".sqlite", ".md", ".map", ".wasm",
];

const LOCK_FILES: &[&str] = &[
    "go.sum",
    "go.mod",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "Pipfile.lock",
    "poetry.lock",
    "Gemfile.lock",
    "Cargo.lock",
    "composer.lock",
];

/// Whether a file of an image is worth scanning for secrets by content: not a credential
/// file (those are judged by format), not under package, documentation, test or example
/// folders, not a binary, media, archive or lock file.
pub fn worth_scanning(path: &str) -> bool {
    if wants_content(path, 0) || NOISE_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return false;
    }
    if NOISE_FOLDERS.iter().chain(FIXTURES).any(|f| path.contains(f)) {
        return false;
    }
    // `/usr/local/lib/python3.12/`: the interpreter's own library and its tests.
    if path.strip_prefix("/usr/local/lib/").is_some_and(|rest| {
        rest.starts_with("python") || rest.starts_with("node_modules/") || rest.starts_with("ruby/")
    }) {
        return false;
    }
    let file = path.rsplit('/').next().unwrap_or(path);
    let lower = file.to_ascii_lowercase();
    !(LOCK_FILES.contains(&file)
        || NOISE_EXTENSIONS.iter().any(|e| lower.ends_with(e))
        || lower.contains("_test.")
        || lower.contains(".test.")
        || lower.contains(".spec.")
        || lower.starts_with("test_"))
}

/// The secret detector as the image reader's content probe: every text file
/// [`worth_scanning`] is searched for credentials of well-known formats
/// ([`secrets_in_text`]); hits keep the kind and place, never the value.
#[derive(Clone, Copy, Debug, Default)]
pub struct SecretProbe;

impl SecretProbe {
    /// Whether the rule that reports the probe's hits runs: without it, scanning is wasted.
    pub fn wanted(settings: &dockward_core::Settings) -> bool {
        settings.is_enabled(&META)
    }
}

impl ContentProbe for SecretProbe {
    fn wants(&self, path: &str, _size: u64) -> bool {
        worth_scanning(path)
    }

    fn probe(&self, _path: &str, content: &[u8]) -> Vec<ContentHit> {
        secrets_in_text(content)
            .into_iter()
            .map(|s| ContentHit {
                kind: s.kind.to_string(),
                line: s.line,
                column: s.column,
            })
            .collect()
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
    for found in &files.content_hits {
        // What the merged index shows at that path now: this layer's file, another
        // layer's, or nothing.
        let fate = match files.get(&found.path) {
            Some(f) if f.layer == found.layer => "",
            Some(_) => "; a later layer replaces the file, but this layer still has it",
            None => "; a later layer deletes the file, but this layer still has it",
        };
        for hit in &found.hits {
            // A token in a random string of a configuration is a credential; a JWT is
            // often a sample or an expired session.
            let severity = if hit.kind.contains("JSON Web Token") {
                Severity::Medium
            } else {
                Severity::Critical
            };
            out.push(
                cx.finding(
                    &META,
                    &cx.spec.layer_at(found.layer, &found.path),
                    format!(
                        "{} holds what looks like {} (line {}, column {}){fate}",
                        found.path, hit.kind, hit.line, hit.column
                    ),
                )
                .with_severity(severity)
                .with_help("remove the credential from the file (read it from a secret or the environment at run time), rotate it, and rebuild"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn noise_paths_are_not_scanned() {
        for yes in [
            "/app/config.txt",
            "/app/server.js",
            "/usr/src/app/index.js",
            "/etc/myapp/settings.yaml",
            "/opt/tool/run.sh",
            "/home/app/notes",
        ] {
            assert!(worth_scanning(yes), "{yes}");
        }
        for no in [
            "/usr/share/doc/x/README",
            "/usr/lib/python3.11/ssl.py",
            "/usr/local/lib/python3.12/site-packages/x.py",
            "/app/node_modules/x/index.js",
            "/app/vendor/x.go",
            "/app/tests/keys.txt",
            "/app/x.pyc",
            "/app/README.md",
            "/app/package-lock.json",
            "/app/logo.PNG",
            "/app/user_test.go",
            "/app/.npmrc",
            "/root/.ssh/id_rsa",
            "/usr/local/go/src/crypto/tls/x.go",
        ] {
            assert!(!worth_scanning(no), "{no}");
        }
    }

    #[test]
    fn the_probe_reports_kind_and_place_never_the_value() {
        let token = "ghp_R8kq2ZtX4mVb7NcL1pW9sYd3Hf6Jg0Ae5UoQ";
        let hits = SecretProbe.probe("/app/a.txt", format!("x\n  t={token}\n").as_bytes());
        assert_eq!(
            hits,
            [ContentHit {
                kind: "a GitHub token".to_string(),
                line: 2,
                column: 5
            }]
        );
        assert!(!format!("{hits:?}").contains(token));
    }
}
