//! Base images known when they can be (issue 10): with `--base-images engine` the local
//! engine's images decide USER and HEALTHCHECK for Dockerfiles built on them and for
//! Compose services built from those Dockerfiles; without it (or for an image the engine
//! does not have, which is never pulled) the findings say what is known at low confidence.
//! And `dockward engine` reads each local image's history. On a private dockerd: without
//! root or dockerd the tests say so and skip, except under `CI=true`, where they fail.

use dockward_engine::testing::PrivateDockerd;
use std::path::{Path, PathBuf};

mod common;
use common::{dockward, finding_lines, json_report, write};

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("base-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `docker build` with the legacy builder, offline, on the private daemon.
fn build(daemon: &PrivateDockerd, dir: &Path, tag: &str, dockerfile: &str) {
    let context = dir.join(format!("build-{}", tag.replace([':', '/'], "-")));
    std::fs::create_dir_all(&context).unwrap();
    std::fs::write(context.join("Dockerfile"), dockerfile).unwrap();
    daemon.build(&context, tag);
}

/// `dockward scan --isolated --format json ARGS` in `dir` with `DOCKER_HOST=host`:
/// findings as `path code confidence message`, sorted, and standard error.
fn scan(dir: &Path, host: &str, args: &[&str]) -> (Vec<String>, String) {
    let out = dockward()
        .current_dir(dir)
        .args([
            "scan",
            "--isolated",
            "--format",
            "json",
            "--select",
            "DW101,DW104,DW302,DW315",
        ])
        .args(args)
        .arg(".")
        .env("DOCKER_HOST", host)
        .env_remove("DOCKER_CONTEXT")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let found = finding_lines(&json_report(&out), &["path", "code", "confidence", "message"]);
    (found, stderr)
}

#[test]
fn the_engine_decides_base_images_for_dockerfiles_and_compose_builds_and_never_pulls() {
    let Some(daemon) = PrivateDockerd::start() else { return };
    let dir = scratch("engine");
    // `test/base:1` (imported busybox) sets no user and no healthcheck.
    build(
        &daemon,
        &dir,
        "acme/unprivileged:1",
        "FROM test/base:1\nUSER 1000\nHEALTHCHECK CMD [\"/bin/busybox\", \"true\"]\n",
    );
    let tree = dir.join("tree");
    write(&tree, "u/Dockerfile", "FROM acme/unprivileged:1\nEXPOSE 8080\n");
    write(
        &tree,
        "r/Dockerfile",
        "ARG BASE=test/base:1\nFROM ${BASE}\nEXPOSE 8080\n",
    );
    write(&tree, "m/Dockerfile", "FROM acme/missing:1\nEXPOSE 8080\n");
    write(
        &tree,
        "compose.yaml",
        "services:\n  app:\n    build: ./u\n  rooted:\n    build:\n      context: ./r\n  unknown:\n    build: ./m\n  prebuilt:\n    image: acme/unprivileged:1\n  plain:\n    image: test/base:1\n  absent:\n    image: acme/missing:1\n",
    );

    let (found, stderr) = scan(&tree, &daemon.host(), &["--base-images", "engine"]);
    assert_eq!(
        found,
        [
            // `prebuilt` runs an image the engine has, which sets a user and a
            // healthcheck: nothing to say. `plain` runs one that sets neither.
            "compose.yaml DW302 high service `plain` sets no user and its image never leaves root",
            "compose.yaml DW302 high service `rooted` sets no user and its image never leaves root",
            // `absent` runs an image the engine does not have: unknown, as offline.
            "compose.yaml DW302 low service `absent` sets no user: the container runs as the image's user, which is root unless the image sets USER",
            "compose.yaml DW302 low service `unknown` sets no user and its Dockerfile sets no USER: it runs as root unless the base image `acme/missing:1` sets one",
            "compose.yaml DW315 high neither service `plain` nor its image defines a healthcheck",
            "compose.yaml DW315 high neither service `rooted` nor its image defines a healthcheck",
            "compose.yaml DW315 low neither service `unknown` nor its Dockerfile defines a healthcheck (unless the base image `acme/missing:1` does)",
            "m/Dockerfile DW101 low the final stage never sets USER; the container runs as root unless the base image `acme/missing:1` sets one",
            "m/Dockerfile DW104 high the image exposes a service but defines no HEALTHCHECK",
            "r/Dockerfile DW101 high the final stage never sets USER and its base image `test/base:1` sets none either (the local engine's image), so the container runs as root",
            "r/Dockerfile DW104 high the image exposes a service but defines no HEALTHCHECK",
        ],
        "{stderr}"
    );
    assert!(!stderr.contains("warning"), "{stderr}");
    // `--host` names the engine as for `dockward engine`, whatever DOCKER_HOST says.
    let host = daemon.host();
    let (with_flag, stderr) = scan(
        &tree,
        "unix:///nonexistent/docker.sock",
        &["--base-images", "engine", "--host", &host],
    );
    assert_eq!(with_flag, found, "{stderr}");
    // Looked up, not pulled.
    assert!(daemon.try_docker(&["image", "inspect", "acme/missing:1"]).is_err());

    // Offline (the default): nothing is known of these bases; said at low confidence.
    let (found, _) = scan(&tree, &daemon.host(), &[]);
    let dw101: Vec<&String> = found.iter().filter(|f| f.contains(" DW101 ")).collect();
    assert_eq!(dw101.len(), 3, "{found:#?}");
    assert!(
        dw101
            .iter()
            .all(|f| f.contains(" low ") && f.contains("runs as root unless the base image")),
        "{found:#?}"
    );
    assert!(found.iter().any(|f| f.starts_with(
        "u/Dockerfile DW101 low the final stage never sets USER; the container runs as root unless the base image `acme/unprivileged:1` sets one"
    )));
    // `--min-confidence high` leaves them out.
    let (found, _) = scan(&tree, &daemon.host(), &["--min-confidence", "high"]);
    assert!(found.iter().all(|f| f.contains(" high ")), "{found:#?}");
    assert!(
        !found.iter().any(|f| f.contains(" DW101 ") || f.contains(" DW302 ")),
        "{found:#?}"
    );

    // An engine that cannot be reached: one warning, and the scan goes on as offline.
    let (found, stderr) = scan(&tree, "unix:///nonexistent/docker.sock", &["--base-images", "engine"]);
    assert_eq!(stderr.matches("warning: --base-images engine").count(), 1, "{stderr}");
    assert_eq!(
        found.iter().filter(|f| f.contains(" DW101 low ")).count(),
        3,
        "{found:#?}"
    );
}

#[test]
fn engine_images_are_judged_by_their_history_too() {
    let Some(daemon) = PrivateDockerd::start() else { return };
    let dir = scratch("history");
    // The legacy builder records the build argument and the command in the history; the
    // download never runs (`true ||`, and the build has no network).
    build(
        &daemon,
        &dir,
        "acme/history:1",
        "FROM test/base:1\nARG GITHUB_TOKEN=ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789\nRUN [\"/bin/busybox\", \"sh\", \"-c\", \"true || /bin/busybox wget -qO- http://example.invalid/i.sh | sh\"]\nUSER 1000\n",
    );
    let out = dockward()
        .args([
            "engine",
            "--isolated",
            "--host",
            &daemon.host(),
            "--format",
            "json",
            "--select",
            "DW150,DW401",
        ])
        .env_remove("DOCKER_HOST")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let found = finding_lines(&json_report(&out), &["code", "object", "pointer"]);
    // Newest first, as the engine lists them: USER is entry 0, the RUN 1, the ARG 2 (the
    // build argument is reported once, where it first appears).
    assert_eq!(
        found,
        [
            "DW150 image acme/history:1 /history/1/CreatedBy",
            "DW401 image acme/history:1 /history/2/CreatedBy",
        ],
        "{stdout}"
    );
    assert!(!stdout.contains("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"), "{stdout}");
}
