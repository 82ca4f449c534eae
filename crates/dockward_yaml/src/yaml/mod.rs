//! YAML → span tree on top of saphyr-parser events.
//!
//! Modules: `events` (saphyr events with exact byte ranges), `build` (trees, anchors, merge
//! keys, budgets), `comments` (comment recovery), `tree` (the node types), `budget`.

mod budget;
mod build;
mod comments;
mod events;
mod offsets;
mod tree;

pub use budget::Budget;
pub use build::{parse_yaml, parse_yaml_file};
pub use tree::{
    AliasOrigin, Comment, FileId, Interpolation, Node, NodeStyle, NodeValue, YamlDocument, YamlError, YamlErrorKind,
    parse_bool, parse_int,
};
