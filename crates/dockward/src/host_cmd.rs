//! `dockward host`: audit the host dockerd runs on (CIS sections 1.1 and 3, and content
//! trust) from a filesystem root.

use crate::cli::{CommonArgs, OutputFormat};
use crate::{EXIT_ERROR, EXIT_FINDINGS, print_config_error};
use clap::Args;
use dockward_core::SourceDb;
use dockward_inputs::host::{HostOptions, read_host};
use dockward_model::host::{FileState, HostSpec};
use dockward_report::{Emitter, Format, RunError};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct HostArgs {
    /// The filesystem root to audit: `/` for this machine, or a folder holding a copy of a
    /// host (a mounted disk image). Links inside it are resolved inside it.
    #[arg(long, value_name = "DIR", default_value = "/")]
    pub root: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub common: CommonArgs,
}

pub fn run(args: &HostArgs) -> ExitCode {
    let settings = match crate::load_settings(&args.common, std::path::Path::new(".")) {
        Ok(settings) => settings,
        Err(error) => {
            print_config_error(&error);
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match std::fs::metadata(&args.root) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            eprintln!("error: --root {}: not a folder", args.root.display());
            return ExitCode::from(EXIT_ERROR);
        }
        Err(e) => {
            eprintln!("error: --root {}: {e}", args.root.display());
            return ExitCode::from(EXIT_ERROR);
        }
    }
    let live = std::fs::canonicalize(&args.root).is_ok_and(|r| r == Path::new("/"));
    let uid = effective_uid();
    let options = HostOptions {
        root: args.root.clone(),
        // The environment dockward runs in is the audited host's only when that host is
        // this machine.
        content_trust_env: if live {
            std::env::var(dockward_model::host::CONTENT_TRUST_VARIABLE).ok()
        } else {
            None
        },
        run_auditctl: live && uid == Some(0),
    };
    let sources = SourceDb::new();
    let spec = read_host(&options, &sources);
    let findings = dockward_driver::check_host(&spec, &settings, &sources);

    let color = args.common.color_enabled();
    let format = Format::from(args.format);
    let mut out = match args.common.open_output() {
        Ok(out) => out,
        Err(message) => return crate::error_exit(&message),
    };
    // What could not be read is a warning: the audit is incomplete, not wrong.
    let gaps: Vec<RunError> = spec
        .gaps
        .iter()
        .map(|gap| RunError {
            path: gap.path.clone().into(),
            line: None,
            message: format!("could not read: {}", gap.reason),
            is_warning: true,
        })
        .collect();
    let baseline = match args.common.open_baseline() {
        Ok(baseline) => baseline,
        Err(message) => return crate::error_exit(&message),
    };
    let writes_baseline = baseline.as_ref().is_some_and(dockward_report::Baseline::is_writing);
    let mut emitter = Emitter::new(&mut out, format, color)
        .quiet(args.common.quiet)
        .baseline(baseline)
        .coverage(crate::distribution::coverage(
            &settings,
            &[dockward_core::ModelKind::Host],
        ));
    let summary = emitter
        .findings(&findings, &sources)
        .and_then(|()| emitter.finish(&gaps, examined(&spec)));
    let summary = match summary {
        Ok(summary) => summary,
        Err(e) => return crate::output_failed(&e),
    };
    drop(out);
    crate::distribution::baseline_note(&args.common, writes_baseline, &summary);
    if !spec.gaps.is_empty() && !args.common.quiet {
        let who = match uid {
            Some(0) => String::new(),
            Some(uid) => format!(" (running as uid {uid}, not root: run as root for a complete audit)"),
            None => String::new(),
        };
        let (paths, them) = match spec.gaps.len() {
            1 => ("1 path".to_string(), "it"),
            n => (format!("{n} paths"), "them"),
        };
        eprintln!("dockward host: {paths} could not be read{who}; checks of {them} were skipped");
        if format != Format::Full && format != Format::Concise {
            // JSON and GitHub output carry the list in the report; say it here too.
            for gap in &spec.gaps {
                eprintln!("  {}: {}", gap.path, gap.reason);
            }
        }
    }
    if !args.common.exit_zero && summary.any_at_or_above(settings.fail_on) {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

/// The files and folders that were there to judge, for the summary line.
fn examined(spec: &HostSpec) -> usize {
    let present = |state: &FileState| matches!(state, FileState::Present(_));
    let files = spec.files.iter().filter(|f| present(&f.state));
    let audited = spec
        .audit_targets
        .iter()
        .filter(|t| present(&t.state) && !spec.files.iter().any(|f| f.path == t.path));
    files.count() + audited.count()
}

/// The effective user id, from `/proc/self` (owned by it); `None` where there is no procfs.
fn effective_uid() -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").ok().map(|m| m.uid())
}
