use super::command_util::{
    APT, command_name, final_image_stages, is_apt, parse_args, removes_named, runs, span_to, subcommand, tokens,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `apt-get update` (or `apt update`) in a stage that ends up in the image
    /// when the same RUN does not delete `/var/lib/apt/lists` afterwards (and does not
    /// mount a cache over it).
    ///
    /// In a built image (`dockward image`): files left in `/var/lib/apt/lists`.
    ///
    /// ## Why is this bad?
    /// `apt-get update` downloads the package indexes: tens of megabytes under
    /// `/var/lib/apt/lists`. Unless the same RUN removes them, they are frozen into that
    /// layer; deleting them in a later RUN hides them but does not make the image smaller.
    /// They are also stale the moment the image is built, so nothing should use them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update \
    ///     && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y --no-install-recommends git
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#apt-get>
    pub static META = {
        code: "DW202",
        name: "apt-lists-not-deleted",
        category: Build,
        severity: Low,
        summary: "apt package lists are left in the image",
        references: [
            "hadolint:DL3009", "dockle:DKL-DI-0005", "kics:df746b39-6564-4fed-bf85-e9c44382303c",
        ],
        fix: None,
        models: [Build, Image],
    };
}

const LISTS: &str = "/var/lib/apt/lists";

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let in_image = final_image_stages(cx);
    for run in runs(cx) {
        if !in_image[run.stage.index] || run.mounts_cache_over(&[LISTS]) {
            continue;
        }
        let mut pending = None;
        for cmd in run.commands() {
            let c = cmd.command;
            let Some(name) = command_name(c) else { continue };
            if removes_named(c, name, &[LISTS]) {
                pending = None;
                continue;
            }
            if !is_apt(name) {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &APT);
            match subcommand(&args) {
                Some((_, "distclean" | "dist-clean")) => pending = None,
                Some((at, "update")) if pending.is_none() => {
                    pending = Some(span_to(&cmd, toks[args[at].at()].word));
                }
                _ => {}
            }
        }
        if let Some(range) = pending {
            out.push(
                cx.finding(
                    &META,
                    range,
                    "the package lists `apt-get update` downloads stay in this layer",
                )
                .with_help("end the same RUN with `rm -rf /var/lib/apt/lists/*`"),
            );
        }
    }
}
