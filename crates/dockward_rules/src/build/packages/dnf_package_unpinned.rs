use super::command_util::{
    RPM, command_name, operands, parse_args, rpm_module_unpinned, rpm_subcommand, rpm_unpinned, runs, tokens,
    unpinned_finding,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `dnf install` and `microdnf install` of packages named without a version
    /// (`nginx` rather than `nginx-1.24.0`; `dnf in` too), and `dnf module install` of modules
    /// named without a stream (`nodejs` rather than `nodejs:20`). Groups (`@core`), `.rpm`
    /// files and packages from variables with no known value are not reported. Opt-in.
    ///
    /// ## Why is this bad?
    /// Without a version the build installs whatever the repository serves that day, so
    /// rebuilds are not reproducible and an unexpected update reaches the image. The rule
    /// is off unless selected because pins need updating when repositories drop old
    /// builds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y nginx && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y nginx-1.26.1 && dnf clean all
    /// ```
    ///
    /// ## References
    /// - `dnf(8)`: package specifications `name-version`, `name-version-release`
    pub static META = {
        code: "DW212",
        name: "dnf-package-unpinned",
        category: Build,
        severity: Low,
        summary: "dnf packages are installed without a pinned version",
        references: ["hadolint:DL3041", "kics:93d88cf7-f078-46a8-8ddc-178e03aeacf1"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            let Some(tool @ ("dnf" | "microdnf")) = command_name(c) else {
                continue;
            };
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &RPM);
            // `in` is dnf's alias of `install`; modules are pinned by their stream.
            let Some((sub_at, sub)) = rpm_subcommand(&args) else {
                continue;
            };
            let module = sub == "module" && operands(&args).nth(1).is_some_and(|(a, _)| a == "install");
            let unpinned: Vec<&str> = match sub {
                "install" => operands(&args)
                    .skip(1)
                    .map(|(s, _)| s)
                    .filter(|s| rpm_unpinned(s))
                    .collect(),
                _ if module => operands(&args)
                    .skip(2)
                    .map(|(s, _)| s)
                    .filter(|s| rpm_module_unpinned(s))
                    .collect(),
                _ => continue,
            };
            if !unpinned.is_empty() {
                out.push(unpinned_finding(
                    cx,
                    &META,
                    &cmd,
                    toks[args[sub_at].at()].word,
                    &format!("{tool} {}install", if module { "module " } else { "" }),
                    &unpinned,
                    if module {
                        "name each module with its stream: `name:stream`"
                    } else {
                        "name each package with its version: `name-version`"
                    },
                ));
            }
        }
    }
}
