use super::command_util::{APT, command_name, name_range, parse_args, runs, subcommand, tokens};
use crate::{BuildCx, declare_rule};
use dockward_core::{Edit, Finding, Fix};
use dockward_model::build::ScriptSource;

declare_rule! {
    /// ## What it does
    /// Reports `apt` used in a RUN instead of `apt-get` (or `apt-cache` for queries).
    ///
    /// ## Why is this bad?
    /// `apt` is the interactive front end for people at a terminal. Its output and
    /// behaviour may change from one release to the next, and it warns that it "does not
    /// have a stable CLI interface" when used in scripts. `apt-get` and `apt-cache` are
    /// the stable interfaces meant for automation.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt update && apt install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Replaces `apt` with `apt-get` for `install`, `update`, `remove`, `purge`,
    /// `autoremove` and `clean`. Unsafe: `apt` deletes downloaded `.deb` files after
    /// installing and `apt-get` keeps them unless configured otherwise, so the image may
    /// grow.
    ///
    /// ## References
    /// - `apt(8)`, "Script usage and differences from other APT tools"
    pub static META = {
        code: "DW205",
        name: "apt-instead-of-apt-get",
        category: Build,
        severity: Low,
        summary: "`apt` is used in a script instead of `apt-get`",
        references: [
            "hadolint:DL3027", "checkov:CKV_DOCKER_9", "kics:b84a0b47-2e99-4c9f-8933-98bcabe2b94d",
        ],
        fix: Sometimes,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            if command_name(c) != Some("apt") {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &APT);
            let sub = subcommand(&args).map(|(_, s)| s);
            let range = name_range(&cmd);
            let instead = match sub {
                Some("list" | "search" | "show" | "policy" | "depends" | "rdepends" | "showsrc") => "apt-cache",
                _ => "apt-get",
            };
            let mut finding = cx.finding(
                &META,
                range,
                format!("use `{instead}` in scripts; `apt` is for interactive use"),
            );
            let word = &c.effective_argv()[0];
            let replaceable = matches!(
                sub,
                Some("install" | "update" | "remove" | "purge" | "autoremove" | "clean")
            );
            if replaceable
                && !matches!(cmd.script.source, ScriptSource::Whole(_))
                && word.is_plain()
                && range.slice(cx.text) == "apt"
            {
                finding = finding.with_fix(Fix::unsafe_(
                    "replace `apt` with `apt-get`",
                    vec![Edit::replace(range, "apt-get")],
                ));
            }
            out.push(finding);
        }
    }
}
