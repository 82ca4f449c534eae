//! DaemonSpec: how the Docker daemon is configured, whichever source said so.
//!
//! dockerd reads its settings from two places: its command line (systemd units and their
//! drop-ins, `/etc/default/docker`, scripts, a `docker:dind` service's `command:`) and a
//! JSON file (`/etc/docker/daemon.json` unless `--config-file` names another). Both are
//! lowered into this one shape, so a daemon rule is written once; every field carries the
//! provenance of the JSON property or the flag that set it.
//!
//! * [`lower_daemon_json`] reads a `daemon.json`. A key the file does not set is `Unset`
//!   (pointing at the top-level object's opening brace, where the key would be added),
//!   except `rootless`: whether dockerd runs rootless is normally decided by how it is
//!   started (under RootlessKit), not by the file, so the file alone leaves it `Unknown`.
//! * [`lower_dockerd_args`] reads a `dockerd …` argv. dockerd always reads a configuration
//!   file as well, which may set anything the flags do not, so a setting absent from the
//!   command line is `Unknown` until the command line is merged with that file.
//! * [`merge_daemon`] combines the two the way dockerd does (a flag and a key for the same
//!   setting is a conflict that makes dockerd refuse to start: see
//!   [`DaemonSpec::conflicts`]).
//!
//! Every key and flag is also listed in [`DaemonSpec::keys`] with where it came from, so a
//! rule can tell a setting given in the file from one given as a flag.
//!
//! ```
//! use dockward_core::FileId;
//! use dockward_model::daemon::{lower_daemon_json, lower_dockerd_args, merge_daemon};
//! use dockward_shell::parse_shell;
//!
//! let (file, errors) = lower_daemon_json(FileId(0), r#"{"hosts": ["tcp://0.0.0.0:2375"]}"#);
//! assert!(errors.is_empty());
//! assert!(file.hosts[0].get().unwrap().binds_all_interfaces());
//! assert!(file.icc.value.is_unset());
//!
//! let unit = parse_shell("/usr/bin/dockerd -H fd:// --icc=false");
//! let flags = lower_dockerd_args(FileId(1), &unit.commands[0].words, &|r| r).unwrap();
//! assert!(flags.live_restore.value.is_unknown()); // the file may set it
//!
//! let daemon = merge_daemon(flags, file);
//! assert_eq!(daemon.icc.get(), Some(&false));
//! assert_eq!(daemon.conflicts[0].key, "hosts"); // dockerd refuses to start
//! ```

mod flags;
mod json;

pub use flags::{lower_dockerd_args, lower_dockerd_flags};
pub use json::{MAX_DAEMON_JSON_BYTES, lower_daemon_json};

use crate::known::{Known, Sourced};
use dockward_core::{Provenance, TextRange};
use std::net::IpAddr;

/// Which kind of source produced a spec; used in messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DaemonSource {
    /// A `daemon.json`.
    ConfigFile,
    /// A `dockerd …` command line; `program` is the command word as written
    /// (`dockerd`, `/usr/bin/dockerd`, `dockerd-rootless.sh`).
    CommandLine { program: String },
    /// A command line merged with its configuration file.
    Merged,
    /// A running daemon, as its Engine API describes itself (`/info`): only what it
    /// reports is known; the rest (listeners, TLS, `userland-proxy`, …) is `Unknown`.
    Engine { object: String },
}

/// The kind of socket a `hosts` entry (`-H`) makes dockerd listen on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListenerKind {
    /// `unix:///var/run/docker.sock` (and the empty address: the default socket).
    Unix,
    /// `tcp://host:port`, or a bare `host:port` (dockerd reads an address without a scheme
    /// as tcp).
    Tcp,
    /// `fd://`: sockets handed over by systemd socket activation (`docker.socket`).
    Fd,
    /// `npipe://` (Windows).
    Npipe,
    /// A scheme dockerd does not accept.
    Other,
}

/// One `hosts` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    pub kind: ListenerKind,
    /// The address as written.
    pub address: String,
    /// For tcp: the host without brackets; empty when the address gives none (dockerd then
    /// binds localhost).
    pub host: Option<String>,
    /// For tcp: the port when given (dockerd's default is 2375, or 2376 with TLS).
    pub port: Option<u16>,
}

impl Listener {
    /// Reads an address the way dockerd's `-H` does.
    pub fn parse(address: &str) -> Listener {
        let trimmed = address.trim();
        let (scheme, rest) = match trimmed.split_once("://") {
            Some((scheme, rest)) => (scheme.to_ascii_lowercase(), rest),
            None if trimmed.is_empty() => ("unix".to_string(), ""),
            None => ("tcp".to_string(), trimmed),
        };
        let kind = match scheme.as_str() {
            "unix" => ListenerKind::Unix,
            "tcp" => ListenerKind::Tcp,
            "fd" => ListenerKind::Fd,
            "npipe" => ListenerKind::Npipe,
            _ => ListenerKind::Other,
        };
        let (host, port) = if kind == ListenerKind::Tcp {
            let (host, port) = split_host_port(rest);
            (Some(host), port)
        } else {
            (None, None)
        };
        Listener {
            kind,
            address: address.to_string(),
            host,
            port,
        }
    }

    /// A tcp listener on every interface (`0.0.0.0`, `::`).
    pub fn binds_all_interfaces(&self) -> bool {
        self.kind == ListenerKind::Tcp
            && self
                .host
                .as_deref()
                .and_then(|h| h.parse::<IpAddr>().ok())
                .is_some_and(|a| a.is_unspecified())
    }

    /// A tcp listener on the loopback interface (`127.0.0.1`, `::1`, `localhost`, or no host:
    /// dockerd's default host is localhost).
    pub fn is_loopback(&self) -> bool {
        match (self.kind, self.host.as_deref()) {
            (ListenerKind::Tcp, Some("")) => true,
            (ListenerKind::Tcp, Some(h)) => {
                h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|a| a.is_loopback())
            }
            _ => false,
        }
    }
}

/// `host:port/path` → (`host`, port); `[::]:2375` → (`::`, 2375); `:2375` → (``, 2375).
fn split_host_port(rest: &str) -> (String, Option<u16>) {
    let authority = rest.split('/').next().unwrap_or("");
    if let Some(bracketed) = authority.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']').unwrap_or((bracketed, ""));
        let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
        return (host.to_string(), port);
    }
    // An unbracketed IPv6 address has no room for a port.
    if authority.matches(':').count() > 1 {
        return (authority.to_string(), None);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) => (host.to_string(), port.parse().ok()),
        None => (authority.to_string(), None),
    }
}

/// Keys dockerd reads only from its configuration file (they have no flag).
const FILE_ONLY_KEYS: &[&str] = &[
    "builder",
    "default-address-pools",
    "deprecated-key-path",
    "features",
    "min-api-version",
    "proxies",
    "runtimes",
];

/// Whether `key` is a setting dockerd knows (a flag's key or a file-only key).
pub fn is_daemon_key(key: &str) -> bool {
    FILE_ONLY_KEYS.contains(&key) || flags::is_flag_key(key)
}

impl DaemonSpec {
    /// Whether a file is a Docker daemon configuration rather than another program's JSON
    /// file that shares the name: it is empty, or most of its top-level keys are settings
    /// dockerd knows. (Most, not all: a newer dockerd knows keys this list does not; and
    /// not merely one, since generic names such as `debug` or `labels` are dockerd keys too.)
    pub fn looks_like_docker_config(&self) -> bool {
        let top: Vec<&DaemonKey> = self
            .keys
            .iter()
            .filter(|k| k.origin == KeyOrigin::File && self.is_top_level(k))
            .collect();
        let known = top.iter().filter(|k| is_daemon_key(&k.name)).count();
        top.is_empty() || known * 2 > top.len()
    }

    /// Members of an object value are listed after their key and inside its range.
    fn is_top_level(&self, key: &DaemonKey) -> bool {
        let Some((_, range)) = key.at.as_text() else {
            return true;
        };
        !self.keys.iter().any(|outer| {
            outer.origin == KeyOrigin::File
                && outer
                    .at
                    .as_text()
                    .is_some_and(|(_, r)| r != range && r.contains_range(range))
        })
    }
}

/// Where a key came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    /// A property of the configuration file.
    File,
    /// A dockerd flag.
    Flag,
}

/// One setting given in a source, named by its `daemon.json` key (`hosts` for `-H`, `labels`
/// for `--label`): what dockerd compares to find a setting given both ways.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaemonKey {
    pub name: String,
    pub origin: KeyOrigin,
    pub at: Provenance,
    /// The flag as written (`-H fd://`) or the key (`hosts`), for messages.
    pub text: String,
}

/// A setting given both as a flag and in the configuration file: dockerd refuses to start
/// ("the following directives are specified both as a flag and in the configuration file").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyConflict {
    /// The `daemon.json` key.
    pub key: String,
    pub flag: Provenance,
    /// The flag as written (`-H fd://`).
    pub flag_text: String,
    pub file: Provenance,
}

/// A problem that makes dockerd refuse a configuration file (invalid JSON, a value of the
/// wrong type), located in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DaemonDiagnostic {
    pub message: String,
    pub range: TextRange,
}

#[derive(Clone, Debug)]
pub struct DaemonSpec {
    pub source: DaemonSource,
    /// Where a *missing* setting is reported: the configuration file's top-level object
    /// (its opening brace), or the dockerd command word.
    pub origin: Provenance,
    /// `hosts` / `-H`.
    pub hosts: Vec<Sourced<Listener>>,
    pub tls: Sourced<bool>,
    pub tls_verify: Sourced<bool>,
    pub tls_ca_cert: Sourced<String>,
    pub tls_cert: Sourced<String>,
    pub tls_key: Sourced<String>,
    /// `userns-remap`; the empty string turns remapping off.
    pub userns_remap: Sourced<String>,
    pub rootless: Sourced<bool>,
    pub icc: Sourced<bool>,
    pub iptables: Sourced<bool>,
    /// `ip`: the default host address of published ports.
    pub ip: Sourced<String>,
    pub live_restore: Sourced<bool>,
    pub userland_proxy: Sourced<bool>,
    pub no_new_privileges: Sourced<bool>,
    /// `seccomp-profile`: a path, `builtin` or `unconfined`.
    pub seccomp_profile: Sourced<String>,
    pub selinux_enabled: Sourced<bool>,
    pub insecure_registries: Vec<Sourced<String>>,
    pub registry_mirrors: Vec<Sourced<String>>,
    pub authorization_plugins: Vec<Sourced<String>>,
    pub log_driver: Sourced<String>,
    pub log_opts: Vec<Sourced<(String, String)>>,
    pub log_level: Sourced<String>,
    /// `debug` / `-D`: debug mode, which also sets the log level to debug.
    pub debug: Sourced<bool>,
    pub experimental: Sourced<bool>,
    /// `default-ulimits` as `name=soft:hard` (`--default-ulimit`'s syntax).
    pub default_ulimits: Vec<Sourced<String>>,
    pub storage_driver: Sourced<String>,
    pub cgroup_parent: Sourced<String>,
    /// `--config-file`: the file this command line reads.
    pub config_file: Sourced<String>,
    /// Every key and flag the sources give, in order.
    pub keys: Vec<DaemonKey>,
    /// Settings given both as a flag and in the file (only in a merged spec).
    pub conflicts: Vec<KeyConflict>,
    /// The daemon may run with settings dockward cannot see: a command line not merged with
    /// its configuration file, or one with a `$DOCKER_OPTS`.
    pub has_unknown_settings: bool,
    /// The command line holds arguments dockward cannot see (`$DOCKER_OPTS`).
    pub has_unknown_flags: bool,
}

/// What one key or flag says, before it is stored in its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Said {
    Bool(bool),
    Text(String),
    /// The value is not knowable (`--icc=$ICC`) or not valid for its setting.
    Unknown,
}

/// Settings whose value is a boolean, by `daemon.json` key.
pub(crate) const BOOL_KEYS: &[&str] = &[
    "tls",
    "tlsverify",
    "rootless",
    "icc",
    "iptables",
    "live-restore",
    "userland-proxy",
    "no-new-privileges",
    "selinux-enabled",
    "debug",
    "experimental",
];

/// Settings whose value is a string, by `daemon.json` key.
pub(crate) const TEXT_KEYS: &[&str] = &[
    "tlscacert",
    "tlscert",
    "tlskey",
    "userns-remap",
    "ip",
    "seccomp-profile",
    "log-driver",
    "log-level",
    "storage-driver",
    "cgroup-parent",
];

/// List settings whose entries are strings, by `daemon.json` key.
pub(crate) const STRING_LIST_KEYS: &[&str] = &[
    "hosts",
    "insecure-registries",
    "registry-mirrors",
    "authorization-plugins",
];

impl DaemonSpec {
    /// A spec with every field unset, pointing at `origin`; lowerings start from this.
    pub fn unset(source: DaemonSource, origin: Provenance) -> Self {
        Self {
            source,
            hosts: Vec::new(),
            tls: Sourced::unset(origin.clone()),
            tls_verify: Sourced::unset(origin.clone()),
            tls_ca_cert: Sourced::unset(origin.clone()),
            tls_cert: Sourced::unset(origin.clone()),
            tls_key: Sourced::unset(origin.clone()),
            userns_remap: Sourced::unset(origin.clone()),
            rootless: Sourced::unset(origin.clone()),
            icc: Sourced::unset(origin.clone()),
            iptables: Sourced::unset(origin.clone()),
            ip: Sourced::unset(origin.clone()),
            live_restore: Sourced::unset(origin.clone()),
            userland_proxy: Sourced::unset(origin.clone()),
            no_new_privileges: Sourced::unset(origin.clone()),
            seccomp_profile: Sourced::unset(origin.clone()),
            selinux_enabled: Sourced::unset(origin.clone()),
            insecure_registries: Vec::new(),
            registry_mirrors: Vec::new(),
            authorization_plugins: Vec::new(),
            log_driver: Sourced::unset(origin.clone()),
            log_opts: Vec::new(),
            log_level: Sourced::unset(origin.clone()),
            debug: Sourced::unset(origin.clone()),
            experimental: Sourced::unset(origin.clone()),
            default_ulimits: Vec::new(),
            storage_driver: Sourced::unset(origin.clone()),
            cgroup_parent: Sourced::unset(origin.clone()),
            config_file: Sourced::unset(origin.clone()),
            keys: Vec::new(),
            conflicts: Vec::new(),
            has_unknown_settings: false,
            has_unknown_flags: false,
            origin,
        }
    }

    /// "this daemon.json", "this dockerd command line".
    pub fn describe(&self) -> String {
        match &self.source {
            DaemonSource::ConfigFile => "this daemon configuration".to_string(),
            DaemonSource::CommandLine { program } => {
                let name = program.rsplit('/').next().unwrap_or(program);
                format!("this `{name}` command line")
            }
            DaemonSource::Merged => "the daemon configuration".to_string(),
            DaemonSource::Engine { .. } => "this daemon".to_string(),
        }
    }

    /// The boolean setting of a `daemon.json` key.
    pub fn bool_setting(&self, key: &str) -> Option<&Sourced<bool>> {
        Some(match key {
            "tls" => &self.tls,
            "tlsverify" => &self.tls_verify,
            "rootless" => &self.rootless,
            "icc" => &self.icc,
            "iptables" => &self.iptables,
            "live-restore" => &self.live_restore,
            "userland-proxy" => &self.userland_proxy,
            "no-new-privileges" => &self.no_new_privileges,
            "selinux-enabled" => &self.selinux_enabled,
            "debug" => &self.debug,
            "experimental" => &self.experimental,
            _ => return None,
        })
    }

    fn bool_setting_mut(&mut self, key: &str) -> Option<&mut Sourced<bool>> {
        Some(match key {
            "tls" => &mut self.tls,
            "tlsverify" => &mut self.tls_verify,
            "rootless" => &mut self.rootless,
            "icc" => &mut self.icc,
            "iptables" => &mut self.iptables,
            "live-restore" => &mut self.live_restore,
            "userland-proxy" => &mut self.userland_proxy,
            "no-new-privileges" => &mut self.no_new_privileges,
            "selinux-enabled" => &mut self.selinux_enabled,
            "debug" => &mut self.debug,
            "experimental" => &mut self.experimental,
            _ => return None,
        })
    }

    /// The string setting of a `daemon.json` key.
    pub fn text_setting(&self, key: &str) -> Option<&Sourced<String>> {
        Some(match key {
            "tlscacert" => &self.tls_ca_cert,
            "tlscert" => &self.tls_cert,
            "tlskey" => &self.tls_key,
            "userns-remap" => &self.userns_remap,
            "ip" => &self.ip,
            "seccomp-profile" => &self.seccomp_profile,
            "log-driver" => &self.log_driver,
            "log-level" => &self.log_level,
            "storage-driver" => &self.storage_driver,
            "cgroup-parent" => &self.cgroup_parent,
            "config-file" => &self.config_file,
            _ => return None,
        })
    }

    fn text_setting_mut(&mut self, key: &str) -> Option<&mut Sourced<String>> {
        Some(match key {
            "tlscacert" => &mut self.tls_ca_cert,
            "tlscert" => &mut self.tls_cert,
            "tlskey" => &mut self.tls_key,
            "userns-remap" => &mut self.userns_remap,
            "ip" => &mut self.ip,
            "seccomp-profile" => &mut self.seccomp_profile,
            "log-driver" => &mut self.log_driver,
            "log-level" => &mut self.log_level,
            "storage-driver" => &mut self.storage_driver,
            "cgroup-parent" => &mut self.cgroup_parent,
            "config-file" => &mut self.config_file,
            _ => return None,
        })
    }

    /// Stores what a key says in its field (a later occurrence replaces a scalar, as in
    /// dockerd; list entries accumulate). Keys dockward does not model are only listed in
    /// [`DaemonSpec::keys`] by the caller.
    pub(crate) fn apply(&mut self, key: &str, said: Said, at: Provenance) {
        if let Some(field) = self.bool_setting_mut(key) {
            *field = match said {
                Said::Bool(b) => Sourced::set(b, at),
                _ => Sourced::unknown(at),
            };
            return;
        }
        if let Some(field) = self.text_setting_mut(key) {
            *field = match said {
                Said::Text(t) => Sourced::set(t, at),
                _ => Sourced::unknown(at),
            };
            return;
        }
        let text = match said {
            Said::Text(t) => Some(t),
            _ => None,
        };
        let entry = |value: Option<String>| match value {
            Some(v) => Sourced::set(v, at.clone()),
            None => Sourced::unknown(at.clone()),
        };
        match key {
            "hosts" => self.hosts.push(match text {
                Some(t) => Sourced::set(Listener::parse(&t), at),
                None => Sourced::unknown(at),
            }),
            "insecure-registries" => self.insecure_registries.push(entry(text)),
            "registry-mirrors" => self.registry_mirrors.push(entry(text)),
            "authorization-plugins" => self.authorization_plugins.push(entry(text)),
            "default-ulimits" => self.default_ulimits.push(entry(text)),
            "log-opts" => self
                .log_opts
                .push(match text.as_deref().and_then(|t| t.split_once('=')) {
                    Some((k, v)) => Sourced::set((k.to_string(), v.to_string()), at),
                    None => Sourced::unknown(at),
                }),
            _ => {}
        }
    }

    /// The first key of this name, from either source.
    pub fn key(&self, name: &str) -> Option<&DaemonKey> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// Where a setting came from: the file, a flag, or neither.
    pub fn origin_of(&self, name: &str) -> Option<KeyOrigin> {
        self.key(name).map(|k| k.origin)
    }

    fn said_by(&self, name: &str, origin: KeyOrigin) -> bool {
        self.keys.iter().any(|k| k.name == name && k.origin == origin)
    }

    /// Whether dockerd serves TLS: `tls: true`, or `tlsverify` set at all (dockerd turns TLS
    /// on whenever `tlsverify` is given, even as `false`).
    pub fn tls_enabled(&self) -> Known<bool> {
        match (&self.tls.value, &self.tls_verify.value) {
            (_, Known::Set(_)) => Known::Set(true),
            (Known::Unknown, _) | (_, Known::Unknown) => Known::Unknown,
            (Known::Set(tls), Known::Unset) => Known::Set(*tls),
            (Known::Unset, Known::Unset) => Known::Set(false),
        }
    }

    /// Every scalar setting the sources did not show becomes unknown: used when dockerd may
    /// take settings from somewhere dockward has not read.
    pub fn mark_unset_as_unknown(&mut self) {
        for key in BOOL_KEYS {
            if let Some(field) = self.bool_setting_mut(key) {
                field.unknown_if_unset();
            }
        }
        for key in TEXT_KEYS {
            if let Some(field) = self.text_setting_mut(key) {
                field.unknown_if_unset();
            }
        }
        self.has_unknown_settings = true;
    }
}

/// Combines a command line's spec with the spec of the configuration file it reads, as
/// dockerd does: a setting comes from the flag when one is given, else from the file. A
/// setting given both ways is recorded in [`DaemonSpec::conflicts`] (dockerd refuses to
/// start); for list settings both values are kept so rules still see what each source
/// meant. Missing settings are then reported at the file, where they are usually added.
pub fn merge_daemon(flags: DaemonSpec, file: DaemonSpec) -> DaemonSpec {
    let mut out = file;
    let unknown_flags = flags.has_unknown_flags;
    for key in BOOL_KEYS {
        let (Some(flag), Some(field)) = (flags.bool_setting(key), out.bool_setting_mut(key)) else {
            continue;
        };
        merge_scalar(field, flag, flags.said_by(key, KeyOrigin::Flag), unknown_flags);
    }
    // `dockerd-rootless.sh` says rootless without a flag.
    if flags.rootless.get() == Some(&true) {
        out.rootless = flags.rootless.clone();
    }
    for key in TEXT_KEYS.iter().chain(&["config-file"]) {
        let (Some(flag), Some(field)) = (flags.text_setting(key), out.text_setting_mut(key)) else {
            continue;
        };
        merge_scalar(field, flag, flags.said_by(key, KeyOrigin::Flag), unknown_flags);
    }
    let said = |key: &str| flags.said_by(key, KeyOrigin::Flag);
    let (hosts, insecure, mirrors, authz, ulimits, log_opts) = (
        said("hosts"),
        said("insecure-registries"),
        said("registry-mirrors"),
        said("authorization-plugins"),
        said("default-ulimits"),
        said("log-opts"),
    );
    merge_list(&mut out.hosts, flags.hosts, hosts);
    merge_list(&mut out.insecure_registries, flags.insecure_registries, insecure);
    merge_list(&mut out.registry_mirrors, flags.registry_mirrors, mirrors);
    merge_list(&mut out.authorization_plugins, flags.authorization_plugins, authz);
    merge_list(&mut out.default_ulimits, flags.default_ulimits, ulimits);
    merge_list(&mut out.log_opts, flags.log_opts, log_opts);

    // dockerd compares every flag given with the file's keys, except `runtimes`, which
    // it merges.
    let mut conflicts: Vec<KeyConflict> = Vec::new();
    for flag in flags.keys.iter().filter(|k| k.origin == KeyOrigin::Flag) {
        if flag.name == "runtimes" || conflicts.iter().any(|c| c.key == flag.name) {
            continue;
        }
        if let Some(in_file) = out
            .keys
            .iter()
            .find(|k| k.origin == KeyOrigin::File && k.name == flag.name)
        {
            conflicts.push(KeyConflict {
                key: flag.name.clone(),
                flag: flag.at.clone(),
                flag_text: flag.text.clone(),
                file: in_file.at.clone(),
            });
        }
    }
    let mut keys = flags.keys;
    keys.append(&mut out.keys);
    out.keys = keys;
    out.conflicts = conflicts;
    out.source = DaemonSource::Merged;
    out.has_unknown_flags = unknown_flags;
    out.has_unknown_settings = unknown_flags;
    out
}

fn merge_scalar<T: Clone>(field: &mut Sourced<T>, flag: &Sourced<T>, flag_given: bool, unknown_flags: bool) {
    if flag_given {
        *field = flag.clone();
    } else if unknown_flags {
        // `$DOCKER_OPTS` may hold the flag.
        field.unknown_if_unset();
    }
}

fn merge_list<T>(field: &mut Vec<Sourced<T>>, flag: Vec<Sourced<T>>, flag_given: bool) {
    if !flag_given {
        return;
    }
    let file = std::mem::replace(field, flag);
    field.extend(file);
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_core::FileId;
    use dockward_shell::parse_shell;

    #[test]
    fn listeners_are_read_as_dockerd_reads_them() {
        let l = Listener::parse("tcp://0.0.0.0:2375");
        assert_eq!(
            (l.kind, l.host.as_deref(), l.port),
            (ListenerKind::Tcp, Some("0.0.0.0"), Some(2375))
        );
        assert!(l.binds_all_interfaces() && !l.is_loopback());
        let l = Listener::parse("tcp://[::]:2376/path");
        assert_eq!((l.host.as_deref(), l.port), (Some("::"), Some(2376)));
        assert!(l.binds_all_interfaces());
        let l = Listener::parse("0.0.0.0:5555");
        assert_eq!((l.kind, l.port), (ListenerKind::Tcp, Some(5555)));
        let l = Listener::parse(":2375");
        assert!(l.is_loopback() && !l.binds_all_interfaces());
        assert!(Listener::parse("tcp://localhost:2375").is_loopback());
        assert!(Listener::parse("tcp://[::1]:2375").is_loopback());
        let l = Listener::parse("tcp://10.1.2.3");
        assert!(!l.is_loopback() && !l.binds_all_interfaces() && l.port.is_none());
        assert_eq!(Listener::parse("fd://").kind, ListenerKind::Fd);
        assert_eq!(Listener::parse("unix:///run/docker.sock").kind, ListenerKind::Unix);
        assert_eq!(Listener::parse("").kind, ListenerKind::Unix);
        assert_eq!(Listener::parse("ssh://host").kind, ListenerKind::Other);
    }

    fn command_line(text: &str) -> DaemonSpec {
        let script = parse_shell(text);
        lower_dockerd_args(FileId(1), &script.commands[0].words, &|r| r).expect("a dockerd command")
    }

    #[test]
    fn merge_takes_flags_first_and_records_conflicts() {
        let json = r#"{"hosts": ["tcp://0.0.0.0:2375"], "icc": false, "live-restore": true}"#;
        let (file, errors) = lower_daemon_json(FileId(0), json);
        assert!(errors.is_empty());
        let flags = command_line("dockerd -H fd:// --live-restore=false --containerd=/run/containerd/containerd.sock");
        let merged = merge_daemon(flags, file);
        assert_eq!(merged.source, DaemonSource::Merged);
        // Both sources' listeners stay visible: the fix may be to drop either.
        let hosts: Vec<&str> = merged.hosts.iter().map(|h| h.get().unwrap().address.as_str()).collect();
        assert_eq!(hosts, ["fd://", "tcp://0.0.0.0:2375"]);
        assert_eq!(merged.icc.get(), Some(&false));
        assert_eq!(merged.icc.at.as_text().unwrap().0, FileId(0));
        assert_eq!(merged.live_restore.get(), Some(&false));
        assert_eq!(merged.origin_of("live-restore"), Some(KeyOrigin::Flag));
        assert_eq!(merged.origin_of("icc"), Some(KeyOrigin::File));
        let conflicts: Vec<(&str, &str)> = merged
            .conflicts
            .iter()
            .map(|c| (c.key.as_str(), c.flag_text.as_str()))
            .collect();
        assert_eq!(
            conflicts,
            [("hosts", "-H fd://"), ("live-restore", "--live-restore=false")]
        );
        // Neither source sets it: the file could have, so Docker's default applies.
        assert!(merged.userland_proxy.value.is_unset());
        assert!(!merged.has_unknown_settings);
        assert_eq!(merged.userland_proxy.at, merged.origin);
    }

    #[test]
    fn merge_with_opaque_flags_leaves_missing_settings_unknown() {
        let (file, _) = lower_daemon_json(FileId(0), r#"{"icc": false}"#);
        let flags = command_line("/usr/sbin/dockerd -H fd:// $DOCKER_OPTS");
        assert!(flags.has_unknown_flags);
        let merged = merge_daemon(flags, file);
        assert!(merged.has_unknown_settings);
        assert_eq!(merged.icc.get(), Some(&false));
        assert!(merged.live_restore.value.is_unknown());
    }

    #[test]
    fn runtimes_may_be_given_both_ways() {
        let (file, _) = lower_daemon_json(FileId(0), r#"{"runtimes": {"crun": {"path": "/usr/bin/crun"}}}"#);
        let flags = command_line("dockerd --add-runtime crun=/usr/bin/crun");
        assert!(merge_daemon(flags, file).conflicts.is_empty());
    }

    #[test]
    fn docker_configs_are_told_from_other_json() {
        for (json, docker) in [
            ("{}", true),
            (r#"{"log-driver": "local", "log-opts": {"max-size": "10m"}}"#, true),
            (
                r#"{"runtimes": {"nvidia": {"path": "nvidia-container-runtime"}}}"#,
                true,
            ),
            (
                r#"{"registry-mirrors": [], "icc": false, "some-future-key": true}"#,
                true,
            ),
            (r#"{"debug": true, "port": 8080, "workers": 4}"#, false),
            (
                r#"{"name": "worker", "proxies": {"http-proxy": "x"}, "queue": "q"}"#,
                false,
            ),
        ] {
            let (spec, _) = lower_daemon_json(FileId(0), json);
            assert_eq!(spec.looks_like_docker_config(), docker, "{json}");
        }
    }

    #[test]
    fn tls_is_on_whenever_tlsverify_is_given() {
        let (spec, _) = lower_daemon_json(FileId(0), r#"{"tlsverify": false}"#);
        assert_eq!(spec.tls_enabled(), Known::Set(true));
        let (spec, _) = lower_daemon_json(FileId(0), r#"{"tls": false}"#);
        assert_eq!(spec.tls_enabled(), Known::Set(false));
        let (spec, _) = lower_daemon_json(FileId(0), "{}");
        assert_eq!(spec.tls_enabled(), Known::Set(false));
        let spec = command_line("dockerd -H tcp://0.0.0.0:2376");
        assert_eq!(spec.tls_enabled(), Known::Unknown);
    }
}
