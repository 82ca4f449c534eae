//! ShellCheck for dockward, as hadolint users know it: the shell dockward already reads
//! (Dockerfile RUN bodies in a POSIX-like shell, with their heredocs; shell scripts) is
//! written to a private temporary folder and checked by ONE `shellcheck` process per batch,
//! and each comment ShellCheck makes is mapped back to the exact bytes it is about.
//!
//! The pieces are apart so they can be tested without the binary: [`snippet`] cuts the
//! snippets and maps positions back, [`parse_json1`] reads ShellCheck's output
//! defensively, and [`run`] is the one function that spawns a process. Turning comments
//! into findings (rule identity, severity, suppressions) is the driver's job.

pub mod rule;
pub mod snippet;

pub use snippet::{Shell, Snippet, dockerfile_snippets};

use dockward_core::TextRange;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// ShellCheck's level for a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Style,
    Info,
    Warning,
    Error,
}

impl Level {
    fn parse(s: &str) -> Option<Level> {
        Some(match s {
            "style" => Level::Style,
            "info" => Level::Info,
            "warning" => Level::Warning,
            "error" => Level::Error,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Style => "style",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One ShellCheck comment on one snippet, as it reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// Index of the snippet in the batch.
    pub snippet: usize,
    /// The number after `SC` (2086); always 1000..=9999.
    pub code: u16,
    pub level: Level,
    /// ShellCheck's message with control characters replaced by spaces, at most 1 KiB.
    pub message: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// A comment placed in the source file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub code: u16,
    pub level: Level,
    pub message: String,
    pub range: TextRange,
    /// False when the position could not be mapped and `range` is the snippet's fallback
    /// (its instruction).
    pub mapped: bool,
}

impl Comment {
    /// Places the comment in the source `snippet` was cut from.
    pub fn place(&self, snippet: &Snippet) -> Placed {
        let mapped = snippet.map(self.line, self.column, self.end_line, self.end_column);
        Placed {
            code: self.code,
            level: self.level,
            message: self.message.clone(),
            range: mapped.unwrap_or(snippet.fallback),
            mapped: mapped.is_some(),
        }
    }
}

/// The ShellCheck wiki page of a code.
pub fn wiki_url(code: u16) -> String {
    format!("https://www.shellcheck.net/wiki/SC{code}")
}

#[derive(Deserialize)]
struct RawOutput {
    comments: Vec<RawComment>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawComment {
    file: String,
    line: u32,
    end_line: u32,
    column: u32,
    end_column: u32,
    level: String,
    code: u32,
    message: String,
}

/// The longest message kept (ShellCheck's are one sentence).
const MAX_MESSAGE: usize = 1024;

/// Reads `--format=json1` output. `files` are the names given to ShellCheck, in snippet
/// order; a comment on any other file, with an unknown level or a code outside
/// SC1000–SC9999 is an error rather than a guess.
pub fn parse_json1(output: &[u8], files: &[String]) -> Result<Vec<Comment>, String> {
    let raw: RawOutput =
        serde_json::from_slice(output).map_err(|e| format!("shellcheck printed output that is not its json1: {e}"))?;
    raw.comments
        .into_iter()
        .map(|c| {
            let snippet = files
                .iter()
                .position(|f| *f == c.file)
                .ok_or_else(|| "shellcheck reported on a file it was not given".to_string())?;
            let level = Level::parse(&c.level)
                .ok_or_else(|| format!("shellcheck level `{}` is unknown", c.level.escape_default()))?;
            let code = u16::try_from(c.code)
                .ok()
                .filter(|c| (1000..=9999).contains(c))
                .ok_or_else(|| format!("shellcheck code {} is out of range", c.code))?;
            let mut message: String = c
                .message
                .chars()
                .map(|ch| if ch.is_control() { ' ' } else { ch })
                .collect();
            if message.len() > MAX_MESSAGE {
                let mut cut = MAX_MESSAGE;
                while !message.is_char_boundary(cut) {
                    cut -= 1;
                }
                message.truncate(cut);
                message.push('…');
            }
            Ok(Comment {
                snippet,
                code,
                level,
                message,
                line: c.line,
                column: c.column,
                end_line: c.end_line,
                end_column: c.end_column,
            })
        })
        .collect()
}

/// How to run ShellCheck.
#[derive(Clone, Debug)]
pub struct Options {
    /// The program (`shellcheck`, looked up on PATH).
    pub program: PathBuf,
    /// Codes ShellCheck should not report (`-e`), as numbers.
    pub exclude: Vec<u16>,
    /// The least level reported (`--severity`).
    pub severity: Option<Level>,
    /// A process still running after this is killed and the batch is an error.
    pub timeout: Duration,
    /// Output beyond this many bytes is an error (ShellCheck's json1 for a batch of
    /// snippets is far smaller).
    pub max_output: usize,
    /// Files per process: the argument list stays far below the kernel's limit.
    pub chunk: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            program: PathBuf::from("shellcheck"),
            exclude: Vec::new(),
            severity: None,
            timeout: Duration::from_secs(60),
            max_output: 64 << 20,
            chunk: 512,
        }
    }
}

/// Whether `program` can be found: a path that is a file, or a name on PATH.
pub fn find_program(program: &Path) -> Option<PathBuf> {
    if program.components().count() > 1 {
        return program.is_file().then(|| program.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// Checks `snippets` with one ShellCheck process per chunk; returns every comment, its
/// `snippet` an index into `snippets`. A batch is split into as many chunks as there are
/// cores (and more when a chunk would exceed [`Options::chunk`] files), run side by side:
/// ShellCheck is single-threaded and its time dominates a scan.
pub fn run(snippets: &[&Snippet], options: &Options) -> Result<Vec<Comment>, String> {
    if snippets.is_empty() {
        return Ok(Vec::new());
    }
    // tempfile makes the folder with mode 0700: no other user can read the snippets or
    // swap a file before ShellCheck opens it.
    let dir = tempfile::Builder::new()
        .prefix("dockward-shellcheck-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder for shellcheck: {e}"))?;
    // Names are ours (`s17.sh`): nothing of the scanned file's name reaches the command.
    let names: Vec<String> = (0..snippets.len()).map(|i| format!("s{i}.sh")).collect();
    for (name, snippet) in names.iter().zip(snippets) {
        std::fs::write(dir.path().join(name), &snippet.text)
            .map_err(|e| format!("cannot write a shellcheck snippet: {e}"))?;
    }
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    // Small batches stay in one process: starting ShellCheck costs more than a few snippets.
    let size = snippets.len().div_ceil(cores).max(MIN_CHUNK).min(options.chunk.max(1));
    let chunks: Vec<(usize, &[String])> = names.chunks(size).enumerate().map(|(i, c)| (i * size, c)).collect();
    let mut comments = Vec::new();
    for wave in chunks.chunks(cores) {
        let outputs: Vec<Result<Vec<u8>, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = wave
                .iter()
                .map(|(_, files)| scope.spawn(|| run_one(dir.path(), files, options)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err("a shellcheck runner failed".to_string()))
                })
                .collect()
        });
        for ((base, files), output) in wave.iter().zip(outputs) {
            for mut comment in parse_json1(&output?, files)? {
                comment.snippet += base;
                comments.push(comment);
            }
        }
    }
    Ok(comments)
}

/// The fewest snippets worth a process of their own.
const MIN_CHUNK: usize = 64;

/// One ShellCheck process over `files` (names relative to `dir`): its stdout, capped, or
/// why there is none.
fn run_one(dir: &Path, files: &[String], options: &Options) -> Result<Vec<u8>, String> {
    let mut command = Command::new(&options.program);
    command
        .current_dir(dir)
        .arg("--format=json1")
        .arg("--norc")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if !options.exclude.is_empty() {
        let list: Vec<String> = options.exclude.iter().map(|c| format!("SC{c}")).collect();
        command.arg(format!("--exclude={}", list.join(",")));
    }
    if let Some(level) = options.severity {
        command.arg(format!("--severity={}", level.as_str()));
    }
    // `--` then plain names: a name can never be read as an option.
    command.arg("--").args(files);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", options.program.display()))?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let cap = options.max_output as u64;
    let reader = std::thread::spawn(move || -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        if let Some(stdout) = stdout {
            stdout.take(cap + 1).read_to_end(&mut out)?;
        }
        Ok(out)
    });
    let err_reader = std::thread::spawn(move || {
        let mut err = Vec::new();
        if let Some(stderr) = stderr {
            let _ = stderr.take(4096).read_to_end(&mut err);
        }
        err
    });
    let deadline = Instant::now() + options.timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "shellcheck ran longer than {} s and was stopped",
                    options.timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("cannot wait for shellcheck: {e}")),
        }
    };
    let out = reader
        .join()
        .map_err(|_| "the shellcheck output reader failed".to_string())?
        .map_err(|e| format!("cannot read shellcheck's output: {e}"))?;
    let err = err_reader.join().unwrap_or_default();
    if out.len() as u64 > cap {
        return Err(format!("shellcheck printed more than {} bytes", options.max_output));
    }
    // Exit 1 means "comments found"; anything else without output is a failure.
    if !matches!(status.code(), Some(0 | 1)) {
        let reason: String = String::from_utf8_lossy(&err)
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        return Err(format!("shellcheck failed ({status}): {}", reason.trim()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
