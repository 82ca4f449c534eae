//! Every rule's documented examples are executable: each bad example must trigger the
//! rule and each good one must not.

mod common;
mod host_example;
mod image_example;

use dockward_core::{FileId, Finding, Settings};
use dockward_model::daemon::{lower_daemon_json, lower_dockerd_args, merge_daemon};
use dockward_rules::daemon::check_daemon;
use dockward_rules::{all_rules, doc_examples};
use dockward_shell::split_words_lenient;
use std::path::Path;

/// `sh` examples are run lines: checked as a shell script.
fn check_sh(text: &str, settings: &Settings) -> Vec<Finding> {
    dockward_driver::check_script(
        FileId(0),
        Path::new("example.sh"),
        text,
        dockward_inputs::ScriptKind::Shell,
        settings,
    )
}

/// `yaml` examples are Compose files: loaded as a project (from a scratch directory) and
/// checked.
fn check_yaml(text: &str, settings: &Settings) -> Vec<Finding> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "doc-example-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("compose.yaml");
    std::fs::write(&path, text).unwrap();
    let project = dockward_model::compose::load_compose_files(&[path], &Default::default());
    std::fs::remove_dir_all(&dir).ok();
    let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
    dockward_driver::check_compose(&dockward_driver::ComposeInput {
        project: &project,
        file_ids: &ids,
        settings,
        read_dockerfile: &|_| None,
    })
}

/// `json` examples are daemon configurations, checked as a `daemon.json`; when the same
/// (bad or good) side also shows a systemd unit (`ini`), the file is checked merged with the
/// unit's last `ExecStart=` command line, as dockerd would read both.
fn check_json(text: &str, unit: Option<&str>, settings: &Settings) -> Vec<Finding> {
    let Some(unit) = unit else {
        return dockward_driver::check_daemon_json(FileId(0), Path::new("daemon.json"), text, settings);
    };
    let exec_start = unit
        .lines()
        .rev()
        .filter_map(|l| l.trim().strip_prefix("ExecStart="))
        .find(|v| !v.trim().is_empty())
        .expect("the unit example has an ExecStart= command line");
    let flags =
        lower_dockerd_args(FileId(1), &split_words_lenient(exec_start), &|r| r).expect("a dockerd command line");
    let (file, errors) = lower_daemon_json(FileId(0), text);
    assert!(errors.is_empty(), "{errors:?}");
    let mut findings = Vec::new();
    check_daemon(&merge_daemon(flags, file), settings, &mut findings);
    findings
}

#[test]
fn documented_examples_behave_as_documented() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for rule in all_rules() {
        let examples = doc_examples(rule);
        assert!(
            examples.iter().any(|e| e.bad) && examples.iter().any(|e| !e.bad),
            "{} must document at least one bad and one good example",
            rule.code
        );
        let settings = common::only(rule.code);
        for example in examples
            .iter()
            .filter(|e| ["dockerfile", "sh", "yaml", "json", "console", "image"].contains(&e.lang.as_str()))
        {
            let unit = examples
                .iter()
                .find(|u| u.lang == "ini" && u.bad == example.bad)
                .map(|u| u.code.as_str());
            let findings = match example.lang.as_str() {
                "sh" => check_sh(&example.code, &settings),
                "yaml" => check_yaml(&example.code, &settings),
                "json" => check_json(&example.code, unit, &settings),
                // Host rules show the host as a shell transcript.
                "console" => host_example::check(&example.code, &settings),
                // Image rules show an image as a transcript of what is inside it.
                "image" => image_example::check(&example.code, &settings),
                _ => common::check(&example.code, &settings),
            };
            let fired = findings.iter().any(|f| f.rule.code == rule.code);
            if fired != example.bad {
                failures.push(format!(
                    "{} {}: {} example {}:\n{}\nfindings:\n{}",
                    rule.code,
                    rule.name,
                    if example.bad { "bad" } else { "good" },
                    if example.bad {
                        "did not trigger the rule"
                    } else {
                        "triggered the rule"
                    },
                    example.code,
                    if example.lang == "console" || example.lang == "image" {
                        host_example::render(&findings)
                    } else {
                        common::render(&example.code, &findings)
                    }
                ));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Package rules document package-database excerpts (`text`): their detector is the
    // vulnerability matcher, tested with a database in dockward_vuln and the CLI tests.
    let package_rules = all_rules()
        .iter()
        .filter(|r| r.models.contains(&dockward_core::ModelKind::Packages))
        .count();
    assert!(
        checked >= 2 * (all_rules().len() - package_rules) - 2,
        "only {checked} examples checked"
    );
}

#[test]
fn every_rule_documents_its_sections() {
    for rule in all_rules() {
        let doc = dockward_rules::explanation_markdown(rule);
        for section in ["## What it does", "## Why is this bad?", "## Example"] {
            assert!(doc.contains(section), "{} lacks `{section}`", rule.code);
        }
        if rule.fix != dockward_rules::FixAvailability::None && rule.category != dockward_rules::Category::Meta {
            assert!(
                doc.contains("## Fix"),
                "{} is fixable but documents no `## Fix`",
                rule.code
            );
        }
        assert!(
            rule.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} name is not kebab-case",
            rule.code
        );
        for reference in rule.references {
            let (scheme, id) = reference.split_once(':').expect("scheme:id");
            assert!(
                [
                    "cis", "cis-1.6", "cwe", "hadolint", "trivy", "checkov", "kics", "dockle"
                ]
                .contains(&scheme)
                    && !id.is_empty(),
                "{}: bad reference `{reference}`",
                rule.code
            );
        }
    }
}

#[test]
fn codes_and_names_are_unique() {
    let rules = all_rules();
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[i + 1..] {
            assert!(a.code != b.code && a.name != b.name, "{} / {} collide", a.code, b.code);
        }
    }
}
