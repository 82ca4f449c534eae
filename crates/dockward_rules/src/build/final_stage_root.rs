use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Severity};

declare_rule! {
    /// ## What it does
    /// Reports a final build stage that runs as root: it sets no `USER` (and does not
    /// inherit one from a stage it is built from), or its last `USER` is `root` or `0`.
    ///
    /// In a built image (`dockward image`): the image's `User` is empty, `root`, `0`, or a name its `/etc/passwd` gives uid 0.
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
    // `FROM scratch` images hold only what was copied in, usually a static binary; they
    // still run as root unless USER is set, so they are judged like any other.
    let base = super::known_base_image(cx, stage);
    match &stage.user {
        None if runs_as_non_root_by_default(stage) => {}
        // The base image's configuration is at hand (`[image] base-images`): it decides.
        None if base.is_some_and(|b| !b.runs_as_root()) => {}
        None if base.is_some() => out.push(
            cx.finding(
                &META,
                stage.from.range,
                format!(
                    "the final stage never sets USER, and its base image runs as root ({} sets no unprivileged User)",
                    base.map_or("", |b| b.source.as_str())
                ),
            )
            .with_help("create an unprivileged user (or use the base image's, e.g. `node`, `nobody`) and add `USER <name>` before CMD"),
        ),
        None if installs_privilege_drop_tool(cx) => out.push(
            cx.finding(
                &META,
                stage.from.range,
                "the final stage never sets USER; it installs a privilege-drop tool, so the entrypoint presumably switches user, but it starts as root",
            )
            .with_severity(Severity::Low),
        ),
        None => out.push(
            cx.finding(&META, stage.from.range, "the final stage never sets USER, so the container runs as root")
                .with_help("create an unprivileged user (or use the base image's, e.g. `node`, `nobody`) and add `USER <name>` before CMD"),
        ),
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

/// Base images whose default user is not root: distroless `:nonroot` / `:*-nonroot` tags
/// (uid 65532) and Chainguard images (uid 65532 unless a `-dev` variant). A stage built on
/// another stage was already judged through the inherited USER.
fn runs_as_non_root_by_default(stage: &dockward_model::build::Stage<'_>) -> bool {
    if stage.base_stage.is_some() || stage.base_unknown {
        return false;
    }
    let base = &stage.base;
    let tag = base.tag.as_deref().unwrap_or("");
    let distroless_nonroot = base.registry.as_deref() == Some("gcr.io")
        && base.path.starts_with("distroless/")
        && (tag == "nonroot" || tag.ends_with("-nonroot"));
    let chainguard = base.registry.as_deref() == Some("cgr.dev") && !tag.contains("-dev") && tag != "dev";
    distroless_nonroot || chainguard
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
