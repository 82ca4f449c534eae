//! Reports and CI integration end to end: every machine format on the repository's
//! examples, SARIF through Microsoft's validator, the HTML report through a headless
//! Chromium, the baseline across edits, and the distribution pieces (pre-commit hook,
//! completions, man page, dockward's own Dockerfile).
//!
//! External tools (the SARIF multitool from npm, Chromium from Debian, pre-commit from
//! PyPI) are installed by scripts/test.sh, or by the test itself where a user-level
//! install is possible (npm, pip into a cache folder). Missing, the test says so and
//! passes; under `CI=true` a missing tool is a failure.

mod common;

use common::{dockward, write};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

fn examples() -> PathBuf {
    repo_root().join("examples")
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// Says why a test does not run; under CI that is a failure.
fn unavailable(tool: &str, how: &str) {
    assert!(!under_ci(), "{tool} is required under CI=true ({how})");
    eprintln!("skipping: {tool} is not available ({how})");
}

/// Where tools installed by the tests live: `DOCKWARD_TOOLS`, or a cache folder.
fn tools_dir() -> PathBuf {
    std::env::var_os("DOCKWARD_TOOLS").map_or_else(
        || {
            let home = std::env::var_os("HOME").map_or_else(std::env::temp_dir, PathBuf::from);
            home.join(".cache/dockward-tools")
        },
        PathBuf::from,
    )
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Runs dockward in `dir`; returns exit code, stdout, stderr.
fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = dockward().current_dir(dir).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Secret values written in examples/insecure.
const SECRETS: [&str; 3] = [
    "gh-3f9a1c77e2b04d1d9b2f",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "dev-secret-change-me",
];

fn scan_examples(format: &str) -> (i32, String) {
    let (code, stdout, stderr) = run_in(&examples(), &["scan", "insecure", "--isolated", "--format", format]);
    assert!(code == 1, "exit {code}: {stderr}");
    (code, stdout)
}

// --- SARIF -----------------------------------------------------------------------------

/// Microsoft's SARIF multitool (`DOCKWARD_SARIF_MULTITOOL`, or installed with npm into the
/// tools folder).
fn sarif_multitool() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("DOCKWARD_SARIF_MULTITOOL") {
        return Some(path.into());
    }
    let dir = tools_dir();
    let bin = dir.join("node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool");
    if !bin.is_file() && on_path("npm").is_some() {
        let _ = std::fs::create_dir_all(&dir);
        let status = Command::new("npm")
            .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
            .arg(&dir)
            .arg("@microsoft/sarif-multitool-linux")
            .status();
        eprintln!("npm install @microsoft/sarif-multitool-linux: {status:?}");
    }
    if !bin.is_file() {
        return None;
    }
    // npm may have skipped the package's install script, which makes it executable.
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755));
    Some(bin)
}

/// The multitool's verdict on `sarif`: its results as `(rule, level, message)`.
fn validate_sarif(tool: &Path, sarif: &str) -> Vec<(String, String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("report.sarif");
    let output = dir.path().join("validation.sarif");
    std::fs::write(&input, sarif).unwrap();
    let run = Command::new(tool)
        .arg("validate")
        .arg(&input)
        .arg("--output")
        .arg(&output)
        .args([
            "--log",
            "ForceOverwrite",
            "--level",
            "Error;Warning;Note",
            "--rule-kind",
            "Gh;Sarif",
        ])
        .output()
        .unwrap();
    let text = std::fs::read_to_string(&output).unwrap_or_else(|e| {
        panic!(
            "the multitool wrote no log ({e}): {}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        )
    });
    let log: Value = serde_json::from_str(&text).unwrap();
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap_or("").to_string(),
                r["level"].as_str().unwrap_or("warning").to_string(),
                r["message"].to_string(),
            )
        })
        .collect()
}

/// Errors and warnings of the validator (its notes are suggestions: message ids instead
/// of texts, context regions).
fn sarif_problems(tool: &Path, sarif: &str) -> Vec<(String, String, String)> {
    validate_sarif(tool, sarif)
        .into_iter()
        .filter(|(_, level, _)| level == "error" || level == "warning")
        .collect()
}

#[test]
fn sarif_of_the_examples_is_valid_and_describes_rules_and_places() {
    let (_, text) = scan_examples("sarif");
    let sarif: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1, "one run per invocation");
    let run = &runs[0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run["results"].as_array().unwrap();
    assert!(results.len() > 20, "{}", results.len());

    // Every result names a rule of the table by index, and the table holds only rules
    // that fired.
    let mut used = BTreeSet::new();
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"], "{result}");
        used.insert(index);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1, "{result}");
        assert!(region["startColumn"].as_u64().unwrap() >= 1, "{result}");
        let print = result["partialFingerprints"]["dockwardFingerprint/v1"]
            .as_str()
            .unwrap();
        assert_eq!(print.len(), 32);
    }
    assert_eq!(used.len(), rules.len());

    // A rule carries the text `dockward rule CODE` prints, GitHub's severity score and its
    // CIS ids as tags.
    let rule = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no {id}"))
    };
    let privileged = rule("DW301");
    let help = privileged["help"]["markdown"].as_str().unwrap();
    assert!(help.contains("## Why is this bad?"), "{help}");
    let (_, explained, _) = run_in(&examples(), &["rule", "DW301"]);
    let why = explained.lines().find(|l| l.starts_with("## Why")).unwrap();
    assert!(help.contains(why));
    assert_eq!(privileged["properties"]["security-severity"], "9.5");
    let tags: Vec<&str> = privileged["properties"]["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert!(tags.contains(&"cis-1.6:5.5") && tags.contains(&"runtime"), "{tags:?}");
    assert!(privileged["helpUri"].as_str().unwrap().ends_with("docs/rules/DW301.md"));
    // The secrets of the example's files are not in the report.
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret} leaked");
    }

    let Some(tool) = sarif_multitool() else {
        return unavailable("the SARIF multitool", "npm install @microsoft/sarif-multitool-linux");
    };
    let problems = sarif_problems(&tool, &text);
    assert!(problems.is_empty(), "{problems:#?}");
    // The validator is not blind: the same report with a line 0 fails it.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
    let problems = sarif_problems(&tool, &broken.to_string());
    assert!(problems.iter().any(|(_, level, _)| level == "error"), "{problems:#?}");
}

fn sarif_results(dir: &Path, path: &str) -> Vec<(String, u64, String)> {
    let (_, stdout, stderr) = run_in(dir, &["scan", path, "--isolated", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_string(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
                r["partialFingerprints"]["dockwardFingerprint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

#[test]
fn sarif_fingerprints_survive_line_moves_and_reformatting() {
    let dir = tempfile::tempdir().unwrap();
    let before = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nUSER root\n";
    write(dir.path(), "Dockerfile", before);
    let first = sarif_results(dir.path(), "Dockerfile");
    assert!(first.len() >= 2, "{first:?}");
    // Lines inserted above, the RUN wrapped and re-indented: same findings, other lines.
    let after = "# syntax=docker/dockerfile:1\n# a base image\n\nFROM debian:12\n\nRUN apt-get update \\\n    && apt-get install -y   curl\nUSER root\n";
    write(dir.path(), "Dockerfile", after);
    let second = sarif_results(dir.path(), "Dockerfile");
    let prints = |r: &[(String, u64, String)]| {
        r.iter()
            .map(|(c, _, p)| (c.clone(), p.clone()))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(prints(&first), prints(&second));
    let lines = |r: &[(String, u64, String)]| r.iter().map(|(_, l, _)| *l).collect::<Vec<_>>();
    assert_ne!(lines(&first), lines(&second));
    // A changed instruction is a different finding.
    write(dir.path(), "Dockerfile", &before.replace("USER root", "USER 0"));
    let third = sarif_results(dir.path(), "Dockerfile");
    let code_print = |r: &[(String, u64, String)], code: &str| r.iter().find(|f| f.0 == code).unwrap().2.clone();
    assert_ne!(code_print(&first, "DW101"), code_print(&third, "DW101"));
    assert_eq!(code_print(&first, "DW201"), code_print(&third, "DW201"));
}

// --- JUnit, GitLab, checkstyle ----------------------------------------------------------

#[test]
fn junit_has_a_suite_per_file_and_a_case_per_rule_and_file() {
    let (_, text) = scan_examples("junit");
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let suites: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testsuite")).collect();
    let compose = suites
        .iter()
        .find(|s| s.attribute("name") == Some("insecure/compose.yaml"))
        .expect("a suite for the Compose file");
    let cases: Vec<_> = compose.children().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(
        compose.attribute("tests").unwrap().parse::<usize>().unwrap(),
        cases.len()
    );
    // One case per rule: DW302 fires on two services, and is one failing case listing both.
    let root = cases
        .iter()
        .find(|c| c.attribute("name").unwrap().starts_with("DW302 "))
        .unwrap();
    let failure = root.children().find(|n| n.has_tag_name("failure")).unwrap();
    assert_eq!(failure.text().unwrap().matches("[DW302]").count(), 2);
    let names: BTreeSet<_> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(names.len(), cases.len(), "a rule twice in one file's suite");
    // Rules that ran and found nothing pass, in the last suite.
    let last = suites.last().unwrap();
    assert_eq!(last.attribute("name"), Some("dockward rules"));
    let passing: Vec<_> = last.children().filter(|n| n.has_tag_name("testcase")).collect();
    assert!(!passing.is_empty());
    assert!(passing.iter().all(|c| c.children().all(|n| !n.has_tag_name("failure"))));
    assert!(
        !passing
            .iter()
            .any(|c| c.attribute("name").unwrap().starts_with("DW302 "))
    );
}

#[test]
fn gitlab_code_quality_has_fingerprints_severities_and_lines() {
    let (_, text) = scan_examples("gitlab");
    let report: Value = serde_json::from_str(&text).unwrap();
    let entries = report.as_array().unwrap();
    assert!(entries.len() > 20);
    let prints: BTreeSet<_> = entries.iter().map(|e| e["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(prints.len(), entries.len(), "fingerprints are unique");
    let allowed = ["info", "minor", "major", "critical", "blocker"];
    for e in entries {
        assert!(allowed.contains(&e["severity"].as_str().unwrap()), "{e}");
        assert!(e["location"]["lines"]["begin"].as_u64().unwrap() >= 1, "{e}");
        assert!(e["check_name"].as_str().unwrap().starts_with("DW"), "{e}");
    }
    let privileged = entries.iter().find(|e| e["check_name"] == "DW301").unwrap();
    assert_eq!(privileged["severity"], "blocker");
    assert_eq!(privileged["location"]["path"], "insecure/compose.yaml");
}

#[test]
fn checkstyle_groups_errors_by_file() {
    let (_, text) = scan_examples("checkstyle");
    let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let files: BTreeMap<&str, usize> = doc
        .descendants()
        .filter(|n| n.has_tag_name("file"))
        .map(|f| {
            (
                f.attribute("name").unwrap(),
                f.children().filter(|n| n.has_tag_name("error")).count(),
            )
        })
        .collect();
    assert!(files.contains_key("insecure/compose.yaml"), "{files:?}");
    assert!(files.contains_key("insecure/web/Dockerfile"), "{files:?}");
    let error = doc
        .descendants()
        .find(|n| n.has_tag_name("error") && n.attribute("source") == Some("dockward.DW301.privileged-container"))
        .unwrap();
    assert_eq!(error.attribute("severity"), Some("error"));
    assert_eq!(error.attribute("line"), Some("4"));
}

/// `dockward host` findings have no lines: every format still takes them, and SARIF
/// places them by logical location.
#[test]
fn host_findings_in_every_format() {
    let root = tempfile::tempdir().unwrap();
    write(root.path(), "etc/docker/daemon.json", "{}\n");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        root.path().join("etc/docker/daemon.json"),
        std::fs::Permissions::from_mode(0o666),
    )
    .unwrap();
    let root_arg = root.path().to_str().unwrap();
    for format in [
        "full",
        "concise",
        "json",
        "github",
        "sarif",
        "junit",
        "gitlab",
        "checkstyle",
        "html",
    ] {
        let (code, stdout, stderr) = run_in(
            root.path(),
            &["host", "--root", root_arg, "--isolated", "--quiet", "--format", format],
        );
        assert!(code == 0 || code == 1, "{format}: exit {code}: {stderr}");
        assert!(stdout.contains("DW903"), "{format}: {stdout}");
        match format {
            "sarif" => {
                let sarif: Value = serde_json::from_str(&stdout).unwrap();
                let result = sarif["runs"][0]["results"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["ruleId"] == "DW903")
                    .unwrap();
                let logical = &result["locations"][0]["logicalLocations"][0];
                assert_eq!(logical["fullyQualifiedName"], "/etc/docker/daemon.json");
                assert!(result["locations"][0].get("physicalLocation").is_none());
                if let Some(tool) = sarif_multitool() {
                    let problems = sarif_problems(&tool, &stdout);
                    assert!(problems.is_empty(), "{problems:#?}");
                }
            }
            "junit" | "checkstyle" => {
                roxmltree::Document::parse(&stdout).unwrap_or_else(|e| panic!("{format}: {e}"));
            }
            "gitlab" | "json" => {
                serde_json::from_str::<Value>(&stdout).unwrap();
            }
            _ => {}
        }
    }
}

// --- Baseline ---------------------------------------------------------------------------

#[test]
fn baseline_absorbs_known_findings_reports_new_ones_and_stale_entries() {
    let dir = tempfile::tempdir().unwrap();
    let compose = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n";
    write(dir.path(), "compose.yaml", compose);
    let base = dir.path().join("dockward-baseline.json");
    let scan = |extra: &[&str]| {
        let mut args = vec!["scan", "compose.yaml", "--isolated", "--format", "json", "--baseline"];
        args.push(base.to_str().unwrap());
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = run_in(dir.path(), &args);
        let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
        (code, report, stderr)
    };
    let codes = |report: &Value| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };

    // Absent: written with every finding, and the run passes.
    let (code, report, stderr) = scan(&[]);
    assert_eq!(code, 0, "{report}");
    assert!(codes(&report).is_empty());
    assert!(stderr.contains("recorded"), "{stderr}");
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(&base).unwrap()).unwrap();
    let entries = recorded["findings"].as_array().unwrap();
    assert!(entries.iter().any(|e| e["code"] == "DW301"), "{recorded}");

    // Read back: nothing new.
    let (code, report, _) = scan(&[]);
    assert_eq!((code, codes(&report).len()), (0, 0), "{report}");

    // Lines moved and re-indented, and one new problem: only that one is reported, and
    // it fails the run.
    let edited = "# the shop\nservices:\n\n    web:\n        image: nginx:1.27\n        privileged:   true\n        network_mode: host\n";
    write(dir.path(), "compose.yaml", edited);
    let (code, report, _) = scan(&[]);
    assert_eq!(codes(&report), ["DW510"], "{report}");
    assert_eq!(code, 0, "DW510 is medium, under the default fail-on: {report}");
    let (code, _, _) = scan(&["--fail-on", "medium"]);
    assert_eq!(code, 1);

    // The privileged flag fixed: its entry is stale, said as a warning.
    write(
        dir.path(),
        "compose.yaml",
        &edited.replace("privileged:   true", "privileged: false"),
    );
    let (_, report, _) = scan(&[]);
    let warnings: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["warning"] == true)
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        warnings.iter().any(|w| w.contains("stale baseline entry: DW301")),
        "{warnings:?}"
    );

    // --write-baseline records today's findings again: nothing new, nothing stale.
    let (code, _, _) = scan(&["--write-baseline"]);
    assert_eq!(code, 0);
    let (code, report, _) = scan(&[]);
    assert_eq!(code, 0);
    assert!(
        codes(&report).is_empty() && report["errors"].as_array().unwrap().is_empty(),
        "{report}"
    );
}

#[test]
fn a_broken_baseline_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM debian:12\n");
    write(dir.path(), "base.json", "{ not json");
    let (code, _, stderr) = run_in(
        dir.path(),
        &["scan", "Dockerfile", "--isolated", "--baseline", "base.json"],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("base.json"), "{stderr}");
}

#[test]
fn baseline_works_with_every_format() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n",
    );
    let (code, _, _) = run_in(dir.path(), &["scan", ".", "--isolated", "--baseline", "b.json"]);
    assert_eq!(code, 0);
    for format in [
        "full",
        "concise",
        "github",
        "sarif",
        "junit",
        "gitlab",
        "checkstyle",
        "html",
    ] {
        let (code, stdout, _) = run_in(
            dir.path(),
            &["scan", ".", "--isolated", "--baseline", "b.json", "--format", format],
        );
        assert_eq!(code, 0, "{format}");
        let clean = match format {
            "sarif" => serde_json::from_str::<Value>(&stdout).unwrap()["runs"][0]["results"] == Value::Array(vec![]),
            "gitlab" => stdout.trim() == "[]",
            "junit" => !stdout.contains("<failure"),
            "checkstyle" => !stdout.contains("<error"),
            "html" => !stdout.contains("class=\"finding "),
            _ => !stdout.contains("DW301"),
        };
        assert!(clean, "{format}: {stdout}");
    }
}

// --- HTML -------------------------------------------------------------------------------

fn html_of(path: &str) -> String {
    let (_, stdout, stderr) = run_in(&examples(), &["scan", path, "--isolated", "--format", "html"]);
    assert!(stdout.starts_with("<!DOCTYPE html>"), "{stderr}");
    stdout
}

#[test]
fn html_report_is_self_contained_and_redacts_secrets() {
    let html = html_of("insecure");
    // Nothing is loaded: no scripts, stylesheets, images, fonts or frames, and a policy
    // that would block them anyway.
    for tag in ["<script", "<link", "<img", "<iframe", "url(", "@import", "src="] {
        assert!(!html.contains(tag), "{tag}");
    }
    assert!(html.contains("default-src 'none'"));
    // The example's Compose file sets secrets in plain text; the frames mask them.
    let compose = std::fs::read_to_string(examples().join("insecure/compose.yaml")).unwrap();
    let secret_line = compose.lines().find(|l| l.contains("DATABASE_URL")).unwrap();
    let value = secret_line.split_once(':').unwrap().1.trim();
    assert!(value.len() > 8);
    assert!(!html.contains(value), "secret value in the report");
    assert!(html.contains("DATABASE_URL: ****"));
    for secret in SECRETS {
        assert!(!html.contains(secret), "{secret} leaked");
    }
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| on_path(name))
}

/// Renders `html` with headless Chromium: the DOM as text, and a PNG screenshot.
fn render(browser: &Path, html: &str, dir: &Path, name: &str, height: u32) -> (String, PathBuf) {
    let page = dir.join(format!("{name}.html"));
    let png = dir.join(format!("{name}.png"));
    std::fs::write(&page, html).unwrap();
    let url = format!("file://{}", page.display());
    let base = |cmd: &mut Command| {
        cmd.args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--disable-extensions",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()));
    };
    let mut shot = Command::new(browser);
    base(&mut shot);
    let out = shot
        .arg(format!("--window-size=1366,{height}"))
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(png.is_file(), "no screenshot: {}", String::from_utf8_lossy(&out.stderr));
    let mut dom = Command::new(browser);
    base(&mut dom);
    let out = dom.arg("--dump-dom").arg(&url).output().unwrap();
    (String::from_utf8_lossy(&out.stdout).into_owned(), png)
}

/// Pixels of the screenshot with exactly this colour.
fn count_pixels(png: &Path, rgb: [u8; 3]) -> usize {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    buf[..info.buffer_size()]
        .chunks(channels)
        .filter(|px| px[..3] == rgb)
        .count()
}

/// The badge colours of the stylesheet.
const FAIL_RED: [u8; 3] = [0xb3, 0x26, 0x1e];
const PASS_GREEN: [u8; 3] = [0x1e, 0x7b, 0x45];

#[test]
fn html_report_renders_the_scorecard_in_chromium() {
    let Some(browser) = chromium() else {
        return unavailable("Chromium", "apt-get install chromium; scripts/test.sh does it");
    };
    let dir = tempfile::tempdir().unwrap();
    let (dom, insecure_png) = render(&browser, &html_of("insecure"), dir.path(), "insecure", 1400);
    for text in [
        "Checklist scorecard",
        "runs as non-root",
        "Findings by severity",
        "Findings by file",
    ] {
        assert!(dom.contains(text), "{text} not rendered");
    }
    // The DOM Chromium built: statuses by row.
    let status_of = |dom: &str, practice: &str| -> String {
        let row = dom
            .split("<tr")
            .find(|r| r.contains(practice))
            .unwrap_or_else(|| panic!("{practice}"));
        let badge = row.split("class=\"status ").nth(1).unwrap();
        badge[badge.find('>').unwrap() + 1..badge.find('<').unwrap()].to_string()
    };
    assert_eq!(status_of(&dom, "never privileged"), "fail");
    assert_eq!(status_of(&dom, "scanned for vulnerabilities"), "not seen");
    // The link of a failing row leads to a finding of the page.
    let row = dom.split("<tr").find(|r| r.contains("never privileged")).unwrap();
    let target = row.split("href=\"#").nth(1).unwrap().split('"').next().unwrap();
    assert!(dom.contains(&format!("id=\"{target}\"")), "{target}");

    let (dom, hardened_png) = render(&browser, &html_of("hardened"), dir.path(), "hardened", 1400);
    assert_eq!(status_of(&dom, "never privileged"), "pass");
    // Only the daemon.json in this folder: the Dockerfile rules ran too, but host audit
    // rules did not.
    // What the eye sees: the insecure page is red, the hardened one green.
    let (red, green) = (
        count_pixels(&insecure_png, FAIL_RED),
        count_pixels(&insecure_png, PASS_GREEN),
    );
    assert!(
        red > 10 * green.max(1) && red > 5000,
        "insecure: {red} red, {green} green pixels"
    );
    let (red, green) = (
        count_pixels(&hardened_png, FAIL_RED),
        count_pixels(&hardened_png, PASS_GREEN),
    );
    assert!(green > 5000 && red == 0, "hardened: {red} red, {green} green pixels");

    // `DOCKWARD_UPDATE_SCREENSHOT=1` refreshes the screenshot in docs/.
    if std::env::var_os("DOCKWARD_UPDATE_SCREENSHOT").is_some() {
        std::fs::copy(&insecure_png, repo_root().join("docs/report-scorecard.png")).unwrap();
    }
}

// --- Scorecard data ---------------------------------------------------------------------

#[test]
fn scorecard_rows_name_registered_rules() {
    let rules = dockward_rules::all_rules();
    for row in dockward_report::scorecard::ROWS {
        for code in row.codes {
            assert!(
                rules.iter().any(|r| r.code == *code),
                "{}: {code} is no rule",
                row.practice
            );
        }
    }
}

// --- Distribution -----------------------------------------------------------------------

#[test]
fn dockwards_own_dockerfile_passes_its_own_scan_at_info() {
    let (code, stdout, stderr) = run_in(&repo_root(), &["scan", "Dockerfile", "--isolated", "--fail-on", "info"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("No findings"), "{stdout}");
    let text = std::fs::read_to_string(repo_root().join("Dockerfile")).unwrap();
    assert!(text.matches("\nFROM ").count() >= 2, "multi-stage");
    assert!(text.contains("\nFROM scratch"), "nothing but the binary");
    assert!(text.contains("\nUSER 65532"), "non-root");
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, stdout, _) = run_in(&repo_root(), &["completions", shell]);
        assert_eq!(code, 0);
        assert!(stdout.contains("--baseline") && stdout.contains("sarif"), "{shell}");
    }
    let (code, page, _) = run_in(&repo_root(), &["man"]);
    assert_eq!(code, 0);
    assert!(
        page.starts_with(".ie") || page.contains(".TH dockward"),
        "{}",
        &page[..200.min(page.len())]
    );
    assert!(page.contains(".SH \"DOCKWARD SCAN\""));
    assert!(page.contains("\\-\\-baseline"));
    if let Some(man) = on_path("man") {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("dockward.1");
        std::fs::write(&file, &page).unwrap();
        let out = Command::new(man)
            .arg("-l")
            .arg(&file)
            .env("MANWIDTH", "80")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("DOCKWARD SCAN"), "{text}");
    }
}

/// `pre-commit`, on PATH or installed with pip into the tools folder; the command that
/// runs it.
fn pre_commit() -> Option<Command> {
    if let Some(bin) = on_path("pre-commit") {
        return Some(Command::new(bin));
    }
    let target = tools_dir().join("pre-commit");
    let python = on_path("python3")?;
    if !target.join("pre_commit").is_dir() {
        let status = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--target"])
            .arg(&target)
            .arg("pre-commit")
            .status();
        eprintln!("pip install pre-commit: {status:?}");
    }
    target.join("pre_commit").is_dir().then(|| {
        let mut cmd = Command::new(python);
        cmd.env("PYTHONPATH", &target).args(["-m", "pre_commit"]);
        cmd
    })
}

#[test]
fn pre_commit_hook_runs_on_a_scratch_repository() {
    let Some(_) = pre_commit() else {
        return unavailable("pre-commit", "pip install pre-commit");
    };
    let git = |dir: &Path, args: &[&str]| {
        let out = Command::new("git")
            .current_dir(dir)
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    // The hook repository: this checkout's .pre-commit-hooks.yaml, committed on its own (so
    // the test reads the file as it is now, committed or not).
    let hooks = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo_root().join(".pre-commit-hooks.yaml"),
        hooks.path().join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    git(hooks.path(), &["init", "-q"]);
    git(hooks.path(), &["add", "."]);
    git(hooks.path(), &["commit", "-q", "-m", "hooks"]);
    let repo = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| git(repo.path(), args);
    git(&["init", "-q"]);
    write(
        repo.path(),
        "app/Dockerfile",
        "FROM debian:12\nUSER root\nCMD [\"sh\"]\n",
    );
    write(repo.path(), "README.md", "not scanned\n");
    git(&["add", "."]);
    // The hook runs `dockward` from PATH: this build's.
    let bin_dir = assert_cmd::cargo::cargo_bin("dockward").parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let home = tempfile::tempdir().unwrap();
    let try_repo = |files: &[&str]| {
        let mut cmd = pre_commit().unwrap();
        cmd.current_dir(repo.path())
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", home.path())
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .arg("try-repo")
            .arg(hooks.path())
            .arg("dockward")
            .arg("--files")
            .args(files);
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (code, out) = try_repo(&["app/Dockerfile", "README.md"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("DW101"), "{out}");
    // Fixed: the hook passes.
    write(
        repo.path(),
        "app/Dockerfile",
        "FROM debian:12\nUSER 10001\nCMD [\"sh\"]\n",
    );
    let (code, out) = try_repo(&["app/Dockerfile"]);
    assert_eq!(code, 0, "{out}");
    // A file the hook's pattern does not take is not handed to dockward.
    let (code, out) = try_repo(&["README.md"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no files to check") || out.contains("Skipped"), "{out}");
}

/// A hostile file: markup, control characters and a secret in its name and content. Every
/// format stays well-formed, escapes the controls and keeps the markup as text.
#[test]
fn hostile_names_and_content_stay_text_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let folder = "we<ird>&\"q'";
    write(
        dir.path(),
        &format!("{folder}/Dockerfile"),
        "FROM debian:12\nUSER root\nLABEL x=\"</pre><script>alert(1)</script>\u{1b}[2J\"\nENV API_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345\nRUN echo \"]]></failure><x>\" \u{202e} \u{7}\n",
    );
    for format in [
        "sarif",
        "junit",
        "gitlab",
        "checkstyle",
        "html",
        "github",
        "concise",
        "full",
    ] {
        let (code, stdout, stderr) = run_in(dir.path(), &["scan", ".", "--isolated", "--format", format]);
        assert_eq!(code, 1, "{format}: {stderr}");
        assert!(stdout.contains("DW101"), "{format}: {stdout}");
        for bad in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!stdout.contains(bad), "{format}: raw {bad:?}");
        }
        assert!(
            !stdout.contains("ghp_0123456789abcdefghij"),
            "{format}: the token leaked"
        );
        match format {
            "junit" | "checkstyle" => {
                roxmltree::Document::parse(&stdout).unwrap_or_else(|e| panic!("{format}: {e}\n{stdout}"));
            }
            "sarif" | "gitlab" => {
                serde_json::from_str::<Value>(&stdout).unwrap_or_else(|e| panic!("{format}: {e}"));
            }
            "html" => {
                assert!(!stdout.contains("<script") && !stdout.contains("<ird>"), "{stdout}");
                assert!(
                    stdout.contains("we&lt;ird&gt;&amp;"),
                    "the folder name is shown as text"
                );
            }
            _ => {}
        }
    }
}

/// action.yml, read by PyYAML (which pre-commit brings): a composite action that builds
/// dockward, scans to SARIF and uploads it, and passes inputs through the environment.
#[test]
fn action_yml_is_a_composite_action_that_uploads_sarif() {
    let _ = pre_commit();
    let script = r#"
import json, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
print(json.dumps(action))
"#;
    let out = Command::new("python3")
        .env("PYTHONPATH", tools_dir().join("pre-commit"))
        .args(["-c", script])
        .arg(repo_root().join("action.yml"))
        .output();
    let Some(out) = out.ok().filter(|o| o.status.success()) else {
        return unavailable("python3 with PyYAML", "pip install pre-commit brings it");
    };
    let action: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(
        uses.iter().any(|u| u.starts_with("github/codeql-action/upload-sarif@")),
        "{uses:?}"
    );
    let scripts: String = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(scripts.contains("cargo install --locked"));
    assert!(scripts.contains("--format sarif"));
    // No `${{ inputs.… }}` inside a script: inputs reach the shell as variables only.
    assert!(!scripts.contains("${{"), "{scripts}");
}
