//! Lowering a `docker run` / `create` / `service create` (or podman) command line into a
//! [`ContainerSpec`].
//!
//! Every option becomes a field with the provenance of its exact bytes (mapped back into the
//! file by the caller's `map`, since the line may come from a Dockerfile `RUN`, a YAML block
//! scalar or a Makefile recipe). Settings the line could have given and did not are `Unset`;
//! when the line holds arguments dockward cannot see (`$EXTRA_ARGS`), every setting it does
//! not show is `Unknown` and [`ContainerSpec::has_unknown_settings`] is set. A value that
//! depends on a variable (`-u $(id -u)`, `-m $MEM`) is `Unknown` at that option.
//!
//! `docker service create` cannot express some settings at all (`--privileged`, `--pid`,
//! `--security-opt`, `--restart`, …): those stay `Unknown` for it, and its security options
//! hold one `Unknown` entry.
//!
//! List fields follow one convention for values the source cannot resolve: an entry whose
//! value is `Unknown` (a `-p $PORT`, a `-v $VOLUME`). `-P` (publish every exposed port)
//! becomes one [`PortBinding`] whose `container_port` is `*`.
//!
//! ```
//! use dockward_core::{FileId, TextRange};
//! use dockward_model::run_line::lower_run_line;
//! use dockward_model::container::Setting;
//! use dockward_shell::{parse_docker_cli, parse_shell};
//!
//! let text = "docker run --privileged -p 8080:80 nginx";
//! let script = parse_shell(text);
//! let run = parse_docker_cli(&script.commands[0].words).unwrap();
//! let spec = lower_run_line(FileId(0), &run, &|r| r);
//! assert_eq!(spec.privileged.get(), Some(&true));
//! assert!(spec.memory.value.is_unset());
//! let edits = spec.fix_for(&Setting::BindPortToLocalhost(0)).unwrap();
//! assert_eq!(edits[0].replacement, "127.0.0.1:");
//! ```

use crate::container::{
    ContainerSource, ContainerSpec, EnvVar, Healthcheck, Mount, MountKind, PortBinding, SecurityOpt, Setting,
    SettingWriter,
};
use crate::image_ref::ImageRef;
use crate::known::{Known, Sourced};
use dockward_core::{Edit, FileId, Provenance, TextRange};
use dockward_shell::docker_cli::{CliOption, DockerInvocation, Subcommand, Tool};
use dockward_shell::values::{self, PortRange, VolumeKind};
use std::sync::Arc;

/// Lowers one parsed invocation. `map` turns a range of the text the invocation was parsed
/// from into a range of `file` (the identity for a plain script).
pub fn lower_run_line(
    file: FileId,
    invocation: &DockerInvocation,
    map: &dyn Fn(TextRange) -> TextRange,
) -> ContainerSpec {
    let origin_range = map(TextRange::new(invocation.range.start, invocation.subcommand_range.end));
    let origin = Provenance::text(file, origin_range);
    let tool = match (invocation.tool, invocation.subcommand) {
        (Tool::Docker, Subcommand::Run) => "docker",
        (Tool::Podman, Subcommand::Run) => "podman",
        (Tool::Docker, Subcommand::Create) => "docker create",
        (Tool::Podman, Subcommand::Create) => "podman create",
        (_, Subcommand::ServiceCreate) => "docker service create",
    };
    let mut spec = ContainerSpec::unset(ContainerSource::RunCommand { tool: tool.to_string() }, origin.clone());
    let service = invocation.subcommand == Subcommand::ServiceCreate;
    let mut lower = Lowering {
        file,
        map,
        spec: &mut spec,
        ports: Vec::new(),
    };
    for option in &invocation.options {
        lower.option(option, service);
    }
    let ports = std::mem::take(&mut lower.ports);

    spec.image = match &invocation.image {
        Some(word) => Sourced::set(ImageRef::parse(&word.value), Provenance::text(file, map(word.raw))),
        None => Sourced::unknown(origin.clone()),
    };
    if service {
        // Swarm services cannot say these: leave them to the engine view.
        for field in [
            &mut spec.pid,
            &mut spec.ipc,
            &mut spec.uts,
            &mut spec.userns,
            &mut spec.cgroupns,
            &mut spec.restart,
        ] {
            field.unknown_if_unset();
        }
        spec.privileged.unknown_if_unset();
        spec.oom_kill_disable.unknown_if_unset();
        spec.security_opts.push(Sourced::unknown(origin.clone()));
    }
    if invocation.has_unknown_args {
        spec.mark_unset_as_unknown();
    }
    let insert_at = map(TextRange::empty(invocation.insert_at));
    if invocation.image.is_some() && insert_at.is_empty() {
        spec.writer = Some(Arc::new(RunLineWriter {
            insert_at: insert_at.start,
            service,
            ports,
        }));
    }
    spec
}

struct Lowering<'a, 'm> {
    file: FileId,
    map: &'m dyn Fn(TextRange) -> TextRange,
    spec: &'a mut ContainerSpec,
    /// Per entry of `spec.ports`: where `127.0.0.1:` (or `127.0.0.1::`) can be inserted.
    ports: Vec<Option<(u32, &'static str)>>,
}

impl Lowering<'_, '_> {
    fn at(&self, range: TextRange) -> Provenance {
        Provenance::text(self.file, (self.map)(range))
    }

    /// The option's value when it is literal; `None` when it depends on a variable or is
    /// missing (the caller records `Unknown`).
    fn literal(option: &CliOption) -> Option<&str> {
        if option.value_has_expansion {
            return None;
        }
        option.value.as_deref()
    }

    fn scalar_string(&self, option: &CliOption) -> Sourced<String> {
        let at = self.at(option.range);
        match Self::literal(option) {
            Some(v) => Sourced::set(v.to_string(), at),
            None => Sourced::unknown(at),
        }
    }

    fn bool_flag(&self, option: &CliOption) -> Sourced<bool> {
        let at = self.at(option.range);
        match option.bool_value() {
            Some(b) if !option.value_has_expansion => Sourced::set(b, at),
            _ => Sourced::unknown(at),
        }
    }

    fn option(&mut self, option: &CliOption, service: bool) {
        if !option.known {
            return;
        }
        let at = self.at(option.range);
        match option.name.as_str() {
            "privileged" => self.spec.privileged = self.bool_flag(option),
            "read-only" => self.spec.read_only = self.bool_flag(option),
            "rm" => self.spec.auto_remove = option.bool_value().unwrap_or(true),
            "oom-kill-disable" => self.spec.oom_kill_disable = self.bool_flag(option),
            "user" => self.spec.user = self.scalar_string(option),
            "network" => {
                // `--network` may be repeated (several networks); `host` wins over others.
                let already_host = self.spec.network_mode.get().is_some_and(|n| n == "host");
                if !already_host {
                    self.spec.network_mode = self.scalar_string(option);
                }
            }
            "pid" => self.spec.pid = self.scalar_string(option),
            "ipc" => self.spec.ipc = self.scalar_string(option),
            "uts" => self.spec.uts = self.scalar_string(option),
            "userns" => self.spec.userns = self.scalar_string(option),
            "cgroupns" => self.spec.cgroupns = self.scalar_string(option),
            "restart" => self.spec.restart = self.scalar_string(option),
            "log-driver" => self.spec.log_driver = self.scalar_string(option),
            "memory" | "limit-memory" => {
                self.spec.memory = match Self::literal(option).map(values::parse_memory_size) {
                    Some(Ok(bytes)) => Sourced::set(bytes, at),
                    _ => Sourced::unknown(at),
                };
            }
            "cpus" | "limit-cpu" | "cpu-quota" | "cpuset-cpus" | "cpu-shares" | "cpu-period" => {
                // Any of these bounds or weighs the container's CPU; `--cpus` wins when given.
                let is_cpus = matches!(option.name.as_str(), "cpus" | "limit-cpu");
                let have_cpus = self.spec.cpus.get().is_some_and(|v| !v.contains('='));
                if option.name == "cpu-period" || (!is_cpus && have_cpus) {
                    return;
                }
                self.spec.cpus = match Self::literal(option) {
                    Some(v) if is_cpus => Sourced::set(v.to_string(), at),
                    Some(v) => Sourced::set(format!("{}={v}", option.name), at),
                    None => Sourced::unknown(at),
                };
            }
            "pids-limit" | "limit-pids" => {
                self.spec.pids_limit = match Self::literal(option).map(|v| v.trim().parse::<i64>()) {
                    Some(Ok(n)) => Sourced::set(n, at),
                    _ => Sourced::unknown(at),
                };
            }
            "health-cmd" if !matches!(self.spec.healthcheck.get(), Some(Healthcheck::Disabled)) => {
                self.spec.healthcheck = Sourced::set(Healthcheck::Defined, at);
            }
            "no-healthcheck" => {
                self.spec.healthcheck = match self.bool_flag(option).value {
                    Known::Set(true) => Sourced::set(Healthcheck::Disabled, at),
                    Known::Set(false) => return,
                    _ => Sourced::unknown(at),
                };
            }
            "cap-add" => self.capabilities(option, true),
            "cap-drop" => self.capabilities(option, false),
            "security-opt" => {
                let value = match Self::literal(option) {
                    Some(v) => Known::Set(security_opt(v)),
                    None => Known::Unknown,
                };
                self.spec.security_opts.push(Sourced { value, at });
            }
            "publish" => self.publish(option, service),
            "publish-all" if option.bool_value() == Some(true) => {
                let binding = PortBinding {
                    host_ip: None,
                    host_port: None,
                    container_port: "*".to_string(),
                    protocol: "tcp".to_string(),
                };
                self.spec.ports.push(Sourced::set(binding, at));
                self.ports.push(None);
            }
            "volume" => {
                // Parsed even when a variable is in it (`-v $HOME/.ssh:/k`, `-v $(pwd):/src`):
                // the host path keeps the variable and rules judge what they can.
                let value = match option.value.as_deref().and_then(volume_mount) {
                    Some(m) => Known::Set(m),
                    None => Known::Unknown,
                };
                self.spec.mounts.push(Sourced { value, at });
            }
            "mount" => {
                let value = match option.value.as_deref().and_then(csv_mount) {
                    Some(m) => Known::Set(m),
                    None => Known::Unknown,
                };
                self.spec.mounts.push(Sourced { value, at });
            }
            "tmpfs" => {
                let value = match Self::literal(option) {
                    Some(v) => {
                        let (target, opts) = v.split_once(':').unwrap_or((v, ""));
                        Known::Set(Mount {
                            kind: MountKind::Tmpfs,
                            source: None,
                            target: target.to_string(),
                            read_only: opts.split(',').any(|o| o == "ro"),
                            propagation: None,
                        })
                    }
                    None => Known::Unknown,
                };
                self.spec.mounts.push(Sourced { value, at });
            }
            "use-api-socket" if option.bool_value() == Some(true) => {
                let socket = "/var/run/docker.sock".to_string();
                let mount = Mount {
                    kind: MountKind::Bind,
                    source: Some(socket.clone()),
                    target: socket,
                    read_only: false,
                    propagation: None,
                };
                self.spec.mounts.push(Sourced::set(mount, at));
            }
            "device" => self.spec.devices.push(self.scalar_string(option)),
            "ulimit" => self.spec.ulimits.push(self.scalar_string(option)),
            "sysctl" => {
                let value = match Self::literal(option).and_then(|v| v.split_once('=')) {
                    Some((k, v)) => Known::Set((k.trim().to_string(), v.trim().to_string())),
                    None => Known::Unknown,
                };
                self.spec.sysctls.push(Sourced { value, at });
            }
            "env" => self.env(option),
            "secret" => {
                // `--secret name[,target=…]` or `source=name,target=…`.
                if let Some(v) = Self::literal(option) {
                    let name = v
                        .split(',')
                        .find_map(|f| f.strip_prefix("source=").or_else(|| f.strip_prefix("src=")))
                        .unwrap_or_else(|| v.split(',').next().unwrap_or(v));
                    self.spec.secrets.push(Sourced::set(name.to_string(), at));
                }
            }
            _ => {}
        }
    }

    /// `--cap-add SYS_ADMIN`, `--cap-add=cap_net_admin,CAP_SYS_TIME` (podman splits commas).
    fn capabilities(&mut self, option: &CliOption, add: bool) {
        let list = if add {
            &mut self.spec.cap_add
        } else {
            &mut self.spec.cap_drop
        };
        let at = Provenance::text(self.file, (self.map)(option.range));
        let Some(value) = Self::literal(option) else {
            list.push(Sourced::unknown(at));
            return;
        };
        let pieces: Vec<&str> = value.split(',').filter(|p| !p.trim().is_empty()).collect();
        let value_range = option.value_range.unwrap_or(option.range);
        let exact = value_range.len() as usize == value.len();
        let mut offset = 0usize;
        for piece in value.split(',') {
            let start = offset;
            offset += piece.len() + 1;
            if piece.trim().is_empty() {
                continue;
            }
            let range = if pieces.len() == 1 {
                option.range
            } else if exact {
                TextRange::from_usize(
                    value_range.start as usize + start,
                    value_range.start as usize + start + piece.len(),
                )
            } else {
                value_range
            };
            let at = Provenance::text(self.file, (self.map)(range));
            list.push(Sourced::set(normalize_capability(piece), at));
        }
    }

    fn publish(&mut self, option: &CliOption, service: bool) {
        let at = self.at(option.range);
        let Some(value) = Self::literal(option) else {
            self.spec.ports.push(Sourced::unknown(at));
            self.ports.push(None);
            return;
        };
        let Ok(mapping) = values::parse_publish(value) else {
            self.spec.ports.push(Sourced::unknown(at));
            self.ports.push(None);
            return;
        };
        let short_form = !value.contains('=');
        let insert = match (&mapping.host_ip, &mapping.host_port, option.value_range) {
            // `8080:80` → `127.0.0.1:8080:80`; `80` → `127.0.0.1::80`. Only when the value's
            // own bytes are known (not a `--publish="…"` whose value range is the whole word).
            (None, host, Some(r)) if short_form && !service && r.start > option.name_range.start => {
                // Inside the quotes of a wholly quoted value (`"8080:80"`).
                let quoted = r.len() as usize == value.len() + 2;
                let point = (self.map)(TextRange::empty(r.start + u32::from(quoted)));
                point
                    .is_empty()
                    .then_some((point.start, if host.is_some() { "127.0.0.1:" } else { "127.0.0.1::" }))
            }
            _ => None,
        };
        let binding = PortBinding {
            host_ip: mapping.host_ip.clone(),
            host_port: mapping.host_port.map(port_range_text),
            container_port: port_range_text(mapping.container_port),
            protocol: mapping.protocol.clone(),
        };
        self.spec.ports.push(Sourced::set(binding, at));
        self.ports.push(insert);
    }

    fn env(&mut self, option: &CliOption) {
        let at = self.at(option.range);
        let Some(raw) = option.value.as_deref() else {
            return;
        };
        let (name, value) = match raw.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (raw, None),
        };
        if name.is_empty() || name.contains('$') || name.contains('`') {
            // `-e $VAR`, `-e "$(cat env)"`: the variable itself is unknown.
            self.spec.env.push(Sourced::unknown(at));
            return;
        }
        let value_unknown = value.is_some_and(|v| v.contains('$') || v.contains('`')) && option.value_has_expansion;
        self.spec.env.push(Sourced::set(
            EnvVar {
                name: name.to_string(),
                value: value.map(str::to_string),
                value_unknown,
            },
            at,
        ));
    }
}

fn port_range_text(r: PortRange) -> String {
    if r.start == r.end {
        r.start.to_string()
    } else {
        format!("{}-{}", r.start, r.end)
    }
}

/// `cap_sys_admin` → `SYS_ADMIN`.
pub fn normalize_capability(cap: &str) -> String {
    let upper = cap.trim().to_ascii_uppercase();
    upper.strip_prefix("CAP_").map_or(upper.clone(), str::to_string)
}

/// One `--security-opt` value as the docker CLI reads it; the engine adapter reads the
/// `HostConfig.SecurityOpt` strings of a live container the same way.
pub fn security_opt(v: &str) -> SecurityOpt {
    match values::parse_security_opt(v) {
        Ok(values::SecurityOpt::NoNewPrivileges(b)) => SecurityOpt::NoNewPrivileges(b),
        Ok(values::SecurityOpt::Seccomp(p)) => SecurityOpt::Seccomp(p),
        Ok(values::SecurityOpt::Apparmor(p)) => SecurityOpt::AppArmor(p),
        Ok(values::SecurityOpt::Label(l)) => SecurityOpt::Label(l),
        Ok(values::SecurityOpt::SystemPaths(p)) => SecurityOpt::SystemPaths(p),
        // podman's `unmask=ALL` is docker's `systempaths=unconfined`.
        Ok(values::SecurityOpt::Other { key, value }) if key == "unmask" && value.eq_ignore_ascii_case("ALL") => {
            SecurityOpt::SystemPaths("unconfined".to_string())
        }
        Ok(values::SecurityOpt::Other { key, value }) => SecurityOpt::Other(format!("{key}={value}")),
        Err(_) => SecurityOpt::Other(v.to_string()),
    }
}

/// A `-v` value; `None` when its target is not knowable (`-v $VOLUME`).
fn volume_mount(v: &str) -> Option<Mount> {
    let spec = values::parse_volume(v).ok()?;
    if spec.target.contains(['$', '`']) {
        return None;
    }
    let kind = match (spec.kind, spec.source.as_deref()) {
        (VolumeKind::Bind, _) => MountKind::Bind,
        (VolumeKind::Named, Some(src)) if src.starts_with(['$', '`']) => variable_source_kind(src),
        (VolumeKind::Named | VolumeKind::Anonymous, _) => MountKind::Volume,
    };
    Some(Mount {
        kind,
        source: spec.source,
        target: spec.target,
        read_only: spec.read_only,
        propagation: spec.propagation,
    })
}

fn csv_mount(v: &str) -> Option<Mount> {
    let m = values::parse_mount_csv(v).ok()?;
    if m.kind.contains('$') || m.target.as_deref().is_some_and(|t| t.contains(['$', '`'])) {
        return None;
    }
    Some(Mount {
        kind: match m.kind.as_str() {
            "bind" => MountKind::Bind,
            "volume" => MountKind::Volume,
            "tmpfs" => MountKind::Tmpfs,
            _ => MountKind::Other,
        },
        source: m.source,
        target: m.target?,
        read_only: m.read_only,
        propagation: m.bind_propagation,
    })
}

/// A `-v` source that starts with a variable: a path when it has a `/` or is a well-known
/// directory variable (`$HOME`, `$PWD`, `$(pwd)`); otherwise it may name a volume.
fn variable_source_kind(src: &str) -> MountKind {
    const PATH_VARS: [&str; 6] = ["$HOME", "${HOME}", "$PWD", "${PWD}", "$(pwd)", "`pwd`"];
    if src.contains('/') || PATH_VARS.contains(&src) {
        MountKind::Bind
    } else {
        MountKind::Other
    }
}

/// Writes [`Setting`]s into a run line: new flags go just before the image; a published
/// port gets a `127.0.0.1:` host address.
#[derive(Debug)]
pub struct RunLineWriter {
    /// File offset of the image word.
    insert_at: u32,
    /// `docker service create` has no `--security-opt` and cannot bind to one address.
    service: bool,
    /// Per `ports` entry, where `127.0.0.1:` goes and the exact text to insert.
    ports: Vec<Option<(u32, &'static str)>>,
}

impl SettingWriter for RunLineWriter {
    fn edits_for(&self, setting: &Setting) -> Option<Vec<Edit>> {
        let flag = match setting {
            Setting::NoNewPrivileges if self.service => return None,
            Setting::NoNewPrivileges => "--security-opt=no-new-privileges ",
            Setting::CapDropAll => "--cap-drop=ALL ",
            Setting::ReadOnlyRootfs => "--read-only ",
            Setting::BindPortToLocalhost(i) => {
                let (at, text) = (*self.ports.get(*i)?)?;
                return Some(vec![Edit::insert(at, text)]);
            }
        };
        Some(vec![Edit::insert(self.insert_at, flag)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_shell::{parse_docker_cli, parse_shell};

    fn lower(text: &str) -> ContainerSpec {
        let script = parse_shell(text);
        let run = script
            .commands
            .iter()
            .find_map(|c| parse_docker_cli(&c.words))
            .expect("a docker command");
        lower_run_line(FileId(0), &run, &|r| r)
    }

    fn slice<'t>(text: &'t str, at: &Provenance) -> &'t str {
        at.as_text().unwrap().1.slice(text)
    }

    #[test]
    fn every_option_is_lowered_with_its_bytes() {
        let text = "sudo docker run -d --privileged -u root -p 127.0.0.1:80:80 -p 8443:443/udp \
            -v /var/run/docker.sock:/var/run/docker.sock:ro --mount type=bind,src=/etc,dst=/h,bind-propagation=rshared \
            --tmpfs /run:ro --cap-add cap_sys_admin --cap-drop=ALL --security-opt seccomp=unconfined \
            --security-opt no-new-privileges --read-only --net=host --pid host --ipc=host --uts host \
            --userns=host --cgroupns host --device /dev/sda -m 512m --cpus 1.5 --pids-limit 100 \
            --ulimit nofile=1024 --restart always --no-healthcheck -e A=1 -e DB_PASSWORD -e T=$TOKEN \
            --sysctl net.ipv4.ip_forward=1 --oom-kill-disable --log-driver none nginx:1.27 sh";
        let s = lower(text);
        assert_eq!(s.privileged.get(), Some(&true));
        assert_eq!(slice(text, &s.privileged.at), "--privileged");
        assert_eq!(s.user.get().map(String::as_str), Some("root"));
        assert_eq!(slice(text, &s.user.at), "-u root");
        assert_eq!(s.ports.len(), 2);
        let p0 = s.ports[0].get().unwrap();
        assert_eq!(p0.host_ip.as_deref(), Some("127.0.0.1"));
        let p1 = s.ports[1].get().unwrap();
        assert_eq!((p1.host_ip.as_deref(), p1.host_port.as_deref()), (None, Some("8443")));
        assert_eq!((p1.container_port.as_str(), p1.protocol.as_str()), ("443", "udp"));
        assert_eq!(s.mounts.len(), 3);
        let m0 = s.mounts[0].get().unwrap();
        assert_eq!(
            (m0.kind, m0.source.as_deref(), m0.read_only),
            (MountKind::Bind, Some("/var/run/docker.sock"), true)
        );
        let m1 = s.mounts[1].get().unwrap();
        assert_eq!(m1.propagation.as_deref(), Some("rshared"));
        assert_eq!(s.mounts[2].get().unwrap().kind, MountKind::Tmpfs);
        assert_eq!(s.cap_add[0].get().map(String::as_str), Some("SYS_ADMIN"));
        assert_eq!(slice(text, &s.cap_add[0].at), "--cap-add cap_sys_admin");
        assert_eq!(s.cap_drop[0].get().map(String::as_str), Some("ALL"));
        assert_eq!(s.security_opts.len(), 2);
        assert_eq!(s.security_opts[1].get(), Some(&SecurityOpt::NoNewPrivileges(true)));
        assert_eq!(s.read_only.get(), Some(&true));
        for ns in [&s.network_mode, &s.pid, &s.ipc, &s.uts, &s.userns, &s.cgroupns] {
            assert_eq!(ns.get().map(String::as_str), Some("host"));
        }
        assert_eq!(slice(text, &s.network_mode.at), "--net=host");
        assert_eq!(s.devices[0].get().map(String::as_str), Some("/dev/sda"));
        assert_eq!(s.memory.get(), Some(&(512 << 20)));
        assert_eq!(s.cpus.get().map(String::as_str), Some("1.5"));
        assert_eq!(s.pids_limit.get(), Some(&100));
        assert_eq!(s.ulimits.len(), 1);
        assert_eq!(s.restart.get().map(String::as_str), Some("always"));
        assert_eq!(s.healthcheck.get(), Some(&Healthcheck::Disabled));
        assert_eq!(s.env.len(), 3);
        assert_eq!(s.env[1].get().unwrap().value, None);
        assert!(s.env[2].get().unwrap().value_unknown);
        assert!(!s.env[0].get().unwrap().value_unknown);
        assert_eq!(
            s.sysctls[0].get(),
            Some(&("net.ipv4.ip_forward".to_string(), "1".to_string()))
        );
        assert_eq!(s.oom_kill_disable.get(), Some(&true));
        assert_eq!(s.log_driver.get().map(String::as_str), Some("none"));
        assert_eq!(s.image.get().unwrap().raw, "nginx:1.27");
        assert_eq!(slice(text, &s.origin), "docker run");
        assert!(!s.has_unknown_settings);
    }

    #[test]
    fn absent_settings_are_unset_and_unknown_args_make_them_unknown() {
        let s = lower("docker run --rm alpine");
        assert!(s.privileged.value.is_unset() && s.memory.value.is_unset() && s.user.value.is_unset());
        assert!(!s.has_unknown_settings);
        let s = lower("docker run --rm $EXTRA_ARGS --privileged alpine");
        assert!(s.has_unknown_settings);
        assert!(s.memory.value.is_unknown() && s.user.value.is_unknown() && s.read_only.value.is_unknown());
        assert_eq!(s.privileged.get(), Some(&true));
        let s = lower("docker run -u $(id -u):$(id -g) -m $MEM -p $PORT:80 -v $VOL -v $HOME/.ssh:/k -v $V:/d alpine");
        assert!(s.user.value.is_unknown() && s.memory.value.is_unknown());
        assert!(s.ports[0].value.is_unknown() && s.mounts[0].value.is_unknown());
        let m = s.mounts[1].get().unwrap();
        assert_eq!((m.kind, m.source.as_deref()), (MountKind::Bind, Some("$HOME/.ssh")));
        assert_eq!(s.mounts[2].get().unwrap().kind, MountKind::Other);
        assert!(!s.has_unknown_settings);
    }

    #[test]
    fn service_create_leaves_what_it_cannot_say_unknown() {
        let s = lower("docker service create --limit-memory 1g --limit-pids 50 -p 8080:80 nginx");
        assert!(s.privileged.value.is_unknown() && s.pid.value.is_unknown() && s.restart.value.is_unknown());
        assert_eq!(s.memory.get(), Some(&(1 << 30)));
        assert_eq!(s.pids_limit.get(), Some(&50));
        assert!(s.security_opts.iter().any(|o| o.value.is_unknown()));
        assert!(s.fix_for(&Setting::NoNewPrivileges).is_none());
        assert!(s.fix_for(&Setting::BindPortToLocalhost(0)).is_none());
        assert!(s.fix_for(&Setting::CapDropAll).is_some());
    }

    #[test]
    fn capabilities_are_normalised_and_split() {
        let text = "podman run --cap-add=CAP_NET_ADMIN,sys_time --cap-drop all x";
        let s = lower(text);
        let caps: Vec<&str> = s.cap_add.iter().filter_map(|c| c.get().map(String::as_str)).collect();
        assert_eq!(caps, ["NET_ADMIN", "SYS_TIME"]);
        assert_eq!(slice(text, &s.cap_add[1].at), "sys_time");
        assert_eq!(s.cap_drop[0].get().map(String::as_str), Some("ALL"));
    }

    #[test]
    fn writer_inserts_before_the_image_and_binds_ports() {
        let text = "docker run -p 8080:80 -p 9000 -p127.0.0.1:1:1 --publish=\"5000:5000\" -p '6:6' nginx";
        let s = lower(text);
        let e = s.fix_for(&Setting::CapDropAll).unwrap();
        assert_eq!(e[0].range.start as usize, text.find("nginx").unwrap());
        assert_eq!(e[0].replacement, "--cap-drop=ALL ");
        let e = s.fix_for(&Setting::BindPortToLocalhost(0)).unwrap();
        assert_eq!(e[0].range.start as usize, text.find("8080").unwrap());
        let e = s.fix_for(&Setting::BindPortToLocalhost(1)).unwrap();
        assert_eq!(e[0].replacement, "127.0.0.1::");
        assert!(s.fix_for(&Setting::BindPortToLocalhost(2)).is_none());
        // A quoted `--publish="…"` word has no exact value bytes.
        assert!(s.fix_for(&Setting::BindPortToLocalhost(3)).is_none());
        let e = s.fix_for(&Setting::BindPortToLocalhost(4)).unwrap();
        assert_eq!(e[0].range.start as usize, text.find("6:6").unwrap());
    }

    #[test]
    fn a_map_that_is_not_byte_exact_disables_the_writer() {
        let text = "docker run --privileged nginx";
        let script = parse_shell(text);
        let run = parse_docker_cli(&script.commands[0].words).unwrap();
        let s = lower_run_line(FileId(3), &run, &|_| TextRange::new(100, 200));
        assert!(s.writer.is_none());
        assert_eq!(s.privileged.at, Provenance::text(FileId(3), TextRange::new(100, 200)));
    }
}
