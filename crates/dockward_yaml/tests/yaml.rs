//! The YAML span tree: ranges, anchors, merges, budgets, errors, comments.

use std::time::{Duration, Instant};

use dockward_core::TextRange;
use dockward_yaml::{Budget, Node, NodeStyle, NodeValue, YamlErrorKind, parse_yaml};

fn parse(text: &str) -> (Node, dockward_yaml::YamlDocument) {
    let doc = parse_yaml(text, &Budget::default());
    assert!(doc.errors.is_empty(), "unexpected errors: {:?}", doc.errors);
    (doc.docs[0].clone(), doc)
}

fn slice(text: &str, r: TextRange) -> &str {
    r.slice(text)
}

#[test]
fn block_scalars_and_keys_have_exact_spans() {
    let text = "services:\n  web:\n    privileged: true\n    user: 'root'\n    image: \"nginx:1.25\"\n";
    let (root, _) = parse(text);
    let web = root.get("services").unwrap().get("web").unwrap();
    let privileged = web.get("privileged").unwrap();
    assert_eq!(slice(text, privileged.range), "true");
    assert_eq!(privileged.as_bool(), Some(true));
    assert_eq!(privileged.style, NodeStyle::Plain);
    assert_eq!(slice(text, web.key_range("privileged").unwrap()), "privileged");
    let user = web.get("user").unwrap();
    assert_eq!(slice(text, user.range), "'root'");
    assert_eq!(user.as_str(), Some("root"));
    assert_eq!(user.style, NodeStyle::SingleQuoted);
    let image = web.get("image").unwrap();
    assert_eq!(slice(text, image.range), "\"nginx:1.25\"");
    assert_eq!(image.style, NodeStyle::DoubleQuoted);
    // A block mapping spans its first key to its last value.
    assert_eq!(
        slice(text, web.range),
        "privileged: true\n    user: 'root'\n    image: \"nginx:1.25\""
    );
    assert_eq!(web.style, NodeStyle::Block);
}

#[test]
fn block_and_flow_sequences_have_exact_spans() {
    let text = "cap_add:\n  - NET_ADMIN\n  - SYS_ADMIN\nports: [\"80:80\", 443]\nmap: {a: 1, b: [x, y]}\n";
    let (root, _) = parse(text);
    let caps = root.get("cap_add").unwrap();
    assert_eq!(slice(text, caps.range), "- NET_ADMIN\n  - SYS_ADMIN");
    assert_eq!(caps.style, NodeStyle::Block);
    let items = caps.items().unwrap();
    assert_eq!(slice(text, items[1].range), "SYS_ADMIN");
    let ports = root.get("ports").unwrap();
    assert_eq!(slice(text, ports.range), "[\"80:80\", 443]");
    assert_eq!(ports.style, NodeStyle::Flow);
    assert_eq!(slice(text, ports.items().unwrap()[0].range), "\"80:80\"");
    assert_eq!(ports.items().unwrap()[1].as_i64(), Some(443));
    let map = root.get("map").unwrap();
    assert_eq!(slice(text, map.range), "{a: 1, b: [x, y]}");
    assert_eq!(slice(text, map.get("b").unwrap().range), "[x, y]");
    assert_eq!(slice(text, map.key_range("b").unwrap()), "b");
}

#[test]
fn nested_block_sequences_start_at_their_dash() {
    let text = "a:\n- - x\n  - y\n- &anc z\n";
    let (root, _) = parse(text);
    let a = root.get("a").unwrap();
    assert_eq!(slice(text, a.range), "- - x\n  - y\n- &anc z");
    assert_eq!(slice(text, a.items().unwrap()[0].range), "- x\n  - y");
    let z = &a.items().unwrap()[1];
    assert_eq!(slice(text, z.range), "z");
    assert_eq!(z.anchor.as_deref(), Some("anc"));
}

#[test]
fn block_scalars_cover_indicator_to_last_line() {
    let text = "cmd: |\n  echo one\n  echo two\n\nnext: >- # folded\n  a\n  b\nlast: x\n";
    let (root, doc) = parse(text);
    let cmd = root.get("cmd").unwrap();
    assert_eq!(slice(text, cmd.range), "|\n  echo one\n  echo two");
    assert_eq!(cmd.as_str(), Some("echo one\necho two\n"));
    assert_eq!(cmd.style, NodeStyle::Literal);
    let next = root.get("next").unwrap();
    assert_eq!(slice(text, next.range), ">- # folded\n  a\n  b");
    assert_eq!(next.as_str(), Some("a b"));
    assert_eq!(next.style, NodeStyle::Folded);
    assert_eq!(doc.comments.len(), 1);
    assert_eq!(doc.comments[0].text, " folded");
}

#[test]
fn multibyte_utf8_offsets_are_bytes() {
    let text = "é: 'ü'\nname: 名前 # コメント\nlist: [α, \"β\"]\nafter: ok\n";
    let (root, doc) = parse(text);
    let e = root.get("é").unwrap();
    assert_eq!(slice(text, e.range), "'ü'");
    assert_eq!(slice(text, root.key_range("é").unwrap()), "é");
    assert_eq!(slice(text, root.get("name").unwrap().range), "名前");
    let list = root.get("list").unwrap();
    assert_eq!(slice(text, list.range), "[α, \"β\"]");
    assert_eq!(slice(text, list.items().unwrap()[1].range), "\"β\"");
    assert_eq!(slice(text, root.get("after").unwrap().range), "ok");
    assert_eq!(slice(text, doc.comments[0].range), "# コメント");
    // Every range lands on character boundaries.
    root.walk(&mut |n| {
        assert!(text.is_char_boundary(n.range.start as usize));
        assert!(text.is_char_boundary(n.range.end as usize));
    });
}

#[test]
fn crlf_text_spans() {
    let text = "a: 1\r\nb:\r\n  - x\r\n";
    let (root, _) = parse(text);
    assert_eq!(slice(text, root.get("a").unwrap().range), "1");
    assert_eq!(slice(text, root.get("b").unwrap().range), "- x");
}

#[test]
fn aliases_keep_the_use_range_and_the_anchor_value() {
    let text = "x-caps: &caps\n  - NET_ADMIN\n  - SYS_ADMIN\nservices:\n  a:\n    cap_add: *caps\n";
    let (root, _) = parse(text);
    let anchor_def = root.get("x-caps").unwrap();
    assert_eq!(anchor_def.anchor.as_deref(), Some("caps"));
    let caps = root.pointer(&["services", "a", "cap_add"]).unwrap();
    assert_eq!(slice(text, caps.range), "*caps");
    let origin = caps.alias.as_ref().unwrap();
    assert_eq!(origin.name, "caps");
    assert_eq!(origin.anchor, anchor_def.range);
    let items = caps.items().unwrap();
    assert_eq!(items.len(), 2);
    // Items point at their definition inside the anchor, and remember the alias.
    assert_eq!(slice(text, items[1].range), "SYS_ADMIN");
    assert_eq!(items[1].alias.as_ref().unwrap().alias, caps.range);
    assert_eq!(items[1].as_str(), Some("SYS_ADMIN"));
}

#[test]
fn merge_keys_single_and_list_with_explicit_keys_winning() {
    let text = "\
base: &base
  image: nginx
  privileged: true
  user: app
extra: &extra
  user: other
  read_only: true
svc:
  privileged: false
  <<: [*base, *extra]
  tty: true
one:
  <<: *base
";
    let (root, _) = parse(text);
    let svc = root.get("svc").unwrap();
    let keys: Vec<&str> = svc
        .entries()
        .unwrap()
        .iter()
        .map(|(k, _)| k.key_str().unwrap())
        .collect();
    assert_eq!(keys, ["privileged", "image", "user", "read_only", "tty"]);
    // Explicit key wins even though it is written before the merge.
    assert_eq!(svc.get("privileged").unwrap().as_bool(), Some(false));
    // Earlier maps in the list win over later ones.
    let user = svc.get("user").unwrap();
    assert_eq!(user.as_str(), Some("app"));
    assert_eq!(slice(text, user.range), "app");
    assert!(user.alias.is_some());
    assert_eq!(svc.get("read_only").unwrap().as_bool(), Some(true));
    // The mapping's own range is what is written under `svc:`.
    assert_eq!(
        slice(text, svc.range),
        "privileged: false\n  <<: [*base, *extra]\n  tty: true"
    );
    let one = root.get("one").unwrap();
    assert_eq!(one.get("image").unwrap().as_str(), Some("nginx"));
    assert!(one.get("<<").is_none());
}

#[test]
fn bad_merge_value_is_a_located_error() {
    let doc = parse_yaml("a:\n  <<: 5\n  b: 1\n", &Budget::default());
    assert_eq!(doc.errors.len(), 1);
    assert_eq!(doc.errors[0].kind, YamlErrorKind::Semantic);
    assert_eq!(doc.errors[0].range, TextRange::new(5, 7));
    assert_eq!(doc.docs[0].get("a").unwrap().get("b").unwrap().as_i64(), Some(1));
}

#[test]
fn alias_bomb_hits_the_budget_quickly() {
    let mut text = String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        text.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    let start = Instant::now();
    let doc = parse_yaml(&text, &Budget::default());
    assert!(start.elapsed() < Duration::from_secs(5));
    let err = doc.errors.iter().find(|e| e.kind == YamlErrorKind::Budget).unwrap();
    assert!(err.message.contains("alias"), "{}", err.message);
    assert_eq!(&text[err.range.as_usize_range()].chars().next(), &Some('*'));
}

#[test]
fn deep_nesting_hits_the_budget() {
    let text = "[".repeat(100_000);
    let doc = parse_yaml(&text, &Budget::default());
    assert!(doc.errors.iter().any(|e| e.kind == YamlErrorKind::Budget));
    let mut block = String::new();
    for depth in 0..300 {
        block.push_str(&" ".repeat(depth));
        block.push_str("- \n");
    }
    let doc = parse_yaml(&block, &Budget::default());
    assert!(!doc.docs.is_empty());
    // Chains of aliases cannot nest past the budget either.
    let mut chain = String::from("a0: &a0 [x]\n");
    for i in 1..200 {
        chain.push_str(&format!("a{i}: &a{i} [*a{}]\n", i - 1));
    }
    let doc = parse_yaml(&chain, &Budget::default());
    assert!(doc.errors.iter().any(|e| e.kind == YamlErrorKind::Budget));
}

#[test]
fn size_budget_is_checked_before_parsing() {
    let budget = Budget {
        max_bytes: 10,
        ..Budget::default()
    };
    let doc = parse_yaml("a: 1234567890\n", &budget);
    assert_eq!(doc.errors[0].kind, YamlErrorKind::Budget);
    assert!(doc.docs.is_empty());
}

#[test]
fn syntax_errors_are_located_and_keep_the_partial_tree() {
    let text = "services:\n  web:\n    image: nginx\n    ports: [80\n  db: {\n";
    let doc = parse_yaml(text, &Budget::default());
    let err = &doc.errors[0];
    assert_eq!(err.kind, YamlErrorKind::Syntax);
    assert!(err.range.start as usize > text.find("ports").unwrap());
    let web = doc.docs[0].pointer(&["services", "web"]).unwrap();
    assert_eq!(web.get("image").unwrap().as_str(), Some("nginx"));

    let text = "a: 'unterminated\n";
    let doc = parse_yaml(text, &Budget::default());
    assert_eq!(doc.errors.len(), 1);
    assert!((doc.errors[0].range.start as usize) <= text.len());
}

#[test]
fn duplicate_keys_are_reported_and_the_last_wins() {
    let text = "a: 1\nb: 2\na: 3\n";
    let doc = parse_yaml(text, &Budget::default());
    assert_eq!(doc.errors.len(), 1);
    assert_eq!(doc.errors[0].kind, YamlErrorKind::Semantic);
    assert_eq!(slice(text, doc.errors[0].range), "a");
    assert_eq!(doc.errors[0].range.start, 10);
    assert_eq!(doc.docs[0].get("a").unwrap().as_i64(), Some(3));
}

#[test]
fn comments_are_recovered_outside_scalars() {
    let text = "\
# top comment
a: 1 # trailing
b: \"# not a comment\"
c: x#y
d: |
  # inside a literal
  line
e: 'it''s' # after quotes
# dockward: ignore[DW001] reason
";
    let (_, doc) = parse(text);
    let texts: Vec<&str> = doc.comments.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            " top comment",
            " trailing",
            " after quotes",
            " dockward: ignore[DW001] reason"
        ]
    );
    for c in &doc.comments {
        assert!(slice(text, c.range).starts_with('#'));
    }
}

#[test]
fn typed_accessors_follow_compose() {
    let text = "\
t: yes
f: Off
q: \"true\"
s: !!str true
n1: ~
n2:
n3: null
i: 0x1F
o: 0440
fl: 1.5
e: ''
";
    let (root, _) = parse(text);
    assert_eq!(root.get("t").unwrap().as_bool(), Some(true));
    assert_eq!(root.get("f").unwrap().as_bool(), Some(false));
    assert_eq!(root.get("q").unwrap().as_bool(), Some(true));
    let s = root.get("s").unwrap();
    assert_eq!(s.tag.as_deref(), Some("!!str"));
    assert_eq!(s.as_str(), Some("true"));
    for k in ["n1", "n2", "n3"] {
        assert!(root.get(k).unwrap().is_null(), "{k}");
    }
    assert_eq!(root.get("i").unwrap().as_i64(), Some(31));
    assert_eq!(root.get("o").unwrap().as_i64(), Some(0o440));
    assert_eq!(root.get("fl").unwrap().as_f64(), Some(1.5));
    let e = root.get("e").unwrap();
    assert!(!e.is_null());
    assert_eq!(e.as_str(), Some(""));
}

#[test]
fn empty_values_sit_after_the_colon() {
    let text = "a:\nb: 1\n";
    let (root, _) = parse(text);
    let a = root.get("a").unwrap();
    assert!(a.is_null());
    assert_eq!(a.range, TextRange::empty(2));
}

#[test]
fn tags_are_kept() {
    let text = "ports: !reset []\nenv: !override\n  A: 1\nx: !custom value\n";
    let (root, _) = parse(text);
    assert_eq!(root.get("ports").unwrap().tag.as_deref(), Some("!reset"));
    assert_eq!(slice(text, root.get("ports").unwrap().range), "[]");
    assert_eq!(root.get("env").unwrap().tag.as_deref(), Some("!override"));
    let x = root.get("x").unwrap();
    assert_eq!(x.tag.as_deref(), Some("!custom"));
    assert_eq!(slice(text, x.range), "value");
}

#[test]
fn several_documents() {
    let text = "---\na: 1\n...\n---\nb: 2\n---\n";
    let doc = parse_yaml(text, &Budget::default());
    assert!(doc.errors.is_empty(), "{:?}", doc.errors);
    assert_eq!(doc.docs.len(), 3);
    assert_eq!(doc.docs[1].get("b").unwrap().as_i64(), Some(2));
    assert!(doc.docs[2].is_null());
    assert!(parse_yaml("", &Budget::default()).docs.is_empty());
    assert!(parse_yaml("# only a comment\n", &Budget::default()).docs.is_empty());
}

#[test]
fn flow_closing_bracket_at_parent_indent_is_accepted_like_go_yaml() {
    let text = "svc:\n  command: [\n    \"start\",\n    \"--uri\"\n  ]\n  é: [\n  1]\n  user: x\n";
    let (root, _) = parse(text);
    let svc = root.get("svc").unwrap();
    let command = svc.get("command").unwrap();
    assert_eq!(slice(text, command.range), "[\n    \"start\",\n    \"--uri\"\n  ]");
    assert_eq!(slice(text, command.items().unwrap()[1].range), "\"--uri\"");
    assert_eq!(slice(text, svc.get("é").unwrap().range), "[\n  1]");
    assert_eq!(slice(text, svc.get("user").unwrap().range), "x");
}

#[test]
fn recursive_alias_is_an_error_not_a_hang() {
    let doc = parse_yaml("a: &a [*a]\n", &Budget::default());
    assert!(!doc.errors.is_empty());
}

#[test]
fn node_value_shapes() {
    let (root, _) = parse("a: [1]\nb: {c: d}\n");
    assert!(matches!(root.get("a").unwrap().value, NodeValue::Seq(_)));
    assert!(root.get("b").unwrap().is_map());
    assert_eq!(root.pointer(&["a", "0"]).unwrap().as_i64(), Some(1));
    assert_eq!(root.pointer(&["b", "c"]).unwrap().as_str(), Some("d"));
    assert_eq!(root.kind_name(), "mapping");
}
