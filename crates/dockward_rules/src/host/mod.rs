//! Rules that read the host dockerd runs on (`HostSpec`): owners and modes of Docker's
//! files and sockets (CIS section 3), the `docker` group, audit rules, the data root's
//! partition and content trust (CIS 1.1, 4.5).
//!
//! A file that is not there draws no finding (the check does not apply), and neither does
//! one that could not be looked at: `dockward host` lists those separately, so a missing
//! permission never reads as a pass or as a problem.

mod audit_rule_missing;
mod config_file_permissions;
mod containerd_socket_permissions;
mod content_trust_disabled;
mod data_root_shared_partition;
mod docker_group_members;
mod docker_socket_permissions;
mod tls_file_permissions;

use dockward_core::{Finding, RuleMeta, Settings, Severity};
use dockward_model::host::{FileStat, FileState, FileTarget, HostFile, HostSpec, describe_mode_bits, excess_mode};

/// What a host rule sees: the host's facts and the run's settings.
pub struct HostCx<'a> {
    pub spec: &'a HostSpec,
    pub settings: &'a Settings,
}

/// A rule that reads the host: its metadata and its detector.
pub struct HostRule {
    pub meta: &'static RuleMeta,
    pub check: fn(&HostCx<'_>, &mut Vec<Finding>),
}

macro_rules! host_rules {
    ($($module:ident),* $(,)?) => {
        static RULES: &[HostRule] = &[
            $(HostRule { meta: &$module::META, check: $module::check },)*
        ];
    };
}

host_rules![
    docker_socket_permissions,
    containerd_socket_permissions,
    config_file_permissions,
    tls_file_permissions,
    docker_group_members,
    audit_rule_missing,
    data_root_shared_partition,
    content_trust_disabled,
];

/// Every host rule, in code order.
pub fn rules() -> impl Iterator<Item = &'static HostRule> {
    RULES.iter()
}

/// Runs the enabled host rules (before per-path configuration and severity overrides,
/// which the driver applies).
pub fn check_host(spec: &HostSpec, settings: &Settings, out: &mut Vec<Finding>) {
    let cx = HostCx { spec, settings };
    for rule in rules() {
        if settings.is_enabled(rule.meta) {
            (rule.check)(&cx, out);
        }
    }
}

/// The group CIS wants a file to belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Group {
    Root,
    /// `docker` (or root, which is stricter): the Docker socket.
    DockerOrRoot,
}

/// What CIS section 3 expects of one kind of file: owner, group, most permissive mode,
/// and the recommendation numbers of the owner and the mode checks.
pub(crate) struct Expected {
    pub target: FileTarget,
    pub group: Group,
    pub max_mode: u32,
    pub cis_owner: &'static str,
    pub cis_mode: &'static str,
    /// Who else could then change or read the file, for the message of an owner finding.
    pub owner_risk: &'static str,
    /// What the extra permissions let others do, for the message of a mode finding.
    pub mode_risk: &'static str,
    /// The severity of a mode finding when the group or others may read the file (a
    /// private key), if higher than the rule's.
    pub readable_severity: Option<Severity>,
}

/// The owner and mode findings of `meta` for every file of the host that `expected`
/// covers and that is there.
pub(crate) fn check_files(cx: &HostCx<'_>, meta: &'static RuleMeta, expected: &[Expected], out: &mut Vec<Finding>) {
    let docker_gid = cx.spec.docker_group.as_set().map(|g| g.gid);
    for file in &cx.spec.files {
        let Some(want) = expected.iter().find(|e| e.target == file.target) else {
            continue;
        };
        let FileState::Present(stat) = &file.state else {
            continue;
        };
        if let Some(finding) = owner_finding(meta, file, stat, want, docker_gid) {
            out.push(finding);
        }
        if let Some(finding) = mode_finding(meta, file, stat, want) {
            out.push(finding);
        }
    }
}

/// `/var/run/docker.sock`, or `/var/run/docker.sock (a link to /run/docker.sock)`: text
/// formats show only the path, so the message says where a link leads.
pub(crate) fn named(file: &HostFile) -> String {
    match &file.resolved {
        Some(resolved) => format!("`{}` (a link to `{resolved}`)", file.path),
        None => format!("`{}`", file.path),
    }
}

fn owner_finding(
    meta: &'static RuleMeta,
    file: &HostFile,
    stat: &FileStat,
    want: &Expected,
    docker_gid: Option<u32>,
) -> Option<Finding> {
    let group_ok = match want.group {
        Group::Root => stat.gid == 0,
        // With no readable `docker` group, only a group other than root can be judged
        // wrong when it is not named docker either.
        Group::DockerOrRoot => stat.gid == 0 || Some(stat.gid) == docker_gid || stat.group.as_deref() == Some("docker"),
    };
    if stat.uid == 0 && group_ok {
        return None;
    }
    let owner = match want.group {
        Group::Root => "root:root",
        Group::DockerOrRoot => "root:docker",
    };
    Some(
        Finding::new(
            meta,
            file.at.clone(),
            format!(
                "{} {} is owned by {}, not {owner}: {}",
                capitalized(file.target.describe()),
                named(file),
                stat.owner_text(),
                want.owner_risk
            ),
        )
        .with_help(format!(
            "`chown {owner} {}` (CIS Docker Benchmark 1.6.0, {})",
            file.resolved.as_deref().unwrap_or(&file.path),
            want.cis_owner
        )),
    )
}

fn mode_finding(meta: &'static RuleMeta, file: &HostFile, stat: &FileStat, want: &Expected) -> Option<Finding> {
    let excess = excess_mode(stat.mode, want.max_mode);
    if excess == 0 {
        return None;
    }
    let finding = Finding::new(
        meta,
        file.at.clone(),
        format!(
            "{} {} has mode {:04o}, more than {:04o} allows ({}): {}",
            capitalized(file.target.describe()),
            named(file),
            stat.mode,
            want.max_mode,
            describe_mode_bits(excess),
            want.mode_risk
        ),
    )
    .with_help(format!(
        "`chmod {:04o} {}` (CIS Docker Benchmark 1.6.0, {})",
        stat.mode & want.max_mode,
        file.resolved.as_deref().unwrap_or(&file.path),
        want.cis_mode
    ));
    Some(match want.readable_severity {
        Some(severity) if excess & 0o044 != 0 => finding.with_severity(severity),
        _ => finding,
    })
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
