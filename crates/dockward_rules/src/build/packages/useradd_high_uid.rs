use super::command_util::{Spec, command_name, insert_after, name_range, parse_args, runs, tokens};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Fix};

declare_rule! {
    /// ## What it does
    /// Reports `useradd` with a large UID (32768 or more) and without `-l`/`--no-log-init`.
    ///
    /// ## Why is this bad?
    /// `useradd` reserves a slot for the new user in `/var/log/lastlog` and
    /// `/var/log/faillog`, files indexed by UID. On disk they are sparse, but image layers
    /// store them in full: UID 100000 alone adds about 30 MB of zeroes to the image.
    /// `--no-log-init` skips those records, which a container never needs.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN useradd -u 100000 -m app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN useradd --no-log-init -u 100000 -m app
    /// RUN useradd -u 1001 -m worker
    /// ```
    ///
    /// ## Fix
    /// Inserts ` --no-log-init` after `useradd` (safe: only the login records are skipped).
    ///
    /// ## References
    /// - <https://github.com/moby/moby/issues/5419>
    pub static META = {
        code: "DW227",
        name: "useradd-high-uid-without-no-log-init",
        category: Build,
        severity: Low,
        summary: "useradd with a large UID bloats the image with lastlog/faillog",
        references: ["hadolint:DL3046"],
        fix: Sometimes,
        models: [Build],
    };
}

const USERADD: Spec = Spec {
    short_value: b"bcdefgGkKpsuRPZ",
    long_value: &[
        "--base-dir",
        "--comment",
        "--home-dir",
        "--home",
        "--expiredate",
        "--inactive",
        "--gid",
        "--groups",
        "--skel",
        "--key",
        "--password",
        "--shell",
        "--uid",
        "--root",
        "--prefix",
        "--selinux-user",
    ],
};

/// UIDs from here on make lastlog about 10 MB.
const HIGH_UID: u64 = 32768;

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            if command_name(c) != Some("useradd") {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &USERADD);
            if args.iter().any(|a| a.is_short(b'l') || a.is_long("--no-log-init")) {
                continue;
            }
            let uid = args
                .iter()
                .rev()
                .find(|a| a.is_short(b'u') || a.is_long("--uid"))
                .and_then(|a| a.value())
                .and_then(|v| v.parse::<u64>().ok());
            let Some(uid) = uid.filter(|u| *u >= HIGH_UID) else {
                continue;
            };
            let mb = (uid + 1) * 292 / 1_000_000;
            let mut finding = cx.finding(
                &META,
                name_range(&cmd),
                format!(
                    "`useradd -u {uid}` without `--no-log-init` writes about {mb} MB of lastlog records into the image"
                ),
            );
            let name = &c.effective_argv()[0];
            if let Some(edit) = insert_after(cx, &cmd, name, " --no-log-init") {
                finding = finding.with_fix(Fix::safe("add `--no-log-init`", vec![edit]));
            }
            out.push(finding);
        }
    }
}
