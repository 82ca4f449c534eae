//! Rules that read a container (`ContainerSpec`): how a Compose service, a `docker run`
//! line or a running container is configured. Each rule is written once and reports at the
//! provenance of the field it reads, whichever source the spec came from.
//!
//! Rules fire on `Set` values that are unsafe and on `Unset` settings Docker's default makes
//! unsafe; they stay silent on `Unknown` (a `$EXTRA_ARGS` in a run line, a `${VAR}` without
//! a value), and on list fields that hold an `Unknown` entry or when the spec says it may
//! hold settings dockward cannot see.

mod capabilities_not_dropped;
mod dangerous_capability;
mod docker_socket_mounted;
mod healthcheck_disabled;
mod host_device;
mod host_namespace;
mod host_network;
mod image_floating_tag;
mod image_not_pinned;
mod logging_disabled;
mod no_cpu_limit;
mod no_memory_limit;
mod no_new_privileges;
mod no_pids_limit;
mod oom_kill_disabled;
mod port_all_interfaces;
mod privileged;
mod privileged_host_port;
mod restart_policy;
mod runs_as_root;
mod secret_env_passthrough;
mod secret_in_environment;
mod security_profile_disabled;
mod sensitive_host_path;
mod shared_mount_propagation;
mod ulimit_override;
mod unsafe_sysctl;
mod writable_root_filesystem;

use dockward_core::{Finding, Fix, Provenance, RuleMeta, Settings};
use dockward_model::Sourced;
use dockward_model::container::{ContainerSource, ContainerSpec, Setting};

/// What a container rule sees: one spec and the run's settings.
pub struct ContainerCx<'a> {
    pub spec: &'a ContainerSpec,
    pub settings: &'a Settings,
}

/// A rule that reads a container: its metadata and its detector.
pub struct ContainerRule {
    pub meta: &'static RuleMeta,
    pub check: fn(&ContainerCx<'_>, &mut Vec<Finding>),
}

impl<'a> ContainerCx<'a> {
    pub fn new(spec: &'a ContainerSpec, settings: &'a Settings) -> Self {
        Self { spec, settings }
    }

    /// A finding of `meta` at `at`.
    pub fn finding(&self, meta: &'static RuleMeta, at: &Provenance, message: impl Into<String>) -> Finding {
        Finding::new(meta, at.clone(), message)
    }

    /// What the spec is, for messages: "service `web`", "this `docker run` line".
    pub fn subject(&self) -> String {
        match &self.spec.source {
            ContainerSource::RunCommand { tool } if tool.contains(' ') => format!("this `{tool}` command"),
            _ => self.spec.describe(),
        }
    }

    /// Whether the spec came from Compose (messages then name Compose keys, not CLI flags).
    pub fn is_compose(&self) -> bool {
        matches!(self.spec.source, ContainerSource::ComposeService { .. })
    }

    /// The way to write a setting for this spec's source: the CLI flag or the Compose key.
    pub fn spell(&self, cli: &'static str, compose: &'static str) -> &'static str {
        if self.is_compose() { compose } else { cli }
    }

    /// A fix that adds `setting`, when the spec's adapter can write it.
    pub fn fix(&self, setting: &Setting, description: impl Into<String>, safe: bool) -> Option<Fix> {
        let edits = self.spec.fix_for(setting)?;
        let description = description.into();
        Some(if safe {
            Fix::safe(description, edits)
        } else {
            Fix::unsafe_(description, edits)
        })
    }

    /// Whether a list field may hold entries dockward cannot see.
    pub fn list_is_partial<T>(&self, list: &[Sourced<T>]) -> bool {
        self.spec.has_unknown_settings || list.iter().any(|s| s.value.is_unknown())
    }
}

macro_rules! container_rules {
    ($($module:ident),* $(,)?) => {
        static RULES: &[ContainerRule] = &[
            $(ContainerRule { meta: &$module::META, check: $module::check },)*
        ];
    };
}

container_rules![
    privileged,
    runs_as_root,
    capabilities_not_dropped,
    dangerous_capability,
    no_new_privileges,
    security_profile_disabled,
    writable_root_filesystem,
    host_namespace,
    docker_socket_mounted,
    sensitive_host_path,
    shared_mount_propagation,
    host_device,
    ulimit_override,
    restart_policy,
    healthcheck_disabled,
    image_floating_tag,
    image_not_pinned,
    unsafe_sysctl,
    secret_in_environment,
    secret_env_passthrough,
    host_network,
    port_all_interfaces,
    privileged_host_port,
    no_memory_limit,
    no_cpu_limit,
    no_pids_limit,
    oom_kill_disabled,
    logging_disabled,
];

/// Every container rule, in code order.
pub fn rules() -> impl Iterator<Item = &'static ContainerRule> {
    RULES.iter()
}

/// Runs the enabled container rules over one spec (before suppressions and per-path
/// configuration, which the file's driver applies).
pub fn check_container(spec: &ContainerSpec, settings: &Settings, out: &mut Vec<Finding>) {
    let cx = ContainerCx::new(spec, settings);
    for rule in rules() {
        if settings.is_enabled(rule.meta) {
            (rule.check)(&cx, out);
        }
    }
}

/// Whether a user names root: `root` or uid `0`, with or without a group.
pub(crate) fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name == "root" || name == "0"
}

/// Words that, ending a variable name, say it describes a secret rather than holding one
/// (`REGISTRY_AUTH_TOKEN_REALM`, `JWT_SECRET_ALGORITHM`, `TOKEN_TTL`).
const SECRET_METADATA: &[&str] = &[
    "realm",
    "service",
    "issuer",
    "audience",
    "endpoint",
    "host",
    "port",
    "ttl",
    "expiry",
    "expires",
    "expiration",
    "lifetime",
    "timeout",
    "duration",
    "algorithm",
    "alg",
    "method",
    "mode",
    "enabled",
    "required",
    "policy",
    "scope",
    "scopes",
    "prefix",
    "format",
    "provider",
    "backend",
    "store",
];

/// Whether an environment variable's name says it holds a secret ([`crate::secrets`]),
/// unless its last word says it only describes one.
pub(crate) fn names_secret(name: &str) -> bool {
    if !crate::secrets::is_secret_name(name) {
        return false;
    }
    let last = name
        .rsplit(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_ascii_lowercase();
    !SECRET_METADATA.contains(&last.as_str())
}
