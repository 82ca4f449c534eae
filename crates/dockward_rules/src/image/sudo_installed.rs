//! sudo is installed: DW110, seen in a built image's files.

use super::ImageCx;
pub use crate::build::instructions::sudo_in_final_image::META;
use dockward_core::Finding;

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let Some(files) = cx.files() else { return };
    for path in ["/usr/bin/sudo", "/bin/sudo", "/usr/sbin/sudo", "/usr/local/bin/sudo"] {
        if let Some(file) = files.get(path) {
            out.push(
                cx.file_finding(&META, path, file, "the image ships sudo")
                    .with_help("remove the sudo package; start the container with the user it needs instead"),
            );
            return;
        }
    }
}
