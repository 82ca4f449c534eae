//! dockward: the command-line glue. Parsing lives in the parser crates, meaning in the
//! rules crate, formatting in the report crate; this binary wires them together.

mod base_lookup;
mod cli;
mod db_cmd;
mod distribution;
mod engine_cmd;
mod engine_daemon;
mod engine_drift;
mod engine_images;
mod guard_cmd;
mod host_cmd;
mod image_cmd;
mod input_tree;
mod rules_cmd;
mod sbom_cmd;
mod scan;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use cli::{Cli, Command, DebugCommand, ScanArgs, SeverityArg};
use dockward_core::{ConfigError, Settings, Severity};
use dockward_report::{Emitter, Format, RunError};
use std::io::Write;
use std::process::ExitCode;

/// Exit codes: 0 nothing at or above `--fail-on`; 1 something is; 2 usage, configuration or
/// I/O errors.
const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

/// A configuration file is a few hundred bytes; a larger one is not read whole.
const CONFIG_MAX_BYTES: u64 = 1024 * 1024;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(EXIT_ERROR)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Command::Scan(args) => scan_command(&args),
        Command::Engine(args) => engine_cmd::run(&args),
        Command::Host(args) => host_cmd::run(&args),
        Command::Db(command) => db_cmd::run(&command),
        Command::Sbom(args) => sbom_cmd::run_sbom(&args),
        Command::Vulns(args) => sbom_cmd::run_vulns(&args),
        Command::Guard(args) => guard_cmd::run(&args),
        Command::Image(args) => image_cmd::run(&args),
        Command::Rules { format } => rules_cmd::list(format),
        Command::Rule { code } => rules_cmd::explain(&code),
        Command::Debug(DebugCommand::Dockerfile { buildkit, file }) => debug_dockerfile(&file, buildkit),
        Command::Completions { shell } => distribution::completions(shell),
        Command::Man => distribution::man(),
    }
}

fn scan_command(args: &ScanArgs) -> ExitCode {
    let mut settings = match load_scan_settings(args) {
        Ok(settings) => settings,
        Err(error) => {
            print_config_error(&error);
            return ExitCode::from(EXIT_ERROR);
        }
    };
    image_cmd::load_base_images(&mut settings, args.common.quiet);
    base_lookup::install(
        &mut settings,
        args.base_images,
        args.daemon.host_options(),
        args.common.quiet,
    );
    // Shared with the folder walker's threads (for `exclude`).
    let settings = std::sync::Arc::new(settings);
    let forced = args.input_type.map(cli::InputTypeArg::as_str);

    // Standard input stands for one file: its kind comes from --type, the name given with
    // --stdin-filename, or its content.
    let reads_stdin = args.paths.iter().any(|p| p.as_os_str() == "-");
    if args.stdin_filename.is_some() && !reads_stdin {
        eprintln!("error: --stdin-filename names standard input, but `-` is not among the paths");
        return ExitCode::from(EXIT_ERROR);
    }
    if reads_stdin && args.fix {
        eprintln!("error: standard input cannot be fixed in place; use --diff");
        return ExitCode::from(EXIT_ERROR);
    }
    let stdin = if reads_stdin {
        match read_stdin() {
            Ok(text) => Some(scan::Stdin {
                path: args.stdin_filename.clone().unwrap_or_else(|| "-".into()),
                text,
            }),
            Err(message) => {
                eprintln!("error: standard input: {message}");
                return ExitCode::from(EXIT_ERROR);
            }
        }
    } else {
        None
    };

    let mut roots: Vec<std::path::PathBuf> = args.paths.iter().filter(|p| p.as_os_str() != "-").cloned().collect();
    if roots.is_empty() && stdin.is_none() {
        roots.push(".".into());
    }
    let excluding = std::sync::Arc::clone(&settings);
    let is_excluded: dockward_inputs::ExcludeFn = std::sync::Arc::new(move |path| excluding.is_excluded(path));
    let discover_options = dockward_inputs::DiscoverOptions {
        markdown: args.markdown,
        forced,
        is_excluded: Some(is_excluded),
    };
    let (mut targets, discover_errors) = dockward_inputs::discover(&roots, &discover_options);
    let mut early_errors: Vec<RunError> = discover_errors
        .into_iter()
        .map(|e| RunError {
            path: e.path,
            line: None,
            message: e.message,
            is_warning: e.is_warning,
        })
        .collect();
    if let Some(stdin) = &stdin {
        match dockward_inputs::explicit_kind(&stdin.path, Some(&stdin.text), forced) {
            Ok(kind) => targets.push(dockward_inputs::Target {
                path: stdin.path.clone(),
                kind,
            }),
            Err(message) => early_errors.push(RunError {
                path: stdin.path.clone(),
                line: None,
                message,
                is_warning: false,
            }),
        }
    }
    if targets.is_empty() && early_errors.is_empty() && !args.common.quiet {
        let names: Vec<String> = roots.iter().map(|r| r.display().to_string()).collect();
        eprintln!(
            "dockward: no Dockerfile, Compose file, script or daemon.json found in {}",
            names.join(", ")
        );
    }

    let options = scan::ScanOptions {
        settings: &settings,
        fix: args.fix,
        diff: args.diff,
        unsafe_fixes: args.unsafe_fixes,
        target: args.target.as_deref(),
        stdin: stdin.as_ref(),
        scope: dockward_driver::fix::WriteScope::new(&roots),
    };
    let color = args.common.color_enabled();
    let format = Format::from(args.format);
    let mut out = match args.common.open_output() {
        Ok(out) => out,
        Err(message) => return crate::error_exit(&message),
    };
    // With --diff the diff is the output; with --statistics the table replaces findings.
    let mut sink = std::io::sink();
    let report_out: &mut dyn Write = if args.diff || args.statistics {
        &mut sink
    } else {
        &mut out
    };
    let baseline = match args.common.open_baseline() {
        Ok(baseline) => baseline,
        Err(message) => return crate::error_exit(&message),
    };
    let writes_baseline = baseline.as_ref().is_some_and(dockward_report::Baseline::is_writing);
    let mut emitter = Emitter::new(report_out, format, color)
        .quiet(args.common.quiet)
        .baseline(baseline)
        .coverage(distribution::coverage(&settings, &scan_models(&targets)));
    let mut diff_buffer = Vec::new();
    let result = scan::run(&targets, &options, &mut emitter, &mut diff_buffer).and_then(|mut outcome| {
        outcome.errors.splice(0..0, early_errors);
        let shown: Vec<RunError> = if args.diff || args.statistics {
            Vec::new()
        } else {
            outcome.errors.clone()
        };
        let summary = emitter.finish(&shown, outcome.files_scanned)?;
        Ok((summary, outcome))
    });
    let (summary, outcome) = match result {
        Ok(r) => r,
        Err(e) => return crate::output_failed(&e),
    };
    let failed = outcome.errors.iter().any(|e| !e.is_warning);
    distribution::baseline_note(&args.common, writes_baseline, &summary);
    if args.diff || args.statistics {
        if args.diff {
            let _ = out.write_all(&diff_buffer);
        } else {
            let _ = print_statistics(&mut out, &outcome);
        }
        for error in outcome.errors.iter().filter(|e| !(args.common.quiet && e.is_warning)) {
            eprintln!("{}: {}", error.path.display(), error.message);
        }
    }
    let _ = out.flush();
    if args.fix && outcome.fixed_files > 0 && !args.common.quiet {
        let s = |n: usize| if n == 1 { "" } else { "s" };
        eprintln!(
            "dockward: applied {} fix{} to {} file{}",
            outcome.fixes_applied,
            if outcome.fixes_applied == 1 { "" } else { "es" },
            outcome.fixed_files,
            s(outcome.fixed_files)
        );
    }
    if failed {
        ExitCode::from(EXIT_ERROR)
    } else if args.diff {
        ExitCode::from(u8::from(outcome.diffs > 0))
    } else if !args.common.exit_zero && summary.any_at_or_above(settings.fail_on) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// The models a scan's inputs produce, for the report's account of which rules ran.
fn scan_models(targets: &[dockward_inputs::Target]) -> Vec<dockward_core::ModelKind> {
    use dockward_core::ModelKind;
    use dockward_inputs::InputKind;
    let mut models = vec![ModelKind::Meta];
    for target in targets {
        let produced: &[ModelKind] = match target.kind {
            InputKind::Dockerfile => &[ModelKind::Build],
            InputKind::Compose => &[ModelKind::Container, ModelKind::Topology],
            InputKind::Script(_) => &[ModelKind::Container],
            InputKind::Daemon => &[ModelKind::Daemon],
        };
        for model in produced {
            if !models.contains(model) {
                models.push(*model);
            }
        }
    }
    models
}

/// `--statistics`: one line per rule that fired, most frequent first.
fn print_statistics(out: &mut dyn Write, outcome: &scan::ScanOutcome) -> std::io::Result<()> {
    let mut rows: Vec<_> = outcome.per_rule.values().collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.code.cmp(b.1.code)));
    for (count, rule, fixable) in rows {
        let fix = if *fixable > 0 { " [fixable]" } else { "" };
        writeln!(
            out,
            "{count:>6}  {:<6} {:<9} {}{fix}",
            rule.code,
            rule.severity.as_str(),
            rule.name
        )?;
    }
    let total: usize = outcome.per_rule.values().map(|r| r.0).sum();
    writeln!(out, "{total:>6}  in {} files", outcome.files_scanned)
}

/// Standard input, read with the same cap as a file.
fn read_stdin() -> Result<String, String> {
    use std::io::Read;
    let cap = dockward_inputs::MAX_FILE_BYTES;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > cap {
        return Err(format!("over the {cap}-byte limit"));
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn severity_of(arg: SeverityArg) -> Severity {
    match arg {
        SeverityArg::Info => Severity::Info,
        SeverityArg::Low => Severity::Low,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::High => Severity::High,
        SeverityArg::Critical => Severity::Critical,
    }
}

/// Settings for `scan`: the configuration nearest to the first path (standard input is
/// configured as the file it stands for), then `--exclude` on top.
fn load_scan_settings(args: &ScanArgs) -> Result<Settings, ConfigError> {
    let start = match args.paths.first() {
        Some(p) if p.as_os_str() == "-" => args
            .stdin_filename
            .as_ref()
            .and_then(|n| n.parent())
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| ".".into(), std::path::Path::to_path_buf),
        Some(p) => p.clone(),
        None => ".".into(),
    };
    let mut settings = load_settings(&args.common, &start)?;
    settings.extend_exclude(&args.exclude).map_err(command_line_error)?;
    if args.shellcheck || args.no_shellcheck {
        settings.shellcheck.enabled = args.shellcheck;
    }
    Ok(settings)
}

/// Settings from `--config`, or the nearest configuration file at or above `start`, then
/// the command line's rule selection and `--fail-on` on top. Every command reads them so.
pub(crate) fn load_settings(common: &cli::CommonArgs, start: &std::path::Path) -> Result<Settings, ConfigError> {
    let rules = dockward_rules::all_rules();
    let path = if common.isolated {
        None
    } else {
        common.config.clone().or_else(|| Settings::discover(start))
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
    settings
        .apply_command_line(&common.select, &common.ignore, rules)
        .map_err(command_line_error)?;
    settings
        .extend_selection(&common.extend_select, rules)
        .map_err(command_line_error)?;
    if let Some(fail_on) = common.fail_on {
        settings.fail_on = severity_of(fail_on);
    }
    if let Some(min) = common.min_confidence {
        settings.min_confidence = match min {
            cli::ConfidenceArg::Low => dockward_core::Confidence::Low,
            cli::ConfidenceArg::High => dockward_core::Confidence::High,
        };
    }
    Ok(settings)
}

fn command_line_error(message: String) -> ConfigError {
    ConfigError {
        path: "<command line>".into(),
        range: None,
        message,
    }
}

fn print_config_error(error: &ConfigError) {
    use annotate_snippets::{Level, Renderer, Snippet};
    let text = dockward_inputs::read_text(&error.path, CONFIG_MAX_BYTES).unwrap_or_default();
    let origin = error.path.display().to_string();
    let title = format!("invalid configuration: {}", error.message);
    let mut message = Level::Error.title(&title);
    if let Some(range) = error.range.filter(|r| (r.end as usize) <= text.len()) {
        message = message.snippet(
            Snippet::source(&text)
                .origin(&origin)
                .fold(true)
                .annotation(Level::Error.span(range.as_usize_range()).label(&error.message)),
        );
    } else {
        message = message.footer(Level::Note.title(&origin));
    }
    anstream::eprintln!("{}", Renderer::styled().render(message));
}

fn debug_dockerfile(path: &std::path::Path, buildkit: bool) -> ExitCode {
    let text = match dockward_inputs::read_text(path, dockward_inputs::MAX_FILE_BYTES) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let dockerfile = dockward_dockerfile::parse(&text);
    if buildkit {
        match dockward_dockerfile::dump_buildkit(&dockerfile) {
            Ok(dump) => {
                print!("{dump}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                let index = dockward_core::LineIndex::new(&text);
                let at = index.line_col(error.range.start, &text);
                eprintln!("error: {}:{}:{}: {}", path.display(), at.line, at.column, error.message);
                ExitCode::from(EXIT_ERROR)
            }
        }
    } else {
        println!("{dockerfile:#?}");
        ExitCode::SUCCESS
    }
}

/// Prints `error: MESSAGE` and returns the exit code of a run that could not be made
/// (usage, configuration or I/O): 2.
pub fn error_exit(message: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_ERROR)
}

/// The exit code when the report could not be written: a reader that went away (`| head`)
/// is not a failure; anything else is 2.
pub fn output_failed(e: &std::io::Error) -> ExitCode {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        ExitCode::SUCCESS
    } else {
        error_exit(&format!("cannot write output: {e}"))
    }
}

/// Writes an audit's findings (`image`, `vulns`) in the chosen format to the chosen output
/// and returns its exit code; `noun` names what was scanned in the summary.
#[allow(clippy::too_many_arguments)]
pub fn report_audit(
    common: &cli::CommonArgs,
    format: Format,
    noun: (&'static str, &'static str),
    findings: &[dockward_core::Finding],
    sources: &dockward_core::SourceDb,
    notes: &[RunError],
    scanned: usize,
    settings: &Settings,
) -> ExitCode {
    let mut out = match common.open_output() {
        Ok(out) => out,
        Err(message) => return error_exit(&message),
    };
    let mut emitter = Emitter::new(&mut out, format, common.color_enabled())
        .quiet(common.quiet)
        .scanned_noun(noun.0, noun.1);
    let summary = emitter
        .findings(findings, sources)
        .and_then(|()| emitter.finish(notes, scanned));
    let summary = match summary {
        Ok(summary) => summary,
        Err(e) => return output_failed(&e),
    };
    let _ = out.flush();
    audit_exit(notes, &summary, common, settings)
}

/// The exit code of an audit (`engine`, `image`, `vulns`): 2 when something could not be
/// read, 1 when a finding is at or above `--fail-on` (unless `--exit-zero`), else 0.
pub fn audit_exit(
    errors: &[dockward_report::RunError],
    summary: &dockward_report::Summary,
    common: &cli::CommonArgs,
    settings: &dockward_core::Settings,
) -> ExitCode {
    if errors.iter().any(|e| !e.is_warning) {
        ExitCode::from(EXIT_ERROR)
    } else if !common.exit_zero && summary.any_at_or_above(settings.fail_on) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}
