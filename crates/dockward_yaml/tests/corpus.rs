//! Every Compose file of the shared corpus loads without panicking, and exactly the files
//! listed in `tests/corpus_failures.txt` report errors (with the reasons written there).
//!
//! Set `DOCKWARD_BLESS=1` to rewrite the list after a deliberate change; review the diff.

use std::collections::BTreeMap;
use std::path::Path;

use dockward_core::testing::{corpus_subdir, files_under};
use dockward_yaml::{LoadOptions, load_compose_files};

const EXPECTED: &str = include_str!("corpus_failures.txt");

fn summarize(root: &Path) -> BTreeMap<String, String> {
    let options = LoadOptions::default();
    let mut failures = BTreeMap::new();
    for path in files_under(root) {
        // Each file on its own (`docker compose -f FILE config`): overrides in the corpus
        // are separate fragments, not auto-discovered pairs.
        let project = load_compose_files(std::slice::from_ref(&path), &options);
        if project.errors.is_empty() {
            continue;
        }
        let mut reasons: Vec<String> = project
            .errors
            .iter()
            .map(|e| format!("{:?}: {}", e.kind, e.message.replace(root.to_str().unwrap_or(""), "")))
            .collect();
        reasons.sort();
        reasons.dedup();
        let rel = path.strip_prefix(root).unwrap_or(&path).display().to_string();
        failures.insert(rel, reasons.join(" | "));
    }
    failures
}

#[test]
fn corpus_compose_files_load_and_failures_are_the_listed_ones() {
    let Some(root) = corpus_subdir("compose") else {
        return;
    };
    let actual = summarize(&root);
    let rendered: String = actual.iter().map(|(path, why)| format!("{path}\t{why}\n")).collect();
    if std::env::var_os("DOCKWARD_BLESS").is_some() {
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus_failures.txt");
        std::fs::write(out, format!("{HEADER}{rendered}")).unwrap();
        return;
    }
    let expected: String = EXPECTED
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        rendered, expected,
        "the set of corpus files that fail to load changed (DOCKWARD_BLESS=1 rewrites the list)"
    );
}

const HEADER: &str = "\
# Corpus Compose files that load with errors, and why (path<TAB>error kinds and messages).
# Each file is loaded alone, with an empty environment and no .env, like
# `docker compose -f FILE config` in an empty shell. Checked by tests/corpus.rs.
";
