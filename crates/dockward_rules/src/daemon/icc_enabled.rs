use crate::daemon::{DaemonCx, unsafe_bool};
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that lets containers on the default bridge network talk to each
    /// other freely: `icc` left at its default (`true`) or set to `true`.
    ///
    /// ## Why is this bad?
    /// Every container started without a network of its own joins the default bridge, and
    /// with inter-container communication on, each can reach every port of every other:
    /// one compromised container can probe and attack the rest. With `"icc": false` only
    /// published ports and explicit links cross the bridge; user-defined networks keep
    /// working as before.
    ///
    /// dockerd refuses `"icc": false` together with `"iptables": false`: the isolation is
    /// built with iptables rules (see DW712).
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "icc": true
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "icc": false
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.2: network traffic between containers on the default bridge is restricted
    /// - <https://docs.docker.com/engine/network/drivers/bridge/#differences-between-user-defined-bridges-and-the-default-bridge>
    pub static META = {
        code: "DW704",
        name: "daemon-icc-enabled",
        category: Daemon,
        severity: Medium,
        summary: "containers on the default bridge can reach each other",
        references: ["cis-1.6:2.2", "cwe:668"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let Some((at, explicit)) = unsafe_bool(cx.spec, &cx.spec.icc, false) else {
        return;
    };
    let how = if explicit {
        format!("turns on inter-container communication ({})", cx.named("icc"))
    } else {
        format!("leaves `{}` at its default (on)", cx.spell("icc", "--icc"))
    };
    out.push(
        cx.finding(
            &META,
            at,
            format!(
                "{} {how}: containers on the default bridge can reach each other's ports",
                cx.subject()
            ),
        )
        .with_help(format!("set {}", cx.spell("`\"icc\": false`", "`--icc=false`"))),
    );
}
