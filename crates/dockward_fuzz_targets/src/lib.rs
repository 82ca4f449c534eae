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
pub const TARGETS: [(&str, Target); 9] = [
    ("dockerfile", dockerfile),
    ("shell", shell),
    ("docker_argv", docker_argv),
    ("yaml", yaml),
    ("compose_project", compose_project),
    ("daemon_json", daemon_json),
    ("scripts", scripts),
    ("report", report),
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
    for format in [Format::Full, Format::Concise, Format::Json, Format::Github] {
        let mut out = std::io::sink();
        let mut emitter = Emitter::new(&mut out, format, true);
        let _ = emitter.findings(&findings, &sources);
        let _ = emitter.finish(&[], 1);
    }
}

/// The image reader and the image rules, under small budgets: the input read as an image
/// archive (a `docker save` or OCI tar, possibly compressed), then as the one layer of an
/// otherwise valid OCI layout, so the fuzzer reaches the layer code without having to
/// invent a manifest.
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
