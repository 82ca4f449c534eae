//! Rules over generated Dockerfiles shaped to make pairwise checks quadratic: 100,000
//! labels, tens of thousands of stages, ENV pairs, install commands and pipelines. Each
//! asserts the findings are the right ones (a quadratic rule took tens of seconds to
//! minutes on these).

mod common;

use dockward_core::{Finding, LineIndex};

fn findings(text: &str, code: &str) -> Vec<Finding> {
    common::check(text, &common::only(code))
        .into_iter()
        .filter(|f| f.rule.code == code)
        .collect()
}

fn lines(text: &str, findings: &[Finding]) -> Vec<u32> {
    let index = LineIndex::new(text);
    let mut lines: Vec<u32> = findings
        .iter()
        .map(|f| index.line_col(f.at.as_text().unwrap().1.start, text).line)
        .collect();
    lines.sort_unstable();
    lines
}

#[test]
fn a_hundred_thousand_labels_find_the_one_overridden_key() {
    let n = 100_000;
    let mut one_line = String::from("FROM alpine:3.20\nLABEL");
    let mut many_lines = String::from("FROM alpine:3.20\n");
    for i in 0..n {
        one_line.push_str(&format!(" k{i}=v"));
        many_lines.push_str(&format!("LABEL k{i}=v\n"));
    }
    one_line.push_str(" k5=again\n");
    many_lines.push_str("LABEL k5=again\n");
    for text in [&one_line, &many_lines] {
        let found = findings(text, "DW266");
        assert_eq!(found.len(), 1, "{}", common::render(text, &found));
        let (_, range) = found[0].at.as_text().unwrap();
        assert_eq!(range.slice(text), "k5");
        assert!(
            range.start < text.rfind("k5=again").unwrap() as u32,
            "the first setting is reported"
        );
    }
}

#[test]
fn twenty_thousand_stages_with_repeated_names() {
    let n = 20_000;
    let mut text = String::new();
    for i in 0..n {
        // Every hundredth stage reuses the name of the stage before it.
        let name = if i % 100 == 99 { i - 1 } else { i };
        text.push_str(&format!("FROM alpine:3.20 AS s{name}\nRUN echo {i}\n"));
    }
    let found = findings(&text, "DW257");
    assert_eq!(found.len(), n / 100);
    assert_eq!(lines(&text, &found)[0], 2 * 99 + 1);
}

#[test]
fn a_chain_of_stages_with_relative_workdirs_and_destinations() {
    // Each stage is built on the previous one and sets a relative WORKDIR: the fix spells
    // the absolute directory, which grows with the chain until it is too long for one.
    let n = 5_000;
    let mut text = String::from("FROM debian:12 AS s0\nWORKDIR /app\n");
    for i in 1..n {
        text.push_str(&format!("FROM s{} AS s{i}\nWORKDIR d\n", i - 1));
    }
    let found = findings(&text, "DW250");
    assert_eq!(found.len(), n - 1);
    // Stage i (from 1) starts in `/app` + `/d` × (i - 1); paths stop at 4096 bytes.
    let expected = (1..n).filter(|i| 4 + 2 * (i - 1) <= 4096).count();
    assert_eq!(found.iter().filter(|f| f.fix.is_some()).count(), expected);
    assert!(found[0].fix.as_ref().unwrap().description.contains("`/app/d`"));

    // No WORKDIR anywhere in a long chain: every relative COPY destination is reported.
    let mut text = String::from("FROM debian:12 AS s0\nCOPY a b\n");
    for i in 1..n {
        text.push_str(&format!("FROM s{} AS s{i}\nCOPY a b\n", i - 1));
    }
    assert_eq!(findings(&text, "DW262").len(), n);
    // A WORKDIR at the root of the chain covers all of them.
    let covered = text.replacen("COPY a b\n", "WORKDIR /w\n", 1);
    assert!(findings(&covered, "DW262").is_empty());
}

#[test]
fn an_env_with_fifty_thousand_pairs_referencing_each_other() {
    let n = 50_000;
    let mut text = String::from("FROM alpine:3.20\nENV A0=x");
    for i in 1..n {
        text.push_str(&format!(" A{i}=${{A{}}}", i - 1));
    }
    text.push('\n');
    assert_eq!(findings(&text, "DW261").len(), n - 1);
    // 100,000 unclosed `${B` in one value: each refers to B of the same ENV (and used to
    // search the rest of the value for its `}`).
    let unclosed = format!("FROM alpine:3.20\nENV B=1 C={}\n", "${B".repeat(100_000));
    assert_eq!(findings(&unclosed, "DW261").len(), 100_000);
}

#[test]
fn fifty_thousand_installs_then_one_cleanup() {
    let n = 50_000;
    let installs = "yum install -y curl && ".repeat(n);
    let cleaned = format!("FROM centos:7\nRUN {installs}yum clean all\n");
    assert!(findings(&cleaned, "DW220").is_empty());
    let not_cleaned = format!("FROM centos:7\nRUN {installs}true\n");
    assert_eq!(findings(&not_cleaned, "DW220").len(), 1);

    let installs = "yarn install && ".repeat(n);
    let cleaned = format!("FROM node:20\nRUN {installs}yarn cache clean\n");
    assert!(findings(&cleaned, "DW223").is_empty());
    assert_eq!(
        findings(&format!("FROM node:20\nRUN {installs}true\n"), "DW223").len(),
        1
    );
}

#[test]
fn pipelines_after_set_pipefail_are_protected() {
    let n = 30_000;
    let text = format!(
        "FROM debian:12\nRUN {}set -o pipefail; {}true\n",
        "cat a | grep b; ".repeat(n),
        "curl -fsSL https://x | tar x; ".repeat(n)
    );
    assert!(findings(&text, "DW226").is_empty());
    let unprotected = text.replace("set -o pipefail; ", "");
    assert_eq!(findings(&unprotected, "DW226").len(), 1);
}

#[test]
fn wget_in_a_chain_of_stages_knows_its_userland() {
    let n = 10_000;
    let chain = |root: &str| {
        let mut text = format!("FROM {root} AS s0\nRUN wget https://x/a\n");
        for i in 1..n {
            text.push_str(&format!("FROM s{} AS s{i}\nRUN wget https://x/a\n", i - 1));
        }
        text
    };
    // BusyBox's wget (Alpine at the root of the chain) has no progress bar option.
    assert!(findings(&chain("alpine:3.20"), "DW228").is_empty());
    assert_eq!(findings(&chain("debian:12"), "DW228").len(), n);
}
