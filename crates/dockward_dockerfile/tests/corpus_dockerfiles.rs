//! Every real-world Dockerfile in the shared corpus parses without panicking, and exactly
//! the files listed below produce diagnostics. A change to that set is a behaviour
//! change: update the list (with a reason) only when the new behaviour is right.

use std::collections::BTreeMap;

use dockward_core::TextRange;
use dockward_core::testing::{corpus_subdir, files_under};
use dockward_dockerfile::{DiagnosticKind, parse};

/// Files (relative to the corpus `dockerfiles/` folder) that produce diagnostics, the
/// kind of the first one, and why. None of them is rejected by BuildKit's *parser*; all
/// are rejected by BuildKit before it builds anything.
const EXPECTED: &[(&str, DiagnosticKind, &str)] = &[
    (
        "containers__buildah/tests/bud/add-checksum/Containerfile.bad",
        DiagnosticKind::InvalidInstruction,
        "intentionally broken: `ADD --checksum <url>` has no `=value`",
    ),
    (
        "containers__buildah/tests/bud/add-chmod/Dockerfile.bad",
        DiagnosticKind::InvalidInstruction,
        "intentionally broken: `ADD --chmod 777` has no `=value`",
    ),
    (
        "containers__buildah/tests/bud/add-chown/Dockerfile.bad",
        DiagnosticKind::InvalidInstruction,
        "intentionally broken: `ADD --chown 2367:3267` has no `=value`",
    ),
    (
        "containers__buildah/tests/bud/base-with-arg/Containerfile",
        DiagnosticKind::InvalidInstruction,
        "stage name `platform-arm/v7` contains `/` (buildah accepts it, BuildKit does not)",
    ),
    (
        "containers__buildah/tests/bud/copy-chmod/Dockerfile.bad",
        DiagnosticKind::InvalidInstruction,
        "intentionally broken: `COPY --chmod 777` has no `=value`",
    ),
    (
        "containers__buildah/tests/bud/copy-chown/Dockerfile.bad",
        DiagnosticKind::InvalidInstruction,
        "intentionally broken: `COPY --chown 2367:3267` has no `=value`",
    ),
    (
        "containers__buildah/tests/bud/copy-from/Dockerfile.bad",
        DiagnosticKind::InvalidInstruction,
        "intentionally broken: `COPY --from registry.com/...` has no `=value`",
    ),
    (
        "containers__buildah/tests/bud/copy-multistage-paths/Dockerfile.invalid_from",
        DiagnosticKind::InvalidInstruction,
        "intentionally broken: `COPY --from builder` has no `=value`",
    ),
    (
        "containers__buildah/tests/bud/from-multiple-files/Dockerfile2.nofrom",
        DiagnosticKind::InvalidInstruction,
        "fragment meant to be appended to another file: COPY with no FROM",
    ),
    (
        "containers__buildah/tests/bud/save-stages/Dockerfile.arg-build-stages-and-chained-build-stages",
        DiagnosticKind::InvalidInstruction,
        "stage names from ARGs (`AS ${FIRST_STAGE}`): buildah expands them, BuildKit rejects them",
    ),
    (
        "containers__buildah/tests/bud/unrecognized/Dockerfile",
        DiagnosticKind::UnknownInstruction,
        "intentionally broken: unknown instruction `BOGUS`",
    ),
    (
        "docker-library__mysql/Dockerfile.oracle",
        DiagnosticKind::UnknownInstruction,
        "a jq template (`{{ def … }}` lines), not a Dockerfile",
    ),
    (
        "docker__compose/pkg/e2e/fixtures/wrong-composefile/service1/Dockerfile",
        DiagnosticKind::UnknownInstruction,
        "intentionally broken test fixture: unknown instruction `WRONG`",
    ),
    (
        "tianon__dockerfiles/jenkins/Dockerfile.lts",
        DiagnosticKind::UnknownInstruction,
        "a symlink stored as a file: its content is the path `lts/Dockerfile`",
    ),
    (
        "tianon__dockerfiles/jenkins/Dockerfile.weekly",
        DiagnosticKind::UnknownInstruction,
        "a symlink stored as a file: its content is the path `weekly/Dockerfile`",
    ),
];

fn assert_range_ok(range: TextRange, text: &str, what: &str) {
    assert!(
        range.start <= range.end
            && (range.end as usize) <= text.len()
            && text.is_char_boundary(range.start as usize)
            && text.is_char_boundary(range.end as usize),
        "{what}: bad range {range:?}"
    );
}

#[test]
fn corpus_parses_and_only_listed_files_have_diagnostics() {
    let Some(dir) = corpus_subdir("dockerfiles") else {
        return;
    };
    let mut actual: BTreeMap<String, (DiagnosticKind, String)> = BTreeMap::new();
    let mut files = 0;
    let mut bytes_total = 0;
    let mut instructions = 0;
    for path in files_under(&dir) {
        let bytes = std::fs::read(&path).unwrap();
        bytes_total += bytes.len();
        let text = String::from_utf8_lossy(&bytes);
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
        let df = parse(&text);
        files += 1;
        instructions += df.instructions.len();
        for instr in &df.instructions {
            assert_range_ok(instr.range, &text, &rel);
            assert_range_ok(instr.keyword_range, &text, &rel);
        }
        if let Some(first) = df.diagnostics.first() {
            assert_range_ok(first.range, &text, &rel);
            actual.insert(rel, (first.kind, first.message.clone()));
        }
    }
    let expected: BTreeMap<&str, DiagnosticKind> = EXPECTED.iter().map(|(p, k, _)| (*p, *k)).collect();

    let unexpected: Vec<String> = actual
        .iter()
        .filter(|(p, (kind, _))| expected.get(p.as_str()) != Some(kind))
        .map(|(p, (kind, msg))| format!("  {p}: {kind:?}: {msg}"))
        .collect();
    let missing: Vec<&str> = expected.keys().filter(|p| !actual.contains_key(**p)).copied().collect();
    println!(
        "corpus: {files} files ({} KiB, {instructions} instructions) parsed; {} with diagnostics",
        bytes_total / 1024,
        actual.len()
    );
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "diagnostics differ from the committed list\nunexpected:\n{}\nmissing: {missing:?}",
        unexpected.join("\n")
    );
    assert!(files > 1000, "expected the whole corpus, found {files} files");
}

#[test]
fn no_corpus_file_is_rejected_by_the_parser() {
    let Some(dir) = corpus_subdir("dockerfiles") else {
        return;
    };
    for path in files_under(&dir) {
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let df = parse(&text);
        assert!(
            !df.has_fatal_error(),
            "{}: {:?}",
            path.display(),
            df.first_fatal_error()
        );
    }
}
