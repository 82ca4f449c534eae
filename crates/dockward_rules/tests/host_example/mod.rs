//! The `console` examples of host rules: shell transcripts of what an administrator would
//! type to look at the host, read into a `HostSpec` so that the examples run as tests.
//!
//! Commands understood (a leading `sudo` is ignored), and what their output sets:
//! - `ls -l PATH…` / `ls -ld PATH…`: each line a file with its type, mode, owner and group
//!   (`root` is uid/gid 0, `docker` the docker group's gid, any other name 1000); a path CIS
//!   section 3 judges is a section-3 file, a path CIS 1.1 wants audited is an audit target;
//! - `getent group docker`: the group's line;
//! - `auditctl -l`: the loaded audit rules (`No rules` for none);
//! - `findmnt … --target PATH`: the data root `PATH` and the mount point it is on;
//! - `env | grep DOCKER_CONTENT_TRUST`, `printenv DOCKER_CONTENT_TRUST`: content trust
//!   (no output: not set).
//!
//! Anything else fails the test, so that an example cannot silently show what the
//! harness ignores.

use dockward_core::{FileId, Finding, Provenance, Settings, SourceDb};
use dockward_model::Known;
use dockward_model::Sourced;
use dockward_model::host::{
    AuditItem, AuditRules, AuditSource, AuditTarget, CONTENT_TRUST_VARIABLE, DataRoot, FileKind, FileStat, FileState,
    FileTarget, HostFile, HostSpec, MountState, docker_group, host_at, parse_group,
};

/// The findings of the enabled host rules on the host a transcript shows.
pub fn check(transcript: &str, settings: &Settings) -> Vec<Finding> {
    dockward_driver::check_host(&host_spec(transcript), settings, &SourceDb::new())
}

/// `CODE severity: message` per finding, for failure messages (host findings have no
/// line to show).
pub fn render(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} {}: {}\n", f.rule.code, f.severity, f.message))
        .collect()
}

fn host_spec(transcript: &str) -> HostSpec {
    let mut spec = HostSpec::empty("/");
    let mut audit: Option<String> = None;
    for (command, output) in commands(transcript) {
        let command = command.strip_prefix("sudo ").unwrap_or(&command).to_string();
        let words: Vec<&str> = command.split_whitespace().collect();
        match words.first().copied() {
            Some("ls") => {
                for line in &output {
                    ls_line(line, &mut spec);
                }
            }
            Some("getent") if words.get(1..) == Some(&["group", "docker"][..]) => {
                let text = output.join("\n");
                let groups = parse_group(&text);
                spec.docker_group = match docker_group(&|r| Provenance::text(FileId(0), r), &groups, None) {
                    Some(group) => Known::Set(group),
                    None => Known::Unset,
                };
            }
            Some("auditctl") if words.get(1) == Some(&"-l") => {
                audit
                    .get_or_insert_with(String::new)
                    .push_str(&(output.join("\n") + "\n"));
            }
            Some("findmnt") => {
                let path = words
                    .windows(2)
                    .find(|w| w[0] == "--target" || w[0] == "-T")
                    .map(|w| w[1])
                    .expect("findmnt --target PATH");
                let on = output
                    .first()
                    .map(|l| l.trim().to_string())
                    .expect("findmnt prints the mount point");
                spec.data_root = DataRoot {
                    path: path.to_string(),
                    at: host_at(path, None),
                    mount: if on == path {
                        MountState::Separate
                    } else {
                        MountState::Shared { on }
                    },
                };
            }
            Some("env" | "printenv") if command.contains(CONTENT_TRUST_VARIABLE) => {
                let at = host_at("environment", Some(CONTENT_TRUST_VARIABLE));
                let value = output.iter().find_map(|line| {
                    let line = line.trim();
                    Some(match line.split_once('=') {
                        Some((name, value)) if name == CONTENT_TRUST_VARIABLE => value.to_string(),
                        Some(_) => return None,
                        None => line.to_string(),
                    })
                });
                spec.content_trust = match value {
                    Some(value) => Sourced::set(value, at),
                    None => Sourced::unset(at),
                };
            }
            _ => panic!("a host example runs a command the test harness does not read: `{command}`"),
        }
    }
    if let Some(text) = audit {
        let mut rules = AuditRules::new(AuditSource::Loaded);
        rules.read(FileId(1), &text);
        spec.audit_rules = Known::Set(rules);
    }
    spec
}

/// `$ command` lines and the output lines after each.
fn commands(transcript: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in transcript.lines() {
        if let Some(command) = line.strip_prefix("$ ") {
            out.push((command.trim().to_string(), Vec::new()));
        } else if let Some((_, output)) = out.last_mut() {
            output.push(line.to_string());
        } else {
            panic!("a host example starts with output, not a `$ ` command: {line}");
        }
    }
    out
}

/// One line of `ls -l`: `srw-rw---- 1 root docker 0 Mar  4 09:12 /var/run/docker.sock`.
fn ls_line(line: &str, spec: &mut HostSpec) {
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert!(fields.len() >= 9, "not an `ls -l` line: {line}");
    let (perms, owner, group, path) = (fields[0], fields[2], fields[3], fields[8]);
    let kind = match perms.as_bytes()[0] {
        b'-' => FileKind::File,
        b'd' => FileKind::Folder,
        b's' => FileKind::Socket,
        other => panic!("file type `{}` in {line}", other as char),
    };
    let docker_gid = spec.docker_group.as_set().map_or(998, |g| g.gid);
    let stat = FileStat {
        kind,
        uid: if owner == "root" { 0 } else { 1000 },
        gid: match group {
            "root" => 0,
            "docker" => docker_gid,
            _ => 1000,
        },
        user: Some(owner.to_string()),
        group: Some(group.to_string()),
        mode: mode_of(perms),
    };
    if let Some(target) = file_target(path) {
        spec.files.push(HostFile {
            target,
            path: path.to_string(),
            resolved: None,
            at: host_at(path, None),
            state: FileState::Present(stat.clone()),
        });
    }
    if let Some(item) = audit_item(path) {
        spec.audit_targets.push(AuditTarget {
            item,
            path: path.to_string(),
            resolved: None,
            aliases: vec![path.to_string()],
            at: host_at(path, None),
            state: FileState::Present(stat),
        });
    }
}

/// `rwsr-x--T` → `0o4754`.
fn mode_of(perms: &str) -> u32 {
    let bits: Vec<char> = perms.chars().skip(1).take(9).collect();
    assert_eq!(bits.len(), 9, "permissions `{perms}`");
    let mut mode = 0;
    for (i, c) in bits.iter().enumerate() {
        let bit = 1 << (8 - i);
        match c {
            'r' | 'w' | 'x' => mode |= bit,
            's' | 't' => mode |= bit | special(i),
            'S' | 'T' => mode |= special(i),
            '-' => {}
            _ => panic!("permissions `{perms}`"),
        }
    }
    mode
}

fn special(index: usize) -> u32 {
    match index {
        2 => 0o4000,
        5 => 0o2000,
        _ => 0o1000,
    }
}

fn file_target(path: &str) -> Option<FileTarget> {
    Some(match path {
        "/var/run/docker.sock" | "/run/docker.sock" => FileTarget::DockerSocket,
        "/run/containerd/containerd.sock" => FileTarget::ContainerdSocket,
        "/etc/docker" => FileTarget::EtcDocker,
        "/etc/docker/daemon.json" => FileTarget::DaemonJson,
        "/etc/default/docker" => FileTarget::EtcDefaultDocker,
        "/etc/sysconfig/docker" => FileTarget::EtcSysconfigDocker,
        p if p.ends_with("/docker.service") => FileTarget::DockerService,
        p if p.ends_with("/docker.socket") => FileTarget::DockerSocketUnit,
        p if p.starts_with("/etc/docker/certs.d/") && p.ends_with(".key") => FileTarget::RegistryKey,
        p if p.starts_with("/etc/docker/certs.d/") => FileTarget::RegistryCert,
        p if p.ends_with("ca.pem") => FileTarget::TlsCaCert,
        p if p.ends_with("key.pem") => FileTarget::TlsKey,
        p if p.ends_with("cert.pem") => FileTarget::TlsCert,
        _ => return None,
    })
}

fn audit_item(path: &str) -> Option<AuditItem> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let in_bin = path.starts_with("/usr/bin/") || path.starts_with("/usr/sbin/");
    Some(match (path, name) {
        (_, "dockerd") if in_bin => AuditItem::Dockerd,
        (_, "containerd") if in_bin => AuditItem::Containerd,
        (_, "containerd-shim") if in_bin => AuditItem::ContainerdShim,
        (_, "containerd-shim-runc-v1") if in_bin => AuditItem::ContainerdShimRuncV1,
        (_, "containerd-shim-runc-v2") if in_bin => AuditItem::ContainerdShimRuncV2,
        (_, "runc") if in_bin => AuditItem::Runc,
        ("/run/containerd", _) => AuditItem::RunContainerd,
        ("/var/lib/docker", _) => AuditItem::DataRoot,
        ("/etc/docker", _) => AuditItem::EtcDocker,
        ("/run/containerd/containerd.sock", _) => AuditItem::ContainerdSocket,
        ("/etc/default/docker", _) => AuditItem::EtcDefaultDocker,
        ("/etc/docker/daemon.json", _) => AuditItem::DaemonJson,
        ("/etc/containerd/config.toml", _) => AuditItem::ContainerdConfig,
        ("/etc/sysconfig/docker", _) => AuditItem::EtcSysconfigDocker,
        (_, "docker.service") => AuditItem::DockerService,
        (_, "docker.socket") => AuditItem::DockerSocketUnit,
        _ => return None,
    })
}

#[test]
fn transcripts_read_as_the_host_they_show() {
    let spec = host_spec(
        "$ ls -l /var/run/docker.sock /etc/docker/certs.d/r:5000/client.key\n\
         srwsr-x--T 1 alice docker 0 Mar  4 09:12 /var/run/docker.sock\n\
         -r-------- 1 root root 0 Mar  4 09:12 /etc/docker/certs.d/r:5000/client.key\n\
         $ sudo auditctl -l\n-w /etc/docker -k docker\n\
         $ findmnt --noheadings --output TARGET --target /var/lib/docker\n/\n\
         $ printenv DOCKER_CONTENT_TRUST\n",
    );
    let FileState::Present(stat) = &spec.files[0].state else {
        panic!()
    };
    assert_eq!(
        (stat.mode, stat.uid, stat.gid, stat.kind),
        (0o5750, 1000, 998, FileKind::Socket)
    );
    assert_eq!(spec.files[1].target, FileTarget::RegistryKey);
    assert!(spec.audit_rules.as_set().unwrap().covering("/etc/docker").is_some());
    assert_eq!(spec.data_root.mount, MountState::Shared { on: "/".to_string() });
    assert!(spec.content_trust.value.is_unset());
}
