use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;
use dockward_model::Known;
use dockward_model::container::Healthcheck;

declare_rule! {
    /// ## What it does
    /// Reports a container whose healthcheck is disabled (`--no-healthcheck`, Compose
    /// `healthcheck: {disable: true}` or `test: ["NONE"]`), and a container that defines
    /// none when its image, built from a Dockerfile the scan can see, defines none either.
    ///
    /// ## Why is this bad?
    /// Without a healthcheck the engine only knows whether the main process is alive, not
    /// whether it serves: a deadlocked or half-compromised service keeps receiving traffic,
    /// and orchestrators cannot replace it.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --no-healthcheck acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --health-cmd "wget -qO- http://localhost:8080/healthz || exit 1" acme/api:2.3
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.27: ensure that container health is checked at runtime
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#healthcheck>
    pub static META = {
        code: "DW315",
        name: "healthcheck-disabled",
        category: Runtime,
        severity: Low,
        summary: "the container has no healthcheck",
        references: ["cis-1.6:5.27", "cwe:693", "kics:698ed579-b239-4f8f-a388-baa4bcb13ef8"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    // One-shot `--rm` containers (CI steps, tool runs) are not services.
    if cx.spec.auto_remove {
        return;
    }
    let spec = cx.spec;
    match &spec.healthcheck.value {
        Known::Set(Healthcheck::Disabled) => out.push(cx.finding(
            &META,
            &spec.healthcheck.at,
            format!("{} disables the healthcheck", cx.subject()),
        )),
        Known::Unset if spec.image_facts.as_ref().is_some_and(|f| !f.has_healthcheck) => {
            // Its Dockerfile defines none, but nothing may be known of the base image's.
            match spec.image_facts.as_ref().and_then(|f| f.unknown_base.as_deref()) {
                Some(base) => out.push(
                    cx.finding(
                        &META,
                        &spec.origin,
                        format!(
                            "neither {} nor its Dockerfile defines a healthcheck (unless the base image `{base}` does)",
                            cx.subject()
                        ),
                    )
                    .with_confidence(dockward_core::Confidence::Low),
                ),
                None => out.push(cx.finding(
                    &META,
                    &spec.origin,
                    format!("neither {} nor its image defines a healthcheck", cx.subject()),
                )),
            }
        }
        _ => {}
    }
}
