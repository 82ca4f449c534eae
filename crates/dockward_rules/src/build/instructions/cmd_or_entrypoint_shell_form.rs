use super::util::runtime_chain;
use crate::{BuildCx, declare_rule};
use dockward_core::{Edit, Finding, Fix, Severity};
use dockward_dockerfile::{Arguments, Instruction, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports the image's effective `CMD` or `ENTRYPOINT` (the last of the final stage,
    /// or inherited from the stage it is built on) when it is written in shell form
    /// (`CMD node server.js`) rather than exec form (`CMD ["node", "server.js"]`).
    /// Not reported: a shell form that starts with `exec`, and stages that set `SHELL`
    /// explicitly (choosing a shell is then deliberate).
    ///
    /// ## Why is this bad?
    /// Shell form runs `/bin/sh -c "…"`: the shell becomes PID 1 and does not forward
    /// `SIGTERM`, so `docker stop` waits for the timeout and then kills the application
    /// without a clean shutdown. A shell-form `ENTRYPOINT` also ignores `CMD` and any
    /// arguments given to `docker run`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// CMD node /app/server.js
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## Fix
    /// When the command is plain words (no variables, quotes, globs or shell operators),
    /// rewrites it in exec form. The fix is unsafe: the program then runs without a shell
    /// as PID 1, which is the point, but changes how it receives signals.
    ///
    /// ## References
    /// - BuildKit check `JSONArgsRecommended`
    /// - <https://docs.docker.com/reference/dockerfile/#shell-and-exec-form>
    pub static META = {
        code: "DW254",
        name: "cmd-or-entrypoint-shell-form",
        category: Build,
        severity: Low,
        summary: "CMD or ENTRYPOINT uses shell form",
        references: ["hadolint:DL3025", "kics:b86987e1-6397-4619-81d5-8807f2387c79"],
        fix: Sometimes,
        models: [Build],
    };
}

fn exec_form(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let plain = |w: &str| {
        !w.is_empty()
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b))
    };
    if words.is_empty() || !words.iter().all(|w| plain(w)) {
        return None;
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    Some(format!("[{}]", quoted.join(", ")))
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let chain = runtime_chain(cx.build);
    let stage_of = |keyword: &Keyword| -> Option<(&Instruction, bool)> {
        chain.iter().rev().find_map(|stage| {
            let last = stage
                .instructions
                .iter()
                .rev()
                .map(|si| si.instruction)
                .find(|i| &i.keyword == keyword)?;
            let has_shell = stage
                .instructions
                .iter()
                .any(|si| si.instruction.keyword == Keyword::Shell);
            Some((last, has_shell))
        })
    };
    for keyword in [Keyword::Entrypoint, Keyword::Cmd] {
        let Some((instruction, has_shell)) = stage_of(&keyword) else {
            continue;
        };
        let Arguments::Shell(text) = &instruction.args else {
            continue;
        };
        let command = text.text.trim();
        if has_shell || command.is_empty() || command.starts_with("exec ") {
            continue;
        }
        let name = keyword.as_str();
        let mut finding = cx.finding(
            &META,
            instruction.range,
            format!("{name} in shell form runs under `/bin/sh -c`, which does not pass signals on"),
        );
        if keyword == Keyword::Entrypoint {
            finding = finding.with_severity(Severity::Medium).with_help(
                "a shell-form ENTRYPOINT also ignores CMD and `docker run` arguments; use the JSON array form",
            );
        } else {
            finding = finding.with_help("use the JSON array form, or prefix the command with `exec`");
        }
        if let Some(json) = exec_form(command) {
            let range = text.source_range();
            finding = finding.with_fix(Fix::unsafe_(
                format!("rewrite as `{name} {json}`"),
                vec![Edit::replace(range, json)],
            ));
        }
        out.push(finding);
    }
}
