use super::command_util::{
    ZYPPER, command_name, is_path_or_url, operands, parse_args, runs, subcommand, tokens, unpinned_finding,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `zypper install` (`zypper in`) of packages named without a version
    /// constraint (`git` rather than `git=2.45.2` or `'git>=2.45'`). `.rpm` files and
    /// packages from variables with no known value are not reported. Opt-in.
    ///
    /// ## Why is this bad?
    /// Without a version the build installs whatever the repository serves that day, so
    /// rebuilds are not reproducible and an unexpected update reaches the image. The rule
    /// is off unless selected because pins need updating when repositories drop old
    /// builds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y git && zypper clean -a
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y git=2.45.2 && zypper clean -a
    /// ```
    ///
    /// ## References
    /// - `zypper(8)`: `install` with `name=version`, `name>=version`
    pub static META = {
        code: "DW213",
        name: "zypper-package-unpinned",
        category: Build,
        severity: Low,
        summary: "zypper packages are installed without a version constraint",
        references: ["hadolint:DL3037", "kics:562952e4-0348-4dea-9826-44f3a2c6117b"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            if command_name(c) != Some("zypper") {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &ZYPPER);
            let Some((sub_at, sub @ ("install" | "in"))) = subcommand(&args) else {
                continue;
            };
            let unpinned: Vec<&str> = operands(&args)
                .skip(1)
                .map(|(s, _)| s)
                .filter(|s| !s.contains(['=', '<', '>']) && !s.ends_with(".rpm") && !is_path_or_url(s))
                .collect();
            if !unpinned.is_empty() {
                out.push(unpinned_finding(
                    cx,
                    &META,
                    &cmd,
                    toks[args[sub_at].at()].word,
                    &format!("zypper {sub}"),
                    &unpinned,
                    "constrain each package: `name=version` or `'name>=version'`",
                ));
            }
        }
    }
}
