//! Differential test against `docker compose config` (or the legacy `docker-compose config`).
//!
//! For every corpus Compose file that uses interpolation or `extends`, and for the corpus's
//! override stack (the OpenTelemetry demo's `-f compose.yaml -f compose.full.yaml -f
//! compose.observability.yaml`), both tools load the project twice — with an empty
//! environment, and with a synthetic environment that sets every referenced variable — and
//! the security-relevant fields of every service are compared after canonicalising both
//! sides (ports expanded to `ip:published:target/proto`, bind sources made absolute,
//! environment as a map …).
//!
//! Every difference must be listed, with its explanation, in
//! `tests/compose_compare_<flavor>.txt` (`v1` = Debian's python `docker-compose` 1.29,
//! `v2` = the `docker compose` plugin); the test fails on any unlisted difference and on any
//! listed one that no longer happens. `DOCKWARD_BLESS=1` rewrites the list (keep the
//! explanations!). See `docs/compose-comparison.md`.
//!
//! The test runs when a Compose binary is installed and says SKIPPED otherwise; with
//! `DOCKWARD_REQUIRE_COMPOSE=1` (set it in CI jobs that install Compose) a missing binary
//! is a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use dockward_core::testing::{corpus_subdir, files_under};
use dockward_yaml::{Budget, LoadOptions, Node, NodeValue, load_compose_files, parse_yaml};

const FIELDS: [&str; 11] = [
    "image",
    "privileged",
    "user",
    "cap_add",
    "cap_drop",
    "security_opt",
    "ports",
    "volumes",
    "environment",
    "network_mode",
    "read_only",
];

struct Tool {
    program: &'static str,
    prefix: &'static [&'static str],
    flavor: &'static str,
}

fn find_tool() -> Option<Tool> {
    let ok = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
    };
    if ok("docker", &["compose", "version"]).is_some() {
        return Some(Tool {
            program: "docker",
            prefix: &["compose"],
            flavor: "v2",
        });
    }
    let version = ok("docker-compose", &["version"])?;
    Some(Tool {
        program: "docker-compose",
        prefix: &[],
        flavor: if version.contains("version 1.") { "v1" } else { "v2" },
    })
}

struct Case {
    name: String,
    files: Vec<PathBuf>,
}

fn cases(root: &Path) -> Vec<Case> {
    let mut out = Vec::new();
    for path in files_under(root) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if variables(&text).is_empty() && !text.contains("extends:") {
            continue;
        }
        out.push(Case {
            name: rel(root, &path),
            files: vec![path],
        });
    }
    // Our own fixture exercising override and extends merge rules both tools support.
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/compare");
    out.push(Case {
        name: "fixtures/compare/{compose.yaml,compose.override.yaml}".to_string(),
        files: vec![fixtures.join("compose.yaml"), fixtures.join("compose.override.yaml")],
    });
    let otel = root.join("open-telemetry__opentelemetry-demo");
    let stack = ["compose.yaml", "compose.full.yaml", "compose.observability.yaml"];
    out.push(Case {
        name: format!("open-telemetry__opentelemetry-demo/{{{}}}", stack.join(",")),
        files: stack.iter().map(|f| otel.join(f)).collect(),
    });
    out
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

/// Variable names referenced with `$NAME` or `${NAME…}` (not `$$`).
fn variables(text: &str) -> BTreeSet<String> {
    let bytes = text.as_bytes();
    let mut names = BTreeSet::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) == Some(&b'$') {
            i += 2;
            continue;
        }
        let start = if bytes.get(i + 1) == Some(&b'{') { i + 2 } else { i + 1 };
        let len = text[start..]
            .bytes()
            .enumerate()
            .take_while(|&(j, b)| b == b'_' || b.is_ascii_alphabetic() || (j > 0 && b.is_ascii_digit()))
            .count();
        if len > 0 {
            names.insert(text[start..start + len].to_string());
        }
        i = start + len.max(1) - 1;
        i += 1;
    }
    names
}

/// A plausible value for every referenced variable, by name.
fn synthetic_env(files: &[PathBuf]) -> BTreeMap<String, String> {
    let mut names = BTreeSet::new();
    for f in files {
        names.extend(variables(&std::fs::read_to_string(f).unwrap_or_default()));
    }
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let upper = name.to_ascii_uppercase();
            let lower = name.to_ascii_lowercase().replace('_', "-");
            let value = if upper.contains("PORT") {
                (20000 + i).to_string()
            } else if upper.contains("VERSION") || upper.contains("TAG") {
                "1.0".to_string()
            } else if upper.contains("IMAGE") {
                format!("example/{lower}")
            } else {
                // A path is valid wherever these variables are used in the corpus (volume
                // sources, env values, names) and never reads as an undeclared named volume.
                format!("/srv/{lower}")
            };
            (name, value)
        })
        .collect()
}

fn run_tool(tool: &Tool, case: &Case, env: &BTreeMap<String, String>, home: &Path) -> Result<String, String> {
    let dir = case.files[0].parent().unwrap();
    let mut cmd = Command::new(tool.program);
    cmd.args(tool.prefix).arg("--project-directory").arg(dir);
    for f in &case.files {
        cmd.arg("-f").arg(f);
    }
    cmd.arg("config")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .envs(env)
        .current_dir(home);
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        // The first two meaningful lines (the second often holds the reason).
        let first: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.contains("variable is not set") && !l.trim().is_empty())
            .filter(|l| !l.starts_with("WARN") && !l.contains("level=warning"))
            .take(2)
            .collect();
        Err(first.join(" / "))
    }
}

// ---- canonical forms ------------------------------------------------------------------------

/// A scalar as Compose renders it (unset variables → empty).
fn text(n: &Node) -> Option<String> {
    match &n.value {
        NodeValue::Scalar(s) => Some(match &n.interpolation {
            Some(i) if n.is_unknown() => i.compose_value.clone(),
            _ => s.clone(),
        }),
        _ => None,
    }
}

/// `base` gives the directory a node's relative paths resolve against.
fn canon(field: &str, node: Option<&Node>, base: &dyn Fn(&Node) -> PathBuf, env: &BTreeMap<String, String>) -> String {
    let Some(node) = node else {
        return "<absent>".to_string();
    };
    match field {
        "privileged" | "read_only" => match text(node) {
            Some(t) => match dockward_yaml::yaml::parse_bool(&t) {
                Some(b) => b.to_string(),
                None => t,
            },
            None => "<null>".to_string(),
        },
        "cap_add" | "cap_drop" | "security_opt" => {
            let mut v: Vec<String> = node.seq_or_single().into_iter().filter_map(text).collect();
            v.sort();
            v.join(", ")
        }
        "environment" => {
            let mut map: BTreeMap<String, Option<String>> = BTreeMap::new();
            match &node.value {
                NodeValue::Map(entries) => {
                    for (k, v) in entries {
                        map.insert(k.key_str().unwrap_or("").to_string(), text(v));
                    }
                }
                _ => {
                    for item in node.seq_or_single() {
                        let t = text(item).unwrap_or_default();
                        match t.split_once('=') {
                            Some((k, v)) => map.insert(k.to_string(), Some(v.to_string())),
                            None => map.insert(t, None),
                        };
                    }
                }
            }
            // A bare `KEY` passes the variable through from the environment; Compose writes
            // the value it found into its output, we deliberately do not (the tree would
            // carry the scanning machine's secrets). Same meaning: compare as bare.
            for (k, v) in map.iter_mut() {
                if v.is_some() && v.as_ref() == env.get(k) {
                    *v = None;
                }
            }
            map.iter()
                .map(|(k, v)| match v {
                    Some(v) => format!("{k}={v}"),
                    None => k.clone(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        }
        "ports" => {
            let mut v: Vec<String> = node.seq_or_single().into_iter().flat_map(port).collect();
            v.sort();
            v.join(", ")
        }
        "volumes" => {
            let mut v: Vec<String> = node.seq_or_single().into_iter().map(|n| volume(n, &base(n))).collect();
            v.sort();
            v.join(", ")
        }
        _ => text(node).unwrap_or_else(|| "<null>".to_string()),
    }
}

fn expand(spec: &str) -> Vec<String> {
    match spec.split_once('-') {
        Some((a, b)) => match (a.parse::<u32>(), b.parse::<u32>()) {
            (Ok(a), Ok(b)) if a <= b && b - a < 1000 => (a..=b).map(|p| p.to_string()).collect(),
            _ => vec![spec.to_string()],
        },
        None => vec![spec.to_string()],
    }
}

fn port(n: &Node) -> Vec<String> {
    if n.is_map() {
        let f = |k: &str| n.get(k).and_then(text).unwrap_or_default();
        let proto = Some(f("protocol"))
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "tcp".into());
        let host = f("host_ip");
        return vec![format!(
            "{}:{}:{}/{}",
            if host == "0.0.0.0" { "" } else { &host },
            f("published"),
            f("target"),
            proto
        )];
    }
    let Some(spec) = text(n) else { return Vec::new() };
    let (body, proto) = spec.rsplit_once('/').map_or((spec.as_str(), "tcp"), |(b, p)| (b, p));
    let (host, rest) = match body.strip_prefix('[').and_then(|b| b.split_once("]:")) {
        Some((h, r)) => (h.to_string(), r.to_string()),
        None => (String::new(), body.to_string()),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (host, published, target) = match parts.as_slice() {
        [t] => (host, String::new(), t.to_string()),
        [p, t] => (host, p.to_string(), t.to_string()),
        [h, p, t] => (h.to_string(), p.to_string(), t.to_string()),
        _ => return vec![spec.clone()],
    };
    let host = if host == "0.0.0.0" { String::new() } else { host };
    let targets = expand(&target);
    let published = if published.is_empty() {
        vec![String::new(); targets.len()]
    } else {
        expand(&published)
    };
    if published.len() == targets.len() {
        targets
            .iter()
            .zip(published)
            .map(|(t, p)| format!("{host}:{p}:{t}/{proto}"))
            .collect()
    } else {
        vec![format!("{host}:{}:{target}/{proto}", published.join("-"))]
    }
}

fn normalize(path: &Path) -> String {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out.display().to_string()
}

/// Bind sources made absolute and paths cleaned (`/etc/x/` = `/etc/x`), as Compose prints
/// them; named volumes stay names.
fn source(s: &str, project_dir: &Path) -> String {
    if s.starts_with('.') {
        normalize(&project_dir.join(s))
    } else {
        clean(s)
    }
}

fn clean(s: &str) -> String {
    if s.len() > 1 {
        s.trim_end_matches('/').to_string()
    } else {
        s.to_string()
    }
}

fn volume(n: &Node, project_dir: &Path) -> String {
    if n.is_map() {
        let f = |k: &str| n.get(k).and_then(text).unwrap_or_default();
        let ro = n.get("read_only").and_then(text).as_deref() == Some("true");
        return format!(
            "{}|{}|{}",
            source(&f("source"), project_dir),
            clean(&f("target")),
            if ro { "ro" } else { "rw" }
        );
    }
    let spec = text(n).unwrap_or_default();
    let parts: Vec<&str> = spec.split(':').collect();
    let (src, target, mode) = match parts.as_slice() {
        [t] => ("", *t, ""),
        [s, t] => (*s, *t, ""),
        [s, t, m, ..] => (*s, *t, *m),
        [] => ("", "", ""),
    };
    let ro = mode.split(',').any(|m| m == "ro");
    format!(
        "{}|{}|{}",
        source(src, project_dir),
        clean(target),
        if ro { "ro" } else { "rw" }
    )
}

// ---- the comparison -----------------------------------------------------------------------

/// Differences as (key, note): the key is compared with the list, the note (what Compose
/// said when it refused) is shown to whoever explains a new line.
fn compare(tool: &Tool, root: &Path) -> Vec<(String, String)> {
    let home = std::env::temp_dir().join(format!("dockward_compose_home_{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let jobs: Vec<(Case, &str)> = cases(root)
        .into_iter()
        .flat_map(|case| {
            let again = Case {
                name: case.name.clone(),
                files: case.files.clone(),
            };
            [(case, "empty-env"), (again, "synthetic-env")]
        })
        .collect();
    // The python docker-compose takes most of a second to start: run a few at a time.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let compared = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some((case, pass)) = jobs.get(i) else { break };
                    let lines = compare_one(tool, root, case, pass, &home, &compared);
                    results.lock().unwrap().push((i, lines));
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&home);
    eprintln!(
        "compared {} runs ({} cases x 2 environments); {} services compared field by field",
        jobs.len(),
        jobs.len() / 2,
        compared.load(std::sync::atomic::Ordering::Relaxed)
    );
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().flat_map(|(_, lines)| lines).collect()
}

fn compare_one(
    tool: &Tool,
    root: &Path,
    case: &Case,
    pass: &str,
    home: &Path,
    compared: &std::sync::atomic::AtomicUsize,
) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    let env = if pass == "empty-env" {
        BTreeMap::new()
    } else {
        synthetic_env(&case.files)
    };
    let project_dir = case.files[0].parent().unwrap().to_path_buf();
    let options = LoadOptions {
        env: env.clone(),
        project_dir: Some(project_dir.clone()),
        ..LoadOptions::default()
    };
    let ours = load_compose_files(&case.files, &options);
    let head = format!("{pass}\t{}", case.name);
    let root_text = root.to_str().unwrap();
    let theirs = match run_tool(tool, case, &env, home) {
        Ok(yaml) => yaml,
        Err(message) => {
            let ours_state = if ours.errors.is_empty() {
                "ours: loads".to_string()
            } else {
                format!("ours: {:?} error", ours.errors[0].kind)
            };
            // Refusal messages change between Compose versions: only the fact is compared.
            let message = message.replace(root_text, "<corpus>");
            lines.push((format!("{head}\t*\t*\tcompose refused\t{ours_state}"), message));
            return lines;
        }
    };
    let doc = parse_yaml(&theirs, &Budget::default());
    let Some(services) = doc.root().and_then(|r| r.get("services")).and_then(Node::entries) else {
        lines.push((format!("{head}\t*\t*\tcompose printed no services\t"), String::new()));
        return lines;
    };
    let mut seen = BTreeSet::new();
    for (name, service) in services {
        let name = name.key_str().unwrap_or("").to_string();
        seen.insert(name.clone());
        let Some(mine) = ours.service(&name) else {
            lines.push((
                format!("{head}\t{name}\t*\tonly compose has this service\t"),
                String::new(),
            ));
            continue;
        };
        compared.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        for field in FIELDS {
            let a = canon(field, service.get(field), &|_| project_dir.clone(), &env);
            let b = canon(field, mine.get(field), &|n| ours.base_dir(n).to_path_buf(), &env);
            if a != b {
                let a = a.replace(root_text, "<corpus>");
                let b = b.replace(root_text, "<corpus>");
                lines.push((format!("{head}\t{name}\t{field}\tcompose={a}\tours={b}"), String::new()));
            }
        }
    }
    for s in &ours.services {
        if !seen.contains(&s.name) && s.active {
            lines.push((
                format!("{head}\t{}\t*\tonly ours has this (active) service\t", s.name),
                String::new(),
            ));
        }
    }
    lines
}

#[test]
fn merged_services_match_compose_config() {
    let Some(tool) = find_tool() else {
        let required = std::env::var("DOCKWARD_REQUIRE_COMPOSE").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "DOCKWARD_REQUIRE_COMPOSE=1 but neither `docker compose` nor `docker-compose` runs"
        );
        eprintln!("SKIPPED: no `docker compose` / `docker-compose` binary");
        return;
    };
    let Some(root) = corpus_subdir("compose") else {
        return;
    };
    // Canonical, so the paths both tools print match the corpus root we strip.
    let root = std::fs::canonicalize(&root).unwrap();
    let actual = compare(&tool, &root);
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/compose_compare_{}.txt", tool.flavor));
    let existing = std::fs::read_to_string(&list).unwrap_or_default();
    // Lines are `pass case service field details…<TAB>#why`; the explanation after ` #` is
    // ours, the rest must match exactly.
    let mut explanations: BTreeMap<String, String> = BTreeMap::new();
    for line in existing.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let (key, why) = line.split_once("\t#").unwrap_or((line, ""));
        explanations.insert(key.to_string(), why.to_string());
    }
    if std::env::var_os("DOCKWARD_BLESS").is_some() {
        let header: String = existing
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| format!("{l}\n"))
            .collect();
        let body: String = actual
            .iter()
            .map(|(key, note)| match explanations.get(key) {
                Some(why) => format!("{key}\t#{why}\n"),
                None => format!("{key}\t# TODO explain (compose said: {note})\n"),
            })
            .collect();
        std::fs::write(&list, format!("{header}{body}")).unwrap();
        return;
    }
    let keys: BTreeSet<&String> = actual.iter().map(|(k, _)| k).collect();
    let unexplained: Vec<String> = actual
        .iter()
        .filter(|(k, _)| !explanations.contains_key(k))
        .map(|(k, note)| {
            if note.is_empty() {
                k.clone()
            } else {
                format!("{k}   [compose said: {note}]")
            }
        })
        .collect();
    let stale: Vec<&String> = explanations.keys().filter(|k| !keys.contains(k)).collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "differences with `{} config` ({}) changed.\nnew (explain them in {}; DOCKWARD_BLESS=1 adds them):\n{}\n\nno longer seen:\n{}",
        tool.program,
        tool.flavor,
        list.display(),
        unexplained.join("\n"),
        stale.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
    );
}
