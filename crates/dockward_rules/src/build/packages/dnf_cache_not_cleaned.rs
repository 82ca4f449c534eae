use super::command_util::RPM;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `dnf install` or `microdnf install` (or another command that downloads
    /// packages) in a stage that ends up in the image when the same RUN does not run
    /// `dnf clean all` / `microdnf clean all` (or remove `/var/cache/dnf`) afterwards.
    ///
    /// In a built image (`dockward image`): files left in `/var/cache/dnf`.
    ///
    /// ## Why is this bad?
    /// dnf keeps repository metadata (and, with `keepcache`, packages) under
    /// `/var/cache/dnf`. Unless the same RUN cleans it, it is frozen into the layer: dead
    /// weight, stale from the day of the build. Builder stages whose files are copied out
    /// are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y nginx
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM fedora:40
    /// RUN dnf install -y nginx && dnf clean all
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#run>
    pub static META = {
        code: "DW221",
        name: "dnf-cache-not-cleaned",
        category: Build,
        severity: Low,
        summary: "dnf leaves its package cache in the image",
        references: ["hadolint:DL3040", "trivy:DS-0019", "kics:295acb63-9246-4b21-b441-7c1f1fb62dc0", "trivy:DS-0027"],
        fix: None,
        models: [Build, Image],
    };
}

const TOOLS: [&str; 3] = ["dnf", "microdnf", "tdnf"];
const SPEC: &super::command_util::Spec = &RPM;
const INSTALLS: [&str; 10] = [
    "install",
    "in",
    "reinstall",
    "update",
    "upgrade",
    "downgrade",
    "distro-sync",
    "group",
    "groups",
    "module",
];
const CLEANERS: [&str; 4] = ["dnf", "microdnf", "tdnf", "yum"];
const NEEDS_ALL: bool = true;
const CACHES: [&str; 3] = ["/var/cache/dnf", "/var/cache/yum", "/var/cache/tdnf"];
const HELP: &str = "end the same RUN with `dnf clean all`";

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    super::rpm_cache::check_cache_not_cleaned(
        cx,
        out,
        &super::rpm_cache::CacheRule {
            meta: &META,
            tools: &TOOLS,
            spec: SPEC,
            installs: &INSTALLS,
            cleaners: &CLEANERS,
            needs_all: NEEDS_ALL,
            caches: &CACHES,
            help: HELP,
        },
    );
}
