//! Daemon fixtures, one or more per daemon rule, in `tests/fixtures/daemon/`:
//!
//! * `<CODE>-<slug>.json` is a `daemon.json` that must trigger rule CODE (run alone);
//!   `<CODE>-ok-<slug>.json` must not. When a `.service` unit with the same stem sits
//!   beside it, the file is checked merged with the unit's last `ExecStart=` command line,
//!   as dockerd reads both.
//! * `<CODE>-<slug>.sh` holds `dockerd` command lines, each checked on its own.
//!
//! The findings are insta snapshots. `all/*.json` are realistic configurations checked with
//! every rule (opt-in ones included): `hardened-*` must yield nothing at the default
//! selection, the others are snapshots for precision review. The `examples/` daemon files
//! are checked the same way.

use dockward_core::{FileId, Finding, LineIndex, Settings};
use dockward_model::daemon::{lower_daemon_json, lower_dockerd_args, merge_daemon};
use dockward_rules::daemon::check_daemon;
use dockward_rules::{SYNTAX_ERROR, all_rules};
use dockward_shell::{parse_shell, split_words_lenient};
use std::path::Path;

fn select(codes: &[&str]) -> Settings {
    let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    let mut settings = Settings::default();
    settings
        .apply_command_line(&codes, &[], all_rules())
        .expect("rule codes exist");
    settings
}

/// A JSON fixture's findings; `unit` is the text of a systemd unit to merge with.
fn check_json(text: &str, unit: Option<&str>, settings: &Settings) -> Vec<Finding> {
    let Some(unit) = unit else {
        return dockward_driver::check_daemon_json(FileId(0), Path::new("daemon.json"), text, settings);
    };
    // The unit's effective command line is its last non-empty `ExecStart=` (an empty one
    // resets the list in a drop-in).
    let (offset, line) = unit
        .lines()
        .scan(0usize, |start, line| {
            let at = *start;
            *start += line.len() + 1;
            Some((at, line))
        })
        .filter_map(|(at, line)| {
            let value = line.strip_prefix("ExecStart=")?;
            (!value.trim().is_empty()).then_some((at + "ExecStart=".len(), value))
        })
        .last()
        .expect("an ExecStart= line");
    let words = split_words_lenient(line);
    let flags = lower_dockerd_args(FileId(1), &words, &|r| r.shifted(offset as u32)).expect("dockerd");
    let (file, errors) = lower_daemon_json(FileId(0), text);
    assert!(errors.is_empty(), "{errors:?}");
    let mut findings = Vec::new();
    check_daemon(&merge_daemon(flags, file), settings, &mut findings);
    findings
}

/// Every `dockerd` command line of a script, each on its own.
fn check_script(text: &str, settings: &Settings) -> Vec<Finding> {
    let script = parse_shell(text);
    let mut findings = Vec::new();
    for command in &script.commands {
        if let Some(spec) = lower_dockerd_args(FileId(0), &command.words, &|r| r) {
            check_daemon(&spec, settings, &mut findings);
        }
    }
    findings
}

/// `[file] line:col-line:col CODE severity: message `first line of the span``, sorted; the
/// file is `unit` for findings in the companion unit (file 1).
fn render(texts: &[&str], findings: &[Finding]) -> String {
    let mut lines: Vec<(u32, u32, u32, String)> = findings
        .iter()
        .map(|f| {
            let (file, range) = f.at.as_text().expect("text finding");
            let text = texts[file.0 as usize];
            let index = LineIndex::new(text);
            let a = index.line_col(range.start, text);
            let b = index.line_col(range.end, text);
            let prefix = if file.0 == 0 { "" } else { "unit " };
            (
                file.0,
                range.start,
                range.end,
                format!(
                    "{prefix}{}:{}-{}:{} {} {}: {} `{}`",
                    a.line,
                    a.column,
                    b.line,
                    b.column,
                    f.rule.code,
                    f.severity,
                    f.message,
                    range.slice(text).lines().next().unwrap_or("")
                ),
            )
        })
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, _, _, l)| l + "\n").collect()
}

#[test]
fn daemon_fixtures() {
    insta::glob!("fixtures/daemon/DW*.{json,sh}", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let code = name.split('-').next().unwrap().to_string();
        let settings = select(&[&code]);
        let unit_path = path.with_extension("service");
        let unit = std::fs::read_to_string(&unit_path).ok();
        let findings = if name.ends_with(".sh") {
            check_script(&text, &settings)
        } else {
            check_json(&text, unit.as_deref(), &settings)
        };
        let texts = [text.as_str(), unit.as_deref().unwrap_or("")];
        let rendered = render(&texts, &findings);
        if name.contains("-ok-") {
            assert!(findings.is_empty(), "fixture {name} triggers {code}:\n{rendered}");
        } else {
            assert!(
                findings.iter().any(|f| f.rule.code == code),
                "fixture {name} never triggers {code}"
            );
        }
        assert!(
            findings.iter().all(|f| f.rule.code == code),
            "fixture {name} triggers other rules:\n{rendered}"
        );
        insta::assert_snapshot!(rendered);
    });
}

/// Every daemon rule has a fixture that triggers it.
#[test]
fn every_daemon_rule_has_a_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/daemon");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for rule in dockward_rules::daemon::rules() {
        assert!(
            names.iter().any(|n| n.starts_with(&format!("{}-", rule.meta.code))
                && !n.contains("-ok-")
                && !n.ends_with(".service")),
            "{} has no fixture in {}",
            rule.meta.code,
            dir.display()
        );
    }
}

/// Realistic configurations with every rule: hardened ones are clean at the default
/// selection (what `dockward scan` runs), and every file's findings are a snapshot.
#[test]
fn realistic_configurations() {
    let all = select(&["ALL"]);
    let default = Settings::default();
    insta::glob!("fixtures/daemon/all/*.json", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        if name.starts_with("hardened") {
            let findings = check_json(&text, None, &default);
            assert!(findings.is_empty(), "{name}:\n{}", render(&[&text], &findings));
        }
        let findings = check_json(&text, None, &all);
        insta::assert_snapshot!(render(&[&text], &findings));
    });
}

/// The example projects' daemon files: the insecure one yields the daemon findings the
/// README promises, the hardened one none even at `--fail-on info`.
#[test]
fn example_daemon_files() {
    let root = dockward_core::testing::workspace_root().join("examples");
    let default = Settings::default();
    let hardened = std::fs::read_to_string(root.join("hardened/daemon.json")).unwrap();
    let findings = check_json(&hardened, None, &default);
    assert!(findings.is_empty(), "{}", render(&[&hardened], &findings));

    let insecure = std::fs::read_to_string(root.join("insecure/daemon.json")).unwrap();
    let findings = check_json(&insecure, None, &default);
    let mut codes: Vec<&str> = findings.iter().map(|f| f.rule.code).collect();
    codes.sort_unstable();
    codes.dedup();
    for expected in ["DW701", "DW704", "DW709", "DW710"] {
        assert!(codes.contains(&expected), "{expected} missing from {codes:?}");
    }
    let critical = findings.iter().find(|f| f.rule.code == "DW701").unwrap();
    assert_eq!(critical.severity, dockward_core::Severity::Critical);
    insta::assert_snapshot!(render(&[&insecure], &findings));
}

/// What dockerd would refuse is a located DW001, and the rest of the file is still judged.
#[test]
fn invalid_files_are_syntax_errors() {
    let settings = select(&["DW001", "DW704", "DW705"]);
    let text = "{\n  \"icc\": \"false\",\n  \"live-restore\": false\n}\n";
    let findings = check_json(text, None, &settings);
    let rendered = render(&[text], &findings);
    assert!(
        findings.iter().any(|f| std::ptr::eq(f.rule, &SYNTAX_ERROR)),
        "{rendered}"
    );
    // `icc` has a value dockerd rejects: not judged; `live-restore` is.
    assert!(!findings.iter().any(|f| f.rule.code == "DW704"), "{rendered}");
    assert!(findings.iter().any(|f| f.rule.code == "DW705"), "{rendered}");
    insta::assert_snapshot!(rendered);
}

/// Configuration applies to daemon files like any other: per-rule ignores and severity
/// overrides.
#[test]
fn configuration_applies() {
    let toml = "[rules]\nignore = [\"DW704\"]\n\n[rules.severity]\nDW705 = \"high\"\n";
    let settings = Settings::parse(Path::new("dockward.toml"), toml, all_rules()).unwrap();
    let text = "{\"icc\": true, \"live-restore\": false}";
    let findings = check_json(text, None, &settings);
    assert!(!findings.iter().any(|f| f.rule.code == "DW704"));
    let live = findings.iter().find(|f| f.rule.code == "DW705").unwrap();
    assert_eq!(live.severity, dockward_core::Severity::High);
}

/// Precision review over a folder of real-world `daemon.json` files (not kept in the
/// repository): prints every finding, and which files would not be taken for Docker's.
/// Run with `DOCKWARD_DAEMON_SAMPLES=dir cargo test -p dockward_rules --test daemon_fixtures
/// -- --ignored --nocapture`.
#[test]
#[ignore = "needs DOCKWARD_DAEMON_SAMPLES; prints findings for manual review"]
fn daemon_samples_precision() {
    let dir = std::env::var("DOCKWARD_DAEMON_SAMPLES").expect("DOCKWARD_DAEMON_SAMPLES names a folder");
    let settings = Settings::default();
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for path in dockward_core::testing::files_under(Path::new(&dir)) {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let (spec, _) = lower_daemon_json(FileId(0), &text);
        if !spec.looks_like_docker_config() {
            eprintln!("{}: not a Docker daemon configuration", path.display());
            continue;
        }
        let findings = check_json(&text, None, &settings);
        for line in render(&[&text], &findings).lines() {
            eprintln!("{}:{line}", path.display());
        }
        for f in &findings {
            *counts.entry(f.rule.code).or_default() += 1;
        }
    }
    eprintln!("findings per rule: {counts:?}");
}
