use crate::daemon::{DaemonCx, unsafe_bool};
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a daemon without live restore: `live-restore` left at its default (`false`)
    /// or set to `false`.
    ///
    /// ## Why is this bad?
    /// Without it, stopping or upgrading dockerd stops every container; with it, containers
    /// keep running while the daemon restarts. Patching the engine promptly is then
    /// cheap, and a crashed daemon does not take the workloads down with it. Live restore
    /// cannot be used with swarm mode: suppress this rule for swarm nodes.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "live-restore": false
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "live-restore": true
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.15: live restore is enabled
    /// - <https://docs.docker.com/engine/daemon/live-restore/>
    pub static META = {
        code: "DW705",
        name: "daemon-live-restore-disabled",
        category: Daemon,
        severity: Low,
        summary: "restarting the daemon stops every container",
        references: ["cis-1.6:2.15"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let Some((at, explicit)) = unsafe_bool(cx.spec, &cx.spec.live_restore, true) else {
        return;
    };
    let how = if explicit {
        format!("turns live restore off ({})", cx.named("live-restore"))
    } else {
        format!("does not turn on `{}`", cx.spell("live-restore", "--live-restore"))
    };
    out.push(
        cx.finding(
            &META,
            at,
            format!(
                "{} {how}: every container stops when the daemon restarts or is upgraded",
                cx.subject()
            ),
        )
        .with_help(format!(
            "set {} (not on swarm nodes)",
            cx.spell("`\"live-restore\": true`", "`--live-restore`")
        )),
    );
}
