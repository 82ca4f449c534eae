use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a daemon whose default logging driver is `none` (`"log-driver": "none"`,
    /// `--log-driver none`).
    ///
    /// ## Why is this bad?
    /// Every container that does not choose a driver of its own then has its output thrown
    /// away: `docker logs` shows nothing, and incident response has no record of what any
    /// container did. Ship logs to a central place instead (`journald`, `syslog`, `gelf`,
    /// `fluentd`, `awslogs`, …), or keep them locally with `local` or `json-file` and a size
    /// limit.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "log-driver": "none"
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "log-driver": "journald"
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.13: centralized and remote logging is configured
    /// - <https://docs.docker.com/engine/logging/configure/>
    pub static META = {
        code: "DW710",
        name: "daemon-logging-disabled",
        category: Daemon,
        severity: Medium,
        summary: "container logs are discarded by default",
        references: ["cis-1.6:2.13", "cwe:778"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let driver = &cx.spec.log_driver;
    if !driver.get().is_some_and(|d| d.eq_ignore_ascii_case("none")) {
        return;
    }
    out.push(
        cx.finding(
            &META,
            &driver.at,
            format!(
                "{} discards the logs of every container that does not choose a logging driver ({})",
                cx.subject(),
                cx.named("log-driver")
            ),
        )
        .with_help("use a central driver (`journald`, `syslog`, `gelf`, `fluentd`, …) or `local`"),
    );
}
