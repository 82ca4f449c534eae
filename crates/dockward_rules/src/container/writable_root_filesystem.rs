use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;
use dockward_model::Known;
use dockward_model::container::Setting;

declare_rule! {
    /// ## What it does
    /// Reports a container whose root file system is writable: it does not set
    /// `--read-only` (Compose `read_only: true`).
    ///
    /// ## Why is this bad?
    /// A writable root file system lets an attacker who got code execution persist tools,
    /// replace binaries the application later runs, or tamper with configuration. A
    /// read-only root with explicit `tmpfs` or volume mounts for the few paths the
    /// application writes to makes the container immutable and its writes visible.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --read-only --tmpfs /tmp acme/api:2.3
    /// ```
    ///
    /// ## Fix
    /// Adds `--read-only` before the image. This is an unsafe fix: an application that
    /// writes outside its mounts fails until those paths get a `--tmpfs` or a volume.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.13: ensure that the container's root filesystem is mounted as read only
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#read-only>
    pub static META = {
        code: "DW307",
        name: "root-filesystem-writable",
        category: Runtime,
        severity: Low,
        summary: "the container's root file system is writable",
        references: ["cis-1.6:5.13", "cwe:732"],
        fix: Sometimes,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let read_only = &cx.spec.read_only;
    match read_only.value {
        Known::Set(true) | Known::Unknown => {}
        Known::Set(false) => out.push(cx.finding(
            &META,
            &read_only.at,
            format!("{} makes the root file system explicitly writable", cx.subject()),
        )),
        Known::Unset => {
            let mut finding = cx
                .finding(
                    &META,
                    &cx.spec.origin,
                    format!("{} does not make the root file system read-only", cx.subject()),
                )
                .with_help(format!(
                    "add {} and mount tmpfs or volumes where the application writes",
                    cx.spell("`--read-only`", "`read_only: true`")
                ));
            if let Some(fix) = cx.fix(&Setting::ReadOnlyRootfs, "make the root file system read-only", false) {
                finding = finding.with_fix(fix);
            }
            out.push(finding);
        }
    }
}
