use super::util::overridden_in_stage;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports an `ENTRYPOINT` that a later `ENTRYPOINT` of the same stage replaces.
    ///
    /// ## Why is this bad?
    /// Only the last `ENTRYPOINT` of a stage takes effect. An earlier one — often a
    /// wrapper meant to drop privileges or set up the environment — silently never runs,
    /// while a reader assumes it does.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/sbin/tini", "--"]
    /// ENTRYPOINT ["/usr/local/bin/app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENTRYPOINT ["/sbin/tini", "--", "/usr/local/bin/app"]
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#entrypoint>
    pub static META = {
        code: "DW253",
        name: "multiple-entrypoint",
        category: Build,
        severity: Low,
        summary: "an ENTRYPOINT is overridden by a later ENTRYPOINT in the same stage",
        references: ["hadolint:DL4004", "trivy:DS-0007", "kics:6938958b-3f1a-451c-909b-baeee14bdc97"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        for instruction in overridden_in_stage(stage, &Keyword::Entrypoint) {
            out.push(cx.finding(
                &META,
                instruction.range,
                "this ENTRYPOINT never takes effect: a later ENTRYPOINT in the same stage replaces it",
            ));
        }
    }
}
