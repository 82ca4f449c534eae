//! The shared vocabulary of dockward: text ranges and line index, source files and
//! provenance, findings, severities and categories, rule metadata, fixes and edits,
//! suppressions and settings.
//!
//! This crate knows nothing about any file format or any rule: parsers, models, rules and
//! emitters all meet here.

pub mod finding;
pub mod fix;
pub mod fs;
pub mod ids;
pub mod rule;
pub mod settings;
pub mod severity;
pub mod source;
pub mod suppression;
pub mod testing;
pub mod text;

pub use finding::Finding;
pub use fix::{Applicability, Edit, Fix, apply_fixes};
pub use rule::{FixAvailability, ModelKind, RuleMeta};
pub use settings::{BaseImage, BaseImageLookup, ConfigError, LabelType, Settings, ShellcheckSettings, shellcheck_code};
pub use severity::{Category, Confidence, Severity};
pub use source::{FileId, Provenance, SourceDb, SourceFile};
pub use suppression::{Pragma, PragmaError, PragmaSource, Suppressions};
pub use text::{LineCol, LineIndex, TextRange};
