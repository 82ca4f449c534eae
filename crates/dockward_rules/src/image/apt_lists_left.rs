//! apt's package lists left in the image: DW202, seen in a built image's files.

use super::ImageCx;
use super::package_cache_left::report_cache;
pub use crate::build::packages::apt_lists_not_deleted::META;
use dockward_core::Finding;

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    report_cache(cx, out, &META, "/var/lib/apt/lists", "apt package lists", &["lock"]);
}
