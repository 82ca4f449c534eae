//! `--baseline FILE`: adopt dockward on a repository with findings without fixing them all
//! first. The baseline records the findings of today by [fingerprint](crate::fingerprint);
//! later runs report (and fail on) only findings it does not record, and say which
//! recorded findings are gone, so the file can be refreshed.
//!
//! ```json
//! { "dockward_baseline": 1,
//!   "findings": [ { "fingerprint": "3f…", "code": "DW101", "path": "Dockerfile",
//!                   "line": 9, "message": "…" } ] }
//! ```
//!
//! Only `fingerprint` is matched; the other fields are for the people reviewing the file
//! and for the stale-entry warnings. Matching counts: a baseline with one entry absorbs one
//! finding with that fingerprint, not every one.

use crate::{RunError, locate};
use dockward_core::{Finding, SourceDb};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The version field's value; a file with another is refused rather than misread.
const VERSION: u32 = 1;

/// A baseline larger than this is not read (a million findings is a few hundred MB less).
const MAX_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub fingerprint: String,
    pub code: String,
    pub path: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default)]
    pub message: String,
}

#[derive(Serialize)]
struct File<'a> {
    dockward_baseline: u32,
    findings: &'a [Entry],
}

/// What reading needs of an entry: borrowed from the file's bytes, the message skipped.
#[derive(Deserialize)]
struct EntryRef<'a> {
    #[serde(borrow)]
    fingerprint: Cow<'a, str>,
    #[serde(borrow)]
    code: Cow<'a, str>,
    #[serde(borrow)]
    path: Cow<'a, str>,
    #[serde(default)]
    line: Option<u32>,
}

#[derive(Deserialize)]
struct FileRef<'a> {
    dockward_baseline: u32,
    #[serde(borrow)]
    findings: Vec<EntryRef<'a>>,
}

/// An entry being matched: what a stale-entry warning says. Paths are shared between the
/// entries of a file, so a baseline of many findings in few files stays small.
#[derive(Debug)]
struct Recorded {
    code: Arc<str>,
    path: Arc<str>,
    line: Option<u32>,
}

/// An open baseline: being read (findings it records are absorbed) or being written
/// (every finding is recorded, and absorbed: a fresh baseline makes a passing run).
#[derive(Debug)]
pub struct Baseline {
    path: PathBuf,
    mode: Mode,
    matched: usize,
}

#[derive(Debug)]
enum Mode {
    /// Entries by fingerprint (as a number: a baseline of a million findings is read into
    /// a few dozen bytes per entry), each list consumed as findings match.
    Read(HashMap<u128, Vec<Recorded>>),
    Write(Vec<Entry>),
}

impl Baseline {
    /// Opens `path`: read when it exists and `rewrite` is false, otherwise to be written
    /// when the run finishes. `Err` names the file and what is wrong with it.
    pub fn open(path: &Path, rewrite: bool) -> Result<Self, String> {
        let mode = if rewrite || !path.exists() {
            Mode::Write(Vec::new())
        } else {
            Mode::Read(read(path)?)
        };
        Ok(Self {
            path: path.to_path_buf(),
            mode,
            matched: 0,
        })
    }

    /// Whether the run writes this baseline rather than reads it.
    pub fn is_writing(&self) -> bool {
        matches!(self.mode, Mode::Write(_))
    }

    /// Findings recorded (when writing) or matched (when reading) so far.
    pub fn matched(&self) -> usize {
        self.matched
    }

    /// Whether the baseline accounts for `finding`; such findings are not reported.
    pub(crate) fn absorb(&mut self, finding: &Finding, fingerprint: &str, sources: &SourceDb) -> bool {
        match &mut self.mode {
            Mode::Read(entries) => {
                let Some(list) = u128::from_str_radix(fingerprint, 16)
                    .ok()
                    .and_then(|key| entries.get_mut(&key))
                    .filter(|l| !l.is_empty())
                else {
                    return false;
                };
                list.pop();
                self.matched += 1;
                true
            }
            Mode::Write(entries) => {
                let at = locate(finding, sources);
                entries.push(Entry {
                    fingerprint: fingerprint.to_string(),
                    code: finding.rule.code.to_string(),
                    path: at.path.display().to_string(),
                    line: (at.line > 0).then_some(at.line),
                    message: finding.message.clone(),
                });
                self.matched += 1;
                true
            }
        }
    }

    /// Ends the run: writes the baseline being written; for one being read, returns a
    /// warning per entry no finding matched.
    pub(crate) fn finish(self) -> io::Result<Vec<RunError>> {
        match self.mode {
            Mode::Write(mut entries) => {
                entries.sort_by(|a, b| (&a.path, a.line, &a.code).cmp(&(&b.path, b.line, &b.code)));
                write(&self.path, &entries).map_err(|e| {
                    io::Error::new(e.kind(), format!("cannot write baseline {}: {e}", self.path.display()))
                })?;
                Ok(Vec::new())
            }
            Mode::Read(entries) => {
                let mut stale: Vec<(u128, Recorded)> = entries
                    .into_iter()
                    .flat_map(|(key, list)| list.into_iter().map(move |r| (key, r)))
                    .collect();
                stale.sort_by(|(_, a), (_, b)| (&a.path, a.line, &a.code).cmp(&(&b.path, b.line, &b.code)));
                Ok(stale
                    .into_iter()
                    .map(|(key, e)| RunError {
                        path: self.path.clone(),
                        line: None,
                        message: format!(
                            "stale baseline entry: {} in {}{} no longer found ({}); refresh with --write-baseline",
                            e.code,
                            e.path,
                            e.line.map(|l| format!(" (line {l} when recorded)")).unwrap_or_default(),
                            format_args!("{key:032x}")
                        ),
                        is_warning: true,
                    })
                    .collect())
            }
        }
    }
}

fn read(path: &Path) -> Result<HashMap<u128, Vec<Recorded>>, String> {
    let bytes = dockward_core::fs::read_regular_file(path, MAX_BYTES)
        .map_err(|e| format!("baseline {}: {e}", path.display()))?;
    let file: FileRef<'_> = serde_json::from_slice(&bytes)
        .map_err(|e| format!("baseline {}: not a dockward baseline: {e}", path.display()))?;
    if file.dockward_baseline != VERSION {
        return Err(format!(
            "baseline {}: version {} (this dockward reads version {VERSION}); write it again with --write-baseline",
            path.display(),
            file.dockward_baseline
        ));
    }
    // Paths and codes repeat across entries: each is held once.
    let mut names: HashMap<&str, Arc<str>> = HashMap::new();
    let mut entries: HashMap<u128, Vec<Recorded>> = HashMap::with_capacity(file.findings.len());
    for entry in &file.findings {
        let key = u128::from_str_radix(&entry.fingerprint, 16).map_err(|_| {
            format!(
                "baseline {}: `{}` is not a fingerprint (32 hexadecimal digits)",
                path.display(),
                entry.fingerprint
            )
        })?;
        let code = intern(&mut names, &entry.code);
        let path = intern(&mut names, &entry.path);
        entries.entry(key).or_default().push(Recorded {
            code,
            path,
            line: entry.line,
        });
    }
    Ok(entries)
}

fn intern<'a>(names: &mut HashMap<&'a str, Arc<str>>, name: &'a str) -> Arc<str> {
    names.entry(name).or_insert_with(|| Arc::from(name)).clone()
}

/// Written next to the target and renamed over it, so an interrupted run leaves the old
/// baseline whole.
fn write(path: &Path, entries: &[Entry]) -> io::Result<()> {
    let file = File {
        dockward_baseline: VERSION,
        findings: entries,
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut out = io::BufWriter::new(std::fs::File::create(&tmp)?);
        serde_json::to_writer_pretty(&mut out, &file).map_err(io::Error::other)?;
        io::Write::write_all(&mut out, b"\n")?;
        io::Write::flush(&mut out)?;
    }
    std::fs::rename(&tmp, path)
}
