use super::util::pulled_images;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a `FROM` (or `COPY --from`) image that does not come from one of the
    /// registries listed as trusted in `dockward.toml`:
    ///
    /// ```toml
    /// [image]
    /// trusted-registries = ["registry.acme.internal", "docker.io/library", "gcr.io/distroless"]
    /// ```
    ///
    /// An entry matches the registry host (`ghcr.io`) or a path prefix under it
    /// (`ghcr.io/acme`); images written without a registry are `docker.io/…`, and
    /// official images are `docker.io/library/…`. The rule is silent when no list is
    /// configured.
    ///
    /// ## Why is this bad?
    /// The base image is code you run with your application. An image from an arbitrary
    /// registry or namespace has not gone through your organisation's review, scanning
    /// and mirroring, and a typo-squatted name is one keystroke away.
    ///
    /// ## Example
    /// With `trusted-registries = ["registry.acme.internal"]`:
    /// ```dockerfile
    /// FROM someone/python-with-tools:3.12
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM registry.acme.internal/base/python:3.12
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.2: ensure that containers use only trusted base images
    pub static META = {
        code: "DW106",
        name: "untrusted-base-registry",
        category: Image,
        severity: High,
        summary: "an image comes from a registry outside the trusted list",
        references: ["cis-1.6:4.2", "hadolint:DL3026", "cwe:829", "dockle:CIS-DI-0002"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    if cx.settings.trusted_registries.is_empty() {
        return;
    }
    for pulled in pulled_images(cx) {
        let name = pulled.image.qualified_name();
        if cx.settings.is_trusted_registry(&name) == Some(false) {
            let what = if pulled.is_base {
                "base image"
            } else {
                "image copied from"
            };
            out.push(
                cx.finding(
                    &META,
                    pulled.range,
                    format!("{what} `{}` ({name}) is not from a trusted registry", pulled.image.raw),
                )
                .with_help("use an image from a registry listed in `[image] trusted-registries`, or add its registry to the list"),
            );
        }
    }
}
