use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a container whose image is not pinned by digest (`image@sha256:…`). Opt-in:
    /// enable it with `extend-select = ["DW317"]` where deployments must be reproducible
    /// to the byte. Images built by the same Compose file or script are not reported.
    ///
    /// ## Why is this bad?
    /// Tags are mutable: the registry (or anyone who can push to it) decides what
    /// `nginx:1.27` is today. A digest names exactly one image, so what was reviewed and
    /// scanned is what runs.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d nginx:1.27
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d nginx:1.27@sha256:0a399eb16751829e1af26fea27b20c3ec28d7ab1fb72182879dcae1cca21206a
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier>
    pub static META = {
        code: "DW317",
        name: "container-image-not-pinned-by-digest",
        category: Runtime,
        severity: Info,
        summary: "the container's image is not pinned by digest",
        references: ["cwe:1357"],
        fix: None,
        models: [Container],
        opt_in: true,
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    if spec.build.is_some() {
        return;
    }
    let Some(image) = spec.image.get() else { return };
    if image.has_variables || image.is_scratch() || image.raw.is_empty() || image.digest.is_some() {
        return;
    }
    out.push(cx.finding(
        &META,
        &spec.image.at,
        format!("{} runs image `{}` by tag, not by digest", cx.subject(), image.raw),
    ));
}
