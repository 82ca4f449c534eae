//! Lowering container inspect JSON (`GET /containers/{id}/json`) into a [`ContainerSpec`].
//!
//! A live container knows every setting: what Docker applied is in the inspect document,
//! defaults included. A value equal to Docker's default becomes `Unset` (so "no memory
//! limit" fires for `Memory: 0`, at the container itself), any other value is `Set`, and
//! a field the engine did not report at all (an older engine, Podman) is `Unknown`. The
//! document is walked by JSON pointer, because the pointer of each field is its provenance
//! (`/HostConfig/Privileged`, `/HostConfig/CapAdd/0`, `/HostConfig/PortBindings/80~1tcp/0`).
//!
//! The semantics mirror the `docker run` adapter (`dockward_model::run_line`):
//! capabilities are normalised the same way, security options are parsed by the same
//! function, resource settings map to the same fields.

use dockward_core::Provenance;
use dockward_model::container::{
    ContainerSource, ContainerSpec, EnvVar, Healthcheck, ImageFacts, Mount, MountKind, PortBinding, SecurityOpt,
};
use dockward_model::run_line::{normalize_capability, security_opt};
use dockward_model::{ImageRef, Known, Sourced};
use serde_json::Value;

/// What the daemon applies to every container unless it says otherwise, from `/info`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EngineDefaults {
    /// The daemon runs with `--no-new-privileges`: every container gets it
    /// (`SecurityOptions` holds `name=no-new-privileges`); the index of that entry.
    pub no_new_privileges: Option<usize>,
    /// The daemon's default cgroup namespace is private (`name=cgroupns`); otherwise it is
    /// the host's, and `CgroupnsMode: host` is the daemon's choice, not the container's.
    pub cgroupns_private: bool,
}

impl EngineDefaults {
    /// Reads `SecurityOptions` of `GET /info`.
    pub fn from_info(info: &Value) -> EngineDefaults {
        let options: Vec<&str> = info
            .get("SecurityOptions")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let named = |name: &str| {
            options
                .iter()
                .position(|o| o.split(',').any(|part| part == format!("name={name}")))
        };
        EngineDefaults {
            no_new_privileges: named("no-new-privileges"),
            cgroupns_private: named("cgroupns").is_some(),
        }
    }
}

/// Why an inspect document could not be lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowerError(pub String);

impl std::fmt::Display for LowerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LowerError {}

/// `container web (1a2b3c4d5e6f)`: how findings name a container.
pub fn container_object(name: &str, id: &str) -> String {
    format!("container {name} ({})", crate::client::short_id(id))
}

/// One reference token of a JSON pointer (RFC 6901): `~` → `~0`, `/` → `~1`.
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Lowers one container inspect document.
pub fn lower_container(inspect: &Value, defaults: &EngineDefaults) -> Result<ContainerSpec, LowerError> {
    let id = inspect
        .get("Id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| LowerError("not a container inspect document: no Id".to_string()))?;
    let name = inspect
        .get("Name")
        .and_then(Value::as_str)
        .map(|n| n.trim_start_matches('/'))
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| crate::client::short_id(id));
    let doc = Doc {
        root: inspect,
        object: container_object(name, id),
        shape: Shape::Inspect,
    };
    let source = ContainerSource::Engine {
        id: id.to_string(),
        name: name.to_string(),
    };
    Ok(lower_doc(&doc, source, defaults))
}

/// Lowers the body of a container create request (`POST /containers/create`, what
/// `docker create` and `docker run` send): the container's `Config` fields at the top
/// level, its `HostConfig` and `NetworkingConfig` beside them. It is the inspect lowering
/// with two differences: pointers address the body (`/Image`, `/HostConfig/Privileged`),
/// and a field the body leaves out is `Unset`, not `Unknown` — Docker applies its default,
/// as for a `docker run` line without that flag. The image is not known here: a body
/// without `User` says only what the container asks for (the image's `USER` decides).
/// `object` names the request in provenance (`create request web`).
pub fn lower_create_body(
    body: &Value,
    object: &str,
    name: &str,
    defaults: &EngineDefaults,
) -> Result<ContainerSpec, LowerError> {
    if !body.is_object() {
        return Err(LowerError("the create request's body is not a JSON object".to_string()));
    }
    if body.get("HostConfig").is_some_and(|h| !h.is_object() && !h.is_null()) {
        return Err(LowerError(
            "the create request's HostConfig is not a JSON object".to_string(),
        ));
    }
    let doc = Doc {
        root: body,
        object: object.to_string(),
        shape: Shape::CreateBody,
    };
    let source = ContainerSource::Engine {
        id: String::new(),
        name: name.to_string(),
    };
    Ok(lower_doc(&doc, source, defaults))
}

fn lower_doc(doc: &Doc<'_>, source: ContainerSource, defaults: &EngineDefaults) -> ContainerSpec {
    let mut spec = ContainerSpec::unset(source, doc.at(""));

    spec.image = doc.image();
    spec.privileged = doc.bool_field("/HostConfig/Privileged", false);
    // `ReadonlyRootfs: false` is Docker's default (a writable root), not a choice.
    spec.read_only = doc.bool_field("/HostConfig/ReadonlyRootfs", false);
    spec.oom_kill_disable = doc.bool_field("/HostConfig/OomKillDisable", false);
    spec.auto_remove = doc.get("/HostConfig/AutoRemove").and_then(Value::as_bool) == Some(true);

    let (user, facts) = doc.user_and_image_facts();
    spec.user = user;
    spec.image_facts = facts;
    spec.healthcheck = doc.healthcheck();

    for (field, list) in [("CapAdd", &mut spec.cap_add), ("CapDrop", &mut spec.cap_drop)] {
        for (pointer, value) in doc.strings(&format!("/HostConfig/{field}")) {
            list.push(Sourced::set(normalize_capability(value), doc.at(&pointer)));
        }
    }

    spec.network_mode = doc.mode("/HostConfig/NetworkMode", &["", "default"]);
    spec.pid = doc.mode("/HostConfig/PidMode", &[""]);
    spec.ipc = doc.mode("/HostConfig/IpcMode", &[""]);
    spec.uts = doc.mode("/HostConfig/UTSMode", &[""]);
    spec.userns = doc.mode("/HostConfig/UsernsMode", &[""]);
    // On a cgroup v1 host (or with `default-cgroupns-mode: host`) every container is in
    // the host's cgroup namespace: a daemon setting, reported for the daemon, not here.
    let daemon_cgroupns = if defaults.cgroupns_private { "private" } else { "host" };
    spec.cgroupns = doc.mode("/HostConfig/CgroupnsMode", &["", daemon_cgroupns]);

    spec.security_opts = doc.security_opts(&spec, defaults);
    spec.mounts = doc.mounts();
    spec.devices = doc.devices();
    spec.ports = doc.ports();

    spec.memory = match doc.get("/HostConfig/Memory").and_then(Value::as_i64) {
        Some(n) if n > 0 => Sourced::set(n as u64, doc.at("/HostConfig/Memory")),
        Some(_) => Sourced::unset(doc.at("/HostConfig/Memory")),
        None => doc.absent(doc.at("/HostConfig/Memory")),
    };
    spec.cpus = doc.cpus();
    spec.pids_limit = match doc.get("/HostConfig/PidsLimit") {
        // null and 0 are "no limit" as Docker stores it; -1 is an explicit "unlimited".
        Some(Value::Null) => Sourced::unset(doc.at("/HostConfig/PidsLimit")),
        Some(v) => match v.as_i64() {
            Some(0) => Sourced::unset(doc.at("/HostConfig/PidsLimit")),
            Some(n) => Sourced::set(n, doc.at("/HostConfig/PidsLimit")),
            None => Sourced::unknown(doc.at("/HostConfig/PidsLimit")),
        },
        None => doc.absent(doc.at("/HostConfig/PidsLimit")),
    };
    spec.ulimits = doc
        .array("/HostConfig/Ulimits")
        .filter_map(|(pointer, u)| {
            let name = u.get("Name")?.as_str()?;
            let soft = u.get("Soft")?.as_i64()?;
            let hard = u.get("Hard")?.as_i64()?;
            Some(Sourced::set(format!("{name}={soft}:{hard}"), doc.at(&pointer)))
        })
        .collect();
    spec.restart = doc.restart();
    spec.env = doc
        .strings(&doc.config("Env"))
        .map(|(pointer, entry)| {
            let (name, value) = match entry.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (entry, None),
            };
            let env = EnvVar {
                name: name.to_string(),
                value,
                value_unknown: false,
            };
            Sourced::set(env, doc.at(&pointer))
        })
        .collect();
    spec.sysctls = doc
        .object("/HostConfig/Sysctls")
        .filter_map(|(pointer, key, value)| {
            Some(Sourced::set(
                (key.to_string(), value.as_str()?.to_string()),
                doc.at(&pointer),
            ))
        })
        .collect();
    spec.log_driver = match doc.get("/HostConfig/LogConfig/Type").and_then(Value::as_str) {
        Some("") => Sourced::unset(doc.at("/HostConfig/LogConfig/Type")),
        Some(driver) => Sourced::set(driver.to_string(), doc.at("/HostConfig/LogConfig/Type")),
        None => doc.absent(doc.at("/HostConfig/LogConfig/Type")),
    };
    spec
}

/// Which document is lowered: it decides where the container's `Config` is and what an
/// absent field means.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// `GET /containers/{id}/json`: `Config` under `/Config`; an absent field means the
    /// engine did not report it (`Unknown`).
    Inspect,
    /// `POST /containers/create`: `Config` at the top level; an absent field means Docker's
    /// default (`Unset`).
    CreateBody,
}

/// The document, the object its pointers belong to, and its shape.
struct Doc<'a> {
    root: &'a Value,
    object: String,
    shape: Shape,
}

impl<'a> Doc<'a> {
    /// The pointer of a `Config` field (`/Config/User` in an inspect document, `/User` in
    /// a create body).
    fn config(&self, field: &str) -> String {
        match self.shape {
            Shape::Inspect => format!("/Config/{field}"),
            Shape::CreateBody => format!("/{field}"),
        }
    }

    /// A field the document does not hold: not reported (inspect), or left to Docker's
    /// default (create body).
    fn absent<T>(&self, at: Provenance) -> Sourced<T> {
        match self.shape {
            Shape::Inspect => Sourced::unknown(at),
            Shape::CreateBody => Sourced::unset(at),
        }
    }

    fn at(&self, pointer: &str) -> Provenance {
        Provenance::Engine {
            object: self.object.clone(),
            pointer: pointer.to_string(),
        }
    }

    fn get(&self, pointer: &str) -> Option<&'a Value> {
        // As `Value::pointer`, without its two `replace` calls per token: the enforcement
        // plugin lowers a body per request, and only map keys here ever hold a `~`.
        if pointer.is_empty() {
            return Some(self.root);
        }
        let mut target = self.root;
        for token in pointer.strip_prefix('/')?.split('/') {
            let unescaped;
            let token = if token.contains('~') {
                unescaped = token.replace("~1", "/").replace("~0", "~");
                unescaped.as_str()
            } else {
                token
            };
            target = match target {
                Value::Object(map) => map.get(token)?,
                Value::Array(list) if token == "0" || !token.starts_with(['0', '+']) => {
                    list.get(token.parse::<usize>().ok()?)?
                }
                _ => return None,
            };
        }
        Some(target)
    }

    /// The entries of an array field (absent and `null` are empty), with their pointers.
    fn array(&self, pointer: &str) -> impl Iterator<Item = (String, &'a Value)> + 'a {
        let base = pointer.to_string();
        self.get(pointer)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(move |(i, v)| (format!("{base}/{i}"), v))
    }

    /// The string entries of an array field.
    fn strings(&self, pointer: &str) -> impl Iterator<Item = (String, &'a str)> + 'a {
        self.array(pointer).filter_map(|(p, v)| Some((p, v.as_str()?)))
    }

    /// The members of an object field, in key order, with their pointers.
    fn object(&self, pointer: &str) -> impl Iterator<Item = (String, &'a str, &'a Value)> + 'a {
        let base = pointer.to_string();
        self.get(pointer)
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(move |(k, v)| (format!("{base}/{}", escape_pointer_token(k)), k.as_str(), v))
    }

    /// A boolean whose `default` value is Docker's default (`Unset`).
    fn bool_field(&self, pointer: &str, default: bool) -> Sourced<bool> {
        match self.get(pointer) {
            Some(Value::Bool(b)) if *b == default => Sourced::unset(self.at(pointer)),
            Some(Value::Bool(b)) => Sourced::set(*b, self.at(pointer)),
            Some(Value::Null) => Sourced::unset(self.at(pointer)),
            None => self.absent(self.at(pointer)),
            _ => Sourced::unknown(self.at(pointer)),
        }
    }

    /// A namespace or network mode; the values in `defaults` mean Docker's default.
    fn mode(&self, pointer: &str, defaults: &[&str]) -> Sourced<String> {
        match self.get(pointer).and_then(Value::as_str) {
            Some(v) if defaults.contains(&v) => Sourced::unset(self.at(pointer)),
            Some(v) => Sourced::set(v.to_string(), self.at(pointer)),
            None if self.get(pointer).is_none_or(Value::is_null) => self.absent(self.at(pointer)),
            None => Sourced::unknown(self.at(pointer)),
        }
    }

    /// `Config.Image`: the reference the container was created from. A container created
    /// from an image id has no reference to judge.
    fn image(&self) -> Sourced<ImageRef> {
        let pointer = self.config("Image");
        let at = self.at(&pointer);
        match self.get(&pointer).and_then(Value::as_str) {
            Some(image) if !image.is_empty() && !is_image_id(image) => Sourced::set(ImageRef::parse(image), at),
            _ => Sourced::unknown(at),
        }
    }

    /// `Config.User` is the effective user: the container's `--user`, else the image's
    /// `USER`. Empty means root, from neither. The image facts say the same about the
    /// merged config, so the root rule can say "sets no user and its image never leaves
    /// root" instead of guessing about an image it cannot see.
    fn user_and_image_facts(&self) -> (Sourced<String>, Option<ImageFacts>) {
        let at = self.at(&self.config("User"));
        if self.shape == Shape::CreateBody {
            // A create body holds only what the container asks for; the image is not seen.
            return match self.get("/User") {
                None | Some(Value::Null) => (Sourced::unset(at), None),
                Some(Value::String(user)) if user.is_empty() => (Sourced::unset(at), None),
                Some(Value::String(user)) => (Sourced::set(user.clone(), at), None),
                Some(_) => (Sourced::unknown(at), None),
            };
        }
        let healthcheck = self.healthcheck();
        let has_healthcheck = matches!(healthcheck.value, Known::Set(Healthcheck::Defined));
        let image_object = match (
            self.get("/Config/Image").and_then(Value::as_str),
            self.get("/Image").and_then(Value::as_str),
        ) {
            (Some(reference), Some(id)) => format!("image {reference} ({})", crate::client::short_id(id)),
            (Some(reference), None) => format!("image {reference}"),
            (None, Some(id)) => format!("image {}", crate::client::short_id(id)),
            (None, None) => "image".to_string(),
        };
        let facts = |user: Option<&str>| ImageFacts {
            user: user.map(str::to_string),
            user_is_root: user.is_none_or(is_root_user),
            has_healthcheck,
            dockerfile: Provenance::Engine {
                object: image_object.clone(),
                pointer: "/Config".to_string(),
            },
            // The engine's configuration is the image's own: nothing is left to a base.
            unknown_base: None,
        };
        match self.get("/Config/User").and_then(Value::as_str) {
            Some("") => (Sourced::unset(at), Some(facts(None))),
            Some(user) => (Sourced::set(user.to_string(), at), Some(facts(Some(user)))),
            // The engine did not say: neither the user nor the image is known.
            None => (Sourced::unknown(at), None),
        }
    }

    /// `Config.Healthcheck` (merged with the image's): `["NONE"]` disables it.
    fn healthcheck(&self) -> Sourced<Healthcheck> {
        let pointer = self.config("Healthcheck");
        let test: Vec<&str> = self.strings(&format!("{pointer}/Test")).map(|(_, s)| s).collect();
        match test.first() {
            Some(&"NONE") => Sourced::set(Healthcheck::Disabled, self.at(&format!("{pointer}/Test"))),
            Some(_) => Sourced::set(Healthcheck::Defined, self.at(&pointer)),
            None => Sourced::unset(self.at(&pointer)),
        }
    }

    /// `HostConfig.SecurityOpt`, parsed as the CLI parses `--security-opt`, plus the
    /// daemon's default no-new-privileges.
    fn security_opts(&self, spec: &ContainerSpec, defaults: &EngineDefaults) -> Vec<Sourced<SecurityOpt>> {
        // Docker itself appends `label=disable` to privileged containers and to those
        // sharing the host's PID or IPC namespace; those are reported as such, so the
        // label it added is not reported a second time.
        let is_host = |f: &Sourced<String>| f.get().is_some_and(|v| v == "host");
        let implied_label = spec.privileged.get() == Some(&true) || is_host(&spec.pid) || is_host(&spec.ipc);
        let mut opts: Vec<Sourced<SecurityOpt>> = self
            .strings("/HostConfig/SecurityOpt")
            .map(|(pointer, value)| Sourced::set(security_opt(value), self.at(&pointer)))
            .filter(|o| !(implied_label && o.get() == Some(&SecurityOpt::Label("disable".to_string()))))
            .collect();
        let says_nnp = opts
            .iter()
            .any(|o| matches!(o.get(), Some(SecurityOpt::NoNewPrivileges(_))));
        if let (Some(index), false) = (defaults.no_new_privileges, says_nnp) {
            opts.push(Sourced::set(
                SecurityOpt::NoNewPrivileges(true),
                Provenance::Engine {
                    object: "daemon".to_string(),
                    pointer: format!("/SecurityOptions/{index}"),
                },
            ));
        }
        opts
    }

    /// The resolved `Mounts`, each pointing at the `HostConfig` entry that asked for it
    /// (`Binds` for `-v`, `Mounts` for `--mount`), plus `--tmpfs` mounts (`HostConfig.Tmpfs`,
    /// which `Mounts` does not list).
    fn mounts(&self) -> Vec<Sourced<Mount>> {
        if self.shape == Shape::CreateBody {
            return self.requested_mounts();
        }
        let binds: Vec<(String, &str)> = self.strings("/HostConfig/Binds").collect();
        let requested: Vec<(String, &str)> = self
            .array("/HostConfig/Mounts")
            .filter_map(|(p, m)| Some((p, m.get("Target")?.as_str()?)))
            .collect();
        let mut out: Vec<Sourced<Mount>> = self
            .array("/Mounts")
            .filter_map(|(pointer, m)| {
                let target = m.get("Destination")?.as_str()?;
                let kind = match m.get("Type").and_then(Value::as_str) {
                    Some("bind") => MountKind::Bind,
                    Some("volume") => MountKind::Volume,
                    Some("tmpfs") => MountKind::Tmpfs,
                    _ => MountKind::Other,
                };
                let source = match kind {
                    // A volume's `Source` is its folder under the data root; rules judge
                    // its name, as they do for `-v name:/path`.
                    MountKind::Volume => m.get("Name").and_then(Value::as_str),
                    _ => m.get("Source").and_then(Value::as_str),
                }
                .filter(|s| !s.is_empty());
                let propagation = m.get("Propagation").and_then(Value::as_str).filter(|p| !p.is_empty());
                let mount = Mount {
                    kind,
                    source: source.map(str::to_string),
                    target: target.to_string(),
                    read_only: m.get("RW").and_then(Value::as_bool) == Some(false),
                    propagation: propagation.map(str::to_string),
                };
                let origin = binds
                    .iter()
                    .find(|(_, b)| bind_target(b) == Some(target))
                    .or_else(|| requested.iter().find(|(_, t)| *t == target))
                    .map_or(pointer, |(p, _)| p.clone());
                Some(Sourced::set(mount, self.at(&origin)))
            })
            .collect();
        out.extend(self.tmpfs_mounts());
        out
    }

    /// What a create body asks for: `HostConfig.Binds` (`-v`, read as the CLI reads it),
    /// `HostConfig.Mounts` (`--mount`) and `HostConfig.Tmpfs`; nothing is resolved yet.
    fn requested_mounts(&self) -> Vec<Sourced<Mount>> {
        let mut out: Vec<Sourced<Mount>> = self
            .strings("/HostConfig/Binds")
            .filter_map(|(pointer, bind)| {
                let spec = dockward_shell::values::parse_volume(bind).ok()?;
                let kind = match spec.kind {
                    dockward_shell::values::VolumeKind::Bind => MountKind::Bind,
                    _ => MountKind::Volume,
                };
                let mount = Mount {
                    kind,
                    source: spec.source,
                    target: spec.target,
                    read_only: spec.read_only,
                    propagation: spec.propagation,
                };
                Some(Sourced::set(mount, self.at(&pointer)))
            })
            .collect();
        out.extend(self.array("/HostConfig/Mounts").filter_map(|(pointer, m)| {
            let text = |v: Option<&Value>| v.and_then(Value::as_str).filter(|s| !s.is_empty()).map(str::to_string);
            let kind = match m.get("Type").and_then(Value::as_str) {
                Some("bind") => MountKind::Bind,
                Some("volume") => MountKind::Volume,
                Some("tmpfs") => MountKind::Tmpfs,
                _ => MountKind::Other,
            };
            let mount = Mount {
                kind,
                source: text(m.get("Source")),
                target: text(m.get("Target"))?,
                read_only: m.get("ReadOnly").and_then(Value::as_bool) == Some(true),
                propagation: text(m.pointer("/BindOptions/Propagation")),
            };
            Some(Sourced::set(mount, self.at(&pointer)))
        }));
        out.extend(self.tmpfs_mounts());
        out
    }

    /// `HostConfig.Tmpfs` (`--tmpfs`), which the resolved `Mounts` do not list.
    fn tmpfs_mounts(&self) -> Vec<Sourced<Mount>> {
        let mut out = Vec::new();
        for (pointer, target, options) in self.object("/HostConfig/Tmpfs") {
            let options = options.as_str().unwrap_or("");
            let mount = Mount {
                kind: MountKind::Tmpfs,
                source: None,
                target: target.to_string(),
                read_only: options.split(',').any(|o| o == "ro"),
                propagation: None,
            };
            out.push(Sourced::set(mount, self.at(&pointer)));
        }
        out
    }

    /// `HostConfig.Devices` as the `--device` string `host:container:permissions`.
    fn devices(&self) -> Vec<Sourced<String>> {
        self.array("/HostConfig/Devices")
            .filter_map(|(pointer, d)| {
                let host = d.get("PathOnHost")?.as_str()?;
                let container = d.get("PathInContainer").and_then(Value::as_str).unwrap_or(host);
                let permissions = d.get("CgroupPermissions").and_then(Value::as_str).unwrap_or("");
                let value = if permissions.is_empty() {
                    format!("{host}:{container}")
                } else {
                    format!("{host}:{container}:{permissions}")
                };
                Some(Sourced::set(value, self.at(&pointer)))
            })
            .collect()
    }

    /// `HostConfig.PortBindings` (`{"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}`),
    /// and `PublishAllPorts` as one binding of every port (`*`), as `-P` lowers.
    fn ports(&self) -> Vec<Sourced<PortBinding>> {
        let mut out = Vec::new();
        for (pointer, key, bindings) in self.object("/HostConfig/PortBindings") {
            let (container_port, protocol) = key.split_once('/').unwrap_or((key, "tcp"));
            for (i, b) in bindings.as_array().into_iter().flatten().enumerate() {
                let text = |field: &str| {
                    b.get(field)
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                        .map(str::to_string)
                };
                let binding = PortBinding {
                    host_ip: text("HostIp"),
                    host_port: text("HostPort").filter(|p| p != "0"),
                    container_port: container_port.to_string(),
                    protocol: protocol.to_string(),
                };
                out.push(Sourced::set(binding, self.at(&format!("{pointer}/{i}"))));
            }
        }
        if self.get("/HostConfig/PublishAllPorts").and_then(Value::as_bool) == Some(true) {
            let binding = PortBinding {
                host_ip: None,
                host_port: None,
                container_port: "*".to_string(),
                protocol: "tcp".to_string(),
            };
            out.push(Sourced::set(binding, self.at("/HostConfig/PublishAllPorts")));
        }
        out
    }

    /// The CPU bound, as the run-line adapter records it: `--cpus` (`NanoCpus`) first, then
    /// a quota, a CPU set, or a relative weight.
    fn cpus(&self) -> Sourced<String> {
        let number = |p: &str| self.get(p).and_then(Value::as_i64).filter(|n| *n > 0);
        if let Some(nano) = number("/HostConfig/NanoCpus") {
            let cpus = format!("{}", nano as f64 / 1e9);
            return Sourced::set(cpus, self.at("/HostConfig/NanoCpus"));
        }
        if let Some(quota) = number("/HostConfig/CpuQuota") {
            return Sourced::set(format!("cpu-quota={quota}"), self.at("/HostConfig/CpuQuota"));
        }
        if let Some(set) = self
            .get("/HostConfig/CpusetCpus")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        {
            return Sourced::set(format!("cpuset-cpus={set}"), self.at("/HostConfig/CpusetCpus"));
        }
        if let Some(shares) = number("/HostConfig/CpuShares") {
            return Sourced::set(format!("cpu-shares={shares}"), self.at("/HostConfig/CpuShares"));
        }
        if self.get("/HostConfig/NanoCpus").is_none() {
            return self.absent(self.at("/HostConfig/NanoCpus"));
        }
        Sourced::unset(self.at("/HostConfig/NanoCpus"))
    }

    /// `HostConfig.RestartPolicy` as the `--restart` value; `no` is the default.
    fn restart(&self) -> Sourced<String> {
        let at = self.at("/HostConfig/RestartPolicy");
        let Some(policy) = self.get("/HostConfig/RestartPolicy") else {
            return self.absent(at);
        };
        let name = policy.get("Name").and_then(Value::as_str).unwrap_or("");
        let count = policy.get("MaximumRetryCount").and_then(Value::as_i64).unwrap_or(0);
        match name {
            "" | "no" => Sourced::unset(at),
            "on-failure" if count > 0 => Sourced::set(format!("on-failure:{count}"), at),
            _ => Sourced::set(name.to_string(), self.at("/HostConfig/RestartPolicy/Name")),
        }
    }
}

/// The container path of a `Binds` entry (`src:dst[:opts]`).
fn bind_target(bind: &str) -> Option<&str> {
    let mut parts = bind.split(':');
    parts.next()?;
    parts.next()
}

/// `sha256:…` or a bare 64-hex id.
fn is_image_id(image: &str) -> bool {
    let hex = image.strip_prefix("sha256:").unwrap_or(image);
    hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn is_root_user(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or("").trim();
    name.is_empty() || name == "root" || name == "0"
}

#[cfg(test)]
mod tests;
