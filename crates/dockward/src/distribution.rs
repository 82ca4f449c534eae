//! What a team needs to adopt dockward: shell completions and a manual page generated from
//! the command-line definition, and the report plumbing shared by the auditing commands
//! (which rules ran, the baseline note).

use crate::cli::{Cli, CommonArgs};
use clap::CommandFactory;
use dockward_core::{ModelKind, Settings};
use dockward_report::{Coverage, Summary};
use std::process::ExitCode;

/// `dockward completions SHELL`: the completion script on standard output.
pub fn completions(shell: clap_complete::Shell) -> ExitCode {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "dockward", &mut std::io::stdout());
    ExitCode::SUCCESS
}

/// `dockward man`: the manual page (roff) on standard output. clap_mangen writes the page
/// of `dockward` itself; each auditing command's options follow in a section of its own,
/// so one page documents every flag.
pub fn man() -> ExitCode {
    let command = Cli::command();
    let mut page = Vec::new();
    let rendered = clap_mangen::Man::new(command.clone()).render(&mut page);
    if let Err(e) = rendered {
        eprintln!("error: cannot render the manual page: {e}");
        return ExitCode::from(crate::EXIT_ERROR);
    }
    let mut page = String::from_utf8_lossy(&page).into_owned();
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "debug")
    {
        page.push_str(&format!(".SH \"DOCKWARD {}\"\n", sub.get_name().to_uppercase()));
        if let Some(about) = sub.get_about() {
            page.push_str(&format!(".PP\n{}\n", roff(&about.to_string())));
        }
        for arg in sub.get_arguments().filter(|a| !a.is_hide_set()) {
            let mut names = Vec::new();
            if let Some(short) = arg.get_short() {
                names.push(format!("\\fB\\-{short}\\fR"));
            }
            if let Some(long) = arg.get_long() {
                names.push(format!("\\fB\\-\\-{}\\fR", roff(long)));
            }
            let value = arg
                .get_value_names()
                .and_then(|v| v.first())
                .map(|v| format!(" \\fI{}\\fR", roff(v)))
                .filter(|_| arg.get_action().takes_values())
                .unwrap_or_default();
            let head = if names.is_empty() {
                format!("\\fI{}\\fR", roff(&arg.get_id().to_string().to_uppercase()))
            } else {
                format!("{}{value}", names.join(", "))
            };
            let help = arg.get_help().map(|h| roff(&h.to_string())).unwrap_or_default();
            page.push_str(&format!(".TP\n{head}\n{help}\n"));
        }
    }
    use std::io::Write;
    match std::io::stdout().lock().write_all(page.as_bytes()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the manual page: {e}");
            ExitCode::from(crate::EXIT_ERROR)
        }
    }
}

/// Text for roff: backslashes and hyphens escaped, no line starting with a control dot.
fn roff(text: &str) -> String {
    text.replace('\\', "\\e")
        .replace('-', "\\-")
        .lines()
        .map(|line| {
            if line.starts_with(['.', '\'']) {
                format!("\\&{line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rules that ran: enabled in `settings` and reading one of `models`.
pub fn coverage(settings: &Settings, models: &[ModelKind]) -> Coverage {
    Coverage::new(dockward_rules::all_rules(), |r| settings.is_enabled(r), models)
}

/// After a run that wrote the baseline: says where and how much, on standard error.
pub fn baseline_note(common: &CommonArgs, wrote: bool, summary: &Summary) {
    if let (true, Some(path), false) = (wrote, &common.baseline, common.quiet) {
        eprintln!(
            "dockward: recorded {} finding{} in the baseline {}",
            summary.baselined,
            if summary.baselined == 1 { "" } else { "s" },
            path.display()
        );
    }
}
