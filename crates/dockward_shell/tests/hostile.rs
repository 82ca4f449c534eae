//! Scripts shaped to make per-command searches quadratic: thousands of heredocs and
//! pipelines in one script. The results must be right (each took minutes before).

use dockward_shell::parse_shell;

#[test]
fn twenty_thousand_heredocs_each_get_their_body() {
    let n = 20_000;
    let mut text = String::new();
    for i in 0..n {
        text.push_str(&format!("cat <<E{i} > f{i}\nbody {i}\nE{i}\n"));
    }
    let script = parse_shell(&text);
    assert!(script.diagnostics.is_empty(), "{:?}", &script.diagnostics[..1]);
    assert_eq!(script.commands.len(), n);
    for (i, command) in script.commands.iter().enumerate() {
        let heredoc = command.redirects.iter().find(|r| r.op.is_heredoc()).unwrap();
        let body = heredoc.heredoc_body.expect("body attached").slice(&text);
        assert_eq!(body, format!("body {i}\n"));
    }
}

#[test]
fn the_pipeline_of_each_of_sixty_thousand_commands() {
    let n = 30_000;
    let text = "curl -fsSL https://x | tar x; ".repeat(n);
    let script = parse_shell(&text);
    assert_eq!(script.commands.len(), 2 * n);
    for command in &script.commands {
        let names: Vec<_> = script.pipeline_of(command).map(|c| c.name()).collect();
        assert_eq!(names, [Some("curl"), Some("tar")]);
    }
    // Vectors are sized to what they hold: a script lives as long as its build model.
    assert_eq!(script.commands.capacity(), script.commands.len());
    assert!(script.commands.iter().all(|c| c.words.capacity() == c.words.len()));
}
