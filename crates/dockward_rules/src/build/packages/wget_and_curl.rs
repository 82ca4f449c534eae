use super::command_util::{command_name, name_range, runs};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports a build stage whose RUN instructions download with both `curl` and `wget`.
    /// The finding points at the first use of whichever tool came second.
    ///
    /// ## Why is this bad?
    /// Both tools do the same job. Using both usually means both get installed, which is
    /// one more package in the image to patch, and two sets of options, defaults and
    /// failure behaviours for readers to keep in mind. Pick one per stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
    /// RUN wget -qO /tmp/b.tgz https://example.com/b.tgz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSLo /tmp/a.tgz https://example.com/a.tgz
    /// RUN curl -fsSLo /tmp/b.tgz https://example.com/b.tgz
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/>
    pub static META = {
        code: "DW224",
        name: "wget-and-curl",
        category: Build,
        severity: Info,
        summary: "a stage downloads with both curl and wget",
        references: ["hadolint:DL4001", "trivy:DS-0014", "kics:fc775e75-fcfb-4c98-b2f2-910c5858b359"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    // Per stage: the first curl and the first wget.
    let n = cx.build.stages.len();
    let mut curl: Vec<Option<TextRange>> = vec![None; n];
    let mut wget: Vec<Option<TextRange>> = vec![None; n];
    for run in runs(cx) {
        let s = run.stage.index;
        for cmd in run.commands() {
            match command_name(cmd.command) {
                Some("curl") if curl[s].is_none() => curl[s] = Some(name_range(&cmd)),
                Some("wget") if wget[s].is_none() => wget[s] = Some(name_range(&cmd)),
                _ => {}
            }
        }
    }
    for (c, w) in curl.into_iter().zip(wget) {
        let (Some(c), Some(w)) = (c, w) else { continue };
        let (second, tool, other) = if c.start > w.start {
            (c, "curl", "wget")
        } else {
            (w, "wget", "curl")
        };
        out.push(cx.finding(
            &META,
            second,
            format!("this stage already downloads with `{other}`; `{tool}` is a second tool for the same job"),
        ));
    }
}
