//! zypper's cache left in the image: DW222, seen in a built image's files.

use super::ImageCx;
use super::package_cache_left::report_cache;
pub use crate::build::packages::zypper_cache_not_cleaned::META;
use dockward_core::Finding;

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    report_cache(cx, out, &META, "/var/cache/zypp", "zypper's cache", &[]);
}
