//! Compose fixtures: `tests/fixtures/compose/<CODE>-<slug>.yaml` is one project whose
//! services must and must not trigger rule CODE (run alone); the findings are an insta
//! snapshot. Container rules have one fixture each, the same scenarios as their run-line
//! fixture, proving that the one rule fires at the right Compose node. Topology rules judge
//! a whole project, so their negative projects are separate files named
//! `<CODE>-ok-<slug>.yaml`, which must not trigger the rule.
//!
//! Fixable rules also snapshot the text after all their fixes, which must re-load and no
//! longer trigger the fixed findings. Also here: the example projects, suppressions, and
//! provenance through override files and `extends`.

use dockward_core::{FileId, Finding, LineIndex, Settings, apply_fixes};
use dockward_model::compose::{ComposeProject, LoadOptions, load_compose, load_compose_files};
use dockward_rules::all_rules;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

fn only(code: &str) -> Settings {
    select(&[code])
}

fn select(codes: &[&str]) -> Settings {
    let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
    let mut settings = Settings::default();
    settings
        .apply_command_line(&codes, &[], all_rules())
        .expect("rule codes exist");
    settings
}

fn all() -> Settings {
    let mut settings = Settings::default();
    settings
        .apply_command_line(&["ALL".to_string()], &[], all_rules())
        .unwrap();
    settings
}

/// Dockerfiles get ids after the project's files.
fn read_dockerfile(path: &Path) -> Option<(FileId, String)> {
    std::fs::read_to_string(path).ok().map(|t| (FileId(1000), t))
}

fn check(project: &ComposeProject, settings: &Settings) -> Vec<Finding> {
    let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
    dockward_driver::check_compose(&dockward_driver::ComposeInput {
        project,
        file_ids: &ids,
        settings,
        read_dockerfile: &read_dockerfile,
    })
}

/// Loads `text` as `compose.yaml` of a scratch directory whose relative paths resolve
/// against `project_dir` (the scratch directory itself when `None`).
fn load_text(text: &str, project_dir: Option<&Path>) -> ComposeProject {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "compose-fixtures-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("compose.yaml");
    std::fs::write(&path, text).unwrap();
    let options = LoadOptions {
        project_dir: project_dir.map(Path::to_path_buf),
        ..LoadOptions::default()
    };
    let project = load_compose_files(&[path], &options);
    std::fs::remove_dir_all(&dir).ok();
    project
}

/// `line:col-line:col CODE severity: message [fix] `first line of the span``, sorted; the
/// file name is added for findings outside the main file.
fn render(project: &ComposeProject, findings: &[Finding]) -> String {
    let mut lines: Vec<(u32, u32, u32, String)> = findings
        .iter()
        .map(|f| {
            let (file, range) = f.at.as_text().expect("text finding");
            let source = project.file(file.0).expect("a project file");
            let text = source.text.as_str();
            let index = LineIndex::new(text);
            let a = index.line_col(range.start, text);
            let b = index.line_col(range.end, text);
            let fix = f
                .fix
                .as_ref()
                .map(|x| format!(" [{:?} fix: {}]", x.applicability, x.description))
                .unwrap_or_default();
            let name = if file.0 == 0 {
                String::new()
            } else {
                format!("{}:", source.path.file_name().unwrap().to_string_lossy())
            };
            (
                file.0,
                range.start,
                range.end,
                format!(
                    "{name}{}:{}-{}:{} {} {}: {}{fix} `{}`",
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
fn compose_fixtures() {
    insta::glob!("fixtures/compose/*.yaml", |path| {
        let name = path.file_name().unwrap().to_str().unwrap();
        let code = name.split('-').next().unwrap().to_string();
        let negative = name.split('-').nth(1) == Some("ok");
        let settings = only(&code);
        let project = load_compose_files(&[path.to_path_buf()], &LoadOptions::default());
        assert!(project.errors.is_empty(), "{name}: {:?}", project.errors);
        let findings = check(&project, &settings);
        let fired = findings.iter().any(|f| f.rule.code == code);
        assert_eq!(fired, !negative, "fixture {name}:\n{}", render(&project, &findings));
        assert!(
            findings.iter().all(|f| f.rule.code == code),
            "fixture {name} triggers other rules:\n{}",
            render(&project, &findings)
        );
        let mut snapshot = render(&project, &findings);
        if findings.iter().any(|f| f.fix.is_some()) {
            let text = std::fs::read_to_string(path).unwrap();
            let dir = path.parent().unwrap();
            let mut fixed = text.clone();
            for _ in 0..10 {
                let project = load_text(&fixed, Some(dir));
                let after = check(&project, &settings);
                let pending: Vec<_> = after.iter().filter_map(|f| f.fix.as_ref()).collect();
                if pending.is_empty() {
                    break;
                }
                let (next, applied) = apply_fixes(&fixed, pending);
                assert!(applied > 0, "fixes for {code} cannot be applied");
                fixed = next;
            }
            let project = load_text(&fixed, Some(dir));
            assert!(
                project.errors.is_empty(),
                "fixed {name} does not load: {:?}",
                project.errors
            );
            let after = check(&project, &settings);
            assert!(
                !after.iter().any(|f| f.fix.is_some()),
                "fixes for {code} do not converge:\n{}",
                render(&project, &after)
            );
            snapshot.push_str("\n--- after all fixes ---\n");
            snapshot.push_str(&render(&project, &after));
            snapshot.push_str("--- fixed text ---\n");
            snapshot.push_str(&fixed);
        }
        insta::assert_snapshot!(snapshot);
    });
}

/// Every container and topology rule has a Compose fixture.
#[test]
fn every_container_and_topology_rule_has_a_compose_fixture() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compose");
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let metas = dockward_rules::container::rules()
        .map(|r| r.meta)
        .chain(dockward_rules::topology::rules().map(|r| r.meta));
    for meta in metas {
        assert!(
            names
                .iter()
                .any(|n| n.starts_with(&format!("{}-", meta.code)) && !n.contains("-ok-")),
            "{} has no Compose fixture in {}",
            meta.code,
            dir.display()
        );
    }
}

fn example(name: &str) -> (ComposeProject, Vec<Finding>) {
    let path = dockward_core::testing::workspace_root()
        .join("examples")
        .join(name)
        .join("compose.yaml");
    let options = LoadOptions {
        no_override: true,
        ..LoadOptions::default()
    };
    let project = load_compose(&path, &options);
    assert!(project.errors.is_empty(), "{name}: {:?}", project.errors);
    let findings = check(&project, &Settings::default());
    (project, findings)
}

#[test]
fn insecure_example_shows_the_classic_mistakes() {
    let (project, findings) = example("insecure");
    let rendered = render(&project, &findings);
    for (code, needle) in [
        ("DW301", "service `web` runs the container privileged"),
        ("DW309", "mounts the engine socket"),
        (
            "DW511",
            "publishes PostgreSQL (container port 5432) on all host interfaces",
        ),
        (
            "DW511",
            "service `web` publishes container port 8000 on all host interfaces",
        ),
        ("DW410", "AWS_SECRET_ACCESS_KEY"),
        ("DW410", "POSTGRES_PASSWORD"),
        ("DW410", "DATABASE_URL"),
        ("DW510", "service `db` uses the host's network stack"),
        ("DW302", "service `web` sets no user and its image never leaves root"),
    ] {
        assert!(
            findings
                .iter()
                .any(|f| f.rule.code == code && f.message.contains(needle)),
            "insecure example lacks {code} `{needle}`:\n{rendered}"
        );
    }
    insta::assert_snapshot!(rendered);
}

#[test]
fn hardened_example_is_clean() {
    let (project, findings) = example("hardened");
    assert!(
        findings.is_empty(),
        "hardened example:\n{}",
        render(&project, &findings)
    );
}

#[test]
fn yaml_suppressions_cover_entries_and_report_unused_ones() {
    let text = "\
# dockward: ignore[DW601] limits come from the orchestrator
services:
  web:
    image: nginx  # dockward: ignore[DW316]
    privileged: true  # dockward: ignore[DW301] needs raw sockets
    ports:
      # dockward: ignore[DW511]
      - \"8080:80\"
      - \"9090:90\"
  api:
    image: acme/api:1
    ports: [\"1000:1000\", \"2000:2000\"]  # dockward: ignore[DW511] both
    volumes:
      - type: bind  # dockward: ignore[DW309] the whole item
        source: /var/run/docker.sock
        target: /var/run/docker.sock
  # dockward: ignore[DW302,DW303] whole service
  worker:
    image: acme/worker:1
    cap_add: [SYS_ADMIN]  # dockward: ignore[DW304]
    user: root
  db:
    image: postgres:16  # dockward: ignore[DW305] nothing to suppress here
";
    let project = load_text(text, None);
    let settings = Settings::default();
    let findings = check(&project, &settings);
    let rendered = render(&project, &findings);
    let at = |code: &str, needle: &str| {
        findings.iter().any(|f| {
            f.rule.code == code
                && f.at
                    .as_text()
                    .unwrap()
                    .1
                    .slice(&project.files[0].text)
                    .starts_with(needle)
        })
    };
    assert!(!findings.iter().any(|f| f.rule.code == "DW601"), "{rendered}");
    assert!(!findings.iter().any(|f| f.rule.code == "DW301"), "{rendered}");
    assert!(!at("DW511", "\"8080:80\""), "{rendered}");
    assert!(at("DW511", "\"9090:90\""), "{rendered}");
    assert!(!findings.iter().any(|f| f.rule.code == "DW304"), "{rendered}");
    assert!(!at("DW511", "\"1000") && !at("DW511", "\"2000"), "{rendered}");
    assert!(!findings.iter().any(|f| f.rule.code == "DW309"), "{rendered}");
    assert!(!at("DW302", "worker") && !at("DW303", "worker"), "{rendered}");
    assert!(at("DW302", "web") && at("DW303", "db"), "{rendered}");
    assert!(!findings.iter().any(|f| f.rule.code == "DW316"), "{rendered}");
    // The pragma on `db`'s image line names a rule that does not fire there.
    assert!(at("DW002", "# dockward: ignore[DW305]"), "{rendered}");
    assert_eq!(
        findings.iter().filter(|f| f.rule.code == "DW002").count(),
        1,
        "{rendered}"
    );
}

#[test]
fn findings_point_into_override_and_extends_files() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("compose-layers-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("common")).unwrap();
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  web:\n    extends:\n      file: common/base.yaml\n      service: base\n    image: acme/web:1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("compose.override.yaml"),
        "services:\n  web:\n    ports:\n      - \"5432:5432\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("common/base.yaml"),
        "services:\n  base:\n    privileged: true\n    volumes:\n      - ./data:/data:rshared\n  # dockward: ignore[DW301] another project's business\n  other:\n    privileged: true\n",
    )
    .unwrap();
    let project = load_compose(&dir, &LoadOptions::default());
    assert!(project.errors.is_empty(), "{:?}", project.errors);
    let settings = select(&["DW301", "DW511", "DW311", "DW307", "DW002"]);
    let findings = check(&project, &settings);
    let rendered = render(&project, &findings);
    std::fs::remove_dir_all(&dir).ok();
    insta::assert_snapshot!(rendered);
}

#[test]
fn unknown_extends_base_makes_missing_settings_unknown() {
    let text =
        "services:\n  web:\n    extends:\n      file: missing.yaml\n      service: base\n    image: acme/web:1\n";
    let project = load_text(text, None);
    let findings = check(&project, &all());
    let rendered = render(&project, &findings);
    for code in ["DW601", "DW602", "DW603", "DW307", "DW302", "DW303", "DW305"] {
        assert!(!findings.iter().any(|f| f.rule.code == code), "{code}:\n{rendered}");
    }
}

#[test]
fn invalid_yaml_is_a_located_syntax_error_and_what_was_read_is_checked() {
    let text = "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n  db: [unclosed\n";
    let project = load_text(text, None);
    let findings = check(&project, &select(&["DW001", "DW301"]));
    let rendered = render(&project, &findings);
    assert!(findings.iter().any(|f| f.rule.code == "DW001"), "{rendered}");
    assert!(findings.iter().any(|f| f.rule.code == "DW301"), "{rendered}");
}
