//! Shell snippets: what dockward hands ShellCheck, and the map from each snippet byte back
//! to the file it came from.
//!
//! A snippet is a small shell script of its own: a header dockward writes (the shell
//! directive and the names the stage defines), then runs of the source. Each run is either
//! a continuation-joined logical line (whose own map, [`LogicalText::pieces`], says where
//! every byte came from, whatever the escape character) or verbatim source (a heredoc
//! body). Offsets in the header map nowhere: a finding there is placed at the instruction.

use dockward_core::TextRange;
use dockward_dockerfile::{Arguments, Dockerfile, Heredoc, Instruction, Keyword, LogicalText};

/// A shell ShellCheck knows, named as its `shell=` directive takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shell {
    Sh,
    Bash,
    Dash,
    Ksh,
    Busybox,
}

impl Shell {
    pub fn as_str(self) -> &'static str {
        match self {
            Shell::Sh => "sh",
            Shell::Bash => "bash",
            Shell::Dash => "dash",
            Shell::Ksh => "ksh",
            Shell::Busybox => "busybox",
        }
    }

    /// The shell a program path or name stands for (`/bin/bash` → bash); `None` for a
    /// shell ShellCheck does not read (powershell, cmd, zsh, fish, python…).
    pub fn from_program(program: &str) -> Option<Shell> {
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        Some(match name {
            "sh" | "ash" => Shell::Sh,
            "bash" => Shell::Bash,
            "dash" => Shell::Dash,
            "ksh" | "mksh" | "ksh93" | "pdksh" => Shell::Ksh,
            "busybox" => Shell::Busybox,
            _ => return None,
        })
    }

    /// The shell a `#!` line names (`#!/usr/bin/env bash`, `#!/bin/sh -e`); `None` for a
    /// line that is not a shebang or names another interpreter.
    pub fn from_shebang(line: &str) -> Option<Shell> {
        let rest = line.strip_prefix("#!")?.trim();
        let mut words = rest.split_whitespace();
        let mut program = words.next()?;
        if program.rsplit('/').next() == Some("env") {
            program = words.find(|w| !w.starts_with('-'))?;
        }
        Shell::from_program(program)
    }

    /// Reads the `shell` setting (`sh`, `bash`, `dash`, `ksh`, `busybox`).
    pub fn parse(name: &str) -> Option<Shell> {
        match name {
            "sh" => Some(Shell::Sh),
            "bash" => Some(Shell::Bash),
            "dash" => Some(Shell::Dash),
            "ksh" => Some(Shell::Ksh),
            "busybox" => Some(Shell::Busybox),
            _ => None,
        }
    }
}

/// One run of snippet bytes and where they came from.
#[derive(Clone, Debug)]
struct Run {
    /// Offset of the run in the snippet.
    at: usize,
    len: usize,
    /// Offset of its first byte in the source (runs never cross a seam).
    source: usize,
}

/// A shell script cut from a file, with its map back to that file.
#[derive(Clone, Debug)]
pub struct Snippet {
    pub shell: Shell,
    /// The script as written to ShellCheck.
    pub text: String,
    runs: Vec<Run>,
    /// Where a finding that cannot be mapped is placed: the instruction (a Dockerfile) or
    /// the file's first line (a script).
    pub fallback: TextRange,
}

impl Snippet {
    fn new(shell: Shell, defined: &[String], fallback: TextRange) -> Self {
        // Files a RUN sources live in the image, never beside the Dockerfile: ShellCheck
        // cannot follow them (SC1091), nor a computed path (SC1090, which hadolint turns
        // off too).
        let mut text = format!("# shellcheck shell={} disable=SC1090,SC1091\n", shell.as_str());
        // The stage's ARG and ENV names are set when the RUN runs: without them ShellCheck
        // would call every lower-case one "referenced but not assigned" (SC2154).
        if !defined.is_empty() {
            text.push_str("export");
            for name in defined {
                text.push(' ');
                text.push_str(name);
                text.push_str("=1");
            }
            text.push('\n');
        }
        Snippet {
            shell,
            text,
            runs: Vec::new(),
            fallback,
        }
    }

    /// A whole script file, mapped one to one.
    pub fn script(text: &str, shell: Shell) -> Self {
        let first_line = TextRange::from_usize(0, text.find('\n').unwrap_or(text.len()));
        let mut snippet = Snippet {
            shell,
            text: String::new(),
            runs: Vec::new(),
            fallback: first_line,
        };
        snippet.push_source(text, 0, text.len());
        snippet
    }

    /// Shell code cut from a file by another reader (a CI file's `run:` step): `text` as
    /// ShellCheck should see it, and the `(offset in text, offset in the file, length)`
    /// runs of file bytes in it. Text between the runs maps nowhere.
    pub fn pieces(text: &str, pieces: &[(u32, u32, u32)], shell: Shell) -> Self {
        let fallback = pieces
            .first()
            .map_or(TextRange::default(), |&(_, file, len)| TextRange::new(file, file + len));
        let mut snippet = Snippet::new(shell, &[], fallback);
        let base = snippet.text.len();
        snippet.runs = pieces
            .iter()
            .map(|&(at, file, len)| Run {
                at: base + at as usize,
                len: len as usize,
                source: file as usize,
            })
            .collect();
        snippet.text.push_str(text);
        snippet
    }

    fn push_source(&mut self, source: &str, start: usize, end: usize) {
        if end <= start {
            return;
        }
        self.runs.push(Run {
            at: self.text.len(),
            len: end - start,
            source: start,
        });
        self.text.push_str(&source[start..end]);
    }

    fn push_logical(&mut self, logical: &LogicalText) {
        let base = self.text.len();
        for (l, s) in logical.pieces() {
            self.runs.push(Run {
                at: base + l.start as usize,
                len: l.len() as usize,
                source: s.start as usize,
            });
        }
        self.text.push_str(logical.as_str());
    }

    /// Source lines of a Dockerfile: the `\r` of a CRLF line break is left out, as
    /// BuildKit's line reader drops it (ShellCheck would call each one SC1017).
    fn push_dockerfile_lines(&mut self, source: &str, start: usize, end: usize) {
        let mut from = start;
        for (i, _) in source[start..end].match_indices("\r\n") {
            self.push_source(source, from, start + i);
            from = start + i + 1;
        }
        self.push_source(source, from, end);
    }

    /// Text that maps nowhere (a line break between parts).
    fn push_unmapped(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// The source offset of snippet byte `offset` (`end`: the offset just past a byte, so a
    /// range ending at a seam stays on its line); `None` in the header or between parts.
    fn source_offset(&self, offset: usize, end: bool) -> Option<usize> {
        let idx = self.runs.partition_point(|r| {
            if end {
                r.at + r.len < offset
            } else {
                r.at + r.len <= offset
            }
        });
        let run = self.runs.get(idx)?;
        (offset >= run.at && offset <= run.at + run.len).then(|| run.source + (offset - run.at))
    }

    /// The snippet byte offset of ShellCheck's 1-based `line` and `column` (json1 counts
    /// characters, a tab as one); `None` when out of the snippet.
    fn offset_of(&self, line: u32, column: u32) -> Option<usize> {
        let (line, column) = (line.checked_sub(1)? as usize, column.checked_sub(1)? as usize);
        let line_start = if line == 0 {
            0
        } else {
            self.text.match_indices('\n').nth(line - 1)?.0 + 1
        };
        let rest = &self.text[line_start..];
        let line_text = &rest[..rest.find('\n').unwrap_or(rest.len())];
        // One past the last character is a valid end (ShellCheck's end columns are exclusive).
        let mut chars = line_text.char_indices().map(|(i, _)| i).chain([line_text.len()]);
        chars.nth(column).map(|i| line_start + i)
    }

    /// Maps ShellCheck's position to a source range; `None` when any end falls outside the
    /// source runs (the header dockward wrote, or beyond the snippet).
    pub fn map(&self, line: u32, column: u32, end_line: u32, end_column: u32) -> Option<TextRange> {
        let start = self.offset_of(line, column)?;
        let end = self.offset_of(end_line, end_column).unwrap_or(start).max(start);
        let source_start = self.source_offset(start, false)?;
        let source_end = self.source_offset(end, true).unwrap_or(source_start).max(source_start);
        Some(TextRange::from_usize(source_start, source_end))
    }
}

/// The shell each stage runs RUN with, and the names it defines, followed through a file.
struct StageState {
    /// The stage's `AS` name, lower-cased.
    name: Option<String>,
    shell: Option<Shell>,
    /// ENV names, which a stage built `FROM` this one inherits.
    env: Vec<String>,
    /// ARG names, which it does not.
    args: Vec<String>,
}

/// Whether `name` can stand in an `export NAME=1` line.
fn is_shell_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The shell snippets of a Dockerfile: every shell-form RUN (and `ONBUILD RUN`) whose
/// stage's SHELL is one ShellCheck reads, with its heredocs. `default` is the shell used
/// where no SHELL instruction says otherwise (`/bin/sh` in Docker).
pub fn dockerfile_snippets(text: &str, ast: &Dockerfile, default: Shell) -> Vec<Snippet> {
    let mut snippets = Vec::new();
    let mut global: Vec<String> = Vec::new();
    let mut done: Vec<StageState> = Vec::new();
    let mut stage: Option<StageState> = None;
    for instr in &ast.instructions {
        let state = match (&instr.keyword, stage.as_mut()) {
            (Keyword::From, _) => {
                done.extend(stage.take());
                let words = instr.args.words();
                let base = words.first().map(|w| w.text.to_ascii_lowercase());
                let name = match words {
                    [_, as_word, name, ..] if as_word.text.eq_ignore_ascii_case("as") => {
                        Some(name.text.to_ascii_lowercase())
                    }
                    _ => None,
                };
                // A stage built from an earlier one inherits its environment and SHELL.
                let parent = base.and_then(|b| done.iter().rev().find(|s| s.name.as_deref() == Some(b.as_str())));
                stage = Some(StageState {
                    name,
                    shell: parent.map_or(Some(default), |p| p.shell),
                    env: parent.map(|p| p.env.clone()).unwrap_or_default(),
                    args: Vec::new(),
                });
                continue;
            }
            (Keyword::Arg, None) => {
                global.extend(instr.arg_definitions().iter().map(|d| d.name.text.clone()));
                continue;
            }
            (_, None) => continue,
            (_, Some(state)) => state,
        };
        match &instr.keyword {
            Keyword::Arg => state
                .args
                .extend(instr.arg_definitions().iter().map(|d| d.name.text.clone())),
            Keyword::Env => state
                .env
                .extend(instr.args.key_values().iter().map(|kv| kv.key.text.clone())),
            Keyword::Shell => {
                state.shell = instr.args.words().first().and_then(|w| Shell::from_program(&w.text));
            }
            Keyword::Run => {
                if let Some(snippet) = run_snippet(text, instr, instr, &global, state) {
                    snippets.push(snippet);
                }
            }
            Keyword::Onbuild => {
                if let Some(inner) = instr.onbuild.as_deref().filter(|i| i.keyword == Keyword::Run)
                    && let Some(snippet) = run_snippet(text, inner, instr, &global, state)
                {
                    snippets.push(snippet);
                }
            }
            _ => {}
        }
    }
    snippets
}

/// The snippet of one RUN: `run` holds its arguments, `outer` its heredocs and range (the
/// same instruction, or the ONBUILD that wraps it).
fn run_snippet(
    text: &str,
    run: &Instruction,
    outer: &Instruction,
    global: &[String],
    state: &StageState,
) -> Option<Snippet> {
    let Arguments::Shell(logical) = &run.args else {
        return None;
    };
    let mut shell = state.shell?;
    let mut defined: Vec<String> = global
        .iter()
        .chain(&state.env)
        .chain(&state.args)
        .filter(|n| is_shell_name(n))
        .cloned()
        .collect();
    defined.sort();
    defined.dedup();
    let heredocs = &outer.heredocs;
    // `RUN <<EOF` alone: BuildKit runs the body as the script (with the interpreter its
    // `#!` line names, if any), so the body itself is the snippet.
    if let [heredoc] = heredocs.as_slice()
        && is_lone_marker(logical.as_str(), heredoc)
    {
        let body = heredoc.body_range.as_usize_range();
        let body_text = &text[body.clone()];
        if let Some(first) = body_text.lines().next()
            && first.starts_with("#!")
        {
            shell = Shell::from_shebang(first)?;
        }
        let mut snippet = Snippet::new(shell, &defined, outer.range);
        snippet.push_dockerfile_lines(text, body.start, body.end);
        return Some(snippet);
    }
    let mut snippet = Snippet::new(shell, &defined, outer.range);
    snippet.push_logical(logical);
    for heredoc in heredocs {
        snippet.push_unmapped("\n");
        let range = heredoc.range.as_usize_range();
        snippet.push_dockerfile_lines(text, range.start, range.end);
    }
    Some(snippet)
}

/// Whether the arguments are just the heredoc's `<<EOF` marker.
fn is_lone_marker(args: &str, heredoc: &Heredoc) -> bool {
    let args = args.trim();
    let Some(rest) = args.strip_prefix("<<") else {
        return false;
    };
    let rest = rest.strip_prefix('-').unwrap_or(rest);
    rest.trim_matches(['"', '\'']) == heredoc.name
}
