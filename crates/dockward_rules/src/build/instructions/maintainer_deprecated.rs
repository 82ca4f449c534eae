use crate::{BuildCx, declare_rule};
use dockward_core::{Edit, Finding, Fix};
use dockward_dockerfile::Keyword;
use dockward_model::build::unquote;

declare_rule! {
    /// ## What it does
    /// Reports the deprecated `MAINTAINER` instruction.
    ///
    /// ## Why is this bad?
    /// `MAINTAINER` has been deprecated since Docker 1.13: it sets the image's legacy
    /// `Author` field, which tools no longer show. A label is visible to `docker inspect`,
    /// registries and scanners, and can follow the OCI conventions
    /// (`org.opencontainers.image.authors`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL maintainer="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix
    /// Replaces the instruction with `LABEL maintainer="…"` holding the same text (safe:
    /// only image metadata changes).
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#maintainer-deprecated>
    pub static META = {
        code: "DW259",
        name: "maintainer-deprecated",
        category: Build,
        severity: Info,
        summary: "MAINTAINER is deprecated",
        references: [
            "hadolint:DL4000", "trivy:DS-0022", "checkov:CKV_DOCKER_6", "kics:99614418-f82b-4852-a9ae-5051402b741c",
        ],
        fix: Always,
        models: [Build],
    };
}

/// The text as a double-quoted LABEL value: `\`, `"` and `$` escaped.
fn label_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '\\' | '"' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for instruction in &cx.build.dockerfile.instructions {
        if instruction.keyword != Keyword::Maintainer {
            continue;
        }
        let mut finding = cx.finding(
            &META,
            instruction.keyword_range,
            "MAINTAINER is deprecated; use a label such as `maintainer` or `org.opencontainers.image.authors`",
        );
        if let Some(word) = instruction.args.words().first() {
            let text = unquote(word.text.trim());
            let replacement = format!("LABEL maintainer={}", label_value(&text));
            let range = dockward_core::TextRange::new(instruction.range.start, word.range.end);
            finding = finding.with_fix(Fix::safe(
                "replace with `LABEL maintainer=\"…\"`",
                vec![Edit::replace(range, replacement)],
            ));
        }
        out.push(finding);
    }
}
