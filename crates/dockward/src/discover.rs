//! Which files a scan looks at.
//!
//! Walks the given paths honouring `.gitignore` (also outside a git checkout), descends into
//! hidden folders such as `.devcontainer/` and `.github/` (they hold real Dockerfiles), and
//! classifies each file by name. Explicitly named files are always scanned whatever their
//! name.

use dockward_rules::scripts::{ScriptKind, script_kind_for};
use ignore::WalkBuilder;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Dockerfile,
    /// The entry file of a Compose project (its override file is loaded with it).
    Compose,
    /// A file that may hold `docker run` lines: shell scripts, Makefiles, CI files, units.
    Script(ScriptKind),
}

/// What discovery looks for beyond the defaults.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiscoverOptions {
    /// Also read `docker run` lines in Markdown code blocks.
    pub markdown: bool,
}

/// A file to scan and what it is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    pub path: PathBuf,
    pub kind: FileKind,
}

/// What a file is, from its name, and for extension-less files its shebang line.
pub fn classify(path: &Path, options: DiscoverOptions) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if is_dockerfile_name(name) {
        return Some(FileKind::Dockerfile);
    }
    if dockward_yaml::is_compose_file_name(name) {
        return Some(FileKind::Compose);
    }
    let kind = script_kind_for(path, "").or_else(|| {
        // Only files without an extension can be scripts by shebang alone; reading the
        // first bytes of every file in a repository would cost more than the scan.
        (!name.contains('.'))
            .then(|| script_kind_for(path, &first_line(path)))
            .flatten()
    })?;
    (options.markdown || !kind.is_opt_in()).then_some(FileKind::Script(kind))
}

fn first_line(path: &Path) -> String {
    use std::io::Read;
    let mut head = [0u8; 128];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..n]);
    head.lines().next().unwrap_or("").to_string()
}

/// `Dockerfile`, `Containerfile` and their variants: a `Dockerfile`/`Containerfile` prefix
/// followed by `.`, `-`, `_` or a digit (`Dockerfile.dev`, `Dockerfile-2`,
/// `Dockerfile_test_cache`, `Containerfile1`, `Dockerfiletmpfs`), or a `.Dockerfile`/`.dockerfile`/
/// `.Containerfile` suffix (`api.Dockerfile`). Templates (`Dockerfile.j2`) and files of other
/// types that share the prefix (`Dockerfile.md`, `Dockerfile-lint.sh`) are not Dockerfiles.
pub fn is_dockerfile_name(name: &str) -> bool {
    const STEMS: [&str; 4] = ["Dockerfile", "Containerfile", "dockerfile", "containerfile"];
    let by_prefix = STEMS.iter().any(|stem| {
        name.strip_prefix(stem).is_some_and(|rest| {
            rest.is_empty()
                || (rest.len() > 1 && rest.starts_with(['.', '-', '_']))
                || rest.starts_with(|c: char| c.is_ascii_digit())
                // Capitalised stems are distinctive enough to take any suffix
                // (`Dockerfilecachewrite` in build-engine test suites).
                || (stem.starts_with(char::is_uppercase) && rest.starts_with(|c: char| c.is_ascii_alphabetic()))
        })
    });
    let by_suffix = STEMS.iter().any(|stem| {
        name.strip_suffix(stem)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'))
    });
    (by_prefix || by_suffix) && !is_template_name(name) && !has_other_file_type(name)
}

/// Generated-from templates are not Dockerfiles yet (`Dockerfile.template`, `.j2`, …).
fn is_template_name(name: &str) -> bool {
    const TEMPLATE_SUFFIXES: [&str; 8] = [
        ".template",
        ".tmpl",
        ".tpl",
        ".j2",
        ".jinja",
        ".in",
        ".erb",
        ".mustache",
    ];
    TEMPLATE_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// Files that merely share the prefix: docs, scripts, data (`Dockerfile.md`, `Dockerfile-lint.sh`).
fn has_other_file_type(name: &str) -> bool {
    const OTHER: [&str; 18] = [
        ".md",
        ".txt",
        ".rst",
        ".sh",
        ".bash",
        ".py",
        ".js",
        ".ts",
        ".go",
        ".rs",
        ".json",
        ".yml",
        ".yaml",
        ".toml",
        ".lock",
        ".dockerignore",
        ".orig",
        ".swp",
    ];
    OTHER.iter().any(|s| name.ends_with(s))
}

/// Every file to scan under `roots`, sorted and deduplicated, plus walk errors.
pub fn discover(roots: &[PathBuf], options: DiscoverOptions) -> (Vec<Target>, Vec<(PathBuf, String)>) {
    let mut targets = Vec::new();
    let mut errors = Vec::new();
    for root in roots {
        if root.is_file() {
            // Named explicitly: scanned whatever its name; unknown names are read as Dockerfiles.
            let kind = classify(root, DiscoverOptions { markdown: true }).unwrap_or(FileKind::Dockerfile);
            targets.push(Target {
                path: root.clone(),
                kind,
            });
            continue;
        }
        if !root.exists() {
            errors.push((root.clone(), "cannot read: no such file or directory".to_string()));
            continue;
        }
        let walker = WalkBuilder::new(root)
            .hidden(false)
            .git_ignore(true)
            .git_exclude(true)
            .git_global(false)
            .require_git(false)
            .filter_entry(|entry| entry.file_name() != ".git")
            .build();
        for entry in walker {
            match entry {
                Ok(entry) => {
                    if !entry.file_type().is_some_and(|t| t.is_file()) {
                        continue;
                    }
                    if let Some(kind) = classify(entry.path(), options) {
                        targets.push(Target {
                            path: clean(entry.path()),
                            kind,
                        });
                    }
                }
                Err(err) => errors.push((root.clone(), err.to_string())),
            }
        }
    }
    targets.sort();
    targets.dedup();
    drop_overrides_loaded_with_their_base(&mut targets);
    (targets, errors)
}

/// `compose.override.yaml` is loaded together with `compose.yaml` in the same folder (as
/// `docker compose` does), so it is not a project of its own there.
fn drop_overrides_loaded_with_their_base(targets: &mut Vec<Target>) {
    let bases: std::collections::HashSet<PathBuf> = targets
        .iter()
        .filter(|t| t.kind == FileKind::Compose)
        .filter(|t| {
            t.path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(dockward_yaml::is_default_file_name)
        })
        .filter_map(|t| t.path.parent().map(Path::to_path_buf))
        .collect();
    targets.retain(|t| {
        let is_override = t.kind == FileKind::Compose
            && t.path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(dockward_yaml::is_override_file_name);
        !(is_override && t.path.parent().is_some_and(|dir| bases.contains(dir)))
    });
}

/// `./x/Dockerfile` → `x/Dockerfile`, as users write paths.
fn clean(path: &Path) -> PathBuf {
    path.strip_prefix(".").unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_dockerfile_names() {
        for yes in [
            "Dockerfile",
            "Containerfile",
            "Dockerfile.dev",
            "Containerfile.alpine",
            "api.Dockerfile",
            "api.dockerfile",
            "x.Containerfile",
            "Dockerfile-2",
            "Dockerfile_test_cache",
            "Dockerfile1",
            "Containerfile2.bad",
            "dockerfile",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.template",
            "Dockerfile.j2",
            "dockerfile-lint.md",
            "README.md",
            "Dockerfile.",
            ".dockerfile",
            "dockerfiles",
            "Dockerfile.md",
            "Dockerfile-lint.sh",
            "Dockerfile_",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }
}
