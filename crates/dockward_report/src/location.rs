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
    locate_provenance(&finding.at, sources)
}

/// [`locate`] for any place: a finding's related locations too.
pub fn locate_provenance(at: &Provenance, sources: &SourceDb) -> Located {
    match at {
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
        // `image acme/web:1.2 layer sha256:0123456789ab /etc/shadow`: the layer's digest
        // shortened as `docker history` does; JSON carries it whole.
        Provenance::Image { image, layer, path } => Located::at_object(match layer {
            Some(layer) => format!("image {image} layer {} {path}", short_digest(layer)),
            None => format!("image {image} {path}"),
        }),
        // The host path alone: `detail` is carried separately where a format has room.
        Provenance::Host { path, .. } => Located::at_object(path.clone()),
    }
}

/// `sha256:` and the first 12 hex digits.
pub fn short_digest(digest: &str) -> &str {
    // The digest comes from the image's own configuration: cut on a character boundary.
    match digest.split_once(':') {
        Some((alg, hex)) => match hex.char_indices().nth(12) {
            Some((cut, _)) => &digest[..alg.len() + 1 + cut],
            None => digest,
        },
        None => digest,
    }
}

impl Located {
    /// `path:line:col` for a place in a text file, the object or path alone otherwise.
    pub fn describe(&self) -> String {
        if self.line == 0 {
            self.path.display().to_string()
        } else {
            format!("{}:{}:{}", self.path.display(), self.line, self.column)
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Emitter, Format};
    use dockward_core::{Category, FixAvailability, ModelKind, RuleMeta, Severity};

    static RULE: RuleMeta = RuleMeta {
        code: "DW999",
        name: "test-rule",
        category: Category::Host,
        severity: Severity::High,
        summary: "a test rule",
        explanation: "",
        references: &[],
        fix: FixAvailability::None,
        models: &[ModelKind::Host],
        opt_in: false,
    };

    #[test]
    fn host_findings_are_located_at_the_host_path_with_the_detail_beside_it() {
        let at = Provenance::Host {
            path: "/var/run/docker.sock".to_string(),
            detail: Some("resolves to /run/docker.sock".to_string()),
        };
        let finding = Finding::new(&RULE, at, "mode 0666");
        let sources = SourceDb::new();
        let located = locate(&finding, &sources);
        assert_eq!((located.path, located.line), (PathBuf::from("/var/run/docker.sock"), 0));
        let mut out = Vec::new();
        let mut emitter = Emitter::new(&mut out, Format::Json, false);
        emitter.findings(std::slice::from_ref(&finding), &sources).unwrap();
        emitter.finish(&[], 1).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let f = &json["findings"][0];
        assert_eq!(f["path"], "/var/run/docker.sock");
        assert_eq!(f["detail"], "resolves to /run/docker.sock");
        assert!(f.get("line").is_none() && f.get("object").is_none(), "{f}");
    }

    #[test]
    fn digests_are_shortened_on_character_boundaries() {
        assert_eq!(short_digest("sha256:0123456789abcdef"), "sha256:0123456789ab");
        assert_eq!(short_digest("sha256:éééééééééééééé"), "sha256:éééééééééééé");
        assert_eq!(short_digest("x"), "x");
    }

    #[test]
    fn image_findings_name_the_image_the_layer_and_the_path() {
        let at = Provenance::Image {
            image: "acme/web:1.2".to_string(),
            layer: Some(format!("sha256:{}", "ab".repeat(32))),
            path: "/etc/shadow".to_string(),
        };
        let finding = Finding::new(&RULE, at, "no password for root");
        let sources = SourceDb::new();
        assert_eq!(
            locate(&finding, &sources).path,
            PathBuf::from("image acme/web:1.2 layer sha256:abababababab /etc/shadow")
        );
        let mut out = Vec::new();
        let mut emitter = Emitter::new(&mut out, Format::Json, false);
        emitter.findings(std::slice::from_ref(&finding), &sources).unwrap();
        emitter.finish(&[], 1).unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let f = &json["findings"][0];
        assert_eq!(f["object"], "image acme/web:1.2");
        assert_eq!(f["layer"], format!("sha256:{}", "ab".repeat(32)));
        assert_eq!(f["path"], "/etc/shadow");
        assert!(f.get("line").is_none() && f.get("pointer").is_none(), "{f}");
    }
}
