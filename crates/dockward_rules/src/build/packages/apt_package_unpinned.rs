use super::command_util::{
    APT, apt_simulates, command_name, is_apt, is_path_or_url, operands, parse_args, runs, subcommand, tokens,
    unpinned_finding,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` (and `apt install`) of packages named without a version
    /// (`curl` rather than `curl=8.5.0-2ubuntu10.6`). Local `.deb` files and packages whose
    /// name comes from a variable with no known value are not reported. Opt-in.
    ///
    /// ## Why is this bad?
    /// Without a version the build installs whatever the mirror serves that day: two
    /// builds of the same Dockerfile differ, and a broken or compromised update lands in
    /// your image unnoticed. Pinning makes the image reproducible — at the price of
    /// updating the pins when the distribution drops old versions, which is why this rule
    /// is off unless selected.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10.6 \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub static META = {
        code: "DW206",
        name: "apt-package-unpinned",
        category: Build,
        severity: Low,
        summary: "apt packages are installed without a pinned version",
        references: ["hadolint:DL3008", "kics:965a08d7-ef86-4f14-8792-4a3b2098937e"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            let Some(tool) = command_name(c).filter(|n| is_apt(n)) else {
                continue;
            };
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &APT);
            let Some((sub_at, "install")) = subcommand(&args) else {
                continue;
            };
            if apt_simulates(&args) {
                continue;
            }
            let unpinned: Vec<&str> = operands(&args)
                .skip(1)
                .map(|(s, _)| s)
                .filter(|s| !s.contains('=') && !s.ends_with(".deb") && !is_path_or_url(s))
                .collect();
            if !unpinned.is_empty() {
                out.push(unpinned_finding(
                    cx,
                    &META,
                    &cmd,
                    toks[args[sub_at].at()].word,
                    &format!("{tool} install"),
                    &unpinned,
                    "pin each package as `name=version` (`apt-cache policy name` shows the candidates)",
                ));
            }
        }
    }
}
