use super::command_util::{command_name, final_image_stages, runs, span_to};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `yarn install` (or plain `yarn`, `yarn add`, `yarn global add`) in a stage
    /// that ends up in the image when the same RUN does not run `yarn cache clean` (or
    /// remove the yarn cache folder) afterwards and no cache is mounted for it.
    ///
    /// In a built image (`dockward image`): files left in `/usr/local/share/.cache/yarn`.
    ///
    /// ## Why is this bad?
    /// yarn copies every package tarball it downloads into its global cache. In an image
    /// that cache duplicates `node_modules` and is often as large, frozen into the layer
    /// for nothing. Builder stages whose files are copied out are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY package.json yarn.lock ./
    /// RUN yarn install --frozen-lockfile --production
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY package.json yarn.lock ./
    /// RUN yarn install --frozen-lockfile --production && yarn cache clean
    /// ```
    ///
    /// ## References
    /// - <https://classic.yarnpkg.com/en/docs/cli/cache>
    pub static META = {
        code: "DW223",
        name: "yarn-cache-not-cleaned",
        category: Build,
        severity: Low,
        summary: "yarn leaves its package cache in the image",
        references: ["hadolint:DL3060"],
        fix: None,
        models: [Build, Image],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let in_image = final_image_stages(cx);
    for run in runs(cx) {
        if !in_image[run.stage.index] {
            continue;
        }
        let cache_mount = run.si.instruction.flags_named("mount").any(|f| {
            matches!(
                f.option("type").and_then(|o| o.value.as_deref()),
                Some("cache" | "tmpfs")
            ) && ["target", "dst", "destination"]
                .iter()
                .filter_map(|k| f.option(k).and_then(|o| o.value.as_deref()))
                .any(|t| t.contains("yarn") || t.ends_with("/.cache"))
        });
        if cache_mount || run.vars().get("YARN_CACHE_FOLDER").is_some() {
            continue;
        }
        if !run.any_command(|c| command_name(c) == Some("yarn")) {
            continue;
        }
        let commands: Vec<_> = run.commands().collect();
        // A command is cleaned up when a cleanup comes after it: after it is the last one.
        let last_cleanup = commands.iter().rposition(|later| {
            let lc = later.command;
            (command_name(lc) == Some("yarn")
                && lc.args().iter().any(|w| w.value == "cache")
                && lc.args().iter().any(|w| w.value == "clean"))
                || (command_name(lc) == Some("rm")
                    && lc.args().iter().any(|w| {
                        let v = w.value.to_ascii_lowercase();
                        v.contains("yarn") && (v.contains("cache") || v.ends_with(".yarn"))
                            || v.trim_end_matches(['/', '*']).ends_with("/.cache")
                    }))
        });
        for (i, cmd) in commands.iter().enumerate() {
            let c = cmd.command;
            if command_name(c) != Some("yarn") || c.args().iter().any(|w| w.has_expansion) {
                continue;
            }
            let args = c.args();
            let first = args.iter().find(|w| !w.value.starts_with('-'));
            let installs = match first.map(|w| w.value.as_str()) {
                None => !args
                    .iter()
                    .any(|w| matches!(w.value.as_str(), "-v" | "--version" | "-h" | "--help")),
                Some("install" | "add") => true,
                Some("global") => args.iter().any(|w| w.value == "add"),
                Some(_) => false,
            };
            if !installs {
                continue;
            }
            if last_cleanup.is_some_and(|last| last > i) {
                continue;
            }
            let last = first.unwrap_or(&c.effective_argv()[0]);
            out.push(
                cx.finding(&META, span_to(cmd, last), "yarn's package cache stays in this layer")
                    .with_help("end the same RUN with `yarn cache clean`, or mount a cache for it"),
            );
            break;
        }
    }
}
