//! End-to-end tests of the `dockward` binary: what a user runs and what they get back.

use serde_json::Value;
use std::fs;
use std::path::Path;

mod common;
use common::{dockward, write};

/// Runs `dockward scan --format json` in `dir` and returns the exit code and the report.
fn scan_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let out = dockward()
        .current_dir(dir)
        .args(["scan", "--isolated", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), json)
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

const ROOT_DOCKERFILE: &str = "FROM alpine:3.20\nRUN echo hi\n";
const CLEAN_DOCKERFILE: &str =
    "FROM alpine:3.20\nRUN adduser -D app\nUSER app\nHEALTHCHECK CMD [\"true\"]\nCMD [\"sh\"]\n";

#[test]
fn json_findings_carry_locations_and_metadata() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", ROOT_DOCKERFILE);
    let (code, report) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1, "a high finding fails at the default --fail-on high");
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DW101")
        .expect("DW101");
    for key in [
        "code",
        "name",
        "severity",
        "category",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
    ] {
        assert!(!finding[key].is_null(), "missing {key}: {finding}");
    }
    assert_eq!(finding["path"], "Dockerfile");
    assert_eq!(finding["line"], 1);
    assert_eq!(finding["column"], 1);
    assert_eq!(finding["severity"], "high");
    assert_eq!(finding["category"], "image");
    assert_eq!(report["files_scanned"], 1);
}

#[test]
fn fail_on_decides_the_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", ROOT_DOCKERFILE);
    let (code, _) = scan_json(dir.path(), &["--fail-on", "critical"]);
    assert_eq!(code, 0);
    write(dir.path(), "Dockerfile", CLEAN_DOCKERFILE);
    let (code, report) = scan_json(dir.path(), &["--fail-on", "info"]);
    assert_eq!(code, 0, "{report}");
}

#[test]
fn discovery_finds_every_dockerfile_name_honours_gitignore_and_hidden_folders() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "Dockerfile",
        "Containerfile",
        "api.Dockerfile",
        "web.dockerfile",
        "Dockerfile.dev",
        "Containerfile.alpine",
        ".devcontainer/Dockerfile",
        ".github/docker/Dockerfile",
        "ignored/Dockerfile",
    ] {
        write(dir.path(), name, ROOT_DOCKERFILE);
    }
    write(dir.path(), "Dockerfile.j2", ROOT_DOCKERFILE);
    write(dir.path(), "README.md", "# not a Dockerfile\n");
    write(dir.path(), ".gitignore", "ignored/\n");
    let (_, report) = scan_json(dir.path(), &["--select", "DW101"]);
    let mut paths: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            ".devcontainer/Dockerfile",
            ".github/docker/Dockerfile",
            "Containerfile",
            "Containerfile.alpine",
            "Dockerfile",
            "Dockerfile.dev",
            "api.Dockerfile",
            "web.dockerfile"
        ]
    );
}

#[test]
fn explicit_files_are_scanned_whatever_their_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "build/app.txt", ROOT_DOCKERFILE);
    let (_, report) = scan_json(dir.path(), &["--select", "DW101", "build/app.txt"]);
    assert_eq!(codes(&report), ["DW101"]);
}

#[test]
fn bad_files_are_reported_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/Dockerfile", ROOT_DOCKERFILE);
    fs::write(dir.path().join("b.Dockerfile"), b"FROM x\0\0\x01binary").unwrap();
    write(
        dir.path(),
        "c/Dockerfile",
        "FROM alpine:3.20\nCMD [\"a\", [\"b\"]]\nUSER root\n",
    );
    let (code, report) = scan_json(dir.path(), &[]);
    let errors = report["errors"].as_array().unwrap();
    assert!(
        errors
            .iter()
            .any(|e| e["path"] == "b.Dockerfile" && e["warning"] == true),
        "binary file reported: {report}"
    );
    let found = codes(&report);
    assert!(found.contains(&"DW001".to_string()), "syntax error located: {found:?}");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "c/Dockerfile" && f["code"] == "DW101"),
        "the rest of the broken file is still analysed"
    );
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["path"] == "a/Dockerfile")
    );
    assert_eq!(code, 1);
}

#[cfg(unix)]
#[test]
fn unreadable_file_exits_2_after_scanning_the_rest() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok/Dockerfile", ROOT_DOCKERFILE);
    // A dangling symlink cannot be read even by root.
    std::os::unix::fs::symlink(dir.path().join("missing"), dir.path().join("Dockerfile")).unwrap();
    let _ = fs::set_permissions(dir.path().join("ok"), fs::Permissions::from_mode(0o755));
    let out = dockward()
        .current_dir(dir.path())
        .args(["scan", "--isolated", "--format", "json", "Dockerfile", "ok"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["errors"][0]["message"].as_str().unwrap().contains("cannot read"));
    assert!(
        !report["findings"].as_array().unwrap().is_empty(),
        "the readable file was still scanned"
    );
}

#[test]
fn configuration_selects_ignores_and_overrides_severity() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM python:latest\nADD app /app\n");
    write(
        dir.path(),
        "dockward.toml",
        "fail-on = \"critical\"\n[rules]\nignore = [\"DL3002\"]\n[rules.severity]\nDW103 = \"critical\"\n",
    );
    let out = dockward()
        .current_dir(dir.path())
        .args(["scan", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = codes(&report);
    assert!(
        !found.contains(&"DW101".to_string()),
        "ignored through its hadolint alias: {found:?}"
    );
    let add = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "DW103")
        .unwrap();
    assert_eq!(add["severity"], "critical");
    assert_eq!(out.status.code(), Some(1), "fail-on critical from the config file");
}

#[test]
fn a_bare_file_name_finds_the_configuration_of_the_current_folder() {
    // `Dockerfile`'s parent is the empty path: the configuration search starts in `.`.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM python:latest\nADD app /app\n");
    write(dir.path(), "dockward.toml", "[rules]\nignore = [\"DW103\"]\n");
    let out = dockward()
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "Dockerfile"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = codes(&report);
    assert!(!found.is_empty(), "the file was scanned");
    assert!(
        !found.contains(&"DW103".to_string()),
        "ignored by ./dockward.toml: {found:?}"
    );
}

#[test]
fn configuration_errors_point_into_the_file_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", ROOT_DOCKERFILE);
    write(dir.path(), "dockward.toml", "[rules]\nignore = [\"DW999\"]\n");
    let out = dockward()
        .current_dir(dir.path())
        .args(["scan", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("dockward.toml:2:"), "{stderr}");
    assert!(stderr.contains("DW999"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    dockward().args(["scan", "--format", "yaml"]).assert().code(2);
    dockward().args(["frobnicate"]).assert().code(2);
}

#[test]
fn fix_rewrites_atomically_and_converges() {
    let dir = tempfile::tempdir().unwrap();
    let original = "FROM alpine:3.20\nADD app/ /srv/app/\n# dockward: ignore[DW102]\nUSER nobody\n";
    write(dir.path(), "Dockerfile", original);
    // --diff shows the change and leaves the file alone.
    let out = dockward()
        .current_dir(dir.path())
        .args(["scan", "--isolated", "--diff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("-ADD app/ /srv/app/") && diff.contains("+COPY app/ /srv/app/"),
        "{diff}"
    );
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), original);
    // --fix applies it (and removes the unused suppression), then reports what is left.
    let (_, report) = scan_json(dir.path(), &["--fix"]);
    let fixed = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert_eq!(fixed, "FROM alpine:3.20\nCOPY app/ /srv/app/\nUSER nobody\n");
    assert!(!codes(&report).contains(&"DW103".to_string()));
    // A second run has nothing left to fix.
    let out = dockward()
        .current_dir(dir.path())
        .args(["scan", "--isolated", "--diff"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary files left behind"
    );
}

#[test]
fn rules_json_lists_metadata_with_references() {
    let out = dockward().args(["rules", "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert!(rules.len() >= 7);
    for rule in rules {
        for key in ["code", "name", "category", "severity", "summary", "references"] {
            assert!(!rule[key].is_null(), "{key} missing in {rule}");
        }
    }
    let root = rules.iter().find(|r| r["code"] == "DW101").unwrap();
    assert!(
        root["references"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "hadolint:DL3002")
    );
}

#[test]
fn rule_explains_by_code_name_or_peer_id() {
    for id in ["DW101", "final-stage-runs-as-root", "DL3002"] {
        let out = dockward().args(["rule", id]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("DW101") && text.contains("## Why is this bad?"),
            "{id}: {text}"
        );
    }
    dockward().args(["rule", "DW999"]).assert().code(2);
}

#[test]
fn debug_dockerfile_buildkit_reproduces_a_conformance_case() {
    let Some(dir) = dockward_core::testing::corpus_subdir("buildkit-parser") else {
        return;
    };
    for case in ["flags", "env", "escape", "json", "health"] {
        let expected = fs::read_to_string(dir.join(case).join("result")).unwrap();
        let out = dockward()
            .args(["debug", "dockerfile", "--buildkit"])
            .arg(dir.join(case).join("Dockerfile"))
            .output()
            .unwrap();
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "case {case}");
    }
    let out = dockward()
        .args(["debug", "dockerfile", "--buildkit"])
        .arg(dir.join("negative/shykes-nested-json/Dockerfile"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Dockerfile:"),
        "located error"
    );
}

#[test]
fn example_projects_insecure_has_findings_hardened_is_clean() {
    let root = dockward_core::testing::workspace_root().join("examples");
    let out = dockward()
        .args(["scan", "--isolated", "--format", "json"])
        .arg(root.join("insecure"))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = codes(&report);
    for code in ["DW101", "DW102", "DW103", "DW401"] {
        assert!(
            found.contains(&code.to_string()),
            "insecure example lacks {code}: {found:?}"
        );
    }
    assert_eq!(out.status.code(), Some(1));
    let out = dockward()
        .args(["scan", "--isolated", "--format", "json", "--fail-on", "info"])
        .arg(root.join("hardened"))
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "hardened example: {report}"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn one_run_reports_dockerfile_compose_and_run_line_findings_for_one_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/Dockerfile", ROOT_DOCKERFILE);
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n",
    );
    write(
        dir.path(),
        "deploy.sh",
        "#!/bin/sh\ndocker run -d --privileged nginx:1.27\n",
    );
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "jobs:\n  t:\n    steps:\n      - run: docker run --rm --privileged alpine:3.20 true\n",
    );
    let (_, report) = scan_json(dir.path(), &["--select", "DW101,DW301"]);
    let mut hits: Vec<(String, String, u64)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    hits.sort();
    assert_eq!(
        hits,
        [
            ("DW101".to_string(), "app/Dockerfile".to_string(), 1),
            ("DW301".to_string(), ".github/workflows/ci.yml".to_string(), 4),
            ("DW301".to_string(), "compose.yaml".to_string(), 4),
            ("DW301".to_string(), "deploy.sh".to_string(), 2),
        ]
    );
}

#[test]
fn compose_fixes_keep_the_layout_and_converge() {
    let dir = tempfile::tempdir().unwrap();
    let original =
        "# the web tier\nservices:\n  web:\n    image: \"nginx:1.27\"   # pinned\n    ports:\n      - \"8080:80\"\n";
    write(dir.path(), "compose.yaml", original);
    let out = dockward()
        .current_dir(dir.path())
        .args(["scan", "--isolated", "--diff", "--select", "DW305"])
        .output()
        .unwrap();
    let diff = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{diff}");
    assert!(diff.contains("no-new-privileges"), "{diff}");
    assert_eq!(
        fs::read_to_string(dir.path().join("compose.yaml")).unwrap(),
        original,
        "--diff writes nothing"
    );
    let (_, report) = scan_json(dir.path(), &["--fix", "--select", "DW305"]);
    assert!(codes(&report).is_empty(), "fixed: {report}");
    let fixed = fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert!(
        fixed.starts_with("# the web tier\nservices:\n  web:\n    image: \"nginx:1.27\"   # pinned\n"),
        "{fixed}"
    );
    assert!(
        fixed.contains("    security_opt:") || fixed.contains("    security_opt: ["),
        "{fixed}"
    );
    let out = dockward()
        .current_dir(dir.path())
        .args(["scan", "--isolated", "--diff", "--select", "DW305"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "nothing left: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A HEALTHCHECK is inherited through `FROM <stage>` chains, as the built image inherits
/// it; without one anywhere in the chain, the exposed service is reported.
#[test]
fn healthcheck_is_inherited_through_stage_chains() {
    let body = |healthcheck: &str| {
        format!(
            "FROM alpine:3.20 AS base\n{healthcheck}FROM base AS mid\nRUN true\nFROM mid AS app\nEXPOSE 8080\nUSER 1000\nCMD [\"app\"]\n"
        )
    };
    let with = tempfile::tempdir().unwrap();
    write(
        with.path(),
        "Dockerfile",
        &body("HEALTHCHECK CMD wget -q -O- localhost || exit 1\n"),
    );
    let (_, report) = scan_json(with.path(), &["--select", "DW104"]);
    assert_eq!(codes(&report), Vec::<String>::new(), "inherited from `base`");
    let without = tempfile::tempdir().unwrap();
    write(without.path(), "Dockerfile", &body(""));
    let (_, report) = scan_json(without.path(), &["--select", "DW104"]);
    assert_eq!(codes(&report), ["DW104"], "no stage of the chain has one");
}

/// ENV set in one stage holds in the stages built `FROM` it, not in an unrelated stage.
#[test]
fn variables_do_not_leak_into_unrelated_stages() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM python:3.12 AS one\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.0\n\
         FROM one AS child\nRUN pip install requests==2.32.3\n\
         FROM python:3.12 AS other\nRUN pip install click==8.1.7\n",
    );
    let (_, report) = scan_json(dir.path(), &["--select", "DW216"]);
    let lines: Vec<u64> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [7], "only the stage that never set PIP_NO_CACHE_DIR: {report}");
}
