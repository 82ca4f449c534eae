use super::command_util::ZYPPER;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `zypper install` (or another zypper command that downloads packages) in a
    /// stage that ends up in the image when the same RUN does not run `zypper clean` (or
    /// remove `/var/cache/zypp`) afterwards.
    ///
    /// In a built image (`dockward image`): files left in `/var/cache/zypp`.
    ///
    /// ## Why is this bad?
    /// zypper keeps repository metadata and downloaded packages under `/var/cache/zypp`.
    /// Unless the same RUN cleans them they are frozen into the layer as dead weight.
    /// Builder stages whose files are copied out are not reported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y git
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM opensuse/leap:15.6
    /// RUN zypper install -y git && zypper clean --all
    /// ```
    ///
    /// ## References
    /// - `zypper(8)`: `clean`
    pub static META = {
        code: "DW222",
        name: "zypper-cache-not-cleaned",
        category: Build,
        severity: Low,
        summary: "zypper leaves its package cache in the image",
        references: ["hadolint:DL3036", "trivy:DS-0020", "kics:38300d1a-feb2-4a48-936a-d1ef1cd24313"],
        fix: None,
        models: [Build, Image],
    };
}

const TOOLS: [&str; 1] = ["zypper"];
const SPEC: &super::command_util::Spec = &ZYPPER;
const INSTALLS: [&str; 11] = [
    "install",
    "in",
    "update",
    "up",
    "patch",
    "dist-upgrade",
    "dup",
    "source-install",
    "si",
    "install-new-recommends",
    "inr",
];
const CLEANERS: [&str; 1] = ["zypper"];
const NEEDS_ALL: bool = false;
const CACHES: [&str; 1] = ["/var/cache/zypp"];
const HELP: &str = "end the same RUN with `zypper clean --all`";

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
