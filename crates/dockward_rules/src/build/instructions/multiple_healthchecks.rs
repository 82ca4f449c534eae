use super::util::overridden_in_stage;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports a `HEALTHCHECK` that a later `HEALTHCHECK` of the same stage replaces.
    ///
    /// ## Why is this bad?
    /// Only the last `HEALTHCHECK` of a stage takes effect. The earlier one reads as if it
    /// were checked, but it never runs: the image is monitored by a different probe than
    /// the one a reviewer sees first.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD curl -fsS http://localhost/ || exit 1
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK CMD curl -fsS http://localhost/healthz || exit 1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// COPY site/ /usr/share/nginx/html/
    /// HEALTHCHECK CMD curl -fsS http://localhost/healthz || exit 1
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#healthcheck>
    pub static META = {
        code: "DW105",
        name: "multiple-healthchecks",
        category: Image,
        severity: Low,
        summary: "a HEALTHCHECK is overridden by a later one in the same stage",
        references: ["hadolint:DL3012", "trivy:DS-0023"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        for instruction in overridden_in_stage(stage, &Keyword::Healthcheck) {
            out.push(cx.finding(
                &META,
                instruction.range,
                "this HEALTHCHECK never takes effect: a later HEALTHCHECK in the same stage replaces it",
            ));
        }
    }
}
