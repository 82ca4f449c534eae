use super::command_util::{
    RPM, RPM_PROMPTING, command_name, has_unknown, insert_after, operands, parse_args, rpm_answers_yes, rpm_changes,
    runs, span_to, subcommand, tokens, writes_assume_yes,
};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Fix};

declare_rule! {
    /// ## What it does
    /// Reports `dnf install` (and the other dnf subcommands that change packages) without
    /// `-y`/`--assumeyes`, unless `assumeyes=1` was written into dnf's configuration.
    /// `microdnf` never prompts and is not reported.
    ///
    /// ## Why is this bad?
    /// dnf asks "Is this ok [y/N]" before changing anything. A build cannot answer: dnf
    /// reads end of input, takes it as "no", and the step fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install nginx && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y nginx && dnf clean all
    /// RUN microdnf install nginx && microdnf clean all
    /// ```
    ///
    /// ## Fix
    /// Inserts ` -y` after the subcommand (safe: without it the step can only fail).
    ///
    /// ## References
    /// - `dnf(8)`: `-y`, `--assumeyes`
    pub static META = {
        code: "DW218",
        name: "dnf-missing-yes",
        category: Build,
        severity: Low,
        summary: "dnf would stop at its confirmation prompt",
        references: ["hadolint:DL3038"],
        fix: Sometimes,
        models: [Build],
    };
}

const TOOLS: [&str; 2] = ["dnf", "tdnf"];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let mut configured = vec![false; cx.build.stages.len()];
    for run in runs(cx) {
        let stage = run.stage.index;
        if !configured[stage]
            && let Some(base) = run.stage.base_stage
        {
            configured[stage] = configured[base];
        }
        for cmd in run.commands() {
            let c = cmd.command;
            let Some(tool) = command_name(c) else { continue };
            if writes_assume_yes(c, tool) {
                configured[stage] = true;
            }
            if configured[stage] || !TOOLS.contains(&tool) {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &RPM);
            let Some((sub_at, sub)) = subcommand(&args) else {
                continue;
            };
            if !RPM_PROMPTING.contains(&sub) || has_unknown(&args) || rpm_answers_yes(&args) || !rpm_changes(&args, sub)
            {
                continue;
            }
            // `dnf group install`: name (and insert after) the action too.
            let action = matches!(sub, "group" | "groups" | "module")
                .then(|| operands(&args).nth(1))
                .flatten();
            let (what, at) = match action {
                Some((action, at)) => (format!("{sub} {action}"), at),
                None => (sub.to_string(), args[sub_at].at()),
            };
            let tok = &toks[at];
            let mut finding = cx.finding(
                &META,
                span_to(&cmd, tok.word),
                format!("`{tool} {what}` without `-y` stops at its confirmation prompt and fails the build"),
            );
            if tok.text == tok.word.value
                && let Some(edit) = insert_after(cx, &cmd, tok.word, " -y")
            {
                finding = finding.with_fix(Fix::safe("add `-y`", vec![edit]));
            }
            out.push(finding);
        }
    }
}
