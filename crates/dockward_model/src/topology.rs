//! Topology: which service is on which network, which networks are internal, which
//! services face the outside and what role each one plays.
//!
//! Built from a Compose project (and its lowered [`ContainerSpec`]s, for published ports and
//! images). Network rules read this: "a datastore shares a non-internal network with a
//! service that publishes ports" is a statement about the graph, not about one container.

use crate::compose::{ComposeProject, Cx, FileTrees, Node, NodeValue};
use crate::compose_writer::make_network_internal;
use crate::container::ContainerSpec;
use crate::known::{Known, Sourced};
use dockward_core::{Edit, FileId, Provenance, TextRange};
use std::net::IpAddr;

/// The services × networks graph of a project.
#[derive(Clone, Debug)]
pub struct Topology {
    /// The project as a whole (the `services:` key of the main file): where project-wide
    /// findings point.
    pub origin: Provenance,
    /// In `project.services` order (the same order as the lowered specs).
    pub services: Vec<ServiceNet>,
    /// Declared networks, plus the implicit `default` network when a service uses it.
    pub networks: Vec<Network>,
}

/// One service's place in the graph.
#[derive(Clone, Debug)]
pub struct ServiceNet {
    pub name: String,
    /// The service's key.
    pub origin: Provenance,
    pub role: Role,
    pub attachment: Attachment,
    pub exposure: Exposure,
}

/// What a service is, guessed from its image's short name (or, when the image is unknown,
/// its service name; or both, for a repackaged image such as `sameersbn-postgresql` run as
/// service `postgresql`): only well-known products are classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// A database, cache, search engine, broker or object store, by product name.
    Datastore(&'static str),
    Other,
}

/// How a service is connected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Attachment {
    /// Project networks: its `networks:` entries, or the implicit `default` network.
    Networks(Vec<NetworkRef>),
    /// `network_mode: host`.
    Host(Provenance),
    /// `network_mode: none`.
    Isolated(Provenance),
    /// `network_mode: bridge`: Docker's default bridge, outside the project's networks.
    DefaultBridge(Provenance),
    /// `network_mode: service:NAME`: the network namespace of another service.
    Service { name: String, at: Provenance },
    /// `network_mode: container:NAME` or another mode dockward cannot place, or an unknown
    /// value.
    Unknown(Provenance),
}

/// A service's membership in a project network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkRef {
    pub name: String,
    /// The `networks:` entry, or the service's key for the implicit default network.
    pub at: Provenance,
    /// The service has no `networks:` and is on `default` because of that.
    pub implicit: bool,
}

/// Whether a service can be reached from outside the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// It publishes a port on a non-loopback address (all interfaces by default); the
    /// provenance is the first such port.
    Public(Provenance),
    /// It publishes ports on loopback addresses only.
    Local,
    /// It publishes no port.
    None,
    /// It publishes ports dockward cannot read (`"${PORT}:80"`) and none it can read is public.
    Unknown,
}

impl Exposure {
    pub fn is_public(&self) -> bool {
        matches!(self, Exposure::Public(_))
    }
}

/// A project network.
#[derive(Clone, Debug)]
pub struct Network {
    pub name: String,
    /// Its key under the top-level `networks:`; `None` for an undeclared `default`.
    pub declared: Option<Provenance>,
    /// `internal:`; `Unset` (not internal) when not written, `Unknown` for an external
    /// network (defined elsewhere) or an unresolved value.
    pub internal: Sourced<bool>,
    pub external: bool,
    /// The project's `default` network.
    pub is_default: bool,
    /// Edits to the declaring file that make the network `internal: true` (the fix for a
    /// back-end network with a route out), when the declaration can be rewritten in place.
    pub make_internal: Option<Vec<Edit>>,
}

impl Network {
    /// Whether the network is internal (no route out): `Set(false)` also when unset.
    pub fn internal(&self) -> Known<bool> {
        match &self.internal.value {
            Known::Set(b) => Known::Set(*b),
            Known::Unset => Known::Set(false),
            Known::Unknown => Known::Unknown,
        }
    }
}

impl Topology {
    pub fn network(&self, name: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.name == name)
    }

    /// Services attached to network `name`, with their membership.
    pub fn members<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a ServiceNet, &'a NetworkRef)> + 'a {
        self.services.iter().filter_map(move |s| match &s.attachment {
            Attachment::Networks(refs) => refs.iter().find(|r| r.name == name).map(|r| (s, r)),
            _ => None,
        })
    }
}

/// Images (short names) of datastores, and what to call them.
const DATASTORES: &[(&str, &str)] = &[
    ("postgres", "PostgreSQL"),
    ("postgresql", "PostgreSQL"),
    ("postgis", "PostgreSQL"),
    ("pgvector", "PostgreSQL"),
    ("timescaledb", "PostgreSQL"),
    ("timescaledb-ha", "PostgreSQL"),
    ("mysql", "MySQL"),
    ("mysql-server", "MySQL"),
    ("percona", "MySQL"),
    ("percona-server", "MySQL"),
    ("mariadb", "MariaDB"),
    ("mongo", "MongoDB"),
    ("mongodb", "MongoDB"),
    ("mongodb-community-server", "MongoDB"),
    ("percona-server-mongodb", "MongoDB"),
    ("redis", "Redis"),
    ("redis-stack", "Redis"),
    ("redis-stack-server", "Redis"),
    ("valkey", "Valkey"),
    ("keydb", "KeyDB"),
    ("dragonfly", "Dragonfly"),
    ("memcached", "Memcached"),
    ("elasticsearch", "Elasticsearch"),
    ("opensearch", "OpenSearch"),
    ("solr", "Solr"),
    ("rabbitmq", "RabbitMQ"),
    ("kafka", "Kafka"),
    ("cp-kafka", "Kafka"),
    ("cassandra", "Cassandra"),
    ("scylla", "ScyllaDB"),
    ("couchdb", "CouchDB"),
    ("couchbase", "Couchbase"),
    ("influxdb", "InfluxDB"),
    ("neo4j", "Neo4j"),
    ("arangodb", "ArangoDB"),
    ("clickhouse-server", "ClickHouse"),
    ("clickhouse", "ClickHouse"),
    ("cockroach", "CockroachDB"),
    ("etcd", "etcd"),
    ("zookeeper", "ZooKeeper"),
    ("minio", "MinIO"),
    ("azure-sql-edge", "SQL Server"),
    ("mssql-server-linux", "SQL Server"),
];

/// The datastore an image (or service) name names.
pub fn datastore_role(short_name: &str) -> Option<&'static str> {
    let name = short_name.to_ascii_lowercase();
    DATASTORES.iter().find(|(n, _)| *n == name).map(|(_, label)| *label)
}

fn role_of(spec: &ContainerSpec, service_name: &str) -> Role {
    if let Some(image) = spec.image.get() {
        if image.path.to_ascii_lowercase().ends_with("mssql/server") {
            return Role::Datastore("SQL Server");
        }
        let short = image.short_name();
        if !short.contains('$') && !short.is_empty() {
            if let Some(label) = datastore_role(&short) {
                return Role::Datastore(label);
            }
            // A repackaged datastore whose service is named after it: service `postgresql`
            // running `acme/sameersbn-postgresql`.
            let service = service_name.to_ascii_lowercase();
            return match datastore_role(&service) {
                Some(label) if short.contains(&service) => Role::Datastore(label),
                _ => Role::Other,
            };
        }
    }
    // No readable image (built locally, or `${IMAGE}`): a service named after a datastore.
    datastore_role(service_name).map_or(Role::Other, Role::Datastore)
}

fn exposure_of(spec: &ContainerSpec) -> Exposure {
    let mut local = false;
    let mut unknown = false;
    for port in &spec.ports {
        match port.get() {
            Some(binding) => {
                let loopback = binding.host_ip.as_deref().is_some_and(|ip| {
                    let ip = ip.trim_matches(['[', ']']);
                    ip.eq_ignore_ascii_case("localhost") || ip.parse::<IpAddr>().is_ok_and(|a| a.is_loopback())
                });
                if loopback {
                    local = true;
                } else {
                    return Exposure::Public(port.at.clone());
                }
            }
            None => unknown = true,
        }
    }
    if unknown {
        Exposure::Unknown
    } else if local {
        Exposure::Local
    } else {
        Exposure::None
    }
}

/// Builds the topology. `specs` are [`crate::compose::lower_compose`]'s, in service order.
pub(crate) fn lower_topology(
    project: &ComposeProject,
    file_ids: &[FileId],
    specs: &[ContainerSpec],
    trees: &mut FileTrees,
) -> Topology {
    let cx = Cx { file_ids };
    let origin = project
        .model
        .get_entry("services")
        .map(|(k, _)| cx.at(k))
        .or_else(|| project.services.first().map(|s| cx.at(&s.key)))
        .unwrap_or_else(|| Provenance::text(cx.file_id(0), TextRange::empty(0)));

    let mut networks: Vec<Network> = Vec::new();
    if let Some(entries) = project.networks.as_ref().and_then(Node::entries) {
        for (key, value) in entries {
            let name = key.key_str().unwrap_or("").to_string();
            let external = value
                .get("external")
                .is_some_and(|e| e.as_bool() == Some(true) || e.is_map());
            let internal = match value.get("internal") {
                _ if external => Sourced::unknown(cx.at(key)),
                Some(n) if n.is_null() => Sourced::unset(cx.at(key)),
                Some(n) => match n.as_bool() {
                    Some(b) => Sourced::set(b, cx.at(n)),
                    None => Sourced::unknown(cx.at(n)),
                },
                None => Sourced::unset(cx.at(key)),
            };
            let make_internal = (!external && internal.value != Known::Set(true))
                .then(|| make_network_internal(project, key, trees))
                .flatten();
            networks.push(Network {
                is_default: name == "default",
                name,
                declared: Some(cx.at(key)),
                internal,
                external,
                make_internal,
            });
        }
    }

    let mut services = Vec::with_capacity(project.services.len());
    for (service, spec) in project.services.iter().zip(specs) {
        let attachment = attachment(&cx, service.get("network_mode"), service.get("networks"), &spec.origin);
        services.push(ServiceNet {
            name: service.name.clone(),
            origin: spec.origin.clone(),
            role: role_of(spec, &service.name),
            exposure: exposure_of(spec),
            attachment,
        });
    }
    let uses_default = services.iter().any(|s| match &s.attachment {
        Attachment::Networks(refs) => refs.iter().any(|r| r.name == "default"),
        _ => false,
    });
    if uses_default && !networks.iter().any(|n| n.name == "default") {
        networks.push(Network {
            name: "default".to_string(),
            declared: None,
            internal: Sourced::unset(origin.clone()),
            external: false,
            is_default: true,
            make_internal: None,
        });
    }
    Topology {
        origin,
        services,
        networks,
    }
}

fn attachment(cx: &Cx<'_>, mode: Option<&Node>, networks: Option<&Node>, origin: &Provenance) -> Attachment {
    if let Some(mode) = mode.filter(|m| !m.is_null()) {
        let at = cx.at(mode);
        let Some(value) = mode.as_str().map(str::trim) else {
            return Attachment::Unknown(at);
        };
        return match value.to_ascii_lowercase().as_str() {
            "host" => Attachment::Host(at),
            "none" => Attachment::Isolated(at),
            "bridge" | "default" => Attachment::DefaultBridge(at),
            m if m.starts_with("service:") => Attachment::Service {
                name: value["service:".len()..].to_string(),
                at,
            },
            _ => Attachment::Unknown(at),
        };
    }
    let mut refs = Vec::new();
    if let Some(node) = networks {
        match &node.value {
            NodeValue::Seq(items) => {
                for item in items {
                    match item.as_str() {
                        Some(name) => refs.push(NetworkRef {
                            name: name.trim().to_string(),
                            at: cx.at(item),
                            implicit: false,
                        }),
                        None => return Attachment::Unknown(cx.at(item)),
                    }
                }
            }
            NodeValue::Map(entries) => {
                for (key, value) in entries {
                    refs.push(NetworkRef {
                        name: key.key_str().unwrap_or("").trim().to_string(),
                        at: cx.at_entry(key, value),
                        implicit: false,
                    });
                }
            }
            NodeValue::Null => {}
            NodeValue::Scalar(_) => return Attachment::Unknown(cx.at(node)),
        }
    }
    if refs.is_empty() {
        refs.push(NetworkRef {
            name: "default".to_string(),
            at: origin.clone(),
            implicit: true,
        });
    }
    Attachment::Networks(refs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::{LoadOptions, load_compose_files, lower_compose, tests_support};

    fn topology(text: &str) -> Topology {
        let dir = std::env::temp_dir().join(format!(
            "dockward-topology-{}-{}",
            std::process::id(),
            tests_support::next_id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("compose.yaml");
        std::fs::write(&path, text).unwrap();
        let project = load_compose_files(&[path], &LoadOptions::default());
        std::fs::remove_dir_all(&dir).ok();
        let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
        lower_compose(&project, &ids).1
    }

    #[test]
    fn services_networks_roles_and_exposure() {
        let t = topology(
            "services:\n  web:\n    build: .\n    ports: [\"8000:8000\"]\n    networks: [front, back]\n  db:\n    image: docker.io/library/postgres:16\n    networks:\n      back:\n        aliases: [database]\n  cache:\n    image: ${REGISTRY}/redis:7\n    ports: [\"127.0.0.1:6379:6379\"]\n  dev:\n    image: mcr.microsoft.com/devcontainers/base\n    network_mode: service:db\n  redis:\n    build: ./redis\n    ports: [\"${P}:6379\"]\n  postgresql:\n    image: acme/sameersbn-postgresql:17\nnetworks:\n  front: {}\n  back:\n    internal: true\n  shared:\n    external: true\n",
        );
        let s = &t.services;
        assert_eq!(s[0].role, Role::Other);
        assert!(s[0].exposure.is_public());
        assert_eq!(s[1].role, Role::Datastore("PostgreSQL"));
        assert_eq!(s[1].exposure, Exposure::None);
        assert_eq!(s[2].role, Role::Datastore("Redis"));
        assert_eq!(s[2].exposure, Exposure::Local);
        assert!(matches!(&s[2].attachment, Attachment::Networks(r) if r[0].implicit && r[0].name == "default"));
        assert!(matches!(&s[3].attachment, Attachment::Service { name, .. } if name == "db"));
        assert_eq!(s[4].role, Role::Datastore("Redis"));
        assert_eq!(s[4].exposure, Exposure::Unknown);
        assert_eq!(s[5].role, Role::Datastore("PostgreSQL"));
        assert_eq!(t.network("back").unwrap().internal(), Known::Set(true));
        assert_eq!(t.network("front").unwrap().internal(), Known::Set(false));
        assert_eq!(t.network("shared").unwrap().internal(), Known::Unknown);
        let default = t.network("default").unwrap();
        assert!(default.is_default && default.declared.is_none());
        let back: Vec<&str> = t.members("back").map(|(s, _)| s.name.as_str()).collect();
        assert_eq!(back, ["web", "db"]);
    }
}
