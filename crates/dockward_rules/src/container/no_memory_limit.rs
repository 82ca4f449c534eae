use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;
use dockward_model::Known;

declare_rule! {
    /// ## What it does
    /// Reports a container without a memory limit (`-m`/`--memory`, Compose `mem_limit`
    /// or `deploy.resources.limits.memory`), or with a limit of 0 (unlimited).
    ///
    /// ## Why is this bad?
    /// A container without a limit can take all of the host's memory: a leak, a
    /// decompression bomb or a deliberate attack makes the kernel's OOM killer pick victims
    /// among every other container and the host's own services.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --memory 512m acme/api:2.3
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.11: ensure that the memory usage for containers is limited
    /// - <https://docs.docker.com/engine/containers/resource_constraints/#memory>
    pub static META = {
        code: "DW601",
        name: "no-memory-limit",
        category: Resources,
        severity: Medium,
        summary: "the container's memory is not limited",
        references: ["cis-1.6:5.11", "cwe:770", "kics:bb9ac4f7-e13b-423d-a010-c74a1bfbe492"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    // One-shot `--rm` containers (CI steps, tool runs) are not services.
    if cx.spec.auto_remove {
        return;
    }
    let memory = &cx.spec.memory;
    let finding = match memory.value {
        Known::Unset => cx.finding(&META, &cx.spec.origin, format!("{} sets no memory limit", cx.subject())),
        Known::Set(0) => cx.finding(
            &META,
            &memory.at,
            format!("{} sets a memory limit of 0, which means unlimited", cx.subject()),
        ),
        _ => return,
    };
    out.push(finding.with_help(format!(
        "limit memory ({})",
        cx.spell(
            "`--memory 512m`",
            "`mem_limit: 512m` or `deploy.resources.limits.memory`"
        )
    )));
}
