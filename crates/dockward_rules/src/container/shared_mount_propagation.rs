use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports mounts with `shared` or `rshared` propagation (`-v /x:/y:rshared`,
    /// `--mount …,bind-propagation=shared`, Compose `bind.propagation`).
    ///
    /// ## Why is this bad?
    /// With shared propagation, mounts the container makes under that path appear on the
    /// host (and the other way round). A container that can mount (`SYS_ADMIN`,
    /// privileged) can then change what host processes see, for example by mounting over a
    /// directory the host trusts.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d -v /mnt/data:/data:rshared acme/storage-driver:1.0
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d -v /mnt/data:/data:rslave acme/storage-driver:1.0
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.20: ensure mount propagation mode is not set to shared
    /// - <https://docs.docker.com/engine/storage/bind-mounts/#configure-bind-propagation>
    pub static META = {
        code: "DW311",
        name: "mount-propagation-shared",
        category: Runtime,
        severity: Medium,
        summary: "a mount propagates mounts back to the host",
        references: ["cis-1.6:5.20", "cwe:668"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    for mount in &cx.spec.mounts {
        let Some(m) = mount.get() else { continue };
        let Some(p) = m.propagation.as_deref() else { continue };
        if p.eq_ignore_ascii_case("shared") || p.eq_ignore_ascii_case("rshared") {
            out.push(cx.finding(
                &META,
                &mount.at,
                format!(
                    "{} mounts `{}` with {p} propagation: mounts made in the container reach the host",
                    cx.subject(),
                    m.target
                ),
            ));
        }
    }
}
