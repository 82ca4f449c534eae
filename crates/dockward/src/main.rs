//! dockward: the command-line glue. Parsing lives in the parser crates, meaning in the
//! rules crate, formatting in the report crate; this binary wires them together.

mod cli;
mod discover;
mod rules_cmd;
mod scan;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use cli::{Cli, ColorChoice, Command, DebugCommand, OutputFormat, ScanArgs, SeverityArg};
use dockward_core::{ConfigError, Settings, Severity};
use dockward_report::{Emitter, Format};
use std::io::Write;
use std::process::ExitCode;

/// Exit codes: 0 nothing at or above `--fail-on`; 1 something is; 2 usage, configuration or
/// I/O errors.
const EXIT_FINDINGS: u8 = 1;
const EXIT_ERROR: u8 = 2;

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
        Command::Rules { format } => rules_cmd::list(format),
        Command::Rule { code } => rules_cmd::explain(&code),
        Command::Debug(DebugCommand::Dockerfile { buildkit, file }) => debug_dockerfile(&file, buildkit),
    }
}

fn scan_command(args: &ScanArgs) -> ExitCode {
    let mut settings = match load_settings(args) {
        Ok(settings) => settings,
        Err(error) => {
            print_config_error(&error);
            return ExitCode::from(EXIT_ERROR);
        }
    };
    if let Some(fail_on) = args.fail_on {
        settings.fail_on = severity_of(fail_on);
    }
    let options = scan::ScanOptions {
        settings: &settings,
        fix: args.fix,
        diff: args.diff,
        unsafe_fixes: args.unsafe_fixes,
        target: args.target.as_deref(),
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never,
    };
    let format = match args.format {
        OutputFormat::Full => Format::Full,
        OutputFormat::Concise => Format::Concise,
        OutputFormat::Json => Format::Json,
        OutputFormat::Github => Format::Github,
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    // With --diff the report is not printed: the diff is the output.
    let mut sink = std::io::sink();
    let report_out: &mut dyn Write = if args.diff { &mut sink } else { &mut out };
    let mut emitter = Emitter::new(report_out, format, color);
    let mut diff_buffer = Vec::new();
    let result =
        scan::run(args, &options, &mut emitter, &mut diff_buffer).and_then(|(files_scanned, errors, diffs)| {
            let summary = emitter.finish(if args.diff { &[] } else { &errors }, files_scanned)?;
            Ok((summary, errors, diffs))
        });
    let (summary, errors, diffs) = match result {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    if args.diff {
        let _ = out.write_all(&diff_buffer);
        let _ = out.flush();
        for error in &errors {
            eprintln!("{}: {}", error.path.display(), error.message);
        }
        return if errors.iter().any(|e| !e.is_warning) {
            ExitCode::from(EXIT_ERROR)
        } else {
            ExitCode::from(u8::from(diffs > 0))
        };
    }
    let _ = out.flush();
    if errors.iter().any(|e| !e.is_warning) {
        ExitCode::from(EXIT_ERROR)
    } else if summary.any_at_or_above(settings.fail_on) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
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

/// Settings from `--config`, or the nearest configuration file above the first path, then
/// `--select`/`--ignore` from the command line on top.
fn load_settings(args: &ScanArgs) -> Result<Settings, ConfigError> {
    let rules = dockward_rules::all_rules();
    let path = if args.isolated {
        None
    } else if let Some(path) = &args.config {
        Some(path.clone())
    } else {
        let start = args.paths.first().cloned().unwrap_or_else(|| ".".into());
        Settings::discover(&start)
    };
    let mut settings = match &path {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
                path: path.clone(),
                range: None,
                message: format!("cannot read configuration: {e}"),
            })?;
            Settings::parse(path, &text, rules)?
        }
        None => Settings::default(),
    };
    settings
        .apply_command_line(&args.select, &args.ignore, rules)
        .map_err(|message| ConfigError {
            path: "<command line>".into(),
            range: None,
            message,
        })?;
    Ok(settings)
}

fn print_config_error(error: &ConfigError) {
    use annotate_snippets::{Level, Renderer, Snippet};
    let text = std::fs::read_to_string(&error.path).unwrap_or_default();
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
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
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
