use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports ports published on a privileged host port (below 1024), such as
    /// `-p 80:8080` or Compose `ports: ["443:8443"]`.
    ///
    /// ## Why is this bad?
    /// Ports below 1024 are reserved for services the host's administrator runs (SSH,
    /// DNS, mail, the web server): clients trust them accordingly. A container that takes
    /// one competes with host services and suggests the setup expects root-level network
    /// privileges; put a reverse proxy on the well-known port and publish containers on
    /// high ports.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d -p 80:8080 acme/web:3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d -p 8080:8080 acme/web:3
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.8: ensure privileged ports are not mapped within containers
    pub static META = {
        code: "DW512",
        name: "privileged-host-port",
        category: Network,
        severity: Low,
        summary: "a port is published on a privileged host port",
        references: ["cis-1.6:5.8", "cwe:269", "kics:bc2908f3-f73c-40a9-8793-c1b7d5544f79"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    for port in &cx.spec.ports {
        let Some(binding) = port.get() else { continue };
        let Some(host) = binding.host_port.as_deref() else {
            continue;
        };
        let Some(start) = host.split('-').next().and_then(|p| p.parse::<u16>().ok()) else {
            continue;
        };
        if start != 0 && start < 1024 {
            out.push(cx.finding(
                &META,
                &port.at,
                format!("{} publishes on privileged host port {host}", cx.subject()),
            ));
        }
    }
}
