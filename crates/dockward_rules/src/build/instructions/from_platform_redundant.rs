use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`): a flag that
    /// asks for what the build does anyway.
    ///
    /// A fixed platform (`--platform=linux/amd64`) is a different concern, reported by
    /// DW263; `--platform=$BUILDPLATFORM` is meaningful and fine.
    ///
    /// ## Why is this bad?
    /// Every stage is already built for the target platform unless told otherwise. The
    /// flag adds nothing, and it suggests to the reader that the stage is special, or is
    /// mistaken for `$BUILDPLATFORM`, which is what cross-compiling builder stages need.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=$TARGETPLATFORM alpine:3.20
    /// COPY app /usr/local/bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app /usr/local/bin/app
    /// ```
    ///
    /// ## References
    /// - BuildKit check `RedundantTargetPlatform`
    /// - <https://docs.docker.com/build/building/multi-platform/>
    pub static META = {
        code: "DW274",
        name: "from-platform-redundant",
        category: Build,
        severity: Info,
        summary: "FROM --platform=$TARGETPLATFORM is the default",
        references: ["hadolint:DL3065"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        let Some(flag) = stage.from.flag("platform") else {
            continue;
        };
        let Some(value) = flag.value.as_deref() else { continue };
        if matches!(value.trim(), "$TARGETPLATFORM" | "${TARGETPLATFORM}") {
            out.push(
                cx.finding(
                    &META,
                    flag.value_range.unwrap_or(flag.range),
                    "`--platform=$TARGETPLATFORM` is what every stage is built for anyway",
                )
                .with_help("leave the flag out"),
            );
        }
    }
}
