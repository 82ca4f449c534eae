use crate::daemon::{DaemonCx, unsafe_bool};
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that runs the userland proxy: `userland-proxy` left at its default
    /// (`true`) or set to `true`.
    ///
    /// ## Why is this bad?
    /// With the proxy on, dockerd starts a `docker-proxy` process for every published
    /// port, a userspace relay that adds attack surface and hides the client's address
    /// from the container. Published ports work through iptables (hairpin NAT) without it
    /// on current kernels.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "userland-proxy": true
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "userland-proxy": false
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.16: the userland proxy is disabled
    /// - <https://docs.docker.com/reference/cli/dockerd/>
    pub static META = {
        code: "DW706",
        name: "daemon-userland-proxy-enabled",
        category: Daemon,
        severity: Low,
        summary: "the daemon runs a userland proxy for every published port",
        references: ["cis-1.6:2.16"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let Some((at, explicit)) = unsafe_bool(cx.spec, &cx.spec.userland_proxy, false) else {
        return;
    };
    let how = if explicit {
        format!("turns the userland proxy on ({})", cx.named("userland-proxy"))
    } else {
        format!(
            "leaves `{}` at its default (on)",
            cx.spell("userland-proxy", "--userland-proxy")
        )
    };
    out.push(
        cx.finding(
            &META,
            at,
            format!(
                "{} {how}: a `docker-proxy` process relays every published port",
                cx.subject()
            ),
        )
        .with_help(format!(
            "set {}",
            cx.spell("`\"userland-proxy\": false`", "`--userland-proxy=false`")
        )),
    );
}
