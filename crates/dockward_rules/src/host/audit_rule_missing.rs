use crate::declare_rule;
use crate::host::HostCx;
use dockward_core::Finding;
use dockward_model::host::{AuditItem, AuditSource, FileState};

declare_rule! {
    /// ## What it does
    /// Reports each of Docker's files, folders and binaries that is on the host but that
    /// no audit rule watches: dockerd, containerd and its shims, runc, `/etc/docker` and
    /// `daemon.json`, the data root, `/run/containerd` and its socket, the
    /// `docker.service` and `docker.socket` units, `/etc/default/docker`,
    /// `/etc/sysconfig/docker` and `/etc/containerd/config.toml`. One finding per path;
    /// paths that are not there are not reported.
    ///
    /// A rule watches a path when it names exactly that path (or a path that leads to the
    /// same file) in either form auditctl accepts: `-w PATH …`, or a syscall rule
    /// `-a always,exit … -F path=PATH` (`-F dir=PATH` for a folder). A rule on
    /// `/etc/docker` does not count for `/etc/docker/daemon.json`: CIS asks for each. The
    /// rules are the loaded ones (`auditctl -l`, when dockward runs as root on the host
    /// itself) or else those of `/etc/audit/rules.d/*.rules` and `/etc/audit/audit.rules`.
    ///
    /// ## Why is this bad?
    /// Docker's binaries and configuration run as root and decide what every container
    /// may do. Without audit rules, a changed `daemon.json`, a replaced `runc` or a
    /// tampered unit leaves no record of who changed it and when — neither for detecting
    /// the change nor for investigating it afterwards.
    ///
    /// ## Example
    /// ```console
    /// $ ls -l /usr/bin/dockerd
    /// -rwxr-xr-x 1 root root 96453632 Mar  4 09:12 /usr/bin/dockerd
    /// $ sudo auditctl -l
    /// No rules
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ ls -l /usr/bin/dockerd
    /// -rwxr-xr-x 1 root root 96453632 Mar  4 09:12 /usr/bin/dockerd
    /// $ sudo auditctl -l
    /// -w /usr/bin/dockerd -p rwxa -k docker
    /// ```
    /// from a line `-w /usr/bin/dockerd -k docker` in `/etc/audit/rules.d/docker.rules`,
    /// loaded with `augenrules --load`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 1.1.3–1.1.18: auditing is configured for the Docker daemon and for Docker's files and directories
    /// - <https://man7.org/linux/man-pages/man8/auditctl.8.html>
    pub static META = {
        code: "DW906",
        name: "host-audit-rule-missing",
        category: Host,
        severity: Medium,
        summary: "no audit rule watches this Docker file or binary",
        references: [
            "cis-1.6:1.1.3", "cis-1.6:1.1.4", "cis-1.6:1.1.5", "cis-1.6:1.1.6", "cis-1.6:1.1.7",
            "cis-1.6:1.1.8", "cis-1.6:1.1.9", "cis-1.6:1.1.10", "cis-1.6:1.1.11", "cis-1.6:1.1.12",
            "cis-1.6:1.1.13", "cis-1.6:1.1.14", "cis-1.6:1.1.15", "cis-1.6:1.1.16", "cis-1.6:1.1.17",
            "cis-1.6:1.1.18", "cwe:778",
        ],
        fix: None,
        models: [Host],
    };
}

/// What a path is, and the CIS recommendation that asks for its audit rule.
fn describe(item: AuditItem) -> (&'static str, &'static str) {
    match item {
        AuditItem::Dockerd => ("the Docker daemon", "1.1.3"),
        AuditItem::RunContainerd => ("containerd's state folder", "1.1.4"),
        AuditItem::DataRoot => ("Docker's data root", "1.1.5"),
        AuditItem::EtcDocker => ("Docker's configuration folder", "1.1.6"),
        AuditItem::DockerService => ("the docker.service unit", "1.1.7"),
        AuditItem::ContainerdSocket => ("the containerd socket", "1.1.8"),
        AuditItem::DockerSocketUnit => ("the docker.socket unit", "1.1.9"),
        AuditItem::EtcDefaultDocker => ("dockerd's environment file", "1.1.10"),
        AuditItem::DaemonJson => ("the daemon configuration file", "1.1.11"),
        AuditItem::ContainerdConfig => ("containerd's configuration file", "1.1.12"),
        AuditItem::EtcSysconfigDocker => ("dockerd's environment file", "1.1.13"),
        AuditItem::Containerd => ("the containerd daemon", "1.1.14"),
        AuditItem::ContainerdShim => ("the containerd shim", "1.1.15"),
        AuditItem::ContainerdShimRuncV1 => ("containerd's runc shim (v1)", "1.1.16"),
        AuditItem::ContainerdShimRuncV2 => ("containerd's runc shim (v2)", "1.1.17"),
        AuditItem::Runc => ("the container runtime", "1.1.18"),
    }
}

pub fn check(cx: &HostCx<'_>, out: &mut Vec<Finding>) {
    // Rules that could not be read say nothing about what is missing.
    let Some(rules) = cx.spec.audit_rules.as_set() else {
        return;
    };
    let source = match rules.source {
        AuditSource::Loaded => "the loaded rules, `auditctl -l`",
        AuditSource::Files => "/etc/audit/rules.d/*.rules and /etc/audit/audit.rules",
    };
    for target in &cx.spec.audit_targets {
        if !matches!(target.state, FileState::Present(_)) {
            continue;
        }
        if target.aliases.iter().any(|alias| rules.covering(alias).is_some()) {
            continue;
        }
        let (what, cis) = describe(target.item);
        let (named, watch) = match &target.resolved {
            Some(resolved) => (format!("`{}` (a link to `{resolved}`)", target.path), resolved),
            None => (format!("`{}`", target.path), &target.path),
        };
        out.push(
            Finding::new(
                &META,
                target.at.clone(),
                format!("no audit rule watches {what} {named}: changes to it leave no record"),
            )
            .with_help(format!(
                "add `-w {watch} -k docker` to /etc/audit/rules.d/docker.rules and load it with `augenrules --load` \
                 (CIS Docker Benchmark 1.6.0, {cis}; rules read: {source})"
            )),
        );
    }
}
