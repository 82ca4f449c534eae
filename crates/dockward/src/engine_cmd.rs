//! `dockward engine`: audit the containers of a running Docker Engine.
//!
//! Connects as the docker CLI would (`dockward_engine::host`), negotiates the API version,
//! lists every container (running or not), inspects each, lowers it to a `ContainerSpec`
//! and runs the container rules through the driver, exactly as for a Compose service or a
//! `docker run` line. Findings point at the container and the JSON pointer of the inspect
//! field. Only GET requests are made.

use crate::cli::{CommonArgs, OutputFormat};
use clap::Args;
use dockward_core::SourceDb;
use dockward_engine::{ClientOptions, EngineClient, EngineDefaults, Environment};
use dockward_report::{Emitter, Format, RunError};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// From how many containers on progress is shown on standard error.
const PROGRESS_FROM: usize = 10;

#[derive(Debug, Args)]
pub struct EngineArgs {
    #[command(flatten)]
    pub daemon: crate::cli::DaemonArgs,
    /// Audit only these containers (names or ids; repeat or separate with commas). Neither
    /// the daemon nor images are audited then.
    #[arg(long = "container", value_name = "NAME|ID", value_delimiter = ',')]
    pub containers: Vec<String>,
    /// Do not audit the configuration of local images.
    #[arg(long)]
    pub no_images: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(args: &EngineArgs) -> ExitCode {
    let error_exit = |message: &str| {
        eprintln!("error: {message}");
        ExitCode::from(crate::EXIT_ERROR)
    };
    let settings = match crate::load_settings(&args.common, std::path::Path::new(".")) {
        Ok(settings) => settings,
        Err(error) => {
            crate::print_config_error(&error);
            return ExitCode::from(crate::EXIT_ERROR);
        }
    };

    let env = Environment::from_process();
    let endpoint = match dockward_engine::host::resolve(&args.daemon.host_options(), &env) {
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
    if !args.common.quiet {
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
    // The same `/info` describes the daemon itself: the daemon rules judge what it reports.
    let (defaults, daemon) = match client.info() {
        Ok(info) => {
            let bridge = client.get_json("/networks/bridge").ok();
            let object = format!("daemon {}", client.endpoint().url);
            let daemon = dockward_engine::daemon::lower_daemon_info(&object, &info, bridge.as_ref());
            (EngineDefaults::from_info(&info), Some(daemon))
        }
        Err(e) => {
            errors.push(warn(format!(
                "{e}; the daemon is not audited and its defaults are not taken into account"
            )));
            (EngineDefaults::default(), None)
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
    if listed.len() >= PROGRESS_FROM && !args.common.quiet {
        eprintln!("dockward: inspecting {} containers", listed.len());
    }

    let ids: Vec<String> = listed.iter().map(|c| c.id.clone()).collect();
    let mut specs = Vec::with_capacity(ids.len());
    let mut labels = Vec::with_capacity(ids.len());
    for (summary, result) in listed.iter().zip(client.inspect_containers(&ids)) {
        let object = dockward_engine::container_object(&summary.name(), &summary.id);
        let lowered = result.map(|inspect| {
            (
                dockward_engine::lower_container(&inspect, &defaults),
                dockward_engine::compose_labels(&inspect),
            )
        });
        let error = |message: String, is_warning: bool| RunError {
            path: PathBuf::from(&object),
            line: None,
            message,
            is_warning,
        };
        match lowered {
            Ok((Ok(spec), compose)) => {
                specs.push(spec);
                labels.push(compose);
            }
            // Removed between the list and its inspection: nothing left to audit.
            Err(dockward_engine::EngineError::Status { status: 404, .. }) => {
                errors.push(error("removed while dockward was reading it".to_string(), true));
            }
            Err(e) => errors.push(error(e.to_string(), false)),
            Ok((Err(e), _)) => errors.push(error(e.to_string(), false)),
        }
    }
    // Compose files named by the labels of containers on this host: their texts are
    // sources, so drift findings can show where the service is declared.
    let sources = SourceDb::new();
    let declared = if matches!(client.endpoint().transport, dockward_engine::Transport::Unix(_)) {
        crate::engine_drift::declared_services(&labels, &sources, &mut errors)
    } else {
        vec![None; specs.len()]
    };
    let containers: Vec<dockward_driver::LiveContainer> = specs
        .into_iter()
        .zip(declared)
        .map(|(spec, declared)| dockward_driver::LiveContainer { spec, declared })
        .collect();
    let mut findings = dockward_driver::check_live_containers(&containers, &settings);
    // `--container` narrows the audit to those containers; otherwise the daemon is audited
    // too: from the flags and file it runs with when it runs on this host, else from /info.
    let mut daemon_audited = false;
    if args.containers.is_empty() {
        let local = match &client.endpoint().transport {
            dockward_engine::Transport::Unix(socket) => {
                crate::engine_daemon::local_daemon_spec(socket, daemon.as_ref(), &sources, &mut errors)
            }
            _ => None,
        };
        let audited = match &local {
            Some((process, spec)) => {
                if !args.common.quiet {
                    eprintln!(
                        "dockward: the daemon is dockerd process {} on this host: auditing its command line and {}",
                        process.pid,
                        process.config_file().display()
                    );
                }
                Some(spec)
            }
            None => daemon.as_ref(),
        };
        if let Some(spec) = audited {
            daemon_audited = true;
            findings.splice(0..0, dockward_driver::check_engine_daemon(spec, &settings));
        }
    }
    // Local images, by their configuration (`GET /images/{id}/json`): the image rules a
    // Dockerfile's final stage meets. `--container` narrows the audit to containers.
    let mut images_audited = 0;
    if args.containers.is_empty() && !args.no_images {
        let mut image_findings = Vec::new();
        images_audited =
            crate::engine_images::audit_images(&client, &settings, &mut image_findings, &mut errors, args.common.quiet);
        findings.extend(image_findings);
    }

    let color = args.common.color_enabled();
    let format = Format::from(args.format);
    let mut out = match args.common.open_output() {
        Ok(out) => out,
        Err(message) => return error_exit(&message),
    };
    let baseline = match args.common.open_baseline() {
        Ok(baseline) => baseline,
        Err(message) => return error_exit(&message),
    };
    let writes_baseline = baseline.as_ref().is_some_and(dockward_report::Baseline::is_writing);
    let mut models = vec![dockward_core::ModelKind::Container];
    if daemon_audited {
        models.push(dockward_core::ModelKind::Daemon);
    }
    if images_audited > 0 {
        models.push(dockward_core::ModelKind::Image);
    }
    let mut emitter = Emitter::new(&mut out, format, color)
        .quiet(args.common.quiet)
        .scanned_noun("container", "containers")
        .baseline(baseline)
        .coverage(crate::distribution::coverage(&settings, &models));
    let summary = match emitter
        .findings(&findings, &sources)
        .and_then(|()| emitter.finish(&errors, containers.len()))
    {
        Ok(summary) => summary,
        Err(e) => return crate::output_failed(&e),
    };
    let _ = out.flush();
    crate::distribution::baseline_note(&args.common, writes_baseline, &summary);
    crate::audit_exit(&errors, &summary, &args.common, &settings)
}
