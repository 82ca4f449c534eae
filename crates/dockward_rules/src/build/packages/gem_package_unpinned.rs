use super::command_util::{
    GEM, command_name, is_path_or_url, operands, parse_args, runs, subcommand, tokens, unpinned_finding,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `gem install` of gems named without a version: no `-v`/`--version` and no
    /// `name:version`. Local `.gem` files are not reported.
    ///
    /// ## Why is this bad?
    /// An unversioned gem resolves to the newest release at build time, so rebuilds differ
    /// and a bad or malicious release reaches the image without any change to the
    /// Dockerfile. Pin the version, or install through Bundler with a `Gemfile.lock`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ruby:3.3-slim
    /// RUN gem install bundler
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ruby:3.3-slim
    /// RUN gem install bundler -v 2.5.22
    /// RUN gem install rake:13.2.1
    /// ```
    ///
    /// ## References
    /// - <https://guides.rubygems.org/command-reference/#gem-install>
    pub static META = {
        code: "DW210",
        name: "gem-package-unpinned",
        category: Build,
        severity: Low,
        summary: "gems are installed without a pinned version",
        references: ["hadolint:DL3028", "kics:22cd11f7-9c6c-4f6e-84c0-02058120b341"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            if command_name(c) != Some("gem") {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &GEM);
            let Some((sub_at, "install" | "i")) = subcommand(&args) else {
                continue;
            };
            if args.iter().any(|a| a.is_short(b'v') || a.is_long("--version")) {
                continue;
            }
            let unpinned: Vec<&str> = operands(&args)
                .skip(1)
                .map(|(s, _)| s)
                .filter(|s| !s.contains(':') && !s.ends_with(".gem") && !is_path_or_url(s))
                .collect();
            if !unpinned.is_empty() {
                out.push(unpinned_finding(
                    cx,
                    &META,
                    &cmd,
                    toks[args[sub_at].at()].word,
                    "gem install",
                    &unpinned,
                    "add `-v VERSION` (one gem per command) or write `name:version`",
                ));
            }
        }
    }
}
