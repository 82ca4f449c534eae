//! Rules that read the daemon's configuration (`DaemonSpec`): how dockerd is set up, from a
//! `daemon.json`, a `dockerd` command line, or both merged. Each rule reports at the JSON
//! property or flag that set what it judges, or at the spec's origin (the file's top-level
//! object) for a setting that is missing.
//!
//! Rules fire on `Set` values that are unsafe and on `Unset` settings Docker's default makes
//! unsafe; they stay silent on `Unknown`. A command line on its own leaves every setting it
//! does not give `Unknown` (dockerd also reads a configuration file), so "missing setting"
//! rules only speak for a `daemon.json` or a command line merged with its file.

mod debug_logging;
mod experimental_enabled;
mod icc_enabled;
mod insecure_registry;
mod iptables_disabled;
mod live_restore_disabled;
mod logging_disabled;
mod no_authorization_plugin;
mod no_new_privileges;
mod option_set_twice;
mod seccomp_unconfined;
mod tcp_without_tls;
mod tls_without_client_verification;
mod userland_proxy_enabled;
mod userns_remap_disabled;

use dockward_core::{Finding, Provenance, RuleMeta, Settings};
use dockward_model::Known;
use dockward_model::Sourced;
use dockward_model::daemon::{DaemonSource, DaemonSpec, KeyOrigin};

/// What a daemon rule sees: one spec and the run's settings.
pub struct DaemonCx<'a> {
    pub spec: &'a DaemonSpec,
    pub settings: &'a Settings,
}

/// A rule that reads the daemon's configuration: its metadata and its detector.
pub struct DaemonRule {
    pub meta: &'static RuleMeta,
    pub check: fn(&DaemonCx<'_>, &mut Vec<Finding>),
}

impl<'a> DaemonCx<'a> {
    pub fn new(spec: &'a DaemonSpec, settings: &'a Settings) -> Self {
        Self { spec, settings }
    }

    /// A finding of `meta` at `at`.
    pub fn finding(&self, meta: &'static RuleMeta, at: &Provenance, message: impl Into<String>) -> Finding {
        Finding::new(meta, at.clone(), message)
    }

    /// What the spec is, for messages: "this daemon configuration", "this `dockerd`
    /// command line".
    pub fn subject(&self) -> String {
        self.spec.describe()
    }

    /// How to name a setting in a message: its flag when the spec is a command line, its
    /// `daemon.json` key otherwise (a merged spec reports missing settings at the file).
    pub fn spell(&self, key: &'static str, flag: &'static str) -> &'static str {
        match self.spec.source {
            DaemonSource::CommandLine { .. } => flag,
            DaemonSource::ConfigFile | DaemonSource::Merged | DaemonSource::Engine { .. } => key,
        }
    }

    /// How a setting given by `key` was written, for messages: `--icc=true` or `"icc": true`.
    pub fn named(&self, key: &str) -> String {
        match self.spec.keys.iter().rev().find(|k| k.name == key) {
            Some(k) if k.origin == KeyOrigin::Flag => format!("`{}`", k.text),
            _ => format!("`{key}`"),
        }
    }

    /// A boolean setting as TLS rules judge it: its value when known, Docker's `default` when
    /// absent, and — for a command line read on its own — also `default` when absent from
    /// it, because a daemon's tcp listeners and its TLS settings are given together. `None`
    /// when the value cannot be known (`--tls=$TLS`, a `$DOCKER_OPTS`).
    pub fn bool_or_default(&self, field: &Sourced<bool>, key: &str, default: bool) -> Option<bool> {
        match field.value {
            Known::Set(b) => Some(b),
            Known::Unset => Some(default),
            Known::Unknown => {
                let alone = matches!(self.spec.source, DaemonSource::CommandLine { .. });
                (alone && !self.spec.has_unknown_flags && self.spec.key(key).is_none()).then_some(default)
            }
        }
    }
}

macro_rules! daemon_rules {
    ($($module:ident),* $(,)?) => {
        static RULES: &[DaemonRule] = &[
            $(DaemonRule { meta: &$module::META, check: $module::check },)*
        ];
    };
}

daemon_rules![
    tcp_without_tls,
    tls_without_client_verification,
    userns_remap_disabled,
    icc_enabled,
    live_restore_disabled,
    userland_proxy_enabled,
    no_new_privileges,
    seccomp_unconfined,
    insecure_registry,
    logging_disabled,
    debug_logging,
    iptables_disabled,
    experimental_enabled,
    no_authorization_plugin,
    option_set_twice,
];

/// Every daemon rule, in code order.
pub fn rules() -> impl Iterator<Item = &'static DaemonRule> {
    RULES.iter()
}

/// Runs the enabled daemon rules over one spec (before suppressions and per-path
/// configuration, which the file's driver applies).
pub fn check_daemon(spec: &DaemonSpec, settings: &Settings, out: &mut Vec<Finding>) {
    let cx = DaemonCx::new(spec, settings);
    for rule in rules() {
        if settings.is_enabled(rule.meta) {
            (rule.check)(&cx, out);
        }
    }
}

/// Where a boolean setting whose Docker default is unsafe is reported: at the setting when
/// it is given the unsafe value (`true` for "explicit"), at the spec's origin when it is
/// missing; `None` when it is safe or unknown.
pub(crate) fn unsafe_bool<'s>(
    spec: &'s DaemonSpec,
    field: &'s Sourced<bool>,
    safe: bool,
) -> Option<(&'s Provenance, bool)> {
    match field.value {
        Known::Set(value) if value != safe => Some((&field.at, true)),
        Known::Unset => Some((&spec.origin, false)),
        _ => None,
    }
}
