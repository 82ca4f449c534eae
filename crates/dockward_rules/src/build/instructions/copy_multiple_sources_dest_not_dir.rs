use super::util::instructions_with_onbuild;
use crate::{BuildCx, declare_rule};
use dockward_core::{Edit, Finding, Fix};
use dockward_dockerfile::{Arguments, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports `COPY` or `ADD` with more than one source whose destination does not end
    /// with `/` (after ARG/ENV substitution; `.` and `..` count as directories).
    ///
    /// ## Why is this bad?
    /// With several sources the destination must be a directory, and Docker only treats
    /// it as one when it ends with a slash: the build fails ("When using COPY with more
    /// than one source file, the destination must be a directory and end with a /").
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY package.json package-lock.json /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY package.json package-lock.json /app/
    /// ```
    ///
    /// ## Fix
    /// Appends the missing `/` to the destination (safe: the instruction cannot work
    /// without it).
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#destination>
    pub static META = {
        code: "DW258",
        name: "copy-multiple-sources-dest-not-dir",
        category: Build,
        severity: Medium,
        summary: "COPY with several sources has a destination without a trailing `/`",
        references: ["hadolint:DL3021", "trivy:DS-0011", "kics:6db6e0c2-32a3-4a2e-93b5-72c35f4119db"],
        fix: Always,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for inst in instructions_with_onbuild(cx) {
        let instruction = inst.instruction;
        if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add) {
            continue;
        }
        let words = instruction.args.words();
        if words.len() < 3 {
            continue;
        }
        let dest = &words[words.len() - 1];
        let Some(value) = inst.value(dest) else { continue };
        if value.ends_with('/') || value.ends_with('\\') || matches!(value.as_str(), "." | "..") {
            continue;
        }
        let exec = matches!(instruction.args, Arguments::Exec(_));
        let quoted = dest.text.ends_with(['"', '\'']) && dest.text.len() >= 2;
        let at = if exec || quoted {
            dest.range.end - 1
        } else {
            dest.range.end
        };
        let fix = Fix::safe("add a trailing `/` to the destination", vec![Edit::insert(at, "/")]);
        out.push(
            cx.finding(
                &META,
                dest.range,
                format!(
                    "{} has {} sources, so its destination `{value}` must end with `/`",
                    instruction.keyword.as_str(),
                    words.len() - 1
                ),
            )
            .with_fix(fix),
        );
    }
}
