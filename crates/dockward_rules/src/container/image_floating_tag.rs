use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a container whose image has no tag or the `latest` tag (and no digest).
    /// Images built by the same Compose file or script are not reported.
    ///
    /// ## Why is this bad?
    /// `latest` is whatever was pushed last: two hosts running "the same" command run
    /// different software, a rollback has nothing to roll back to, and a compromised or
    /// broken push reaches every deployment at its next pull.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d redis
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d redis:7.4.1
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/image/tag/>
    pub static META = {
        code: "DW316",
        name: "container-image-floating-tag",
        category: Runtime,
        severity: Low,
        summary: "the container's image is untagged or `latest`",
        references: ["cwe:1357"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    if spec.build.is_some() {
        return;
    }
    let Some(image) = spec.image.get() else { return };
    if image.has_variables || image.is_scratch() || image.raw.is_empty() || !image.is_floating() {
        return;
    }
    let what = if image.tag.is_some() {
        "the `latest` tag"
    } else {
        "no tag (so `latest`)"
    };
    out.push(
        cx.finding(
            &META,
            &spec.image.at,
            format!("{} runs image `{}` with {what}", cx.subject(), image.raw),
        )
        .with_help("pin a version tag (and, for production, a digest)"),
    );
}
