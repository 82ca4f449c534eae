use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::{Finding, Severity};

declare_rule! {
    /// ## What it does
    /// Reports kernel parameters a container sets (`--sysctl`, Compose `sysctls`) that
    /// weaken isolation: parameters that are not namespaced (`kernel.*` other than the IPC
    /// ones, `vm.*`, `fs.*` other than `fs.mqueue.*`) and so change the host kernel, any
    /// `net.*` parameter when the container uses the host network, and IP forwarding or
    /// `route_localnet`, which turn the container into a router or expose loopback
    /// services.
    ///
    /// ## Why is this bad?
    /// A non-namespaced sysctl is the host's setting: `kernel.core_pattern` alone is a
    /// known container escape. Forwarding lets a compromised container route traffic
    /// between networks it was meant to separate.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --sysctl net.ipv4.ip_forward=1 acme/vpn:2
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --sysctl net.ipv4.ip_unprivileged_port_start=0 acme/vpn:2
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#sysctl>
    pub static META = {
        code: "DW318",
        name: "unsafe-sysctl",
        category: Runtime,
        severity: Medium,
        summary: "the container sets a kernel parameter that weakens isolation",
        references: ["cwe:250"],
        fix: None,
        models: [Container],
    };
}

/// `kernel.*` parameters that belong to the IPC namespace.
fn is_namespaced_kernel(key: &str) -> bool {
    matches!(key, "kernel.sem" | "kernel.msgmax" | "kernel.msgmnb" | "kernel.msgmni")
        || key.starts_with("kernel.shm")
        || key.starts_with("kernel.msg")
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    let host_network = spec.network_mode.get().is_some_and(|n| n == "host");
    for sysctl in &spec.sysctls {
        let Some((key, value)) = sysctl.get() else { continue };
        let key_norm = key.replace('/', ".");
        let enabled = !matches!(value.trim(), "0" | "");
        let (severity, why) = if (key_norm.starts_with("kernel.") && !is_namespaced_kernel(&key_norm))
            || key_norm.starts_with("vm.")
            || (key_norm.starts_with("fs.") && !key_norm.starts_with("fs.mqueue."))
        {
            (Severity::High, "it is not namespaced and changes the host kernel")
        } else if key_norm.starts_with("net.") && host_network {
            (
                Severity::High,
                "with the host network it changes the host's network stack",
            )
        } else if enabled && (key_norm == "net.ipv4.ip_forward" || key_norm.ends_with(".forwarding")) {
            (
                Severity::Medium,
                "it makes the container forward traffic between networks",
            )
        } else if enabled && key_norm.ends_with(".route_localnet") {
            (Severity::Medium, "it routes traffic to loopback addresses")
        } else {
            continue;
        };
        out.push(
            cx.finding(
                &META,
                &sysctl.at,
                format!("{} sets `{key}={value}`: {why}", cx.subject()),
            )
            .with_severity(severity),
        );
    }
}
