use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;
use dockward_model::Known;

declare_rule! {
    /// ## What it does
    /// Reports `--oom-kill-disable` (Compose `oom_kill_disable: true`) on a container that
    /// has no memory limit.
    ///
    /// ## Why is this bad?
    /// With the OOM killer disabled and no limit, a container that runs out of memory is
    /// never killed: the kernel kills host processes instead, or the host hangs. Docker's
    /// documentation says to use the option only together with `-m`.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --oom-kill-disable acme/cache:4
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --oom-kill-disable --memory 2g acme/cache:4
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.11: ensure that the memory usage for containers is limited
    /// - <https://docs.docker.com/engine/containers/resource_constraints/#--memory-swap-details>
    pub static META = {
        code: "DW604",
        name: "oom-kill-disabled-without-memory-limit",
        category: Resources,
        severity: Medium,
        summary: "the OOM killer is disabled for a container without a memory limit",
        references: ["cis-1.6:5.11", "cwe:400"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    if spec.oom_kill_disable.get() != Some(&true) {
        return;
    }
    if matches!(spec.memory.value, Known::Unset | Known::Set(0)) {
        out.push(cx.finding(
            &META,
            &spec.oom_kill_disable.at,
            format!("{} disables the OOM killer without a memory limit", cx.subject()),
        ));
    }
}
