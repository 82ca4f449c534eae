use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `yum install` (and the other yum subcommands that change packages) without
    /// `-y`/`--assumeyes`, unless `assumeyes=1` was written into yum's configuration.
    ///
    /// ## Why is this bad?
    /// yum asks "Is this ok [y/N]" before changing anything. A build cannot answer: yum
    /// reads end of input, takes it as "no", and the step fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN yum install httpd && yum clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## Fix
    /// Inserts ` -y` after the subcommand (safe: without it the step can only fail).
    ///
    /// ## References
    /// - `yum(8)`: `-y`, `--assumeyes`
    pub static META = {
        code: "DW217",
        name: "yum-missing-yes",
        category: Build,
        severity: Low,
        summary: "yum would stop at its confirmation prompt",
        references: ["hadolint:DL3030", "kics:6e19193a-8753-436d-8a09-76dcff91bb03"],
        fix: Sometimes,
        models: [Build],
    };
}

const TOOLS: [&str; 1] = ["yum"];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    super::rpm_missing_yes::check_missing_yes(cx, out, &META, &TOOLS);
}
