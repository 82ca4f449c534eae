//! Every rule over the real-world Dockerfile corpus: the count of findings per rule is a
//! committed snapshot, so any change in behaviour shows up in review.

use dockward_core::{FileId, Settings, testing};
use dockward_rules::all_rules;
use std::collections::BTreeMap;

#[test]
fn corpus_findings_per_rule() {
    let Some(dir) = testing::corpus_subdir("dockerfiles") else {
        return;
    };
    // Opt-in rules too: their counts are worth reviewing as well.
    let mut settings = Settings::default();
    settings
        .apply_command_line(&["ALL".to_string()], &[], all_rules())
        .unwrap();
    let mut counts: BTreeMap<String, usize> = all_rules()
        .iter()
        // Rules only a built image can break have nothing to count in Dockerfiles.
        .filter(|r| r.models != [dockward_rules::ModelKind::Image])
        .map(|r| (format!("{} {}", r.code, r.name), 0))
        .collect();
    let files = testing::files_under(&dir);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let findings = dockward_driver::check_dockerfile(FileId(0), path, &text, &settings, None).expect("no --target");
        for f in findings {
            *counts.entry(format!("{} {}", f.rule.code, f.rule.name)).or_default() += 1;
        }
    }
    let mut summary = format!("files: {}\n", files.len());
    for (rule, n) in counts {
        summary.push_str(&format!("{rule}: {n}\n"));
    }
    insta::assert_snapshot!(summary);
}
