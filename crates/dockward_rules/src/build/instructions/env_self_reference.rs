use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, TextRange};
use dockward_dockerfile::{Arguments, Keyword};
use dockward_model::vars::Vars;
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports an `ENV` value that uses a variable defined earlier in the same `ENV`
    /// instruction (and not before it): `ENV DIR=/opt/app BIN=$DIR/bin`.
    ///
    /// ## Why is this bad?
    /// All pairs of one `ENV` are substituted with the values from *before* the
    /// instruction. `$DIR` in the example is still empty (or its old value), so `BIN`
    /// becomes `/bin`, not `/opt/app/bin` — a quiet mistake that shows up only at run
    /// time.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV APP_HOME=/opt/app APP_BIN=${APP_HOME}/bin
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ENV APP_HOME=/opt/app
    /// ENV APP_BIN=${APP_HOME}/bin
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#environment-replacement>
    pub static META = {
        code: "DW261",
        name: "env-self-reference",
        category: Build,
        severity: Low,
        summary: "ENV uses a variable defined in the same instruction",
        references: ["hadolint:DL3044"],
        fix: None,
        models: [Build],
    };
}

/// Names of the variables `text` references (`$A`, `${A}`, `${A:-x}`), with their byte
/// offsets; `\$` is an escaped dollar.
fn references(text: &str) -> Vec<(&str, usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // The first `}` at or after where it was last searched from (`None`: there is none), so
    // thousands of unclosed `${A` do not each search the rest of the text.
    let mut next_close: Option<(usize, Option<usize>)> = None;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        let start = i;
        let name_start = if b.get(i + 1) == Some(&b'{') { i + 2 } else { i + 1 };
        let mut end = name_start;
        while end < b.len() && (b[end].is_ascii_alphanumeric() || b[end] == b'_') {
            end += 1;
        }
        if end > name_start && !b[name_start].is_ascii_digit() {
            let braced = name_start == start + 2;
            let close = if braced {
                let found = match next_close {
                    Some((from, found)) if from <= end && found.is_none_or(|c| c >= end) => found,
                    _ => {
                        let found = text[end..].find('}').map(|c| end + c);
                        next_close = Some((end, found));
                        found
                    }
                };
                found.map_or(end, |c| c + 1)
            } else {
                end
            };
            out.push((&text[name_start..end], start, close));
        }
        i = end.max(i + 1);
    }
    out
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let empty = Vars::default();
    for stage in &cx.build.stages {
        for (i, si) in stage.instructions.iter().enumerate() {
            let instruction = si.instruction;
            if instruction.keyword != Keyword::Env {
                continue;
            }
            let Arguments::KeyValues(pairs) = &instruction.args else {
                continue;
            };
            // What was defined before this ENV: the previous instruction's scope, or the
            // scope the stage inherited from the stage it is built on.
            let before: &Vars = match i.checked_sub(1) {
                Some(p) => &stage.instructions[p].vars,
                None => stage
                    .base_stage
                    .and_then(|b| cx.build.stages.get(b))
                    .and_then(|b| b.instructions.last())
                    .map_or(&empty, |si| &si.vars),
            };
            // Keys of the pairs before the current one (a set: an ENV may have thousands).
            let mut defined_here: HashSet<&str> = HashSet::new();
            for pair in pairs {
                let references = if pair.value.text.starts_with('\'') {
                    Vec::new()
                } else {
                    references(&pair.value.text)
                };
                for (name, from, to) in references {
                    if !defined_here.contains(name) || before.is_declared(name) {
                        continue;
                    }
                    let at = if pair.value.range.len() as usize == pair.value.text.len() {
                        let start = pair.value.range.start;
                        TextRange::new(start + from as u32, start + to as u32)
                    } else {
                        pair.value.range
                    };
                    out.push(
                        cx.finding(
                            &META,
                            at,
                            format!(
                                "`{name}` is defined in this same ENV, so here it still has its previous (empty) value"
                            ),
                        )
                        .with_help(format!(
                            "move `{}` to a separate ENV after the one that sets `{name}`",
                            pair.key.text
                        )),
                    );
                }
                defined_here.insert(&pair.key.text);
            }
        }
    }
}
