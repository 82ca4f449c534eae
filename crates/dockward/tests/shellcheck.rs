//! ShellCheck through `dockward scan --shellcheck`, with the real `shellcheck` binary
//! (Debian's package; scripts/test.sh installs it). Without it the tests say so and skip,
//! except under `CI=true`, where its absence is a failure.

mod common;

use common::{dockward, write};
use serde_json::Value;
use std::path::Path;

/// Whether the real shellcheck is there; panics under CI when it is not.
fn have_shellcheck() -> bool {
    let found = std::process::Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "shellcheck is not installed (apt-get install shellcheck); required under CI"
        );
        eprintln!("skipped: shellcheck is not installed (apt-get install shellcheck)");
    }
    found
}

const DOCKERFILE: &str = "FROM alpine:3.20
ENV app_dir=/srv
ARG build_mode
RUN cd /x; echo $HOME_DIR $app_dir $build_mode
# hadolint ignore=SC2086
RUN echo $other
RUN apk add --no-cache curl \\
    && echo $cont_var
RUN <<EOF
cd /opt
echo $heredoc_var
EOF
";

/// A backtick escape: the backslash is shell text, the backtick joins the lines.
const ESCAPED: &str = "# escape=`
FROM alpine:3.20
RUN echo a\\b `
    && cd /y
";

const SCRIPT: &str = "#!/bin/bash\ncd /z\necho ok\n";

fn project(dir: &Path) {
    write(dir, "Dockerfile", DOCKERFILE);
    write(dir, "escaped/Dockerfile", ESCAPED);
    write(dir, "run.sh", SCRIPT);
}

/// `(path, code, line, column, end_line, end_column)` of every SC finding in a JSON report.
fn sc_findings(json: &Value) -> Vec<(String, String, u64, u64, u64, u64)> {
    let mut out: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("SC"))
        .map(|f| {
            (
                f["path"].as_str().unwrap().replace('\\', "/"),
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["end_line"].as_u64().unwrap(),
                f["end_column"].as_u64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn scan_json(dir: &Path, extra: &[&str]) -> Value {
    let out = dockward()
        .current_dir(dir)
        .args(["scan", "--isolated", "--exit-zero", "--format", "json"])
        .args(extra)
        .arg(".")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn at<'a>(
    found: &'a [(String, String, u64, u64, u64, u64)],
    path: &'a str,
    code: &'a str,
) -> impl Iterator<Item = (u64, u64, u64, u64)> + 'a {
    found
        .iter()
        .filter(move |f| f.0 == path && f.1 == code)
        .map(|f| (f.2, f.3, f.4, f.5))
}

#[test]
fn findings_map_to_exact_positions_and_obey_pragmas() {
    if !have_shellcheck() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    let json = scan_json(dir.path(), &["--shellcheck"]);
    let found = sc_findings(&json);

    // `cd` without `|| exit`: on the RUN line, in the heredoc body, after a backtick
    // continuation, and in the script.
    assert_eq!(
        at(&found, "Dockerfile", "SC2164").collect::<Vec<_>>(),
        [(4, 5, 4, 10), (10, 1, 10, 8)],
        "{found:#?}"
    );
    assert_eq!(
        at(&found, "escaped/Dockerfile", "SC2164").collect::<Vec<_>>(),
        [(4, 8, 4, 13)]
    );
    assert_eq!(at(&found, "run.sh", "SC2164").collect::<Vec<_>>(), [(2, 1, 2, 6)]);
    // Unquoted expansions; line 6's is silenced by `# hadolint ignore=SC2086`, and only it.
    // As in hadolint, the stage's ENV and ARG names are given the value `1`, which needs no
    // quotes: `$app_dir` and `$build_mode` are not reported.
    assert_eq!(
        at(&found, "Dockerfile", "SC2086").collect::<Vec<_>>(),
        [(4, 17, 4, 26), (8, 13, 8, 22), (11, 6, 11, 18)],
        "{found:#?}"
    );
    // ENV and ARG names of the stage are assigned; the others are not.
    assert_eq!(
        at(&found, "Dockerfile", "SC2154").map(|p| p.0).collect::<Vec<_>>(),
        [6, 8, 11],
        "{found:#?}"
    );
    // JSON carries ShellCheck's message and the wiki link.
    let first = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "SC2164")
        .unwrap();
    assert_eq!(first["name"], "shellcheck");
    assert_eq!(first["severity"], "low");
    assert!(first["message"].as_str().unwrap().contains("cd"), "{first}");
    assert_eq!(first["help"], "see https://www.shellcheck.net/wiki/SC2164");

    // --ignore removes one code and nothing else.
    let ignored = sc_findings(&scan_json(dir.path(), &["--shellcheck", "--ignore", "SC2164"]));
    assert!(ignored.iter().all(|f| f.1 != "SC2164"), "{ignored:#?}");
    assert_eq!(ignored.len(), found.len() - 4);
    assert!(ignored.iter().any(|f| f.1 == "SC2086"));
    // --select by code.
    let selected = sc_findings(&scan_json(dir.path(), &["--shellcheck", "--select", "SC2154"]));
    assert_eq!(selected.len(), 3);
    // Off by default and with --no-shellcheck.
    assert!(sc_findings(&scan_json(dir.path(), &[])).is_empty());
    assert!(sc_findings(&scan_json(dir.path(), &["--shellcheck", "--no-shellcheck"])).is_empty());
}

#[test]
fn configuration_turns_it_on_and_global_pragmas_apply() {
    if !have_shellcheck() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "# hadolint global ignore=SC2154\nFROM alpine:3.20\nRUN echo $one; cd /a\n",
    );
    write(
        dir.path(),
        "dockward.toml",
        "[shellcheck]\nenabled = true\nexclude = [\"SC2164\"]\n\n[rules.severity]\nSC2086 = \"high\"\n",
    );
    let out = dockward()
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "."])
        .output()
        .unwrap();
    // SC2086 raised to high fails the run at the default --fail-on.
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<(String, String)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("SC"))
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(codes, [("SC2086".to_string(), "high".to_string())]);
    // --no-shellcheck overrides the configuration.
    let out = dockward()
        .current_dir(dir.path())
        .args(["scan", "--no-shellcheck", "--format", "json", "."])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("\"SC"));
}

#[test]
fn missing_shellcheck_is_one_warning_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path());
    write(dir.path(), "b/Dockerfile", DOCKERFILE);
    let run = |extra: &[&str]| {
        dockward()
            .current_dir(dir.path())
            .env("DOCKWARD_SHELLCHECK", dir.path().join("no/such/shellcheck"))
            .args(["scan", "--isolated", "--format", "json"])
            .args(extra)
            .arg(".")
            .output()
            .unwrap()
    };
    let plain = run(&[]);
    let out = run(&["--shellcheck"]);
    assert_eq!(out.status.code(), plain.status.code());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let plain: Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert_eq!(json["findings"], plain["findings"]);
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].to_string().contains("was not found"), "{errors:#?}");
}

#[test]
fn a_hanging_shellcheck_is_stopped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nRUN echo $x\n");
    write(
        dir.path(),
        "dockward.toml",
        "[shellcheck]\nenabled = true\ntimeout = 1\n",
    );
    let fake = dir.path().join("bin/shellcheck");
    write(dir.path(), "bin/shellcheck", "#!/bin/sh\nexec sleep 30\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let started = std::time::Instant::now();
    let out = dockward()
        .current_dir(dir.path())
        .env("DOCKWARD_SHELLCHECK", &fake)
        .args(["scan", "--format", "concise", "."])
        .output()
        .unwrap();
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ran longer than 1 s"), "{stdout}");
    // The other rules still ran.
    assert!(stdout.contains("DW101"), "{stdout}");
}

#[test]
fn sarif_links_the_wiki_and_rule_explains_where_to_read() {
    let out = dockward().args(["rule", "SC2086"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("https://www.shellcheck.net/wiki/SC2086"));
    if !have_shellcheck() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Dockerfile", "FROM alpine:3.20\nRUN echo $x\n");
    let out = dockward()
        .current_dir(dir.path())
        .args([
            "scan",
            "--isolated",
            "--exit-zero",
            "--shellcheck",
            "--select",
            "SC",
            "--format",
            "sarif",
            ".",
        ])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let sc2086 = rules
        .iter()
        .find(|r| r["id"] == "SC2086")
        .expect("SC2086 in the SARIF rules");
    assert_eq!(sc2086["helpUri"], "https://www.shellcheck.net/wiki/SC2086");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let region =
        &results.iter().find(|r| r["ruleId"] == "SC2086").unwrap()["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(2), Some(10))
    );
}

#[test]
fn odd_file_names_are_fine() {
    if !have_shellcheck() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let name = "we ird $(touch pwned) 'q' -e.Dockerfile";
    write(dir.path(), name, "FROM alpine:3.20\nRUN cd /x\n");
    let json = scan_json(dir.path(), &["--shellcheck", "--select", "SC"]);
    let found = sc_findings(&json);
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(
        (found[0].0.as_str(), found[0].1.as_str(), found[0].2),
        (name, "SC2164", 2)
    );
    assert!(!dir.path().join("pwned").exists());
}

#[test]
fn a_pragma_for_shellcheck_codes_is_unused_only_when_shellcheck_runs() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Dockerfile",
        "FROM alpine:3.20\n# dockward: ignore[SC2086] quoted on purpose\nRUN echo \"$x\"\n",
    );
    let unused = |extra: &[&str]| {
        scan_json(dir.path(), extra)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["code"] == "DW002")
            .count()
    };
    assert_eq!(unused(&[]), 0);
    if have_shellcheck() {
        assert_eq!(unused(&["--shellcheck"]), 1);
    }
}

const WORKFLOW: &str = "on: push
jobs:
  build:
    runs-on: ubuntu-latest
    services:
      db:
        image: postgres:16
        options: --health-cmd pg_isready
    steps:
      - run: |
          cd $GITHUB_WORKSPACE/app
          echo \"tag ${{ github.ref_name }}\"
          rustup default ${{ matrix.rust }}
      - name: folded
        run: >
          echo one
          && echo $HOME
";

const GITLAB: &str = "build:
  image: alpine:3.20
  services:
    - docker:dind
  script:
    - cd build
    - echo \"$CI_COMMIT_SHA\"
";

/// CI files' `run:` steps and `script:` lists are checked as the shell they are, placed at
/// their lines in the YAML; templates (`${{ … }}`) are one word, neither a parse error nor
/// "quote this variable" (the CI system pastes their value in); service containers are not
/// shell.
#[test]
fn ci_steps_are_checked_in_place() {
    if !have_shellcheck() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".github/workflows/ci.yml", WORKFLOW);
    write(dir.path(), ".gitlab-ci.yml", GITLAB);
    let found = sc_findings(&scan_json(dir.path(), &["--shellcheck"]));
    let workflow = ".github/workflows/ci.yml";
    assert_eq!(
        at(&found, workflow, "SC2164").collect::<Vec<_>>(),
        [(11, 11, 11, 35)],
        "{found:?}"
    );
    assert_eq!(
        at(&found, workflow, "SC2086").map(|f| (f.0, f.1)).collect::<Vec<_>>(),
        [(11, 14), (17, 19)],
        "the `cd` argument and `$HOME` of the folded step, not the template: {found:?}"
    );
    assert_eq!(
        at(&found, ".gitlab-ci.yml", "SC2164").collect::<Vec<_>>(),
        [(6, 7, 6, 15)],
        "{found:?}"
    );
    assert!(
        found.iter().all(|f| !f.1.starts_with("SC1")),
        "no parse errors (templates, services): {found:?}"
    );
    assert_eq!(found.len(), 4, "{found:?}");
}
