//! `dockward rule ID` with every id form a user may hold: the ones `dockward rules --format
//! json` prints, and the ones peers print (trivy's `DS002` and `AVD-DS-0002`, bare CWE and
//! CIS numbers).

use assert_cmd::Command;
use serde_json::Value;

/// Runs `dockward rule ID`: exit code, stdout, stderr.
fn rule(id: &str) -> (i32, String, String) {
    let out = Command::cargo_bin("dockward")
        .unwrap()
        .args(["rule", id])
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The code of the rule an explanation is about (its first line is `# CODE name`).
fn explained(stdout: &str) -> Option<&str> {
    stdout.strip_prefix("# ")?.split_whitespace().next()
}

/// The codes a listing names, in order (each listed rule is an indented `CODE name summary`).
fn listed(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter_map(|line| line.strip_prefix("  "))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|code| code.starts_with("DW"))
        .collect()
}

#[test]
fn every_printed_reference_finds_its_rule() {
    let out = Command::cargo_bin("dockward")
        .unwrap()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut checked = 0;
    for r in &rules {
        let code = r["code"].as_str().unwrap();
        for reference in r["references"].as_array().unwrap() {
            let reference = reference.as_str().unwrap();
            let (status, stdout, stderr) = rule(reference);
            assert_eq!(status, 0, "{reference}: {stderr}");
            // The rule is explained, or listed among the rules that share the id.
            assert!(
                explained(&stdout) == Some(code) || listed(&stdout).contains(&code),
                "`dockward rule {reference}` does not lead to {code}:\n{stdout}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} references");
}

#[test]
fn codes_names_and_peer_ids_explain_one_rule_in_any_case() {
    for id in [
        "DW101",
        "dw101",
        "final-stage-runs-as-root",
        "FINAL-STAGE-RUNS-AS-ROOT",
        "DL3002",
        "hadolint:DL3002",
        "dl3002",
        "trivy:DS-0002",
        "DS-0002",
        "AVD-DS-0002",
        "trivy:AVD-DS-0002",
        "DS002",
        "ds002",
        "CKV_DOCKER_3",
        "checkov:CKV_DOCKER_3",
        "CIS-DI-0001",
        "dockle:cis-di-0001",
    ] {
        let (status, stdout, stderr) = rule(id);
        assert_eq!(
            (status, explained(&stdout)),
            (0, Some("DW101")),
            "{id}: {stdout}{stderr}"
        );
        assert!(stdout.contains("## Why is this bad?"), "{id}");
    }
    // A KICS query id, with or without its scheme.
    for id in [
        "ae5b6871-7f45-42e0-bb4c-ab300c4d2026",
        "kics:AE5B6871-7F45-42E0-BB4C-AB300C4D2026",
    ] {
        let (status, stdout, _) = rule(id);
        assert_eq!((status, explained(&stdout)), (0, Some("DW301")), "{id}");
    }
}

#[test]
fn ids_shared_by_several_rules_list_them_all() {
    // KICS has one query for both capability rules.
    let (status, stdout, _) = rule("kics:ce76b7d0-9e77-464d-b86f-c5c48e03e22d");
    assert_eq!(status, 0);
    assert_eq!(listed(&stdout), ["DW303", "DW304"]);
    assert!(stdout.contains("capabilities-not-dropped") && stdout.contains("keeps Docker's default capabilities"));
    // CIS 4.1 (numbered alike in every version) is the image's and the container's root user.
    let (status, stdout, _) = rule("cis:4.1");
    assert_eq!(status, 0);
    assert_eq!(listed(&stdout), ["DW101", "DW302"]);
    // A CWE id names every rule that cites it.
    for id in ["CWE-250", "cwe:250"] {
        let (status, stdout, _) = rule(id);
        assert_eq!(status, 0);
        let codes = listed(&stdout);
        assert!(
            codes.len() > 5 && codes.contains(&"DW101") && codes.contains(&"DW301"),
            "{id}: {stdout}"
        );
    }
}

#[test]
fn cis_ids_are_read_by_benchmark_version() {
    // v1.6 numbers privileged 5.5; v1.2–v1.5 (and docker-bench-security before v1.6.1) 5.4.
    for id in ["cis-1.6:5.5", "CIS-1.6.0:5.5", "cis-1.5:5.4", "cis-1.2:5.4"] {
        let (status, stdout, _) = rule(id);
        assert_eq!((status, explained(&stdout)), (0, Some("DW301")), "{id}");
    }
    let (status, stdout, _) = rule("cis-1.6:5.4");
    assert_eq!((status, listed(&stdout)), (0, vec!["DW303", "DW304"]));

    // Without a version, 5.4 is capabilities in v1.6 and privileged before: both readings
    // are shown, each spelled so that it can be asked for exactly.
    for id in ["cis:5.4", "5.4"] {
        let (status, stdout, _) = rule(id);
        assert_eq!(status, 0, "{id}");
        let v16 = stdout.find("`cis-1.6:5.4`").expect("the v1.6 reading");
        let older = stdout.find("`cis-1.5:5.4`").expect("the older reading");
        assert_eq!(listed(&stdout[v16..older]), ["DW303", "DW304"], "{stdout}");
        assert_eq!(listed(&stdout[older..]), ["DW301"], "{stdout}");
    }
    // A version dockward does not map is an error that says so.
    let (status, _, stderr) = rule("cis-1.8:5.5");
    assert_eq!(status, 2);
    assert!(stderr.contains("v1.2 to v1.6"), "{stderr}");
}

#[test]
fn bare_cwe_numbers_are_taken_only_when_one_rule_cites_them() {
    // CWE-347 (improper signature verification) is cited by one rule: it is explained, and a
    // note says how the number was read.
    let (status, stdout, stderr) = rule("347");
    assert_eq!((status, explained(&stdout)), (0, Some("DW153")), "{stdout}");
    assert!(stderr.contains("CWE-347"), "{stderr}");
    // CWE-250 is cited by many: nothing is picked; they are listed under the spelled-out id.
    let (status, stdout, _) = rule("250");
    assert_eq!(status, 0);
    assert_eq!(explained(&stdout), None);
    assert!(stdout.contains("`cwe:250`") && listed(&stdout).len() > 5, "{stdout}");
}

#[test]
fn unknown_ids_fail_with_exit_2_and_nearby_suggestions() {
    let (status, stdout, stderr) = rule("privileged-containr");
    assert_eq!(status, 2);
    assert!(stdout.is_empty());
    assert!(stderr.contains("no rule answers to `privileged-containr`"), "{stderr}");
    assert!(stderr.contains("did you mean `privileged-container`"), "{stderr}");
    // A peer id no rule cites gets no look-alike suggestions (DS-0003 is not DS-0002).
    let (status, _, stderr) = rule("DS-0003");
    assert_eq!(status, 2);
    assert!(
        stderr.contains("no dockward rule cites trivy:DS-0003") && !stderr.contains("did you mean"),
        "{stderr}"
    );
    let (status, _, _) = rule("DW999");
    assert_eq!(status, 2);
}

#[test]
fn a_code_prefix_lists_the_rules_it_starts() {
    let (status, stdout, _) = rule("DW30");
    assert_eq!(status, 0);
    let codes = listed(&stdout);
    assert!(
        codes.len() >= 9 && codes.iter().all(|c| c.starts_with("DW30")),
        "{stdout}"
    );
}
