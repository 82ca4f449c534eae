use super::command_util::{
    APK, command_name, final_image_stages, has_unknown, insert_after, parse_args, removes, runs, span_to, subcommand,
    tokens,
};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Fix};

declare_rule! {
    /// ## What it does
    /// Reports a RUN, in a stage that ends up in the image, that downloads Alpine's
    /// package index — `apk update`, or `apk add --update`/`-U` without `--no-cache` —
    /// and does not delete `/var/cache/apk` before it ends (nor mounts a cache over it).
    ///
    /// In a built image (`dockward image`): files left in `/var/cache/apk`.
    ///
    /// ## Why is this bad?
    /// The index lands in `/var/cache/apk` and is frozen into the layer: a few megabytes
    /// in every image, stale from the day of the build. `apk add --no-cache` fetches the
    /// index for that one command and keeps nothing, so neither `apk update` nor a
    /// cleanup step is needed. Builder stages whose files are copied out are not
    /// reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk update && apk add curl
    /// RUN apk add --update git
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// RUN apk add --update git && rm -rf /var/cache/apk/*
    /// ```
    ///
    /// ## Fix
    /// For `apk add --update` in a RUN without `apk update`, inserts ` --no-cache` after
    /// `add` (safe: the command still installs from a fresh index).
    ///
    /// ## References
    /// - <https://github.com/gliderlabs/docker-alpine/blob/master/docs/usage.md#disabling-cache>
    pub static META = {
        code: "DW215",
        name: "apk-cache-not-cleaned",
        category: Build,
        severity: Low,
        summary: "apk's package index is left in the image",
        references: [
            "hadolint:DL3019", "trivy:DS-0025", "dockle:DKL-DI-0004",
            "kics:ae9c56a6-3ed1-4ac0-9b54-31267f51151d",
        ],
        fix: Sometimes,
        models: [Build, Image],
    };
}

const CACHES: [&str; 2] = ["/var/cache/apk", "/etc/apk/cache"];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let in_image = final_image_stages(cx);
    for run in runs(cx) {
        if !in_image[run.stage.index] || run.mounts_cache_over(&CACHES) {
            continue;
        }
        if !run.any_command(|c| command_name(c) == Some("apk")) {
            continue;
        }
        let commands: Vec<_> = run.commands().collect();
        for (i, cmd) in commands.iter().enumerate() {
            let c = cmd.command;
            if command_name(c) != Some("apk") {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &APK);
            let Some((sub_at, sub)) = subcommand(&args) else {
                continue;
            };
            let refresh = match sub {
                "update" => true,
                "add" | "upgrade" => {
                    !has_unknown(&args)
                        && !args.iter().any(|a| a.is_long("--no-cache"))
                        && args
                            .iter()
                            .any(|a| a.is_short(b'U') || a.is_long("--update") || a.is_long("--update-cache"))
                }
                _ => false,
            };
            if !refresh {
                continue;
            }
            let cleaned = commands[i + 1..].iter().any(|later| {
                let lc = later.command;
                removes(lc, &CACHES)
                    || command_name(lc) == Some("apk")
                        && lc.args().iter().any(|w| w.value == "cache")
                        && lc.args().iter().any(|w| w.value == "clean" || w.value == "purge")
            });
            if cleaned {
                break;
            }
            let tok = &toks[args[sub_at].at()];
            let mut finding = cx
                .finding(
                    &META,
                    span_to(cmd, tok.word),
                    format!("`apk {sub}` leaves the package index in this layer"),
                )
                .with_help("install with `apk add --no-cache` and drop `apk update`");
            if sub != "update"
                && !commands[i + 1..].iter().any(|later| {
                    command_name(later.command) == Some("apk")
                        && later.command.args().first().is_some_and(|w| w.value == "update")
                })
                && tok.text == tok.word.value
                && let Some(edit) = insert_after(cx, cmd, tok.word, " --no-cache")
            {
                finding = finding.with_fix(Fix::safe("add `--no-cache`", vec![edit]));
            }
            out.push(finding);
            break;
        }
    }
}
