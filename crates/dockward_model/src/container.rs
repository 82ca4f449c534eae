//! ContainerSpec: what a container runs with, whichever source said so.
//!
//! Compose services and `docker run` lines (and, later, live containers from the engine) are
//! lowered into this one shape, so a runtime rule is written once. Every field carries its
//! provenance. Adapters fill `Unset` only where their source could have expressed the
//! setting, and `Unknown` where it cannot tell (a run line with `$EXTRA_ARGS`, a Compose
//! value that is `${VAR}` with no value): rules stay silent or cautious on `Unknown`.

use crate::image_ref::ImageRef;
use crate::known::Sourced;
use dockward_core::{Edit, Provenance};
use std::sync::Arc;

/// Which kind of source produced a spec; used in messages ("service `web`", "this run line").
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContainerSource {
    ComposeService { name: String },
    RunCommand { tool: String },
    Engine { id: String, name: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecurityOpt {
    /// `no-new-privileges`, `no-new-privileges:true|false`, `=true|false`.
    NoNewPrivileges(bool),
    /// `seccomp=unconfined` or a profile path.
    Seccomp(String),
    /// `apparmor=unconfined` or a profile name.
    AppArmor(String),
    /// `label=disable`, `label=type:…`.
    Label(String),
    /// `systempaths=unconfined`.
    SystemPaths(String),
    Other(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountKind {
    Bind,
    Volume,
    Tmpfs,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// Host path for binds, volume name for volumes; `None` for anonymous volumes and tmpfs.
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    /// `shared`, `rshared`, `slave`, … when set.
    pub propagation: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortBinding {
    /// Host address; `None` means all interfaces (Docker's default).
    pub host_ip: Option<String>,
    /// Host port or range; `None` means a random port.
    pub host_port: Option<String>,
    pub container_port: String,
    pub protocol: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    /// The value when given in the source; `None` for pass-through (`-e NAME`, `- NAME`).
    pub value: Option<String>,
    /// The value depends on a variable without known value.
    pub value_unknown: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Healthcheck {
    /// A test command is defined.
    Defined,
    /// Explicitly disabled (`--no-healthcheck`, `disable: true`, `test: ["NONE"]`).
    Disabled,
}

/// Settings a rule may ask an adapter to add, as a fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Setting {
    NoNewPrivileges,
    CapDropAll,
    ReadOnlyRootfs,
    /// Bind the published port at this index of `ports` to 127.0.0.1.
    BindPortToLocalhost(usize),
}

/// Turns a [`Setting`] into edits of the source, keeping its layout. Implemented by each
/// adapter (the Compose writer keeps YAML indentation and quoting; the run-line writer
/// inserts a flag before the image).
pub trait SettingWriter: Send + Sync + std::fmt::Debug {
    fn edits_for(&self, setting: &Setting) -> Option<Vec<Edit>>;
}

/// What a built image contributes, when the spec's image is built from a Dockerfile the scan
/// can see (Compose `build:`): the image's own user and healthcheck.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageFacts {
    /// The final stage's USER; `None` when it sets none (root).
    pub user: Option<String>,
    pub user_is_root: bool,
    pub has_healthcheck: bool,
    /// Where the facts come from: the Dockerfile (its USER or FROM), or the service's
    /// `image:` when the image itself was looked up.
    pub dockerfile: Provenance,
    /// The base image the Dockerfile starts from when nothing is known of it (see
    /// `base_image::known_base_image`): a missing USER or HEALTHCHECK is then only as
    /// root / as unchecked as that image, which the rules say at low confidence.
    pub unknown_base: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ContainerSpec {
    pub source: ContainerSource,
    /// The service or run command as a whole: where a *missing* setting is reported.
    pub origin: Provenance,
    pub image: Sourced<ImageRef>,
    /// Set when the image is built from a Dockerfile (Compose `build:`), with the build's
    /// context and Dockerfile paths as written.
    pub build: Option<Sourced<String>>,
    /// Facts from that Dockerfile, when the linker found and parsed it.
    pub image_facts: Option<ImageFacts>,
    pub privileged: Sourced<bool>,
    pub user: Sourced<String>,
    pub cap_add: Vec<Sourced<String>>,
    pub cap_drop: Vec<Sourced<String>>,
    pub security_opts: Vec<Sourced<SecurityOpt>>,
    pub read_only: Sourced<bool>,
    pub network_mode: Sourced<String>,
    pub pid: Sourced<String>,
    pub ipc: Sourced<String>,
    pub uts: Sourced<String>,
    pub userns: Sourced<String>,
    pub cgroupns: Sourced<String>,
    pub mounts: Vec<Sourced<Mount>>,
    pub devices: Vec<Sourced<String>>,
    pub ports: Vec<Sourced<PortBinding>>,
    pub memory: Sourced<u64>,
    pub cpus: Sourced<String>,
    pub pids_limit: Sourced<i64>,
    pub ulimits: Vec<Sourced<String>>,
    pub restart: Sourced<String>,
    pub healthcheck: Sourced<Healthcheck>,
    pub env: Vec<Sourced<EnvVar>>,
    pub sysctls: Vec<Sourced<(String, String)>>,
    pub oom_kill_disable: Sourced<bool>,
    pub log_driver: Sourced<String>,
    /// Compose `secrets:` the service uses (names).
    pub secrets: Vec<Sourced<String>>,
    /// The source may hold settings dockward cannot see (`$EXTRA_ARGS` in a run line).
    pub has_unknown_settings: bool,
    /// A one-shot container removed when it exits (`docker run --rm`): a CI step or a tool
    /// invocation, not a service, so limits, healthchecks and restart policies do not apply.
    pub auto_remove: bool,
    pub writer: Option<Arc<dyn SettingWriter>>,
}

impl ContainerSpec {
    /// Edits that add `setting`, when the adapter can write them.
    pub fn fix_for(&self, setting: &Setting) -> Option<Vec<Edit>> {
        self.writer.as_ref()?.edits_for(setting)
    }

    /// Every setting the source did not show becomes unknown (not the image): used when the
    /// source may hold settings dockward cannot see — `$EXTRA_ARGS` in a run line, a Compose
    /// `extends` base that could not be read.
    pub fn mark_unset_as_unknown(&mut self) {
        self.privileged.unknown_if_unset();
        self.read_only.unknown_if_unset();
        self.oom_kill_disable.unknown_if_unset();
        self.memory.unknown_if_unset();
        self.pids_limit.unknown_if_unset();
        self.healthcheck.unknown_if_unset();
        for field in [
            &mut self.user,
            &mut self.network_mode,
            &mut self.pid,
            &mut self.ipc,
            &mut self.uts,
            &mut self.userns,
            &mut self.cgroupns,
            &mut self.cpus,
            &mut self.restart,
            &mut self.log_driver,
        ] {
            field.unknown_if_unset();
        }
        self.has_unknown_settings = true;
    }

    /// "service `web`", "this docker run line".
    pub fn describe(&self) -> String {
        match &self.source {
            ContainerSource::ComposeService { name } => format!("service `{name}`"),
            ContainerSource::RunCommand { tool } => format!("this `{tool} run` line"),
            ContainerSource::Engine { name, .. } => format!("container `{name}`"),
        }
    }

    /// A spec with every field unset, pointing at `origin`; adapters start from this.
    pub fn unset(source: ContainerSource, origin: Provenance) -> Self {
        Self {
            source,
            image: Sourced::unset(origin.clone()),
            build: None,
            image_facts: None,
            privileged: Sourced::unset(origin.clone()),
            user: Sourced::unset(origin.clone()),
            cap_add: Vec::new(),
            cap_drop: Vec::new(),
            security_opts: Vec::new(),
            read_only: Sourced::unset(origin.clone()),
            network_mode: Sourced::unset(origin.clone()),
            pid: Sourced::unset(origin.clone()),
            ipc: Sourced::unset(origin.clone()),
            uts: Sourced::unset(origin.clone()),
            userns: Sourced::unset(origin.clone()),
            cgroupns: Sourced::unset(origin.clone()),
            mounts: Vec::new(),
            devices: Vec::new(),
            ports: Vec::new(),
            memory: Sourced::unset(origin.clone()),
            cpus: Sourced::unset(origin.clone()),
            pids_limit: Sourced::unset(origin.clone()),
            ulimits: Vec::new(),
            restart: Sourced::unset(origin.clone()),
            healthcheck: Sourced::unset(origin.clone()),
            env: Vec::new(),
            sysctls: Vec::new(),
            oom_kill_disable: Sourced::unset(origin.clone()),
            log_driver: Sourced::unset(origin.clone()),
            secrets: Vec::new(),
            has_unknown_settings: false,
            auto_remove: false,
            writer: None,
            origin,
        }
    }
}
