use super::util::pulled_images;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` (or `COPY --from`) image that is referenced by tag only, without
    /// an `@sha256:` digest. This rule is opt-in: select it with `extend-select =
    /// ["DW120"]`.
    ///
    /// ## Why is this bad?
    /// A tag is a movable pointer: `python:3.12-slim` is re-pushed every few weeks, and a
    /// compromised or mistaken push changes what you build on without any change to your
    /// Dockerfile. A digest names exactly one image, so builds are reproducible and an
    /// unexpected base shows up as a diff. Tools such as Renovate or Dependabot keep the
    /// digests current.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:2bac43769ace90ebd3ad83e5392295e25dfc58e58543d3ab326c3330b505283d
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.2: ensure that containers use only trusted base images
    /// - <https://docs.docker.com/build/building/best-practices/#pin-base-image-versions>
    pub static META = {
        code: "DW120",
        name: "base-image-not-pinned-by-digest",
        category: Image,
        severity: Low,
        summary: "an image is referenced by tag, not by digest",
        references: ["cis-1.6:4.2", "cwe:1357"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for pulled in pulled_images(cx) {
        if pulled.image.digest.is_some() {
            continue;
        }
        let what = if pulled.is_base {
            "base image"
        } else {
            "image copied from"
        };
        out.push(
            cx.finding(
                &META,
                pulled.range,
                format!("{what} `{}` is not pinned by digest", pulled.image.raw),
            )
            .with_help(
                "append `@sha256:<digest>` (e.g. from `docker buildx imagetools inspect`) and let a bot update it",
            ),
        );
    }
}
