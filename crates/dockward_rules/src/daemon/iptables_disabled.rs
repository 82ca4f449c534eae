use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that may not manage iptables (`"iptables": false`,
    /// `--iptables=false`).
    ///
    /// ## Why is this bad?
    /// Docker builds its network isolation with iptables rules: without them, networks are
    /// not isolated from each other, `icc: false` cannot be enforced (dockerd refuses the
    /// combination), and published ports depend on hand-written rules that drift from what
    /// the containers actually publish. Let Docker manage the rules and filter traffic in
    /// the `DOCKER-USER` chain instead.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "iptables": false
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "iptables": true
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.4: Docker is allowed to make changes to iptables
    /// - <https://docs.docker.com/engine/network/packet-filtering-firewalls/>
    pub static META = {
        code: "DW712",
        name: "daemon-iptables-disabled",
        category: Daemon,
        severity: Medium,
        summary: "the daemon may not manage iptables, so networks are not isolated",
        references: ["cis-1.6:2.4", "cwe:668"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let iptables = &cx.spec.iptables;
    if iptables.get() != Some(&false) {
        return;
    }
    out.push(
        cx.finding(
            &META,
            &iptables.at,
            format!(
                "{} stops Docker from managing iptables ({}): container networks are not isolated and published ports are not filtered by Docker",
                cx.subject(),
                cx.named("iptables")
            ),
        )
        .with_help("let Docker manage iptables and add your own filtering to the DOCKER-USER chain"),
    );
}
