use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image has no tag or the tag `latest`, and no digest.
    ///
    /// ## Why is this bad?
    /// The image you build on changes under you: a rebuild next week silently pulls a
    /// new major version, new packages and new vulnerabilities, and two machines build
    /// different images from the same Dockerfile. A version tag makes builds
    /// repeatable; a digest makes them exact.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python
    /// FROM node:latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim-bookworm
    /// FROM node:22.11-bookworm-slim@sha256:4b2ec5ad1a6ff8b0f1e6e3a6c2a8c1d4f2e0b7a9c3d5e6f708192a3b4c5d6e7f
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#pin-base-image-versions>
    pub static META = {
        code: "DW102",
        name: "base-image-floating-tag",
        category: Image,
        severity: Medium,
        summary: "base image is untagged or `:latest`",
        references: [
            "hadolint:DL3006", "hadolint:DL3007", "trivy:DS-0001", "checkov:CKV_DOCKER_7",
            "dockle:DKL-DI-0006", "cis-1.6:4.2",
        ],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        // Unknown values (`FROM $BASE` with no default), stages and scratch are not images
        // to pin.
        if stage.base_unknown || stage.base_stage.is_some() || stage.base.is_scratch() || stage.base_raw.is_empty() {
            continue;
        }
        if !stage.base.is_floating() {
            continue;
        }
        let how = match stage.base.tag.as_deref() {
            Some(_) => "is tagged `latest`",
            None => "has no tag, so Docker uses `latest`",
        };
        out.push(cx.finding(
            &META,
            stage.base_range,
            format!("base image `{}` {how}; pin a version", stage.base.raw),
        ));
    }
}
