//! Emitters: turn sorted findings and run errors into text for people and machines.
//!
//! Emitters only format; they never decide what is reported. Line and column numbers are
//! computed here, at the last moment, from byte ranges.

mod concise;
mod full;
mod github;
mod json;
mod location;

use dockward_core::{Finding, SourceDb};
use std::io::{self, Write};
use std::path::PathBuf;

pub use location::{Located, locate};

/// Output formats the CLI offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// rustc-style frames with the offending source.
    Full,
    /// One line per finding: `path:line:col: severity[CODE] message`.
    Concise,
    Json,
    /// GitHub Actions workflow commands (`::error file=…`), shown as annotations on PRs.
    Github,
}

/// A problem with the run itself rather than with a scanned file's content: unreadable or
/// binary files, invalid configuration. Such errors make the exit code 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunError {
    pub path: PathBuf,
    pub line: Option<u32>,
    pub message: String,
    /// Warnings (a skipped binary file) are shown but do not change the exit code.
    pub is_warning: bool,
}

/// Everything one run has to say.
pub struct Report<'a> {
    /// Findings, already filtered and sorted by the driver.
    pub findings: &'a [Finding],
    pub sources: &'a SourceDb,
    pub errors: &'a [RunError],
    pub files_scanned: usize,
}

pub fn write_report(out: &mut dyn Write, report: &Report<'_>, format: Format, color: bool) -> io::Result<()> {
    match format {
        Format::Full => full::write(out, report, color),
        Format::Concise => concise::write(out, report),
        Format::Json => json::write(out, report),
        Format::Github => github::write(out, report),
    }
}
