//! The shared vocabulary of dockward: text ranges and line index, source files, findings,
//! severities and categories, rule metadata and the registry types, fixes and edits.
//!
//! This crate knows nothing about any file format or any rule: parsers, models, rules and
//! emitters all meet here.

pub mod testing;
pub mod text;

pub use text::{LineCol, LineIndex, TextRange};
