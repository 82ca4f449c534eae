//! YAML with exact byte spans, and the Docker Compose loader built on it.
//!
//! - [`parse_yaml`] reads any YAML text into [`Node`] trees that keep the byte range (and
//!   file) of every value, with anchors, aliases and `<<` merge keys resolved, comments
//!   recovered, and budgets against alias bombs and deep nesting.
//! - [`load_compose`] / [`load_compose_files`] read a Compose project the way `docker
//!   compose` (compose-go) does — override files, `extends`, `include`, interpolation with
//!   `.env`, profiles, legacy v1 files — into one merged tree per service whose every node
//!   still points at the file and bytes that produced it.
//!
//! Nothing here knows about rules or the security model; the model crate lowers these
//! trees.

pub mod compose;
pub mod yaml;

pub use compose::{
    ComposeError, ComposeErrorKind, ComposeProject, ComposeService, DEFAULT_FILE_NAMES, DEFAULT_OVERRIDE_FILE_NAMES,
    LoadOptions, SourceFile, SourceKind, discover_compose_files, find_override, is_compose_file_name,
    is_default_file_name, is_override_file_name, load_compose, load_compose_files,
};
pub use yaml::{
    AliasOrigin, Budget, Comment, FileId, Interpolation, Node, NodeStyle, NodeValue, YamlDocument, YamlError,
    YamlErrorKind, parse_yaml, parse_yaml_file,
};
