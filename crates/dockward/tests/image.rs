//! `dockward image` end to end: on OCI layouts these tests write (every image rule, exact
//! findings), and on images a private dockerd builds with `docker build` and exports both
//! with `docker save` and through the engine API. Without root or dockerd the engine
//! tests say so and skip, except under `CI=true`, where they fail.

use dockward_engine::testing::PrivateDockerd;
use dockward_image::testing::{Compress, LayerBuilder, TestImage, compress, oci_layout, tar_of};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

mod common;
use common::{dockward, finding_lines, json_report};

const NPM_TOKEN: &str = "npm_abcdefghijklmnopqrstuvwxyz0123456789";
const PASSWORD: &str = "hunter2-very-secret";
/// Made-up tokens in the formats the content scan knows (random-looking bodies).
const GITHUB_TOKEN: &str = "ghp_R8kq2ZtX4mVb7NcL1pW9sYd3Hf6Jg0Ae5UoQ";
const STRIPE_KEY: &str = "sk_live_51NqTz8Lr2VxW6yBc4DfGhJk9Mp3Qs";

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("image-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `dockward image --isolated --format json ARGS`: exit code, report, stderr.
fn image_json(args: &[&str]) -> (i32, Value, String) {
    let out = dockward()
        .args(["image", "--isolated", "--format", "json"])
        .args(args)
        .env_remove("DOCKER_HOST")
        .env_remove("DOCKER_CONTEXT")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (out.status.code().unwrap(), json, stderr)
}

/// Findings as `CODE where`, where is `pointer` for configuration and history findings
/// and `layer-index path` for files.
fn located(report: &Value, layers: &[String]) -> Vec<String> {
    let mut out: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let code = f["code"].as_str().unwrap();
            match (f["pointer"].as_str(), f["path"].as_str()) {
                (Some(pointer), _) => format!("{code} {pointer}"),
                (None, Some(path)) => {
                    let layer = f["layer"].as_str().unwrap();
                    let index = layers.iter().position(|l| l == layer).unwrap();
                    format!("{code} {index} {path}")
                }
                _ => panic!("unlocated finding {f}"),
            }
        })
        .collect();
    out.sort();
    out
}

fn written_image() -> TestImage {
    let mut base = LayerBuilder::new();
    base.dir("etc", 0o755)
        .file(
            "etc/passwd",
            0o644,
            b"root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n",
        )
        .file("etc/group", 0o644, b"root:x:0:\napp:x:1000:\n")
        .file(
            "etc/shadow",
            0o640,
            b"root:*:19700:0:99999:7:::\napp::19700:0:99999:7:::\n",
        )
        .file("bin/su", 0o4755, b"\x7fELF")
        .file("usr/bin/sudo", 0o4755, b"\x7fELF")
        .dir("tmp", 0o1777)
        .file("var/lib/apt/lists/lock", 0o640, b"")
        .file(
            "var/lib/apt/lists/deb.debian.org_dists_bookworm_InRelease",
            0o644,
            b"lists",
        );
    let mut app = LayerBuilder::new();
    app.dir("app", 0o755)
        .file(
            "app/.env",
            0o644,
            format!("PORT=3000\nDB_PASSWORD={PASSWORD}\n").as_bytes(),
        )
        .file("app/.env.example", 0o644, b"DB_PASSWORD=changeme\n")
        .dir("app/.git", 0o755)
        .file("app/.git/HEAD", 0o644, b"ref: refs/heads/main\n")
        .file("usr/local/bin/tool", 0o4755, b"\x7fELF")
        .dir("data", 0o777)
        .file("data/x", 0o666, b"")
        .file(
            "root/.npmrc",
            0o600,
            format!("//registry.npmjs.org/:_authToken={NPM_TOKEN}\n").as_bytes(),
        )
        .file("root/.docker/config.json", 0o600, br#"{"credsStore":"desktop"}"#)
        .file(
            "home/app/.ssh/id_ed25519",
            0o600,
            b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
        )
        .file(
            "app/config.txt",
            0o644,
            format!("# deploy settings\nGITHUB_TOKEN={GITHUB_TOKEN}\n").as_bytes(),
        )
        .file(
            "app/server.js",
            0o644,
            format!("const express = require('express');\n\nconst stripe = require('stripe')('{STRIPE_KEY}');\n")
                .as_bytes(),
        )
        .file("app/old.txt", 0o644, format!("token {GITHUB_TOKEN}\n").as_bytes())
        .file(
            "app/docs.txt",
            0o644,
            b"e.g. AKIAIOSFODNN7EXAMPLE or ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
        )
        .file("app/tool.bin", 0o755, format!("\x7fELF\0\0{GITHUB_TOKEN}").as_bytes())
        .file(
            "usr/share/doc/app/README",
            0o644,
            format!("export GITHUB_TOKEN={GITHUB_TOKEN}\n").as_bytes(),
        )
        .file(
            "usr/lib/python3/site-packages/tornado/test/test.key",
            0o644,
            b"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
        );
    let mut cleanup = LayerBuilder::new();
    cleanup.whiteout("app/.env").whiteout("app/old.txt");
    TestImage {
        name: Some("acme/web:1.2".to_string()),
        platform: None,
        config: json!({
            "architecture": "amd64", "os": "linux",
            "config": {
                "User": "",
                "Env": ["PATH=/usr/bin", format!("DB_PASSWORD={PASSWORD}"), "DB_PASSWORD_FILE=/run/secrets/db"],
                "ExposedPorts": {"22/tcp": {}, "8080/tcp": {}, "5432/tcp": {}},
                "Cmd": ["/usr/local/bin/tool"]
            },
            "history": [
                {"created_by": "ADD rootfs.tar /"},
                {"created_by": "ARG NPM_TOKEN", "empty_layer": true},
                {"created_by": format!("RUN |1 NPM_TOKEN={NPM_TOKEN} /bin/sh -c curl -fsSL https://get.example.com/i.sh | sh # buildkit")},
                {"created_by": "ADD https://example.com/tool.tgz /opt/ # buildkit", "empty_layer": true},
                {"created_by": "RUN /bin/sh -c rm /app/.env # buildkit"}
            ]
        }),
        layers: vec![
            compress(&base.finish(), Compress::Gzip),
            compress(&app.finish(), Compress::Zstd),
            cleanup.finish(),
        ],
    }
}

#[test]
fn every_image_rule_reports_exactly_where_and_no_secret_value_is_printed() {
    let dir = scratch("rules");
    let archive = dir.join("web.tar");
    std::fs::write(&archive, tar_of(&oci_layout(&[written_image()]))).unwrap();
    let (code, report, stderr) = image_json(&[archive.to_str().unwrap()]);
    assert_eq!(code, 1, "{report}\n{stderr}");
    assert_eq!(report["images_scanned"], 1);
    assert_eq!(report["errors"], json!([]));
    let layers: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["layer"].as_str().map(str::to_string))
        .fold(Vec::new(), |mut acc, l| {
            if !acc.contains(&l) {
                acc.push(l);
            }
            acc
        });
    // Layer order as the findings name them; the base layer's files come first by path.
    let mut layers_sorted = layers.clone();
    layers_sorted.sort();
    assert_eq!(
        layers_sorted.len(),
        2,
        "findings name the base and app layers: {layers:?}"
    );
    let base = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "/etc/shadow")
        .unwrap()["layer"]
        .as_str()
        .unwrap()
        .to_string();
    let app = layers.iter().find(|l| **l != base).unwrap().clone();
    let found = located(&report, &[base, app]);
    assert_eq!(
        found,
        [
            "DW101 /config",
            "DW104 /config",
            "DW107 0 /bin/su",
            "DW107 0 /usr/bin/sudo",
            "DW107 1 /usr/local/bin/tool",
            "DW110 0 /usr/bin/sudo",
            "DW150 /history/2/created_by",
            "DW151 /history/3/created_by",
            "DW170 1 /data",
            "DW171 0 /etc/shadow",
            "DW172 0 /etc/passwd",
            "DW173 1 /app/.git",
            "DW202 0 /var/lib/apt/lists",
            "DW401 /config/Env/1",
            "DW401 /history/2/created_by",
            "DW402 1 /app/.env",
            "DW402 1 /app/config.txt",
            "DW402 1 /app/old.txt",
            "DW402 1 /app/server.js",
            "DW402 1 /home/app/.ssh/id_ed25519",
            "DW402 1 /root/.npmrc",
            "DW501 /config/ExposedPorts/22~1tcp",
            "DW501 /config/ExposedPorts/5432~1tcp",
        ]
        .map(String::from),
        "{report:#}"
    );
    let text = report.to_string();
    assert!(
        !text.contains(PASSWORD)
            && !text.contains(NPM_TOKEN)
            && !text.contains(GITHUB_TOKEN)
            && !text.contains(STRIPE_KEY),
        "a secret value was printed: {text}"
    );
    assert!(
        !stderr.contains("reading "),
        "no progress line when stderr is not a terminal: {stderr}"
    );
    let message = |code: &str, path: &str| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code && (f["path"] == path || f["pointer"] == path))
            .map(|f| f["message"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(
        message("DW402", "/app/.env"),
        "/app/.env holds secrets in an environment file; a later layer deletes it, but this layer still has it"
    );
    assert_eq!(
        message("DW402", "/app/config.txt"),
        "/app/config.txt holds what looks like a GitHub token (line 2, column 14)"
    );
    assert_eq!(
        message("DW402", "/app/server.js"),
        "/app/server.js holds what looks like a Stripe secret key (line 3, column 35)"
    );
    assert_eq!(
        message("DW402", "/app/old.txt"),
        "/app/old.txt holds what looks like a GitHub token (line 1, column 7); a later layer deletes the file, but this layer still has it"
    );
    // Without the content scan, only credential files are judged.
    let (_, report, _) = image_json(&["--no-content-scan", archive.to_str().unwrap()]);
    let without: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "DW402")
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(without, ["/app/.env", "/home/app/.ssh/id_ed25519", "/root/.npmrc"]);
    assert_eq!(
        message("DW172", "/etc/passwd"),
        "/etc/passwd: uid 0 is shared by root, toor"
    );
    assert_eq!(message("DW171", "/etc/shadow"), "/etc/shadow: no password for app");
    let su = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "/bin/su")
        .unwrap();
    assert_eq!(su["severity"], "low", "a distribution's setuid program is low: {su}");

    // The text formats name the image, the short layer and the path.
    let out = dockward()
        .args(["image", "--isolated", "--format", "concise", archive.to_str().unwrap()])
        .output()
        .unwrap();
    let concise = String::from_utf8_lossy(&out.stdout);
    assert!(
        concise
            .lines()
            .any(|l| l.starts_with("image acme/web:1.2 layer sha256:")
                && l.ends_with("/etc/shadow: high[DW171] /etc/shadow: no password for app")),
        "{concise}"
    );
    assert!(!concise.contains(PASSWORD) && !concise.contains(NPM_TOKEN));
}

#[test]
fn budgets_and_bad_inputs_are_located_errors_and_the_run_goes_on() {
    let dir = scratch("budgets");
    let mut bomb = LayerBuilder::new();
    bomb.zeros("zeros", 32 << 20);
    let image = TestImage {
        name: Some("bomb:1".to_string()),
        platform: None,
        config: json!({"config": {"User": "1000", "Healthcheck": {"Test": ["CMD", "true"]}}}),
        layers: vec![compress(&bomb.finish(), Compress::Gzip)],
    };
    let archive = dir.join("bomb.tar");
    std::fs::write(&archive, tar_of(&oci_layout(&[image]))).unwrap();
    let missing = dir.join("missing.tar");
    let (code, report, _) = image_json(&[
        "--max-layer-bytes",
        "1048576",
        "--host",
        "unix:///nonexistent/docker.sock",
        archive.to_str().unwrap(),
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{report}");
    assert_eq!(report["images_scanned"], 1);
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{report:#}");
    assert!(
        errors[0]["path"]
            .as_str()
            .unwrap()
            .starts_with("image bomb:1 layer sha256:"),
        "{report:#}"
    );
    assert!(
        errors[0]["message"]
            .as_str()
            .unwrap()
            .contains("decompresses to more than 1048576 bytes (budget)"),
        "{report:#}"
    );
    assert_eq!(errors[1]["path"], missing.to_str().unwrap());
    assert!(
        errors[1]["message"]
            .as_str()
            .unwrap()
            .starts_with("no such file, and no engine to ask"),
        "{report:#}"
    );
}

/// A Dockerfile the private dockerd builds with the classic builder (no network, no
/// BuildKit), on top of the busybox image the daemon imported.
const DOCKERFILE: &str = r#"FROM test/base:1
ARG NPM_TOKEN=npm_abcdefghijklmnopqrstuvwxyz0123456789
COPY id_rsa /root/.ssh/id_rsa
COPY npmrc /root/.npmrc
COPY app /app
RUN ["/bin/busybox", "sh", "-c", "/bin/busybox rm /app/old.txt && /bin/busybox mkdir -p /usr/bin /data && /bin/busybox cp /bin/busybox /usr/bin/tool && /bin/busybox chmod 4755 /usr/bin/tool && /bin/busybox chmod 0777 /data"]
EXPOSE 22
USER 1000
"#;

fn build(daemon: &PrivateDockerd, dir: &Path) {
    let context = dir.join("context");
    std::fs::create_dir_all(&context).unwrap();
    std::fs::write(context.join("Dockerfile"), DOCKERFILE).unwrap();
    std::fs::write(
        context.join("id_rsa"),
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n",
    )
    .unwrap();
    std::fs::write(
        context.join("npmrc"),
        format!("//registry.npmjs.org/:_authToken={NPM_TOKEN}\n"),
    )
    .unwrap();
    let app = context.join("app");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(app.join("config.txt"), format!("GITHUB_TOKEN={GITHUB_TOKEN}\n")).unwrap();
    std::fs::write(
        app.join("server.js"),
        format!("const stripe = require('stripe')('{STRIPE_KEY}');\n"),
    )
    .unwrap();
    std::fs::write(app.join("old.txt"), format!("{GITHUB_TOKEN}\n")).unwrap();
    daemon.build(&context, "acme/web:1.2");
}

#[test]
fn images_built_by_dockerd_read_the_same_from_docker_save_and_from_the_engine() {
    let Some(daemon) = PrivateDockerd::start() else { return };
    let dir = scratch("dockerd");
    build(&daemon, &dir);
    let saved = dir.join("web.tar");
    daemon.docker(&["save", "-o", saved.to_str().unwrap(), "acme/web:1.2"]);

    let (code, from_file, stderr) = image_json(&[saved.to_str().unwrap()]);
    assert_eq!(code, 1, "{from_file}\n{stderr}");
    let (code, from_engine, stderr) = image_json(&["--host", &daemon.host(), "acme/web:1.2"]);
    assert_eq!(code, 1, "{from_engine}\n{stderr}");
    assert_eq!(
        from_file["findings"], from_engine["findings"],
        "the same image, read two ways"
    );

    let mut summary: Vec<String> = from_file["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["code"].as_str().unwrap(),
                f["path"].as_str().or(f["pointer"].as_str()).unwrap()
            )
        })
        .collect();
    summary.sort();
    assert_eq!(
        summary,
        [
            "DW104 /config",
            "DW107 /usr/bin/tool",
            "DW170 /data",
            "DW401 /history/1/created_by",
            "DW402 /app/config.txt",
            "DW402 /app/old.txt",
            "DW402 /app/server.js",
            "DW402 /root/.npmrc",
            "DW402 /root/.ssh/id_rsa",
            "DW501 /config/ExposedPorts/22~1tcp",
        ]
        .map(String::from),
        "{from_file:#}"
    );
    for f in from_file["findings"].as_array().unwrap() {
        assert_eq!(f["object"], "image acme/web:1.2", "{f}");
        if f.get("path").is_some() {
            assert!(f["layer"].as_str().unwrap().starts_with("sha256:"), "{f}");
        }
    }
    let text = from_file.to_string();
    assert!(!text.contains(NPM_TOKEN) && !text.contains(GITHUB_TOKEN) && !text.contains(STRIPE_KEY));
    // A saved archive with one layer's byte flipped: a located digest error, the image is
    // still reported.
    let tampered = dir.join("tampered.tar");
    dockward_image::testing::tamper_largest_member(&saved, &tampered);
    let (code, report, stderr) = image_json(&[tampered.to_str().unwrap()]);
    assert_eq!(code, 2, "{report:#}\n{stderr}");
    assert_eq!(report["images_scanned"], 1);
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e["path"]
            .as_str()
            .unwrap()
            .starts_with("image acme/web:1.2 layer sha256:")
            && e["message"].as_str().unwrap().contains("altered or truncated")),
        "{report:#}"
    );

    // An engine image that does not exist is the daemon's own error, located.
    let (code, report, _) = image_json(&["--host", &daemon.host(), "acme/nothing:1"]);
    assert_eq!(code, 2);
    assert_eq!(report["errors"][0]["path"], "image acme/nothing:1");
}

/// `[image] base-images` names archives of base images: their configuration then decides
/// USER and HEALTHCHECK for Dockerfiles built on them.
#[test]
fn a_named_base_image_decides_user_and_healthcheck_for_dockerfiles() {
    let dir = scratch("base");
    let base = |user: &str, healthcheck: bool| TestImage {
        name: None,
        platform: None,
        config: if healthcheck {
            json!({"config": {"User": user, "Healthcheck": {"Test": ["CMD", "/probe"]}}})
        } else {
            json!({"config": {"User": user}})
        },
        layers: vec![LayerBuilder::new().finish()],
    };
    std::fs::write(dir.join("unprivileged.tar"), tar_of(&oci_layout(&[base("101", true)]))).unwrap();
    std::fs::write(dir.join("rooted.tar"), tar_of(&oci_layout(&[base("", false)]))).unwrap();
    std::fs::write(
        dir.join("dockward.toml"),
        "[image]\nbase-images = { \"acme/unprivileged:1\" = \"unprivileged.tar\", \"acme/rooted:1\" = \"rooted.tar\", \"acme/missing:1\" = \"missing.tar\" }\n",
    )
    .unwrap();
    for (name, from) in [
        ("a", "acme/unprivileged:1"),
        ("b", "acme/rooted:1"),
        ("c", "acme/missing:1"),
    ] {
        std::fs::create_dir_all(dir.join(name)).unwrap();
        std::fs::write(
            dir.join(name).join("Dockerfile"),
            format!("FROM {from}\nEXPOSE 8080\nCOPY . /srv\n"),
        )
        .unwrap();
    }
    let out = dockward()
        .current_dir(&dir)
        .args(["scan", "--format", "json", "--select", "DW101,DW104", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let found = finding_lines(&json_report(&out), &["path", "code", "message"]);
    let rooted = dir.join("rooted.tar").display().to_string();
    assert_eq!(
        found,
        [
            "b/Dockerfile DW101 the final stage never sets USER and its base image `acme/rooted:1` sets none either (ROOTED), so the container runs as root"
                .replace("ROOTED", &rooted),
            "b/Dockerfile DW104 the image exposes a service but defines no HEALTHCHECK".to_string(),
            "c/Dockerfile DW101 the final stage never sets USER; the container runs as root unless the base image `acme/missing:1` sets one".to_string(),
            "c/Dockerfile DW104 the image exposes a service but defines no HEALTHCHECK".to_string(),
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("warning: [image] base-images acme/missing:1:"),
        "{stderr}"
    );
}
