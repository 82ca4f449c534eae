use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `dnf install` (and the other dnf subcommands that change packages) without
    /// `-y`/`--assumeyes`, unless `assumeyes=1` was written into dnf's configuration.
    /// `microdnf` never prompts and is not reported.
    ///
    /// ## Why is this bad?
    /// dnf asks "Is this ok [y/N]" before changing anything. A build cannot answer: dnf
    /// reads end of input, takes it as "no", and the step fails.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install nginx && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y nginx && dnf clean all
    /// RUN microdnf install nginx && microdnf clean all
    /// ```
    ///
    /// ## Fix
    /// Inserts ` -y` after the subcommand (safe: without it the step can only fail).
    ///
    /// ## References
    /// - `dnf(8)`: `-y`, `--assumeyes`
    pub static META = {
        code: "DW218",
        name: "dnf-missing-yes",
        category: Build,
        severity: Low,
        summary: "dnf would stop at its confirmation prompt",
        references: ["hadolint:DL3038", "kics:7ebd323c-31b7-4e5b-b26f-de5e9e477af8"],
        fix: Sometimes,
        models: [Build],
    };
}

const TOOLS: [&str; 2] = ["dnf", "tdnf"];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    super::rpm_missing_yes::check_missing_yes(cx, out, &META, &TOOLS);
}
