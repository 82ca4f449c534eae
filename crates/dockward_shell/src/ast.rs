//! What the shell parser hands out: a flat list of simple commands with their context.
//!
//! Rules about shell code ask questions like "is `apt-get install` run without
//! `--no-install-recommends`" or "is `curl` piped into `sh`". They need every simple command
//! wherever it hides (inside `$( )`, `if`, `sh -c '…'`), its words with exact spans, and a
//! little context (pipeline position, nesting) — not a full syntax tree. So the tree is
//! flattened while parsing.

use crate::words::Word;
use dockward_core::TextRange;
use serde::Serialize;

/// The result of parsing one shell text. Parsing never fails; problems become diagnostics.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ShellScript {
    /// Every simple command, in source order (by start offset; an enclosing command comes
    /// before the commands nested in its words).
    pub commands: Vec<SimpleCommand>,
    /// Non-fatal problems (unterminated quotes, unbalanced keywords, …), in source order.
    pub diagnostics: Vec<ShellDiagnostic>,
    /// Pipeline id → positions in `commands` of its elements, built on first use.
    #[serde(skip)]
    pub(crate) pipelines: PipelineIndex,
}

/// [`ShellScript::pipeline_of`]'s index: rules ask for the pipeline of every command, and
/// scanning all commands for each was quadratic in a RUN of 60,000 pipelines. Derived
/// data, so it never makes two scripts differ.
#[derive(Clone, Default)]
pub(crate) struct PipelineIndex(std::sync::OnceLock<std::collections::HashMap<u32, Vec<usize>>>);

impl PartialEq for PipelineIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for PipelineIndex {}

impl std::fmt::Debug for PipelineIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PipelineIndex")
    }
}

impl ShellScript {
    /// The commands whose [`SimpleCommand::name`] is `name`.
    pub fn commands_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a SimpleCommand> + 'a {
        self.commands.iter().filter(move |c| c.name() == Some(name))
    }

    /// The other commands of the pipeline `cmd` belongs to, in pipeline order.
    pub fn pipeline_of<'a>(&'a self, cmd: &SimpleCommand) -> impl Iterator<Item = &'a SimpleCommand> + 'a {
        let index = self.pipelines.0.get_or_init(|| {
            let mut index: std::collections::HashMap<u32, Vec<usize>> = std::collections::HashMap::new();
            for (i, c) in self.commands.iter().enumerate() {
                if let Some(p) = c.pipeline {
                    index.entry(p.id).or_default().push(i);
                }
            }
            for positions in index.values_mut() {
                // Stable: elements at one position keep source order, as before.
                positions.sort_by_key(|&i| self.commands[i].pipeline.map(|p| p.index));
            }
            index
        });
        let positions = cmd
            .pipeline
            .and_then(|p| index.get(&p.id))
            .map_or(&[][..], Vec::as_slice);
        positions.iter().filter_map(|&i| self.commands.get(i))
    }
}

/// A located, non-fatal parse problem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ShellDiagnostic {
    pub message: String,
    pub range: TextRange,
}

/// One simple command: `[assignments] [words] [redirects]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SimpleCommand {
    /// Leading `NAME=value` words.
    pub assignments: Vec<Word>,
    /// argv, unchanged (wrappers like `sudo` included; see [`Self::effective_argv`]).
    pub words: Vec<Word>,
    /// From the first to the last word/assignment/redirect (heredoc bodies excluded).
    pub range: TextRange,
    /// Set when the command is an element of a pipeline of two or more.
    pub pipeline: Option<PipelinePos>,
    pub redirects: Vec<Redirect>,
    /// The innermost context the command runs in.
    pub nesting: Nesting,
    /// Index into `words` of the effective argv, computed once when the command is made.
    #[serde(skip)]
    pub(crate) argv_start: usize,
    /// Byte offset of the basename in the effective argv[0]'s value (`/usr/bin/curl` → 9).
    #[serde(skip)]
    pub(crate) name_offset: usize,
}

impl SimpleCommand {
    /// argv with command wrappers skipped: `sudo -u x env A=1 nice -n 5 apt-get install`
    /// → `apt-get install`. `command -v foo` is a lookup, not a run, and is left as is.
    pub fn effective_argv(&self) -> &[Word] {
        self.words.get(self.argv_start..).unwrap_or(&[])
    }

    /// The basename of the effective argv[0] (`/usr/bin/curl` → `curl`); `None` when
    /// there is no command word or it is not a literal (`$CURL`).
    pub fn name(&self) -> Option<&str> {
        let w = self.effective_argv().first()?;
        if w.has_expansion {
            return None;
        }
        Some(w.value.get(self.name_offset..).unwrap_or(&w.value))
    }

    /// The arguments after the effective argv[0].
    pub fn args(&self) -> &[Word] {
        let a = self.effective_argv();
        if a.is_empty() { a } else { &a[1..] }
    }
}

/// Position in a pipeline `a | b | c`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PipelinePos {
    /// Unique per pipeline within one [`ShellScript`].
    pub id: u32,
    /// 0-based position of this command's element.
    pub index: usize,
    /// Number of elements (compound elements such as `( … )` count but carry no position
    /// themselves).
    pub len: usize,
}

/// Where a command runs, innermost context first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Nesting {
    /// The script itself (including `if`/loop/`case` bodies and `{ …; }` groups, which do
    /// not change the execution context).
    #[default]
    Top,
    /// `( … )`: state changes (`cd`, variables) do not persist.
    Subshell,
    /// `$( … )` or `` `…` ``.
    CommandSubstitution,
    /// `<( … )` / `>( … )`.
    ProcessSubstitution,
    /// The body of a function definition: it runs only if the function is called.
    FunctionBody,
    /// The string argument of `sh -c`, `bash -c`, `su -c`, … re-parsed.
    ShC,
    /// A heredoc fed to a shell on stdin (`bash <<EOF … EOF`), re-parsed.
    ShellInput,
}

/// A redirection `[fd]op target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Redirect {
    pub fd: Option<u32>,
    pub op: RedirectOp,
    /// The file, fd number or heredoc delimiter. Empty (with an empty range) if missing.
    pub target: Word,
    /// From the fd (or operator) to the end of the target.
    pub range: TextRange,
    /// For heredocs: the body lines (without the delimiter line).
    pub heredoc_body: Option<TextRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum RedirectOp {
    /// `<`
    In,
    /// `>`
    Out,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupIn,
    /// `>&`
    DupOut,
    /// `&>`
    OutErr,
    /// `&>>`
    AppendOutErr,
    /// `<<`
    HereDoc,
    /// `<<-`
    HereDocStripTabs,
    /// `<<<`
    HereString,
}

impl RedirectOp {
    pub fn as_str(self) -> &'static str {
        match self {
            RedirectOp::In => "<",
            RedirectOp::Out => ">",
            RedirectOp::Append => ">>",
            RedirectOp::Clobber => ">|",
            RedirectOp::ReadWrite => "<>",
            RedirectOp::DupIn => "<&",
            RedirectOp::DupOut => ">&",
            RedirectOp::OutErr => "&>",
            RedirectOp::AppendOutErr => "&>>",
            RedirectOp::HereDoc => "<<",
            RedirectOp::HereDocStripTabs => "<<-",
            RedirectOp::HereString => "<<<",
        }
    }

    /// Whether the redirect writes to its target (a file, unless it is an fd dup).
    pub fn writes(self) -> bool {
        matches!(
            self,
            RedirectOp::Out
                | RedirectOp::Append
                | RedirectOp::Clobber
                | RedirectOp::ReadWrite
                | RedirectOp::DupOut
                | RedirectOp::OutErr
                | RedirectOp::AppendOutErr
        )
    }

    pub fn is_heredoc(self) -> bool {
        matches!(self, RedirectOp::HereDoc | RedirectOp::HereDocStripTabs)
    }
}
