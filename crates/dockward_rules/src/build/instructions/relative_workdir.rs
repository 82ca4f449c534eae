use super::util::instructions_with_onbuild;
use crate::{BuildCx, declare_rule};
use dockward_core::{Edit, Finding, Fix};
use dockward_dockerfile::Keyword;
use std::collections::HashMap;
use std::rc::Rc;

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
    let before = workdirs_before(cx);
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
            && let Some(Some(base)) = before.get(&inst.instruction.range.start)
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

/// Longest working directory a fix spells out: a longer path cannot be a directory
/// (`PATH_MAX`), and a chain of thousands of relative WORKDIRs must not build ever longer
/// strings.
const MAX_PATH: usize = 4096;

/// The absolute working directory in effect before each WORKDIR of every stage (keyed by
/// the instruction's start), when the Dockerfile sets it in that stage or a stage it is
/// built on; computed in one pass over the stages, each starting from where its base ended.
fn workdirs_before(cx: &BuildCx<'_>) -> HashMap<u32, Option<Rc<str>>> {
    /// The directory so far, or `Err` once a WORKDIR without argument makes it unknowable.
    type State = Result<Option<Rc<str>>, ()>;
    let mut at_end: Vec<State> = Vec::with_capacity(cx.build.stages.len());
    let mut before = HashMap::new();
    for stage in &cx.build.stages {
        let mut current: State = stage
            .base_stage
            .filter(|b| *b < stage.index)
            .and_then(|b| at_end.get(b).cloned())
            .unwrap_or(Ok(None));
        for si in &stage.instructions {
            let instruction = si.instruction;
            if instruction.keyword != Keyword::Workdir {
                continue;
            }
            let absolute = current.clone().ok().flatten().filter(|c| c.starts_with('/'));
            before.insert(instruction.range.start, absolute);
            let Some(word) = instruction.args.words().first() else {
                current = Err(());
                continue;
            };
            let Ok(so_far) = &current else { continue };
            let expanded = si.vars.expand(&word.unquoted_with_escape(cx.build.dockerfile.escape));
            let next = if expanded.unknown {
                None
            } else if is_absolute(&expanded.text) {
                Some(Rc::from(expanded.text))
            } else {
                so_far.as_ref().map(|c| {
                    Rc::from(format!(
                        "{}/{}",
                        c.trim_end_matches('/'),
                        expanded.text.trim_end_matches('/')
                    ))
                })
            };
            current = Ok(next.filter(|p: &Rc<str>| p.len() <= MAX_PATH));
        }
        at_end.push(current);
    }
    before
}
