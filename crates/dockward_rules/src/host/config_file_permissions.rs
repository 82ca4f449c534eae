use crate::declare_rule;
use crate::host::{Expected, Group, HostCx, check_files};
use dockward_core::Finding;
use dockward_model::host::FileTarget;

declare_rule! {
    /// ## What it does
    /// Reports the files that decide how dockerd starts when they are not owned by
    /// `root:root` or are more permissive than CIS allows, judged bit by bit:
    ///
    /// | file | most permissive mode |
    /// |---|---|
    /// | `docker.service` and `docker.socket` units (in `/etc/systemd/system`, `/usr/lib/systemd/system`, `/lib/systemd/system`) | `0644` |
    /// | `/etc/docker` | `0755` |
    /// | `/etc/docker/daemon.json` | `0644` |
    /// | `/etc/default/docker`, `/etc/sysconfig/docker` | `0644` |
    ///
    /// ## Why is this bad?
    /// These files are dockerd's command line and configuration. Whoever can change them
    /// decides, at the next restart, whether the daemon listens on tcp without TLS, which
    /// registries it trusts without TLS, or which authorization plugin it skips — and so
    /// holds root on the host. A file owned by another account can be changed by it.
    ///
    /// ## Example
    /// ```console
    /// $ ls -ld /etc/docker /etc/docker/daemon.json
    /// drwxrwxr-x 2 root root 4096 Mar  4 09:12 /etc/docker
    /// -rw-rw-rw- 1 root root  412 Mar  4 09:12 /etc/docker/daemon.json
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ ls -ld /etc/docker /etc/docker/daemon.json
    /// drwxr-xr-x 2 root root 4096 Mar  4 09:12 /etc/docker
    /// -rw-r--r-- 1 root root  412 Mar  4 09:12 /etc/docker/daemon.json
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 3.1–3.4: `docker.service` and `docker.socket` owned by root:root, 644 or more restrictive
    /// - CIS Docker Benchmark v1.6.0, 3.5, 3.6: `/etc/docker` owned by root:root, 755 or more restrictive
    /// - CIS Docker Benchmark v1.6.0, 3.17, 3.18: `daemon.json` owned by root:root, 644 or more restrictive
    /// - CIS Docker Benchmark v1.6.0, 3.19–3.22: `/etc/default/docker` and `/etc/sysconfig/docker` owned by root:root, 644 or more restrictive
    pub static META = {
        code: "DW903",
        name: "host-config-file-permissions",
        category: Host,
        severity: Medium,
        summary: "a file that decides how dockerd starts can be changed by more than root",
        references: [
            "cis-1.6:3.1", "cis-1.6:3.2", "cis-1.6:3.3", "cis-1.6:3.4", "cis-1.6:3.5", "cis-1.6:3.6",
            "cis-1.6:3.17", "cis-1.6:3.18", "cis-1.6:3.19", "cis-1.6:3.20", "cis-1.6:3.21", "cis-1.6:3.22",
            "cwe:732",
        ],
        fix: None,
        models: [Host],
    };
}

const OWNER_RISK: &str = "that account can change how dockerd starts, and so become root on this host";
const MODE_RISK: &str =
    "the extra permissions let accounts other than root change how dockerd starts, and so become root on this host";

/// CIS numbers the owner and mode checks of `/etc/sysconfig/docker` the other way round
/// (3.21 is its mode, 3.22 its owner).
static EXPECTED: &[Expected] = &[
    expected(FileTarget::DockerService, 0o644, "3.1", "3.2"),
    expected(FileTarget::DockerSocketUnit, 0o644, "3.3", "3.4"),
    expected(FileTarget::EtcDocker, 0o755, "3.5", "3.6"),
    expected(FileTarget::DaemonJson, 0o644, "3.17", "3.18"),
    expected(FileTarget::EtcDefaultDocker, 0o644, "3.19", "3.20"),
    expected(FileTarget::EtcSysconfigDocker, 0o644, "3.22", "3.21"),
];

const fn expected(target: FileTarget, max_mode: u32, cis_owner: &'static str, cis_mode: &'static str) -> Expected {
    Expected {
        target,
        group: Group::Root,
        max_mode,
        cis_owner,
        cis_mode,
        owner_risk: OWNER_RISK,
        mode_risk: MODE_RISK,
        readable_severity: None,
    }
}

pub fn check(cx: &HostCx<'_>, out: &mut Vec<Finding>) {
    check_files(cx, &META, EXPECTED, out);
}
