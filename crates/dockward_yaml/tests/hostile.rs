//! Compose projects written to make a loader hang, loop or exhaust memory: include cycles
//! spelled with `..`, include diamonds, special files where a file is expected, variable
//! bombs. Each must load in bounded time with a located error, the rest of the project
//! still read.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use dockward_yaml::{ComposeErrorKind, ComposeProject, LoadOptions, load_compose};

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dockward_yaml_hostile_{}_{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Loads `entry`, failing (instead of hanging the test run) when loading does not finish.
fn load_or_fail(entry: &Path) -> ComposeProject {
    let (send, receive) = mpsc::channel();
    let entry = entry.to_path_buf();
    std::thread::spawn(move || {
        let _ = send.send(load_compose(&entry, &LoadOptions::default()));
    });
    receive
        .recv_timeout(Duration::from_secs(60))
        .expect("loading did not finish: a hang or an exponential walk")
}

/// The errors of `kind`, as (file name, text at the error's range, message).
fn errors(project: &ComposeProject, kind: ComposeErrorKind) -> Vec<(String, String, String)> {
    project
        .errors
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| {
            let file = e.file.and_then(|f| project.file(f));
            (
                file.and_then(|f| f.path.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                file.map(|f| e.range.slice(&f.text).to_string()).unwrap_or_default(),
                e.message.clone(),
            )
        })
        .collect()
}

#[test]
fn include_cycles_spelled_with_dotdot_are_detected() {
    let dir = scratch("cycle");
    std::fs::create_dir_all(dir.join("d")).unwrap();
    // The main file includes itself; a.yaml includes itself twice more (unnormalised, each
    // level's path was new, and two includes per level doubled the walk 64 times).
    write(
        &dir.join("compose.yaml"),
        "include:\n  - d/../compose.yaml\n  - a.yaml\nservices:\n  web:\n    image: web\n",
    );
    write(
        &dir.join("a.yaml"),
        "include:\n  - d/../a.yaml\n  - ./d/../a.yaml\nservices:\n  a:\n    image: a\n",
    );
    let project = load_or_fail(&dir.join("compose.yaml"));
    let cycles = errors(&project, ComposeErrorKind::Include);
    assert_eq!(
        cycles
            .iter()
            .map(|(file, at, _)| (file.as_str(), at.as_str()))
            .collect::<Vec<_>>(),
        [
            ("compose.yaml", "d/../compose.yaml"),
            ("a.yaml", "d/../a.yaml"),
            ("a.yaml", "./d/../a.yaml")
        ],
        "{cycles:#?}"
    );
    assert!(cycles.iter().all(|(_, _, m)| m.starts_with("include cycle through")));
    assert!(project.service("web").is_some() && project.service("a").is_some());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_diamond_include_graph_loads_each_file_once() {
    // Every file of level k includes both files of level k+1: 2^24 paths to the bottom.
    let dir = scratch("diamond");
    let depth = 24;
    for level in 0..depth {
        for side in ["a", "b"] {
            let mut text = String::new();
            if level + 1 < depth {
                text.push_str(&format!(
                    "include:\n  - l{}a.yaml\n  - l{}b.yaml\n",
                    level + 1,
                    level + 1
                ));
            }
            text.push_str(&format!("services:\n  s{level}{side}:\n    image: x:{level}\n"));
            write(&dir.join(format!("l{level}{side}.yaml")), &text);
        }
    }
    write(&dir.join("compose.yaml"), "include:\n  - l0a.yaml\n  - l0b.yaml\n");
    let project = load_or_fail(&dir.join("compose.yaml"));
    // Both sides of a level import the same definitions of the levels below: no conflict.
    assert!(project.errors.is_empty(), "{:#?}", project.errors);
    assert_eq!(project.services.len(), 2 * depth);
    assert_eq!(project.files.len(), 1 + 2 * depth, "each file read once");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn include_graphs_that_cannot_share_loads_are_bounded() {
    // As above, but each file has its own `.env`, so every path down the diamond gives the
    // included files a different environment and no load can be reused.
    let dir = scratch("diamond_env");
    let depth = 20;
    for level in 0..depth {
        for side in ["a", "b"] {
            let mut text = String::new();
            if level + 1 < depth {
                text.push_str(&format!(
                    "include:\n  - ../l{}a/compose.yaml\n  - ../l{}b/compose.yaml\n",
                    level + 1,
                    level + 1
                ));
            }
            text.push_str(&format!(
                "services:\n  s{level}{side}:\n    image: x:${{V{level}{side}}}\n"
            ));
            let sub = dir.join(format!("l{level}{side}"));
            write(&sub.join("compose.yaml"), &text);
            write(&sub.join(".env"), &format!("V{level}{side}={level}\n"));
        }
    }
    write(
        &dir.join("main/compose.yaml"),
        "include:\n  - ../l0a/compose.yaml\n  - ../l0b/compose.yaml\n",
    );
    let project = load_or_fail(&dir.join("main/compose.yaml"));
    let skipped = errors(&project, ComposeErrorKind::Include);
    assert!(!skipped.is_empty());
    for (file, at, message) in &skipped {
        assert_eq!(file, "compose.yaml");
        assert!(at.starts_with("../l"), "located at the include entry: {at}");
        assert!(message.contains("already loaded 256 includes"), "{message}");
    }
    assert_eq!(
        project.service("s0a").unwrap().get("image").unwrap().as_str(),
        Some("x:0")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn special_files_named_by_a_project_are_refused_with_a_located_error() {
    let dir = scratch("special");
    let fifo = dir.join("pipe.yaml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let env_fifo = dir.join("pipe.env");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&env_fifo)
            .status()
            .unwrap()
            .success()
    );
    std::os::unix::fs::symlink("/dev/urandom", dir.join("random.yaml")).unwrap();
    write(&dir.join("sub/compose.yaml"), "services:\n  sub:\n    image: sub\n");
    write(
        &dir.join("compose.yaml"),
        "include:\n  - /dev/zero\n  - pipe.yaml\n  - path: sub/compose.yaml\n    env_file: pipe.env\n\
         services:\n  web:\n    image: web\n  ext:\n    extends:\n      file: random.yaml\n      service: x\n",
    );
    let project = load_or_fail(&dir.join("compose.yaml"));
    let mut problems = errors(&project, ComposeErrorKind::Include);
    problems.extend(errors(&project, ComposeErrorKind::Extends));
    problems.extend(errors(&project, ComposeErrorKind::DotEnv));
    let has = |at: &str, needle: &str| {
        problems
            .iter()
            .any(|(file, text, message)| file == "compose.yaml" && text == at && message.contains(needle))
    };
    assert!(
        has("/dev/zero", "/dev/zero: not a regular file (character device)"),
        "{problems:#?}"
    );
    assert!(
        has("pipe.yaml", "pipe.yaml: not a regular file (FIFO)"),
        "{problems:#?}"
    );
    assert!(
        has("random.yaml", "random.yaml: not a regular file (character device)"),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|(_, _, m)| m.contains("pipe.env: not a regular file (FIFO)")),
        "{problems:#?}"
    );
    assert!(project.service("web").is_some() && project.service("sub").is_some());
    std::fs::remove_dir_all(&dir).ok();
}

#[cfg(unix)]
#[test]
fn a_dotenv_that_is_a_fifo_or_a_device_is_refused() {
    for (name, make) in [("fifo", "fifo"), ("device", "/dev/zero")] {
        let dir = scratch(&format!("dotenv_{name}"));
        write(
            &dir.join("compose.yaml"),
            "services:\n  web:\n    image: nginx:${TAG}\n",
        );
        let env = dir.join(".env");
        if make == "fifo" {
            assert!(
                std::process::Command::new("mkfifo")
                    .arg(&env)
                    .status()
                    .unwrap()
                    .success()
            );
        } else {
            std::os::unix::fs::symlink(make, &env).unwrap();
        }
        let project = load_or_fail(&dir.join("compose.yaml"));
        let problems = errors(&project, ComposeErrorKind::DotEnv);
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].2.contains(".env: not a regular file"), "{problems:#?}");
        // The variable it would have set is unknown, not empty.
        assert!(project.service("web").unwrap().get("image").unwrap().is_unknown());
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn a_doubling_dotenv_stops_at_the_expansion_budget() {
    let dir = scratch("dotenv_bomb");
    let mut env = String::from("A1=xxxxxxxxxxxxxxxx\n");
    for i in 2..=40 {
        env.push_str(&format!("A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
    }
    write(&dir.join(".env"), &env);
    write(
        &dir.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:${A40}\n    user: ${A1}\n",
    );
    let project = load_or_fail(&dir.join("compose.yaml"));
    let problems = errors(&project, ComposeErrorKind::DotEnv);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let (file, at, message) = &problems[0];
    assert_eq!(file, ".env");
    // A1..A20 add just under 16 MiB in all (A20 is 8 MiB); A21 would add 16 MiB more.
    assert!(at.starts_with("A21="), "the first line over 16 MiB: {at}");
    assert!(message.contains("substituting `A20` here"), "{message}");
    let web = project.service("web").unwrap();
    assert!(web.get("image").unwrap().is_unknown());
    assert_eq!(web.get("user").unwrap().as_str().map(str::len), Some(16));
    let stored: usize = project.environment.values().map(String::len).sum();
    assert!(stored < 32 << 20, "{stored} bytes of variables");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn many_services_extending_one_large_file_read_and_resolve_it_once() {
    // Each extends used to copy the whole source file's merged model: quadratic.
    let dir = scratch("extends_many");
    std::fs::create_dir_all(dir.join("d")).unwrap();
    let n = 20_000;
    let mut base = String::from("services:\n  root:\n    image: base\n    read_only: true\n");
    let mut main = String::from("services:\n");
    for i in 0..n {
        base.push_str(&format!("  b{i}:\n    extends: root\n    user: u{i}\n"));
        // Half spell the path differently: still one file, loaded once.
        let file = if i % 2 == 0 { "base.yaml" } else { "d/../base.yaml" };
        main.push_str(&format!(
            "  s{i}:\n    extends:\n      file: {file}\n      service: b{i}\n"
        ));
    }
    write(&dir.join("base.yaml"), &base);
    write(&dir.join("compose.yaml"), &main);
    let project = load_or_fail(&dir.join("compose.yaml"));
    assert!(
        project.errors.is_empty(),
        "{:#?}",
        &project.errors[..project.errors.len().min(5)]
    );
    assert_eq!(project.files.len(), 2);
    assert_eq!(project.services.len(), n);
    for i in [0, 1, n / 2, n - 1] {
        let s = project.service(&format!("s{i}")).unwrap();
        assert_eq!(s.get("image").unwrap().as_str(), Some("base"));
        assert_eq!(s.get("read_only").unwrap().as_bool(), Some(true));
        assert_eq!(s.get("user").unwrap().as_str(), Some(format!("u{i}").as_str()));
    }
    std::fs::remove_dir_all(&dir).ok();
}
