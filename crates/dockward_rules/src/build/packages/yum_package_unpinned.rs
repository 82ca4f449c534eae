use super::command_util::{
    RPM, command_name, operands, parse_args, rpm_unpinned, runs, subcommand, tokens, unpinned_finding,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `yum install` of packages named without a version (`httpd` rather than
    /// `httpd-2.4.57`). Groups (`@core`), local or remote `.rpm` files and packages from
    /// variables with no known value are not reported. Opt-in.
    ///
    /// ## Why is this bad?
    /// Without a version the build installs whatever the repository serves that day, so
    /// rebuilds are not reproducible and an unexpected update reaches the image. The rule
    /// is off unless selected because pins need updating when repositories drop old
    /// builds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN yum install -y httpd-2.4.57 && yum clean all
    /// ```
    ///
    /// ## References
    /// - `yum(8)`: package specifications `name-version`, `name-version-release`
    pub static META = {
        code: "DW211",
        name: "yum-package-unpinned",
        category: Build,
        severity: Low,
        summary: "yum packages are installed without a pinned version",
        references: ["hadolint:DL3033", "kics:6452c424-1d92-4deb-bb18-a03e95d579c4"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            if command_name(c) != Some("yum") {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &RPM);
            let Some((sub_at, "install")) = subcommand(&args) else {
                continue;
            };
            let unpinned: Vec<&str> = operands(&args)
                .skip(1)
                .map(|(s, _)| s)
                .filter(|s| rpm_unpinned(s))
                .collect();
            if !unpinned.is_empty() {
                out.push(unpinned_finding(
                    cx,
                    &META,
                    &cmd,
                    toks[args[sub_at].at()].word,
                    "yum install",
                    &unpinned,
                    "name each package with its version: `name-version`",
                ));
            }
        }
    }
}
