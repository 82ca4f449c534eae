//! Drift: a container of a Compose project, created by Debian's docker-compose on a private
//! dockerd, then one more created by hand under the same project and service labels with
//! more privileges than the Compose file gives. `dockward engine` must report the extra
//! privileges once, at the live field, pointing at the service in the Compose file too,
//! and say nothing of drift for the container Compose made.

use dockward_engine::testing::{PrivateDockerd, find_program};
use serde_json::Value;
use std::process::Command;

mod common;
use common::{dockward, write};

const COMPOSE: &str = "services:
  web:
    image: test/base:1
    network_mode: none
    read_only: true
    cap_drop: [ALL]
    cap_add: [NET_BIND_SERVICE]
    security_opt: [no-new-privileges:true]
    mem_limit: 64m
    pids_limit: 64
    cpus: 0.5
    user: \"1000\"
";

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

#[test]
fn a_container_changed_by_hand_drifts_from_its_compose_service() {
    let Some(compose) = find_program("docker-compose") else {
        assert!(
            !in_ci(),
            "docker-compose is required under CI=true (scripts/test.sh installs it)"
        );
        eprintln!("skipped: docker-compose is not installed");
        return;
    };
    let Some(daemon) = PrivateDockerd::start() else { return };
    daemon.import_busybox("test/base:1");
    let project = tempfile::tempdir().unwrap();
    write(project.path(), "compose.yaml", COMPOSE);
    let up = Command::new(compose)
        .args(["--project-name", "drift", "up", "--no-start"])
        .current_dir(project.path())
        .env("DOCKER_HOST", daemon.host())
        .env_remove("DOCKER_CONTEXT")
        .output()
        .unwrap();
    assert!(
        up.status.success(),
        "docker-compose up: {}",
        String::from_utf8_lossy(&up.stderr)
    );

    // The same labels, by hand: privileged, a dangerous capability, none of the hardening.
    let labels = daemon.docker(&["inspect", "--format", "{{json .Config.Labels}}", "drift_web_1"]);
    let labels: serde_json::Map<String, Value> = serde_json::from_str(&labels).unwrap();
    let mut create = vec!["create".to_string(), "--name".into(), "drift_web_2".into()];
    for (key, value) in &labels {
        if key.starts_with("com.docker.compose.") && key != "com.docker.compose.container-number" {
            create.push("--label".into());
            create.push(format!("{key}={}", value.as_str().unwrap()));
        }
    }
    create.extend(
        [
            "--privileged",
            "--cap-add",
            "SYS_ADMIN",
            "--network",
            "none",
            "test/base:1",
        ]
        .map(String::from),
    );
    daemon.docker(&create.iter().map(String::as_str).collect::<Vec<_>>());

    let out = dockward()
        .args(["engine", "--isolated", "--host", &daemon.host(), "--format", "json"])
        .args(["--container", "drift_web_1,drift_web_2"])
        .env_remove("DOCKER_HOST")
        .output()
        .unwrap();
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let findings = report["findings"].as_array().unwrap();
    let drift: Vec<(&str, &str, &str)> = findings
        .iter()
        .filter(|f| f.get("related").is_some())
        .map(|f| {
            (
                f["object"].as_str().unwrap(),
                f["code"].as_str().unwrap(),
                f["pointer"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        drift
            .iter()
            .all(|(object, ..)| object.starts_with("container drift_web_2 ")),
        "{drift:?}"
    );
    let codes: Vec<&str> = drift.iter().map(|(_, code, _)| *code).collect();
    for expected in [
        "DW301", // privileged
        "DW304", // SYS_ADMIN added
        "DW302", // runs as root where the file says user 1000
        "DW601", // no memory limit where the file sets one
    ] {
        assert!(
            codes.contains(&expected),
            "{expected} missing from {drift:?}: {}",
            report["errors"]
        );
    }
    let privileged = findings
        .iter()
        .find(|f| f["code"] == "DW301" && f["object"].as_str().unwrap().contains("drift_web_2"))
        .unwrap();
    assert_eq!(privileged["pointer"], "/HostConfig/Privileged");
    assert!(
        privileged["message"].as_str().unwrap().contains("(drift)"),
        "{privileged}"
    );
    // The related place is the service in the Compose file, by line.
    let related = &privileged["related"][0];
    assert!(related["path"].as_str().unwrap().ends_with("compose.yaml"), "{related}");
    assert_eq!(related["line"], 2, "{related}");
    // Reported once: no second DW301 for the same container.
    let privileged_count = findings
        .iter()
        .filter(|f| f["code"] == "DW301" && f["object"].as_str().unwrap().contains("drift_web_2"))
        .count();
    assert_eq!(privileged_count, 1);

    // The text format names both places.
    let out = dockward()
        .args(["engine", "--isolated", "--host", &daemon.host(), "--format", "concise"])
        .args(["--container", "drift_web_2", "--select", "DW301"])
        .env_remove("DOCKER_HOST")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("/HostConfig/Privileged: critical[DW301]") && text.contains("compose.yaml:2:"),
        "{text}"
    );
}
