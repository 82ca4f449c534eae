//! Compose loading semantics against fixtures in `tests/fixtures/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockward_yaml::{
    ComposeErrorKind, ComposeProject, LoadOptions, Node, SourceKind, is_compose_file_name, load_compose,
    load_compose_files,
};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

fn texts(node: &Node) -> Vec<String> {
    node.items()
        .unwrap_or_else(|| panic!("not a sequence: {node:?}"))
        .iter()
        .map(|n| n.scalar_text().unwrap_or("<non-scalar>").to_string())
        .collect()
}

fn file_name(project: &ComposeProject, node: &Node) -> String {
    project
        .file(node.file)
        .and_then(|f| f.path.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn no_errors(project: &ComposeProject) {
    assert!(project.errors.is_empty(), "errors: {:#?}", project.errors);
}

// ---- override files ---------------------------------------------------------------------

#[test]
fn override_merge_semantics() {
    let project = load_compose(&fixture("override"), &LoadOptions::default());
    no_errors(&project);
    assert_eq!(project.config_files.len(), 2);
    assert_eq!(project.files[1].kind, SourceKind::Override);
    let web = project.service("web").unwrap();

    // Scalars are replaced; the winner points into the override file.
    let privileged = web.get("privileged").unwrap();
    assert_eq!(privileged.as_bool(), Some(true));
    assert_eq!(file_name(&project, privileged), "compose.override.yaml");
    assert_eq!(project.text_of(privileged), "true");
    let (key, _) = web.node.get_entry("privileged").unwrap();
    assert_eq!(file_name(&project, key), "compose.override.yaml");
    assert_eq!(web.get("image").unwrap().as_str(), Some("nginx:1.25"));
    assert_eq!(file_name(&project, web.get("image").unwrap()), "compose.yaml");

    // Sequences append, then de-duplicate in place (the later element wins).
    let ports = web.get("ports").unwrap();
    assert_eq!(texts(ports), ["8080:80", "443:443", "127.0.0.1:9090:90"]);
    assert_eq!(file_name(&project, &ports.items().unwrap()[0]), "compose.override.yaml");
    assert_eq!(texts(web.get("expose").unwrap()), ["80", "81"]);
    assert_eq!(texts(web.get("cap_add").unwrap()), ["NET_ADMIN", "SYS_PTRACE"]);
    assert_eq!(texts(web.get("cap_drop").unwrap()), ["ALL"]);
    // A single string and a list merge as lists.
    assert_eq!(texts(web.get("dns").unwrap()), ["8.8.8.8", "1.1.1.1"]);

    // environment: map + list → KEY=value list, merged by key.
    let env = web.get("environment").unwrap();
    assert_eq!(texts(env), ["A=1", "B=20", "C=3"]);
    let items = env.items().unwrap();
    assert!(items[0].synthetic, "A=1 is built from `A: \"1\"`");
    assert_eq!(project.text_of(&items[0]), "A: \"1\"");
    assert!(!items[1].synthetic);
    assert_eq!(file_name(&project, &items[1]), "compose.override.yaml");
    assert_eq!(
        texts(web.get("labels").unwrap()),
        ["com.example.a=1", "com.example.b=2"]
    );

    // command is replaced whole.
    assert_eq!(web.get("command").unwrap().as_str(), Some("nginx-debug"));

    // volumes merge by container path; secrets by target.
    let volumes = web.get("volumes").unwrap().items().unwrap();
    assert_eq!(volumes.len(), 3);
    assert_eq!(volumes[0].as_str(), Some("./other:/data"));
    assert_eq!(volumes[1].as_str(), Some("logs:/var/log"));
    assert_eq!(volumes[2].get("source").unwrap().as_str(), Some("/var/run/docker.sock"));
    let secrets = web.get("secrets").unwrap().items().unwrap();
    assert_eq!(secrets.len(), 1);
    assert!(secrets[0].is_map());

    // logging with another driver replaces; ulimits entries are replaced.
    let logging = web.get("logging").unwrap();
    assert_eq!(logging.get("driver").unwrap().as_str(), Some("syslog"));
    assert!(logging.get("options").is_none());
    let nofile = web.node.pointer(&["ulimits", "nofile"]).unwrap();
    assert_eq!(nofile.get("soft").unwrap().as_i64(), Some(4096));
    assert!(nofile.get("hard").is_none());

    // An explicit null keeps the base value; `!reset` removes it.
    assert_eq!(web.get("read_only").unwrap().as_bool(), Some(true));
    assert!(web.get("security_opt").is_none());

    // networks: list and map forms merge as a map.
    let networks: Vec<&str> = web
        .get("networks")
        .unwrap()
        .entries()
        .unwrap()
        .iter()
        .map(|(k, _)| k.key_str().unwrap())
        .collect();
    assert_eq!(networks, ["front", "back"]);

    let db = project.service("db").unwrap();
    assert_eq!(
        texts(db.get("environment").unwrap()),
        ["POSTGRES_PASSWORD=secret", "POSTGRES_USER=admin"]
    );
    let top: Vec<&str> = project
        .networks
        .as_ref()
        .unwrap()
        .entries()
        .unwrap()
        .iter()
        .map(|(k, _)| k.key_str().unwrap())
        .collect();
    assert_eq!(top, ["front", "back"]);
    assert!(project.volumes.as_ref().unwrap().get("logs").is_some());
    assert!(project.secrets.as_ref().unwrap().get("db_password").is_some());
}

#[test]
fn override_tag_replaces_instead_of_merging() {
    let files = [fixture("override/compose.yaml"), fixture("override/override-tag.yaml")];
    let project = load_compose_files(&files, &LoadOptions::default());
    no_errors(&project);
    let web = project.service("web").unwrap();
    assert_eq!(texts(web.get("ports").unwrap()), ["9999:99"]);
    let env = web.get("environment").unwrap();
    assert_eq!(env.entries().unwrap().len(), 1);
    assert_eq!(env.get("ONLY").unwrap().as_str(), Some("1"));
}

#[test]
fn explicit_file_list_does_not_add_the_override() {
    let project = load_compose_files(&[fixture("override/compose.yaml")], &LoadOptions::default());
    no_errors(&project);
    assert_eq!(project.config_files.len(), 1);
    let web = project.service("web").unwrap();
    assert_eq!(web.get("privileged").unwrap().as_bool(), Some(false));

    let no_override = LoadOptions {
        no_override: true,
        ..LoadOptions::default()
    };
    let project = load_compose(&fixture("override/compose.yaml"), &no_override);
    assert_eq!(project.config_files.len(), 1);
}

#[test]
fn discovery_finds_docker_compose_yml_and_its_override() {
    let project = load_compose(&fixture("discover-yml"), &LoadOptions::default());
    no_errors(&project);
    assert_eq!(project.config_files.len(), 2);
    let web = project.service("web").unwrap();
    assert_eq!(web.get("privileged").unwrap().as_bool(), Some(true));
    // A default-named file as entry brings its override too.
    let project = load_compose(&fixture("discover-yml/docker-compose.yml"), &LoadOptions::default());
    assert_eq!(project.config_files.len(), 2);
    // A directory without Compose files is a located (file-less) error.
    let project = load_compose(&fixture("v1/.."), &LoadOptions::default());
    assert_eq!(project.errors[0].kind, ComposeErrorKind::Io);
}

#[test]
fn compose_file_name_predicate() {
    assert!(is_compose_file_name("compose.yaml"));
    assert!(is_compose_file_name("docker-compose.override.yml"));
    assert!(is_compose_file_name("compose.prod.yml"));
    assert!(is_compose_file_name("app.compose.yaml"));
    assert!(!is_compose_file_name("config.yaml"));
}

#[test]
fn several_documents_in_one_file_merge_in_order() {
    let project = load_compose(&fixture("multidoc/compose.yaml"), &LoadOptions::default());
    no_errors(&project);
    let web = project.service("web").unwrap();
    assert_eq!(web.get("user").unwrap().as_str(), Some("1000"));
    assert_eq!(web.get("image").unwrap().as_str(), Some("nginx"));
    assert_eq!(texts(web.get("cap_drop").unwrap()), ["ALL"]);
}

// ---- extends ------------------------------------------------------------------------------

#[test]
fn extends_same_file_other_file_and_recursive() {
    let project = load_compose(&fixture("extends/compose.yaml"), &LoadOptions::default());
    let child = project.service("child").unwrap();
    assert_eq!(child.get("image").unwrap().as_str(), Some("busybox"));
    assert_eq!(texts(child.get("cap_add").unwrap()), ["NET_ADMIN"]);
    assert!(child.get("depends_on").is_none(), "depends_on is not inherited");
    assert!(child.get("volumes_from").is_none(), "volumes_from is not inherited");
    assert!(child.get("extends").is_none());
    let env = child.get("environment").unwrap();
    assert_eq!(env.get("LEVEL").unwrap().as_str(), Some("child"));
    assert_eq!(env.get("KEEP").unwrap().as_str(), Some("yes"));
    assert_eq!(child.get("privileged").unwrap().as_bool(), Some(true));
    // The merged service sits where the extending service is written.
    assert_eq!(project.text_of(&child.key), "child");

    let grandchild = project.service("grandchild").unwrap();
    assert_eq!(grandchild.get("user").unwrap().as_str(), Some("root"));
    assert_eq!(grandchild.get("privileged").unwrap().as_bool(), Some(true));
    assert_eq!(grandchild.get("image").unwrap().as_str(), Some("busybox"));

    let reset = project.service("reset-child").unwrap();
    assert!(reset.get("ports").is_none(), "!reset removes the inherited value");
    assert_eq!(texts(project.service("base").unwrap().get("ports").unwrap()), ["80:80"]);

    // Across files, recursively, with provenance in each file.
    let remote = project.service("remote").unwrap();
    let read_only = remote.get("read_only").unwrap();
    assert_eq!(read_only.as_bool(), Some(true));
    assert_eq!(file_name(&project, read_only), "base.yaml");
    let user = remote.get("user").unwrap();
    assert_eq!(user.as_str(), Some("65534"));
    assert_eq!(file_name(&project, user), "deeper.yaml");
    assert_eq!(project.text_of(user), "\"65534\"");
    // The other file is interpolated with the same environment.
    let privileged = remote.get("privileged").unwrap();
    assert_eq!(privileged.as_bool(), Some(false));
    assert_eq!(remote.get("image").unwrap().as_str(), Some("alpine:3.19"));
    assert_eq!(file_name(&project, remote.get("image").unwrap()), "compose.yaml");
    let kinds: Vec<SourceKind> = project.files.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [SourceKind::Compose, SourceKind::Extends, SourceKind::Extends]);

    // Errors: cycle, missing service, missing file — located in compose.yaml.
    let extends_errors: Vec<&str> = project
        .errors
        .iter()
        .filter(|e| e.kind == ComposeErrorKind::Extends)
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        extends_errors.iter().any(|m| m.contains("circular")),
        "{extends_errors:?}"
    );
    assert!(
        extends_errors.iter().any(|m| m.contains("`nope` not found")),
        "{extends_errors:?}"
    );
    assert!(
        extends_errors.iter().any(|m| m.contains("does-not-exist.yaml")),
        "{extends_errors:?}"
    );
    for e in &project.errors {
        assert_eq!(e.file, Some(0));
        assert!(!e.range.is_empty());
    }
    // Services with broken extends are still there (with what they define themselves).
    assert!(project.service("missing").is_some());
    assert!(project.service("loop-a").is_some());
}

#[test]
fn extends_cycle_across_files() {
    let project = load_compose(&fixture("cycle/one.yaml"), &LoadOptions::default());
    assert!(
        project
            .errors
            .iter()
            .any(|e| e.kind == ComposeErrorKind::Extends && e.message.contains("circular")),
        "{:#?}",
        project.errors
    );
}

// ---- interpolation ------------------------------------------------------------------------

fn interp_project(env: &[(&str, &str)]) -> ComposeProject {
    let options = LoadOptions {
        env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        ..LoadOptions::default()
    };
    load_compose(&fixture("interp/compose.yaml"), &options)
}

#[test]
fn interpolation_table_with_dotenv() {
    let project = interp_project(&[]);
    let app = project.service("app").unwrap();
    let image = app.get("image").unwrap();
    assert_eq!(image.as_str(), Some("nginx:1.25"));
    assert_eq!(image.interpolation.as_ref().unwrap().raw, "nginx:${TAG}");
    assert_eq!(project.text_of(image), "nginx:${TAG}");
    assert_eq!(app.get("user").unwrap().as_str(), Some("1000:1000"));
    assert_eq!(app.get("privileged").unwrap().as_bool(), Some(false));
    assert_eq!(app.get("read_only").unwrap().as_bool(), Some(true));
    let env = app.get("environment").unwrap();
    let get = |k: &str| env.get(k).unwrap();
    assert_eq!(get("QUOTED").as_str(), Some("with space"));
    assert_eq!(get("SINGLE").as_str(), Some("$NOT_EXPANDED"));
    assert_eq!(get("FROM_OTHER").as_str(), Some("1.25-alpine"));
    assert_eq!(get("ESCAPED").as_str(), Some("$HOME"));
    assert_eq!(get("ALT").as_str(), Some("has-tag"));
    assert_eq!(get("ALT2").as_str(), Some(""));
    assert_eq!(get("EMPTY_DEFAULT").as_str(), Some("fallback"));
    assert_eq!(get("EMPTY_HARD").as_str(), Some(""));
    assert_eq!(get("NESTED").as_str(), Some("1.25"));
    assert_eq!(get("SHELL").as_str(), Some("$(date)"));
    // Keys are not interpolated.
    assert_eq!(get("${NOT_A_KEY_SUBSTITUTION}").as_str(), Some("kept"));

    // Unset variables make the value unknown, not empty; the raw text is kept.
    let unknown = get("UNKNOWN");
    assert!(unknown.is_unknown());
    assert_eq!(unknown.as_str(), None);
    assert_eq!(unknown.scalar_text(), Some("${NOT_SET}"));
    assert_eq!(unknown.interpolation.as_ref().unwrap().unknown, ["NOT_SET"]);
    let network_mode = app.get("network_mode").unwrap();
    assert!(network_mode.is_unknown());
    assert_eq!(texts(app.get("ports").unwrap()), ["8080:80"]);

    // A missing required variable is a located error, and the value is unknown.
    let required = get("REQUIRED");
    assert!(required.is_unknown());
    let errors: Vec<_> = project
        .errors
        .iter()
        .filter(|e| e.kind == ComposeErrorKind::Interpolation)
        .collect();
    assert_eq!(errors.len(), 1, "{:#?}", project.errors);
    assert!(errors[0].message.contains("must be set"));
    assert_eq!(errors[0].range, required.range);
    assert_eq!(project.errors.len(), 1);

    // .env is recorded as a source, and COMPOSE_PROFILES from it enables `debug`.
    assert!(project.files.iter().any(|f| f.kind == SourceKind::DotEnv));
    assert_eq!(project.environment.get("TAG").map(String::as_str), Some("1.25"));
    assert!(app.active);
}

#[test]
fn caller_environment_wins_over_dotenv() {
    let project = interp_project(&[
        ("TAG", "2.0"),
        ("PRIV", "true"),
        ("NET_MODE", "host"),
        ("MUST", "x"),
        ("NOT_SET", "now-set"),
        ("COMPOSE_PROFILES", ""),
    ]);
    assert!(project.errors.is_empty(), "{:#?}", project.errors);
    let app = project.service("app").unwrap();
    assert_eq!(app.get("image").unwrap().as_str(), Some("nginx:2.0"));
    assert_eq!(app.get("privileged").unwrap().as_bool(), Some(true));
    assert_eq!(app.get("network_mode").unwrap().as_str(), Some("host"));
    let env = app.get("environment").unwrap();
    // .env values that refer to others see the caller's values.
    assert_eq!(env.get("FROM_OTHER").unwrap().as_str(), Some("2.0-alpine"));
    assert_eq!(env.get("UNKNOWN").unwrap().as_str(), Some("now-set"));
    assert!(!app.active, "profile `debug` is no longer enabled");
}

// ---- profiles -----------------------------------------------------------------------------

#[test]
fn profiles_mark_services_inactive_unless_enabled() {
    let project = load_compose(&fixture("profiles/compose.yaml"), &LoadOptions::default());
    no_errors(&project);
    assert_eq!(project.services.len(), 3, "all services are reported");
    let active: Vec<&str> = project.active_services().map(|s| s.name.as_str()).collect();
    assert_eq!(active, ["app"]);
    assert_eq!(project.service("tools").unwrap().profiles, ["tools", "debug"]);

    let options = LoadOptions {
        profiles: vec!["debug".into()],
        ..LoadOptions::default()
    };
    let project = load_compose(&fixture("profiles/compose.yaml"), &options);
    assert_eq!(project.active_services().count(), 3);

    let mut env = BTreeMap::new();
    env.insert("COMPOSE_PROFILES".to_string(), "tools".to_string());
    let options = LoadOptions {
        env,
        ..LoadOptions::default()
    };
    let project = load_compose(&fixture("profiles/compose.yaml"), &options);
    let active: Vec<&str> = project.active_services().map(|s| s.name.as_str()).collect();
    assert_eq!(active, ["app", "tools"]);

    let options = LoadOptions {
        profiles: vec!["*".into()],
        ..LoadOptions::default()
    };
    assert_eq!(
        load_compose(&fixture("profiles/compose.yaml"), &options)
            .active_services()
            .count(),
        3
    );
}

// ---- file formats ---------------------------------------------------------------------------

#[test]
fn legacy_v1_services_at_top_level() {
    let project = load_compose(&fixture("v1/docker-compose.yml"), &LoadOptions::default());
    no_errors(&project);
    assert!(project.legacy_v1);
    let names: Vec<&str> = project.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["web", "db"]);
    let web = project.service("web").unwrap();
    assert_eq!(web.get("privileged").unwrap().as_bool(), Some(true));
    // v1 `net:` reads as `network_mode:`, pointing at what is written.
    let (key, value) = web.node.get_entry("network_mode").unwrap();
    assert!(key.synthetic);
    assert_eq!(project.text_of(key), "net");
    assert_eq!(value.as_str(), Some("host"));
}

#[test]
fn version_key_is_ignored() {
    let with = load_compose(&fixture("v2/docker-compose.yml"), &LoadOptions::default());
    let without = load_compose_files(&[fixture("v2/no-version.yml")], &LoadOptions::default());
    no_errors(&with);
    assert!(!with.legacy_v1);
    assert!(with.model.get("version").is_none());
    let a = with.service("web").unwrap();
    let b = without.service("web").unwrap();
    for field in ["image", "privileged", "mem_limit"] {
        assert_eq!(
            a.get(field).unwrap().as_str(),
            b.get(field).unwrap().as_str(),
            "{field}"
        );
    }
}

#[test]
fn include_imports_resources_with_their_own_env() {
    let project = load_compose(&fixture("include/compose.yaml"), &LoadOptions::default());
    let sub = project.service("sub-svc").unwrap();
    assert_eq!(sub.get("image").unwrap().as_str(), Some("fromsub"));
    assert_eq!(file_name(&project, sub.get("privileged").unwrap()), "compose.yaml");
    assert_eq!(project.file(sub.node.file).unwrap().kind, SourceKind::Include);
    // The including file's own `app` wins over the included one, with an error.
    let app = project.service("app").unwrap();
    assert_eq!(app.get("image").unwrap().as_str(), Some("app"));
    assert_eq!(project.errors.len(), 1, "{:#?}", project.errors);
    assert_eq!(project.errors[0].kind, ComposeErrorKind::Include);
    assert!(project.errors[0].message.contains("`app`"));
    assert!(project.model.get("include").is_none());
}

#[test]
fn yaml_errors_are_located_in_their_file_and_loading_goes_on() {
    let dir = std::env::temp_dir().join(format!("dockward_yaml_bad_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let main = dir.join("compose.yaml");
    std::fs::write(
        &main,
        "services:\n  web:\n    image: nginx\n    privileged: true\n  db: [\n",
    )
    .unwrap();
    let second = dir.join("second.yaml");
    std::fs::write(&second, "services:\n  web:\n    user: root\n").unwrap();
    let project = load_compose_files(
        &[main.clone(), second, dir.join("absent.yaml")],
        &LoadOptions::default(),
    );
    let yaml = project
        .errors
        .iter()
        .find(|e| e.kind == ComposeErrorKind::Yaml)
        .unwrap();
    assert_eq!(yaml.file, Some(0));
    assert!(yaml.range.start as usize > project.files[0].text.find("db").unwrap());
    assert!(
        project
            .errors
            .iter()
            .any(|e| e.kind == ComposeErrorKind::Io && e.message.contains("absent.yaml"))
    );
    let web = project.service("web").unwrap();
    assert_eq!(web.get("privileged").unwrap().as_bool(), Some(true));
    assert_eq!(web.get("user").unwrap().as_str(), Some("root"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn project_name_and_comments() {
    let project = load_compose(&fixture("override"), &LoadOptions::default());
    assert_eq!(project.name, "override");
    let options = LoadOptions {
        project_name: Some("My_App".into()),
        ..LoadOptions::default()
    };
    assert_eq!(load_compose(&fixture("override"), &options).name, "my_app");
    let project = load_compose(&fixture("interp/compose.yaml"), &LoadOptions::default());
    assert_eq!(
        project.environment.get("COMPOSE_PROJECT_NAME").map(String::as_str),
        Some("interp")
    );
}

#[test]
fn large_projects_stay_linear() {
    use std::fmt::Write as _;
    let n = 20_000;
    let dir = std::env::temp_dir().join(format!("dockward_yaml_large_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut main = String::from("x-base: &base\n  image: busybox\n  read_only: true\nservices:\n");
    let mut over = String::from("services:\n");
    for i in 0..n {
        writeln!(main, "  s{i}:\n    <<: *base\n    ports: [\"{i}:80\"]").unwrap();
        writeln!(over, "  s{i}:\n    ports: !reset []\n    environment: [A=1]").unwrap();
    }
    writeln!(main, "  big:\n    image: x\n    extends: s0\n    ports:").unwrap();
    for i in 0..n {
        writeln!(main, "      - \"{}:{}\"", i % 1000, i % 1000).unwrap();
    }
    let main_path = dir.join("compose.yaml");
    let over_path = dir.join("override.yaml");
    std::fs::write(&main_path, main).unwrap();
    std::fs::write(&over_path, over).unwrap();
    let start = std::time::Instant::now();
    let project = load_compose_files(&[main_path, over_path], &LoadOptions::default());
    let elapsed = start.elapsed();
    no_errors(&project);
    assert_eq!(project.services.len(), n + 1);
    let s5 = project.service("s5").unwrap();
    assert!(s5.get("ports").is_none());
    assert_eq!(s5.get("read_only").unwrap().as_bool(), Some(true));
    assert_eq!(
        project
            .service("big")
            .unwrap()
            .get("ports")
            .unwrap()
            .items()
            .unwrap()
            .len(),
        1001,
        "1000 distinct + the one inherited from s0"
    );
    assert!(elapsed < std::time::Duration::from_secs(30), "took {elapsed:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
