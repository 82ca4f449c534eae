use crate::declare_rule;
use crate::host::{Expected, Group, HostCx, check_files};
use dockward_core::Finding;
use dockward_model::host::FileTarget;

declare_rule! {
    /// ## What it does
    /// Reports a Docker socket (`/var/run/docker.sock`) that is not owned by root, whose
    /// group is neither `docker` nor root, or whose mode gives more than `0660` (read and
    /// write for the owner and the group). The mode is judged bit by bit: `0606` is
    /// smaller than `0660` as a number, yet lets every user in.
    ///
    /// ## Why is this bad?
    /// Whoever can write to the socket controls the daemon, and the daemon runs containers
    /// as root with any host folder mounted: access to the socket is root on the host. A
    /// world-writable socket (`0666`, a common "fix" for "permission denied") gives that to
    /// every local account and every compromised service on the machine; a socket owned by
    /// another user or group gives it to them.
    ///
    /// ## Example
    /// ```console
    /// $ ls -l /var/run/docker.sock
    /// srw-rw-rw- 1 root docker 0 Mar  4 09:12 /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ ls -l /var/run/docker.sock
    /// srw-rw---- 1 root docker 0 Mar  4 09:12 /var/run/docker.sock
    /// ```
    /// dockerd creates the socket `root:docker 0660` itself (or systemd does, from
    /// `docker.socket`): a wider mode was set by hand or by a unit's `SocketMode=`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 3.15: the Docker socket file ownership is set to root:docker
    /// - CIS Docker Benchmark v1.6.0, 3.16: the Docker socket file permissions are set to 660 or more restrictive
    /// - <https://docs.docker.com/engine/install/linux-postinstall/>
    pub static META = {
        code: "DW901",
        name: "host-docker-socket-permissions",
        category: Host,
        severity: High,
        summary: "the Docker socket is open to more than root and the docker group",
        references: ["cis-1.6:3.15", "cis-1.6:3.16", "cwe:732"],
        fix: None,
        models: [Host],
    };
}

static EXPECTED: &[Expected] = &[Expected {
    target: FileTarget::DockerSocket,
    group: Group::DockerOrRoot,
    max_mode: 0o660,
    cis_owner: "3.15",
    cis_mode: "3.16",
    owner_risk: "that account controls the Docker daemon, which is root on this host",
    mode_risk: "the extra permissions let more local users use the Docker API, which is root on this host",
    readable_severity: None,
}];

pub fn check(cx: &HostCx<'_>, out: &mut Vec<Finding>) {
    check_files(cx, &META, EXPECTED, out);
}
