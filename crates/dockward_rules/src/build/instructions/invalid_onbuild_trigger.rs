use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports `ONBUILD FROM`, `ONBUILD MAINTAINER` and `ONBUILD ONBUILD`.
    ///
    /// ## Why is this bad?
    /// These instructions cannot be triggers: Docker rejects the Dockerfile ("isn't
    /// allowed as an ONBUILD trigger"). A trigger runs inside the child's build stage, so
    /// it cannot start a new stage, and chaining triggers is not supported.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ONBUILD FROM node:22-slim
    /// ONBUILD COPY package.json /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// ONBUILD COPY package.json /app/
    /// ONBUILD RUN npm ci --prefix /app
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#onbuild>
    pub static META = {
        code: "DW260",
        name: "invalid-onbuild-trigger",
        category: Build,
        severity: Medium,
        summary: "ONBUILD wraps FROM, MAINTAINER or ONBUILD",
        references: ["hadolint:DL3043"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for instruction in &cx.build.dockerfile.instructions {
        let Some(inner) = instruction.onbuild.as_deref() else {
            continue;
        };
        if matches!(inner.keyword, Keyword::From | Keyword::Maintainer | Keyword::Onbuild) {
            out.push(cx.finding(
                &META,
                inner.keyword_range,
                format!(
                    "{} cannot be an ONBUILD trigger; Docker rejects this Dockerfile",
                    inner.keyword.as_str()
                ),
            ));
        }
    }
}
