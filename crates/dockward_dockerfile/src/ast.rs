//! The syntax tree: what a Dockerfile says, with the exact bytes each part came from.
//!
//! Every `TextRange` here is a byte range into the text given to [`crate::parse`] (a BOM,
//! when present, is part of that text and is counted). Text fields hold values the way
//! BuildKit's parser sees them (continuations removed, quotes kept unless said otherwise),
//! so rules see what the builder sees and point at what the user wrote.

use dockward_core::TextRange;

use crate::logical::LogicalText;

/// A parsed Dockerfile. [`crate::parse`] always returns one, whatever the input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dockerfile {
    /// Parser directives that BuildKit accepted (`syntax`, `escape`, `check`), in order.
    pub directives: Vec<Directive>,
    /// The escape character in effect: `'\\'` or `` '`' `` (set by `# escape=`).
    pub escape: char,
    /// Top-level instructions in source order.
    pub instructions: Vec<Instruction>,
    /// Every whole-line `#` comment outside heredoc bodies, including directive lines and
    /// comments inside line continuations (which BuildKit skips). Needed for pragmas.
    pub comments: Vec<Comment>,
    /// Located syntax errors (`is_fatal`: BuildKit would refuse the file) and warnings
    /// (e.g. an unknown instruction, which BuildKit only rejects when it dispatches).
    pub diagnostics: Vec<SyntaxDiagnostic>,
    /// Whitespace-only lines inside a line continuation. BuildKit accepts them with a
    /// deprecation warning (its `NoEmptyContinuation` check); they are data, not errors.
    pub empty_continuation_lines: Vec<TextRange>,
    /// Whether the text starts with a UTF-8 byte-order mark (which BuildKit strips).
    pub has_bom: bool,
}

impl Dockerfile {
    /// Whether BuildKit's parser would reject this file.
    pub fn has_fatal_error(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_fatal)
    }

    /// The first error that makes BuildKit reject the file, if any.
    pub fn first_fatal_error(&self) -> Option<&SyntaxDiagnostic> {
        self.diagnostics.iter().find(|d| d.is_fatal)
    }

    /// The directive named `name` (lower-case: `"syntax"`, `"escape"`, `"check"`).
    pub fn directive(&self, name: &str) -> Option<&Directive> {
        self.directives.iter().find(|d| d.name == name)
    }

    /// Instructions before the first `FROM`: the global `ARG`s (anything else there is
    /// rejected by BuildKit when it dispatches).
    pub fn global_instructions(&self) -> &[Instruction] {
        let first_from = self
            .instructions
            .iter()
            .position(|i| i.keyword == Keyword::From)
            .unwrap_or(self.instructions.len());
        &self.instructions[..first_from]
    }
}

/// A parser directive from the leading comment block (`# escape=\``).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    /// Lower-cased name: `syntax`, `escape` or `check`.
    pub name: String,
    /// The value with surrounding whitespace removed.
    pub value: String,
    /// The whole comment line (from `#`, without the line break).
    pub range: TextRange,
    pub name_range: TextRange,
    pub value_range: TextRange,
}

/// A whole-line `#` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`, with surrounding whitespace removed.
    pub text: String,
    /// From `#` to the end of the line (without the line break).
    pub range: TextRange,
    /// The range of `text`.
    pub text_range: TextRange,
}

/// What went wrong, for code that wants to match on it rather than on messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DiagnosticKind {
    /// The file has no instruction at all (empty or only comments). Fatal.
    NoInstructions,
    /// The same parser directive appears twice. Fatal.
    DuplicateDirective,
    /// `# escape=` with something other than `\` or `` ` ``. Fatal.
    InvalidEscape,
    /// `ENV key` / `LABEL key` without a value. Fatal.
    MissingValue,
    /// `ENV a=b c`: a word without `=` in the `key=value` form. Fatal.
    MissingEquals,
    /// A valid JSON array with a non-string element (`CMD ["a", ["b"]]`). Fatal.
    JsonNotStringArray,
    /// A heredoc whose terminator line never appears. Fatal.
    UnterminatedHeredoc,
    /// A heredoc word BuildKit cannot lex (practically unreachable). Fatal.
    InvalidHeredoc,
    /// A word BuildKit does not know as an instruction. Not fatal: BuildKit's parser
    /// accepts it and only the dispatcher rejects it.
    UnknownInstruction,
    /// `ONBUILD` nested deeper than we follow. Not fatal.
    NestingTooDeep,
    /// Parses, but BuildKit rejects it before building: an unknown or malformed flag, a
    /// wrong number of arguments, an invalid stage name, an instruction before the first
    /// `FROM`… (BuildKit's `instructions` layer). Not fatal for the parser.
    InvalidInstruction,
}

/// A located syntax problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxDiagnostic {
    pub kind: DiagnosticKind,
    pub message: String,
    pub range: TextRange,
    /// Whether BuildKit's parser rejects the file because of it.
    pub is_fatal: bool,
}

impl std::fmt::Display for SyntaxDiagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxDiagnostic {}

/// An instruction keyword. Matching is case-insensitive, as in BuildKit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    From,
    Run,
    Cmd,
    Label,
    Maintainer,
    Expose,
    Env,
    Add,
    Copy,
    Entrypoint,
    Volume,
    User,
    Workdir,
    Arg,
    Onbuild,
    Stopsignal,
    Healthcheck,
    Shell,
    /// Any other word, as written.
    Unknown(String),
}

impl Keyword {
    /// The keyword for `word` (any case).
    pub fn from_word(word: &str) -> Keyword {
        // BuildKit lower-cases with Unicode rules (so the Kelvin sign `K` counts as `k`);
        // the ASCII path avoids an allocation for every real-world keyword.
        let known = if word.is_ascii() {
            let mut buf = [0u8; 11];
            if word.len() > buf.len() {
                None
            } else {
                let lower = &mut buf[..word.len()];
                lower.copy_from_slice(word.as_bytes());
                lower.make_ascii_lowercase();
                Self::known(lower)
            }
        } else {
            Self::known(word.to_lowercase().as_bytes())
        };
        known.unwrap_or_else(|| Keyword::Unknown(word.to_string()))
    }

    fn known(lower: &[u8]) -> Option<Keyword> {
        Some(match lower {
            b"from" => Keyword::From,
            b"run" => Keyword::Run,
            b"cmd" => Keyword::Cmd,
            b"label" => Keyword::Label,
            b"maintainer" => Keyword::Maintainer,
            b"expose" => Keyword::Expose,
            b"env" => Keyword::Env,
            b"add" => Keyword::Add,
            b"copy" => Keyword::Copy,
            b"entrypoint" => Keyword::Entrypoint,
            b"volume" => Keyword::Volume,
            b"user" => Keyword::User,
            b"workdir" => Keyword::Workdir,
            b"arg" => Keyword::Arg,
            b"onbuild" => Keyword::Onbuild,
            b"stopsignal" => Keyword::Stopsignal,
            b"healthcheck" => Keyword::Healthcheck,
            b"shell" => Keyword::Shell,
            _ => return None,
        })
    }

    /// The canonical upper-case spelling (`Unknown` gives the word as written).
    pub fn as_str(&self) -> &str {
        match self {
            Keyword::From => "FROM",
            Keyword::Run => "RUN",
            Keyword::Cmd => "CMD",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Expose => "EXPOSE",
            Keyword::Env => "ENV",
            Keyword::Add => "ADD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Volume => "VOLUME",
            Keyword::User => "USER",
            Keyword::Workdir => "WORKDIR",
            Keyword::Arg => "ARG",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Shell => "SHELL",
            Keyword::Unknown(word) => word,
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Keyword::Unknown(_))
    }
}

/// One instruction, with its continuation lines and heredoc bodies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written (e.g. `run`), continuation-joined.
    pub keyword_text: String,
    pub keyword_range: TextRange,
    /// From the keyword to the end of the last line that belongs to the instruction
    /// (the last continuation line with content, or the last heredoc terminator).
    /// Comment and blank lines skipped at the very end of a continuation are not part of
    /// it (BuildKit's line numbers do count them).
    pub range: TextRange,
    /// The whole logical line (keyword, flags, arguments) with continuations removed, and
    /// its map back to the source. Heredoc bodies are not part of it.
    pub line: LogicalText,
    /// Leading `--name[=value]` flags, in order (a bare `--` ends them and is dropped).
    pub flags: Vec<Flag>,
    pub args: Arguments,
    /// Heredocs read for this instruction, in order (RUN, COPY, ADD in shell form; for
    /// `ONBUILD RUN <<EOF` they are attached to the ONBUILD instruction, as in BuildKit).
    pub heredocs: Vec<Heredoc>,
    /// The instruction that `ONBUILD` wraps.
    pub onbuild: Option<Box<Instruction>>,
}

impl Instruction {
    /// The first flag called `name` (without the dashes: `"mount"`, `"from"`).
    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags.iter().find(|f| f.name == name)
    }

    /// Every flag called `name` (RUN may have several `--mount`s).
    pub fn flags_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Flag> + 'a {
        self.flags.iter().filter(move |f| f.name == name)
    }

    /// Whether the arguments were given as a JSON array (exec form).
    pub fn is_exec_form(&self) -> bool {
        match &self.args {
            Arguments::Exec(_) => true,
            Arguments::Healthcheck { args, .. } => matches!(**args, Arguments::Exec(_)),
            _ => false,
        }
    }

    /// `ARG` declarations split into name and optional default (`ARG a b=1` → `a`, `b=1`).
    /// Values are as written; resolving them is the semantic model's job.
    pub fn arg_definitions(&self) -> Vec<ArgDefinition> {
        if self.keyword != Keyword::Arg {
            return Vec::new();
        }
        self.args
            .words()
            .iter()
            .map(|word| match word.text.find('=') {
                Some(eq) => ArgDefinition {
                    name: word.sub(0, eq),
                    default: Some(word.sub(eq + 1, word.text.len())),
                },
                None => ArgDefinition {
                    name: word.clone(),
                    default: None,
                },
            })
            .collect()
    }
}

/// One `ARG` declaration (see [`Instruction::arg_definitions`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgDefinition {
    pub name: Word,
    pub default: Option<Word>,
}

/// A leading instruction flag such as `--mount=type=cache,target=/root/.cache`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The flag as BuildKit sees it: quotes and backslashes already removed
    /// (`--from="build"` → `--from=build`).
    pub text: String,
    /// The name without the leading `--`.
    pub name: String,
    /// The text after the first `=`, if there is one (`--link` has none).
    pub value: Option<String>,
    /// The whole flag word in the source.
    pub range: TextRange,
    pub name_range: TextRange,
    pub value_range: Option<TextRange>,
    /// For `--mount`: the comma-separated `key=value` options. Empty for other flags.
    pub options: Vec<FlagOption>,
}

impl Flag {
    /// The `--mount` options (`type=cache`, `target=/x`, `readonly`…), in order.
    pub fn mount_options(&self) -> &[FlagOption] {
        &self.options
    }

    /// The value of the first option `key` (ASCII case-insensitive, as BuildKit's mount
    /// parser treats keys).
    pub fn option(&self, key: &str) -> Option<&FlagOption> {
        self.options.iter().find(|o| o.key.eq_ignore_ascii_case(key))
    }
}

/// One CSV field of a `--mount` value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagOption {
    pub key: String,
    /// `None` for a bare key (`readonly`).
    pub value: Option<String>,
    pub range: TextRange,
    pub key_range: TextRange,
    pub value_range: Option<TextRange>,
}

/// The arguments after the flags, shaped the way BuildKit's parser shapes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arguments {
    /// A valid JSON array of strings (exec form): decoded values, each with the range of
    /// its JSON string literal (quotes included).
    Exec(Vec<Word>),
    /// Shell form of RUN, CMD, ENTRYPOINT, SHELL (and HEALTHCHECK CMD): the rest of the
    /// logical line as one string, internal whitespace kept. Also used for the arguments
    /// of an unknown instruction.
    Shell(LogicalText),
    /// Space-separated words (FROM, EXPOSE, ARG, ADD/COPY/VOLUME shell form), quotes kept.
    /// MAINTAINER, USER, WORKDIR and STOPSIGNAL take their whole rest as ONE word, as in
    /// BuildKit (`WORKDIR /a b` is the directory `/a b`).
    Words(Vec<Word>),
    /// ENV and LABEL.
    KeyValues(Vec<KeyValue>),
    /// HEALTHCHECK: `NONE`, `CMD …` (or any other word, which BuildKit rejects later).
    Healthcheck {
        subcommand: Option<Word>,
        args: Box<Arguments>,
    },
    /// Nothing after the keyword and flags (and ONBUILD, whose content is
    /// [`Instruction::onbuild`]).
    None,
}

impl Arguments {
    /// The words of `Exec` or `Words` arguments (empty for any other shape).
    pub fn words(&self) -> &[Word] {
        match self {
            Arguments::Exec(words) | Arguments::Words(words) => words,
            _ => &[],
        }
    }

    /// The shell-form text, if the arguments are in shell form.
    pub fn shell(&self) -> Option<&LogicalText> {
        match self {
            Arguments::Shell(text) => Some(text),
            _ => None,
        }
    }

    pub fn key_values(&self) -> &[KeyValue] {
        match self {
            Arguments::KeyValues(kvs) => kvs,
            _ => &[],
        }
    }

    pub fn is_none(&self) -> bool {
        matches!(self, Arguments::None)
    }
}

/// A word and where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// As written, with line continuations removed (quotes and escapes kept), except for
    /// `Exec` words, which hold the decoded JSON string.
    pub text: String,
    pub range: TextRange,
}

impl Word {
    /// The word with shell quoting removed the way BuildKit's word lexer does it, with
    /// the default `\` escape. Variables are NOT expanded (`$A` stays `$A`).
    pub fn unquoted(&self) -> std::borrow::Cow<'_, str> {
        crate::words::unquote(&self.text, '\\')
    }

    /// Like [`Word::unquoted`] with the file's escape character ([`Dockerfile::escape`]).
    pub fn unquoted_with_escape(&self, escape: char) -> std::borrow::Cow<'_, str> {
        crate::words::unquote(&self.text, escape)
    }

    /// The part `text[from..to]` as a word, when `text` maps byte-for-byte onto the
    /// source (true for everything but decoded JSON strings); otherwise the whole range.
    pub(crate) fn sub(&self, from: usize, to: usize) -> Word {
        let text = self.text[from..to].to_string();
        let range = if self.range.len() as usize == self.text.len() {
            TextRange::new(self.range.start + from as u32, self.range.start + to as u32)
        } else {
            self.range
        };
        Word { text, range }
    }
}

/// `ENV` / `LABEL` pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    /// As written: quotes and escapes kept (`"a b"` stays `"a b"`).
    pub value: Word,
    pub separator: Separator,
    /// From the key to the end of the value.
    pub range: TextRange,
}

/// How a key and its value were separated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Separator {
    /// `key=value` (several pairs per instruction allowed).
    Equals,
    /// Legacy `ENV key value with spaces` (one pair, value = rest of the line).
    Space,
}

/// A heredoc (`<<EOF` … `EOF`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The terminator word with quotes removed (`<<'EOF'` → `EOF`).
    pub name: String,
    /// False when any part of the name was quoted: the body is not expanded.
    pub expand: bool,
    /// `<<-`: leading tabs are stripped from body lines (see [`Heredoc::chomped_body`]).
    pub chomp: bool,
    /// The file descriptor digits before `<<` (`3<<EOF`).
    pub fd: Option<u32>,
    /// The body exactly as in the source (line breaks included, tabs not stripped).
    pub body: String,
    /// The body lines, up to (not including) the terminator line.
    pub body_range: TextRange,
    /// Body plus terminator line: everything the heredoc adds after the instruction line.
    pub range: TextRange,
    /// The `<<EOF` word in the instruction line.
    pub marker_range: TextRange,
    /// The terminator line; `None` when the heredoc is unterminated (a fatal error).
    pub terminator_range: Option<TextRange>,
}

impl Heredoc {
    /// The body with leading tabs removed from every line when `chomp` is set.
    pub fn chomped_body(&self) -> std::borrow::Cow<'_, str> {
        if !self.chomp || !self.body.contains('\t') {
            return std::borrow::Cow::Borrowed(&self.body);
        }
        let mut out = String::with_capacity(self.body.len());
        for line in self.body.split_inclusive('\n') {
            out.push_str(line.trim_start_matches('\t'));
        }
        std::borrow::Cow::Owned(out)
    }
}
