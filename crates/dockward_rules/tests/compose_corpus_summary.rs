//! Every rule over the real-world Compose corpus (`shared/corpus/compose`), each file loaded
//! alone with an empty environment (`docker compose -f FILE config` in an empty shell): the
//! count of findings per rule is a committed snapshot, so any change in behaviour shows up
//! in review.
//!
//! `DOCKWARD_PRINT_FINDINGS=DW530,DW531` (or `all`) prints those findings with their file
//! and line, for reading samples when judging precision.

use dockward_core::{FileId, LineIndex, Settings, testing};
use dockward_model::compose::{LoadOptions, load_compose_files};
use dockward_rules::all_rules;
use std::collections::BTreeMap;

#[test]
fn compose_corpus_findings_per_rule() {
    let Some(dir) = testing::corpus_subdir("compose") else {
        return;
    };
    let mut settings = Settings::default();
    settings
        .apply_command_line(&["ALL".to_string()], &[], all_rules())
        .unwrap();
    let print: Vec<String> = std::env::var("DOCKWARD_PRINT_FINDINGS")
        .map(|v| v.split(',').map(str::to_string).collect())
        .unwrap_or_default();
    let mut counts: BTreeMap<String, usize> = all_rules()
        .iter()
        .filter(|r| {
            r.models.iter().any(|m| {
                matches!(
                    m,
                    dockward_rules::ModelKind::Container | dockward_rules::ModelKind::Topology
                )
            })
        })
        .map(|r| (format!("{} {}", r.code, r.name), 0))
        .collect();
    let files = testing::files_under(&dir);
    let (mut services, mut with_findings, mut linked) = (0, 0, 0);
    let options = LoadOptions::default();
    for path in &files {
        let project = load_compose_files(std::slice::from_ref(path), &options);
        services += project.services.len();
        let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
        // The corpus holds Compose files only: no Dockerfile is ever found.
        let read = |p: &std::path::Path| std::fs::read_to_string(p).ok().map(|t| (FileId(u32::MAX - 1), t));
        let findings = dockward_driver::check_compose(&dockward_driver::ComposeInput {
            project: &project,
            file_ids: &ids,
            settings: &settings,
            read_dockerfile: &read,
        });
        linked += usize::from(
            findings
                .iter()
                .any(|f| f.at.as_text().is_some_and(|(f, _)| f.0 == u32::MAX - 1)),
        );
        with_findings += usize::from(!findings.is_empty());
        for f in &findings {
            *counts.entry(format!("{} {}", f.rule.code, f.rule.name)).or_default() += 1;
            if print.iter().any(|p| p == "all" || p == f.rule.code) {
                let (file, range) = f.at.as_text().unwrap();
                let source = project.file(file.0).unwrap();
                let index = LineIndex::new(&source.text);
                let at = index.line_col(range.start, &source.text);
                let rel = source.path.strip_prefix(&dir).unwrap_or(&source.path);
                eprintln!("{}:{}: {} {}", rel.display(), at.line, f.rule.code, f.message);
            }
        }
    }
    assert_eq!(linked, 0, "a finding points into a Dockerfile");

    // The corpus's one real override stack, loaded as `docker compose -f … -f …` does: its
    // findings must point into the layer that set each value.
    let otel = dir.join("open-telemetry__opentelemetry-demo");
    let stack: Vec<_> = ["compose.yaml", "compose.full.yaml", "compose.observability.yaml"]
        .iter()
        .map(|f| otel.join(f))
        .collect();
    let project = load_compose_files(&stack, &options);
    let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
    let stacked = dockward_driver::check_compose(&dockward_driver::ComposeInput {
        project: &project,
        file_ids: &ids,
        settings: &settings,
        read_dockerfile: &|_| None,
    });
    let mut per_file: BTreeMap<String, usize> = BTreeMap::new();
    for f in &stacked {
        let (file, _) = f.at.as_text().unwrap();
        let name = project
            .file(file.0)
            .unwrap()
            .path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        *per_file.entry(name).or_default() += 1;
    }

    let mut summary = format!(
        "files: {}\nservices: {services}\nfiles with findings: {with_findings}\n\
         otel stack: {} services, findings per file {per_file:?}\n",
        files.len(),
        project.services.len()
    );
    for (rule, n) in counts {
        summary.push_str(&format!("{rule}: {n}\n"));
    }
    insta::assert_snapshot!(summary);
}

/// Every fix dockward offers on the corpus (safe and unsafe), applied until nothing is left
/// to fix: the result must load with no more errors than the original, and no finding may
/// still offer a fix (each fix made its finding go away). The fixed text is written to a
/// scratch directory whose project directory is the original's, so relative paths hold.
#[test]
fn compose_corpus_fixes_reload_and_converge() {
    let Some(dir) = testing::corpus_subdir("compose") else {
        return;
    };
    let mut settings = Settings::default();
    settings
        .apply_command_line(&["ALL".to_string()], &[], all_rules())
        .unwrap();
    let scratch =
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("corpus-fixes-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let check = |path: &std::path::Path, project_dir: &std::path::Path| {
        let options = LoadOptions {
            project_dir: Some(project_dir.to_path_buf()),
            ..LoadOptions::default()
        };
        let project = load_compose_files(&[path.to_path_buf()], &options);
        let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
        let findings = dockward_driver::check_compose(&dockward_driver::ComposeInput {
            project: &project,
            file_ids: &ids,
            settings: &settings,
            read_dockerfile: &|_| None,
        });
        (project, findings)
    };
    let (mut files_fixed, mut fixes_applied) = (0, 0);
    for (n, path) in testing::files_under(&dir).iter().enumerate() {
        let project_dir = path.parent().unwrap();
        let (project, findings) = check(path, project_dir);
        if !findings
            .iter()
            .any(|f| f.fix.is_some() && f.at.as_text().is_some_and(|(file, _)| file.0 == 0))
        {
            continue;
        }
        let errors_before = project.errors.len();
        let mut text = project.files[0].text.clone();
        let copy = scratch.join(format!("{n}.yaml"));
        let mut applied_here = 0;
        for _ in 0..10 {
            std::fs::write(&copy, &text).unwrap();
            let (project, findings) = check(&copy, project_dir);
            let fixes: Vec<_> = findings
                .iter()
                .filter(|f| f.at.as_text().is_some_and(|(file, _)| file.0 == 0))
                .filter_map(|f| f.fix.as_ref())
                .collect();
            if fixes.is_empty() {
                break;
            }
            let (next, applied) = dockward_core::apply_fixes(&project.files[0].text, fixes);
            assert!(applied > 0, "{}: fixes cannot be applied", path.display());
            applied_here += applied;
            text = next;
        }
        std::fs::write(&copy, &text).unwrap();
        let (project, findings) = check(&copy, project_dir);
        assert!(
            project.errors.len() <= errors_before,
            "{}: fixed text has new errors: {:?}\n{text}",
            path.display(),
            project.errors
        );
        assert!(
            !findings
                .iter()
                .any(|f| f.fix.is_some() && f.at.as_text().is_some_and(|(file, _)| file.0 == 0)),
            "{}: fixes do not converge:\n{text}",
            path.display()
        );
        if std::env::var_os("DOCKWARD_PRINT_FIXED")
            .is_some_and(|v| path.to_string_lossy().contains(&*v.to_string_lossy()))
        {
            eprintln!("=== {}\n{text}", path.display());
        }
        files_fixed += 1;
        fixes_applied += applied_here;
    }
    std::fs::remove_dir_all(&scratch).ok();
    assert!(
        files_fixed > 100 && fixes_applied > 500,
        "{files_fixed} files, {fixes_applied} fixes"
    );
    eprintln!("fixed {files_fixed} corpus files with {fixes_applied} fixes");
}
