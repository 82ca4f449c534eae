use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::{Finding, Severity};
use dockward_model::Known;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that neither remaps container users into a user namespace
    /// (`userns-remap`) nor runs rootless. Whether dockerd runs rootless is decided by how
    /// it is started (RootlessKit, `dockerd-rootless.sh`), which a `daemon.json` cannot
    /// show: for a file alone the finding is low and says so.
    ///
    /// ## Why is this bad?
    /// Without either, root in a container is root on the host: uid 0 inside is uid 0 in
    /// every file it can reach through a mount, and any escape (a kernel bug, a
    /// misconfigured mount or capability) lands with full privileges. With `userns-remap`
    /// container uid 0 is an unprivileged uid on the host; rootless mode runs the whole
    /// daemon as an ordinary user.
    ///
    /// Remapping changes the owner of image layers and volumes and is incompatible with
    /// `--privileged`, `--network=host` and `--pid=host` containers (they need
    /// `--userns=host`); plan the switch.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "log-driver": "journald"
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "log-driver": "journald",
    ///   "userns-remap": "default"
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.9: user namespace support is enabled
    /// - CIS Docker Benchmark v1.6.0, 2.1: the daemon runs as a non-root user if possible
    /// - <https://docs.docker.com/engine/security/userns-remap/>
    /// - <https://docs.docker.com/engine/security/rootless/>
    pub static META = {
        code: "DW703",
        name: "daemon-userns-remap-disabled",
        category: Daemon,
        severity: Medium,
        summary: "container root is host root: no user namespace remapping and not rootless",
        references: ["cis-1.6:2.9", "cis-1.6:2.1", "cwe:250"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    let remap = &spec.userns_remap;
    let at = match &remap.value {
        Known::Set(user) if !user.trim().is_empty() => return,
        Known::Unknown => return,
        Known::Set(_) => &remap.at,
        Known::Unset => &spec.origin,
    };
    let (severity, unless) = match spec.rootless.value {
        Known::Set(true) => return,
        Known::Unknown => (
            Severity::Low,
            " (unless it runs rootless, which this source cannot show)",
        ),
        Known::Set(false) | Known::Unset => (Severity::Medium, ""),
    };
    out.push(
        cx.finding(
            &META,
            at,
            format!(
                "{} does not remap container users into a user namespace: root in a container is root on the host{unless}",
                cx.subject()
            ),
        )
        .with_severity(severity)
        .with_help(format!(
            "set {} (or run the daemon rootless)",
            cx.spell("`\"userns-remap\": \"default\"`", "`--userns-remap=default`")
        )),
    );
}
