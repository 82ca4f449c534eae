use super::command_util::{
    APK, APT, RPM, Spec, ZYPPER, command_name, is_interpreter, is_shell, parse_args, removes_named, rpm_subcommand,
    runs, span_to, subcommand, tokens,
};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, TextRange};
use dockward_shell::SimpleCommand;

declare_rule! {
    /// ## What it does
    /// Reports a RUN that refreshes a package index (`apt-get update`, `apk update`,
    /// `dnf makecache`, `zypper refresh`) without installing or upgrading anything in the
    /// same RUN.
    ///
    /// ## Why is this bad?
    /// The build cache keeps that layer. Later `apt-get install` lines added below it reuse
    /// the index cached on the day the layer was first built, so a rebuild months later
    /// installs outdated packages — or fails because the mirror dropped them. Refresh and
    /// install in one RUN so they are always rebuilt together.
    ///
    /// A RUN that runs a script (`bash /tmp/setup.sh`, `./install.sh`, `make`), which may
    /// install packages itself, or that deletes the index again before it ends, is not
    /// reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update \
    ///     && apt-get install -y --no-install-recommends curl \
    ///     && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.7: ensure update instructions are not used alone in the Dockerfile
    pub static META = {
        code: "DW203",
        name: "package-update-alone",
        category: Build,
        severity: Medium,
        summary: "a package index is refreshed in a RUN that installs nothing",
        references: [
            "cis-1.6:4.7", "trivy:DS-0017", "checkov:CKV_DOCKER_5", "dockle:CIS-DI-0007",
            "kics:9bae49be-0aa3-4de5-bab2-4c3a069e40cd",
        ],
        fix: None,
        models: [Build],
    };
}

/// What a package-manager command does to the system.
enum Effect {
    Refresh,
    Install,
    Other,
}

fn effect(name: &str, sub: &str) -> Effect {
    let (refresh, install): (&[&str], &[&str]) = match name {
        "apt-get" | "apt" => (
            &["update"],
            &[
                "install",
                "upgrade",
                "dist-upgrade",
                "full-upgrade",
                "build-dep",
                "reinstall",
                "source",
            ],
        ),
        "apk" => (&["update"], &["add", "upgrade", "fix"]),
        "yum" | "dnf" | "microdnf" | "tdnf" => (
            &["makecache"],
            &[
                "install",
                "update",
                "upgrade",
                "groupinstall",
                "localinstall",
                "reinstall",
                "group",
                "groups",
                "module",
                "distro-sync",
                "builddep",
            ],
        ),
        "zypper" => (
            &["refresh", "ref"],
            &[
                "install",
                "in",
                "update",
                "up",
                "dist-upgrade",
                "dup",
                "patch",
                "source-install",
                "si",
            ],
        ),
        _ => return Effect::Other,
    };
    if refresh.contains(&sub) {
        Effect::Refresh
    } else if install.contains(&sub) {
        Effect::Install
    } else {
        Effect::Other
    }
}

/// Whether a command runs a script or program that could install packages itself.
fn runs_script(c: &SimpleCommand, name: &str) -> bool {
    let argv = c.effective_argv();
    let Some(first) = argv.first() else { return false };
    if first.value.contains('/') && spec(name).is_none() {
        return true;
    }
    match Some(name) {
        Some(n) if is_shell(n) || is_interpreter(n) => {
            // `bash /tmp/setup.sh`, `sh -c '…'` (the `-c` body is parsed on its own)
            c.args().iter().any(|w| !w.value.starts_with('-'))
                && !c
                    .args()
                    .iter()
                    .any(|w| w.value.starts_with('-') && w.value.contains('c'))
        }
        Some("make" | "ansible-playbook" | "ansible") => true,
        _ => false,
    }
}

fn spec(name: &str) -> Option<&'static Spec> {
    Some(match name {
        "apt-get" | "apt" => &APT,
        "apk" => &APK,
        "yum" | "dnf" | "microdnf" | "tdnf" => &RPM,
        "zypper" => &ZYPPER,
        _ => return None,
    })
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        let mut refresh: Option<(TextRange, String)> = None;
        let mut installs = false;
        for cmd in run.commands() {
            let c = cmd.command;
            let Some(name) = command_name(c) else {
                // `$INSTALL_CMD`: anything may run.
                installs |= c.effective_argv().first().is_some_and(|w| w.has_expansion);
                continue;
            };
            // `xargs apt-get install`, `… | xargs -r apk add`: the install hides behind xargs;
            // a script run here (`bash /tmp/setup.sh`, `./install.sh`, `make`) may install.
            if (name == "xargs" && c.args().iter().any(|w| spec(&w.value).is_some())) || runs_script(c, name) {
                installs = true;
                continue;
            }
            // The index is deleted again in this RUN: nothing stale is cached.
            if removes_named(c, name, &["/var/lib/apt/lists", "/var/cache/apk"]) {
                refresh = None;
                installs = true;
                continue;
            }
            let Some(spec) = spec(name) else { continue };
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, spec);
            // `apk --update add`, `apk add --update-cache`: refresh and install in one.
            let sub = match name {
                "yum" | "dnf" | "microdnf" | "tdnf" => rpm_subcommand(&args),
                _ => subcommand(&args),
            };
            let Some((at, sub)) = sub else {
                continue;
            };
            match effect(name, sub) {
                Effect::Refresh if refresh.is_none() => {
                    refresh = Some((span_to(&cmd, toks[args[at].at()].word), format!("{name} {sub}")));
                }
                Effect::Install => installs = true,
                _ => {}
            }
        }
        if let Some((range, what)) = refresh
            && !installs
        {
            out.push(
                cx.finding(
                    &META,
                    range,
                    format!("`{what}` runs in a RUN that installs nothing; its cached layer goes stale"),
                )
                .with_help("refresh the index in the same RUN as the install that needs it"),
            );
        }
    }
}
