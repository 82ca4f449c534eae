use super::command_util::rpm_pin_findings;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `dnf install` and `microdnf install` of packages named without a version
    /// (`nginx` rather than `nginx-1.24.0`; `dnf in` too), and `dnf module install` of modules
    /// named without a stream (`nodejs` rather than `nodejs:20`). Groups (`@core`), `.rpm`
    /// files and packages from variables with no known value are not reported. Opt-in.
    ///
    /// ## Why is this bad?
    /// Without a version the build installs whatever the repository serves that day, so
    /// rebuilds are not reproducible and an unexpected update reaches the image. The rule
    /// is off unless selected because pins need updating when repositories drop old
    /// builds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y nginx && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y nginx-1.26.1 && dnf clean all
    /// ```
    ///
    /// ## References
    /// - `dnf(8)`: package specifications `name-version`, `name-version-release`
    pub static META = {
        code: "DW212",
        name: "dnf-package-unpinned",
        category: Build,
        severity: Low,
        summary: "dnf packages are installed without a pinned version",
        references: ["hadolint:DL3041", "kics:93d88cf7-f078-46a8-8ddc-178e03aeacf1"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    rpm_pin_findings(cx, &META, &["dnf", "microdnf"], out);
}
