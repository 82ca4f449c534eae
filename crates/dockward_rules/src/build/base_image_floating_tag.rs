use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` whose image has no tag or the tag `latest`, and no digest.
    ///
    /// A base that gets its tag only from a build argument with no default (`ARG TAG` then
    /// `FROM alpine$TAG`) floats too when the argument is not given.
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
            "dockle:DKL-DI-0006", "cis-1.6:4.2", "kics:9efb0b2d-89c9-41a3-91ca-dcc0aec911fd", "kics:f45ea400-6bbe-4501-9fc7-1c3d75c32067"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        // Stages and scratch are not images to pin.
        if stage.base_stage.is_some() || stage.base.is_scratch() || stage.base_raw.is_empty() {
            continue;
        }
        if stage.base_unknown {
            let stage_names = cx.build.stages[..stage.index].iter().filter_map(|s| s.name.as_deref());
            if let Some(message) = unknown_base_message(&stage.base_raw, &stage.base.raw, stage_names) {
                out.push(cx.finding(&META, stage.base_range, message));
            }
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

/// The build arguments BuildKit sets on every build.
const PLATFORM_ARGS: [&str; 8] = [
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
];

/// A base written with a variable that has no value (`ARG TAG` without a default): the
/// image is floating when no tag can come from the written text. Only the last path
/// component decides: a variable in the registry or path (`${REGISTRY}/ubuntu`) cannot
/// supply a tag, and one glued to the name (`alpine$TAG`) supplies it only when a build
/// argument is given — without one, BuildKit expands it to nothing and pulls `latest`. A
/// written `:` or `@` (`alpine:${TAG}`) means the author pins through the variable: an empty
/// value there fails the build rather than floating, so nothing is said. A wholly variable
/// base (`FROM $IMAGE`) could be anything. A name that picks an earlier stage by a
/// variable (`FROM binary-$TARGETOS` after `FROM … AS binary-linux`) is a stage, and
/// BuildKit's platform arguments always have a value.
fn unknown_base_message<'a>(
    raw: &str,
    expanded: &str,
    mut stage_names: impl Iterator<Item = &'a str>,
) -> Option<String> {
    if expanded.trim_matches('/').is_empty() {
        return None;
    }
    let last = raw.rsplit('/').next().unwrap_or(raw);
    if last.contains(':') || last.contains('@') || last.starts_with('$') {
        return None;
    }
    if let Some(dollar) = raw.find('$') {
        let prefix = raw[..dollar].to_ascii_lowercase();
        let variable = raw[dollar + 1..].trim_start_matches('{');
        if PLATFORM_ARGS.iter().any(|a| variable.starts_with(a))
            || (!prefix.is_empty() && stage_names.any(|name| name.starts_with(&prefix)))
        {
            return None;
        }
    }
    Some(if last.contains('$') {
        format!(
            "base image `{raw}` takes its tag only from a build argument with no default: without \
             `--build-arg`, Docker uses `latest`; give the argument a pinned default"
        )
    } else {
        format!("base image `{raw}` has no tag, so Docker uses `latest`; pin a version")
    })
}
