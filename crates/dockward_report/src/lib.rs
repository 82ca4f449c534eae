//! Emitters: turn findings and run errors into text for people and machines.
//!
//! Emitters only format; they never decide what is reported. Line and column numbers are
//! computed here, at the last moment, from byte ranges. Output is streamed: the driver hands
//! over the findings of a batch of files at a time (in a deterministic order), so a scan of
//! 50,000 files never holds every finding or every file's text at once.

mod concise;
mod full;
mod github;
mod json;
mod location;
mod safe;

use dockward_core::{Applicability, Finding, Severity, SourceDb};
use std::io::{self, Write};
use std::path::PathBuf;

pub use location::{Located, locate};
pub use safe::one_line;

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

/// Counts kept while findings stream past, for the summary line and the exit code.
#[derive(Clone, Debug)]
pub struct Summary {
    pub by_severity: [usize; 5],
    pub safe_fixes: usize,
    pub files_scanned: usize,
    /// What was scanned, singular and plural: files, or containers for `dockward engine`.
    pub noun: (&'static str, &'static str),
}

impl Default for Summary {
    fn default() -> Self {
        Self {
            by_severity: [0; 5],
            safe_fixes: 0,
            files_scanned: 0,
            noun: ("file", "files"),
        }
    }
}

impl Summary {
    pub fn total(&self) -> usize {
        self.by_severity.iter().sum()
    }

    /// Whether any finding is at or above `severity`.
    pub fn any_at_or_above(&self, severity: Severity) -> bool {
        self.by_severity[severity as usize..].iter().any(|n| *n > 0)
    }

    fn count(&mut self, findings: &[Finding]) {
        for f in findings {
            self.by_severity[f.severity as usize] += 1;
            if f.fix
                .as_ref()
                .is_some_and(|fix| fix.applicability == Applicability::Safe)
            {
                self.safe_fixes += 1;
            }
        }
    }
}

/// Writes a report piece by piece: `findings` once per batch, then `finish` once.
pub struct Emitter<'a> {
    out: &'a mut dyn Write,
    format: Format,
    color: bool,
    summary: Summary,
    first: bool,
    quiet: bool,
}

impl<'a> Emitter<'a> {
    pub fn new(out: &'a mut dyn Write, format: Format, color: bool) -> Self {
        Self {
            out,
            format,
            color,
            summary: Summary::default(),
            first: true,
            quiet: false,
        }
    }

    /// `--quiet`: findings and errors only, no warnings about skipped files and no
    /// summary line (the JSON report keeps everything: it is read by programs).
    pub fn quiet(mut self, quiet: bool) -> Self {
        self.quiet = quiet;
        self
    }

    /// Names what the count at the end counts ("container", "containers"); files by default.
    pub fn scanned_noun(mut self, singular: &'static str, plural: &'static str) -> Self {
        self.summary.noun = (singular, plural);
        self
    }

    /// Emits a batch of findings, already sorted. Their files must still be in `sources`.
    pub fn findings(&mut self, findings: &[Finding], sources: &SourceDb) -> io::Result<()> {
        if self.first {
            self.first = false;
            if self.format == Format::Json {
                json::begin(self.out)?;
            }
        } else if self.format == Format::Json && !findings.is_empty() && self.summary.total() > 0 {
            self.out.write_all(b",")?;
        }
        self.summary.count(findings);
        match self.format {
            Format::Full => full::findings(self.out, findings, sources, self.color),
            Format::Concise => concise::findings(self.out, findings, sources),
            Format::Json => json::findings(self.out, findings, sources),
            Format::Github => github::findings(self.out, findings, sources),
        }
    }

    /// Emits run errors and the summary; returns the counts.
    pub fn finish(mut self, errors: &[RunError], files_scanned: usize) -> io::Result<Summary> {
        if self.first && self.format == Format::Json {
            json::begin(self.out)?;
        }
        self.summary.files_scanned = files_scanned;
        let kept: Vec<RunError>;
        let errors = if self.quiet && self.format != Format::Json {
            kept = errors.iter().filter(|e| !e.is_warning).cloned().collect();
            &kept
        } else {
            errors
        };
        match self.format {
            Format::Full if self.quiet => full::errors(self.out, errors, self.color)?,
            Format::Full => full::finish(self.out, errors, &self.summary, self.color)?,
            Format::Concise => concise::errors(self.out, errors)?,
            Format::Json => json::finish(self.out, errors, files_scanned, self.summary.noun.1)?,
            Format::Github => github::errors(self.out, errors)?,
        }
        self.out.flush()?;
        Ok(self.summary)
    }
}
