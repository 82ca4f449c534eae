use super::util::runtime_chain;
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Severity};
use dockward_dockerfile::{Arguments, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a service image without a `HEALTHCHECK`: its final stage `EXPOSE`s a port
    /// but defines no check (neither its own nor one inherited from a stage of this file
    /// it is built on). An image that exposes nothing is taken for a tool, a base image or
    /// a batch job and is not reported; nor are build stages, whose containers do not run.
    /// A final `HEALTHCHECK NONE`, which switches off the base image's check on purpose,
    /// is reported at `info`.
    ///
    /// In a built image (`dockward image`): the image's configuration exposes a port and has no `Healthcheck`, or disables it with `NONE`.
    ///
    /// ## Why is this bad?
    /// Without a health check, Docker, Compose and Swarm only know whether the main process
    /// is alive, not whether it still serves. A hung or dead-locked service keeps receiving
    /// traffic, `depends_on: condition: service_healthy` cannot work, and orchestrators
    /// cannot replace the broken container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app/ /app/
    /// USER nobody
    /// EXPOSE 8000
    /// CMD ["python", "/app/server.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY app/ /app/
    /// USER nobody
    /// EXPOSE 8000
    /// HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "/app/healthcheck.py"]
    /// CMD ["python", "/app/server.py"]
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.6: ensure that HEALTHCHECK instructions have been added to
    ///   container images
    /// - <https://docs.docker.com/reference/dockerfile/#healthcheck>
    pub static META = {
        code: "DW104",
        name: "missing-healthcheck",
        category: Image,
        severity: Low,
        summary: "the image defines no HEALTHCHECK",
        references: [
            "cis-1.6:4.6", "checkov:CKV_DOCKER_2", "trivy:DS-0026", "hadolint:DL3057", "dockle:CIS-DI-0006",
            "kics:b03a748a-542d-44f4-bb86-9199ab4fd2d5", "cwe:710",
        ],
        fix: None,
        models: [Build, Image],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let chain = runtime_chain(cx.build);
    let Some(last) = chain.last() else { return };
    let exposes = chain
        .iter()
        .flat_map(|s| s.instructions.iter())
        .any(|si| si.instruction.keyword == Keyword::Expose);
    let healthcheck = chain
        .iter()
        .rev()
        .flat_map(|s| s.instructions.iter().rev())
        .map(|si| si.instruction)
        .find(|i| i.keyword == Keyword::Healthcheck);
    match healthcheck {
        Some(instruction) => {
            let disabled = matches!(
                &instruction.args,
                Arguments::Healthcheck { subcommand: Some(sub), .. } if sub.text.eq_ignore_ascii_case("none")
            );
            if disabled {
                out.push(
                    cx.finding(
                        &META,
                        instruction.range,
                        "HEALTHCHECK NONE switches off health checking for this image",
                    )
                    .with_severity(Severity::Info)
                    .with_help("if the base image's check did not fit, replace it with one that does"),
                );
            }
        }
        // Without EXPOSE the image is taken for a tool, a base image or a batch job: there is
        // no service for a check to probe.
        None if !exposes => {}
        // The base image's configuration is at hand and defines a check, which the image
        // inherits.
        None if crate::build::known_base_image(cx, last).is_some_and(|b| b.healthcheck) => {}
        None => out.push(
            cx.finding(
                &META,
                last.from.range,
                "the image exposes a service but defines no HEALTHCHECK",
            )
            .with_help(
                "add `HEALTHCHECK CMD …` that probes the service (or `HEALTHCHECK NONE` to state that none applies)",
            ),
        ),
    }
}
