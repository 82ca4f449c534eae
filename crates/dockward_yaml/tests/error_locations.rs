//! YAML errors point at the character that is wrong: the line and column a user sees in the
//! report (1-based, columns in characters), and the text under them.

use dockward_core::LineIndex;
use dockward_yaml::{Budget, YamlError, YamlErrorKind, parse_yaml};

/// The only error of `text`, with its 1-based line and column and the text it covers.
fn error(text: &str) -> (YamlError, (u32, u32), &str) {
    let doc = parse_yaml(text, &Budget::default());
    assert_eq!(doc.errors.len(), 1, "{text:?}: {:?}", doc.errors);
    let e = doc.errors.into_iter().next().unwrap();
    let at = LineIndex::new(text).line_col(e.range.start, text);
    let covered = e.range.slice(text);
    (e, (at.line, at.column), covered)
}

#[test]
fn a_tab_in_indentation_is_pointed_at_not_the_text_after_it() {
    // Block indentation: saphyr marks `web`, after the tab.
    let (e, at, covered) = error("services:\n\tweb:\n    image: x\n");
    assert_eq!(e.kind, YamlErrorKind::Syntax);
    assert_eq!((at, covered), ((2, 1), "\t"), "{}", e.message);
    // CRLF line breaks do not shift it.
    let (_, at, covered) = error("a: 1\r\nb:\r\n\tc: 2\r\n");
    assert_eq!((at, covered), ((3, 1), "\t"));
    // A plain scalar continued on a tab-indented line: saphyr marks the scalar's start
    // (`x` on line 2).
    let (e, at, covered) = error("a:\n  - x\n\t- y\n");
    assert!(e.message.contains("tab"), "{}", e.message);
    assert_eq!((at, covered), ((3, 1), "\t"));
    // Block scalar content: saphyr marks the `|` header.
    let (_, at, covered) = error("a: |\n\tfoo\n");
    assert_eq!((at, covered), ((2, 1), "\t"));
}

#[test]
fn an_unclosed_quote_is_pointed_at_and_named() {
    let text = "services:\n  web:\n    image: \"nginx\n    user: root\n";
    let (e, at, covered) = error(text);
    assert_eq!(e.kind, YamlErrorKind::Syntax);
    assert_eq!((at, covered), ((3, 12), "\""));
    assert!(e.message.contains("not closed on its line"), "{}", e.message);
    // Columns count characters: `é` is two bytes but one column.
    let (e, at, covered) = error("é: 'ü\n");
    assert_eq!((at, covered), ((1, 4), "'"), "{}", e.message);
    assert!(e.message.contains("not closed"), "{}", e.message);
    // A later quote on another line does not count as closing this one.
    let (e, at, _) = error("a: 'x\nb: 'y'\n");
    assert_eq!(at, (1, 4), "{}", e.message);
}

#[test]
fn bad_indentation_points_at_the_misplaced_line() {
    // One space short of the mapping it belongs to.
    let (e, at, covered) = error("services:\n  web:\n    image: x\n   user: root\n");
    assert_eq!((at, covered), ((4, 4), "u"), "{}", e.message);
    let (_, at, covered) = error("a:\n  b: 1\n c: 2\n");
    assert_eq!((at, covered), ((3, 2), "c"));
    // A sequence entry where a key belongs: the `-`, not the item after it.
    let (e, at, covered) = error("a: 1\n- b\n");
    assert_eq!((at, covered), ((2, 1), "-"), "{}", e.message);
    let (_, at, covered) = error("a:\n  b: 1\n  - c\n");
    assert_eq!((at, covered), ((3, 3), "-"));
    // A second `:` on one line is pointed at as saphyr reports it.
    let (_, at, covered) = error("a: b: c\n");
    assert_eq!((at, covered), ((1, 5), ":"));
}

#[test]
fn a_duplicate_key_names_the_line_and_column_of_the_first() {
    let (e, at, covered) = error("services:\n  web:\n    image: nginx\n    user: root\n    image: x\n");
    assert_eq!(e.kind, YamlErrorKind::Semantic);
    assert_eq!((at, covered), ((5, 5), "image"));
    assert_eq!(e.message, "duplicate key `image` (first defined at line 3, column 5)");
    // Columns in characters, in a flow mapping.
    let (e, at, _) = error("x: {é: 1, é: 2}\n");
    assert_eq!(at, (1, 11));
    assert_eq!(e.message, "duplicate key `é` (first defined at line 1, column 5)");
}

#[test]
fn positions_survive_the_lenient_reparse_of_flow_collections() {
    // go-yaml accepts flow content at its parent's indentation and so do we, by re-parsing
    // with a space inserted before such lines; what is reported must be in the text as
    // written, message included.
    let text = "svc:\n  env: [\n  {a: 1, a: 2}]\n";
    let (e, at, covered) = error(text);
    assert_eq!((at, covered), ((3, 10), "a"));
    assert_eq!(e.message, "duplicate key `a` (first defined at line 3, column 4)");
}
