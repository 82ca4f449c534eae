use crate::container::{ContainerCx, is_root_user};
use crate::declare_rule;
use dockward_core::{Confidence, Finding, Severity};
use dockward_model::Known;

declare_rule! {
    /// ## What it does
    /// Reports a container that runs as root: its user is set to `root` or `0`, or it sets
    /// no user and its image runs as root. When the image is built from a Dockerfile the
    /// scan can see, its final `USER` decides, else (it sets none) its base image's user
    /// when known (`[image] base-images`, `--base-images engine`, documented defaults); an
    /// image that sets a non-root `USER` is not reported unless the container overrides it
    /// with root. When the image, or the Dockerfile's base image, is not known, a container
    /// without a user is reported at low confidence (and, for an image not built here, lower
    /// severity): it runs as whatever the image says, which is root for most images.
    ///
    /// ## Why is this bad?
    /// Root in a container is root on the host's kernel. Any writable host mount, leaked
    /// capability or kernel bug then starts from full privileges. Running as an unprivileged
    /// user turns most container escapes into dead ends.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --user root acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --user 10001:10001 acme/api:2.3
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.1: ensure that a user for the container has been created
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#user>
    pub static META = {
        code: "DW302",
        name: "container-runs-as-root",
        category: Runtime,
        severity: High,
        summary: "the container runs as root",
        references: ["cis-1.6:4.1", "cwe:250"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    let facts = spec.image_facts.as_ref();
    match &spec.user.value {
        Known::Set(user) if is_root_user(user) => {
            let message = match facts.and_then(|f| f.user.as_deref().filter(|_| !f.user_is_root)) {
                Some(image_user) => format!(
                    "{} runs the container as root, overriding the image's non-root USER `{image_user}`",
                    cx.subject()
                ),
                None => format!("{} runs the container as root", cx.subject()),
            };
            out.push(cx.finding(&META, &spec.user.at, message));
        }
        Known::Unset => match facts {
            // The Dockerfile sets no USER and nothing is known of its base image.
            Some(f) if f.user_is_root && f.user.is_none() && f.unknown_base.is_some() => out.push(
                cx.finding(
                    &META,
                    &spec.origin,
                    format!(
                        "{} sets no user and its Dockerfile sets no USER: it runs as root unless the base image `{}` sets one",
                        cx.subject(),
                        f.unknown_base.as_deref().unwrap_or_default()
                    ),
                )
                .with_confidence(Confidence::Low)
                .with_help("add a non-root `USER` to the Dockerfile, or set a user for the container; `--base-images engine` reads the base image's user from the local engine"),
            ),
            Some(f) if f.user_is_root => out.push(
                cx.finding(
                    &META,
                    &spec.origin,
                    format!("{} sets no user and its image never leaves root", cx.subject()),
                )
                .with_help(if spec.build.is_some() {
                    "add a non-root `USER` to the Dockerfile, or set a user for the container"
                } else {
                    "set a non-root user for the container, or use an image that sets one"
                }),
            ),
            Some(_) => {}
            None => out.push(
                cx.finding(
                    &META,
                    &spec.origin,
                    format!(
                        "{} sets no user: the container runs as the image's user, which is root unless the image sets USER",
                        cx.subject()
                    ),
                )
                .with_severity(Severity::Medium)
                // Whether it is root depends on an image the scan did not see.
                .with_confidence(Confidence::Low)
                .with_help(format!(
                    "run as an unprivileged user ({}) if the image does not already",
                    cx.spell("`--user 10001:10001`", "`user: \"10001:10001\"`")
                )),
            ),
        },
        _ => {}
    }
}
