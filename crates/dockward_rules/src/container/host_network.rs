use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a container that uses the host's network stack (`--network host`,
    /// Compose `network_mode: host`).
    ///
    /// ## Why is this bad?
    /// The container then has no network isolation: it can bind any host port, reach
    /// services the host exposes only on `localhost` (databases, admin endpoints, a Docker
    /// API on `127.0.0.1:2375`, cloud metadata proxies), and its own listeners are
    /// exposed on every host interface, ignoring port publishing and its firewall rules.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --network host acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d -p 127.0.0.1:8080:8080 acme/api:2.3
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.10: ensure that the host's network namespace is not shared
    /// - <https://docs.docker.com/engine/network/drivers/host/>
    pub static META = {
        code: "DW510",
        name: "host-network-mode",
        category: Network,
        severity: Medium,
        summary: "the container shares the host's network stack",
        references: ["cis-1.6:5.10", "cwe:668", "kics:071a71ff-f868-47a4-ac0b-3c59e4ab5443"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let network = &cx.spec.network_mode;
    if network.get().is_some_and(|n| n.eq_ignore_ascii_case("host")) {
        out.push(cx.finding(
            &META,
            &network.at,
            format!("{} uses the host's network stack: no network isolation", cx.subject()),
        ));
    }
}
