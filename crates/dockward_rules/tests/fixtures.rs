//! One fixture per rule: `tests/fixtures/<CODE>.Dockerfile` holds realistic cases that must
//! and must not trigger the rule; the findings (rule run alone) are an insta snapshot.
//! Fixable rules also snapshot the text after their fixes.

mod common;

use dockward_core::{Applicability, apply_fixes};

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.Dockerfile", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let code = path
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap()
            .split('-')
            .next()
            .unwrap()
            .to_string();
        let settings = common::only(&code);
        let findings = common::check(&text, &settings);
        assert!(
            findings.iter().any(|f| f.rule.code == code),
            "fixture {} never triggers {code}",
            path.display()
        );
        let mut snapshot = common::render(&text, &findings);
        let fixes: Vec<_> = findings
            .iter()
            .filter_map(|f| f.fix.as_ref())
            .filter(|f| f.applicability == Applicability::Safe)
            .collect();
        if !fixes.is_empty() {
            let (fixed, _) = apply_fixes(&text, fixes);
            let after = common::check(&fixed, &settings);
            assert!(
                !after.iter().any(|f| f.rule.code == code && f.fix.is_some()),
                "fixes for {code} do not converge:\n{}",
                common::render(&fixed, &after)
            );
            snapshot.push_str("\n--- after safe fixes ---\n");
            snapshot.push_str(&fixed);
        }
        insta::assert_snapshot!(snapshot);
    });
}
