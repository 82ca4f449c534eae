//! docs/rules/*.md are generated from the rule registry; this test fails when they are stale
//! and rewrites them with `UPDATE_DOCS=1`.

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;

#[test]
fn rule_docs_are_current() {
    let root = dockward_core::testing::workspace_root().join("docs/rules");
    let list = Command::cargo_bin("dockward")
        .unwrap()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&list.stdout).unwrap();
    let mut expected: BTreeMap<String, String> = BTreeMap::new();
    let mut index = String::from(
        "# Rules\n\nGenerated from the registry; `dockward rule CODE` prints the same text.\n\n| code | name | severity | category | summary |\n|---|---|---|---|---|\n",
    );
    for rule in &rules {
        let code = rule["code"].as_str().unwrap();
        let out = Command::cargo_bin("dockward")
            .unwrap()
            .args(["rule", code])
            .output()
            .unwrap();
        expected.insert(format!("{code}.md"), String::from_utf8(out.stdout).unwrap());
        index.push_str(&format!(
            "| [{code}]({code}.md) | {} | {} | {} | {}{} |\n",
            rule["name"].as_str().unwrap(),
            rule["severity"].as_str().unwrap(),
            rule["category"].as_str().unwrap(),
            rule["summary"].as_str().unwrap().replace('|', "\\|"),
            if rule["opt_in"] == true { " (opt-in)" } else { "" }
        ));
    }
    expected.insert("README.md".to_string(), index);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        for (name, text) in &expected {
            fs::write(root.join(name), text).unwrap();
        }
        return;
    }
    let mut actual: BTreeMap<String, String> = BTreeMap::new();
    for entry in fs::read_dir(&root).unwrap() {
        let entry = entry.unwrap();
        actual.insert(
            entry.file_name().to_string_lossy().into_owned(),
            fs::read_to_string(entry.path()).unwrap(),
        );
    }
    let stale: Vec<&String> = expected
        .keys()
        .filter(|k| actual.get(*k) != expected.get(*k))
        .chain(actual.keys().filter(|k| !expected.contains_key(*k)))
        .collect();
    assert!(
        stale.is_empty(),
        "docs/rules is stale ({stale:?}); regenerate with `UPDATE_DOCS=1 cargo test -p dockward --test docs`"
    );
}
