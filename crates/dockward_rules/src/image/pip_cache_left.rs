//! pip's cache left in the image: DW216, seen in a built image's files.

use super::ImageCx;
use super::package_cache_left::report_cache;
pub use crate::build::packages::pip_install_keeps_cache::META;
use dockward_core::Finding;

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    report_cache(cx, out, &META, "/root/.cache/pip", "pip's cache", &[]);
}
