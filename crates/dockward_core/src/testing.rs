//! Helpers for tests across the workspace: finding the shared real-world corpus.
//!
//! The corpus lives outside the repository (it is data written by others and is never
//! copied in). Tests find it through `DOCKWARD_CORPUS`, defaulting to `../shared/corpus`
//! next to the workspace root. Where it is absent a test says so and skips, except under
//! `CI=true`, where a missing corpus is a failure: CI must never pass by skipping.

use std::path::{Path, PathBuf};

/// The corpus directory, or `None` (after printing why) when it is absent outside CI.
///
/// # Panics
/// Under `CI=true` when the corpus cannot be found.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("DOCKWARD_CORPUS") {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("../shared/corpus"),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !in_ci,
        "corpus not found at {} (set DOCKWARD_CORPUS); under CI=true it is required",
        dir.display()
    );
    eprintln!(
        "SKIPPED: corpus not found at {} (set DOCKWARD_CORPUS to run this test)",
        dir.display()
    );
    None
}

/// A sub-folder of the corpus (e.g. `"dockerfiles"`), with the same skip/fail policy.
pub fn corpus_subdir(name: &str) -> Option<PathBuf> {
    let dir = corpus_dir()?.join(name);
    assert!(dir.is_dir(), "corpus folder {} is missing", dir.display());
    Some(dir)
}

/// The workspace root: two levels above this crate's manifest.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every regular file under `dir`, sorted, skipping `SOURCES.md`/`FORMAT.md` notes.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                stack.push(path);
            } else if kind.is_file()
                && !matches!(
                    path.file_name().and_then(|n| n.to_str()),
                    Some("SOURCES.md" | "FORMAT.md")
                )
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}
