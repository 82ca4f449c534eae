//! Rules that read a project's [`Topology`]: which services share which networks, which
//! networks are internal, which services face the outside. They judge the graph, so they
//! report once per datastore, network or project, never once per container setting (that
//! is the container rules' job).

mod datastore_network_not_internal;
mod datastore_on_public_network;
mod default_network_only;

use dockward_core::{Finding, Provenance, RuleMeta, Settings};
use dockward_model::topology::Topology;

/// What a topology rule sees: one project's graph and the run's settings.
pub struct TopologyCx<'a> {
    pub topology: &'a Topology,
    pub settings: &'a Settings,
}

/// A rule that reads a topology: its metadata and its detector.
pub struct TopologyRule {
    pub meta: &'static RuleMeta,
    pub check: fn(&TopologyCx<'_>, &mut Vec<Finding>),
}

impl TopologyCx<'_> {
    /// A finding of `meta` at `at`.
    pub fn finding(&self, meta: &'static RuleMeta, at: &Provenance, message: impl Into<String>) -> Finding {
        Finding::new(meta, at.clone(), message)
    }
}

static RULES: &[TopologyRule] = &[
    TopologyRule {
        meta: &datastore_on_public_network::META,
        check: datastore_on_public_network::check,
    },
    TopologyRule {
        meta: &datastore_network_not_internal::META,
        check: datastore_network_not_internal::check,
    },
    TopologyRule {
        meta: &default_network_only::META,
        check: default_network_only::check,
    },
];

/// Every topology rule, in code order.
pub fn rules() -> impl Iterator<Item = &'static TopologyRule> {
    RULES.iter()
}

/// Runs the enabled topology rules over one project (before suppressions and per-path
/// configuration, which the driver applies per file).
pub fn check_topology(topology: &Topology, settings: &Settings, out: &mut Vec<Finding>) {
    let cx = TopologyCx { topology, settings };
    for rule in rules() {
        if settings.is_enabled(rule.meta) {
            (rule.check)(&cx, out);
        }
    }
}

/// "`a`", "`a` and `b`", "`a`, `b` and 2 more".
pub(crate) fn name_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.into_iter().collect();
    let quoted: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    match names.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        2 | 3 => format!(
            "{} and {}",
            quoted[..quoted.len() - 1].join(", "),
            quoted[quoted.len() - 1]
        ),
        n => format!("{} and {} more", quoted.join(", "), n - 3),
    }
}
