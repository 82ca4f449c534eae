use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports the first instruction before the first `FROM` that is not `ARG` (parser
    /// directives and comments may come first; unknown instructions are another problem).
    ///
    /// ## Why is this bad?
    /// Only `ARG` may precede `FROM`: everything else needs a build stage to act on, and
    /// Docker rejects the file ("no build stage in current context"). It usually means
    /// lines were reordered or a `FROM` was deleted.
    ///
    /// ## Example
    /// ```dockerfile
    /// ENV NODE_ENV=production
    /// FROM node:22-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// ARG NODE_VERSION=22
    /// FROM node:${NODE_VERSION}-slim
    /// ENV NODE_ENV=production
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#format>
    pub static META = {
        code: "DW264",
        name: "instruction-before-from",
        category: Build,
        severity: Medium,
        summary: "an instruction other than ARG comes before the first FROM",
        references: ["hadolint:DL3061"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let first = cx
        .build
        .dockerfile
        .instructions
        .iter()
        .take_while(|i| i.keyword != Keyword::From)
        .find(|i| !matches!(i.keyword, Keyword::Arg | Keyword::Unknown(_)));
    if let Some(instruction) = first {
        let message = if cx.build.stages.iter().all(|s| s.implicit) {
            format!(
                "{} comes before any FROM: this file has no build stage",
                instruction.keyword.as_str()
            )
        } else {
            format!(
                "{} comes before the first FROM; only ARG may",
                instruction.keyword.as_str()
            )
        };
        out.push(cx.finding(&META, instruction.keyword_range, message));
    }
}
