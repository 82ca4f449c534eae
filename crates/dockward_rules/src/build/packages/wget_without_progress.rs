use super::command_util::{
    WGET, busybox_userland_stages, command_name, has_unknown, name_range, parse_args, runs, tokens,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_shell::RedirectOp;

declare_rule! {
    /// ## What it does
    /// Reports GNU `wget` run without a quieter progress display: no `--progress=…`,
    /// `-q`, `-nv`, no log file (`-o`, `-a`) and standard error not redirected. Stages built
    /// on Alpine or BusyBox images (whose `wget` has no `--progress`) are not reported.
    ///
    /// ## Why is this bad?
    /// Without a terminal, GNU wget falls back to printing a line of dots for every few
    /// kilobytes. Downloading a few hundred megabytes fills the build log with tens of
    /// thousands of lines, which hides real errors and can exceed CI log limits.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN wget https://example.com/dist/tool.tar.gz
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN wget --progress=dot:giga https://example.com/dist/tool.tar.gz
    /// RUN wget -nv https://example.com/dist/other.tar.gz
    /// ```
    ///
    /// ## References
    /// - `wget(1)`: `--progress=dot:giga`
    pub static META = {
        code: "DW228",
        name: "wget-without-progress",
        category: Build,
        severity: Info,
        summary: "wget floods the build log with progress dots",
        references: ["hadolint:DL3047"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let busybox = busybox_userland_stages(cx);
    for run in runs(cx) {
        if busybox.get(run.stage.index).copied().unwrap_or(false) {
            continue;
        }
        for cmd in run.commands() {
            let c = cmd.command;
            if command_name(c) != Some("wget") {
                continue;
            }
            let stderr_redirected = c.redirects.iter().any(|r| {
                matches!(r.op, RedirectOp::OutErr | RedirectOp::AppendOutErr) || (r.fd == Some(2) && r.op.writes())
            });
            if stderr_redirected {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &WGET);
            let quiet = args.iter().any(|a| {
                a.is_short(b'q')
                    || a.is_short(b'o')
                    || a.is_short(b'a')
                    || (a.is_short(b'n') && a.value() == Some("v"))
                    || a.is_long("--quiet")
                    || a.is_long("--no-verbose")
                    || a.is_long("--progress")
                    || a.is_long("--output-file")
                    || a.is_long("--append-output")
                    || a.is_long("--show-progress")
                    || a.is_long("--help")
                    || a.is_long("--version")
            });
            if quiet || has_unknown(&args) {
                continue;
            }
            out.push(
                cx.finding(
                    &META,
                    name_range(&cmd),
                    "`wget` without `--progress` prints a line of dots per few kilobytes into the build log",
                )
                .with_help("add `--progress=dot:giga` (or `-nv`)"),
            );
        }
    }
}
