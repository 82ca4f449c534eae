use crate::daemon::{DaemonCx, unsafe_bool};
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that does not set `no-new-privileges` for new containers by
    /// default: `no-new-privileges` missing or `false`.
    ///
    /// ## Why is this bad?
    /// Containers that do not ask for it themselves (DW305) can then gain privileges
    /// through setuid and setgid binaries or file capabilities. Setting it daemon-wide
    /// covers every container, including those started by hand or by tools that do not
    /// expose the option; a container that really needs setuid can still opt out with
    /// `--security-opt no-new-privileges=false`.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "no-new-privileges": false
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "no-new-privileges": true
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.14: containers are restricted from acquiring new privileges
    /// - <https://docs.docker.com/reference/cli/dockerd/#daemon-configuration-file>
    pub static META = {
        code: "DW707",
        name: "daemon-no-new-privileges-not-set",
        category: Daemon,
        severity: Medium,
        summary: "containers may gain privileges through setuid binaries by default",
        references: ["cis-1.6:2.14", "cwe:250"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let Some((at, explicit)) = unsafe_bool(cx.spec, &cx.spec.no_new_privileges, true) else {
        return;
    };
    let how = if explicit {
        format!(
            "turns the no-new-privileges default off ({})",
            cx.named("no-new-privileges")
        )
    } else {
        format!(
            "does not set `{}`",
            cx.spell("no-new-privileges", "--no-new-privileges")
        )
    };
    out.push(
        cx.finding(
            &META,
            at,
            format!(
                "{} {how}: containers that do not ask for it can gain privileges through setuid binaries",
                cx.subject()
            ),
        )
        .with_help(format!(
            "set {}",
            cx.spell("`\"no-new-privileges\": true`", "`--no-new-privileges`")
        )),
    );
}
