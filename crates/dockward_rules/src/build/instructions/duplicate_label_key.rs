use super::util::stage_labels;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Reports a `LABEL` key that is set again later in the same stage, so the first value
    /// never reaches the image. Overriding a label of a base image or of an earlier stage
    /// is fine.
    ///
    /// ## Why is this bad?
    /// Only the last value of a key is kept. The earlier one is dead text that a reader
    /// will take for the image's metadata — usually a copy-paste slip, such as two
    /// `version` labels that disagree.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.version=1.4.0
    /// RUN apk add --no-cache curl
    /// LABEL org.opencontainers.image.version=1.5.0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl
    /// LABEL org.opencontainers.image.version=1.5.0
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#label>
    pub static META = {
        code: "DW266",
        name: "duplicate-label-key",
        category: Build,
        severity: Info,
        summary: "a LABEL key is set twice in one stage",
        references: [],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        let labels = stage_labels(cx, stage);
        // Where each key is set last: any earlier setting is overridden. (Comparing every
        // label with every later one took 18 s on a stage of 100,000 labels.)
        let mut last: HashMap<&str, usize> = HashMap::new();
        for (i, label) in labels.iter().enumerate() {
            if let Some(key) = label.key.as_deref() {
                last.insert(key, i);
            }
        }
        for (i, label) in labels.iter().enumerate() {
            let Some(key) = label.key.as_deref() else { continue };
            if last.get(key).is_some_and(|&l| l > i) {
                out.push(cx.finding(
                    &META,
                    label.pair.key.range,
                    format!("label `{key}` is set again later in this stage; this value is never used"),
                ));
            }
        }
    }
}
