use super::command_util::{
    APT, apt_option, apt_simulates, command_name, falsy, final_image_stages, has_unknown, insert_after, is_apt,
    operands, parse_args, runs, span_to, subcommand, tokens,
};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Fix};

declare_rule! {
    /// ## What it does
    /// Reports `apt-get install` (and `apt install`) in a stage that ends up in the image
    /// without `--no-install-recommends` (or `-o APT::Install-Recommends=false`, or that
    /// setting written into apt's configuration earlier).
    ///
    /// ## Why is this bad?
    /// By default apt also installs every package the ones you asked for merely
    /// *recommend*: documentation, extra tools, whole X11 stacks. They make the image
    /// larger and add software — and vulnerabilities to patch — that nothing uses.
    /// Builder stages whose files are copied out are not reported: their packages never
    /// reach the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix
    /// Inserts ` --no-install-recommends` after `install`. Unsafe: a program may rely on a
    /// recommended package (a CA bundle, a locale), so check the image still works.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.3: ensure that unnecessary packages are not installed
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub static META = {
        code: "DW201",
        name: "apt-get-installs-recommends",
        category: Build,
        severity: Low,
        summary: "apt-get install also installs recommended packages",
        references: [
            "cis-1.6:4.3", "hadolint:DL3015", "trivy:DS-0029", "kics:7384dfb2-fcd1-4fbf-91cd-6c44c318c33c",
        ],
        fix: Sometimes,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let in_image = final_image_stages(cx);
    // `APT::Install-Recommends "false"` written into apt's configuration covers later RUNs.
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
                && c.args().iter().any(|w| {
                    let v = w.value.to_ascii_lowercase();
                    v.contains("install-recommends") && (v.contains("false") || v.contains("\"0\""))
                })
            {
                configured[stage] = true;
            }
            if configured[stage] || !in_image[stage] || !is_apt(tool) {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &APT);
            let Some((sub_at, "install")) = subcommand(&args) else {
                continue;
            };
            if has_unknown(&args) || operands(&args).count() < 2 {
                continue;
            }
            let off = apt_simulates(&args)
                || args.iter().any(|a| a.is_long("--no-install-recommends"))
                || apt_option(&args, "APT::Install-Recommends").is_some_and(falsy);
            if off {
                continue;
            }
            let tok = &toks[args[sub_at].at()];
            let mut finding = cx.finding(
                &META,
                span_to(&cmd, tok.word),
                format!("`{tool} install` without `--no-install-recommends` also installs recommended packages"),
            );
            if tok.text == tok.word.value
                && let Some(edit) = insert_after(cx, &cmd, tok.word, " --no-install-recommends")
            {
                finding = finding.with_fix(Fix::unsafe_("add `--no-install-recommends`", vec![edit]));
            }
            out.push(finding);
        }
    }
}
