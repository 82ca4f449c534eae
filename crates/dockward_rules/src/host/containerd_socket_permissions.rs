use crate::declare_rule;
use crate::host::{Expected, Group, HostCx, check_files};
use dockward_core::Finding;
use dockward_model::host::FileTarget;

declare_rule! {
    /// ## What it does
    /// Reports a containerd socket (`/run/containerd/containerd.sock`) that is not owned
    /// by `root:root` or whose mode gives more than `0660`, judged bit by bit.
    ///
    /// ## Why is this bad?
    /// dockerd runs its containers through containerd, and containerd's API is as powerful
    /// as Docker's: a client of the socket can start a container with the host's root
    /// filesystem mounted, or read and change every running container. Unlike the Docker
    /// socket, no group is meant to use it: only root.
    ///
    /// ## Example
    /// ```console
    /// $ ls -l /run/containerd/containerd.sock
    /// srw-rw-rw- 1 root root 0 Mar  4 09:12 /run/containerd/containerd.sock
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ ls -l /run/containerd/containerd.sock
    /// srw-rw---- 1 root root 0 Mar  4 09:12 /run/containerd/containerd.sock
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 3.23: the containerd socket file ownership is set to root:root
    /// - CIS Docker Benchmark v1.6.0, 3.24: the containerd socket file permissions are set to 660 or more restrictive
    pub static META = {
        code: "DW902",
        name: "host-containerd-socket-permissions",
        category: Host,
        severity: High,
        summary: "the containerd socket is open to more than root",
        references: ["cis-1.6:3.23", "cis-1.6:3.24", "cwe:732"],
        fix: None,
        models: [Host],
    };
}

static EXPECTED: &[Expected] = &[Expected {
    target: FileTarget::ContainerdSocket,
    group: Group::Root,
    max_mode: 0o660,
    cis_owner: "3.23",
    cis_mode: "3.24",
    owner_risk: "that account controls containerd, and with it every container on this host",
    mode_risk: "the extra permissions let more local users drive containerd, which is root on this host",
    readable_severity: None,
}];

pub fn check(cx: &HostCx<'_>, out: &mut Vec<Finding>) {
    check_files(cx, &META, EXPECTED, out);
}
