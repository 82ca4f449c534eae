use super::util::{is_ascii_digits, runtime_chain, stage_insts};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Severity};
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports a final image that `EXPOSE`s a port of a remote-administration or
    /// cleartext service: SSH (22), Telnet (23), FTP (21), the Docker API (2375 without
    /// TLS, 2376 with), RDP (3389), VNC (5900), WinRM (5985/5986). Database and cache
    /// ports (MySQL 3306, PostgreSQL 5432, MongoDB 27017, Redis 6379, Elasticsearch
    /// 9200/9300, Memcached 11211, …) are reported at low severity, and not at all when
    /// the Dockerfile builds that database (its image, package or daemon appears in it):
    /// an official `postgres` image exposes 5432 by design. Ports exposed only by build
    /// stages are not reported.
    ///
    /// In a built image (`dockward image`): the image's `ExposedPorts`.
    ///
    /// ## Why is this bad?
    /// `EXPOSE` documents what the container listens on, and `docker run -P` publishes
    /// every exposed port on all host interfaces. An administration service in an
    /// application container is an extra door that bypasses `docker exec`'s access
    /// control; the plain Docker API is root on the host for anyone who reaches it; and a
    /// database port in an application image usually means a database listening where it
    /// should not.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// EXPOSE 22 8080
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// EXPOSE 8080
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.9: ensure that only needed ports are open on the container
    /// - <https://docs.docker.com/reference/dockerfile/#expose>
    pub static META = {
        code: "DW501",
        name: "sensitive-port-exposed",
        category: Network,
        severity: Medium,
        summary: "the image exposes a remote-administration or database port",
        references: [
            "cis-1.6:5.9", "checkov:CKV_DOCKER_1", "trivy:DS-0004", "kics:5907595b-5b6d-4142-b173-dbb0e73fbff8",
            "cwe:1327",
        ],
        fix: None,
        models: [Build, Image],
    };
}

/// A sensitive port: service, severity, and for databases the words that show the
/// Dockerfile builds that database itself.
pub(crate) struct Port {
    pub(crate) port: u32,
    pub(crate) service: &'static str,
    pub(crate) severity: Severity,
    pub(crate) own_image: &'static [&'static str],
}

const fn admin(port: u32, service: &'static str, severity: Severity) -> Port {
    Port {
        port,
        service,
        severity,
        own_image: &[],
    }
}

const fn db(port: u32, service: &'static str, own_image: &'static [&'static str]) -> Port {
    Port {
        port,
        service,
        severity: Severity::Low,
        own_image,
    }
}

const MYSQL: &[&str] = &["mysql", "mariadb", "percona"];
const POSTGRES: &[&str] = &["postgres", "postgis", "timescale"];
const MONGO: &[&str] = &["mongo"];
const REDIS: &[&str] = &["redis", "valkey", "keydb"];
const ELASTIC: &[&str] = &["elasticsearch", "opensearch"];

pub(crate) const PORTS: &[Port] = &[
    admin(21, "FTP", Severity::Medium),
    admin(22, "SSH", Severity::Medium),
    admin(23, "Telnet", Severity::High),
    admin(2375, "the Docker API without TLS", Severity::High),
    admin(2376, "the Docker API", Severity::Medium),
    admin(3389, "RDP", Severity::Medium),
    admin(5900, "VNC", Severity::Medium),
    admin(5985, "WinRM", Severity::Medium),
    admin(5986, "WinRM", Severity::Medium),
    db(1433, "SQL Server", &["mssql", "sqlservr"]),
    db(1521, "Oracle Database", &["oracle"]),
    db(3306, "MySQL/MariaDB", MYSQL),
    db(5432, "PostgreSQL", POSTGRES),
    db(5984, "CouchDB", &["couchdb"]),
    db(6379, "Redis", REDIS),
    db(9042, "Cassandra", &["cassandra", "scylla"]),
    db(9200, "Elasticsearch", ELASTIC),
    db(9300, "Elasticsearch transport", ELASTIC),
    db(11211, "Memcached", &["memcache"]),
    db(27017, "MongoDB", MONGO),
    db(27018, "MongoDB", MONGO),
];

/// The TCP ports an EXPOSE entry covers (`22`, `22/tcp`, `20-25`); UDP and SCTP entries
/// are left out, as are malformed ones.
fn tcp_range(entry: &str) -> Option<(u32, u32)> {
    let (ports, protocol) = entry.split_once('/').unwrap_or((entry, "tcp"));
    if !protocol.eq_ignore_ascii_case("tcp") {
        return None;
    }
    let (a, b) = ports.split_once('-').unwrap_or((ports, ports));
    if !is_ascii_digits(a) || !is_ascii_digits(b) {
        return None;
    }
    Some((a.parse().ok()?, b.parse().ok()?))
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let mut lower_text: Option<String> = None;
    for stage in runtime_chain(cx.build) {
        for inst in stage_insts(cx, stage) {
            if inst.instruction.keyword != Keyword::Expose {
                continue;
            }
            for word in inst.instruction.args.words() {
                let Some(value) = inst.value(word) else { continue };
                for entry in value.split_whitespace() {
                    let Some((start, end)) = tcp_range(entry) else { continue };
                    let hit = PORTS
                        .iter()
                        .filter(|p| (start..=end).contains(&p.port))
                        .filter(|p| {
                            if p.own_image.is_empty() {
                                return true;
                            }
                            let text = lower_text.get_or_insert_with(|| cx.text.to_ascii_lowercase());
                            !p.own_image.iter().any(|w| text.contains(w))
                        })
                        .max_by_key(|p| p.severity);
                    let Some(port) = hit else { continue };
                    let verb = if start == end { "declares" } else { "covers" };
                    let (message, help) = if port.own_image.is_empty() {
                        (
                            format!("EXPOSE {entry} {verb} port {} ({})", port.port, port.service),
                            "remove the port; use `docker exec` for administration and keep such services out of application images",
                        )
                    } else {
                        (
                            format!(
                                "EXPOSE {entry} {verb} port {} ({}) in an image that does not run that database",
                                port.port, port.service
                            ),
                            "expose only the application's own ports; reach databases over an internal network",
                        )
                    };
                    out.push(
                        cx.finding(&META, word.range, message)
                            .with_severity(port.severity)
                            .with_help(help),
                    );
                }
            }
        }
    }
}
