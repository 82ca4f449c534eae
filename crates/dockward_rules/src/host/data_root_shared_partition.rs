use crate::declare_rule;
use crate::host::HostCx;
use dockward_core::Finding;
use dockward_model::host::MountState;

declare_rule! {
    /// ## What it does
    /// Reports a data root (`/var/lib/docker`, or `data-root` in
    /// `/etc/docker/daemon.json`) that is not a file system of its own. On the host itself
    /// the kernel's mount table says; in a copy of a host read with `--root`, the folder's
    /// device or the host's `/etc/fstab`.
    ///
    /// ## Why is this bad?
    /// Images, containers' writable layers, volumes and container logs all live there, and
    /// any container can grow them. On the root file system, a container that writes
    /// without limit — by accident or on purpose — fills `/` and takes down the host's
    /// logging, package manager and services with it.
    ///
    /// ## Example
    /// ```console
    /// $ findmnt --noheadings --output TARGET --target /var/lib/docker
    /// /
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ findmnt --noheadings --output TARGET --target /var/lib/docker
    /// /var/lib/docker
    /// ```
    /// with a dedicated partition or logical volume mounted there in `/etc/fstab`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 1.1.1: a separate partition for containers has been created
    pub static META = {
        code: "DW907",
        name: "host-data-root-shared-partition",
        category: Host,
        severity: Low,
        summary: "Docker's data root shares a file system with the rest of the host",
        references: ["cis-1.6:1.1.1", "cwe:400"],
        fix: None,
        models: [Host],
    };
}

pub fn check(cx: &HostCx<'_>, out: &mut Vec<Finding>) {
    let root = &cx.spec.data_root;
    let MountState::Shared { on } = &root.mount else {
        return;
    };
    out.push(
        Finding::new(
            &META,
            root.at.clone(),
            format!(
                "Docker's data root `{}` is on the `{on}` file system, not a partition of its own: \
                 containers that fill it fill `{on}` too",
                root.path
            ),
        )
        .with_help(format!(
            "mount a dedicated partition or logical volume at `{}` (CIS Docker Benchmark 1.6.0, 1.1.1)",
            root.path
        )),
    );
}
