//! One run-line fixture per container rule: `tests/fixtures/container/<CODE>-<slug>.sh`
//! holds run lines that must and must not trigger the rule; the findings (rule run alone)
//! are an insta snapshot. Fixable rules also snapshot the text after all their fixes (safe
//! and unsafe), which must re-parse and no longer trigger the fixed findings.

use dockward_core::{FileId, Finding, LineIndex, Settings, apply_fixes};
use dockward_rules::all_rules;
use std::path::Path;

fn only(code: &str) -> Settings {
    let mut settings = Settings::default();
    settings
        .apply_command_line(&[code.to_string()], &[], all_rules())
        .expect("rule code exists");
    settings
}

fn check(text: &str, settings: &Settings) -> Vec<Finding> {
    dockward_driver::check_script(
        FileId(0),
        Path::new("fixture.sh"),
        text,
        dockward_inputs::ScriptKind::Shell,
        settings,
    )
}

/// `line:col-line:col CODE severity: message [fix] `first line of the span``, sorted.
fn render(text: &str, findings: &[Finding]) -> String {
    let index = LineIndex::new(text);
    let mut lines: Vec<(u32, u32, String)> = findings
        .iter()
        .map(|f| {
            let (_, range) = f.at.as_text().expect("text finding");
            let a = index.line_col(range.start, text);
            let b = index.line_col(range.end, text);
            let fix = f
                .fix
                .as_ref()
                .map(|x| format!(" [{:?} fix: {}]", x.applicability, x.description))
                .unwrap_or_default();
            (
                range.start,
                range.end,
                format!(
                    "{}:{}-{}:{} {} {}: {}{fix} `{}`",
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
    lines.into_iter().map(|(_, _, l)| l + "\n").collect()
}

#[test]
fn container_fixtures() {
    insta::glob!("fixtures/container/*.sh", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let code = name.split('-').next().unwrap().to_string();
        let settings = only(&code);
        let findings = check(&text, &settings);
        assert!(
            findings.iter().any(|f| f.rule.code == code),
            "fixture {name} never triggers {code}"
        );
        assert!(
            findings.iter().all(|f| f.rule.code == code),
            "fixture {name} triggers other rules:\n{}",
            render(&text, &findings)
        );
        let mut snapshot = render(&text, &findings);
        let fixes: Vec<_> = findings.iter().filter_map(|f| f.fix.as_ref()).collect();
        if !fixes.is_empty() {
            let mut fixed = text.clone();
            for _ in 0..10 {
                let after = check(&fixed, &settings);
                let pending: Vec<_> = after.iter().filter_map(|f| f.fix.as_ref()).collect();
                if pending.is_empty() {
                    break;
                }
                let (next, applied) = apply_fixes(&fixed, pending);
                assert!(applied > 0, "fixes for {code} cannot be applied");
                fixed = next;
            }
            let after = check(&fixed, &settings);
            assert!(
                !after.iter().any(|f| f.fix.is_some()),
                "fixes for {code} do not converge:\n{}",
                render(&fixed, &after)
            );
            snapshot.push_str("\n--- after all fixes ---\n");
            snapshot.push_str(&render(&fixed, &after));
            snapshot.push_str("--- fixed text ---\n");
            snapshot.push_str(&fixed);
        }
        insta::assert_snapshot!(snapshot);
    });
}

/// Every container rule has a fixture.
#[test]
fn every_container_rule_has_a_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/container");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for rule in dockward_rules::container::rules() {
        assert!(
            names.iter().any(|n| n.starts_with(&format!("{}-", rule.meta.code))),
            "{} has no fixture in {}",
            rule.meta.code,
            dir.display()
        );
    }
}

/// Every container rule over the `docker run` lines inside the RUN bodies of the shared
/// Dockerfile corpus: the number of specs and of findings per rule is a snapshot, so a
/// change in precision shows up in review.
#[test]
fn corpus_run_lines_in_dockerfiles() {
    let Some(dir) = dockward_core::testing::corpus_subdir("dockerfiles") else {
        return;
    };
    let mut settings = Settings::default();
    settings
        .apply_command_line(&["ALL".to_string()], &[], all_rules())
        .unwrap();
    let files = dockward_core::testing::files_under(&dir);
    let mut specs_total = 0;
    let mut files_with_runs = 0;
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for rule in dockward_rules::container::rules() {
        counts.insert(format!("{} {}", rule.meta.code, rule.meta.name), 0);
    }
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let dockerfile = dockward_dockerfile::parse(&text);
        let build = dockward_model::build::lower_build(FileId(0), &dockerfile, None);
        let specs = dockward_inputs::scripts::container_specs_in_build(&build);
        if !specs.is_empty() {
            files_with_runs += 1;
        }
        specs_total += specs.len();
        for spec in &specs {
            let mut findings = Vec::new();
            dockward_rules::container::check_container(spec, &settings, &mut findings);
            for f in findings {
                *counts.entry(format!("{} {}", f.rule.code, f.rule.name)).or_default() += 1;
            }
        }
    }
    let mut summary = format!(
        "files: {}\nfiles with run lines: {files_with_runs}\nrun lines: {specs_total}\n",
        files.len()
    );
    for (rule, n) in counts {
        summary.push_str(&format!("{rule}: {n}\n"));
    }
    insta::assert_snapshot!(summary);
}

/// Precision check over the scripts and unit files of the machine running the tests
/// (bounded): prints every finding for review. Run with
/// `cargo test -p dockward_rules --test container_fixtures -- --ignored --nocapture`;
/// `DOCKWARD_SCAN_ROOTS` (colon-separated) replaces the default roots.
#[test]
#[ignore = "machine-dependent; prints findings for manual review"]
fn host_scripts_precision() {
    let roots = std::env::var("DOCKWARD_SCAN_ROOTS")
        .unwrap_or_else(|_| "/usr/bin:/usr/sbin:/usr/lib:/usr/share:/usr/local:/lib/systemd:/etc".to_string());
    let mut settings = Settings::default();
    settings
        .apply_command_line(&["ALL".to_string()], &[], all_rules())
        .unwrap();
    let mut stack: Vec<std::path::PathBuf> = roots.split(':').map(Into::into).collect();
    let (mut scanned, mut with_runs, mut run_lines) = (0usize, 0usize, 0usize);
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    let mut kinds = std::collections::BTreeMap::<&str, usize>::new();
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else { continue };
            let path = entry.path();
            if kind.is_dir() {
                stack.push(path);
                continue;
            }
            if !kind.is_file() || scanned >= 50_000 {
                continue;
            }
            let Ok(meta) = entry.metadata() else { continue };
            if meta.len() > 1 << 20 {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else { continue };
            let Ok(text) = String::from_utf8(bytes) else { continue };
            let first = text.lines().next().unwrap_or("");
            let Some(script_kind) = dockward_inputs::script_kind_for(&path, first) else {
                continue;
            };
            scanned += 1;
            *kinds.entry(script_kind.as_str()).or_default() += 1;
            let specs = dockward_inputs::run_lines(FileId(0), &text, script_kind).specs;
            if specs.is_empty() {
                continue;
            }
            with_runs += 1;
            run_lines += specs.len();
            let findings = dockward_driver::check_script(FileId(0), &path, &text, script_kind, &settings);
            for line in render(&text, &findings).lines() {
                eprintln!("{}:{line}", path.display());
            }
            for f in &findings {
                *counts.entry(f.rule.code).or_default() += 1;
            }
        }
    }
    eprintln!("scanned {scanned} files {kinds:?}; {with_runs} with run lines; {run_lines} run lines");
    eprintln!("findings per rule: {counts:?}");
}
