use super::command_util::{
    RPM, command_name, final_image_stages, parse_args, removes, rpm_changes, runs, span_to, subcommand, tokens,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `dnf install` or `microdnf install` (or another command that downloads
    /// packages) in a stage that ends up in the image when the same RUN does not run
    /// `dnf clean all` / `microdnf clean all` (or remove `/var/cache/dnf`) afterwards.
    ///
    /// ## Why is this bad?
    /// dnf keeps repository metadata (and, with `keepcache`, packages) under
    /// `/var/cache/dnf`. Unless the same RUN cleans it, it is frozen into the layer: dead
    /// weight, stale from the day of the build. Builder stages whose files are copied out
    /// are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y nginx
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y nginx && dnf clean all
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#run>
    pub static META = {
        code: "DW221",
        name: "dnf-cache-not-cleaned",
        category: Build,
        severity: Low,
        summary: "dnf leaves its package cache in the image",
        references: ["hadolint:DL3040", "trivy:DS-0019"],
        fix: None,
        models: [Build],
    };
}

const TOOLS: [&str; 3] = ["dnf", "microdnf", "tdnf"];
const SPEC: &super::command_util::Spec = &RPM;
const INSTALLS: [&str; 10] = [
    "install",
    "in",
    "reinstall",
    "update",
    "upgrade",
    "downgrade",
    "distro-sync",
    "group",
    "groups",
    "module",
];
const CLEANERS: [&str; 4] = ["dnf", "microdnf", "tdnf", "yum"];
const NEEDS_ALL: bool = true;
const CACHES: [&str; 3] = ["/var/cache/dnf", "/var/cache/yum", "/var/cache/tdnf"];
const HELP: &str = "end the same RUN with `dnf clean all`";

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
