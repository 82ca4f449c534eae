use super::command_util::{
    ZYPPER, command_name, final_image_stages, parse_args, removes, rpm_changes, runs, span_to, subcommand, tokens,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `zypper install` (or another zypper command that downloads packages) in a
    /// stage that ends up in the image when the same RUN does not run `zypper clean` (or
    /// remove `/var/cache/zypp`) afterwards.
    ///
    /// ## Why is this bad?
    /// zypper keeps repository metadata and downloaded packages under `/var/cache/zypp`.
    /// Unless the same RUN cleans them they are frozen into the layer as dead weight.
    /// Builder stages whose files are copied out are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y git
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y git && zypper clean --all
    /// ```
    ///
    /// ## References
    /// - `zypper(8)`: `clean`
    pub static META = {
        code: "DW222",
        name: "zypper-cache-not-cleaned",
        category: Build,
        severity: Low,
        summary: "zypper leaves its package cache in the image",
        references: ["hadolint:DL3036", "trivy:DS-0020"],
        fix: None,
        models: [Build],
    };
}

const TOOLS: [&str; 1] = ["zypper"];
const SPEC: &super::command_util::Spec = &ZYPPER;
const INSTALLS: [&str; 11] = [
    "install",
    "in",
    "update",
    "up",
    "patch",
    "dist-upgrade",
    "dup",
    "source-install",
    "si",
    "install-new-recommends",
    "inr",
];
const CLEANERS: [&str; 1] = ["zypper"];
const NEEDS_ALL: bool = false;
const CACHES: [&str; 1] = ["/var/cache/zypp"];
const HELP: &str = "end the same RUN with `zypper clean --all`";

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let in_image = final_image_stages(cx);
    for run in runs(cx) {
        if !in_image[run.stage.index] || run.mounts_cache_over(&CACHES) {
            continue;
        }
        if !run.any_command(|c| command_name(c).is_some_and(|n| TOOLS.contains(&n))) {
            continue;
        }
        let commands: Vec<_> = run.commands().collect();
        for (i, cmd) in commands.iter().enumerate() {
            let c = cmd.command;
            let Some(tool) = command_name(c).filter(|n| TOOLS.contains(n)) else {
                continue;
            };
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, SPEC);
            let Some((sub_at, sub)) = subcommand(&args) else {
                continue;
            };
            if !INSTALLS.contains(&sub) || !rpm_changes(&args, sub) {
                continue;
            }
            let cleaned = commands[i + 1..].iter().any(|later| {
                removes(later.command, &CACHES)
                    || command_name(later.command).is_some_and(|n| CLEANERS.contains(&n)) && {
                        let a = later.command.args();
                        a.iter().any(|w| w.value == "clean" || w.value == "cc")
                            && (!NEEDS_ALL || a.iter().any(|w| w.value == "all"))
                    }
            });
            if cleaned {
                continue;
            }
            out.push(
                cx.finding(
                    &META,
                    span_to(cmd, toks[args[sub_at].at()].word),
                    format!("`{tool} {sub}` leaves its package cache in the layer"),
                )
                .with_help(HELP),
            );
            // One finding per RUN: a single cleanup at its end covers every command.
            break;
        }
    }
}
