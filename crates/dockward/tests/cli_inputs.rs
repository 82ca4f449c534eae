//! End-to-end tests of how `dockward scan` takes its inputs and what a CI gate gets back:
//! kinds by content, `--type`, standard input, exit codes for broken and special files,
//! `--diff` equal to what `--fix` writes, `--target`, and the ruff/hadolint-style options.

use serde_json::Value;
use std::fs;
use std::path::Path;

mod common;
use common::{dockward, write};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Run {
    let mut cmd = dockward();
    cmd.current_dir(dir).arg("scan").arg("--isolated").args(args);
    if let Some(input) = stdin {
        cmd.write_stdin(input);
    }
    let out = cmd.output().unwrap();
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn json(run: &Run) -> Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr))
}

/// `(code, path)` of every finding.
fn found(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn has(report: &Value, code: &str) -> bool {
    found(report).iter().any(|(c, _)| c == code)
}

const PRIVILEGED_STACK: &str = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n";

#[test]
fn explicit_files_are_typed_by_content() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "stack.yml", PRIVILEGED_STACK);
    write(dir.path(), "build.txt", "FROM alpine:3.20\nRUN echo hi\n");
    write(dir.path(), "notes.txt", "hello world\n");

    let r = run(dir.path(), &["--format", "json", "stack.yml"], None);
    let report = json(&r);
    assert!(has(&report, "DW301"), "stack.yml is read as Compose: {}", r.stdout);
    assert!(!has(&report, "DW001"), "and not as a Dockerfile: {}", r.stdout);

    let r = run(dir.path(), &["--format", "json", "build.txt"], None);
    assert!(has(&json(&r), "DW101"), "a FROM file is a Dockerfile: {}", r.stdout);

    let r = run(dir.path(), &["--format", "json", "notes.txt"], None);
    assert_eq!(r.code, 2, "an unknown file named explicitly is an error");
    assert!(
        r.stdout.contains("--type"),
        "the error says how to name its kind: {}",
        r.stdout
    );
}

#[test]
fn type_forces_the_kind() {
    let dir = tempfile::tempdir().unwrap();
    // A Compose file's text read as a Dockerfile: syntax errors.
    write(dir.path(), "compose.yaml", PRIVILEGED_STACK);
    let r = run(
        dir.path(),
        &["--format", "json", "--type", "dockerfile", "compose.yaml"],
        None,
    );
    assert!(has(&json(&r), "DW001"), "{}", r.stdout);
    // A script with no telling name.
    write(dir.path(), "deploy", "docker run --privileged alpine:3\n");
    let r = run(dir.path(), &["--format", "json", "--type", "script", "deploy"], None);
    assert!(has(&json(&r), "DW301"), "{}", r.stdout);
}

#[test]
fn standard_input_with_a_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &["--format", "json", "-", "--stdin-filename", "deploy/compose.yaml"],
        Some(PRIVILEGED_STACK),
    );
    let report = json(&r);
    assert!(
        found(&report).contains(&("DW301".to_string(), "deploy/compose.yaml".to_string())),
        "findings carry the stdin file name: {}",
        r.stdout
    );
    // Without a name, the content decides.
    let r = run(
        dir.path(),
        &["--format", "json", "-"],
        Some("FROM alpine:3.20\nRUN echo\n"),
    );
    assert!(has(&json(&r), "DW101"), "{}", r.stdout);
    // Standard input cannot be fixed in place.
    let r = run(dir.path(), &["--fix", "-"], Some("FROM alpine:3.20\n"));
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--diff"), "{}", r.stderr);
    // --diff works on standard input.
    let r = run(
        dir.path(),
        &["--diff", "-", "--stdin-filename", "Dockerfile"],
        Some("FROM alpine:3.20\nMAINTAINER me\n"),
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("-MAINTAINER me"), "{}", r.stdout);
}

#[test]
fn broken_files_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nUSER app\nHEALTHCHECK CMD [\"true\"]\nRUN <<EOF\necho never closed\n",
    );
    let r = run(dir.path(), &["--format", "json", "--select", "DW001"], None);
    assert!(has(&json(&r), "DW001"), "{}", r.stdout);
    assert_eq!(r.code, 1, "a file that does not parse fails at the default --fail-on");
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\n");
    write(dir.path(), "compose.yaml", "services:\n  web: [\n");
    let r = run(dir.path(), &["--format", "json", "--select", "DW001"], None);
    assert!(has(&json(&r), "DW001"), "{}", r.stdout);
    assert_eq!(r.code, 1, "broken YAML fails too");
}

#[test]
fn special_files_are_reported_not_counted_clean() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("Dockerfile");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("compose.yaml")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("run.sh")).unwrap();

    // In a folder walk: warnings, and the run ends (a FIFO opened for reading would block).
    let r = run(dir.path(), &["--format", "json"], None);
    let report = json(&r);
    let messages: Vec<String> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{} {}", e["path"].as_str().unwrap(), e["message"].as_str().unwrap()))
        .collect();
    assert!(
        messages.iter().any(|m| m.contains("Dockerfile") && m.contains("FIFO")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("compose.yaml") && m.contains("symbolic link")),
        "{messages:?}"
    );

    // Named explicitly: errors, exit 2.
    for (name, what) in [
        ("Dockerfile", "FIFO"),
        ("compose.yaml", "character device"),
        ("run.sh", "dangling"),
    ] {
        let r = run(dir.path(), &[name], None);
        assert_eq!(r.code, 2, "{name}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.contains(what), "{name}: {}", r.stdout);
    }
}

#[test]
fn a_scan_that_finds_nothing_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "# nothing here\n");
    let r = run(dir.path(), &[], None);
    assert_eq!(r.code, 0);
    assert!(r.stderr.contains("no Dockerfile, Compose file"), "{}", r.stderr);
}

/// `--diff` must show the result of every fix pass, exactly what `--fix` then writes.
#[test]
fn diff_is_exactly_what_fix_writes() {
    let dir = tempfile::tempdir().unwrap();
    let dockerfile = "FROM debian:12\nMAINTAINER me\nRUN apt-get update && apt-get install -y curl\n";
    let compose = "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n";
    write(dir.path(), "Dockerfile", dockerfile);
    write(dir.path(), "compose.yaml", compose);
    let diff = run(dir.path(), &["--diff", "--unsafe-fixes"], None);
    assert_eq!(diff.code, 1, "{}{}", diff.stdout, diff.stderr);
    assert_eq!(fs::read_to_string(dir.path().join("Dockerfile")).unwrap(), dockerfile);

    // Apply the diff to a copy with `patch`-free logic: compare against what --fix writes.
    let fixed = run(dir.path(), &["--fix", "--unsafe-fixes"], None);
    assert!(
        fixed.stderr.contains("applied"),
        "--fix reports what it changed: {}",
        fixed.stderr
    );
    let after_docker = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    let after_compose = fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert_ne!(after_docker, dockerfile);
    assert_ne!(after_compose, compose);
    for (name, before, after) in [
        ("Dockerfile", dockerfile, &after_docker),
        ("compose.yaml", compose, &after_compose),
    ] {
        let expected = similar::TextDiff::from_lines(before, after.as_str())
            .unified_diff()
            .context_radius(3)
            .header(&format!("a/{name}"), &format!("b/{name}"))
            .to_string();
        assert!(
            diff.stdout.contains(&expected),
            "--diff for {name} differs from what --fix wrote:\n{}\n--- expected:\n{expected}",
            diff.stdout
        );
    }
    // Nothing is left to fix: a second --diff is empty.
    let again = run(dir.path(), &["--diff", "--unsafe-fixes"], None);
    assert_eq!(again.stdout, "", "{}", again.stdout);
    assert_eq!(again.code, 0);
}

#[test]
fn fix_counts_files_and_fixes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/Dockerfile", "FROM alpine:3.20\nMAINTAINER me\n");
    write(dir.path(), "b/Dockerfile", "FROM alpine:3.20\nMAINTAINER me\n");
    let r = run(dir.path(), &["--fix", "--select", "DW2"], None);
    assert!(r.stderr.contains("to 2 files"), "{}", r.stderr);
}

#[test]
fn target_must_name_a_stage() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20 AS build\nFROM alpine:3.20\n",
    );
    let r = run(dir.path(), &["--target", "biuld"], None);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.contains("no stage named `biuld`"), "{}", r.stdout);
    let r = run(dir.path(), &["--target", "BUILD", "--format", "json"], None);
    assert_ne!(r.code, 2, "stage names compare case-insensitively: {}", r.stdout);
}

#[test]
fn exit_zero_output_file_statistics_quiet() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nRUN echo hi\n");
    write(dir.path(), "big/Dockerfile", &"#".repeat(17 * 1024 * 1024));

    let r = run(dir.path(), &[], None);
    assert_eq!(r.code, 1);
    let r = run(dir.path(), &["--exit-zero"], None);
    assert_eq!(r.code, 0, "--exit-zero");

    let r = run(dir.path(), &["-o", "report.json", "--format", "json"], None);
    assert_eq!(r.stdout, "", "the report went to the file");
    let report: Value = serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    assert!(has(&report, "DW101"));

    let r = run(dir.path(), &["--statistics"], None);
    let line = r.stdout.lines().find(|l| l.contains("DW101")).expect("a DW101 row");
    assert!(line.trim_start().starts_with('1'), "{line}");
    assert!(line.contains("final-stage-root") || line.contains("root"), "{line}");

    let loud = run(dir.path(), &[], None);
    assert!(
        loud.stdout.contains("over the"),
        "a warning about the huge file: {}",
        loud.stdout
    );
    let quiet = run(dir.path(), &["--quiet"], None);
    assert!(!quiet.stdout.contains("over the"), "{}", quiet.stdout);
    assert!(quiet.stdout.contains("DW101"), "{}", quiet.stdout);
    assert!(loud.stdout.len() > quiet.stdout.len());
}

#[test]
fn extend_select_adds_opt_in_rules() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nRUN adduser -D app\nUSER app\nHEALTHCHECK CMD [\"true\"]\n",
    );
    let opt_in = dockward_opt_in_rule();
    let r = run(dir.path(), &["--format", "json"], None);
    assert!(!has(&json(&r), &opt_in), "{}", r.stdout);
    let r = run(dir.path(), &["--format", "json", "--extend-select", &opt_in], None);
    assert!(has(&json(&r), &opt_in), "{}", r.stdout);
    let r = run(dir.path(), &["--extend-select", "NOPE"], None);
    assert_eq!(r.code, 2);
}

/// An opt-in rule that fires on a pinned-by-tag base image: digest pinning.
fn dockward_opt_in_rule() -> String {
    let out = dockward().args(["rules", "--format", "json"]).output().unwrap();
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["opt_in"] == true && r["name"].as_str().unwrap().contains("digest"))
        .map(|r| r["code"].as_str().unwrap().to_string())
        .expect("an opt-in digest rule")
}

/// A Compose project may reach files outside the scanned folder (`extends: file: ../…`):
/// they are checked, never written.
#[test]
fn fix_writes_only_inside_the_named_paths() {
    let dir = tempfile::tempdir().unwrap();
    let base = "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n";
    write(dir.path(), "shared/base.yaml", base);
    write(
        dir.path(),
        "proj/compose.yaml",
        "services:\n  web:\n    extends:\n      file: ../shared/base.yaml\n      service: web\n",
    );
    let r = run(dir.path(), &["--fix", "--unsafe-fixes", "proj"], None);
    assert_eq!(fs::read_to_string(dir.path().join("shared/base.yaml")).unwrap(), base);
    assert!(r.stdout.contains("outside the paths named"), "{}{}", r.stdout, r.stderr);
    assert_eq!(r.code, 2, "a refused write is an error");
    // Named together, both may be written.
    let r = run(dir.path(), &["--fix", "--unsafe-fixes", "proj", "shared"], None);
    assert_ne!(
        fs::read_to_string(dir.path().join("shared/base.yaml")).unwrap(),
        base,
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn fix_writes_through_links_and_keeps_modes() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "real/Dockerfile", "FROM alpine:3.20\nMAINTAINER me\n");
    let real = dir.path().join("real/Dockerfile");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("Dockerfile")).unwrap();
    let r = run(dir.path(), &["--fix", "Dockerfile"], None);
    assert!(r.stderr.contains("applied"), "{}{}", r.stdout, r.stderr);
    let link = fs::symlink_metadata(dir.path().join("Dockerfile")).unwrap();
    assert!(link.file_type().is_symlink(), "the link stays a link");
    assert!(!fs::read_to_string(&real).unwrap().contains("MAINTAINER"));
    assert_eq!(fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o640);

    // A file with two hard links is refused, not split.
    write(dir.path(), "h/Dockerfile", "FROM alpine:3.20\nMAINTAINER me\n");
    fs::hard_link(dir.path().join("h/Dockerfile"), dir.path().join("h/other")).unwrap();
    let r = run(dir.path(), &["--fix", "h/Dockerfile"], None);
    assert_eq!(r.code, 2);
    assert!(r.stdout.contains("hard links"), "{}", r.stdout);
    assert!(
        fs::read_to_string(dir.path().join("h/other"))
            .unwrap()
            .contains("MAINTAINER")
    );
}

#[test]
fn daemon_configurations_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "etc/docker/daemon.json",
        "{\"hosts\": [\"tcp://0.0.0.0:2375\"]}\n",
    );
    // Another program's file with the same name: left alone, with a note.
    write(
        dir.path(),
        "app/daemon.json",
        "{\"name\": \"x\", \"port\": 8080, \"workers\": 4}\n",
    );
    // Named explicitly with another name: typed by content.
    write(dir.path(), "prod.json", "{\"icc\": true, \"live-restore\": true}\n");
    let r = run(dir.path(), &["--format", "json"], None);
    let report = json(&r);
    assert!(
        found(&report).contains(&("DW701".to_string(), "etc/docker/daemon.json".to_string())),
        "{}",
        r.stdout
    );
    assert!(
        !found(&report).iter().any(|(_, p)| p.starts_with("app/")),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("not a Docker daemon configuration"), "{}", r.stdout);
    assert_eq!(r.code, 1, "a critical finding fails the run");

    let r = run(dir.path(), &["--format", "json", "prod.json"], None);
    assert!(has(&json(&r), "DW704"), "{}", r.stdout);
}

#[test]
fn exclude_from_configuration_and_command_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nRUN echo\n");
    write(dir.path(), "vendor/lib/Dockerfile", "FROM alpine:3.20\nRUN echo\n");
    write(dir.path(), "deploy.sh", "docker run --privileged alpine:3\n");
    write(dir.path(), "dockward.toml", "exclude = [\"vendor/\"]\n");
    let paths = |r: &Run| -> Vec<String> {
        let mut p: Vec<String> = found(&json(r)).into_iter().map(|(_, p)| p).collect();
        p.sort();
        p.dedup();
        p
    };
    // Not --isolated here: the configuration is the point.
    let scan = |args: &[&str]| {
        let out = dockward()
            .current_dir(dir.path())
            .arg("scan")
            .args(["--format", "json"])
            .args(args)
            .output()
            .unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    };
    assert_eq!(paths(&scan(&[])), ["Dockerfile", "deploy.sh"]);
    assert_eq!(paths(&scan(&["--exclude", "*.sh"])), ["Dockerfile"]);
    // A file named explicitly is scanned even when a pattern matches it.
    assert_eq!(paths(&scan(&["vendor/lib/Dockerfile"])), ["vendor/lib/Dockerfile"]);
    let bad = scan(&["--exclude", "!x"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn dockerd_command_lines_in_units_and_scripts() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "systemd/docker.service.d/override.conf",
        "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H fd:// -H tcp://0.0.0.0:2375\n",
    );
    write(dir.path(), "ci/start.sh", "#!/bin/sh\nsudo dockerd --icc=true &\n");
    let r = run(dir.path(), &["--format", "json"], None);
    let report = json(&r);
    let got = found(&report);
    assert!(
        got.contains(&(
            "DW701".to_string(),
            "systemd/docker.service.d/override.conf".to_string()
        )),
        "{}",
        r.stdout
    );
    assert!(
        got.contains(&("DW704".to_string(), "ci/start.sh".to_string())),
        "{}",
        r.stdout
    );
    // A command line alone leaves unsaid settings unknown: no "missing setting" findings.
    assert!(!got.iter().any(|(c, _)| c == "DW705" || c == "DW707"), "{}", r.stdout);
}

/// Names and text from scanned files cannot inject lines (GitHub workflow commands) or
/// terminal escapes into the human formats, and secret values stay out of code frames.
#[test]
fn output_is_safe_from_what_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  \"web\\e[2J\\n::error file=x::pwned\":\n    image: nginx:1.27\n    privileged: true\n",
    );
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\nENV AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n",
    );
    for format in ["full", "concise", "github"] {
        let r = run(dir.path(), &["--format", format, "--color", "always"], None);
        assert!(r.stdout.contains("DW301"), "{format}: {}", r.stdout);
        assert!(
            !r.stdout.lines().any(|l| l.starts_with("::error file=x")),
            "{format}: a service name started a line:\n{}",
            r.stdout
        );
        // Colours are ours (`\x1b[` + digits + `m`); a clear-screen from the file is not.
        assert!(!r.stdout.contains("\x1b[2J"), "{format}: raw escape:\n{}", r.stdout);
        assert!(
            !r.stdout.contains("wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY"),
            "{format}: the secret is printed:\n{}",
            r.stdout
        );
    }
}

/// Ignore files are read by the folder walker: one that is a FIFO, a device or huge must
/// neither block the walk nor be read whole.
#[test]
fn hostile_ignore_files_do_not_block_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "repo/Dockerfile", "FROM alpine:3.20\nRUN echo\n");
    write(dir.path(), "repo/sub/Dockerfile", "FROM alpine:3.20\nRUN echo\n");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(dir.path().join("repo/sub/.gitignore"))
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/dev/zero", dir.path().join(".ignore")).unwrap();
    let big = fs::File::create(dir.path().join("repo/.ignore")).unwrap();
    big.set_len(2 * 1024 * 1024 * 1024).unwrap();
    drop(big);
    let r = run(&dir.path().join("repo"), &["--format", "json", "."], None);
    let report = json(&r);
    let errors = report["errors"].to_string();
    // The root's own ignore file is huge: the root is skipped, with a word.
    assert!(errors.contains("over the"), "{errors}");
    fs::remove_file(dir.path().join("repo/.ignore")).unwrap();
    let r = run(&dir.path().join("repo"), &["--format", "json", "."], None);
    let report = json(&r);
    let errors = report["errors"].to_string();
    assert!(errors.contains("FIFO"), "{errors}");
    assert!(
        errors.contains("character device"),
        "the parent's link to /dev/zero: {errors}"
    );
    assert!(
        found(&report).iter().any(|(_, p)| p == "Dockerfile"),
        "the rest is still scanned: {}",
        r.stdout
    );
}

/// A Dockerfile whose ENV lines each double the last: the expansion budget stops it fast,
/// and the run says where.
#[test]
fn expansion_bombs_are_reported_not_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("FROM alpine:3.20\nENV A1=xxxxxxxxxxxxxxxx\n");
    for i in 2..=40 {
        text.push_str(&format!("ENV A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
    }
    write(dir.path(), "Dockerfile", &text);
    let r = run(dir.path(), &["--format", "json", "--select", "DW001"], None);
    let report = json(&r);
    let budget = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("budget"))
        .unwrap_or_else(|| panic!("a located budget finding: {}", r.stdout));
    assert!(budget["line"].as_u64().unwrap() > 2);
    assert_eq!(r.code, 1);
}

/// A credential from the caller's environment interpolated into a Compose file is never
/// echoed in messages.
#[test]
fn interpolated_credentials_are_not_echoed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: registry.example.com/${CI_JOB_TOKEN}/web:latest\n    privileged: true\n",
    );
    let token = "glpat-Zx81kQv7TqR2mN5pLw3s";
    for format in ["full", "concise", "json", "github"] {
        let out = dockward()
            .current_dir(dir.path())
            .env("CI_JOB_TOKEN", token)
            .args(["scan", "--isolated", "--format", format])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("DW301"), "{stdout}");
        assert!(!stdout.contains(token), "{format} echoes the token:\n{stdout}");
    }
}

/// Root fixing another user's file keeps the file theirs; `--diff` on a file that already
/// had a YAML error shows the fixes instead of calling them a break.
#[test]
fn fix_keeps_owner_and_diff_tolerates_existing_errors() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nMAINTAINER me\n");
    let path = dir.path().join("Dockerfile");
    if std::os::unix::fs::chown(&path, Some(65534), Some(65534)).is_ok() {
        let r = run(dir.path(), &["--fix"], None);
        assert!(r.stderr.contains("applied"), "{}{}", r.stdout, r.stderr);
        let meta = fs::metadata(&path).unwrap();
        assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    }
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n  bad: [\n",
    );
    let r = run(dir.path(), &["--diff", "--unsafe-fixes", "compose.yaml"], None);
    assert!(
        r.stdout.contains("+      - \"127.0.0.1:8080:80\""),
        "{}{}",
        r.stdout,
        r.stderr
    );
    assert!(!r.stderr.contains("would break"), "{}", r.stderr);
}
