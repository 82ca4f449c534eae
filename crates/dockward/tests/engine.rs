//! `dockward engine` end to end, against a private dockerd these tests start
//! (`dockward_engine::testing`). Without root or dockerd they say so and skip, except
//! under `CI=true`, where they fail.

use dockward_engine::testing::PrivateDockerd;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::OnceLock;

mod common;
use common::{PARITY_FLAGS, dockward, write};

const PARITY_COMPOSE: &str = r#"services:
  parity:
    image: test/base:1
    cap_add: [SYS_ADMIN]
    pid: host
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock
      - /etc:/host-etc
    security_opt: ["seccomp=unconfined"]
    ports: ["0.0.0.0:6379:6379"]
    environment:
      API_TOKEN: ghp_0123456789abcdefghijABCDEFGHIJ012345
    restart: always
    logging:
      driver: none
    user: root
    healthcheck:
      test: ["CMD", "/bin/busybox", "true"]
    network_mode: none
"#;

fn daemon() -> Option<&'static PrivateDockerd> {
    static DAEMON: OnceLock<Option<PrivateDockerd>> = OnceLock::new();
    DAEMON
        .get_or_init(|| {
            let daemon = PrivateDockerd::start()?;
            daemon.create_sample_containers();
            let mut parity = vec!["create", "--name", "parity"];
            parity.extend_from_slice(PARITY_FLAGS);
            parity.push("test/base:1");
            daemon.docker(&parity);
            Some(daemon)
        })
        .as_ref()
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn engine(daemon: &PrivateDockerd, args: &[&str]) -> Run {
    let out = dockward()
        .args(["engine", "--isolated", "--host", &daemon.host()])
        .args(args)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .unwrap();
    Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn engine_json(daemon: &PrivateDockerd, args: &[&str]) -> (i32, Value) {
    let run = engine(daemon, &[&["--format", "json"], args].concat());
    let json = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}\n{}", run.stdout, run.stderr, daemon.log()));
    (run.code, json)
}

/// Findings as `(container name, code, pointer)`; the daemon's own findings, which point
/// into its command line or configuration file when it runs on this host, as
/// `("daemon", code, "PATH:LINE")`.
fn located(report: &Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let code = f["code"].as_str().unwrap().to_string();
            let Some(object) = f["object"].as_str() else {
                let path = f["path"].as_str().unwrap_or_else(|| panic!("no object or path in {f}"));
                return ("daemon".to_string(), code, format!("{path}:{}", f["line"]));
            };
            // `container NAME (ID)`, or `daemon URL` for the daemon's own findings.
            let name = match object.strip_prefix("container ") {
                Some(rest) => rest.split(' ').next().unwrap(),
                None => object.split(' ').next().unwrap(),
            };
            (name.to_string(), code, f["pointer"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn audits_every_container_and_locates_findings_by_object_and_pointer() {
    let Some(daemon) = daemon() else { return };
    let (code, report) = engine_json(daemon, &[]);
    assert_eq!(code, 1, "a critical finding exits 1: {report}");
    assert_eq!(report["containers_scanned"], 4);
    let found = located(&report);
    let has =
        |name: &str, code: &str, pointer: &str| found.iter().any(|(n, c, p)| n == name && c == code && p == pointer);
    assert!(has("priv", "DW301", "/HostConfig/Privileged"), "{found:?}");
    assert!(has("sock", "DW309", "/HostConfig/Binds/0"), "{found:?}");
    assert!(has("sock", "DW511", "/HostConfig/PortBindings/80~1tcp/0"), "{found:?}");
    assert!(!found.iter().any(|(n, ..)| n == "hard"), "{found:?}");
    // The daemon itself: it runs on this host, so the command line it was started with
    // and the configuration file it read are audited, each finding at its flag or in the
    // file (an empty `{}`: what it lacks is reported at its start).
    let pid = daemon.pid();
    let config = format!("{}:1", daemon.config_file().display());
    assert!(has("daemon", "DW712", &format!("/proc/{pid}/cmdline:1")), "{found:?}");
    for code in ["DW703", "DW705", "DW707"] {
        assert!(has("daemon", code, &config), "{code}: {found:?}");
    }
    // It listens on a Unix socket only: nothing about TCP without TLS.
    assert!(
        !found
            .iter()
            .any(|(n, c, _)| n == "daemon" && (c == "DW701" || c == "DW702")),
        "{found:?}"
    );

    // Container findings name the object and pointer, never a path and line.
    for f in report["findings"].as_array().unwrap() {
        if f.get("object").is_some() {
            for absent in ["path", "line", "column"] {
                assert!(f.get(absent).is_none(), "{f}");
            }
        }
    }
    // The engine is Debian's 20.10 here: out of upstream support, said as a warning.
    let errors = report["errors"].as_array().unwrap();
    assert!(errors.iter().all(|e| e["warning"] == true), "{errors:?}");
}

#[test]
fn container_filter_by_name_and_id() {
    let Some(daemon) = daemon() else { return };
    let (code, report) = engine_json(daemon, &["--container", "hard"]);
    assert_eq!((code, report["containers_scanned"].as_u64()), (0, Some(1)), "{report}");
    assert_eq!(report["findings"].as_array().unwrap().len(), 0, "{report}");

    let id = daemon.docker(&["inspect", "--format", "{{.Id}}", "priv"]);
    let (_, report) = engine_json(daemon, &["--container", &id[..10], "--container", "sock"]);
    assert_eq!(report["containers_scanned"], 2);
    let names: BTreeSet<String> = located(&report).into_iter().map(|(n, ..)| n).collect();
    assert_eq!(names, BTreeSet::from(["priv".to_string(), "sock".to_string()]));

    let run = engine(daemon, &["--container", "nope"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no container named or with id `nope`"),
        "{}",
        run.stderr
    );
}

#[test]
fn concise_format_settings_and_exit_codes() {
    let Some(daemon) = daemon() else { return };
    let run = engine(
        daemon,
        &["--format", "concise", "--select", "DW301", "--container", "priv"],
    );
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().filter(|l| l.contains("[DW")).collect();
    assert_eq!(lines.len(), 1, "{}", run.stdout);
    assert!(
        lines[0].starts_with("container priv (") && lines[0].contains(")/HostConfig/Privileged: critical[DW301]"),
        "{}",
        lines[0]
    );
    assert!(run.stderr.contains("(from --host): Docker Engine"), "{}", run.stderr);

    // --ignore and --fail-on as for scan; --exit-zero.
    let run = engine(
        daemon,
        &[
            "--container",
            "priv",
            "--ignore",
            "DW301,DW302",
            "--fail-on",
            "critical",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    let run = engine(daemon, &["--container", "priv", "--exit-zero"]);
    assert_eq!(run.code, 0);

    // A configuration file's severity override applies to engine findings too.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "dockward.toml", "[rules.severity]\nDW301 = \"low\"\n");
    let out = dockward()
        .args([
            "engine",
            "--host",
            &daemon.host(),
            "--format",
            "json",
            "--container",
            "priv",
        ])
        .args(["--config", &dir.path().join("dockward.toml").display().to_string()])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DW301")
        .unwrap()
        .clone();
    assert_eq!(f["severity"], "low");
}

#[test]
fn host_from_docker_host_and_from_a_context() {
    let Some(daemon) = daemon() else { return };
    let out = dockward()
        .args(["engine", "--isolated", "--container", "hard", "--format", "json"])
        .env("DOCKER_HOST", daemon.host())
        .env_remove("DOCKER_CONTEXT")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("(from DOCKER_HOST)"), "{stderr}");

    // A context made by the docker CLI itself, in a private DOCKER_CONFIG.
    let config = tempfile::tempdir().unwrap();
    let created = std::process::Command::new("docker")
        .args([
            "context",
            "create",
            "private",
            "--docker",
            &format!("host={}", daemon.host()),
        ])
        .env("DOCKER_CONFIG", config.path())
        .env_remove("DOCKER_HOST")
        .output()
        .unwrap();
    if !created.status.success() {
        // Old CLIs spell it differently; the unit tests cover the store's layout.
        eprintln!(
            "SKIPPED: docker context create: {}",
            String::from_utf8_lossy(&created.stderr)
        );
        return;
    }
    let out = dockward()
        .args(["engine", "--isolated", "--container", "hard", "--format", "json"])
        .env("DOCKER_CONFIG", config.path())
        .env("DOCKER_CONTEXT", "private")
        .env_remove("DOCKER_HOST")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("context `private` from DOCKER_CONTEXT"), "{stderr}");
}

#[test]
fn an_unreachable_engine_exits_2_naming_the_host() {
    // No daemon needed: nothing listens here.
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("docker.sock");
    let host = format!("unix://{}", socket.display());
    let out = dockward()
        .args(["engine", "--isolated", "--host", &host])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot connect to the Docker engine at {host} (from --host)")),
        "{stderr}"
    );
    // An ssh client that fails at once (as ssh does for an unknown host).
    let out = dockward()
        .args(["engine", "--isolated", "--host", "ssh://me@example.invalid"])
        .env("DOCKWARD_SSH", "/bin/false")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("ssh://me@example.invalid"), "{stderr}");
    let out = dockward()
        .args(["engine", "--isolated", "--host", "ssh://me:secret@example.invalid"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("password"));
}

/// The codes of a scan's or an audit's JSON report.
fn code_set(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_same_settings_give_the_same_codes_in_a_run_line_a_compose_file_and_a_live_container() {
    let Some(daemon) = daemon() else { return };
    let dir = tempfile::tempdir().unwrap();
    let line = format!("docker create --name parity {} test/base:1\n", quoted(PARITY_FLAGS));
    write(dir.path(), "deploy.sh", &format!("#!/bin/sh\n{line}"));
    write(dir.path(), "compose/compose.yaml", PARITY_COMPOSE);

    let scan = |path: &Path| -> Value {
        let out = dockward()
            .args(["scan", "--isolated", "--format", "json"])
            .arg(path)
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let run_line = code_set(&scan(&dir.path().join("deploy.sh")));
    let compose = code_set(&scan(&dir.path().join("compose/compose.yaml")));
    let (_, live) = engine_json(daemon, &["--container", "parity"]);
    let live = code_set(&live);
    assert!(
        live.contains("DW309") && live.contains("DW410") && live.contains("DW304"),
        "{live:?}"
    );
    assert_eq!(run_line, live, "run line vs live container");
    assert_eq!(compose, live, "Compose file vs live container");
}

/// Flags as one shell line, quoting the values with spaces.
fn quoted(flags: &[&str]) -> String {
    flags
        .iter()
        .map(|f| {
            if f.contains(' ') {
                format!("'{f}'")
            } else {
                (*f).to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An `ssh://` host goes through the system's ssh running `docker system dial-stdio` on the
/// remote side. Here the "remote side" is this machine: a stand-in for ssh (named by
/// `DOCKWARD_SSH`) records its arguments and runs the real docker CLI's `dial-stdio`
/// against the private daemon, so the tunnel, the HTTP over it and the arguments given to
/// ssh are all real.
#[test]
fn an_ssh_host_is_reached_through_ssh_and_docker_system_dial_stdio() {
    let Some(daemon) = daemon() else { return };
    let Some(docker) = dockward_engine::testing::find_program("docker") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("ssh-args");
    let fake_ssh = dir.path().join("ssh");
    write(
        dir.path(),
        "ssh",
        &format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" >> '{}'\nexec '{}' -H '{}' system dial-stdio\n",
            log.display(),
            docker.display(),
            daemon.host()
        ),
    );
    std::fs::set_permissions(&fake_ssh, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let out = dockward()
        .args([
            "engine",
            "--isolated",
            "--host",
            "ssh://auditor@build-box:2222",
            "--format",
            "json",
        ])
        .args(["--container", "priv"])
        .env("DOCKWARD_SSH", &fake_ssh)
        .env_remove("DOCKER_HOST")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    assert!(stderr.contains("ssh://auditor@build-box:2222"), "{stderr}");
    assert!(
        located(&report).contains(&(
            "priv".to_string(),
            "DW301".to_string(),
            "/HostConfig/Privileged".to_string()
        )),
        "{report}"
    );
    let args = std::fs::read_to_string(&log).unwrap();
    let first: Vec<&str> = args.lines().take(11).collect();
    assert_eq!(
        first,
        [
            "-l",
            "auditor",
            "-p",
            "2222",
            "-o",
            "ConnectTimeout=30",
            "-T",
            "--",
            "build-box",
            "docker",
            "system"
        ],
        "{args}"
    );
}

/// Every report format takes engine findings; SARIF places them by logical location
/// (the container and the inspect field), stable across a container's re-creation.
#[test]
fn every_report_format_takes_engine_findings() {
    let Some(daemon) = daemon() else { return };
    let run = engine(daemon, &["--format", "sarif", "--container", "priv"]);
    let sarif: Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stderr));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let privileged = results.iter().find(|r| r["ruleId"] == "DW301").expect("DW301");
    let logical = &privileged["locations"][0]["logicalLocations"][0];
    let name = logical["fullyQualifiedName"].as_str().unwrap();
    assert!(
        name.starts_with("container priv (") && name.ends_with(")/HostConfig/Privileged"),
        "{name}"
    );
    assert_eq!(logical["name"], "Privileged");
    assert!(privileged["locations"][0].get("physicalLocation").is_none());
    assert_eq!(sarif["runs"][0]["properties"]["containersScanned"], 1);
    for format in ["junit", "gitlab", "checkstyle", "html", "github"] {
        let run = engine(daemon, &["--format", format, "--container", "priv"]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        assert!(run.stdout.contains("DW301"), "{format}: {}", run.stdout);
    }
}

/// Local images are audited by their configuration: an image committed with a token in its
/// environment and SSH exposed draws the image rules at the inspect fields, without the
/// token's value in the output; `--no-images` and `--container` leave images out.
#[test]
fn local_images_are_audited_by_their_configuration() {
    let Some(daemon) = daemon() else { return };
    let token = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
    daemon.docker(&[
        "commit",
        "--change",
        &format!("ENV API_TOKEN={token}"),
        "--change",
        "EXPOSE 22",
        "hard",
        "test/secrets:1",
    ]);
    let run = engine(daemon, &["--format", "json"]);
    assert!(!run.stdout.contains(token), "the token's value leaked");
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let image_findings: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["object"] == "image test/secrets:1")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["pointer"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        image_findings
            .iter()
            .any(|(c, p)| c == "DW401" && p.starts_with("/Config/Env/")),
        "{image_findings:?}"
    );
    assert!(
        image_findings.contains(&("DW501".to_string(), "/Config/ExposedPorts/22~1tcp".to_string())),
        "{image_findings:?}"
    );
    for args in [&["--no-images"][..], &["--container", "hard"][..]] {
        let run = engine(daemon, &[&["--format", "json"], args].concat());
        assert!(!run.stdout.contains("\"image test/"), "{args:?}: {}", run.stdout);
    }
}
