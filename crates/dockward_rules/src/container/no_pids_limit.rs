use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;
use dockward_model::Known;

declare_rule! {
    /// ## What it does
    /// Reports a container without a process limit (`--pids-limit`, Compose `pids_limit`
    /// or `deploy.resources.limits.pids`), or with an unlimited one (0 or -1).
    ///
    /// ## Why is this bad?
    /// A fork bomb in a container without a PID limit exhausts the host's process table:
    /// nothing else on the host, including `sshd`, can start a process.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --pids-limit 200 acme/api:2.3
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.29: ensure that the PIDs cgroup limit is used
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#pids-limit>
    pub static META = {
        code: "DW603",
        name: "no-pids-limit",
        category: Resources,
        severity: Low,
        summary: "the container's number of processes is not limited",
        references: ["cis-1.6:5.29", "cwe:770", "kics:221e0658-cb2a-44e3-b08a-db96a341d6fa"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    // One-shot `--rm` containers (CI steps, tool runs) are not services.
    if cx.spec.auto_remove {
        return;
    }
    let pids = &cx.spec.pids_limit;
    let finding = match pids.value {
        Known::Unset => cx.finding(&META, &cx.spec.origin, format!("{} sets no PID limit", cx.subject())),
        Known::Set(n) if n <= 0 => cx.finding(
            &META,
            &pids.at,
            format!("{} sets a PID limit of {n}, which means unlimited", cx.subject()),
        ),
        _ => return,
    };
    out.push(finding.with_help(format!(
        "limit the number of processes ({})",
        cx.spell("`--pids-limit 200`", "`pids_limit: 200`")
    )));
}
