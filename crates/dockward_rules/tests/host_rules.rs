//! Host rules on hand-built `HostSpec`s: the edges their documentation examples do not
//! show (what is stricter than CIS, what could not be read, what is not there).

use dockward_core::{FileId, Finding, Provenance, Settings, SourceDb};
use dockward_model::Known;
use dockward_model::Sourced;
use dockward_model::host::{
    AuditItem, AuditRules, AuditSource, AuditTarget, DockerGroup, FileKind, FileStat, FileState, FileTarget, HostFile,
    HostSpec, host_at,
};

fn stat(uid: u32, gid: u32, mode: u32) -> FileState {
    FileState::Present(FileStat {
        kind: FileKind::File,
        uid,
        gid,
        user: None,
        group: None,
        mode,
    })
}

fn file(target: FileTarget, path: &str, state: FileState) -> HostFile {
    HostFile {
        target,
        path: path.to_string(),
        resolved: None,
        at: host_at(path, None),
        state,
    }
}

fn run(code: &str, spec: &HostSpec) -> Vec<Finding> {
    let mut settings = Settings::default();
    settings
        .apply_command_line(&[code.to_string()], &[], dockward_rules::all_rules())
        .unwrap();
    dockward_driver::check_host(spec, &settings, &SourceDb::new())
}

/// `severity path` per finding.
fn short(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            let path = match &f.at {
                Provenance::Host { path, .. } => path.clone(),
                other => format!("{other:?}"),
            };
            format!("{} {path}", f.severity)
        })
        .collect()
}

fn with_docker_group(spec: &mut HostSpec, gid: u32) {
    spec.docker_group = Known::Set(DockerGroup {
        gid,
        at: Provenance::text(FileId(0), Default::default()),
        members: Vec::new(),
    });
}

#[test]
fn the_docker_socket_may_belong_to_root_or_docker_only() {
    let mut spec = HostSpec::empty("/");
    with_docker_group(&mut spec, 998);
    spec.files = vec![
        // Stricter than CIS: group root.
        file(FileTarget::DockerSocket, "/a", stat(0, 0, 0o600)),
        file(FileTarget::DockerSocket, "/b", stat(0, 998, 0o660)),
        // Another group, another owner.
        file(FileTarget::DockerSocket, "/c", stat(0, 50, 0o660)),
        file(FileTarget::DockerSocket, "/d", stat(1000, 998, 0o660)),
        // Judged as a bitmask: 0606 is below 0660 as a number.
        file(FileTarget::DockerSocket, "/e", stat(0, 998, 0o606)),
        // Not there, or not visible: no finding either way.
        file(FileTarget::DockerSocket, "/f", FileState::Absent),
        file(
            FileTarget::DockerSocket,
            "/g",
            FileState::Unreadable("permission denied".into()),
        ),
    ];
    assert_eq!(short(&run("DW901", &spec)), ["high /c", "high /d", "high /e"]);
}

#[test]
fn keys_readable_by_others_are_high_and_other_excess_is_medium() {
    let mut spec = HostSpec::empty("/");
    spec.files = vec![
        file(FileTarget::TlsKey, "/k1", stat(0, 0, 0o400)),
        // Owner write is more than 0400 allows, but exposes nothing.
        file(FileTarget::TlsKey, "/k2", stat(0, 0, 0o600)),
        file(FileTarget::TlsKey, "/k3", stat(0, 0, 0o640)),
        file(FileTarget::RegistryKey, "/k4", stat(0, 0, 0o444)),
        file(FileTarget::TlsCaCert, "/c1", stat(0, 0, 0o444)),
        file(FileTarget::TlsCaCert, "/c2", stat(0, 0, 0o644)),
        file(FileTarget::RegistryCert, "/c3", stat(0, 0, 0o400)),
    ];
    assert_eq!(
        short(&run("DW904", &spec)),
        ["medium /c2", "medium /k2", "high /k3", "high /k4"]
    );
}

#[test]
fn config_files_are_judged_against_their_own_limits() {
    let mut spec = HostSpec::empty("/");
    spec.files = vec![
        file(FileTarget::EtcDocker, "/etc/docker", stat(0, 0, 0o755)),
        file(FileTarget::DaemonJson, "/etc/docker/daemon.json", stat(0, 0, 0o755)),
        file(FileTarget::DockerService, "/u/docker.service", stat(0, 0, 0o4644)),
        file(
            FileTarget::EtcSysconfigDocker,
            "/etc/sysconfig/docker",
            stat(0, 4, 0o640),
        ),
    ];
    let findings = run("DW903", &spec);
    assert_eq!(
        short(&findings),
        [
            "medium /etc/docker/daemon.json",
            "medium /etc/sysconfig/docker",
            "medium /u/docker.service"
        ]
    );
    // CIS numbers /etc/sysconfig/docker's owner check 3.22 (its mode check is 3.21).
    assert!(
        findings[1].help.as_deref().unwrap().contains("3.22"),
        "{:?}",
        findings[1].help
    );
    assert!(findings[2].message.contains("setuid"), "{}", findings[2].message);
}

#[test]
fn audit_findings_need_rules_that_were_read_and_files_that_are_there() {
    let target = |item, path: &str, aliases: &[&str], state| AuditTarget {
        item,
        path: path.to_string(),
        resolved: None,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        at: host_at(path, None),
        state,
    };
    let mut spec = HostSpec::empty("/");
    spec.audit_targets = vec![
        target(
            AuditItem::Dockerd,
            "/usr/sbin/dockerd",
            &["/usr/sbin/dockerd"],
            stat(0, 0, 0o755),
        ),
        target(
            AuditItem::DockerService,
            "/usr/lib/systemd/system/docker.service",
            &[
                "/usr/lib/systemd/system/docker.service",
                "/lib/systemd/system/docker.service",
            ],
            stat(0, 0, 0o644),
        ),
        target(AuditItem::Runc, "/usr/bin/runc", &["/usr/bin/runc"], FileState::Absent),
        target(AuditItem::EtcDocker, "/etc/docker", &["/etc/docker"], stat(0, 0, 0o755)),
    ];
    // Rules that could not be read: nothing is said.
    assert!(run("DW906", &spec).is_empty());
    let mut rules = AuditRules::new(AuditSource::Files);
    rules.read(
        FileId(0),
        "-w /lib/systemd/system/docker.service -k docker\n-w /etc/docker/daemon.json\n-w /usr/bin/dockerd\n",
    );
    spec.audit_rules = Known::Set(rules);
    // The unit is watched by its other name; a watch on daemon.json is not one on
    // /etc/docker, nor /usr/bin/dockerd on /usr/sbin/dockerd; runc is not there.
    assert_eq!(
        short(&run("DW906", &spec)),
        ["medium /etc/docker", "medium /usr/sbin/dockerd"]
    );
}

#[test]
fn content_trust_is_read_as_the_docker_cli_reads_it() {
    let mut spec = HostSpec::empty("/");
    let at = host_at("environment", Some("DOCKER_CONTENT_TRUST"));
    for (value, fires) in [("1", false), ("yes", false), ("", true), ("false", true), ("0", true)] {
        spec.content_trust = Sourced::set(value.to_string(), at.clone());
        assert_eq!(!run("DW908", &spec).is_empty(), fires, "{value:?}");
    }
    spec.content_trust = Sourced::unknown(at);
    assert!(run("DW908", &spec).is_empty(), "unknown says nothing");
}
