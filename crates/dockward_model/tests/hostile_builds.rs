//! Dockerfiles written to exhaust memory or time in lowering: variable bombs, thousands of
//! stages, heredocs and variables. Each lowers correctly, with a located diagnostic where a
//! limit is reached.

use dockward_core::FileId;
use dockward_dockerfile::Keyword;
use dockward_model::build::lower_build;
use dockward_model::vars::VarValue;

fn line_of(text: &str, offset: u32) -> usize {
    text[..offset as usize].matches('\n').count() + 1
}

#[test]
fn a_doubling_env_chain_stops_at_the_budget_with_one_diagnostic() {
    for keyword in ["ENV", "ARG"] {
        let mut text = format!("FROM alpine:3.20\n{keyword} A1=xxxxxxxxxxxxxxxx\n");
        for i in 2..=40 {
            text.push_str(&format!("{keyword} A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
        }
        text.push_str("USER ${A3}\n");
        let dockerfile = dockward_dockerfile::parse(&text);
        let build = lower_build(FileId(0), &dockerfile, None);
        assert_eq!(build.diagnostics.len(), 1, "{keyword}: {:?}", build.diagnostics);
        let diagnostic = &build.diagnostics[0];
        assert!(
            diagnostic.message.contains("16777216-byte expansion budget"),
            "{}",
            diagnostic.message
        );
        // A1..A20 add just under 16 MiB (A20 is 8 MiB); A21 would add 16 MiB more.
        assert_eq!(line_of(&text, diagnostic.range.start), 22, "{keyword}: the line of A21");
        let stage = &build.stages[0];
        let vars = &stage.instructions.last().unwrap().vars;
        assert!(matches!(vars.get("A20"), Some(VarValue::Known(v)) if v.len() == 8 << 20));
        for i in 21..=40 {
            assert_eq!(vars.get(&format!("A{i}")), Some(&VarValue::Unknown), "A{i}");
        }
        // Small values still resolve after the budget is spent.
        assert_eq!(stage.user.as_ref().unwrap().value.text.len(), 64);
    }
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_stack_overflow() {
    let depth = 100_000;
    let text = format!(
        "FROM alpine:3.20\nENV X={}x{}\n",
        "${NOPE:-".repeat(depth),
        "}".repeat(depth)
    );
    let dockerfile = dockward_dockerfile::parse(&text);
    let build = lower_build(FileId(0), &dockerfile, None);
    assert_eq!(build.diagnostics.len(), 1);
    assert!(build.diagnostics[0].message.contains("nested more than 32 deep"));
    assert_eq!(line_of(&text, build.diagnostics[0].range.start), 2);
    let vars = &build.stages[0].instructions[0].vars;
    assert_eq!(vars.get("X"), Some(&VarValue::Unknown));
}

#[test]
fn a_chain_of_twenty_thousand_stages_sees_every_variable() {
    // Each stage is built on the previous one and adds a variable: the scopes kept per
    // instruction used to be full copies (20,000²/2 entries, gigabytes).
    let n = 20_000;
    let mut text = String::from("FROM alpine:3.20 AS s0\n");
    for i in 1..n {
        text.push_str(&format!(
            "FROM s{} AS s{i}\nENV V{i}=v{i}\nCOPY --from=s{} /a /b\n",
            i - 1,
            i - 1
        ));
    }
    let dockerfile = dockward_dockerfile::parse(&text);
    let build = lower_build(FileId(0), &dockerfile, None);
    assert!(build.diagnostics.is_empty());
    assert_eq!(build.stages.len(), n);
    let last = &build.stages[n - 1];
    assert_eq!(last.base_stage, Some(n - 2));
    let vars = &last.instructions.last().unwrap().vars;
    for i in [1, n / 2, n - 1] {
        assert_eq!(vars.get(&format!("V{i}")), Some(&VarValue::Known(format!("v{i}"))));
    }
    // An earlier stage's scope does not see later variables.
    let early = &build.stages[10].instructions[0].vars;
    assert!(early.get("V11").is_none() && early.get("V10").is_some());
    assert_eq!(build.stage_named("S12345").map(|s| s.index), Some(12345));
    assert_eq!(build.stages_in_final_build().len(), n);
}

#[test]
fn twenty_thousand_heredocs_on_one_run_are_each_parsed() {
    let n = 20_000;
    let mut text = String::from("FROM alpine:3.20\nRUN");
    for i in 0..n {
        text.push_str(&format!(" <<E{i}"));
    }
    text.push('\n');
    for i in 0..n {
        text.push_str(&format!("echo {i}\nE{i}\n"));
    }
    let dockerfile = dockward_dockerfile::parse(&text);
    let build = lower_build(FileId(0), &dockerfile, None);
    let run = build.stages[0]
        .instructions
        .iter()
        .find(|si| si.instruction.keyword == Keyword::Run)
        .and_then(|si| si.run.as_ref())
        .unwrap();
    // The marker-only line itself, then one script per heredoc body.
    assert_eq!(run.scripts.len(), n + 1);
}

#[test]
fn a_run_costs_only_what_it_holds() {
    // A million RUN lines took 1.4 GB: the per-RUN vectors kept their growth slack.
    let n = 10_000;
    let text = format!("FROM alpine:3.20\n{}", "RUN apk add curl && true\n".repeat(n));
    let dockerfile = dockward_dockerfile::parse(&text);
    let build = lower_build(FileId(0), &dockerfile, None);
    let stage = &build.stages[0];
    assert_eq!(stage.instructions.len(), n);
    assert_eq!(stage.instructions.capacity(), n);
    for si in &stage.instructions {
        let run = si.run.as_ref().unwrap();
        assert_eq!((run.scripts.len(), run.scripts.capacity()), (1, 1));
        let commands = &run.scripts[0].script.commands;
        assert_eq!((commands.len(), commands.capacity()), (2, 2));
        assert!(commands.iter().all(|c| c.words.capacity() == c.words.len()));
    }
}
