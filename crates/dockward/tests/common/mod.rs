//! Shared by the CLI tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::fs;
use std::path::Path;

pub fn dockward() -> Command {
    Command::cargo_bin("dockward").unwrap()
}

/// The JSON report a run printed; a run that printed something else fails the test with
/// its output and standard error.
pub fn json_report(out: &std::process::Output) -> serde_json::Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)))
}

/// A report's findings as their `fields` joined by spaces, sorted: a compact form to compare
/// with an expected list. Every finding must have every field.
pub fn finding_lines(report: &serde_json::Value, fields: &[&str]) -> Vec<String> {
    let mut lines: Vec<String> = report["findings"]
        .as_array()
        .expect("a findings array")
        .iter()
        .map(|f| {
            let values: Vec<&str> = fields
                .iter()
                .map(|field| f[*field].as_str().unwrap_or_else(|| panic!("no {field} in {f}")))
                .collect();
            values.join(" ")
        })
        .collect();
    lines.sort();
    lines
}

/// `dockward db import --db DB SOURCE`, which must succeed.
pub fn db_import(db: &Path, source: &Path) -> assert_cmd::assert::Assert {
    dockward()
        .args(["db", "import", "--db"])
        .arg(db)
        .arg(source)
        .assert()
        .success()
}

/// Writes `text` to `dir/rel`, creating folders.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// The settings a run line, a Compose file, a live container and a guarded create all
/// share, for the parity tests (engine and guard). `--health-cmd` is there because a live
/// container's image is known to have no healthcheck, which a run line cannot know.
pub const PARITY_FLAGS: &[&str] = &[
    "--cap-add",
    "SYS_ADMIN",
    "--pid",
    "host",
    "-v",
    "/var/run/docker.sock:/var/run/docker.sock",
    "-v",
    "/etc:/host-etc",
    "--security-opt",
    "seccomp=unconfined",
    "-p",
    "0.0.0.0:6379:6379",
    "-e",
    "API_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345",
    "--restart",
    "always",
    "--log-driver",
    "none",
    "--user",
    "root",
    "--health-cmd",
    "/bin/busybox true",
    "--network",
    "none",
];
