//! Emitters: turn findings and run errors into text for people and machines.
//!
//! Emitters only format; they never decide what is reported. Line and column numbers are
//! computed here, at the last moment, from byte ranges. Output is streamed: the driver hands
//! over the findings of a batch of files at a time (in a deterministic order), so a scan of
//! 50,000 files never holds every finding or every file's text at once.

pub mod baseline;
mod checkstyle;
mod concise;
mod coverage;
mod fingerprint;
mod frame;
mod full;
mod github;
mod gitlab;
mod html;
mod json;
mod junit;
mod location;
mod safe;
mod sarif;
pub mod scorecard;
#[cfg(test)]
mod test_rule;
mod xml;

use dockward_core::{Applicability, Finding, Severity, SourceDb};
use std::io::{self, Write};
use std::path::PathBuf;

pub use baseline::Baseline;
pub use coverage::Coverage;
pub use fingerprint::fingerprint;
pub use location::{Located, locate, locate_provenance};
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
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: a test suite per file, a test case per rule that fired in it.
    Junit,
    /// GitLab code quality report (JSON), shown in merge requests.
    Gitlab,
    /// Checkstyle XML, read by many CI dashboards and editors.
    Checkstyle,
    /// One self-contained HTML page: the checklist scorecard, then the findings.
    Html,
}

impl Format {
    /// Formats written by a [`Stream`] of their own rather than by the functions below.
    fn stream(self) -> Option<Box<dyn Stream>> {
        match self {
            Format::Full | Format::Concise | Format::Json | Format::Github => None,
            Format::Sarif => Some(Box::new(sarif::Sarif::default())),
            Format::Junit => Some(Box::new(junit::Junit::default())),
            Format::Gitlab => Some(Box::new(gitlab::Gitlab::default())),
            Format::Checkstyle => Some(Box::new(checkstyle::Checkstyle)),
            Format::Html => Some(Box::new(html::Html::default())),
        }
    }
}

/// A finding on its way out, with what every machine format needs besides the finding.
pub(crate) struct Item<'f> {
    pub finding: &'f Finding,
    pub at: Located,
    /// See [`fingerprint()`].
    pub fingerprint: String,
}

/// A format that keeps state between batches (SARIF's rule table, the HTML scorecard).
/// Each keeps per finding only what it writes at the end, never a file's text.
pub(crate) trait Stream {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()>;
    fn findings(&mut self, out: &mut dyn Write, items: &[Item<'_>], sources: &SourceDb) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, end: &End<'_>) -> io::Result<()>;
}

/// What the end of a report may say: run errors, counts, what ran.
pub(crate) struct End<'a> {
    pub errors: &'a [RunError],
    pub summary: &'a Summary,
    pub coverage: &'a Coverage,
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
    /// Findings left out because the baseline records them.
    pub baselined: usize,
}

impl Default for Summary {
    fn default() -> Self {
        Self {
            by_severity: [0; 5],
            safe_fixes: 0,
            files_scanned: 0,
            noun: ("file", "files"),
            baselined: 0,
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

    fn count<'f>(&mut self, findings: impl IntoIterator<Item = &'f Finding>) {
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
    stream: Option<Box<dyn Stream>>,
    baseline: Option<Baseline>,
    coverage: Coverage,
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
            stream: format.stream(),
            baseline: None,
            coverage: Coverage::default(),
        }
    }

    /// `--baseline`: findings recorded in it are left out of the report and the counts
    /// (and so the exit code); with a baseline being written, every finding is recorded.
    pub fn baseline(mut self, baseline: Option<Baseline>) -> Self {
        self.baseline = baseline;
        self
    }

    /// Which rules ran, for reports that say what passed (HTML scorecard, JUnit).
    pub fn coverage(mut self, coverage: Coverage) -> Self {
        self.coverage = coverage;
        self
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
            if let Some(stream) = &mut self.stream {
                stream.begin(self.out)?;
            }
        }
        if self.stream.is_none() && self.baseline.is_none() {
            return self.emit(findings, sources);
        }
        // Fingerprints need the file's text, which is still there for this batch only.
        let prints = fingerprint::batch(findings, sources);
        let mut kept: Vec<(usize, String)> = Vec::with_capacity(findings.len());
        for (i, print) in prints.into_iter().enumerate() {
            let known = self
                .baseline
                .as_mut()
                .is_some_and(|b| b.absorb(&findings[i], &print, sources));
            if !known {
                kept.push((i, print));
            }
        }
        if let Some(stream) = &mut self.stream {
            self.summary.count(kept.iter().map(|(i, _)| &findings[*i]));
            let items: Vec<Item<'_>> = kept
                .into_iter()
                .map(|(i, fingerprint)| Item {
                    finding: &findings[i],
                    at: locate(&findings[i], sources),
                    fingerprint,
                })
                .collect();
            return stream.findings(self.out, &items, sources);
        }
        if kept.len() == findings.len() {
            return self.emit(findings, sources);
        }
        let kept: Vec<Finding> = kept.into_iter().map(|(i, _)| findings[i].clone()).collect();
        self.emit(&kept, sources)
    }

    /// The first four formats: counted, then written by their module's functions.
    fn emit(&mut self, findings: &[Finding], sources: &SourceDb) -> io::Result<()> {
        if self.format == Format::Json && !findings.is_empty() && self.summary.total() > 0 {
            self.out.write_all(b",")?;
        }
        self.summary.count(findings);
        self.write(findings, sources)
    }

    fn write(&mut self, findings: &[Finding], sources: &SourceDb) -> io::Result<()> {
        match self.format {
            Format::Full => full::findings(self.out, findings, sources, self.color),
            Format::Concise => concise::findings(self.out, findings, sources),
            Format::Json => json::findings(self.out, findings, sources),
            Format::Github => github::findings(self.out, findings, sources),
            // Written by their stream in `findings`.
            Format::Sarif | Format::Junit | Format::Gitlab | Format::Checkstyle | Format::Html => Ok(()),
        }
    }

    /// Emits run errors and the summary; returns the counts. With a baseline, reports its
    /// stale entries (recorded findings no longer seen) as warnings, and writes it when
    /// it is being written.
    pub fn finish(mut self, errors: &[RunError], files_scanned: usize) -> io::Result<Summary> {
        if self.first {
            if self.format == Format::Json {
                json::begin(self.out)?;
            }
            if let Some(stream) = &mut self.stream {
                stream.begin(self.out)?;
            }
        }
        self.summary.files_scanned = files_scanned;
        let all: Vec<RunError>;
        let mut errors = errors;
        if let Some(baseline) = self.baseline.take() {
            self.summary.baselined = baseline.matched();
            all = errors.iter().cloned().chain(baseline.finish()?).collect();
            errors = &all;
        }
        let kept: Vec<RunError>;
        let keeps_warnings = matches!(self.format, Format::Json | Format::Sarif | Format::Html);
        let errors = if self.quiet && !keeps_warnings {
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
            Format::Sarif | Format::Junit | Format::Gitlab | Format::Checkstyle | Format::Html => {
                if let Some(stream) = &mut self.stream {
                    let end = End {
                        errors,
                        summary: &self.summary,
                        coverage: &self.coverage,
                    };
                    stream.finish(self.out, &end)?;
                }
            }
        }
        self.out.flush()?;
        Ok(self.summary)
    }
}
