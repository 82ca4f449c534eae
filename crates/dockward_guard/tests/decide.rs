//! Decisions on request bodies captured from the docker CLI (28.2) talking to Debian's
//! dockerd 20.10 (API 1.41) through an authorization plugin that recorded each `AuthZReq`;
//! `fixtures/docker-20.10/README.md` has the commands.

use base64::Engine as _;
use dockward_core::{Finding, Provenance, Settings, Severity};
use dockward_guard::{Action, AuthZRequest, Mode, Policy, Verdict, decide};
use std::path::Path;

fn fixture(name: &str) -> AuthZRequest {
    let path = format!("{}/tests/fixtures/docker-20.10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn enforce() -> Policy {
    Policy::new(Settings::default(), Mode::Enforce)
}

fn configured(toml: &str, mode: Mode) -> Policy {
    let settings = Settings::parse(Path::new("dockward.toml"), toml, dockward_rules::all_rules()).unwrap();
    Policy::new(settings, mode)
}

/// `(pointer, code)` of each finding, sorted.
fn found(findings: &[Finding]) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = findings
        .iter()
        .map(|f| match &f.at {
            Provenance::Engine { pointer, .. } => (pointer.clone(), f.rule.code),
            other => panic!("not an engine provenance: {other:?}"),
        })
        .collect();
    out.sort();
    out
}

fn with_body(mut request: AuthZRequest, body: &[u8]) -> AuthZRequest {
    request.body = base64::engine::general_purpose::STANDARD.encode(body);
    request
}

#[test]
fn a_privileged_create_is_denied_with_the_rule_and_the_field() {
    let d = decide(&enforce(), &fixture("create-privileged"));
    assert_eq!(
        d.action,
        Action::ContainerCreate {
            name: Some("priv".to_string())
        }
    );
    assert_eq!(
        (d.allow, d.verdict.clone(), d.response.allow),
        (false, Verdict::Findings, false)
    );
    assert_eq!(
        d.response.msg,
        "dockward: container create `priv` refused: 1 finding at or above high:\n  \
         DW301 (critical, privileged-container) container `priv` runs the container privileged [/HostConfig/Privileged]"
    );
    assert_eq!(d.object.as_deref(), Some("create request priv"));
    // Below the threshold, what a `docker create` with no hardening draws everywhere else
    // (the same findings as the live container in the engine tests).
    assert_eq!(
        found(&d.findings),
        [
            ("", "DW302"),
            ("", "DW305"),
            ("", "DW307"),
            ("", "DW601"),
            ("", "DW602"),
            ("", "DW603"),
            ("/HostConfig/Privileged", "DW301"),
        ]
        .map(|(p, c)| (p.to_string(), c))
    );
}

#[test]
fn a_hardened_create_passes_without_a_finding() {
    let d = decide(&enforce(), &fixture("create-hardened"));
    assert_eq!(
        (d.allow, d.verdict.clone(), d.response.allow),
        (true, Verdict::Clean, true)
    );
    assert!(d.findings.is_empty(), "{:?}", found(&d.findings));
    assert_eq!(d.response.to_json(), r#"{"Allow":true}"#);
}

#[test]
fn every_blocking_finding_is_listed_worst_first_without_the_secret() {
    let d = decide(&enforce(), &fixture("create-socket-mount"));
    assert!(!d.response.allow);
    let msg = &d.response.msg;
    let lines: Vec<&str> = msg.lines().collect();
    assert_eq!(
        lines[0],
        "dockward: container create `sock` refused: 3 findings at or above high:"
    );
    assert!(
        lines[1].starts_with("  DW309 (critical, docker-socket-mounted)"),
        "{msg}"
    );
    assert!(lines[1].ends_with("[/HostConfig/Binds/0]"), "{msg}");
    assert!(
        lines[2].starts_with("  DW304 (high, ") && lines[2].contains("SYS_ADMIN"),
        "{msg}"
    );
    assert!(
        lines[3].starts_with("  DW410 (high, ") && lines[3].contains("DB_PASSWORD"),
        "{msg}"
    );
    assert_eq!(lines.len(), 4);
    // The environment variable's value never leaves the request.
    assert!(!msg.contains("hunter2"));
    assert!(d.findings.iter().all(|f| !f.message.contains("hunter2")));
    // `--mount` and `--tmpfs` are read from the body too: the read-only /etc bind is
    // reported (below the threshold), the tmpfs is not a host path.
    let found = found(&d.findings);
    assert!(
        found.contains(&("/HostConfig/Mounts/0".to_string(), "DW310")),
        "{found:?}"
    );
    assert!(
        found.contains(&("/HostConfig/PortBindings/80~1tcp/0".to_string(), "DW511")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(p, _)| p.starts_with("/HostConfig/Tmpfs")),
        "{found:?}"
    );
}

#[test]
fn a_privileged_exec_is_denied_and_nothing_else_is_judged() {
    let d = decide(&enforce(), &fixture("exec-privileged"));
    assert_eq!(
        d.action,
        Action::ExecCreate {
            container: "runner".to_string()
        }
    );
    assert!(!d.response.allow);
    assert_eq!(found(&d.findings), [("/Privileged".to_string(), "DW301")]);
    // The same exec without --privileged: the rest of an exec says nothing a rule reads.
    let plain = fixture("exec-privileged");
    let body = plain.decoded_body().unwrap();
    let body = String::from_utf8(body)
        .unwrap()
        .replace(r#""Privileged":true"#, r#""Privileged":false"#);
    let d = decide(&enforce(), &with_body(plain, body.as_bytes()));
    assert!(d.response.allow && d.findings.is_empty(), "{:?}", found(&d.findings));
}

#[test]
fn an_update_is_judged_on_what_it_changes() {
    let d = decide(&enforce(), &fixture("update"));
    assert!(d.response.allow);
    // `--restart always` without a retry limit; the memory it sets is a limit, not a finding.
    assert_eq!(found(&d.findings), [("/RestartPolicy/Name".to_string(), "DW314")]);
    let d = decide(&configured("fail-on = \"low\"\n", Mode::Enforce), &fixture("update"));
    assert!(!d.response.allow);
    assert!(d.response.msg.contains("DW314 (low, "), "{}", d.response.msg);
}

#[test]
fn other_calls_pass_through_unexamined() {
    let d = decide(&enforce(), &fixture("start"));
    assert_eq!(
        (d.action.clone(), d.verdict.clone(), d.response.allow),
        (Action::Other, Verdict::PassThrough, true)
    );
    assert!(!d.examined());
    // Even with a body the guard cannot read: it is not one of the audited calls.
    let request = with_body(fixture("start"), b"\x00garbage");
    assert!(decide(&enforce(), &request).response.allow);
}

#[test]
fn a_create_without_a_visible_body_is_denied() {
    // CVE-2024-41110: the body reached dockerd, not the plugin.
    for body in [&b""[..], b"  \n"] {
        let d = decide(&enforce(), &with_body(fixture("create-hardened"), body));
        assert_eq!(d.verdict, Verdict::MissingBody);
        assert!(!d.response.allow);
        assert!(d.response.msg.contains("CVE-2024-41110"), "{}", d.response.msg);
    }
    let mut request = fixture("create-privileged");
    request.body.clear();
    assert!(!decide(&enforce(), &request).response.allow);
    // Allowing unparsable bodies does not open this one.
    let mut policy = enforce();
    policy.allow_unparsable = true;
    assert!(!decide(&policy, &request).response.allow);
}

#[test]
fn unreadable_bodies_are_denied_unless_configured() {
    let cases: [(&str, &[u8]); 5] = [
        ("not base64", b""),
        ("not JSON", b"{\"Image\": "),
        ("not an object", b"[1, 2]"),
        ("HostConfig not an object", b"{\"Image\":\"a\",\"HostConfig\":\"x\"}"),
        ("Privileged not a boolean", b"{\"Privileged\":\"yes\"}"),
    ];
    for (what, body) in cases {
        let template = if what.starts_with("Privileged") {
            "exec-privileged"
        } else {
            "create-hardened"
        };
        let mut request = with_body(fixture(template), body);
        if what == "not base64" {
            request.body = "%%%not base64".to_string();
        }
        let d = decide(&enforce(), &request);
        assert!(matches!(d.verdict, Verdict::Unparsable(_)), "{what}: {:?}", d.verdict);
        assert!(!d.response.allow, "{what}");
        assert!(d.response.msg.starts_with("dockward: "), "{what}: {}", d.response.msg);
        let mut policy = enforce();
        policy.allow_unparsable = true;
        assert!(decide(&policy, &request).response.allow, "{what}");
    }
    // A deeply nested body is refused by the JSON parser's depth limit, not by a crash.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let d = decide(&enforce(), &with_body(fixture("create-hardened"), deep.as_bytes()));
    assert!(!d.response.allow && matches!(d.verdict, Verdict::Unparsable(_)));
}

#[test]
fn the_project_settings_decide() {
    // Ignoring the rule lets the privileged container through.
    let policy = configured("[rules]\nignore = [\"DW301\"]\n", Mode::Enforce);
    assert!(decide(&policy, &fixture("create-privileged")).response.allow);
    // A higher threshold keeps only the critical finding.
    let policy = configured("fail-on = \"critical\"\n", Mode::Enforce);
    assert_eq!(policy.threshold(), Severity::Critical);
    let d = decide(&policy, &fixture("create-socket-mount"));
    assert!(
        d.response.msg.contains("1 finding at or above critical"),
        "{}",
        d.response.msg
    );
    // A lower one refuses the plain container too.
    let policy = configured("fail-on = \"medium\"\n", Mode::Enforce);
    let d = decide(&policy, &fixture("create-privileged"));
    assert!(d.response.msg.contains("DW302 (medium, "), "{}", d.response.msg);
    // Allowed capabilities: SYS_ADMIN is no longer reported.
    let policy = configured("[runtime]\nallowed-capabilities = [\"SYS_ADMIN\"]\n", Mode::Enforce);
    let d = decide(&policy, &fixture("create-socket-mount"));
    assert!(
        !found(&d.findings).iter().any(|(_, c)| *c == "DW304"),
        "{:?}",
        found(&d.findings)
    );
}

#[test]
fn audit_mode_allows_and_remembers_the_verdict() {
    let policy = Policy::new(Settings::default(), Mode::Audit);
    let d = decide(&policy, &fixture("create-privileged"));
    assert_eq!((d.response.allow, d.allow), (true, false));
    assert_eq!(d.response.to_json(), r#"{"Allow":true}"#);
    let record = dockward_guard::audit::record(&fixture("create-privileged"), &d, Mode::Audit, policy.threshold());
    assert_eq!(record["mode"], "audit");
    assert_eq!(record["allowed"], true);
    assert_eq!(record["decision"], "deny");
    assert_eq!(record["action"], "container-create");
    assert_eq!(record["uri"], "/v1.41/containers/create?name=priv");
    let blocking: Vec<&serde_json::Value> = record["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["blocking"] == true)
        .collect();
    assert_eq!(blocking.len(), 1);
    assert_eq!(blocking[0]["code"], "DW301");
    assert_eq!(blocking[0]["pointer"], "/HostConfig/Privileged");
    // No body in the log: a secret in the environment stays out.
    let d = decide(&policy, &fixture("create-socket-mount"));
    let line =
        dockward_guard::audit::record(&fixture("create-socket-mount"), &d, Mode::Audit, policy.threshold()).to_string();
    assert!(!line.contains("hunter2") && !line.contains("RequestBody"), "{line}");
}

/// A `docker service create` body, written from the Engine API reference (`ServiceSpec`):
/// the engine socket bound in, seccomp off, a port published through the routing mesh.
const SERVICE_BODY: &str = r#"{
  "Name": "web",
  "TaskTemplate": {
    "ContainerSpec": {
      "Image": "nginx:1.27",
      "User": "101",
      "Mounts": [{"Type": "bind", "Source": "/var/run/docker.sock", "Target": "/var/run/docker.sock"}],
      "Privileges": {"Seccomp": {"Mode": "unconfined"}, "NoNewPrivileges": true},
      "CapabilityDrop": ["ALL"],
      "ReadOnly": true
    },
    "Resources": {"Limits": {"MemoryBytes": 67108864, "NanoCPUs": 500000000, "Pids": 100}}
  },
  "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080}]}
}"#;

#[test]
fn a_service_create_is_judged_on_its_task_template() {
    let mut request = fixture("create-hardened");
    request.uri = "/v1.41/services/create".to_string();
    let request = with_body(request, SERVICE_BODY.as_bytes());
    let d = decide(&enforce(), &request);
    assert_eq!(d.action, Action::ServiceCreate);
    assert!(!d.response.allow);
    let found = found(&d.findings);
    assert!(
        found.contains(&("/TaskTemplate/ContainerSpec/Mounts/0".to_string(), "DW309")),
        "{found:?}"
    );
    assert!(
        found.contains(&(
            "/TaskTemplate/ContainerSpec/Privileges/Seccomp/Mode".to_string(),
            "DW306"
        )),
        "{found:?}"
    );
    assert!(
        found.contains(&("/EndpointSpec/Ports/0".to_string(), "DW511")),
        "{found:?}"
    );
    // What the task template sets is not reported missing.
    for absent in ["DW302", "DW303", "DW305", "DW307", "DW601", "DW602", "DW603"] {
        assert!(!found.iter().any(|(_, c)| *c == absent), "{absent}: {found:?}");
    }
    // The same service without the socket and with seccomp on passes.
    let clean = SERVICE_BODY
        .replace(
            r#"{"Type": "bind", "Source": "/var/run/docker.sock", "Target": "/var/run/docker.sock"}"#,
            "",
        )
        .replace(r#""Seccomp": {"Mode": "unconfined"}, "#, "");
    let mut request = fixture("create-hardened");
    request.uri = "/v1.41/services/create".to_string();
    let d = decide(&enforce(), &with_body(request, clean.as_bytes()));
    assert!(d.response.allow, "{}", d.response.msg);
}

#[test]
fn a_legacy_start_carrying_a_host_config_is_judged() {
    // API 1.23 and older: `POST /containers/{id}/start` may carry a HostConfig, which
    // dockerd 20.10 still applies — a privileged start of a container created hardened.
    let mut request = fixture("start");
    request.uri = request.uri.replace("/v1.41/", "/v1.23/");
    let d = decide(
        &enforce(),
        &with_body(request.clone(), br#"{"Privileged":true,"NetworkMode":"none"}"#),
    );
    assert!(matches!(d.action, Action::LegacyStart { .. }), "{:?}", d.action);
    assert!(!d.response.allow);
    assert_eq!(found(&d.findings).iter().filter(|(_, c)| *c == "DW301").count(), 1);
    // Only the host configuration is judged: the image and user are not in it.
    assert!(
        !found(&d.findings).iter().any(|(_, c)| *c == "DW302"),
        "{:?}",
        found(&d.findings)
    );
    // A plain legacy start passes; one whose body dockerd did not forward does not.
    assert!(decide(&enforce(), &request).response.allow);
    let mut hidden = request.clone();
    hidden.headers.insert("Content-Length".to_string(), "40".to_string());
    let d = decide(&enforce(), &hidden);
    assert_eq!((d.verdict, d.response.allow), (Verdict::MissingBody, false));
    // A current client's start is not examined (dockerd refuses a body on it).
    let current = with_body(fixture("start"), br#"{"Privileged":true}"#);
    assert!(decide(&enforce(), &current).response.allow);
}

#[test]
fn names_from_the_request_cannot_inject_lines_or_escapes() {
    let mut request = fixture("create-privileged");
    request.uri = "/v1.41/containers/create?name=a%0Ab%1B[31m".to_string();
    let d = decide(&enforce(), &request);
    assert!(!d.response.allow);
    assert!(!d.response.msg.contains('\u{1b}'), "{:?}", d.response.msg);
    // The header line and one finding: the newline in the name stays escaped.
    assert_eq!(d.response.msg.lines().count(), 2, "{:?}", d.response.msg);
    assert!(d.response.msg.contains(r"a\nb\u{1b}[31m"), "{:?}", d.response.msg);
}
