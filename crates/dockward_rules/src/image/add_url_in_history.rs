//! ADD of a URL: DW151, seen in a built image's history (`ADD https://… /dst`).

use super::ImageCx;
pub use crate::build::packages::add_remote_without_checksum::META;
use dockward_core::Finding;

/// Whether a history entry is an ADD of a URL without `--checksum`.
pub(crate) fn adds_url(created_by: &str) -> bool {
    let s = created_by.trim();
    let s = s.strip_prefix("/bin/sh -c #(nop)").map_or(s, str::trim_start);
    let Some(args) = s.strip_prefix("ADD ") else {
        return false;
    };
    !args.contains("--checksum")
        && args
            .split_whitespace()
            .any(|w| w.starts_with("http://") || w.starts_with("https://"))
}

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    for entry in &cx.spec.history {
        if adds_url(&entry.created_by) {
            out.push(
                cx.finding(
                    &META,
                    &entry.at,
                    "the image's history adds a URL without verifying its checksum",
                )
                .with_help("use `ADD --checksum=sha256:…` or download with curl and check the file"),
            );
        }
    }
}
