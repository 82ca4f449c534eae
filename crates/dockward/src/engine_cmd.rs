//! `dockward engine`: audit the containers of a running Docker Engine.
//!
//! Connects as the docker CLI would (`dockward_engine::host`), negotiates the API version,
//! lists every container (running or not), inspects each, lowers it to a `ContainerSpec`
//! and runs the container rules through the driver, exactly as for a Compose service or a
//! `docker run` line. Findings point at the container and the JSON pointer of the inspect
//! field. Only GET requests are made.

use crate::cli::{ColorChoice, SeverityArg};
use clap::{Args, ValueEnum};
use dockward_core::{ConfigError, Settings, SourceDb};
use dockward_engine::{ClientOptions, EngineClient, EngineDefaults, Environment, HostOptions};
use dockward_report::{Emitter, Format, RunError};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// A configuration file is a few hundred bytes; a larger one is not read whole.
const CONFIG_MAX_BYTES: u64 = 1024 * 1024;

/// From how many containers on progress is shown on standard error.
const PROGRESS_FROM: usize = 10;

#[derive(Debug, Args)]
pub struct EngineArgs {
    /// Daemon address: unix:///path/docker.sock or tcp://HOST:PORT (default: DOCKER_HOST,
    /// the current context, then /var/run/docker.sock).
    #[arg(short = 'H', long, value_name = "URL")]
    pub host: Option<String>,
    /// Docker context to use (default: DOCKER_CONTEXT, then currentContext of
    /// ~/.docker/config.json).
    #[arg(short = 'c', long, value_name = "NAME", conflicts_with = "host")]
    pub context: Option<String>,
    /// Audit only these containers (names or ids; repeat or separate with commas).
    #[arg(long = "container", value_name = "NAME|ID", value_delimiter = ',')]
    pub containers: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EngineFormat::Full)]
    pub format: EngineFormat,
    /// Write the report to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this severity (default: high, or the
    /// configuration file's `fail-on`).
    #[arg(long, value_enum)]
    pub fail_on: Option<SeverityArg>,
    /// Exit with 0 even when findings are at or above --fail-on (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print findings only: no summary line, no connection line on standard error.
    #[arg(short, long)]
    pub quiet: bool,
    /// Configuration file (default: the nearest dockward.toml or .dockward.toml above the
    /// current directory).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Run only these rules (codes, prefixes, names or peer ids; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Run these rules too, on top of the selection (opt-in rules, for instance).
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Skip these rules.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// When to use colors.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EngineFormat {
    Full,
    Concise,
    Json,
}

pub fn run(args: &EngineArgs) -> ExitCode {
    let error_exit = |message: &str| {
        eprintln!("error: {message}");
        ExitCode::from(crate::EXIT_ERROR)
    };
    let mut settings = match load_settings(args) {
        Ok(settings) => settings,
        Err(error) => {
            crate::print_config_error(&error);
            return ExitCode::from(crate::EXIT_ERROR);
        }
    };
    if let Some(fail_on) = args.fail_on {
        settings.fail_on = crate::severity_of(fail_on);
    }

    let env = Environment::from_process();
    let options = HostOptions {
        host: args.host.clone(),
        context: args.context.clone(),
    };
    let endpoint = match dockward_engine::host::resolve(&options, &env) {
        Ok(endpoint) => endpoint,
        Err(e) => return error_exit(&e.to_string()),
    };
    let client_options = ClientOptions {
        api_version: env.vars.get("DOCKER_API_VERSION").filter(|v| !v.is_empty()).cloned(),
        ..ClientOptions::default()
    };
    let client = match EngineClient::connect(endpoint, &client_options) {
        Ok(client) => client,
        Err(e) => return error_exit(&e.to_string()),
    };
    let server = client.server();
    let engine_name = if server.podman { "Podman" } else { "Docker Engine" };
    if !args.quiet {
        eprintln!(
            "dockward: {} ({}): {engine_name} {}, API {}",
            client.endpoint().url,
            client.endpoint().why(),
            server.version.as_deref().unwrap_or("of unknown version"),
            client.api_version()
        );
    }
    let endpoint_name = PathBuf::from(&client.endpoint().url);
    let mut errors: Vec<RunError> = Vec::new();
    let warn = |message: String| RunError {
        path: endpoint_name.clone(),
        line: None,
        message,
        is_warning: true,
    };
    if let Some(note) = server.end_of_life() {
        errors.push(warn(note));
    }

    // The daemon's defaults (no-new-privileges for every container, its cgroup namespace
    // mode) change what a container's settings mean.
    let defaults = match client.info() {
        Ok(info) => EngineDefaults::from_info(&info),
        Err(e) => {
            errors.push(warn(format!("{e}; daemon defaults are not taken into account")));
            EngineDefaults::default()
        }
    };
    let mut listed = match client.list_containers() {
        Ok(list) => list,
        Err(e) => return error_exit(&e.to_string()),
    };
    if !args.containers.is_empty() {
        for wanted in &args.containers {
            if !listed.iter().any(|c| c.matches(wanted)) {
                return error_exit(&format!(
                    "no container named or with id `{wanted}` on {}",
                    client.endpoint().url
                ));
            }
        }
        listed.retain(|c| args.containers.iter().any(|w| c.matches(w)));
    }
    listed.sort_by(|a, b| a.name().cmp(&b.name()).then(a.id.cmp(&b.id)));
    if listed.len() >= PROGRESS_FROM && !args.quiet {
        eprintln!("dockward: inspecting {} containers", listed.len());
    }

    let ids: Vec<String> = listed.iter().map(|c| c.id.clone()).collect();
    let mut specs = Vec::with_capacity(ids.len());
    for (summary, result) in listed.iter().zip(client.inspect_containers(&ids)) {
        let object = dockward_engine::container_object(&summary.name(), &summary.id);
        match result.map(|inspect| dockward_engine::lower_container(&inspect, &defaults)) {
            Ok(Ok(spec)) => specs.push(spec),
            // Removed between the list and its inspection: nothing left to audit.
            Err(dockward_engine::EngineError::Status { status: 404, .. }) => errors.push(RunError {
                path: PathBuf::from(object),
                line: None,
                message: "removed while dockward was reading it".to_string(),
                is_warning: true,
            }),
            Err(e) => errors.push(RunError {
                path: PathBuf::from(object),
                line: None,
                message: e.to_string(),
                is_warning: false,
            }),
            Ok(Err(e)) => errors.push(RunError {
                path: PathBuf::from(object),
                line: None,
                message: e.to_string(),
                is_warning: false,
            }),
        }
    }
    let findings = dockward_driver::check_containers(&specs, &settings);

    let color = match (args.color, &args.output_file) {
        (ColorChoice::Always, _) => true,
        (ColorChoice::Never, _) | (ColorChoice::Auto, Some(_)) => false,
        (ColorChoice::Auto, None) => anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never,
    };
    let format = match args.format {
        EngineFormat::Full => Format::Full,
        EngineFormat::Concise => Format::Concise,
        EngineFormat::Json => Format::Json,
    };
    let mut out: Box<dyn Write> = match &args.output_file {
        Some(path) => match std::fs::File::create(path) {
            Ok(file) => Box::new(std::io::BufWriter::new(file)),
            Err(e) => return error_exit(&format!("cannot write {}: {e}", path.display())),
        },
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut emitter = Emitter::new(&mut out, format, color)
        .quiet(args.quiet)
        .scanned_noun("container", "containers");
    // Engine findings name objects, not files: there is no source text to look up.
    let sources = SourceDb::new();
    let summary = match emitter
        .findings(&findings, &sources)
        .and_then(|()| emitter.finish(&errors, specs.len()))
    {
        Ok(summary) => summary,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => return error_exit(&format!("cannot write output: {e}")),
    };
    let _ = out.flush();
    if errors.iter().any(|e| !e.is_warning) {
        ExitCode::from(crate::EXIT_ERROR)
    } else if !args.exit_zero && summary.any_at_or_above(settings.fail_on) {
        ExitCode::from(crate::EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// Settings from `--config`, or the nearest configuration file above the current
/// directory, then `--select`/`--ignore`/`--extend-select` on top.
fn load_settings(args: &EngineArgs) -> Result<Settings, ConfigError> {
    let rules = dockward_rules::all_rules();
    let path = if args.isolated {
        None
    } else if let Some(path) = &args.config {
        Some(path.clone())
    } else {
        Settings::discover(std::path::Path::new("."))
    };
    let mut settings = match &path {
        Some(path) => {
            let text = dockward_inputs::read_text(path, CONFIG_MAX_BYTES).map_err(|e| ConfigError {
                path: path.clone(),
                range: None,
                message: format!("configuration: {e}"),
            })?;
            Settings::parse(path, &text, rules)?
        }
        None => Settings::default(),
    };
    let command_line = |message| ConfigError {
        path: "<command line>".into(),
        range: None,
        message,
    };
    settings
        .apply_command_line(&args.select, &args.ignore, rules)
        .map_err(command_line)?;
    settings
        .extend_selection(&args.extend_select, rules)
        .map_err(command_line)?;
    Ok(settings)
}
