//! Prints the span tree of a YAML file (`cargo run --example yaml_dump -- FILE`).

use dockward_yaml::{Budget, Node, NodeValue, parse_yaml};

fn show(node: &Node, text: &str, indent: usize) {
    let pad = " ".repeat(indent);
    let slice = node.range.slice(text).replace('\n', "⏎");
    let tag = node.tag.as_deref().unwrap_or("");
    let alias = node
        .alias
        .as_ref()
        .map(|a| format!(" (via *{} at {:?})", a.name, a.alias))
        .unwrap_or_default();
    match &node.value {
        NodeValue::Map(entries) => {
            println!("{pad}map {:?} {tag} {:?}{alias} «{slice}»", node.range, node.style);
            for (k, v) in entries {
                println!("{pad}  key {:?} «{}»", k.range, k.range.slice(text));
                show(v, text, indent + 4);
            }
        }
        NodeValue::Seq(items) => {
            println!("{pad}seq {:?} {tag} {:?}{alias} «{slice}»", node.range, node.style);
            for i in items {
                show(i, text, indent + 2);
            }
        }
        NodeValue::Scalar(s) => {
            println!(
                "{pad}scalar {s:?} {:?} {tag} {:?}{alias} «{slice}»",
                node.range, node.style
            )
        }
        NodeValue::Null => println!("{pad}null {:?} {tag}{alias} «{slice}»", node.range),
    }
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: yaml_dump FILE");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let doc = parse_yaml(&text, &Budget::default());
    for root in &doc.docs {
        show(root, &text, 0);
    }
    for c in &doc.comments {
        println!("comment {:?} {:?}", c.range, c.text);
    }
    for e in &doc.errors {
        println!("error {e}");
    }
}
