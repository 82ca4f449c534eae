//! `dockward host` end to end: a host built under a temporary folder (files of given
//! owners and modes, sockets, links, audit rules in both forms) audited with `--root`;
//! this machine audited as root and as an unprivileged user.

mod common;

use common::dockward;
use serde_json::Value;
use std::os::unix::fs::{MetadataExt, PermissionsExt, chown, symlink};
use std::path::Path;

/// Owners and modes need root to set (chown); without it these tests say so and pass.
fn is_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

const DOCKER_GID: u32 = 998;
const ALICE: u32 = 1000;

/// A host under construction: every path is a host path, written under `root`.
struct Tree<'a> {
    root: &'a Path,
}

impl Tree<'_> {
    fn on_disk(&self, path: &str) -> std::path::PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }

    fn set(&self, path: &str, mode: u32, uid: u32, gid: u32) {
        let on_disk = self.on_disk(path);
        chown(&on_disk, Some(uid), Some(gid)).unwrap();
        std::fs::set_permissions(&on_disk, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn file(&self, path: &str, text: &str, mode: u32, uid: u32, gid: u32) {
        let on_disk = self.on_disk(path);
        std::fs::create_dir_all(on_disk.parent().unwrap()).unwrap();
        std::fs::write(&on_disk, text).unwrap();
        self.set(path, mode, uid, gid);
    }

    fn dir(&self, path: &str, mode: u32, uid: u32, gid: u32) {
        std::fs::create_dir_all(self.on_disk(path)).unwrap();
        self.set(path, mode, uid, gid);
    }

    /// A real unix socket, as dockerd and containerd leave them.
    fn socket(&self, path: &str, mode: u32, uid: u32, gid: u32) {
        let on_disk = self.on_disk(path);
        std::fs::create_dir_all(on_disk.parent().unwrap()).unwrap();
        drop(std::os::unix::net::UnixListener::bind(&on_disk).unwrap());
        self.set(path, mode, uid, gid);
    }

    fn link(&self, path: &str, target: &str) {
        let on_disk = self.on_disk(path);
        std::fs::create_dir_all(on_disk.parent().unwrap()).unwrap();
        symlink(target, on_disk).unwrap();
    }

    /// What every host has: accounts, merged /usr, /var/run, Docker's binaries.
    fn base(&self, group: &str) {
        std::fs::set_permissions(self.root, std::fs::Permissions::from_mode(0o755)).unwrap();
        self.file(
            "/etc/passwd",
            "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n\
             bob:x:1001:998::/home/bob:/bin/bash\n",
            0o644,
            0,
            0,
        );
        self.file("/etc/group", group, 0o644, 0, 0);
        self.dir("/usr/lib/systemd/system", 0o755, 0, 0);
        self.link("/lib", "usr/lib");
        self.dir("/run", 0o755, 0, 0);
        self.link("/var/run", "/run");
        for binary in ["/usr/bin/dockerd", "/usr/bin/containerd", "/usr/bin/runc"] {
            self.file(binary, "", 0o755, 0, 0);
        }
        self.dir("/etc/docker", 0o755, 0, 0);
    }
}

/// Everything CIS 1.1 and 3 judge, wrong in the ways each host rule reports, with a few
/// right ones beside them.
fn insecure_host(tree: &Tree<'_>) {
    tree.base("root:x:0:\ndocker:x:998:alice\nalice:x:1000:\n");
    tree.socket("/run/docker.sock", 0o666, 0, DOCKER_GID);
    tree.dir("/run/containerd", 0o711, 0, 0);
    tree.socket("/run/containerd/containerd.sock", 0o660, ALICE, 0);
    tree.file(
        "/usr/lib/systemd/system/docker.service",
        "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n",
        0o664,
        0,
        0,
    );
    tree.file("/usr/lib/systemd/system/docker.socket", "[Socket]\n", 0o644, 0, 0);
    tree.file(
        "/etc/docker/daemon.json",
        r#"{"tlsverify": true, "tlscacert": "/etc/docker/tls/ca.pem", "tlscert": "/etc/docker/tls/cert.pem",
           "tlskey": "/etc/docker/tls/key.pem", "data-root": "/srv/docker"}"#,
        0o644,
        ALICE,
        ALICE,
    );
    tree.file("/etc/docker/tls/ca.pem", "", 0o644, 0, 0);
    tree.file("/etc/docker/tls/cert.pem", "", 0o444, 0, 0);
    tree.file("/etc/docker/tls/key.pem", "", 0o640, 0, 0);
    tree.file("/etc/docker/certs.d/registry:5000/ca.crt", "", 0o444, 0, 0);
    tree.file("/etc/docker/certs.d/registry:5000/client.key", "", 0o444, 0, 0);
    tree.file("/etc/default/docker", "DOCKER_OPTS=\n", 0o644, 0, 0);
    tree.dir("/srv/docker", 0o710, 0, 0);
    // Installed in sbin, linked from bin: a watch must name the file, not the link.
    tree.file("/usr/sbin/containerd-shim-runc-v2", "", 0o755, 0, 0);
    tree.link("/usr/bin/containerd-shim-runc-v2", "../sbin/containerd-shim-runc-v2");
    // Both rule forms; a watch on a sibling path is not a watch on /etc/docker/daemon.json,
    // and the unit is watched by its /lib name.
    tree.file(
        "/etc/audit/rules.d/docker.rules",
        "-w /usr/bin/dockerd -p rwxa -k docker\n\
         -a always,exit -F arch=b64 -S all -F path=/usr/bin/runc -F perm=wa -k docker\n\
         -w /etc/docker/daemon.json.bak -k docker\n",
        0o640,
        0,
        0,
    );
    tree.file(
        "/etc/audit/audit.rules",
        "-D\n-w /lib/systemd/system/docker.service -k docker\n",
        0o640,
        0,
        0,
    );
    tree.file("/etc/environment", "DOCKER_CONTENT_TRUST=0\n", 0o644, 0, 0);
}

/// The same host set up as CIS asks.
fn hardened_host(tree: &Tree<'_>) {
    tree.base("root:x:0:\ndocker:x:998:\nalice:x:1000:\n");
    // Nobody's primary group is docker either.
    tree.file(
        "/etc/passwd",
        "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/bash\n",
        0o644,
        0,
        0,
    );
    tree.socket("/run/docker.sock", 0o660, 0, DOCKER_GID);
    tree.dir("/run/containerd", 0o711, 0, 0);
    tree.socket("/run/containerd/containerd.sock", 0o600, 0, 0);
    tree.file("/usr/lib/systemd/system/docker.service", "[Service]\n", 0o644, 0, 0);
    tree.file("/usr/lib/systemd/system/docker.socket", "[Socket]\n", 0o444, 0, 0);
    tree.file("/etc/docker/daemon.json", r#"{"icc": false}"#, 0o600, 0, 0);
    tree.file("/etc/docker/certs.d/registry:5000/ca.crt", "", 0o444, 0, 0);
    tree.file("/etc/docker/certs.d/registry:5000/client.key", "", 0o400, 0, 0);
    tree.dir("/var/lib/docker", 0o710, 0, 0);
    tree.file(
        "/etc/fstab",
        "/dev/vdb1 /var/lib/docker ext4 defaults 0 2\n",
        0o644,
        0,
        0,
    );
    tree.file(
        "/etc/audit/rules.d/docker.rules",
        "-w /usr/bin/dockerd -k docker\n-w /usr/bin/containerd -k docker\n\
         -a always,exit -F path=/usr/bin/runc -F perm=wa -k docker\n-w /run/containerd -k docker\n\
         -a always,exit -F dir=/var/lib/docker/ -F perm=wa -k docker\n-w /etc/docker -k docker\n\
         -w /usr/lib/systemd/system/docker.service -k docker\n-w /usr/lib/systemd/system/docker.socket\n\
         -w /run/containerd/containerd.sock -k docker\n-w /etc/docker/daemon.json -k docker\n",
        0o640,
        0,
        0,
    );
    tree.file("/etc/environment", "DOCKER_CONTENT_TRUST=1\n", 0o644, 0, 0);
}

fn json(root: &Path, extra: &[&str]) -> (Value, i32, String) {
    let output = dockward()
        .args(["host", "--isolated", "--format", "json", "--root"])
        .arg(root)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let report: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{stderr}", String::from_utf8_lossy(&output.stdout)));
    (report, output.status.code().unwrap(), stderr)
}

/// `CODE severity path` per finding, sorted.
fn findings(report: &Value) -> Vec<String> {
    common::finding_lines(report, &["code", "severity", "path"])
}

#[test]
fn an_insecure_host_draws_each_host_rule() {
    if !is_root() {
        eprintln!("skipped: building a host with owners needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    insecure_host(&Tree { root: dir.path() });
    let (report, code, stderr) = json(dir.path(), &[]);
    assert_eq!(code, 1, "high findings fail by default\n{stderr}");
    assert_eq!(report["errors"], Value::Array(Vec::new()), "root reads everything");
    assert_eq!(
        findings(&report),
        [
            "DW901 high /var/run/docker.sock",
            "DW902 high /run/containerd/containerd.sock",
            "DW903 medium /etc/docker/daemon.json",
            "DW903 medium /usr/lib/systemd/system/docker.service",
            "DW904 high /etc/docker/certs.d/registry:5000/client.key",
            "DW904 high /etc/docker/tls/key.pem",
            "DW904 medium /etc/docker/tls/ca.pem",
            "DW905 low /etc/group",
            "DW906 medium /etc/default/docker",
            "DW906 medium /etc/docker",
            "DW906 medium /etc/docker/daemon.json",
            "DW906 medium /run/containerd",
            "DW906 medium /run/containerd/containerd.sock",
            "DW906 medium /srv/docker",
            "DW906 medium /usr/bin/containerd",
            "DW906 medium /usr/bin/containerd-shim-runc-v2",
            "DW906 medium /usr/lib/systemd/system/docker.socket",
            "DW907 low /srv/docker",
            "DW908 low /etc/environment",
        ]
    );
    let find = |code: &str, path: &str| -> &Value {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == code && f["path"] == path)
            .unwrap()
    };
    let socket = find("DW901", "/var/run/docker.sock");
    assert_eq!(socket["detail"], "resolves to /run/docker.sock");
    let message = socket["message"].as_str().unwrap();
    assert!(
        message.contains("mode 0666") && message.contains("others read and write"),
        "{message}"
    );
    assert!(socket["help"].as_str().unwrap().contains("chmod 0660 /run/docker.sock"));
    let owner = find("DW903", "/etc/docker/daemon.json")["message"].as_str().unwrap();
    assert!(owner.contains("owned by alice:alice, not root:root"), "{owner}");
    let group = find("DW905", "/etc/group");
    assert_eq!(group["line"], 2, "the docker group's line");
    assert!(
        group["message"]
            .as_str()
            .unwrap()
            .ends_with("alice, bob (primary group)")
    );
    let shim = find("DW906", "/usr/bin/containerd-shim-runc-v2");
    assert!(
        shim["help"]
            .as_str()
            .unwrap()
            .starts_with("add `-w /usr/sbin/containerd-shim-runc-v2 -k docker`"),
        "{shim}"
    );
    assert!(socket.get("line").is_none(), "a host path has no line: {socket}");
    let key = find("DW904", "/etc/docker/tls/key.pem")["message"].as_str().unwrap();
    assert!(key.contains("mode 0640"), "{key}");
}

#[test]
fn a_hardened_host_draws_nothing() {
    if !is_root() {
        eprintln!("skipped: building a host with owners needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    hardened_host(&Tree { root: dir.path() });
    let (report, code, stderr) = json(dir.path(), &[]);
    assert_eq!(findings(&report), Vec::<String>::new(), "{stderr}");
    assert_eq!(code, 0);
    assert!(report["files_scanned"].as_u64().unwrap() >= 10, "{report}");
}

#[test]
fn settings_select_ignore_and_override_severities() {
    if !is_root() {
        eprintln!("skipped: building a host with owners needs root");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    insecure_host(&Tree { root: dir.path() });
    let (report, code, _) = json(dir.path(), &["--select", "DW906,DW907"]);
    let codes: Vec<String> = findings(&report).iter().map(|f| f[..5].to_string()).collect();
    assert!(
        codes.iter().all(|c| c == "DW906" || c == "DW907") && codes.len() == 10,
        "{codes:?}"
    );
    assert_eq!(code, 0, "nothing at or above high");
    let (_, code, _) = json(dir.path(), &["--select", "DW906", "--fail-on", "medium"]);
    assert_eq!(code, 1);
    let (_, code, _) = json(dir.path(), &["--fail-on", "critical"]);
    assert_eq!(code, 0);
    // A CIS id selects the rule that cites it.
    let (report, _, _) = json(dir.path(), &["--select", "cis-1.6:3.16"]);
    assert_eq!(findings(&report), ["DW901 high /var/run/docker.sock"]);
    let config = dir.path().join("dockward.toml");
    std::fs::write(
        &config,
        "[rules]\nignore = [\"DW906\"]\n[rules.severity]\nDW907 = \"critical\"\n\
         [per-path-ignores]\n\"/etc/docker/certs.d/**\" = [\"DW904\"]\n",
    )
    .unwrap();
    let output = dockward()
        .args(["host", "--format", "json", "--config"])
        .arg(&config)
        .arg("--root")
        .arg(dir.path())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let all = findings(&report);
    assert!(all.contains(&"DW907 critical /srv/docker".to_string()), "{all:?}");
    assert!(
        !all.iter().any(|f| f.starts_with("DW906") || f.contains("certs.d")),
        "{all:?}"
    );
    assert!(
        all.contains(&"DW904 high /etc/docker/tls/key.pem".to_string()),
        "{all:?}"
    );
}

#[test]
fn text_output_and_bad_roots() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    // An empty root: nothing applies, nothing is reported, nothing fails.
    let output = dockward()
        .args(["host", "--isolated", "--color", "never", "--root"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    // Content trust is judged even where nothing else is there: unset points at
    // /etc/environment.
    assert!(
        stdout.contains("DW908") && stdout.contains("/etc/environment"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("[DW9").count(), 1, "{stdout}");
    let missing = dir.path().join("nope");
    let output = dockward().args(["host", "--root"]).arg(&missing).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--root"));
    let file = dir.path().join("file");
    std::fs::write(&file, "").unwrap();
    let output = dockward().args(["host", "--root"]).arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn this_machine_is_audited_without_errors() {
    let output = dockward()
        .args(["host", "--isolated", "--format", "json"])
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(code == 0 || code == 1, "exit {code}\n{stderr}");
    assert!(!stderr.lines().any(|l| l.starts_with("error")), "{stderr}");
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    // What could not be read is a warning, never an error.
    for error in report["errors"].as_array().unwrap() {
        assert_eq!(error["warning"], true, "{error}");
    }
    for finding in report["findings"].as_array().unwrap() {
        assert_eq!(finding["category"], "host", "{finding}");
    }
}

/// As an unprivileged user (nobody), the audit reports what it could not read and goes
/// on with the rest.
#[test]
fn an_unprivileged_user_is_told_what_could_not_be_read() {
    if !is_root() || !Path::new("/usr/bin/setpriv").exists() {
        eprintln!("skipped: needs root and setpriv to become nobody");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let tree = Tree { root: dir.path() };
    insecure_host(&tree);
    tree.set("/etc/audit", 0o750, 0, 0);
    tree.set("/etc/docker/tls", 0o700, 0, 0);
    let binary = assert_cmd::cargo::cargo_bin("dockward");
    let run = |args: &[&str]| {
        std::process::Command::new("/usr/bin/setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary)
            .args(["host", "--isolated", "--root"])
            .arg(dir.path())
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let output = run(&["--format", "json"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("Permission denied") && output.stdout.is_empty() {
        eprintln!("skipped: nobody cannot run the test binary here: {stderr}");
        return;
    }
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("could not be read") && stderr.contains("uid 65534"),
        "{stderr}"
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let gaps: Vec<String> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["warning"], true);
            format!("{} {}", e["path"].as_str().unwrap(), e["message"].as_str().unwrap())
        })
        .collect();
    for expected in [
        "/etc/audit/rules.d could not read: permission denied",
        "/etc/docker/tls/key.pem could not read: permission denied",
    ] {
        assert!(gaps.contains(&expected.to_string()), "{expected} not in {gaps:?}");
    }
    let all = findings(&report);
    // Still seen: the socket, readable from anywhere. Not guessed: audit rules (unread)
    // and the TLS files (in a folder nobody may enter).
    assert!(all.contains(&"DW901 high /var/run/docker.sock".to_string()), "{all:?}");
    assert!(
        !all.iter()
            .any(|f| f.starts_with("DW906") || f.contains("/etc/docker/tls/")),
        "{all:?}"
    );
    // Text output says the same on standard error.
    let output = run(&["--format", "concise"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("/etc/audit/rules.d: warning: could not read: permission denied"),
        "{stdout}"
    );
}
