//! yarn's cache left in the image: DW223, seen in a built image's files.

use super::ImageCx;
use super::package_cache_left::report_cache;
pub use crate::build::packages::yarn_cache_not_cleaned::META;
use dockward_core::Finding;

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    report_cache(cx, out, &META, "/usr/local/share/.cache/yarn", "yarn's cache", &[]);
}
