//! dockward's rules: one file per rule, grouped by the model it reads, and the registry.
//!
//! Rules read models (`BuildSpec`, `ContainerSpec`, `Topology`), never raw syntax or files,
//! and report against the provenance of the fields they read. Reading, parsing and lowering
//! inputs is `dockward_inputs`' job; running the rules with configuration, suppressions and
//! fixes is `dockward_driver`'s.

pub mod build;
pub mod container;
mod context;
pub mod daemon;
mod declare;
pub mod host;
pub mod image;
mod meta;
pub mod packages;
pub mod secrets;
pub mod topology;

pub use container::check_container;
pub use context::{BuildCx, RunCommand};
pub use declare::{DocExample, doc_examples, explanation_markdown};
pub use dockward_core::{Category, FixAvailability, ModelKind, RuleMeta, Severity};
pub use meta::{INVALID_SUPPRESSION, SYNTAX_ERROR, UNUSED_SUPPRESSION};
pub use packages::VULNERABLE_PACKAGE;
pub use topology::check_topology;

use dockward_core::Finding;
use std::sync::OnceLock;

/// A rule that reads a build: its metadata and its detector.
pub struct BuildRule {
    pub meta: &'static RuleMeta,
    pub check: fn(&BuildCx<'_>, &mut Vec<Finding>),
}

/// Every rule dockward has, sorted by code.
pub fn all_rules() -> &'static [&'static RuleMeta] {
    static ALL: OnceLock<Vec<&'static RuleMeta>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static RuleMeta> = vec![
            &SYNTAX_ERROR,
            &UNUSED_SUPPRESSION,
            &INVALID_SUPPRESSION,
            &VULNERABLE_PACKAGE,
        ];
        all.extend(build::rules().map(|r| r.meta));
        all.extend(container::rules().map(|r| r.meta));
        all.extend(topology::rules().map(|r| r.meta));
        all.extend(daemon::rules().map(|r| r.meta));
        all.extend(host::rules().map(|r| r.meta));
        // Image rules that share a build rule's code (one code per concern) are listed once.
        all.sort_by_key(|r| r.code);
        for rule in image::rules() {
            if let Err(at) = all.binary_search_by_key(&rule.meta.code, |r| r.code) {
                all.insert(at, rule.meta);
            }
        }
        all
    })
}

/// Runs every enabled build rule on one Dockerfile's build.
pub fn check_build(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for rule in build::rules() {
        if cx.settings.is_enabled(rule.meta) {
            (rule.check)(cx, out);
        }
    }
}
