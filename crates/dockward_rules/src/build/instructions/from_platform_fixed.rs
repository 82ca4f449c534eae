use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `FROM --platform=` with a fixed value such as `linux/amd64`. Values taken
    /// from build arguments (`$BUILDPLATFORM`, `$TARGETPLATFORM`, your own ARG) are fine,
    /// and so is a stage named after the platform it is made for (`AS build-arm64`).
    ///
    /// ## Why is this bad?
    /// A fixed platform overrides the one the build asks for: on an arm64 machine, or in
    /// a multi-platform build, the stage silently pulls and runs amd64 binaries under
    /// emulation (slow, and different from what ships), or the final image is published
    /// for the wrong architecture. Cross-compiling builder stages should use
    /// `$BUILDPLATFORM`; the final stage should follow `$TARGETPLATFORM`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM --platform=linux/amd64 golang:1.23 AS build
    /// RUN go build -o /out/app .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM --platform=$BUILDPLATFORM golang:1.23 AS build
    /// ARG TARGETOS TARGETARCH
    /// RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .
    /// ```
    ///
    /// ## References
    /// - BuildKit check `FromPlatformFlagConstDisallowed`
    /// - <https://docs.docker.com/build/building/multi-platform/>
    pub static META = {
        code: "DW263",
        name: "from-platform-fixed",
        category: Build,
        severity: Low,
        summary: "FROM --platform uses a fixed value",
        references: ["hadolint:DL3029", "kics:b16e8501-ef3c-44e1-a543-a093238099c9"],
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
        if value.is_empty() || value.contains('$') {
            continue;
        }
        // `FROM --platform=linux/arm64 … AS build-arm64`: a stage made for one platform.
        let arch = value.split('/').nth(1).unwrap_or(value).to_ascii_lowercase();
        if stage.name.as_deref().is_some_and(|n| n.contains(&arch)) {
            continue;
        }
        out.push(
            cx.finding(
                &META,
                flag.value_range.unwrap_or(flag.range),
                format!("FROM --platform={value} pins the platform regardless of what the build targets"),
            )
            .with_help("use `--platform=$BUILDPLATFORM` for build stages, or leave the flag out"),
        );
    }
}
