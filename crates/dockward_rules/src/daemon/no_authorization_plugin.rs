use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a daemon without an authorization plugin (`authorization-plugins`,
    /// `--authorization-plugin`). Opt-in: most installations have none, and adding one is
    /// a project, not a one-line fix.
    ///
    /// ## Why is this bad?
    /// Without one, every client that can reach the daemon's socket may do anything: run
    /// privileged containers, mount the host's disk, read every container's environment.
    /// Membership of the `docker` group is root in all but name. An authorization plugin
    /// (OPA's `opa-docker-authz`, Casbin's, or dockward's own) checks each API request
    /// against a policy first.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "authorization-plugins": []
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "authorization-plugins": ["openpolicyagent/opa-docker-authz-v2:0.8"]
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.12: authorization for Docker client commands is enabled
    /// - <https://docs.docker.com/engine/extend/plugins_authorization/>
    pub static META = {
        code: "DW714",
        name: "daemon-no-authorization-plugin",
        category: Daemon,
        severity: Medium,
        summary: "every client of the daemon may do anything",
        references: ["cis-1.6:2.12", "cwe:862"],
        fix: None,
        models: [Daemon],
        opt_in: true,
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    if !spec.authorization_plugins.is_empty() || spec.has_unknown_settings {
        return;
    }
    // An explicit empty list is reported where it is written.
    let at = match spec.key("authorization-plugins") {
        Some(key) => &key.at,
        None => &spec.origin,
    };
    out.push(
        cx.finding(
            &META,
            at,
            format!(
                "{} loads no authorization plugin: every client that reaches the daemon may do anything",
                cx.subject()
            ),
        )
        .with_help(format!(
            "add a policy plugin to {}",
            cx.spell("`authorization-plugins`", "`--authorization-plugin`")
        )),
    );
}
