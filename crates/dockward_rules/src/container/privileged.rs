use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a container that runs privileged (`--privileged`, Compose
    /// `privileged: true`).
    ///
    /// ## Why is this bad?
    /// A privileged container gets every capability, every host device, no seccomp or
    /// AppArmor/SELinux confinement and a writable `/sys`: root in it is root on the host,
    /// and escaping takes one `mount` of the host disk. Almost every workload that "needs"
    /// it needs one capability or one device instead.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --privileged --name agent acme/agent:1.4
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --cap-drop=ALL --cap-add=NET_ADMIN --name agent acme/agent:1.4
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.5: ensure that privileged containers are not used
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#privileged>
    pub static META = {
        code: "DW301",
        name: "privileged-container",
        category: Runtime,
        severity: Critical,
        summary: "the container runs privileged",
        references: ["cis-1.6:5.5", "cwe:250", "kics:ae5b6871-7f45-42e0-bb4c-ab300c4d2026"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let privileged = &cx.spec.privileged;
    if privileged.get() == Some(&true) {
        out.push(
            cx.finding(
                &META,
                &privileged.at,
                format!("{} runs the container privileged", cx.subject()),
            )
            .with_help("grant only the capabilities (`cap_add`/`--cap-add`) or devices the workload needs"),
        );
    }
}
