//! The lowering on inspect JSON captured from a real dockerd (Debian docker.io 20.10, API
//! 1.41); `tests/data/docker-20.10/README.md` has the command that created each container.

use super::*;
use dockward_core::{Finding, Settings};
use dockward_model::container::ContainerSource;

fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/data/docker-20.10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn defaults() -> EngineDefaults {
    EngineDefaults::from_info(&fixture("info"))
}

fn lower(name: &str) -> ContainerSpec {
    lower_container(&fixture(name), &defaults()).unwrap()
}

fn pointer(at: &Provenance) -> &str {
    match at {
        Provenance::Engine { pointer, .. } => pointer,
        other => panic!("not an engine provenance: {other:?}"),
    }
}

/// The findings of the default rule set, as `(code, pointer)`, sorted.
fn findings(spec: &ContainerSpec) -> (Vec<(&'static str, String)>, Vec<Finding>) {
    let mut out = Vec::new();
    dockward_rules::check_container(spec, &Settings::default(), &mut out);
    let mut pairs: Vec<(&'static str, String)> =
        out.iter().map(|f| (f.rule.code, pointer(&f.at).to_string())).collect();
    pairs.sort();
    (pairs, out)
}

fn pairs(expected: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = expected.iter().map(|(c, p)| (*c, p.to_string())).collect();
    v.sort();
    v
}

/// What every container without limits, user, or hardening draws, at the container.
const UNHARDENED: [(&str, &str); 7] = [
    ("DW302", ""),
    ("DW303", ""),
    ("DW305", ""),
    ("DW307", ""),
    ("DW601", ""),
    ("DW602", ""),
    ("DW603", ""),
];

#[test]
fn the_daemon_defaults_come_from_info() {
    assert_eq!(defaults(), EngineDefaults::default());
    let info = serde_json::json!({"SecurityOptions": [
        "name=seccomp,profile=builtin", "name=no-new-privileges", "name=cgroupns"
    ]});
    let d = EngineDefaults::from_info(&info);
    assert_eq!(d.no_new_privileges, Some(1));
    assert!(d.cgroupns_private);
}

#[test]
fn origin_source_and_image() {
    let spec = lower("privileged");
    assert_eq!(
        spec.origin,
        Provenance::Engine {
            object: "container priv (f452f9da4091)".to_string(),
            pointer: String::new(),
        }
    );
    let ContainerSource::Engine { id, name } = &spec.source else {
        panic!("{:?}", spec.source)
    };
    assert_eq!((id.len(), name.as_str()), (64, "priv"));
    assert_eq!(spec.describe(), "container `priv`");
    assert_eq!(spec.image.get().unwrap().raw, "test/base:1");
    assert_eq!(pointer(&spec.image.at), "/Config/Image");
}

#[test]
fn privileged_container() {
    let spec = lower("privileged");
    assert_eq!(spec.privileged.get(), Some(&true));
    assert_eq!(pointer(&spec.privileged.at), "/HostConfig/Privileged");
    // Docker adds `label=disable` to privileged containers by itself: not a second finding.
    assert!(spec.security_opts.is_empty(), "{:?}", spec.security_opts);
    let (found, _) = findings(&spec);
    let mut expected: Vec<(&str, &str)> = UNHARDENED.iter().filter(|(c, _)| *c != "DW303").copied().collect();
    expected.extend([("DW301", "/HostConfig/Privileged"), ("DW315", "")]);
    assert_eq!(found, pairs(&expected));
}

#[test]
fn hardened_container_draws_no_hardening_finding() {
    let spec = lower("hardened");
    assert_eq!(spec.user.get().map(String::as_str), Some("1000"));
    assert_eq!(spec.read_only.get(), Some(&true));
    assert_eq!(spec.memory.get(), Some(&(64 << 20)));
    assert_eq!(spec.pids_limit.get(), Some(&50));
    assert_eq!(spec.cap_drop[0].get().map(String::as_str), Some("ALL"));
    assert_eq!(pointer(&spec.cap_drop[0].at), "/HostConfig/CapDrop/0");
    assert_eq!(spec.security_opts[0].get(), Some(&SecurityOpt::NoNewPrivileges(true)));
    assert_eq!(spec.network_mode.get().map(String::as_str), Some("none"));
    // cgroup v1: the host's cgroup namespace is the daemon's default, not the container's.
    assert!(spec.cgroupns.value.is_unset());
    let (found, _) = findings(&spec);
    // It was created without a CPU bound or a healthcheck.
    assert_eq!(found, pairs(&[("DW315", ""), ("DW602", "")]));
}

#[test]
fn socket_bind_and_published_ports() {
    let spec = lower("socket-and-ports");
    let m = spec.mounts[0].get().unwrap();
    assert_eq!(
        (m.kind, m.source.as_deref(), m.read_only),
        (MountKind::Bind, Some("/var/run/docker.sock"), false)
    );
    assert_eq!(pointer(&spec.mounts[0].at), "/HostConfig/Binds/0");
    let ports: Vec<(String, Option<&str>, Option<&str>, &str)> = spec
        .ports
        .iter()
        .map(|p| {
            let b = p.get().unwrap();
            (
                pointer(&p.at).to_string(),
                b.host_ip.as_deref(),
                b.host_port.as_deref(),
                b.protocol.as_str(),
            )
        })
        .collect();
    assert_eq!(
        ports,
        [
            ("/HostConfig/PortBindings/5432~1tcp/0".to_string(), None, None, "tcp"),
            (
                "/HostConfig/PortBindings/80~1tcp/0".to_string(),
                Some("0.0.0.0"),
                Some("8080"),
                "tcp"
            ),
            (
                "/HostConfig/PortBindings/9000~1udp/0".to_string(),
                Some("127.0.0.1"),
                Some("9000"),
                "udp"
            ),
        ]
    );
    let (found, _) = findings(&spec);
    let mut expected = UNHARDENED.to_vec();
    expected.extend([
        ("DW309", "/HostConfig/Binds/0"),
        ("DW511", "/HostConfig/PortBindings/5432~1tcp/0"),
        ("DW511", "/HostConfig/PortBindings/80~1tcp/0"),
        ("DW315", ""),
    ]);
    assert_eq!(found, pairs(&expected));
}

#[test]
fn kitchen_sink_of_insecure_settings() {
    let spec = lower("kitchen-sink");
    let caps: Vec<&str> = spec.cap_add.iter().map(|c| c.get().unwrap().as_str()).collect();
    assert_eq!(caps, ["NET_ADMIN", "SYS_ADMIN"]);
    // The volume is named, not its folder under the data root.
    let volume = spec
        .mounts
        .iter()
        .find_map(|m| m.get().filter(|m| m.kind == MountKind::Volume))
        .unwrap();
    assert_eq!(volume.source.as_deref(), Some("vol1"));
    let tmpfs: Vec<&str> = spec
        .mounts
        .iter()
        .filter_map(|m| m.get().filter(|m| m.kind == MountKind::Tmpfs))
        .map(|m| m.target.as_str())
        .collect();
    assert_eq!(tmpfs, ["/run", "/tmp"]);
    assert_eq!(spec.cpus.get().map(String::as_str), Some("1.5"));
    assert_eq!(
        spec.devices[0].get().map(String::as_str),
        Some("/dev/null:/dev/xnull:rwm")
    );
    assert_eq!(spec.ulimits[0].get().map(String::as_str), Some("nofile=1024:2048"));
    assert_eq!(spec.restart.get().map(String::as_str), Some("on-failure"));

    let (found, all) = findings(&spec);
    let expected = [
        ("DW302", "/Config/User"),
        ("DW303", ""),
        ("DW304", "/HostConfig/CapAdd/0"),
        ("DW304", "/HostConfig/CapAdd/1"),
        ("DW305", "/HostConfig/SecurityOpt/2"),
        ("DW306", "/HostConfig/SecurityOpt/0"),
        ("DW306", "/HostConfig/SecurityOpt/1"),
        ("DW307", ""),
        ("DW308", "/HostConfig/IpcMode"),
        ("DW308", "/HostConfig/PidMode"),
        ("DW308", "/HostConfig/UTSMode"),
        ("DW310", "/HostConfig/Binds/1"),
        ("DW311", "/HostConfig/Mounts/0"),
        ("DW313", "/HostConfig/Ulimits/0"),
        ("DW314", "/HostConfig/RestartPolicy/Name"),
        ("DW318", "/HostConfig/Sysctls/net.ipv4.ip_forward"),
        ("DW410", "/Config/Env/0"),
        ("DW511", "/HostConfig/PublishAllPorts"),
        ("DW601", ""),
        ("DW603", ""),
        ("DW604", "/HostConfig/OomKillDisable"),
        ("DW801", "/HostConfig/LogConfig/Type"),
    ];
    assert_eq!(found, pairs(&expected));
    // The secret's name is reported, never its value.
    for f in &all {
        let text = format!("{} {}", f.message, f.help.as_deref().unwrap_or(""));
        assert!(!text.contains("hunter2secret"), "{text}");
    }
    assert!(all.iter().any(|f| f.message.contains("DB_PASSWORD")));
}

#[test]
fn restart_forever_and_disabled_healthcheck() {
    let spec = lower("restart-no-healthcheck");
    assert_eq!(spec.healthcheck.get(), Some(&Healthcheck::Disabled));
    assert_eq!(spec.cgroupns.get().map(String::as_str), Some("private"));
    assert_eq!(spec.cpus.get().map(String::as_str), Some("cpu-shares=512"));
    // `--read-only=false`, `--privileged=false` are Docker's defaults.
    assert!(spec.read_only.value.is_unset() && spec.privileged.value.is_unset());
    let (found, _) = findings(&spec);
    let mut expected: Vec<(&str, &str)> = UNHARDENED
        .iter()
        .filter(|(c, _)| !matches!(*c, "DW302" | "DW602"))
        .copied()
        .collect();
    expected.extend([
        ("DW302", "/Config/User"),
        ("DW308", "/HostConfig/UsernsMode"),
        ("DW314", "/HostConfig/RestartPolicy/Name"),
        ("DW315", "/Config/Healthcheck/Test"),
    ]);
    assert_eq!(found, pairs(&expected));
}

#[test]
fn daemon_no_new_privileges_covers_containers_that_do_not_say() {
    let d = EngineDefaults {
        no_new_privileges: Some(0),
        cgroupns_private: false,
    };
    let spec = lower_container(&fixture("privileged"), &d).unwrap();
    let (found, _) = findings(&spec);
    assert!(!found.iter().any(|(c, _)| *c == "DW305"), "{found:?}");
    // An explicit `no-new-privileges=false` still wins over the daemon's default.
    let spec = lower_container(&fixture("kitchen-sink"), &d).unwrap();
    let (found, _) = findings(&spec);
    assert!(found.contains(&("DW305", "/HostConfig/SecurityOpt/2".to_string())));
}

#[test]
fn fields_the_engine_does_not_report_are_unknown() {
    let doc = serde_json::json!({"Id": "0123456789abcdef0123", "Name": "/bare", "Config": {}, "HostConfig": {}});
    let spec = lower_container(&doc, &EngineDefaults::default()).unwrap();
    assert!(spec.memory.value.is_unknown() && spec.user.value.is_unknown() && spec.read_only.value.is_unknown());
    assert!(spec.image.value.is_unknown() && spec.pids_limit.value.is_unknown());
    let (found, _) = findings(&spec);
    // Only rules about lists that are known to be empty may speak.
    assert!(found.iter().all(|(c, _)| matches!(*c, "DW303" | "DW305")), "{found:?}");
    assert!(lower_container(&serde_json::json!({"Name": "/x"}), &EngineDefaults::default()).is_err());
}

#[test]
fn pointer_tokens_are_escaped() {
    assert_eq!(escape_pointer_token("80/tcp"), "80~1tcp");
    assert_eq!(escape_pointer_token("a~b/c"), "a~0b~1c");
    let doc = serde_json::json!({"Id": "ab", "HostConfig": {"Sysctls": {"net/ipv4/x": "1"}}});
    let spec = lower_container(&doc, &EngineDefaults::default()).unwrap();
    let p = pointer(&spec.sysctls[0].at);
    assert_eq!(p, "/HostConfig/Sysctls/net~1ipv4~1x");
    assert!(doc.pointer(p).is_some());
}

#[test]
fn a_create_body_leaves_what_it_omits_to_dockers_defaults() {
    // The least a client may send: everything else is Docker's default, as for a
    // `docker run` line without flags, and pointers address the body.
    let body = serde_json::json!({"Image": "test/base:1", "HostConfig": {"CapAdd": ["cap_net_admin"]}});
    let spec = lower_create_body(&body, "create request web", "web", &EngineDefaults::default()).unwrap();
    assert_eq!(spec.privileged.value, Known::Unset);
    assert_eq!(spec.memory.value, Known::Unset);
    assert_eq!(spec.user.value, Known::Unset);
    assert!(spec.image_facts.is_none(), "the image is not known at create time");
    assert_eq!(pointer(&spec.image.at), "/Image");
    assert_eq!(spec.cap_add[0].get().map(String::as_str), Some("NET_ADMIN"));
    let (found, _) = findings(&spec);
    let mut expected = UNHARDENED.to_vec();
    expected.push(("DW304", "/HostConfig/CapAdd/0"));
    assert_eq!(found, pairs(&expected));
    // Not a create body at all.
    for bad in [serde_json::json!([1]), serde_json::json!({"HostConfig": 3})] {
        assert!(lower_create_body(&bad, "x", "x", &EngineDefaults::default()).is_err());
    }
}

#[test]
fn pointer_lookups_agree_with_serde_json() {
    let root = serde_json::json!({
        "a/b": {"c~d": [10, 20, {"e": null}]},
        "list": [1, 2, 3],
        "": {"x": 1},
    });
    let doc = Doc {
        root: &root,
        object: "o".to_string(),
        shape: Shape::Inspect,
    };
    for pointer in [
        "",
        "/a~1b",
        "/a~1b/c~0d",
        "/a~1b/c~0d/2/e",
        "/a~1b/c~0d/1",
        "/list/0",
        "/list/00",
        "/list/+1",
        "/list/3",
        "/list/x",
        "/missing",
        "/list/0/deeper",
        "//x",
        "/",
        "no-slash",
        "/a~1b/c~0d/-1",
    ] {
        assert_eq!(doc.get(pointer), root.pointer(pointer), "{pointer}");
    }
}
