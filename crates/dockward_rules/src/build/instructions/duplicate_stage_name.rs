use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM … AS name` whose name (compared without case, as BuildKit does) an
    /// earlier stage already uses.
    ///
    /// ## Why is this bad?
    /// Stage names must be unique: BuildKit rejects the Dockerfile, and older builders
    /// silently resolve `COPY --from=name` and `--target name` to one of the two stages,
    /// so what ends up in the image depends on the builder.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/api ./cmd/api
    ///
    /// FROM node:22 AS build
    /// RUN npm ci && npm run build
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build-api
    /// RUN go build -o /out/api ./cmd/api
    ///
    /// FROM node:22 AS build-web
    /// RUN npm ci && npm run build
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/multi-stage/#name-your-build-stages>
    pub static META = {
        code: "DW257",
        name: "duplicate-stage-name",
        category: Build,
        severity: Medium,
        summary: "two stages have the same name",
        references: ["hadolint:DL3024", "trivy:DS-0012", "checkov:CKV_DOCKER_11", "kics:f2daed12-c802-49cd-afed-fe41d0b82fed"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let mut seen: HashSet<&str> = HashSet::new();
    for stage in &cx.build.stages {
        let (Some(name), Some(range)) = (stage.name.as_deref(), stage.name_range) else {
            continue;
        };
        if !seen.insert(name) {
            out.push(cx.finding(
                &META,
                range,
                format!("stage name `{name}` is already used by an earlier stage"),
            ));
        }
    }
}
