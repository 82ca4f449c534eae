use crate::declare_rule;
use crate::topology::{TopologyCx, name_list};
use dockward_core::{Finding, Fix};
use dockward_model::Known;
use dockward_model::topology::{Exposure, Role};

declare_rule! {
    /// ## What it does
    /// Reports a network declared in the file that datastores use and that no service
    /// publishing ports is on — a back-end network — when it is not `internal: true`.
    ///
    /// It complements `datastore-on-public-network`: there the datastore shares a network
    /// with the exposed service; here the file already separates the tiers and only the
    /// last step is missing. External networks and the implicit `default` network are left
    /// alone.
    ///
    /// ## Why is this bad?
    /// A back-end network that is not internal still has a gateway: the database, cache or
    /// broker on it can open connections out of the host. Nothing on a back-end network
    /// should need that, and it is what a compromised datastore uses: a reverse shell, a
    /// Redis told to `REPLICAOF` an attacker's server, data sent straight out.
    /// `internal: true` removes the route while the services on the network still reach
    /// each other.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   proxy:
    ///     image: nginx:1.27
    ///     ports: ["443:443"]
    ///     networks: [frontend]
    ///   api:
    ///     image: acme/api:3.2
    ///     networks: [frontend, backend]
    ///   cache:
    ///     image: redis:7.4
    ///     networks: [backend]
    /// networks:
    ///   frontend: {}
    ///   backend: {}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   proxy:
    ///     image: nginx:1.27
    ///     ports: ["443:443"]
    ///     networks: [frontend]
    ///   api:
    ///     image: acme/api:3.2
    ///     networks: [frontend, backend]
    ///   cache:
    ///     image: redis:7.4
    ///     networks: [backend]
    /// networks:
    ///   frontend: {}
    ///   backend:
    ///     internal: true
    /// ```
    ///
    /// ## Fix
    /// Adds `internal: true` to the network's declaration (an unsafe fix: a service whose
    /// only network this is loses its route to the internet; give it a second network
    /// first).
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/compose-file/networks/#internal>
    pub static META = {
        code: "DW531",
        name: "datastore-network-not-internal",
        category: Network,
        severity: Low,
        summary: "a back-end network that datastores use is not internal",
        references: ["cwe:653"],
        fix: Sometimes,
        models: [Topology],
    };
}

pub fn check(cx: &TopologyCx<'_>, out: &mut Vec<Finding>) {
    let topology = cx.topology;
    for network in &topology.networks {
        let Some(declared) = &network.declared else { continue };
        if network.is_default || network.external || network.internal() != Known::Set(false) {
            continue;
        }
        let members: Vec<_> = topology.members(&network.name).map(|(s, _)| s).collect();
        // A member that faces the outside (or may: unknown ports) makes it a front network.
        if members
            .iter()
            .any(|s| matches!(s.exposure, Exposure::Public(_) | Exposure::Unknown))
        {
            continue;
        }
        let datastores: Vec<&str> = members
            .iter()
            .filter(|s| matches!(s.role, Role::Datastore(_)) && s.exposure == Exposure::None)
            .map(|s| s.name.as_str())
            .collect();
        if datastores.is_empty() {
            continue;
        }
        let (noun, verb) = if datastores.len() == 1 {
            ("datastore", "it has")
        } else {
            ("datastores", "they have")
        };
        let mut finding = cx
            .finding(
                &META,
                declared,
                format!(
                    "network `{}` carries {noun} {} and is not internal: {verb} a route out of the host",
                    network.name,
                    name_list(datastores)
                ),
            )
            .with_help(
                "add `internal: true` to the network; give services that must reach the internet a second network",
            );
        if let Some(edits) = &network.make_internal {
            finding = finding.with_fix(Fix::unsafe_("make the network internal", edits.clone()));
        }
        out.push(finding);
    }
}
