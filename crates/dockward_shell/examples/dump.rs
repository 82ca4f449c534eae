//! Prints the commands found in a shell text (argument or stdin): a debugging aid.
use std::io::Read;

fn main() {
    let mut text = String::new();
    match std::env::args().nth(1) {
        Some(a) => text = a,
        None => {
            let _ = std::io::stdin().read_to_string(&mut text);
        }
    }
    let dockerfile = std::env::var_os("DOCKERFILE").is_some();
    let s = dockward_shell::parse_shell_with(&text, dockward_shell::ShellOptions { dockerfile });
    for c in &s.commands {
        let words: Vec<String> = c
            .words
            .iter()
            .map(|w| format!("{:?}@{:?}", w.value, w.raw.slice(&text)))
            .collect();
        println!(
            "{:?} {:?} pipe={:?} name={:?} assigns={} redirs={:?}\n    {}",
            c.range,
            c.nesting,
            c.pipeline.map(|p| (p.id, p.index, p.len)),
            c.name(),
            c.assignments.len(),
            c.redirects
                .iter()
                .map(|r| (
                    r.op.as_str(),
                    r.target.value.clone(),
                    r.heredoc_body.map(|b| b.slice(&text).to_string())
                ))
                .collect::<Vec<_>>(),
            words.join(" ")
        );
    }
    for d in &s.diagnostics {
        println!("DIAG {:?} {}", d.range, d.message);
    }
}
