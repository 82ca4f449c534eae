//! The fuzz targets' bodies. Each takes arbitrary bytes and must neither panic nor hang nor
//! grow without bound; `fuzz/fuzz_targets/*.rs` hand them to libFuzzer
//! (`scripts/fuzz.sh TARGET`), and `tests/regressions.rs` replays the inputs kept under
//! `fuzz/regressions/TARGET/` plus a sample of the shared corpus on every `cargo test`.

use dockward_core::{FileId, Settings, SourceDb, SourceFile};
use dockward_inputs::ScriptKind;
use dockward_report::{Emitter, Format};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target, by the name its fuzz binary and regression folder have.
pub const TARGETS: [(&str, Target); 11] = [
    ("dockerfile", dockerfile),
    ("shell", shell),
    ("docker_argv", docker_argv),
    ("yaml", yaml),
    ("compose_project", compose_project),
    ("daemon_json", daemon_json),
    ("scripts", scripts),
    ("report", report),
    ("vuln", vuln),
    ("guard_request", guard_request),
    ("image", image),
];

/// Every rule on, opt-in ones too: the fuzzer should reach all of them.
fn settings() -> &'static Settings {
    static SETTINGS: OnceLock<Settings> = OnceLock::new();
    SETTINGS.get_or_init(|| {
        let mut settings = Settings::default();
        settings
            .apply_command_line(&["ALL".to_string()], &[], dockward_rules::all_rules())
            .expect("ALL selects every rule");
        settings
    })
}

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Parse, lower and check a Dockerfile, with and without a `--target`, and dump it in
/// BuildKit's format.
pub fn dockerfile(data: &[u8]) {
    let text = text(data);
    let path = Path::new("Dockerfile");
    let _ = dockward_driver::check_dockerfile(FileId(0), path, &text, settings(), None);
    let _ = dockward_driver::check_dockerfile(FileId(0), path, &text, settings(), Some("build"));
    let _ = dockward_dockerfile::dump_buildkit(&dockward_dockerfile::parse(&text));
}

/// The shell parser and the lenient word splitter.
pub fn shell(data: &[u8]) {
    let text = text(data);
    let _ = dockward_shell::parse_shell(&text);
    let _ = dockward_shell::split_words_lenient(&text);
}

/// The docker CLI argv parser, on every command of the text, and the run-line lowering.
pub fn docker_argv(data: &[u8]) {
    let text = text(data);
    let words = dockward_shell::split_words_lenient(&text);
    let _ = dockward_shell::parse_docker_cli(&words);
    let _ = dockward_inputs::run_lines(FileId(0), &text, ScriptKind::Shell);
}

/// The YAML span tree with the default budget.
pub fn yaml(data: &[u8]) {
    let _ = dockward_yaml::parse_yaml(&text(data), &dockward_yaml::Budget::default());
}

/// A whole Compose project: the input split at the first NUL into `compose.yaml` and its
/// `.env`, loaded (in memory, nothing is read from disk), lowered, checked.
pub fn compose_project(data: &[u8]) {
    let (compose, env) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let dir = PathBuf::from("/nonexistent-dockward-fuzz");
    let mut options = dockward_yaml::LoadOptions {
        env_files: Some(vec![dir.join(".env")]),
        ..Default::default()
    };
    options.overlay.insert(dir.join("compose.yaml"), text(compose));
    options.overlay.insert(dir.join(".env"), text(env));
    let project = dockward_inputs::compose::load_project(&dir.join("compose.yaml"), &options);
    let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
    let _ = dockward_driver::check_compose(&dockward_driver::ComposeInput {
        project: &project,
        file_ids: &ids,
        settings: settings(),
        read_dockerfile: &|_| None,
    });
}

/// `daemon.json` lowering and the daemon rules.
pub fn daemon_json(data: &[u8]) {
    let _ = dockward_driver::check_daemon_json(FileId(0), Path::new("daemon.json"), &text(data), settings());
}

/// Every script extractor (Makefiles, CI YAML, Jenkinsfiles, units, Markdown) and check.
pub fn scripts(data: &[u8]) {
    let text = text(data);
    for kind in ScriptKind::ALL {
        let _ = dockward_driver::check_script(FileId(0), Path::new("x"), &text, kind, settings());
    }
}

/// Every output format on the findings of the input read as a Dockerfile and as a script:
/// frames, escaping and masking meet arbitrary text.
pub fn report(data: &[u8]) {
    let text = text(data);
    let sources = SourceDb::new();
    let file = sources.add(SourceFile::new("Dockerfile", text.clone()));
    let mut findings =
        dockward_driver::check_dockerfile(file, Path::new("Dockerfile"), &text, settings(), None).unwrap_or_default();
    findings.extend(dockward_driver::check_script(
        file,
        Path::new("Dockerfile"),
        &text,
        ScriptKind::Shell,
        settings(),
    ));
    for format in [
        Format::Full,
        Format::Concise,
        Format::Json,
        Format::Github,
        Format::Sarif,
        Format::Junit,
        Format::Gitlab,
        Format::Checkstyle,
        Format::Html,
    ] {
        let mut out = std::io::sink();
        let mut emitter = Emitter::new(&mut out, format, true);
        let _ = emitter.findings(&findings, &sources);
        let _ = emitter.finish(&[], 1);
    }
}

/// dockward_vuln's parsers of untrusted bytes: an OSV record, a dpkg status file, an apk
/// database, os-release, Go build information, cargo-auditable data, an rpm header, an
/// SQLite file (rpmdb.sqlite), rpm's Berkeley DB and NDB databases, an index file; and
/// the version orderings on the first two lines (every scheme, both ways round: an
/// ordering that is not antisymmetric would make range evaluation depend on event order).
pub fn vuln(data: &[u8]) {
    use dockward_vuln::version::Scheme;
    let text = text(data);
    let _ = dockward_vuln::osv::parse_record(data);
    let _ = dockward_vuln::inventory::dpkg::parse_status(&text, "/var/lib/dpkg/status", true);
    let _ = dockward_vuln::inventory::apk::parse_installed(&text, "/lib/apk/db/installed");
    let _ = dockward_vuln::inventory::os::parse_os_release(&text);
    let mut buildinfo = b"\xff Go buildinf:\x08\x02".to_vec();
    buildinfo.resize(32, 0);
    buildinfo.extend_from_slice(data);
    let _ = dockward_vuln::inventory::binaries::parse_go_buildinfo(&buildinfo);
    let _ = dockward_vuln::inventory::binaries::parse_cargo_auditable(data);
    let _ = dockward_vuln::inventory::rpm::parse_header(data);
    let mut sqlite = b"SQLite format 3\0\x10\x00".to_vec();
    sqlite.extend_from_slice(data);
    let _ = dockward_vuln::inventory::sqlite::table_rows(&sqlite, "Packages");
    // rpm's Berkeley DB `Packages` (a hash metadata page of 512-byte pages whose last page
    // number is out of reach, then the data as pages) and NDB `Packages.db`.
    let mut bdb = vec![0u8; 512];
    bdb[12..16].copy_from_slice(&0x0006_1561u32.to_le_bytes());
    bdb[20..24].copy_from_slice(&512u32.to_le_bytes());
    bdb[25] = 8;
    bdb[32..36].copy_from_slice(&u32::MAX.to_le_bytes());
    bdb.extend_from_slice(data);
    let _ = dockward_vuln::inventory::rpm_bdb::values(&bdb);
    let _ = dockward_vuln::inventory::rpm_bdb::values(data);
    let mut ndb = b"RpmP\0\0\0\0\x01\0\0\0\x01\0\0\0".to_vec();
    ndb.extend_from_slice(data);
    let _ = dockward_vuln::inventory::rpm_ndb::blobs(&ndb);
    let _ = dockward_vuln::inventory::rpm::parse_database(data, "/var/lib/rpm/Packages.db");
    // A CVSS vector (v4 through the cvss crate) and an OpenVEX document.
    let _ = dockward_vuln::cvss::base_score(&format!("CVSS:4.0/{text}"));
    if let Ok(doc) = serde_json::from_slice::<serde_json::Value>(data) {
        let _ = dockward_vuln::vex::parse(&doc, "fuzz", &mut Default::default(), &mut Vec::new());
    }
    let mut index = b"DWOSVIX1".to_vec();
    index.extend_from_slice(data);
    if let Ok(index) = dockward_vuln::index::Index::from_bytes(index) {
        let _ = index.keys();
        let _ = index.lookup("npm", "semver");
        let _ = index.vuln(0);
    }
    let mut lines = text.lines();
    let (a, b) = (lines.next().unwrap_or(""), lines.next().unwrap_or(""));
    for scheme in [
        Scheme::Dpkg,
        Scheme::Apk,
        Scheme::Rpm,
        Scheme::Semver,
        Scheme::Go,
        Scheme::Pep440,
        Scheme::Maven,
    ] {
        let forward = scheme.compare(a, b);
        let backward = scheme.compare(b, a);
        assert_eq!(
            forward.map(std::cmp::Ordering::reverse),
            backward,
            "{scheme:?} `{a}` vs `{b}`"
        );
    }
    let _ = dockward_vuln::version::apk::is_valid(a);
}

/// What reaches the guard's socket: the bytes as an HTTP request, as an `AuthZReq` body, and
/// as the container create body of one (with every rule on), enforcing and in audit mode.
pub fn guard_request(data: &[u8]) {
    use dockward_guard::{AuthZRequest, Mode, Policy, decide};
    let limits = dockward_guard::http::Limits {
        max_body_bytes: 64 * 1024,
        ..Default::default()
    };
    let _ = dockward_guard::http::read_request(&mut std::io::BufReader::new(data), &limits);
    static POLICY: OnceLock<Policy> = OnceLock::new();
    let policy = POLICY.get_or_init(|| {
        // Every rule on, as for the other targets.
        let mut settings = Settings::default();
        settings
            .apply_command_line(&["ALL".to_string()], &[], dockward_rules::all_rules())
            .expect("ALL selects every rule");
        Policy::new(settings, Mode::Enforce)
    });
    if let Ok(request) = serde_json::from_slice::<AuthZRequest>(data) {
        let _ = decide(policy, &request);
    }
    use base64::Engine as _;
    for uri in [
        "/v1.41/containers/create?name=f",
        "/v1.41/containers/f/exec",
        "/v1.23/containers/f/start",
        "/v1.41/services/create",
    ] {
        let request = AuthZRequest {
            method: "POST".to_string(),
            uri: uri.to_string(),
            body: base64::engine::general_purpose::STANDARD.encode(data),
            ..AuthZRequest::default()
        };
        let decision = decide(policy, &request);
        assert!(
            decision.response.allow == decision.allow,
            "enforcing answers what it decides"
        );
    }
}

/// The image reader and the image rules, under small budgets: the input read as an image
/// archive (a `docker save` or OCI tar, possibly compressed), then as the one layer of an
/// otherwise valid OCI layout, so the fuzzer reaches the layer code without having to
/// invent a manifest; and the search of executables for Go build information and
/// cargo-auditable data, on the input and on the input behind a 64-bit ELF signature.
pub fn image(data: &[u8]) {
    use dockward_image::testing::{TestImage, oci_layout, tar_of};
    let options = dockward_image::ReadOptions {
        budgets: dockward_image::Budgets {
            max_layer_bytes: 4 << 20,
            max_image_bytes: 8 << 20,
            max_entries: 10_000,
            max_spool_bytes: 16 << 20,
            ..Default::default()
        },
        ..Default::default()
    };
    // Findings are rendered in every format too: names, digests and paths come from the
    // archive.
    let check = |reads: Result<Vec<dockward_image::ImageRead>, dockward_image::ImageError>| {
        let sources = SourceDb::new();
        for read in reads.into_iter().flatten() {
            let findings = dockward_driver::check_image(&read.spec, settings());
            for format in [Format::Full, Format::Concise, Format::Json, Format::Github] {
                let mut out = std::io::sink();
                let mut emitter = Emitter::new(&mut out, format, true);
                let _ = emitter.findings(&findings, &sources);
                let _ = emitter.finish(&[], 1);
            }
        }
    };
    check(dockward_image::read_stream(data, "fuzz.tar", &options));
    let _ = dockward_image::testing::search_executable(data);
    let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
    elf.extend_from_slice(data);
    let _ = dockward_image::testing::search_executable(&elf);
    let layout = oci_layout(&[TestImage {
        name: Some("fuzz:1".to_string()),
        platform: None,
        config: serde_json::json!({"config": {}, "history": [{"created_by": text(data)}]}),
        layers: vec![data.to_vec()],
    }]);
    check(dockward_image::read_stream(
        &tar_of(&layout)[..],
        "fuzz-layout.tar",
        &options,
    ));
}
