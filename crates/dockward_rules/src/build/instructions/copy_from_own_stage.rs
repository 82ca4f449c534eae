use super::util::from_refs;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from` (or `RUN --mount=…,from=`) that names the stage it is in, by
    /// name or by index.
    ///
    /// ## Why is this bad?
    /// A stage cannot copy from itself: BuildKit rejects the build with a circular
    /// dependency. The intent was almost always an earlier stage, or a plain `COPY` from
    /// the build context.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22 AS web
    /// RUN npm ci && npm run build
    /// COPY --from=web /app/dist /usr/share/nginx/html
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22 AS web
    /// RUN npm ci && npm run build
    ///
    /// FROM nginx:1.27
    /// COPY --from=web /app/dist /usr/share/nginx/html
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/multi-stage/>
    pub static META = {
        code: "DW256",
        name: "copy-from-own-stage",
        category: Build,
        severity: Medium,
        summary: "--from names the stage it is in",
        references: ["hadolint:DL3023", "trivy:DS-0006", "kics:cdddb86f-95f6-4fc4-b5a1-483d9afceb2b"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    // In a file with no FROM, stage numbers mean whatever the file is pasted into.
    for r in from_refs(cx).into_iter().filter(|r| !r.inst.stage.implicit) {
        if cx
            .build
            .stage_named(&r.value)
            .is_some_and(|s| s.index == r.inst.stage.index)
        {
            out.push(cx.finding(
                &META,
                r.range,
                format!("--from={} names the stage this instruction is in", r.value),
            ));
        }
    }
}
