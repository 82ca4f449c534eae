//! The cache rule the rpm-family package managers share (yum, dnf, zypper): each rule file
//! holds its metadata and constants and calls [`check_cache_not_cleaned`].

use super::command_util::{
    Spec, command_name, final_image_stages, parse_args, removes, rpm_changes, rpm_subcommand, runs, span_to,
    subcommand, tokens,
};
use crate::BuildCx;
use dockward_core::{Finding, RuleMeta};

/// The rpm-family package managers' cache rule, shared by yum, dnf and zypper: an install
/// in a stage that reaches the image, with no cleanup later in the same RUN.
pub(crate) struct CacheRule {
    pub meta: &'static RuleMeta,
    pub tools: &'static [&'static str],
    pub spec: &'static Spec,
    pub installs: &'static [&'static str],
    /// Commands whose `clean` subcommand empties this cache.
    pub cleaners: &'static [&'static str],
    /// `clean` alone is not enough: it must be `clean all` (`--all`).
    pub needs_all: bool,
    pub caches: &'static [&'static str],
    pub help: &'static str,
}

pub(crate) fn check_cache_not_cleaned(cx: &BuildCx<'_>, out: &mut Vec<Finding>, rule: &CacheRule) {
    let in_image = final_image_stages(cx);
    for run in runs(cx) {
        if !in_image[run.stage.index] || run.mounts_cache_over(rule.caches) {
            continue;
        }
        if !run.any_command(|c| command_name(c).is_some_and(|n| rule.tools.contains(&n))) {
            continue;
        }
        let commands: Vec<_> = run.commands().collect();
        // A command is cleaned up when a cleanup comes after it: after it is the last one.
        let last_cleanup = commands.iter().rposition(|later| {
            removes(later.command, rule.caches)
                || command_name(later.command).is_some_and(|n| rule.cleaners.contains(&n)) && {
                    let a = later.command.args();
                    a.iter().any(|w| w.value == "clean" || w.value == "cc")
                        && (!rule.needs_all || a.iter().any(|w| w.value == "all"))
                }
        });
        for (i, cmd) in commands.iter().enumerate() {
            let c = cmd.command;
            let Some(tool) = command_name(c).filter(|n| rule.tools.contains(n)) else {
                continue;
            };
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, rule.spec);
            // dnf's aliases (`up`, `rei`…); zypper's (`in`, `up`) are listed as they are.
            let sub = if tool == "zypper" {
                subcommand(&args)
            } else {
                rpm_subcommand(&args)
            };
            let Some((sub_at, sub)) = sub else {
                continue;
            };
            if !rule.installs.contains(&sub) || !rpm_changes(&args, sub) {
                continue;
            }
            if last_cleanup.is_some_and(|last| last > i) {
                continue;
            }
            out.push(
                cx.finding(
                    rule.meta,
                    span_to(cmd, toks[args[sub_at].at()].word),
                    format!("`{tool} {sub}` leaves its package cache in the layer"),
                )
                .with_help(rule.help),
            );
            // One finding per RUN: a single cleanup at its end covers every command.
            break;
        }
    }
}
