use super::util::overridden_in_stage;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports a `CMD` that a later `CMD` of the same stage replaces.
    ///
    /// ## Why is this bad?
    /// Only the last `CMD` of a stage takes effect; the earlier ones are dead code that
    /// suggests the image runs something it does not. Often it is a leftover from
    /// debugging, or a misunderstanding that several `CMD`s run one after the other.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "migrate.py"]
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY entrypoint.sh /usr/local/bin/
    /// ENTRYPOINT ["entrypoint.sh"]
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#cmd>
    pub static META = {
        code: "DW252",
        name: "multiple-cmd",
        category: Build,
        severity: Low,
        summary: "a CMD is overridden by a later CMD in the same stage",
        references: ["hadolint:DL4003", "trivy:DS-0016", "kics:41c195f4-fc31-4a5c-8a1b-90605538d49f"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        for instruction in overridden_in_stage(stage, &Keyword::Cmd) {
            out.push(cx.finding(
                &META,
                instruction.range,
                "this CMD never takes effect: a later CMD in the same stage replaces it",
            ));
        }
    }
}
