use super::command_util::RPM;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `yum install` (or another yum command that downloads packages) in a stage
    /// that ends up in the image when the same RUN does not run `yum clean all` (or remove
    /// `/var/cache/yum`) afterwards.
    ///
    /// In a built image (`dockward image`): files left in `/var/cache/yum`.
    ///
    /// ## Why is this bad?
    /// yum keeps repository metadata and downloaded packages under `/var/cache/yum`.
    /// Unless the same RUN cleans them they are frozen into the layer: tens or hundreds of
    /// megabytes of dead weight, stale from the day of the build. Builder stages whose files
    /// are copied out are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN yum install -y httpd
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN yum install -y httpd && yum clean all
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#run>
    pub static META = {
        code: "DW220",
        name: "yum-cache-not-cleaned",
        category: Build,
        severity: Low,
        summary: "yum leaves its package cache in the image",
        references: ["hadolint:DL3032", "trivy:DS-0015", "kics:00481784-25aa-4a55-8633-3136dfcf4f37"],
        fix: None,
        models: [Build, Image],
    };
}

const TOOLS: [&str; 1] = ["yum"];
const SPEC: &super::command_util::Spec = &RPM;
const INSTALLS: [&str; 11] = [
    "install",
    "groupinstall",
    "localinstall",
    "reinstall",
    "update",
    "upgrade",
    "downgrade",
    "distro-sync",
    "group",
    "groups",
    "module",
];
/// On RHEL 8 and later `yum` is `dnf`: either one's `clean all` empties the same cache.
const CLEANERS: [&str; 3] = ["yum", "dnf", "microdnf"];
const NEEDS_ALL: bool = true;
const CACHES: [&str; 2] = ["/var/cache/yum", "/var/cache/dnf"];
const HELP: &str = "end the same RUN with `yum clean all`";

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
