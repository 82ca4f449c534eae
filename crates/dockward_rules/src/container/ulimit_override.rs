use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::{Finding, Severity};
use dockward_shell::values::parse_ulimit;

declare_rule! {
    /// ## What it does
    /// Reports ulimits a container overrides (`--ulimit`, Compose `ulimits`): an override
    /// that removes a limit (`-1`, unlimited) at low severity, any other as information
    /// to review.
    ///
    /// ## Why is this bad?
    /// The daemon's default ulimits are the host operator's decision; a container that
    /// raises them (open files, processes, locked memory, core size) can exhaust host
    /// resources shared with every other container. Overrides should be deliberate and
    /// bounded.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --ulimit nproc=-1 --ulimit memlock=-1 acme/search:7
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d acme/search:7
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.19: ensure that the default ulimit is overwritten at runtime if needed
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#ulimit>
    pub static META = {
        code: "DW313",
        name: "ulimit-overridden",
        category: Runtime,
        severity: Info,
        summary: "the container overrides the daemon's default ulimits",
        references: ["cis-1.6:5.19", "cwe:770"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    for ulimit in &cx.spec.ulimits {
        let Some(Ok(limit)) = ulimit.get().map(|v| parse_ulimit(v)) else {
            continue;
        };
        let finding = if limit.soft == -1 || limit.hard == -1 {
            cx.finding(
                &META,
                &ulimit.at,
                format!("{} removes the `{}` limit", cx.subject(), limit.name),
            )
            .with_severity(Severity::Low)
        } else {
            cx.finding(
                &META,
                &ulimit.at,
                format!("{} overrides the default `{}` limit", cx.subject(), limit.name),
            )
        };
        out.push(finding);
    }
}
