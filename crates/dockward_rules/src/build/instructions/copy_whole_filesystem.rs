use super::util::instructions_with_onbuild;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports `COPY --from=<stage> / …`: a copy of another stage's or image's whole file
    /// system.
    ///
    /// ## Why is this bad?
    /// The point of a multi-stage build is that the final image holds only what it needs.
    /// Copying `/` brings everything back: compilers, package caches, credentials a build
    /// step left behind, the other stage's whole OS. It is also rarely what was meant: a
    /// path such as `/app/dist` or `/out` says what the image takes.
    ///
    /// Off by default (select it with `--extend-select DW271`): on real Dockerfiles most
    /// such copies are deliberate — tool bundles built `FROM scratch` to be copied whole
    /// (`COPY --from=tonistiigi/xx / /`), or a stage flattened into `scratch`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/api ./cmd/api
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build / /
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23 AS build
    /// RUN go build -o /out/api ./cmd/api
    ///
    /// FROM gcr.io/distroless/static-debian12
    /// COPY --from=build /out/api /usr/local/bin/api
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/multi-stage/>
    pub static META = {
        code: "DW271",
        name: "copy-whole-filesystem",
        category: Build,
        severity: Low,
        summary: "`COPY --from` copies another stage's whole file system",
        references: ["hadolint:DL3067"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for inst in instructions_with_onbuild(cx) {
        let instruction = inst.instruction;
        if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add) || instruction.flag("from").is_none() {
            continue;
        }
        let words = instruction.args.words();
        let Some((_, sources)) = words.split_last() else {
            continue;
        };
        for source in sources {
            if inst
                .value(source)
                .is_some_and(|v| matches!(v.as_str(), "/" | "/." | "/*"))
            {
                out.push(cx.finding(
                    &META,
                    source.range,
                    "copies the whole file system of another stage; name the paths the image needs",
                ));
            }
        }
    }
}
