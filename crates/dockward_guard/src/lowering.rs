//! Request bodies → [`ContainerSpec`], so the runtime rules judge a request as they judge a
//! Compose service, a `docker run` line or a live container.
//!
//! A container create body is lowered by the engine adapter (`lower_create_body`: the
//! inspect lowering, with pointers into the body). An exec, an update or a service request
//! says only some settings: the rest of its spec is `Unknown`, so no rule reports what the
//! request could not have said.

use crate::classify::Action;
use dockward_core::Provenance;
use dockward_engine::lower::lower_create_body;
use dockward_engine::{EngineDefaults, LowerError};
use dockward_model::container::{
    ContainerSource, ContainerSpec, Healthcheck, Mount, MountKind, PortBinding, SecurityOpt,
};
use dockward_model::run_line::normalize_capability;
use dockward_model::{ImageRef, Sourced};
use serde_json::Value;

/// Lowers an audited request's body; `None` for a call the guard does not examine.
pub fn lower_request(action: &Action, body: &Value) -> Option<Result<ContainerSpec, LowerError>> {
    if !body.is_object() {
        return Some(Err(LowerError("the request's body is not a JSON object".to_string())));
    }
    Some(match action {
        Action::ContainerCreate { name } => {
            let name = name.as_deref().filter(|n| !n.is_empty()).unwrap_or("(unnamed)");
            let object = format!("create request {name}");
            lower_create_body(body, &object, name, &EngineDefaults::default())
        }
        Action::ExecCreate { container } => lower_exec(body, container),
        Action::ContainerUpdate { container } => lower_update(body, container),
        Action::LegacyStart { container } => lower_legacy_start(body, container),
        Action::ServiceCreate => lower_service(body, "create"),
        Action::ServiceUpdate { service } => lower_service(body, service),
        Action::Other => return None,
    })
}

fn at(object: &str, pointer: &str) -> Provenance {
    Provenance::Engine {
        object: object.to_string(),
        pointer: pointer.to_string(),
    }
}

/// A spec in which nothing is known: the base for requests that say only some settings.
fn partial_spec(source: ContainerSource, object: &str) -> ContainerSpec {
    let mut spec = ContainerSpec::unset(source, at(object, ""));
    spec.mark_unset_as_unknown();
    spec.image = Sourced::unknown(at(object, ""));
    spec
}

/// A boolean field: `true` is set, `false`, `null` or absent is Docker's default.
fn flag(body: &Value, object: &str, pointer: &str) -> Result<Sourced<bool>, LowerError> {
    match body.pointer(pointer) {
        Some(Value::Bool(true)) => Ok(Sourced::set(true, at(object, pointer))),
        Some(Value::Bool(false) | Value::Null) | None => Ok(Sourced::unset(at(object, pointer))),
        Some(_) => Err(LowerError(format!("{pointer} is not a boolean"))),
    }
}

/// `POST /containers/{id}/exec`: what matters is `Privileged` (every capability, no
/// seccomp or AppArmor confinement for the process). The exec's user is not judged: an
/// exec without one runs as the container's user, which the request does not show.
fn lower_exec(body: &Value, container: &str) -> Result<ContainerSpec, LowerError> {
    let object = format!("exec request in {container}");
    let source = ContainerSource::RunCommand {
        tool: "docker exec".to_string(),
    };
    let mut spec = partial_spec(source, &object);
    spec.privileged = flag(body, &object, "/Privileged")?;
    Ok(spec)
}

/// `POST /containers/{id}/update`: resource limits and the restart policy, at the top
/// level of the body. A zero means "leave as it is", so only values the update sets count.
fn lower_update(body: &Value, container: &str) -> Result<ContainerSpec, LowerError> {
    let object = format!("update request for {container}");
    // The update body is a `HostConfig` subset: lowered as one, then re-pointed.
    let wrapped = serde_json::json!({ "HostConfig": body });
    let full = lower_create_body(&wrapped, &object, container, &EngineDefaults::default())?;
    let source = ContainerSource::Engine {
        id: String::new(),
        name: container.to_string(),
    };
    let mut spec = partial_spec(source, &object);
    let rebase = |at: &Provenance| match at {
        Provenance::Engine { object, pointer } => Provenance::Engine {
            object: object.clone(),
            pointer: pointer.strip_prefix("/HostConfig").unwrap_or(pointer).to_string(),
        },
        other => other.clone(),
    };
    fn keep_set<T: Clone>(field: &Sourced<T>, spec_field: &mut Sourced<T>, rebase: &dyn Fn(&Provenance) -> Provenance) {
        if let Some(value) = field.get() {
            *spec_field = Sourced::set(value.clone(), rebase(&field.at));
        }
    }
    keep_set(&full.memory, &mut spec.memory, &rebase);
    keep_set(&full.cpus, &mut spec.cpus, &rebase);
    keep_set(&full.pids_limit, &mut spec.pids_limit, &rebase);
    keep_set(&full.restart, &mut spec.restart, &rebase);
    Ok(spec)
}

/// A legacy start's body is a whole `HostConfig`, which replaces the container's: judged as
/// a create body's would be. What lives in the container's `Config` (image, user, health
/// check, environment) is not in it, so it is unknown.
fn lower_legacy_start(body: &Value, container: &str) -> Result<ContainerSpec, LowerError> {
    let object = format!("start request for {container}");
    let wrapped = serde_json::json!({ "HostConfig": body });
    let mut spec = lower_create_body(&wrapped, &object, container, &EngineDefaults::default())?;
    spec.image = Sourced::unknown(at(&object, ""));
    spec.user = Sourced::unknown(at(&object, ""));
    spec.healthcheck = Sourced::unknown(at(&object, ""));
    Ok(spec)
}

/// `POST /services/create` and `/services/{id}/update`: the task's container spec, its
/// resource limits and the published ports. A service cannot be privileged nor share the
/// host's namespaces; its defaults are Docker's, as for a container.
fn lower_service(body: &Value, id: &str) -> Result<ContainerSpec, LowerError> {
    let name = body
        .get("Name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or(id);
    let object = format!("service request {name}");
    let cs = "/TaskTemplate/ContainerSpec";
    if body.pointer(cs).is_some_and(|v| !v.is_object()) {
        return Err(LowerError(format!("{cs} is not a JSON object")));
    }
    let source = ContainerSource::RunCommand {
        tool: "docker service".to_string(),
    };
    let mut spec = ContainerSpec::unset(source, at(&object, ""));
    let get = |p: &str| body.pointer(p);
    let text = |p: &str| get(p).and_then(Value::as_str).filter(|s| !s.is_empty());
    let strings = |p: &str| -> Vec<(String, String)> {
        get(p)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, v)| Some((format!("{p}/{i}"), v.as_str()?.to_string())))
            .collect()
    };

    let image = format!("{cs}/Image");
    spec.image = match text(&image) {
        Some(reference) => Sourced::set(ImageRef::parse(reference), at(&object, &image)),
        None => Sourced::unknown(at(&object, &image)),
    };
    let user = format!("{cs}/User");
    spec.user = match text(&user) {
        Some(u) => Sourced::set(u.to_string(), at(&object, &user)),
        None => Sourced::unset(at(&object, &user)),
    };
    spec.read_only = flag(body, &object, &format!("{cs}/ReadOnly"))?;
    for (field, list) in [
        ("CapabilityAdd", &mut spec.cap_add),
        ("CapabilityDrop", &mut spec.cap_drop),
    ] {
        for (pointer, cap) in strings(&format!("{cs}/{field}")) {
            list.push(Sourced::set(normalize_capability(&cap), at(&object, &pointer)));
        }
    }
    let privileges = format!("{cs}/Privileges");
    if let Some(mode) = text(&format!("{privileges}/Seccomp/Mode")).filter(|m| *m == "unconfined") {
        let pointer = format!("{privileges}/Seccomp/Mode");
        spec.security_opts.push(Sourced::set(
            SecurityOpt::Seccomp(mode.to_string()),
            at(&object, &pointer),
        ));
    }
    if text(&format!("{privileges}/AppArmor/Mode")) == Some("disabled") {
        let pointer = format!("{privileges}/AppArmor/Mode");
        spec.security_opts.push(Sourced::set(
            SecurityOpt::AppArmor("unconfined".to_string()),
            at(&object, &pointer),
        ));
    }
    if get(&format!("{privileges}/NoNewPrivileges")).and_then(Value::as_bool) == Some(true) {
        let pointer = format!("{privileges}/NoNewPrivileges");
        spec.security_opts
            .push(Sourced::set(SecurityOpt::NoNewPrivileges(true), at(&object, &pointer)));
    }
    let mounts = format!("{cs}/Mounts");
    for (i, m) in get(&mounts).and_then(Value::as_array).into_iter().flatten().enumerate() {
        let field = |f: &str| {
            m.pointer(f)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        let Some(target) = field("/Target") else { continue };
        let kind = match m.get("Type").and_then(Value::as_str) {
            Some("bind") => MountKind::Bind,
            Some("volume") | None => MountKind::Volume,
            Some("tmpfs") => MountKind::Tmpfs,
            Some(_) => MountKind::Other,
        };
        let mount = Mount {
            kind,
            source: field("/Source"),
            target,
            read_only: m.get("ReadOnly").and_then(Value::as_bool) == Some(true),
            propagation: field("/BindOptions/Propagation"),
        };
        spec.mounts
            .push(Sourced::set(mount, at(&object, &format!("{mounts}/{i}"))));
    }
    for (pointer, entry) in strings(&format!("{cs}/Env")) {
        let (name, value) = match entry.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (entry.clone(), None),
        };
        let env = dockward_model::container::EnvVar {
            name,
            value,
            value_unknown: false,
        };
        spec.env.push(Sourced::set(env, at(&object, &pointer)));
    }
    let sysctls = format!("{cs}/Sysctls");
    for (key, value) in get(&sysctls).and_then(Value::as_object).into_iter().flatten() {
        if let Some(value) = value.as_str() {
            let pointer = format!("{sysctls}/{}", dockward_engine::lower::escape_pointer_token(key));
            spec.sysctls
                .push(Sourced::set((key.clone(), value.to_string()), at(&object, &pointer)));
        }
    }
    let health = format!("{cs}/Healthcheck");
    spec.healthcheck = match strings(&format!("{health}/Test")).first() {
        Some((p, t)) if t == "NONE" => Sourced::set(Healthcheck::Disabled, at(&object, p)),
        Some(_) => Sourced::set(Healthcheck::Defined, at(&object, &health)),
        None => Sourced::unset(at(&object, &health)),
    };
    let limits = "/TaskTemplate/Resources/Limits";
    let number = |p: &str| get(p).and_then(Value::as_i64).filter(|n| *n > 0);
    let memory = format!("{limits}/MemoryBytes");
    spec.memory = match number(&memory) {
        Some(n) => Sourced::set(n as u64, at(&object, &memory)),
        None => Sourced::unset(at(&object, &memory)),
    };
    let cpus = format!("{limits}/NanoCPUs");
    spec.cpus = match number(&cpus) {
        Some(n) => Sourced::set(format!("{}", n as f64 / 1e9), at(&object, &cpus)),
        None => Sourced::unset(at(&object, &cpus)),
    };
    let pids = format!("{limits}/Pids");
    spec.pids_limit = match number(&pids) {
        Some(n) => Sourced::set(n, at(&object, &pids)),
        None => Sourced::unset(at(&object, &pids)),
    };
    // Swarm restarts tasks by default (`Condition: any`); the container restart-policy
    // rule speaks of `docker run --restart`, so it is left out of a service's judgement.
    spec.restart = Sourced::unknown(at(&object, "/TaskTemplate/RestartPolicy"));
    let ports = "/EndpointSpec/Ports";
    for (i, p) in get(ports).and_then(Value::as_array).into_iter().flatten().enumerate() {
        let Some(target) = p.get("TargetPort").and_then(Value::as_u64) else {
            continue;
        };
        let binding = PortBinding {
            // The routing mesh (and `mode=host`) publish on every interface.
            host_ip: None,
            host_port: p
                .get("PublishedPort")
                .and_then(Value::as_u64)
                .filter(|n| *n > 0)
                .map(|n| n.to_string()),
            container_port: target.to_string(),
            protocol: p.get("Protocol").and_then(Value::as_str).unwrap_or("tcp").to_string(),
        };
        spec.ports
            .push(Sourced::set(binding, at(&object, &format!("{ports}/{i}"))));
    }
    let log = "/TaskTemplate/LogDriver/Name";
    spec.log_driver = match text(log) {
        Some(driver) => Sourced::set(driver.to_string(), at(&object, log)),
        None => Sourced::unset(at(&object, log)),
    };
    Ok(spec)
}
