//! The image has no health check: DW104, seen in a built image's configuration.

use super::ImageCx;
pub use crate::build::instructions::missing_healthcheck::META;
use dockward_core::Finding;

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let config = &cx.spec.config;
    match config.healthcheck.get() {
        // As for a Dockerfile: an image that exposes no port is taken for a tool, a base
        // image or a batch job, with no service for a check to probe.
        None if config.exposed_ports.is_empty() || config.healthcheck.value.is_unknown() => {}
        None => out.push(
            cx.finding(
                &META,
                &config.origin,
                format!("{} exposes a service but defines no Healthcheck", cx.spec.object()),
            )
            .with_help("add a HEALTHCHECK to the Dockerfile, or `healthcheck:` where it is deployed"),
        ),
        Some(h) if h.is_disabled() => out.push(cx.finding(
            &META,
            &config.healthcheck.at,
            "the image disables its base image's health check (Test NONE)",
        )),
        Some(_) => {}
    }
}
