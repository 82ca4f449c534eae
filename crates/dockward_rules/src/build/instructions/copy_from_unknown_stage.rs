use super::util::{edit_distance, from_refs, is_ascii_digits};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=NAME` (and `RUN --mount=…,from=NAME`) where `NAME` is no stage
    /// of this Dockerfile but looks like one: a stage index that does not exist, or a plain
    /// name (no registry, tag or digest) that is a near-miss of a stage name (`biulder`
    /// for `builder`) or a typical stage name (`build`, `builder`, `deps`, …).
    /// Other names are taken for the images they are (`--from=nginx:1.27`).
    ///
    /// ## Why is this bad?
    /// A `--from` value that names no stage is pulled as an image. A typo in a stage name
    /// therefore does not fail cleanly: the build either breaks with a confusing "pull
    /// access denied", or — worse — copies files from whatever public image happens to
    /// carry that name.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// RUN go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=biulder /out/app /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS builder
    /// RUN go build -o /out/app .
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=builder /out/app /app
    /// COPY --from=busybox:1.36 /bin/busybox /busybox
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/multi-stage/>
    pub static META = {
        code: "DW255",
        name: "copy-from-unknown-stage",
        category: Build,
        severity: Medium,
        summary: "--from names a stage that does not exist",
        references: ["hadolint:DL3022"],
        fix: None,
        models: [Build],
    };
}

/// Names people give build stages; as images on Docker Hub they do not exist (or are
/// not what anyone means).
const STAGE_WORDS: &[&str] = &[
    "build",
    "builder",
    "build-env",
    "build-stage",
    "base",
    "deps",
    "dependencies",
    "compile",
    "compiler",
    "dev",
    "development",
    "prod",
    "production",
    "runtime",
    "release",
    "final",
    "test",
    "tests",
    "assets",
    "frontend",
    "backend",
    "stage",
    "stage1",
    "stage2",
    "installer",
    "downloader",
    "src",
    "source",
    "sources",
];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let names: Vec<&str> = cx.build.stages.iter().filter_map(|s| s.name.as_deref()).collect();
    // In a file with no FROM, `--from` names stages of whatever the file is pasted into.
    for r in from_refs(cx).into_iter().filter(|r| !r.inst.stage.implicit) {
        let value = r.value.as_str();
        if is_ascii_digits(value) {
            let n: usize = value.parse().unwrap_or(usize::MAX);
            if n >= cx.build.stages.len() {
                out.push(cx.finding(
                    &META,
                    r.range,
                    format!("--from={value}: there is no stage {value} (stages are numbered from 0)"),
                ));
            }
            continue;
        }
        if cx.build.stage_named(value).is_some() || value.contains(['/', ':', '@', '.']) {
            continue;
        }
        let lower = value.to_ascii_lowercase();
        let near = names
            .iter()
            .filter(|n| edit_distance(n, &lower) <= if n.len() >= 5 { 2 } else { 1 })
            .min_by_key(|n| edit_distance(n, &lower));
        let message = match near {
            Some(n) => format!("--from={value} names no stage of this Dockerfile; did you mean `{n}`?"),
            None if STAGE_WORDS.contains(&lower.as_str()) => {
                format!(
                    "--from={value} names no stage of this Dockerfile, so Docker will try to pull an image `{value}`"
                )
            }
            None => continue,
        };
        out.push(cx.finding(&META, r.range, message));
    }
}
