//! The prompt rule yum and dnf share: each rule file holds its metadata and tool names and
//! calls [`check_missing_yes`].

use super::command_util::{
    RPM, RPM_PROMPTING, command_name, has_unknown, insert_after, operands, parse_args, rpm_answers_yes, rpm_changes,
    rpm_subcommand, runs, span_to, tokens, writes_assume_yes,
};
use crate::BuildCx;
use dockward_core::{Finding, Fix, RuleMeta};

/// The yum/dnf prompt rule: an rpm-family install that would stop at its confirmation
/// prompt, unless `-y` is given or `assumeyes` was configured earlier in the stage (or a
/// stage it is built from).
pub(crate) fn check_missing_yes(cx: &BuildCx<'_>, out: &mut Vec<Finding>, meta: &'static RuleMeta, tools: &[&str]) {
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
            if configured[stage] || !tools.contains(&tool) {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &RPM);
            let Some((sub_at, sub)) = rpm_subcommand(&args) else {
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
                meta,
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
