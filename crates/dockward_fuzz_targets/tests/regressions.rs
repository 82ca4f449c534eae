//! Replays what the fuzzers found and keeps: `fuzz/regressions/TARGET/*` (inputs that once
//! crashed, hung or blew up), and a sample of the shared corpus through every target, so
//! plain `cargo test` runs each fuzz target's code on real and hostile inputs.

use dockward_fuzz_targets::TARGETS;
use std::path::Path;

#[test]
fn kept_fuzz_inputs_still_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut replayed = 0;
    for (name, target) in TARGETS {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else {
            continue;
        };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).unwrap();
            target(&data);
            replayed += 1;
        }
    }
    assert!(replayed > 0, "fuzz/regressions holds the kept inputs");
}

#[test]
fn every_target_runs_on_a_corpus_sample() {
    let Some(corpus) = dockward_core::testing::corpus_dir() else {
        return;
    };
    let mut files = dockward_core::testing::files_under(&corpus.join("dockerfiles"));
    files.extend(dockward_core::testing::files_under(&corpus.join("compose")));
    // Every 25th file: the whole corpus is covered by the rules' own corpus tests.
    for path in files.iter().step_by(25) {
        let data = std::fs::read(path).unwrap();
        for (_, target) in TARGETS {
            target(&data);
        }
    }
}
