use super::command_util::rpm_pin_findings;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `yum install` of packages named without a version (`httpd` rather than
    /// `httpd-2.4.57`), and `yum module install` of modules without a stream (`nodejs`
    /// rather than `nodejs:20`). Groups (`@core`), local or remote `.rpm` files and packages
    /// from variables with no known value are not reported. Opt-in.
    ///
    /// ## Why is this bad?
    /// Without a version the build installs whatever the repository serves that day, so
    /// rebuilds are not reproducible and an unexpected update reaches the image. The rule
    /// is off unless selected because pins need updating when repositories drop old
    /// builds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN yum install -y httpd-2.4.57 && yum clean all
    /// ```
    ///
    /// ## References
    /// - `yum(8)`: package specifications `name-version`, `name-version-release`
    pub static META = {
        code: "DW211",
        name: "yum-package-unpinned",
        category: Build,
        severity: Low,
        summary: "yum packages are installed without a pinned version",
        references: ["hadolint:DL3033", "kics:6452c424-1d92-4deb-bb18-a03e95d579c4"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    rpm_pin_findings(cx, &META, &["yum"], out);
}
