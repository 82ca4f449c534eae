use crate::declare_rule;
use crate::topology::{TopologyCx, name_list};
use dockward_core::Finding;
use dockward_model::Known;
use dockward_model::topology::{Attachment, Exposure};

declare_rule! {
    /// ## What it does
    /// Reports a multi-tier project — some services publish ports, others publish none —
    /// in which no service says which network it is on, so every service shares the
    /// project's one default network.
    ///
    /// ## Why is this bad?
    /// With one flat network every container can reach every other one and all of them
    /// have a route out of the host. A compromise of the service that faces the outside
    /// then reaches every internal service directly. Declaring a front network for exposed
    /// services and an `internal: true` back network for the rest limits what each one
    /// can talk to. This is informational: small projects often accept the flat network.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: acme/web:2.1
    ///     ports: ["8080:8080"]
    ///   worker:
    ///     image: acme/worker:2.1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: acme/web:2.1
    ///     ports: ["8080:8080"]
    ///     networks: [frontend, backend]
    ///   worker:
    ///     image: acme/worker:2.1
    ///     networks: [backend]
    /// networks:
    ///   frontend: {}
    ///   backend:
    ///     internal: true
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.30 (related): do not use the default bridge `docker0`, one
    ///   flat network for every container
    /// - KICS `Networks Not Set` (ce14a68b-1668-41a0-ab7d-facd9f784742) reports each service
    ///   without `networks:`
    /// - <https://docs.docker.com/compose/how-tos/networking/>
    pub static META = {
        code: "DW532",
        name: "single-default-network",
        category: Network,
        severity: Info,
        summary: "every service of a multi-tier project shares the default network",
        references: ["cwe:653", "kics:ce14a68b-1668-41a0-ab7d-facd9f784742"],
        fix: None,
        models: [Topology],
    };
}

pub fn check(cx: &TopologyCx<'_>, out: &mut Vec<Finding>) {
    let topology = cx.topology;
    if topology.services.len() < 2 {
        return;
    }
    let all_default = topology
        .services
        .iter()
        .all(|s| matches!(&s.attachment, Attachment::Networks(refs) if refs.len() == 1 && refs[0].implicit));
    if !all_default {
        return;
    }
    if topology
        .network("default")
        .is_none_or(|n| n.internal() != Known::Set(false))
    {
        return;
    }
    let public: Vec<&str> = topology
        .services
        .iter()
        .filter(|s| s.exposure.is_public())
        .map(|s| s.name.as_str())
        .collect();
    let internal: Vec<&str> = topology
        .services
        .iter()
        .filter(|s| s.exposure == Exposure::None)
        .map(|s| s.name.as_str())
        .collect();
    if public.is_empty() || internal.is_empty() {
        return;
    }
    let verb = if internal.len() == 1 { "is" } else { "are" };
    out.push(
        cx.finding(
            &META,
            &topology.origin,
            format!(
                "all {} services share the default network: {} {} exposed and {} {verb} reachable from {}",
                topology.services.len(),
                name_list(public.iter().copied()),
                if public.len() == 1 { "is" } else { "are" },
                name_list(internal.iter().copied()),
                if public.len() == 1 { "it" } else { "them" },
            ),
        )
        .with_help("declare a front network for exposed services and an `internal: true` back network for the others"),
    );
}
