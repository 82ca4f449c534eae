use super::command_util::{
    APK, command_name, is_path_or_url, operands, parse_args, runs, subcommand, tokens, unpinned_finding,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `apk add` of packages named without a version constraint (`curl` rather
    /// than `curl=8.9.1-r1` or `curl~8.9`). The `--virtual` name, local `.apk` files and
    /// packages from variables with no known value are not reported. Opt-in.
    ///
    /// ## Why is this bad?
    /// Without a version the build installs whatever the Alpine mirror serves that day:
    /// rebuilds are not reproducible and an unexpected update slips into the image.
    /// Alpine keeps only the latest package of each branch, so exact pins break when a
    /// fix is released; `~` constraints (`curl~8.9`) keep the minor version and still take
    /// patch releases. The rule is off unless selected.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl~8.9
    /// ```
    ///
    /// ## References
    /// - <https://wiki.alpinelinux.org/wiki/Alpine_Package_Keeper#Holding_a_specific_package_back>
    pub static META = {
        code: "DW207",
        name: "apk-package-unpinned",
        category: Build,
        severity: Low,
        summary: "apk packages are installed without a version constraint",
        references: ["hadolint:DL3018", "kics:d3499f6d-1651-41bb-a9a7-de925fea487b"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            if command_name(c) != Some("apk") {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &APK);
            let Some((sub_at, "add")) = subcommand(&args) else {
                continue;
            };
            let unpinned: Vec<&str> = operands(&args)
                .skip(1)
                .map(|(s, _)| s)
                .filter(|s| !s.contains(['=', '~', '<', '>']) && !s.ends_with(".apk") && !is_path_or_url(s))
                .collect();
            if !unpinned.is_empty() {
                out.push(unpinned_finding(
                    cx,
                    &META,
                    &cmd,
                    toks[args[sub_at].at()].word,
                    "apk add",
                    &unpinned,
                    "constrain each package: `name=version` or `name~major.minor`",
                ));
            }
        }
    }
}
