use super::command_util::{
    APT, Arg, apt_option, command_name, has_unknown, insert_after, is_apt, parse_args, runs, span_to, subcommand,
    tokens, truthy,
};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Fix};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get` (and `apt`) commands that install, upgrade or remove packages
    /// without answering the confirmation prompt in advance: no `-y`/`--yes`, no `-qq`
    /// (which implies it), no `-o APT::Get::Assume-Yes=true`, no `yes |` in front.
    ///
    /// ## Why is this bad?
    /// A build has no one to answer "Do you want to continue? [Y/n]". As soon as apt wants
    /// to install a single package you did not name — a dependency, which is almost always
    /// — it reads end of input, aborts, and the build fails. When it does not fail, it only
    /// works because today's dependency tree happens to be trivial.
    /// `DEBIAN_FRONTEND=noninteractive` silences debconf questions, not this prompt.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// RUN apt-get -qq install --no-install-recommends git
    /// ```
    ///
    /// ## Fix
    /// Inserts ` -y` after the subcommand (safe: without it the command either fails at
    /// the prompt or asks nothing, and `-y` changes neither outcome's packages).
    ///
    /// ## References
    /// - `apt-get(8)`: `-y`, `--assume-yes`; `-qq` implies `-y`
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub static META = {
        code: "DW200",
        name: "apt-get-missing-yes",
        category: Build,
        severity: Low,
        summary: "apt-get would stop at its confirmation prompt",
        references: [
            "hadolint:DL3014", "trivy:DS-0021", "kics:77783205-c4ca-4f80-bb80-c777f267c547",
        ],
        fix: Sometimes,
        models: [Build],
    };
}

/// Subcommands that ask for confirmation before changing packages.
const PROMPTING: [&str; 11] = [
    "install",
    "reinstall",
    "remove",
    "purge",
    "upgrade",
    "dist-upgrade",
    "full-upgrade",
    "autoremove",
    "auto-remove",
    "autopurge",
    "build-dep",
];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    // `APT::Get::Assume-Yes` written into apt's configuration earlier in a stage (or a
    // stage it is built from) answers every later prompt.
    let mut configured = vec![false; cx.build.stages.len()];
    for run in runs(cx) {
        let stage = run.stage.index;
        if !configured[stage]
            && let Some(base) = run.stage.base_stage
        {
            configured[stage] = configured[base];
        }
        for cmd in run.commands() {
            let c = cmd.command;
            let Some(tool) = command_name(c) else { continue };
            if matches!(tool, "echo" | "printf" | "tee")
                && c.args()
                    .iter()
                    .any(|w| w.value.to_ascii_lowercase().contains("assume-yes"))
            {
                configured[stage] = true;
            }
            if configured[stage] || !is_apt(tool) {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &APT);
            let Some((sub_at, sub)) = subcommand(&args) else {
                continue;
            };
            if !PROMPTING.contains(&sub) || has_unknown(&args) || answers_yes(&args) {
                continue;
            }
            let fed_yes = c.pipeline.is_some_and(|p| p.index > 0)
                && cmd
                    .script
                    .script
                    .pipeline_of(c)
                    .take_while(|p| !std::ptr::eq(*p, c))
                    .any(|p| command_name(p) == Some("yes"));
            if fed_yes {
                continue;
            }
            let tok = &toks[args[sub_at].at()];
            let mut finding = cx.finding(
                &META,
                span_to(&cmd, tok.word),
                format!("`{tool} {sub}` without `-y` stops at its confirmation prompt and fails the build"),
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

fn answers_yes(args: &[Arg<'_>]) -> bool {
    let mut quiet = 0;
    for a in args {
        // `-s` and friends only simulate: nothing to confirm.
        if a.is_short(b'y')
            || a.is_short(b's')
            || [
                "--yes",
                "--assume-yes",
                "--assume-no",
                "--simulate",
                "--just-print",
                "--dry-run",
                "--recon",
                "--no-act",
                "--print-uris",
            ]
            .iter()
            .any(|f| a.is_long(f))
        {
            return true;
        }
        if a.is_short(b'q') || a.is_long("--quiet") || a.is_long("--silent") {
            quiet += match a.value() {
                Some(level) => level.parse::<u32>().unwrap_or(1),
                None => 1,
            };
        }
    }
    quiet >= 2 || apt_option(args, "APT::Get::Assume-Yes").is_some_and(truthy)
}
