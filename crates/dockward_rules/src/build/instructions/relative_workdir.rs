use super::util::{instructions_with_onbuild, runtime_chain_of};
use crate::{BuildCx, declare_rule};
use dockward_core::{Edit, Finding, Fix};
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports a `WORKDIR` with a relative path (after ARG/ENV substitution), including
    /// one inside an `ONBUILD` trigger.
    ///
    /// ## Why is this bad?
    /// A relative `WORKDIR` is resolved against whatever the previous working directory
    /// was, which may be set by the base image and change when it does. The directory
    /// the following `RUN`, `COPY` and `CMD` use is then not visible in the Dockerfile,
    /// and a base image update can silently move your files.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR app
    /// COPY package.json ./
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /app
    /// COPY package.json ./
    /// ```
    ///
    /// ## Fix
    /// When an earlier `WORKDIR` of the same stage (or of the stage it is built on) is a
    /// known absolute path, the relative one is replaced by the absolute path it resolves
    /// to (safe: the directory is the same). Otherwise there is no fix: only you know the
    /// intended directory.
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#workdir>
    pub static META = {
        code: "DW250",
        name: "relative-workdir",
        category: Build,
        severity: Low,
        summary: "WORKDIR uses a relative path",
        references: [
            "hadolint:DL3000", "trivy:DS-0009", "checkov:CKV_DOCKER_10",
            "kics:6b376af8-cfe8-49ab-a08d-f32de23661a4",
        ],
        fix: Sometimes,
        models: [Build],
    };
}

fn is_absolute(path: &str) -> bool {
    let b = path.as_bytes();
    path.starts_with('/') || path.starts_with('\\') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for inst in instructions_with_onbuild(cx) {
        if inst.instruction.keyword != Keyword::Workdir {
            continue;
        }
        let Some(word) = inst.instruction.args.words().first() else {
            continue;
        };
        let Some(path) = inst.value(word) else { continue };
        if path.is_empty() || is_absolute(&path) {
            continue;
        }
        let mut finding = cx.finding(&META, word.range, format!("WORKDIR `{path}` is relative"));
        if !inst.onbuild
            && let Some(base) = previous_workdir(cx, inst.stage.index, inst.instruction.range.start)
        {
            let plain = !word.text.contains(['$', '"', '\'', '\\']) && !path.split('/').any(|c| c == "." || c == "..");
            if plain {
                let absolute = format!("{}/{}", base.trim_end_matches('/'), path.trim_end_matches('/'));
                finding = finding.with_fix(Fix::safe(
                    format!("use the absolute path `{absolute}`"),
                    vec![Edit::replace(word.range, absolute.clone())],
                ));
            }
        }
        out.push(finding.with_help("use an absolute path"));
    }
}

/// The absolute working directory in effect before `offset` in stage `index`, when the
/// Dockerfile sets it (in this stage or a stage it is built on).
fn previous_workdir(cx: &BuildCx<'_>, index: usize, offset: u32) -> Option<String> {
    let mut current: Option<String> = None;
    for stage in runtime_chain_of(cx.build, index) {
        for si in &stage.instructions {
            let instruction = si.instruction;
            if instruction.range.start >= offset {
                break;
            }
            if instruction.keyword != Keyword::Workdir {
                continue;
            }
            let word = instruction.args.words().first()?;
            let expanded = si.vars.expand(&word.unquoted_with_escape(cx.build.dockerfile.escape));
            if expanded.unknown {
                current = None;
                continue;
            }
            let path = expanded.text;
            current = if is_absolute(&path) {
                Some(path)
            } else {
                current.map(|c| format!("{}/{}", c.trim_end_matches('/'), path.trim_end_matches('/')))
            };
        }
    }
    current.filter(|c| c.starts_with('/'))
}
