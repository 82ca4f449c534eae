//! The image runs as root: DW101, the Dockerfile rule's concern seen in a built image's
//! configuration (`config.User` empty, `root`, `0`, or a name that `/etc/passwd` maps to
//! uid 0).

use super::ImageCx;
pub use crate::build::final_stage_root::META;
use dockward_core::Finding;
use dockward_model::image::user_is_root;

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let config = &cx.spec.config;
    let passwd = cx.content("/etc/passwd");
    match config.user.get() {
        None if config.user.value.is_unknown() => {}
        None => out.push(
            cx.finding(
                &META,
                &config.origin,
                format!("{} sets no User, so its containers run as root", cx.spec.object()),
            )
            .with_help("rebuild with `USER <uid>` (an unprivileged account) before CMD"),
        ),
        Some(user) if user_is_root(user, passwd) => {
            let name = user.split(':').next().unwrap_or(user);
            let message = if matches!(name, "root" | "0") {
                format!("the image's User is {name}")
            } else {
                format!("the image's User {name} has uid 0 in /etc/passwd")
            };
            out.push(cx.finding(&META, &config.user.at, message));
        }
        Some(_) => {}
    }
}
