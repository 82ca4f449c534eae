//! Arbitrary input never panics, never hangs, and every range stays inside the text on
//! character boundaries.

use dockward_yaml::{Budget, Node, parse_yaml};
use proptest::prelude::*;

fn check_ranges(text: &str, node: &Node) {
    node.walk(&mut |n| {
        let r = n.range.as_usize_range();
        assert!(r.end <= text.len(), "range {r:?} past end {}", text.len());
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    });
}

fn run(text: &str) {
    let doc = parse_yaml(text, &Budget::default());
    for root in &doc.docs {
        check_ranges(text, root);
    }
    for c in &doc.comments {
        assert!(c.range.end as usize <= text.len());
    }
    for e in &doc.errors {
        assert!(e.range.end as usize <= text.len());
    }
}

/// Fragments that make the parser work: indicators, anchors, quotes, block scalars.
fn yamlish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "a",
        "b: ",
        "- ",
        "  ",
        "\n",
        ": ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&x ",
        "*x",
        "<<: ",
        "'q'",
        "\"d\\\"\"",
        "|\n",
        ">-\n",
        "# c\n",
        "!reset ",
        "!!str ",
        "? ",
        "---\n",
        "...\n",
        "é",
        "名",
        "\t",
        "\r\n",
        "${X}",
        "'",
        "\"",
        "%YAML 1.2\n",
        "@",
        "`",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        run(&text);
    }

    #[test]
    fn yaml_like_text_never_panics(text in yamlish()) {
        run(&text);
    }
}

#[test]
fn compose_loader_never_panics_on_odd_files() {
    let dir = std::env::temp_dir().join(format!("dockward_yaml_prop_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let samples = [
        "",
        "[]",
        "services: 5",
        "services:\n  a: 3\n  b:\n  c: {extends: c}\n",
        "services:\n  a:\n    extends: {file: compose.yaml, service: a}\n",
        "include: [compose.yaml]\nservices: {}\n",
        "services:\n  a:\n    image: ${\n    ports: !reset\n",
        "a: &a [*a]",
        "services:\n  web: !override\n    image: x\n",
        "version: '2'\n",
    ];
    for (i, text) in samples.iter().enumerate() {
        let path = dir.join(format!("s{i}")).join("compose.yaml");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        let project = dockward_yaml::load_compose(&path, &dockward_yaml::LoadOptions::default());
        let _ = project.services.len();
    }
    let _ = std::fs::remove_dir_all(&dir);
}
