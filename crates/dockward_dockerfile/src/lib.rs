//! A lossless, BuildKit-conformant Dockerfile parser with exact byte spans.
//!
//! [`parse`] never fails and never panics: it returns a [`Dockerfile`] with every
//! instruction, comment and parser directive, each with the byte range it came from, plus
//! located [`SyntaxDiagnostic`]s. Where BuildKit's parser would reject the file, the
//! diagnostic is `is_fatal`; parsing goes on after it so rules still see the rest.
//!
//! What "conformant" means: [`dump_buildkit`] prints the tree in BuildKit's own test dump
//! format and must match BuildKit's expected output for its parser test files
//! (`tests/buildkit_conformance.rs`). The shapes of [`Arguments`] are BuildKit's shapes
//! (e.g. `ENV a b c` is one pair with value `b c`; `USER a b` is one word).
//!
//! Layout, in reading order:
//! * `parser` — the line loop: BOM, directives, comments, continuations, heredoc bodies;
//! * `lines` — physical lines, BuildKit's whitespace classes, the continuation rule;
//! * `directives` — `# syntax=`, `# escape=`, `# check=`;
//! * `instruction` — keyword, flags, and per-instruction argument shapes;
//! * `flags`, `words`, `json`, `heredoc` — the small lexers those need;
//! * `logical` — continuation-joined text with its map back to source bytes;
//! * `validate` — the static checks BuildKit makes after parsing (flags, argument counts);
//! * `dump`, `stages` — BuildKit's dump format; the file split into stages.
//!
//! Known, deliberate differences from BuildKit (none changes an accept/reject decision
//! on real files): lines longer than 64 KiB are accepted (BuildKit's line scanner refuses
//! them); BuildKit's flag and HEALTHCHECK scanners look at single bytes and mangle
//! non-ASCII text in flags, we keep characters whole; an instruction's range ends at its
//! last line with content, while BuildKit's end line also counts comment and blank lines
//! skipped at the very end of a continuation.

mod ast;
mod directives;
mod dump;
mod flags;
mod heredoc;
mod instruction;
mod json;
mod lines;
mod logical;
mod parser;
mod stages;
mod validate;
mod words;

pub use ast::{
    ArgDefinition, Arguments, Comment, DiagnosticKind, Directive, Dockerfile, Flag, FlagOption, Heredoc, Instruction,
    KeyValue, Keyword, Separator, SyntaxDiagnostic, Word,
};
pub use dump::dump_buildkit;
pub use logical::LogicalText;
pub use stages::Stage;

/// Parses a Dockerfile. Never panics; always returns a tree and its diagnostics.
///
/// Read files as bytes and convert with `String::from_utf8_lossy`: BuildKit does not
/// require UTF-8, and neither do we.
pub fn parse(text: &str) -> Dockerfile {
    parser::parse(text)
}
