use crate::{BuildCx, declare_rule};
use dockward_core::{Confidence, Finding, Severity};

declare_rule! {
    /// ## What it does
    /// Reports a final build stage that runs as root: it sets no `USER` (and does not
    /// inherit one from a stage it is built from), or its last `USER` is `root` or `0`.
    ///
    /// In a built image (`dockward image`): the image's `User` is empty, `root`, `0`, or a name its `/etc/passwd` gives uid 0.
    ///
    /// A Dockerfile that sets no USER runs as its base image's user. When that image's
    /// configuration is at hand (an archive named in `[image] base-images`, or the local
    /// engine with `--base-images engine`) or its default user is documented (distroless
    /// `nonroot` tags, Chainguard images, `nginxinc/nginx-unprivileged`, Docker Official
    /// Images such as `python` or `debian`), it decides. Otherwise the finding says the
    /// container runs as root unless the base image sets a user, at low confidence
    /// (`--min-confidence high` leaves it out).
    ///
    /// ## Why is this bad?
    /// A process that runs as root in the container is root on the host's kernel. Any
    /// container escape, writable host mount or kernel bug then starts with full
    /// privileges. Builder stages may use root freely; only the image that runs counts.
    ///
    /// Images that start as root only to drop privileges in their entrypoint (they install
    /// `gosu`, `su-exec` or `setpriv`, as the official database images do) are reported at
    /// low severity: the drop cannot be verified from the Dockerfile, and the entrypoint
    /// itself still runs as root.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// USER node
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// or a base image whose default user is unprivileged:
    /// ```dockerfile
    /// FROM gcr.io/distroless/nodejs22-debian12:nonroot
    /// COPY . /app
    /// CMD ["/app/server.js"]
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.1: ensure that a user for the container has been created
    /// - <https://docs.docker.com/reference/dockerfile/#user>
    pub static META = {
        code: "DW101",
        name: "final-stage-runs-as-root",
        category: Image,
        severity: High,
        summary: "the image runs as root",
        references: [
            "cis-1.6:4.1", "cwe:250", "hadolint:DL3002", "trivy:DS-0002",
            "checkov:CKV_DOCKER_3", "checkov:CKV_DOCKER_8", "dockle:CIS-DI-0001", "kics:fd54f200-402c-4333-a5a4-36ef6709af2f", "kics:67fd0c4a-68cf-46d7-8c41-bc9fba7e40ae"],
        fix: None,
        models: [Build, Image],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let Some(stage) = cx.build.final_stage() else { return };
    const HELP: &str =
        "create an unprivileged user (or use the base image's, e.g. `node`, `nobody`) and add `USER <name>` before CMD";
    // What the base image says decides when the Dockerfile sets no USER: its configuration
    // when at hand (`[image] base-images`, `--base-images engine`), a documented default
    // (distroless `nonroot`, Docker Official Images), or nothing. `FROM scratch` images
    // hold only what was copied in and run as root unless USER is set.
    let base = super::base_image_of(cx, stage);
    let known = base.as_ref().and_then(|b| b.known.as_ref());
    let reference = base.as_ref().map_or("", |b| b.reference);
    match &stage.user {
        None if known.is_some_and(|b| !b.runs_as_root()) => {}
        None if installs_privilege_drop_tool(cx) => out.push(
            cx.finding(
                &META,
                stage.from.range,
                "the final stage never sets USER; it installs a privilege-drop tool, so the entrypoint presumably switches user, but it starts as root",
            )
            .with_severity(Severity::Low),
        ),
        None => match known {
            Some(b) => out.push(
                cx.finding(
                    &META,
                    stage.from.range,
                    format!(
                        "the final stage never sets USER and its base image `{reference}` sets none either ({}), so the container runs as root",
                        b.source
                    ),
                )
                .with_help(HELP),
            ),
            // Nothing is known of the base image: most set no USER, but some do
            // (`grafana/k6`, vendor images); say so, at low confidence.
            None => out.push(
                cx.finding(
                    &META,
                    stage.from.range,
                    format!("the final stage never sets USER; the container runs as root unless the base image `{reference}` sets one"),
                )
                .with_confidence(Confidence::Low)
                .with_help(format!(
                    "{HELP}; or let dockward read the base image's user: `--base-images engine` (the local engine) or `[image] base-images` (an archive)"
                )),
            ),
        },
        Some(user) if user.is_root() && !user.inherited => {
            out.push(cx.finding(&META, user.range, "the final stage's last USER is root"));
        }
        Some(user) if user.is_root() => out.push(cx.finding(
            &META,
            stage.base_range,
            format!("the final stage inherits USER {} from the stage it is built on", user.value.text),
        )),
        Some(_) => {}
    }
}

/// Whether the final image gets `gosu`, `su-exec` or `setpriv`: the official images' way of
/// starting as root for setup and then running the service as an unprivileged user.
fn installs_privilege_drop_tool(cx: &BuildCx<'_>) -> bool {
    let mut in_final = vec![false; cx.build.stages.len()];
    for i in cx.build.stages_in_final_build() {
        in_final[i] = true;
    }
    cx.run_commands()
        .filter(|c| in_final.get(c.stage.index).copied().unwrap_or(false))
        .any(|c| {
            c.command.words.iter().any(|w| {
                matches!(w.value.rsplit('/').next().unwrap_or(""), "gosu" | "su-exec" | "setpriv")
                    || w.value.starts_with("gosu-")
                    || w.value.contains("/gosu/releases/")
            })
        })
}
