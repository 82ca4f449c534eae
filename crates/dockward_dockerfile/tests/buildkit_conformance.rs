//! Conformance with BuildKit's own parser test files (shared corpus `buildkit-parser/`,
//! described in its FORMAT.md): every dump must match byte for byte, every negative case
//! must be rejected with a located error, and instruction line spans must match.

use std::path::Path;

use dockward_core::LineIndex;
use dockward_core::testing::corpus_subdir;
use dockward_dockerfile::{dump_buildkit, parse};

fn read(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    String::from_utf8_lossy(&bytes).into_owned()
}

fn case_dirs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut dirs: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn dumps_match_buildkit() {
    let Some(root) = corpus_subdir("buildkit-parser") else {
        return;
    };
    let mut passed = 0;
    let mut failures = Vec::new();
    for dir in case_dirs(&root) {
        let result = dir.join("result");
        if !result.is_file() {
            continue;
        }
        let text = read(&dir.join("Dockerfile"));
        let expected = read(&result);
        match dump_buildkit(&parse(&text)) {
            Ok(dump) if dump == expected => passed += 1,
            Ok(dump) => failures.push(format!("{}:\n--- expected\n{expected}--- got\n{dump}", dir.display())),
            Err(e) => failures.push(format!("{}: unexpected error {e:?}", dir.display())),
        }
    }
    let total = passed + failures.len();
    println!("buildkit conformance: {passed}/{total} dumps match");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(total, 33, "expected the 33 upstream cases");
}

#[test]
fn negative_cases_are_rejected_with_a_location() {
    let Some(root) = corpus_subdir("buildkit-parser") else {
        return;
    };
    let mut count = 0;
    for dir in case_dirs(&root.join("negative")) {
        let text = read(&dir.join("Dockerfile"));
        let df = parse(&text);
        let error = dump_buildkit(&df).expect_err(&format!("{} must be rejected", dir.display()));
        assert!(error.is_fatal);
        assert!(
            (error.range.end as usize) <= text.len() && text.is_char_boundary(error.range.start as usize),
            "{}: error range {:?} outside the file",
            dir.display(),
            error.range
        );
        count += 1;
    }
    println!("buildkit conformance: {count}/{count} negative cases rejected");
    assert_eq!(count, 4);
}

#[test]
fn line_spans_match_buildkit() {
    let Some(root) = corpus_subdir("buildkit-parser") else {
        return;
    };
    let dir = root.join("testfile-line");
    let text = read(&dir.join("Dockerfile"));
    let df = parse(&text);
    assert!(df.diagnostics.is_empty(), "{:?}", df.diagnostics);
    let index = LineIndex::new(&text);
    let line = |offset: u32| index.line_col(offset, &text).line as usize;
    let spans: Vec<(usize, usize)> = df
        .instructions
        .iter()
        .map(|i| (line(i.range.start), line(i.range.end)))
        .collect();

    let mut expected_children = Vec::new();
    let mut expected_ast = None;
    let mut expected_count = None;
    for l in read(&dir.join("expected-lines.txt")).lines() {
        let fields: Vec<&str> = l.split_whitespace().collect();
        match fields.as_slice() {
            ["#", ..] | [] => {}
            ["ast", a, b] => expected_ast = Some((a.parse().unwrap(), b.parse().unwrap())),
            ["children", n] => expected_count = Some(n.parse::<usize>().unwrap()),
            [_, a, b] => expected_children.push((a.parse().unwrap(), b.parse().unwrap())),
            other => panic!("unexpected line {other:?}"),
        }
    }
    assert_eq!(Some(spans.len()), expected_count);
    assert_eq!(spans, expected_children);
    let whole = (spans[0].0, spans[spans.len() - 1].1);
    assert_eq!(Some(whole), expected_ast);
    println!("buildkit conformance: line spans of {} instructions match", spans.len());
}
