use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::{Finding, Severity};
use dockward_model::container::{PortBinding, Setting};
use std::net::IpAddr;

declare_rule! {
    /// ## What it does
    /// Reports ports published on every host interface: `-p 8080:80`, `-p 80`,
    /// `-p 0.0.0.0:80:80`, `-P`, Compose `ports: ["8080:80"]`. Databases, caches, message
    /// brokers, admin UIs and the Docker API (recognised by container port or image name)
    /// are high; other services medium.
    ///
    /// ## Why is this bad?
    /// Docker publishes on `0.0.0.0` by default and writes its own iptables rules ahead of
    /// host firewalls such as `ufw`, so a port meant for local tools is reachable from
    /// the network. Exposed databases and Docker APIs are among the most scanned and
    /// exploited services on the internet.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d -p 5432:5432 postgres:16
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d -p 127.0.0.1:5432:5432 postgres:16
    /// ```
    ///
    /// ## Fix
    /// Prefixes the mapping with `127.0.0.1:`. This is an unsafe fix: clients on other
    /// hosts lose access, which is the point for a database and a regression for a
    /// public web server (publish that one behind a reverse proxy, or suppress).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.14: ensure that incoming container traffic is bound to a specific host interface
    /// - <https://docs.docker.com/engine/network/packet-filtering-firewalls/#port-publishing-and-mapping>
    pub static META = {
        code: "DW511",
        name: "port-published-on-all-interfaces",
        category: Network,
        severity: Medium,
        summary: "a port is published on every host interface",
        references: ["cis-1.6:5.14", "cwe:668", "kics:451d79dc-0588-476a-ad03-3c7f0320abb3"],
        fix: Sometimes,
        models: [Container],
    };
}

/// Container ports of services that should never face the network.
const SENSITIVE_PORTS: &[(u16, &str)] = &[
    (2375, "the Docker API"),
    (2376, "the Docker API"),
    (2377, "the swarm manager API"),
    (4243, "the Docker API"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (6379, "Redis"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
    (27018, "MongoDB"),
    (9200, "Elasticsearch"),
    (9300, "Elasticsearch"),
    (5984, "CouchDB"),
    (8086, "InfluxDB"),
    (9042, "Cassandra"),
    (7474, "Neo4j"),
    (7687, "Neo4j"),
    (8529, "ArangoDB"),
    (26257, "CockroachDB"),
    (2379, "etcd"),
    (2181, "ZooKeeper"),
    (5672, "RabbitMQ"),
    (15672, "the RabbitMQ admin UI"),
    (8500, "Consul"),
    (5601, "Kibana"),
    (10250, "the kubelet API"),
    (6443, "the Kubernetes API"),
];

/// Images of services that should never face the network.
const SENSITIVE_IMAGES: &[&str] = &[
    "mysql",
    "mariadb",
    "postgres",
    "postgis",
    "redis",
    "valkey",
    "mongo",
    "mongodb",
    "elasticsearch",
    "opensearch",
    "memcached",
    "cassandra",
    "couchdb",
    "influxdb",
    "neo4j",
    "rabbitmq",
    "zookeeper",
    "etcd",
    "consul",
    "mssql-server",
    "adminer",
    "phpmyadmin",
    "mongo-express",
    "redis-commander",
    "pgadmin4",
    "kibana",
    "portainer",
    "portainer-ce",
];

fn first_port(p: &str) -> Option<u16> {
    p.split('-').next()?.parse().ok()
}

fn binds_all(binding: &PortBinding) -> bool {
    match binding.host_ip.as_deref() {
        None | Some("") => true,
        Some(ip) => ip
            .trim_matches(['[', ']'])
            .parse::<IpAddr>()
            .is_ok_and(|a| a.is_unspecified()),
    }
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    let image = spec.image.get().filter(|i| !i.has_variables).map(|i| i.short_name());
    let sensitive_image = image.as_deref().filter(|n| SENSITIVE_IMAGES.contains(n));
    for (index, port) in spec.ports.iter().enumerate() {
        let Some(binding) = port.get() else { continue };
        if !binds_all(binding) {
            continue;
        }
        let service = if binding.container_port == "*" {
            None
        } else {
            first_port(&binding.container_port).and_then(|p| SENSITIVE_PORTS.iter().find(|(q, _)| *q == p))
        };
        let what = match (&service, sensitive_image) {
            (Some((_, name)), _) => Some((*name).to_string()),
            (None, Some(img)) => Some(format!("`{img}`")),
            _ => None,
        };
        let message = if binding.container_port == "*" {
            format!("{} publishes every exposed port on all host interfaces", cx.subject())
        } else {
            let host = match binding.host_port.as_deref() {
                Some(h) => format!("host port {h}"),
                None => "a random host port".to_string(),
            };
            let service = match &what {
                Some(w) => format!("{w} (container port {})", binding.container_port),
                None => format!("container port {}", binding.container_port),
            };
            format!("{} publishes {service} on all host interfaces ({host})", cx.subject())
        };
        let mut finding = cx
            .finding(&META, &port.at, message)
            .with_severity(if what.is_some() {
                Severity::High
            } else {
                Severity::Medium
            })
            .with_help(
                "bind it to one address (`127.0.0.1:HOST:CONTAINER`) unless it must be reachable from other hosts",
            );
        if let Some(fix) = cx.fix(
            &Setting::BindPortToLocalhost(index),
            "bind the port to 127.0.0.1",
            false,
        ) {
            finding = finding.with_fix(fix);
        }
        out.push(finding);
    }
}
