use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;
use dockward_model::container::Setting;

declare_rule! {
    /// ## What it does
    /// Reports a container that does not drop all Linux capabilities (`--cap-drop=ALL`,
    /// Compose `cap_drop: [ALL]`). Privileged containers are left to
    /// `privileged-container`.
    ///
    /// ## Why is this bad?
    /// Docker grants 14 capabilities by default, among them `CHOWN`, `DAC_OVERRIDE`,
    /// `SETUID`, `NET_RAW` (packet spoofing on the bridge) and `MKNOD`. Few workloads use
    /// any of them; each is attack surface for a compromised process. Dropping all and
    /// adding back the ones the workload needs is the least-privilege default.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --cap-drop=ALL --cap-add=NET_BIND_SERVICE acme/api:2.3
    /// ```
    ///
    /// ## Fix
    /// Adds `--cap-drop=ALL` before the image. This is an unsafe fix: a workload that needs
    /// a default capability (to `chown` files, to bind a port below 1024 as non-root, to
    /// switch users) stops working until it is added back with `--cap-add`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.4: ensure that Linux kernel capabilities are restricted within containers
    /// - <https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities>
    pub static META = {
        code: "DW303",
        name: "capabilities-not-dropped",
        category: Runtime,
        severity: Medium,
        summary: "the container keeps Docker's default capabilities",
        references: ["cis-1.6:5.4", "cwe:250", "kics:ce76b7d0-9e77-464d-b86f-c5c48e03e22d"],
        fix: Sometimes,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    if spec.privileged.get() == Some(&true) || spec.privileged.value.is_unknown() {
        return;
    }
    if cx.list_is_partial(&spec.cap_drop) || spec.cap_drop.iter().any(|c| c.get().is_some_and(|c| c == "ALL")) {
        return;
    }
    let dropped: Vec<&str> = spec
        .cap_drop
        .iter()
        .filter_map(|c| c.get().map(String::as_str))
        .collect();
    let message = if dropped.is_empty() {
        format!("{} does not drop any capability", cx.subject())
    } else {
        format!(
            "{} drops only {} and keeps the rest of Docker's default capabilities",
            cx.subject(),
            dropped.join(", ")
        )
    };
    let mut finding = cx.finding(&META, &spec.origin, message).with_help(format!(
        "drop every capability ({}) and add back only what the workload needs",
        cx.spell("`--cap-drop=ALL`", "`cap_drop: [ALL]`")
    ));
    if let Some(fix) = cx.fix(&Setting::CapDropAll, "drop all capabilities", false) {
        finding = finding.with_fix(fix);
    }
    out.push(finding);
}
