//! `dockward guard` end to end: the binary serves the plugin socket, a private dockerd
//! (`dockward_engine::testing`) is started with `--authorization-plugin` naming it, and the
//! docker CLI is refused or served. Without root or dockerd these tests say so and skip,
//! except under `CI=true`, where they fail.
//!
//! dockerd finds the plugin through a `.spec` file in /etc/docker/plugins; each test uses a
//! name of its own and removes the file afterwards.

use dockward_engine::testing::PrivateDockerd;
use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod common;
use common::{PARITY_FLAGS, dockward, write};

const SPEC_DIR: &str = "/etc/docker/plugins";

/// A running `dockward guard`, stopped (and its spec file removed) when dropped.
struct RunningGuard {
    name: String,
    socket: PathBuf,
    audit_log: PathBuf,
    stderr_log: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl RunningGuard {
    fn start(extra: &[&str]) -> RunningGuard {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "dockward-test-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("guard.sock");
        let audit_log = dir.path().join("audit.jsonl");
        let stderr_log = dir.path().join("stderr.log");
        let child = Command::new(env!("CARGO_BIN_EXE_dockward"))
            .args(["guard", "--isolated", "--name", &name, "--spec-dir", SPEC_DIR])
            .arg("--socket")
            .arg(&socket)
            .arg("--audit-log")
            .arg(&audit_log)
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr_log).unwrap())
            .spawn()
            .unwrap();
        let mut guard = RunningGuard {
            name,
            socket,
            audit_log,
            stderr_log,
            child,
            _dir: dir,
        };
        let start = Instant::now();
        loop {
            if let Ok((200, body)) = post(&guard.socket, "/Plugin.Activate", b"{}") {
                assert_eq!(body, r#"{"Implements":["authz"]}"#);
                break;
            }
            if let Ok(Some(status)) = guard.child.try_wait() {
                panic!("dockward guard exited ({status}): {}", guard.stderr());
            }
            assert!(start.elapsed() < Duration::from_secs(10), "the guard did not answer");
            std::thread::sleep(Duration::from_millis(20));
        }
        guard
    }

    fn plugin_flag(&self) -> String {
        format!("--authorization-plugin={}", self.name)
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    /// The audit log's records.
    fn records(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.audit_log)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }

    /// The record of the create request for container `name`.
    fn create_record(&self, name: &str) -> Value {
        let uri_end = format!("/containers/create?name={name}");
        self.records()
            .into_iter()
            .find(|r| r["uri"].as_str().is_some_and(|u| u.ends_with(&uri_end)))
            .unwrap_or_else(|| panic!("no record of creating {name}: {:?}", self.records()))
    }
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(Path::new(SPEC_DIR).join(format!("{}.spec", self.name)));
    }
}

/// One POST over a fresh connection: status and body.
fn post(socket: &Path, path: &str, body: &[u8]) -> std::io::Result<(u16, String)> {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: plugin\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    raw(socket, &request)
}

/// Sends bytes, reads the answer until the guard closes the connection.
fn raw(socket: &Path, bytes: &[u8]) -> std::io::Result<(u16, String)> {
    let mut stream = UnixStream::connect(socket)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    // The guard may answer (and close) before reading all of an oversized request.
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no HTTP answer: {text:?}")))?;
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b).to_string();
    Ok((status, body))
}

fn authz_request(method: &str, uri: &str, body: Option<&[u8]>) -> Vec<u8> {
    use base64::Engine as _;
    let body = body.map(|b| base64::engine::general_purpose::STANDARD.encode(b));
    serde_json::json!({
        "User": "", "UserAuthNMethod": "", "RequestMethod": method, "RequestUri": uri,
        "RequestBody": body, "RequestHeaders": {"Content-Type": "application/json"},
        "RequestPeerCertificates": null,
    })
    .to_string()
    .into_bytes()
}

/// The `Allow` and `Msg` of an AuthZ answer.
fn verdict(answer: &(u16, String)) -> (bool, String) {
    assert_eq!(answer.0, 200, "{answer:?}");
    let v: Value = serde_json::from_str(&answer.1).unwrap_or_else(|e| panic!("{e}: {answer:?}"));
    (
        v["Allow"].as_bool().unwrap(),
        v["Msg"].as_str().unwrap_or("").to_string(),
    )
}

const HARDENED: &[&str] = &[
    "--read-only",
    "--cap-drop",
    "ALL",
    "--security-opt",
    "no-new-privileges",
    "--user",
    "1000:1000",
    "--memory",
    "64m",
    "--pids-limit",
    "50",
    "--cpus",
    "0.5",
    "--health-cmd",
    "/bin/busybox true",
    "--restart",
    "on-failure:3",
    "--network",
    "none",
];

fn run_hardened(daemon: &PrivateDockerd, name: &str) -> Result<String, String> {
    let mut args = vec!["run", "-d", "--name", name];
    args.extend_from_slice(HARDENED);
    args.push("test/base:1");
    daemon.try_docker(&args)
}

#[test]
fn enforcing_refuses_a_privileged_container_and_runs_a_hardened_one() {
    let guard = RunningGuard::start(&["--max-request-bytes", "65536"]);
    let Some(daemon) = PrivateDockerd::start_with_args(&[&guard.plugin_flag()]) else {
        return;
    };

    // Refused, with the rule, the field and the plugin's name in the error.
    let error = daemon
        .try_docker(&[
            "run",
            "-d",
            "--name",
            "priv",
            "--privileged",
            "--network",
            "none",
            "test/base:1",
        ])
        .expect_err("a privileged container must be refused");
    assert!(
        error.contains(&format!("authorization denied by plugin {}", guard.name)),
        "{error}"
    );
    assert!(
        error.contains("DW301 (critical, privileged-container)") && error.contains("[/HostConfig/Privileged]"),
        "{error}"
    );
    assert!(
        daemon.try_docker(&["inspect", "priv"]).is_err(),
        "the container must not exist"
    );
    let error = daemon
        .try_docker(&[
            "create",
            "--name",
            "sock",
            "--network",
            "none",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            "-e",
            "DB_PASSWORD=hunter2-not-real",
            "test/base:1",
        ])
        .expect_err("mounting the engine socket must be refused");
    assert!(error.contains("DW309") && error.contains("DW410"), "{error}");
    assert!(!error.contains("hunter2"), "{error}");

    // The hardened one runs, and so do the calls `docker run` makes after the create.
    let id = run_hardened(&daemon, "hard").unwrap_or_else(|e| panic!("{e}\n{}", guard.stderr()));
    assert_eq!(daemon.docker(&["inspect", "-f", "{{.State.Running}}", &id]), "true");
    // `docker exec --privileged` is refused; a plain exec is not.
    let error = daemon
        .try_docker(&["exec", "--privileged", "hard", "/bin/busybox", "true"])
        .expect_err("a privileged exec must be refused");
    assert!(error.contains("DW301"), "{error}");
    daemon.docker(&["exec", "hard", "/bin/busybox", "true"]);

    // Each examined request is logged, denied or allowed.
    let denied = guard.create_record("priv");
    assert_eq!(
        (denied["decision"].as_str(), denied["allowed"].as_bool()),
        (Some("deny"), Some(false))
    );
    assert_eq!(denied["mode"], "enforce");
    let allowed = guard.create_record("hard");
    assert_eq!(
        (allowed["decision"].as_str(), allowed["allowed"].as_bool()),
        (Some("allow"), Some(true))
    );
    let log = std::fs::read_to_string(&guard.audit_log).unwrap();
    assert!(!log.contains("hunter2"), "{log}");
    assert!(log.contains(r#""action":"exec-create""#), "{log}");

    // Straight to the socket: what dockerd would never send.
    let socket = &guard.socket;
    let answer = post(socket, "/AuthZPlugin.AuthZReq", b"{not json").unwrap();
    let (allow, msg) = verdict(&answer);
    assert!(!allow && msg.contains("unreadable authorization request"), "{msg}");
    // A create whose body the plugin did not see (CVE-2024-41110).
    let request = authz_request("POST", "/v1.41/containers/create", None);
    let (allow, msg) = verdict(&post(socket, "/AuthZPlugin.AuthZReq", &request).unwrap());
    assert!(!allow && msg.contains("CVE-2024-41110"), "{msg}");
    // A body that is not JSON, one that is not a create body, one with an encoded path.
    let request = authz_request("POST", "/v1.41/containers/create", Some(b"\x00\x01garbage"));
    let (allow, msg) = verdict(&post(socket, "/AuthZPlugin.AuthZReq", &request).unwrap());
    assert!(!allow && msg.contains("not valid JSON"), "{msg}");
    let request = authz_request("POST", "/v1.41/containers/create", Some(b"[\"Privileged\"]"));
    assert!(!verdict(&post(socket, "/AuthZPlugin.AuthZReq", &request).unwrap()).0);
    let body = br#"{"Image":"test/base:1","HostConfig":{"Privileged":true}}"#;
    let request = authz_request("POST", "/v1.41/containers/cr%65ate?name=x", Some(body));
    let (allow, msg) = verdict(&post(socket, "/AuthZPlugin.AuthZReq", &request).unwrap());
    assert!(!allow && msg.contains("DW301"), "{msg}");
    // Oversized (over --max-request-bytes): refused without being read whole.
    let big = vec![b' '; 200_000];
    let request = authz_request("POST", "/v1.41/containers/create", Some(&big));
    let (allow, msg) = verdict(&post(socket, "/AuthZPlugin.AuthZReq", &request).unwrap());
    assert!(!allow && msg.contains("65536-byte limit"), "{msg}");
    // Not HTTP at all, or not a plugin method.
    assert_eq!(raw(socket, b"\x16\x03\x01garbage\r\n\r\n").unwrap().0, 400);
    assert_eq!(post(socket, "/VolumeDriver.Mount", b"{}").unwrap().0, 404);
    // Responses are not judged; other calls pass.
    let request = authz_request("GET", "/v1.41/containers/json", None);
    assert!(verdict(&post(socket, "/AuthZPlugin.AuthZRes", &request).unwrap()).0);
    assert!(verdict(&post(socket, "/AuthZPlugin.AuthZReq", &request).unwrap()).0);

    // An API 1.23 client may send a whole HostConfig with a start, and dockerd 20.10 still
    // applies it: a hardened container started privileged. Sent raw to the daemon.
    let mut args = vec!["create", "--name", "legacy"];
    args.extend_from_slice(HARDENED);
    args.push("test/base:1");
    daemon.docker(&args);
    let start = |content_type: &str| {
        let body = r#"{"Privileged":true,"NetworkMode":"none"}"#;
        let request = format!(
            "POST /v1.23/containers/legacy/start HTTP/1.1\r\nHost: docker\r\n{content_type}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        raw(daemon.socket(), request.as_bytes()).unwrap()
    };
    let (status, body) = start("Content-Type: application/json\r\n");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("DW301") && body.contains("start of `legacy`"), "{body}");
    // Without the JSON content type dockerd does not show the plugin the body, but still
    // reads it: refused as a body the plugin did not see.
    let (status, body) = start("");
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("CVE-2024-41110"), "{body}");
    assert_eq!(
        daemon.docker(&[
            "inspect",
            "-f",
            "{{.State.Running}} {{.HostConfig.Privileged}}",
            "legacy"
        ]),
        "false false"
    );

    // After all that the guard still serves dockerd.
    run_hardened(&daemon, "hard2").unwrap_or_else(|e| panic!("{e}\n{}", guard.stderr()));
}

fn codes(findings: &Value) -> BTreeSet<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn audit_mode_allows_and_logs_what_it_would_deny_with_the_codes_of_every_other_place() {
    let guard = RunningGuard::start(&["--audit"]);
    let Some(daemon) = PrivateDockerd::start_with_args(&[&guard.plugin_flag()]) else {
        return;
    };
    daemon.docker(&[
        "create",
        "--name",
        "priv",
        "--privileged",
        "--network",
        "none",
        "test/base:1",
    ]);
    run_hardened(&daemon, "hard").unwrap();
    let mut args = vec!["create", "--name", "parity"];
    args.extend_from_slice(PARITY_FLAGS);
    args.push("test/base:1");
    daemon.docker(&args);

    let priv_record = guard.create_record("priv");
    assert_eq!(priv_record["mode"], "audit");
    assert_eq!(
        (priv_record["decision"].as_str(), priv_record["allowed"].as_bool()),
        (Some("deny"), Some(true))
    );
    let blocking: Vec<&Value> = priv_record["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["blocking"] == true)
        .collect();
    assert_eq!(blocking.len(), 1, "{priv_record}");
    assert_eq!(
        (&blocking[0]["code"], &blocking[0]["pointer"]),
        (&"DW301".into(), &"/HostConfig/Privileged".into())
    );
    let hard_record = guard.create_record("hard");
    assert_eq!(
        (hard_record["decision"].as_str(), hard_record["verdict"].as_str()),
        (Some("allow"), Some("clean"))
    );

    // One rule, every place: the request is judged with the codes a scan of the same run
    // line and an audit of the container it made report.
    let at_the_door = codes(&guard.create_record("parity")["findings"]);
    let dir = tempfile::tempdir().unwrap();
    let line = PARITY_FLAGS
        .iter()
        .map(|f| {
            if f.contains(' ') {
                format!("'{f}'")
            } else {
                (*f).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    write(
        dir.path(),
        "deploy.sh",
        &format!("#!/bin/sh\ndocker create --name parity {line} test/base:1\n"),
    );
    let scan = dockward()
        .args(["scan", "--isolated", "--format", "json"])
        .arg(dir.path().join("deploy.sh"))
        .output()
        .unwrap();
    let scan: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let live = dockward()
        .args([
            "engine",
            "--isolated",
            "--format",
            "json",
            "--container",
            "parity",
            "--host",
            &daemon.host(),
        ])
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .unwrap();
    let live: Value = serde_json::from_slice(&live.stdout).unwrap();
    assert!(
        at_the_door.contains("DW309") && at_the_door.contains("DW304"),
        "{at_the_door:?}"
    );
    assert_eq!(at_the_door, codes(&scan["findings"]), "create request vs run line");
    assert_eq!(
        at_the_door,
        codes(&live["findings"]),
        "create request vs live container"
    );
}

/// `docker-compose` (v1, docker-py), when installed: a client that sends only the fields a
/// service sets, unlike the docker CLI, which sends every field.
fn compose_up(daemon: &PrivateDockerd, dir: &Path, project: &str) -> Option<Result<(), String>> {
    let program = dockward_engine::testing::find_program("docker-compose")?;
    let out = Command::new(program)
        .args(["-p", project, "up", "-d", "--no-build"])
        .current_dir(dir)
        .env("DOCKER_HOST", daemon.host())
        .env_remove("DOCKER_CONTEXT")
        .env_remove("DOCKER_TLS_VERIFY")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    Some(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    })
}

#[test]
fn compose_up_is_refused_for_a_privileged_service_and_allowed_for_a_hardened_one() {
    let guard = RunningGuard::start(&[]);
    let Some(daemon) = PrivateDockerd::start_with_args(&[&guard.plugin_flag()]) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad/docker-compose.yml",
        "version: \"2.4\"\nservices:\n  app:\n    image: test/base:1\n    network_mode: none\n    privileged: true\n",
    );
    let Some(result) = compose_up(&daemon, &dir.path().join("bad"), "bad") else {
        eprintln!("SKIPPED: docker-compose is not installed");
        return;
    };
    let error = result.expect_err("a privileged service must be refused");
    assert!(
        error.contains("authorization denied by plugin") && error.contains("DW301"),
        "{error}"
    );
    write(
        dir.path(),
        "good/docker-compose.yml",
        "version: \"2.4\"\nservices:\n  app:\n    image: test/base:1\n    network_mode: none\n    user: \"1000\"\n    read_only: true\n    cap_drop: [ALL]\n",
    );
    compose_up(&daemon, &dir.path().join("good"), "good")
        .unwrap()
        .unwrap_or_else(|e| panic!("{e}\n{}", guard.stderr()));
    let record = guard
        .records()
        .into_iter()
        .find(|r| r["uri"].as_str().is_some_and(|u| u.contains("name=good_app_1")))
        .unwrap_or_else(|| panic!("{:?}", guard.records()));
    assert_eq!(record["decision"], "allow");
    // docker-py leaves out what the service does not set: Docker's defaults, judged as
    // such (no memory limit is a finding), not as unknown.
    let found = codes(&record["findings"]);
    assert!(
        found.contains("DW601") && !found.contains("DW303") && !found.contains("DW307"),
        "{found:?}"
    );
}

/// Retries `docker create --privileged` until `refused` is what happens (a reload is
/// asynchronous); the last error, if refused.
fn privileged_create_until(daemon: &PrivateDockerd, refused: bool) -> Option<String> {
    let start = Instant::now();
    loop {
        match daemon.try_docker(&["create", "--privileged", "--network", "none", "test/base:1"]) {
            Err(e) if refused => return Some(e),
            Ok(id) if !refused => {
                daemon.docker(&["rm", &id]);
                return None;
            }
            Ok(id) => {
                daemon.docker(&["rm", &id]);
            }
            Err(e) => panic!("{e}"),
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the reload did not take effect"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn enabling_and_rolling_back_through_daemon_json_and_a_reload() {
    let mut guard = RunningGuard::start(&[]);
    let Some(daemon) = PrivateDockerd::start() else {
        return;
    };
    // Enable: `authorization-plugins` in daemon.json, then SIGHUP (`systemctl reload docker`).
    let running = run_hardened(&daemon, "before").unwrap();
    std::fs::write(
        daemon.config_file(),
        format!("{{\"authorization-plugins\": [\"{}\"]}}\n", guard.name),
    )
    .unwrap();
    daemon.reload();
    let error = privileged_create_until(&daemon, true).unwrap();
    assert!(
        error.contains(&format!("authorization denied by plugin {}", guard.name)),
        "{error}"
    );
    // With the guard gone, dockerd refuses every call (fail closed)…
    guard.child.kill().unwrap();
    guard.child.wait().unwrap();
    let error = daemon.try_docker(&["ps"]).expect_err("no plugin, no API");
    assert!(error.contains(&guard.name), "{error}");
    // …and the roll-back needs no API call: daemon.json and SIGHUP. The containers started
    // before keep running throughout.
    std::fs::write(daemon.config_file(), "{}\n").unwrap();
    daemon.reload();
    assert!(privileged_create_until(&daemon, false).is_none());
    assert_eq!(
        daemon.docker(&["inspect", "-f", "{{.State.Running}}", &running]),
        "true"
    );
}

#[test]
fn the_socket_is_never_taken_from_a_file_or_a_running_guard_and_bad_settings_stop_the_start() {
    let dir = tempfile::tempdir().unwrap();
    // A regular file where the socket should go is left alone.
    let file = dir.path().join("not-a-socket");
    std::fs::write(&file, "keep me").unwrap();
    let out = dockward()
        .args(["guard", "--isolated", "--socket"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("exists and is not a socket"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");

    // A live guard's socket is not taken over; a stale one (its guard gone) is.
    let guard = RunningGuard::start(&[]);
    let out = dockward()
        .args(["guard", "--isolated", "--socket"])
        .arg(&guard.socket)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is in use"));
    let socket = guard.socket.clone();
    let copy_dir = tempfile::tempdir().unwrap();
    let stale = copy_dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixListener::bind(&stale).unwrap());
    let mut second = Command::new(env!("CARGO_BIN_EXE_dockward"))
        .args(["guard", "--isolated", "-q", "--socket"])
        .arg(&stale)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while post(&stale, "/Plugin.Activate", b"{}").is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "the guard did not replace the stale socket"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = second.kill();
    let _ = second.wait();
    assert!(
        post(&socket, "/Plugin.Activate", b"{}").is_ok(),
        "the first guard still serves"
    );

    // An invalid configuration: exit 2, naming the file.
    write(dir.path(), "dockward.toml", "fail-on = \"sometimes\"\n");
    let out = dockward()
        .args(["guard", "--socket"])
        .arg(dir.path().join("g.sock"))
        .arg("--config")
        .arg(dir.path().join("dockward.toml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("dockward.toml"));
    assert!(!dir.path().join("g.sock").exists());
}
