use super::command_util::{
    PIP, assignments, command_name, final_image_stages, has_unknown, insert_after, parse_args, pip_args, runs, span_to,
    subcommand, tokens,
};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Fix};

declare_rule! {
    /// ## What it does
    /// Reports `pip install` in a stage that ends up in the image without
    /// `--no-cache-dir`, unless `PIP_NO_CACHE_DIR` is set, a cache is mounted over
    /// `~/.cache`, or the same RUN removes pip's cache (`pip cache purge`,
    /// `rm -rf /root/.cache/pip`).
    ///
    /// In a built image (`dockward image`): files left in `/root/.cache/pip`.
    ///
    /// ## Why is this bad?
    /// pip keeps every wheel it downloads or builds in `~/.cache/pip`. In an image that
    /// cache is dead weight — often larger than the installed packages — frozen into the
    /// layer. Builder stages whose files are copied out are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// Inserts ` --no-cache-dir` after `install` (safe: only the cache is affected).
    ///
    /// ## References
    /// - <https://pip.pypa.io/en/stable/topics/caching/>
    pub static META = {
        code: "DW216",
        name: "pip-install-keeps-cache",
        category: Build,
        severity: Low,
        summary: "pip install leaves its download cache in the image",
        references: ["hadolint:DL3042", "kics:f2f903fb-b977-461e-98d7-b3e2185c6118"],
        fix: Sometimes,
        models: [Build, Image],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let in_image = final_image_stages(cx);
    for run in runs(cx) {
        // Any value of PIP_NO_CACHE_DIR turns the cache off, `0` and `false` included: pip
        // kept that behaviour for compatibility (`_handle_no_cache_dir` in pip's
        // `cli/cmdoptions.py` sets `cache_dir = False` for every valid boolean string).
        if !in_image[run.stage.index]
            || run.vars().get("PIP_NO_CACHE_DIR").is_some()
            || run.mounts_cache_over(&["/root/.cache/pip", "/root/.cache"])
            || run.si.instruction.flags_named("mount").any(|f| {
                f.option("type").and_then(|o| o.value.as_deref()) == Some("cache")
                    && f.option("target")
                        .and_then(|o| o.value.as_deref())
                        .is_some_and(|t| t.contains("pip"))
            })
        {
            continue;
        }
        if !run.any_command(|c| pip_args(c).is_some()) {
            continue;
        }
        let commands: Vec<_> = run.commands().collect();
        for (i, cmd) in commands.iter().enumerate() {
            let c = cmd.command;
            let Some(words) = pip_args(c) else { continue };
            let toks = tokens(words, run.vars());
            let args = parse_args(&toks, &PIP);
            let Some((sub_at, "install")) = subcommand(&args) else {
                continue;
            };
            if has_unknown(&args)
                || args.iter().any(|a| a.is_long("--no-cache-dir"))
                || assignments(c).any(|(_, name, _)| name == "PIP_NO_CACHE_DIR")
                || commands[..i].iter().any(|earlier| {
                    assignments(earlier.command).any(|(_, name, _)| name == "PIP_NO_CACHE_DIR")
                        || pip_args(earlier.command).is_some_and(|w| {
                            w.iter().any(|w| w.value.contains("no-cache-dir")) && w.iter().any(|w| w.value == "config")
                        })
                })
            {
                continue;
            }
            let cleaned = commands[i + 1..].iter().any(|later| {
                let lc = later.command;
                pip_args(lc).is_some_and(|w| {
                    w.first().is_some_and(|w| w.value == "cache") && w.iter().any(|w| w.value == "purge")
                }) || (command_name(lc) == Some("rm")
                    && lc.args().iter().any(|w| {
                        let v = w.value.trim_end_matches(['/', '*']);
                        v.ends_with("/.cache/pip") || v.ends_with("/.cache") || v == "~/.cache"
                    }))
            });
            if cleaned {
                continue;
            }
            let tok = &toks[args[sub_at].at()];
            let mut finding = cx.finding(
                &META,
                span_to(cmd, tok.word),
                "`pip install` without `--no-cache-dir` leaves its wheel cache in the layer",
            );
            if tok.text == tok.word.value
                && let Some(edit) = insert_after(cx, cmd, tok.word, " --no-cache-dir")
            {
                finding = finding.with_fix(Fix::safe("add `--no-cache-dir`", vec![edit]));
            }
            out.push(finding);
        }
    }
}
