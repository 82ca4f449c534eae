use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a daemon with experimental features on (`"experimental": true`,
    /// `--experimental`).
    ///
    /// ## Why is this bad?
    /// Experimental features are not covered by Docker's stability and security
    /// guarantees: they change or disappear between releases and get less review. A
    /// production daemon should run only what is supported.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "experimental": true
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "experimental": false
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.18: experimental features are not used in production
    /// - <https://docs.docker.com/reference/cli/dockerd/>
    pub static META = {
        code: "DW713",
        name: "daemon-experimental-enabled",
        category: Daemon,
        severity: Low,
        summary: "the daemon runs with experimental features",
        references: ["cis-1.6:2.18"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let experimental = &cx.spec.experimental;
    if experimental.get() != Some(&true) {
        return;
    }
    out.push(
        cx.finding(
            &META,
            &experimental.at,
            format!(
                "{} turns on experimental features ({})",
                cx.subject(),
                cx.named("experimental")
            ),
        )
        .with_help("turn experimental features off on production daemons"),
    );
}
