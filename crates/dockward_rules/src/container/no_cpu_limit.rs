use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;
use dockward_model::Known;

declare_rule! {
    /// ## What it does
    /// Reports a container without any CPU bound: no `--cpus`, `--cpu-quota`,
    /// `--cpuset-cpus` or `--cpu-shares` (Compose `cpus`, `cpu_quota`, `cpuset`,
    /// `cpu_shares`, `deploy.resources.limits.cpus`), or `--cpus 0`.
    ///
    /// ## Why is this bad?
    /// An unbounded container can starve every other container and the host of CPU time,
    /// whether through a bug, a crypto miner someone planted, or a request flood.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --cpus 1.5 acme/api:2.3
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.12: ensure that CPU priority is set appropriately on containers
    /// - <https://docs.docker.com/engine/containers/resource_constraints/#cpu>
    pub static META = {
        code: "DW602",
        name: "no-cpu-limit",
        category: Resources,
        severity: Low,
        summary: "the container's CPU is not limited",
        references: ["cis-1.6:5.12", "cwe:770", "kics:6b610c50-99fb-4ef0-a5f3-e312fd945bc3"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    // One-shot `--rm` containers (CI steps, tool runs) are not services.
    if cx.spec.auto_remove {
        return;
    }
    let cpus = &cx.spec.cpus;
    let finding = match &cpus.value {
        Known::Unset => cx.finding(&META, &cx.spec.origin, format!("{} sets no CPU limit", cx.subject())),
        Known::Set(v) if v.trim().parse::<f64>().is_ok_and(|n| n == 0.0) => cx.finding(
            &META,
            &cpus.at,
            format!("{} sets a CPU limit of 0, which means unlimited", cx.subject()),
        ),
        _ => return,
    };
    out.push(finding.with_help(format!(
        "bound its CPU ({})",
        cx.spell("`--cpus 1`", "`cpus: 1` or `deploy.resources.limits.cpus`")
    )));
}
