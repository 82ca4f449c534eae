//! The client and the lowering against a real dockerd: a private one started by these
//! tests (its own socket, data root and exec root; `dockward_engine::testing`), with
//! containers made to be audited. Without root or dockerd the tests say so and skip,
//! except under `CI=true`, where they fail.

use dockward_core::{Provenance, Settings};
use dockward_engine::client::{MAX_API_VERSION, short_id};
use dockward_engine::host::{self, Environment, HostOptions, Transport};
use dockward_engine::testing::{PrivateDockerd, find_program};
use dockward_engine::{ClientOptions, EngineClient, EngineDefaults, EngineError, lower_container};
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

/// One daemon for every test of this file, with TLS when openssl is there to make
/// certificates (a watchdog stops it when the test process ends).
fn daemon() -> Option<&'static PrivateDockerd> {
    static DAEMON: OnceLock<Option<PrivateDockerd>> = OnceLock::new();
    DAEMON
        .get_or_init(|| {
            let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
            let daemon = if in_ci || find_program("openssl").is_some() {
                PrivateDockerd::start_with_tls()?
            } else {
                PrivateDockerd::start()?
            };
            daemon.create_sample_containers();
            Some(daemon)
        })
        .as_ref()
}

fn connect(daemon: &PrivateDockerd) -> EngineClient {
    let endpoint = host::resolve(
        &HostOptions {
            host: Some(daemon.host()),
            context: None,
        },
        &Environment::from_process(),
    )
    .unwrap();
    EngineClient::connect(endpoint, &ClientOptions::default()).unwrap()
}

fn pointer(at: &Provenance) -> &str {
    match at {
        Provenance::Engine { pointer, .. } => pointer,
        other => panic!("{other:?}"),
    }
}

/// `(code, pointer)` of the default rule set's findings on one live container.
fn audit(client: &EngineClient, name: &str) -> Vec<(&'static str, String)> {
    let list = client.list_containers().unwrap();
    let summary = list
        .iter()
        .find(|c| c.matches(name))
        .unwrap_or_else(|| panic!("{name} not listed"));
    let inspect = client.inspect_container(&summary.id).unwrap();
    let defaults = EngineDefaults::from_info(&client.info().unwrap());
    let spec = lower_container(&inspect, &defaults).unwrap();
    let findings = dockward_driver::check_containers(&[spec], &Settings::default());
    findings
        .iter()
        .map(|f| (f.rule.code, pointer(&f.at).to_string()))
        .collect()
}

#[test]
fn negotiates_the_api_version_and_lists_every_container() {
    let Some(daemon) = daemon() else { return };
    let client = connect(daemon);
    let server = client.server();
    let server_api = server.api_version.expect("the daemon states its API version");
    assert_eq!(client.api_version(), server_api.min(MAX_API_VERSION));
    assert!(server.version.as_deref().is_some_and(|v| !v.is_empty()));
    assert!(!server.podman);

    let list = client.list_containers().unwrap();
    let state = |name: &str| {
        list.iter()
            .find(|c| c.name() == name)
            .map(|c| c.state.as_str())
            .unwrap_or_else(|| panic!("{name} not in {list:?}"))
    };
    assert_eq!(state("priv"), "created");
    assert_eq!(state("hard"), "running");
    assert_eq!(state("sock"), "created");
}

#[test]
fn live_containers_draw_the_runtime_rules_at_their_inspect_fields() {
    let Some(daemon) = daemon() else { return };
    let client = connect(daemon);

    let privileged = audit(&client, "priv");
    assert!(
        privileged.contains(&("DW301", "/HostConfig/Privileged".to_string())),
        "{privileged:?}"
    );

    // The hardened container gets nothing at all: no hardening finding, and its limits,
    // healthcheck and restart policy satisfy the rest.
    let hardened = audit(&client, "hard");
    assert_eq!(hardened, [], "{}", daemon.log());

    let socket = audit(&client, "sock");
    for expected in [
        ("DW309", "/HostConfig/Binds/0"),
        ("DW511", "/HostConfig/PortBindings/80~1tcp/0"),
    ] {
        assert!(
            socket.contains(&(expected.0, expected.1.to_string())),
            "{expected:?} not in {socket:?}"
        );
    }
}

#[test]
fn findings_name_the_container_by_name_and_short_id() {
    let Some(daemon) = daemon() else { return };
    let client = connect(daemon);
    let summary = client
        .list_containers()
        .unwrap()
        .into_iter()
        .find(|c| c.matches("priv"))
        .unwrap();
    let inspect = client.inspect_container(&summary.id[..8]).unwrap();
    let spec = lower_container(&inspect, &EngineDefaults::default()).unwrap();
    let object = format!("container priv ({})", short_id(&summary.id));
    assert_eq!(
        spec.privileged.at,
        Provenance::Engine {
            object,
            pointer: "/HostConfig/Privileged".to_string()
        }
    );
}

#[test]
fn engine_errors_are_reported_not_panicked() {
    let Some(daemon) = daemon() else { return };
    let client = connect(daemon);
    match client.inspect_container("no-such-container") {
        Err(EngineError::Status {
            status: 404, message, ..
        }) => {
            assert!(message.contains("no-such-container"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    // Bodies over the cap are refused, not truncated.
    let endpoint = client.endpoint().clone();
    let small = ClientOptions {
        max_body_bytes: 64,
        ..ClientOptions::default()
    };
    let err = EngineClient::connect(endpoint, &small)
        .err()
        .expect("/version is over 64 bytes");
    assert!(matches!(err, EngineError::TooLarge { limit: 64, .. }), "{err}");
}

/// The environment of the default context pointed at the TLS listener.
fn tls_env(daemon: &PrivateDockerd, cert_path: &Path, verify: bool) -> Environment {
    let tls = daemon.tls().unwrap();
    let mut vars = HashMap::new();
    vars.insert("DOCKER_HOST".to_string(), format!("tcp://127.0.0.1:{}", tls.port));
    vars.insert("DOCKER_CERT_PATH".to_string(), cert_path.display().to_string());
    let flag = if verify { "DOCKER_TLS_VERIFY" } else { "DOCKER_TLS" };
    vars.insert(flag.to_string(), "1".to_string());
    Environment {
        vars,
        home: None,
        exists: Box::new(|p: &Path| p.exists()),
    }
}

#[test]
fn tcp_with_tls_verify_and_a_client_certificate() {
    let Some(daemon) = daemon() else { return };
    let Some(tls) = daemon.tls() else {
        eprintln!("SKIPPED: no openssl to make certificates");
        return;
    };
    let env = tls_env(daemon, &tls.dir, true);
    let endpoint = host::resolve(&HostOptions::default(), &env).unwrap();
    assert!(matches!(&endpoint.transport, Transport::Tcp { tls: Some(t), .. } if t.verify && t.cert.is_some()));
    let client = EngineClient::connect(endpoint, &ClientOptions::default()).unwrap();
    assert!(client.list_containers().unwrap().iter().any(|c| c.matches("priv")));

    // Without a client certificate the daemon (--tlsverify) refuses the connection.
    let only_ca = tempfile::tempdir().unwrap();
    std::fs::copy(tls.ca(), only_ca.path().join("ca.pem")).unwrap();
    let endpoint = host::resolve(&HostOptions::default(), &tls_env(daemon, only_ca.path(), true)).unwrap();
    let err = EngineClient::connect(endpoint, &ClientOptions::default())
        .err()
        .unwrap();
    assert!(matches!(err, EngineError::Connect { .. }), "{err}");

    // A CA that did not sign the server's certificate: the server is not trusted.
    let other_ca = tempfile::tempdir().unwrap();
    std::fs::copy(tls.client_cert(), other_ca.path().join("ca.pem")).unwrap();
    std::fs::copy(tls.client_cert(), other_ca.path().join("cert.pem")).unwrap();
    std::fs::copy(tls.client_key(), other_ca.path().join("key.pem")).unwrap();
    let endpoint = host::resolve(&HostOptions::default(), &tls_env(daemon, other_ca.path(), true)).unwrap();
    let err = EngineClient::connect(endpoint, &ClientOptions::default())
        .err()
        .unwrap();
    assert!(err.to_string().contains("certificate"), "{err}");

    // DOCKER_TLS without verification still sends the client certificate.
    let endpoint = host::resolve(&HostOptions::default(), &tls_env(daemon, other_ca.path(), false)).unwrap();
    let client = EngineClient::connect(endpoint, &ClientOptions::default()).unwrap();
    assert!(client.server().version.is_some());
}

#[test]
fn the_dockerd_process_behind_a_socket_is_found_with_its_flags() {
    let Some(daemon) = daemon() else { return };
    let found = dockward_engine::local_daemon::find_local_dockerd(daemon.socket(), Path::new("/proc"))
        .expect("the private dockerd is a process of this host");
    assert_eq!(found.pid, daemon.pid());
    assert_eq!(found.config_file(), daemon.config_file());
    assert!(found.args.iter().any(|a| a == "--iptables=false"), "{:?}", found.args);
}
