//! Secrets in ENV or build arguments: DW401, seen in a built image — its `Env`, and the
//! build arguments its history records (`ARG NAME=value`, and the `|N NAME=value …` prefix
//! BuildKit and the classic builder write before every RUN that had arguments in scope).
//! Values are judged by the shared detector (`crate::secrets`) and never quoted.

use super::{ImageCx, history_build_args};
pub use crate::build::secret_in_arg_or_env::META;
use crate::secrets::secret_setting;
use dockward_core::Finding;

/// `ARG NAME=value` as BuildKit records it, or `/bin/sh -c #(nop)  ARG NAME=value`.
fn arg_instruction(created_by: &str) -> Option<(&str, &str)> {
    let s = created_by.trim();
    let s = s.strip_prefix("/bin/sh -c #(nop)").map_or(s, str::trim_start);
    let rest = s.strip_prefix("ARG ")?;
    rest.trim().split_once('=')
}

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let help = "pass secrets with `RUN --mount=type=secret` at build time and as files at run time, then rebuild: the old image keeps the value";
    for var in &cx.spec.config.env {
        let Some(env) = var.get() else { continue };
        if let Some(what) = secret_setting(&env.name, &env.value) {
            out.push(
                cx.finding(&META, &var.at, format!("the image's Env sets {} to {what}", env.name))
                    .with_help(help),
            );
        }
    }
    // A build argument is recorded by its ARG and again before every RUN in its scope:
    // reported once, where it first appears.
    let mut reported = Vec::new();
    for entry in &cx.spec.history {
        let args = history_build_args(&entry.created_by)
            .into_iter()
            .chain(arg_instruction(&entry.created_by));
        for (name, value) in args {
            if reported.contains(&name) {
                continue;
            }
            if let Some(what) = secret_setting(name, value) {
                reported.push(name);
                out.push(
                    cx.finding(
                        &META,
                        &entry.at,
                        format!("the image's history records build argument {name} holding {what}"),
                    )
                    .with_help(help),
                );
            }
        }
    }
}
