use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that logs at debug level: `"log-level": "debug"` (or `trace`),
    /// `-l debug`, and debug mode (`"debug": true`, `-D`), which sets the same level.
    ///
    /// ## Why is this bad?
    /// Debug logs record API requests and their details — image and container names,
    /// environment variables passed at creation, registry traffic — in volumes meant for
    /// troubleshooting, not for production: sensitive values end up in log files and log
    /// shippers, and the volume buries the events that matter. `info`, the default, keeps
    /// what an audit needs.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "debug": true,
    ///   "log-level": "debug"
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "log-level": "info"
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.3: the logging level is set to `info`
    /// - <https://docs.docker.com/engine/daemon/logs/>
    pub static META = {
        code: "DW711",
        name: "daemon-debug-logging",
        category: Daemon,
        severity: Low,
        summary: "the daemon logs at debug level",
        references: ["cis-1.6:2.3", "cwe:532"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    let help = format!(
        "use the default level, {}",
        cx.spell("`\"log-level\": \"info\"`", "`--log-level=info`")
    );
    if let Some(level) = spec.log_level.get()
        && (level.eq_ignore_ascii_case("debug") || level.eq_ignore_ascii_case("trace"))
    {
        out.push(
            cx.finding(
                &META,
                &spec.log_level.at,
                format!("{} logs at `{level}` level ({})", cx.subject(), cx.named("log-level")),
            )
            .with_help(help.clone()),
        );
    }
    if spec.debug.get() == Some(&true) {
        out.push(
            cx.finding(
                &META,
                &spec.debug.at,
                format!(
                    "{} runs the daemon in debug mode ({}), which logs at debug level",
                    cx.subject(),
                    cx.named("debug")
                ),
            )
            .with_help(help),
        );
    }
}
