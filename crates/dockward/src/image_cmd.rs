//! `dockward image REF|PATH…`: audit built images — `docker save` archives, OCI layouts
//! (folders or tars, compressed or not), and images of the local engine (exported with
//! `GET /images/get`, streamed to a temporary file; only GET requests are made).
//!
//! Each image's configuration, history and merged layer files are lowered to an
//! `ImageSpec` by `dockward_image` and checked by the image rules through the driver.

use crate::cli::{CommonArgs, OutputFormat};
use crate::{EXIT_ERROR, print_config_error};
use clap::Args;
use dockward_core::SourceDb;
use dockward_engine::{ClientOptions, EngineClient, Environment};
use dockward_image::{Budgets, ImageError, ImageRead, Platform, Progress, ProgressFn, ReadOptions};
use dockward_report::{Format, RunError};
use dockward_rules::image::SecretProbe;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct ImageArgs {
    /// Image archives (`docker save` output, OCI layouts as folders or tars, gzip or zstd
    /// compressed), or names of images in the local engine (`acme/web:1.2`). An existing
    /// path wins over an image name.
    #[arg(required = true, value_name = "REF|PATH")]
    pub targets: Vec<String>,
    /// The platform to audit in a multi-platform image (`linux/arm64`, `linux/arm/v7`);
    /// default: this machine's.
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,
    /// Read the configuration and history only, not the layers' files.
    #[arg(long)]
    pub config_only: bool,
    /// Do not search every text file of the layers for tokens and keys (credential files
    /// such as `.npmrc` or SSH keys are still judged).
    #[arg(long)]
    pub no_content_scan: bool,
    /// Largest decompressed size of one layer, in bytes.
    #[arg(long, value_name = "BYTES")]
    pub max_layer_bytes: Option<u64>,
    /// Most files in all layers of one image together.
    #[arg(long, value_name = "N")]
    pub max_entries: Option<u64>,
    /// The engine that engine images are read from.
    #[command(flatten)]
    pub daemon: crate::cli::DaemonArgs,
    /// Also match the packages of each image against the vulnerability database (rule
    /// DW190, as `dockward vulns`), from the same read of its layers; each finding names
    /// the layer that added the package. The database options below apply.
    #[arg(long, conflicts_with = "config_only")]
    pub vulns: bool,
    #[command(flatten)]
    pub vuln_db: crate::sbom_cmd::VulnDbArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// How long an engine export may take, start to end.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(3600);

pub fn run(args: &ImageArgs) -> ExitCode {
    let settings = match crate::load_settings(&args.common, Path::new(".")) {
        Ok(settings) => settings,
        Err(error) => {
            print_config_error(&error);
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let platform = match args.platform.as_deref().map(|p| (p, Platform::parse(p))) {
        None => None,
        Some((_, Some(p))) => Some(p),
        Some((p, None)) => {
            eprintln!("error: --platform {p}: expected OS/ARCH or OS/ARCH/VARIANT (linux/arm64)");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let mut budgets = Budgets::default();
    if let Some(n) = args.max_layer_bytes {
        budgets.max_layer_bytes = n;
    }
    if let Some(n) = args.max_entries {
        budgets.max_entries = n;
    }
    let progress = (!args.common.quiet && std::io::stderr().is_terminal()).then(ProgressLine::default);
    let options = ReadOptions {
        budgets,
        platform,
        name: None,
        config_only: args.config_only,
        content_probe: (!args.no_content_scan && SecretProbe::wanted(&settings))
            .then(|| Arc::new(SecretProbe) as Arc<dyn dockward_image::ContentProbe>),
        progress: progress.as_ref().map(ProgressLine::callback),
        inventory: args.vulns,
    };

    let mut engine: Option<Result<EngineClient, String>> = None;
    let mut findings = Vec::new();
    let mut errors: Vec<RunError> = Vec::new();
    let mut images = 0;
    let sources = SourceDb::new();
    let mut vulns = match args
        .vulns
        .then(|| crate::sbom_cmd::VulnScanner::open(&args.vuln_db, &mut errors))
        .transpose()
    {
        Ok(scanner) => scanner,
        Err(e) => return crate::error_exit(&e),
    };
    for target in &args.targets {
        let path = Path::new(target);
        let read = if path.exists() {
            dockward_image::read_path(path, &options)
        } else {
            let client = engine.get_or_insert_with(|| connect(args));
            match client {
                Ok(client) => export(client, target, &options),
                Err(e) => Err(ImageError::new(
                    target.as_str(),
                    format!("no such file, and no engine to ask: {e}"),
                )),
            }
        };
        match read {
            Ok(reads) => {
                for ImageRead {
                    spec,
                    errors: image_errors,
                } in reads
                {
                    images += 1;
                    if let Some(progress) = &progress {
                        progress.clear();
                    }
                    if !args.common.quiet && spec.files.as_ref().is_some_and(|f| !f.complete) {
                        eprintln!(
                            "dockward image: {}: not every layer could be read; file checks are incomplete",
                            spec.name
                        );
                    }
                    findings.extend(dockward_driver::check_image(&spec, &settings));
                    errors.extend(image_errors.into_iter().map(|e| run_error(&e)));
                    if let Some(scanner) = vulns.as_mut() {
                        let shown = std::path::PathBuf::from(format!("image {}", spec.name));
                        // The same read: the merged files move to the package inventory.
                        match crate::input_tree::InputTree::from_image(spec) {
                            Some(tree) => {
                                let (found, _) = scanner.scan(&tree, &shown, &sources, &settings, &mut errors);
                                findings.extend(found);
                            }
                            None => errors.push(RunError {
                                path: shown,
                                line: None,
                                message: "the layers were not read: no vulnerabilities checked".into(),
                                is_warning: true,
                            }),
                        }
                    }
                }
            }
            Err(e) => errors.push(run_error(&e)),
        }
    }
    if let Some(progress) = &progress {
        progress.clear();
    }

    crate::report_audit(
        &args.common,
        Format::from(args.format),
        ("image", "images"),
        &findings,
        &sources,
        &errors,
        images,
        &settings,
    )
}

/// "reading acme/web:1.2: layer 3/12 (45 of 120 MiB)…" on stderr, redrawn in place at most
/// ten times a second; only drawn when stderr is a terminal (the caller decides).
#[derive(Clone, Default)]
struct ProgressLine {
    /// When the line was last drawn; `None` when nothing is on screen.
    drawn: Arc<Mutex<Option<Instant>>>,
}

impl ProgressLine {
    fn callback(&self) -> ProgressFn {
        let drawn = self.drawn.clone();
        Arc::new(move |p: &Progress<'_>| {
            let Ok(mut drawn) = drawn.lock() else { return };
            let now = Instant::now();
            if p.read > 0 && drawn.is_some_and(|t| now.duration_since(t) < Duration::from_millis(100)) {
                return;
            }
            *drawn = Some(now);
            // The name comes from the archive: no control character reaches the terminal.
            let name: String = p.image.chars().filter(|c| !c.is_control()).take(48).collect();
            let mib = |b: u64| b.div_ceil(1 << 20);
            let mut err = std::io::stderr().lock();
            let _ = write!(
                err,
                "\r\x1b[Kreading {name}: layer {}/{} ({} of {} MiB)…",
                p.layer,
                p.layers,
                mib(p.read),
                mib(p.size)
            );
            let _ = err.flush();
        })
    }

    /// Erases the line, when one is drawn.
    fn clear(&self) {
        if let Ok(mut drawn) = self.drawn.lock()
            && drawn.take().is_some()
        {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[K");
            let _ = err.flush();
        }
    }
}

/// Entries skipped inside a layer are warnings (the rest of the image was read); a layer,
/// archive or configuration that could not be read is an error.
fn run_error(e: &ImageError) -> RunError {
    let is_warning = e.message.ends_with("; skipped");
    RunError {
        path: e.location.clone().into(),
        line: None,
        message: e.message.clone(),
        is_warning,
    }
}

fn connect(args: &ImageArgs) -> Result<EngineClient, String> {
    let env = Environment::from_process();
    let endpoint = dockward_engine::host::resolve(&args.daemon.host_options(), &env).map_err(|e| e.to_string())?;
    let client_options = ClientOptions {
        api_version: env.vars.get("DOCKER_API_VERSION").filter(|v| !v.is_empty()).cloned(),
        ..ClientOptions::default()
    };
    EngineClient::connect(endpoint, &client_options).map_err(|e| e.to_string())
}

fn export(client: &EngineClient, name: &str, options: &ReadOptions) -> Result<Vec<ImageRead>, ImageError> {
    let stream = client
        .export_image(name, EXPORT_TIMEOUT)
        .map_err(|e| ImageError::new(format!("image {name}"), e.to_string()))?;
    let options = ReadOptions {
        name: Some(name.to_string()),
        ..options.clone()
    };
    dockward_image::read_stream(stream, &format!("image {name} (engine export)"), &options)
}

/// Reads the configuration of each base image `[image] base-images` names (configuration
/// and history only, no layers) into `settings.base_images`, for the Dockerfile rules. An
/// archive that cannot be read is a warning: the rules then judge as if it were not named.
pub fn load_base_images(settings: &mut dockward_core::Settings, quiet: bool) {
    let options = ReadOptions {
        config_only: true,
        ..ReadOptions::default()
    };
    for (reference, archive) in settings.base_image_archives.clone() {
        let read = dockward_image::read_path(&archive, &options).and_then(|mut reads| {
            // An archive of several images: the one tagged like the reference, else the first.
            let at = reads.iter().position(|r| r.spec.name == reference).unwrap_or(0);
            if reads.is_empty() {
                Err(ImageError::new(
                    archive.display().to_string(),
                    "the archive holds no image",
                ))
            } else {
                Ok(reads.swap_remove(at))
            }
        });
        match read {
            Ok(read) => {
                let config = &read.spec.config;
                settings.base_images.insert(
                    reference,
                    dockward_core::BaseImage {
                        user: config.user.get().cloned(),
                        healthcheck: config.healthcheck.get().is_some_and(|h| !h.is_disabled()),
                        source: archive.display().to_string(),
                    },
                );
            }
            Err(e) if !quiet => eprintln!("warning: [image] base-images {reference}: {e}"),
            Err(_) => {}
        }
    }
}
