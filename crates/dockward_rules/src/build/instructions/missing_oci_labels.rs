use super::util::{runtime_chain, stage_labels};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a final image that does not set the OCI labels that say where it comes
    /// from: `org.opencontainers.image.source`, `org.opencontainers.image.version` and
    /// `org.opencontainers.image.licenses` (the older `org.label-schema.vcs-url` and
    /// `org.label-schema.version` count too). Labels set in stages the final one is built
    /// on count. This rule is opt-in: select it with `extend-select = ["DW267"]`; labels
    /// added at build time with `docker build --label` are invisible to it.
    ///
    /// ## Why is this bad?
    /// An image without provenance labels cannot be traced back to its repository and
    /// version by the people who run it: scanners cannot link a vulnerability to the code
    /// that must change, update bots (Renovate, Dependabot) cannot show release notes, and
    /// license reviews start from nothing.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app /usr/local/bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG VERSION=dev
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app" \
    ///       org.opencontainers.image.version=$VERSION \
    ///       org.opencontainers.image.licenses="Apache-2.0"
    /// COPY app /usr/local/bin/app
    /// ```
    ///
    /// ## References
    /// - <https://github.com/opencontainers/image-spec/blob/main/annotations.md>
    pub static META = {
        code: "DW267",
        name: "missing-oci-labels",
        category: Build,
        severity: Info,
        summary: "the image lacks OCI provenance labels",
        references: ["hadolint:DL3049"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

/// Each required label with the older label-schema key that stands for it.
const REQUIRED: &[(&str, Option<&str>)] = &[
    ("org.opencontainers.image.source", Some("org.label-schema.vcs-url")),
    ("org.opencontainers.image.version", Some("org.label-schema.version")),
    ("org.opencontainers.image.licenses", None),
];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let chain = runtime_chain(cx.build);
    let Some(last) = chain.last() else { return };
    let keys: Vec<String> = chain
        .iter()
        .flat_map(|s| stage_labels(cx, s))
        .filter_map(|l| l.key.map(|k| k.to_ascii_lowercase()))
        .collect();
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|(key, alias)| !keys.iter().any(|k| k == key || Some(k.as_str()) == *alias))
        .map(|(key, _)| *key)
        .collect();
    if !missing.is_empty() {
        out.push(cx.finding(
            &META,
            last.from.range,
            format!("the final image does not set {}", missing.join(", ")),
        ));
    }
}
