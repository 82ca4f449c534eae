use super::command_util::{
    ZYPPER, command_name, has_unknown, insert_after, parse_args, runs, span_to, subcommand, tokens,
};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Fix};

declare_rule! {
    /// ## What it does
    /// Reports `zypper install` (and the other zypper subcommands that change packages)
    /// run without `-n`/`--non-interactive` before the subcommand or `-y`/`--no-confirm`
    /// after it.
    ///
    /// ## Why is this bad?
    /// zypper asks "Continue? [y/n/v/...? shows all options] (y)" before changing
    /// anything and may ask more (licences, conflicts). A build has no one to answer; the
    /// step hangs on input or fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install git && zypper clean -a
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper --non-interactive install git && zypper clean -a
    /// RUN zypper in -y curl && zypper clean -a
    /// ```
    ///
    /// ## Fix
    /// Inserts ` -y` after the subcommand (safe: without it the step cannot complete
    /// unattended).
    ///
    /// ## References
    /// - `zypper(8)`: `--non-interactive`, `install --no-confirm`
    pub static META = {
        code: "DW219",
        name: "zypper-missing-non-interactive",
        category: Build,
        severity: Low,
        summary: "zypper would stop at its confirmation prompt",
        references: ["hadolint:DL3034", "kics:45e1fca5-f90e-465d-825f-c2cb63fa3944"],
        fix: Sometimes,
        models: [Build],
    };
}

const PROMPTING: [&str; 14] = [
    "install",
    "in",
    "remove",
    "rm",
    "update",
    "up",
    "patch",
    "dist-upgrade",
    "dup",
    "source-install",
    "si",
    "install-new-recommends",
    "inr",
    "verify",
];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            if command_name(c) != Some("zypper") {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &ZYPPER);
            let Some((sub_at, sub)) = subcommand(&args) else {
                continue;
            };
            let quiet = args.iter().any(|a| {
                a.is_short(b'n')
                    || a.is_short(b'y')
                    || a.is_long("--non-interactive")
                    || a.is_long("--no-confirm")
                    || a.is_long("--non-interactive-include-reboot-patches")
            });
            if !PROMPTING.contains(&sub) || has_unknown(&args) || quiet {
                continue;
            }
            let tok = &toks[args[sub_at].at()];
            let mut finding = cx.finding(
                &META,
                span_to(&cmd, tok.word),
                format!("`zypper {sub}` without `--non-interactive` or `-y` waits for an answer no one gives"),
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
