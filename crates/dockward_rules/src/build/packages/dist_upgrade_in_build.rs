use super::command_util::{APT, ZYPPER, command_name, is_apt, parse_args, runs, span_to, subcommand, tokens};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a distribution upgrade in a RUN: `apt-get dist-upgrade`, `apt full-upgrade`,
    /// `zypper dist-upgrade` (`zypper dup`).
    ///
    /// ## Why is this bad?
    /// A distribution upgrade may replace or remove packages and move the system towards
    /// the next release, turning the base image you chose into something no one tested.
    /// Inside an unprivileged build some essential packages cannot even be upgraded. If
    /// you need a newer distribution, start from a newer base image; to pick up security
    /// fixes, rebuild on a fresh base or use a plain `upgrade`, which never removes
    /// packages.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub static META = {
        code: "DW204",
        name: "dist-upgrade-in-build",
        category: Build,
        severity: Low,
        summary: "a distribution upgrade runs during the build",
        references: ["hadolint:DL3005", "hadolint:DL3035", "trivy:DS-0024", "dockle:DKL-DI-0003"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            let Some(name) = command_name(c) else { continue };
            let spec = match name {
                n if is_apt(n) => &APT,
                "zypper" => &ZYPPER,
                _ => continue,
            };
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, spec);
            let Some((at, sub)) = subcommand(&args) else { continue };
            let upgrade = match name {
                "zypper" => matches!(sub, "dist-upgrade" | "dup"),
                _ => matches!(sub, "dist-upgrade" | "full-upgrade"),
            };
            if upgrade {
                out.push(cx.finding(
                    &META,
                    span_to(&cmd, toks[args[at].at()].word),
                    format!("`{name} {sub}` upgrades the distribution inside the build"),
                ));
            }
        }
    }
}
