use crate::declare_rule;
use crate::topology::{TopologyCx, name_list};
use dockward_core::Finding;
use dockward_model::Known;
use dockward_model::topology::{Attachment, Exposure, Role};

declare_rule! {
    /// ## What it does
    /// Reports a datastore (PostgreSQL, MySQL, MariaDB, MongoDB, Redis, Elasticsearch,
    /// RabbitMQ, … recognised by its image) that shares a network with a service that
    /// publishes ports, when that network is not `internal: true`.
    ///
    /// A web service talking to its database is the normal case and is not what this rule
    /// is about: it is about the network they talk over. The datastore itself publishing a
    /// port is reported by `port-published-on-all-interfaces` instead, and a datastore
    /// whose network is external (defined outside the file) is left alone.
    ///
    /// ## Why is this bad?
    /// A network that is not internal has a gateway: every container on it can open
    /// connections out of the host. A datastore rarely needs that, and attacks on datastores
    /// rely on it: a SQL injection through the exposed service that reaches PostgreSQL's
    /// `COPY … TO PROGRAM` opens a reverse shell; a Redis reached the same way is told to
    /// `REPLICAOF` an attacker's server and load a module from it. On an `internal: true`
    /// network the datastore can only talk to the services you put there, while the exposed
    /// service keeps its route out through its own front network.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   web:
    ///     image: acme/web:2.1
    ///     ports: ["8080:8080"]
    ///   db:
    ///     image: postgres:16
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// services:
    ///   web:
    ///     image: acme/web:2.1
    ///     ports: ["8080:8080"]
    ///     networks: [frontend, backend]
    ///   db:
    ///     image: postgres:16
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
    /// - <https://docs.docker.com/reference/compose-file/networks/#internal>
    pub static META = {
        code: "DW530",
        name: "datastore-on-public-network",
        category: Network,
        severity: Low,
        summary: "a datastore shares a non-internal network with a service that publishes ports",
        references: ["cwe:653"],
        fix: None,
        models: [Topology],
    };
}

pub fn check(cx: &TopologyCx<'_>, out: &mut Vec<Finding>) {
    let topology = cx.topology;
    for db in &topology.services {
        let Role::Datastore(engine) = db.role else { continue };
        // A datastore that publishes ports (even on loopback) needs a routable network:
        // the port rules speak for it. Unknown ports: cannot tell.
        if db.exposure != Exposure::None {
            continue;
        }
        let Attachment::Networks(refs) = &db.attachment else {
            continue;
        };
        for membership in refs {
            let Some(network) = topology.network(&membership.name) else {
                continue;
            };
            if network.internal() != Known::Set(false) {
                continue;
            }
            let public: Vec<&str> = topology
                .members(&network.name)
                .filter(|(s, _)| s.name != db.name && s.exposure.is_public())
                .map(|(s, _)| s.name.as_str())
                .collect();
            if public.is_empty() {
                continue;
            }
            let which = if membership.implicit {
                "the default network".to_string()
            } else {
                format!("network `{}`", network.name)
            };
            let verb = if public.len() == 1 { "publishes" } else { "publish" };
            out.push(
                cx.finding(
                    &META,
                    &membership.at,
                    format!(
                        "{engine} service `{}` is on {which} with {}, which {verb} ports, and the network is not internal",
                        db.name,
                        name_list(public)
                    ),
                )
                .with_help(format!(
                    "attach `{}` only to an `internal: true` network shared with the services that use it",
                    db.name
                )),
            );
        }
    }
}
