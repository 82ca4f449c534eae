//! Prints what the Compose loader sees (`cargo run --example compose_dump -- PATH...`).

use std::path::PathBuf;

use dockward_yaml::{LoadOptions, Node, NodeValue, load_compose, load_compose_files};

fn show(node: &Node, project: &dockward_yaml::ComposeProject, indent: usize) {
    let pad = " ".repeat(indent);
    let file = project
        .file(node.file)
        .map(|f| f.path.display().to_string())
        .unwrap_or_default();
    let at = format!("{file}@{:?}", node.range);
    let unknown = if node.is_unknown() { " UNKNOWN" } else { "" };
    match &node.value {
        NodeValue::Map(entries) => {
            println!("{pad}{{}} {at}");
            for (k, v) in entries {
                println!("{pad}  {} :", k.key_str().unwrap_or("?"));
                show(v, project, indent + 4);
            }
        }
        NodeValue::Seq(items) => {
            println!("{pad}[] {at}");
            for i in items {
                show(i, project, indent + 2);
            }
        }
        NodeValue::Scalar(s) => println!("{pad}{s:?} {at}{unknown}"),
        NodeValue::Null => println!("{pad}null {at}"),
    }
}

fn main() {
    let args: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let options = LoadOptions::default();
    let project = if args.len() == 1 {
        load_compose(&args[0], &options)
    } else {
        load_compose_files(&args, &options)
    };
    println!("project {} (v1: {})", project.name, project.legacy_v1);
    for s in &project.services {
        println!("service {} active={} profiles={:?}", s.name, s.active, s.profiles);
        show(&s.node, &project, 2);
    }
    for e in &project.errors {
        let file = e
            .file
            .and_then(|f| project.file(f))
            .map(|f| f.path.display().to_string())
            .unwrap_or_default();
        println!("error [{:?}] {file}@{:?}: {}", e.kind, e.range, e.message);
    }
}
