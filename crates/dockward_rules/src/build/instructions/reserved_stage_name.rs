use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a stage named `scratch` or `context` (`FROM … AS scratch`).
    ///
    /// ## Why is this bad?
    /// Both names already mean something to the builder: `FROM scratch` is the empty image,
    /// and `context` is how `COPY --from` and named build contexts refer to the build
    /// context. A stage with either name makes later references ambiguous: BuildKit refuses
    /// `scratch` and may resolve `context` to something other than the stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS context
    /// RUN echo hi > /greeting
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20 AS prepare
    /// RUN echo hi > /greeting
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#from>
    pub static META = {
        code: "DW270",
        name: "reserved-stage-name",
        category: Build,
        severity: Medium,
        summary: "a stage is named `scratch` or `context`",
        references: ["hadolint:DL3063"],
        fix: None,
        models: [Build],
    };
}

const RESERVED: [&str; 2] = ["scratch", "context"];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        let (Some(name), Some(range)) = (stage.name.as_deref(), stage.name_range) else {
            continue;
        };
        if RESERVED.contains(&name) {
            out.push(cx.finding(
                &META,
                range,
                format!("`{name}` is a reserved name; name the stage something else"),
            ));
        }
    }
}
