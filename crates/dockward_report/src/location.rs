//! Byte ranges → what people read: path, 1-based line and column.

use dockward_core::{Finding, Provenance, SourceDb};
use std::path::PathBuf;

/// Where a finding is, in the terms emitters print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// File path, the host path for host findings, or for engine and image findings the
    /// object they name.
    pub path: PathBuf,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

pub fn locate(finding: &Finding, sources: &SourceDb) -> Located {
    match &finding.at {
        Provenance::Text { file, range } => {
            let Some(source) = sources.get(*file) else {
                return Located::at_object(format!("<unknown file {}>", file.0));
            };
            let index = source.line_index();
            let start = index.line_col(range.start, &source.text);
            let end = index.line_col(range.end, &source.text);
            Located {
                path: source.path.clone(),
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
            }
        }
        Provenance::Engine { object, pointer } => Located::at_object(format!("{object}{pointer}")),
        Provenance::Image { image, layer, path } => Located::at_object(match layer {
            Some(layer) => format!("{image}@{layer}:{path}"),
            None => format!("{image}:{path}"),
        }),
        // The host path alone: `detail` is carried separately where a format has room.
        Provenance::Host { path, .. } => Located::at_object(path.clone()),
    }
}

impl Located {
    fn at_object(name: String) -> Self {
        Self {
            path: PathBuf::from(name),
            line: 0,
            column: 0,
            end_line: 0,
            end_column: 0,
        }
    }
}
