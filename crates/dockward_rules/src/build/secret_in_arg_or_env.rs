use crate::secrets::{credential_in_url, is_path_value, is_secret_name, known_token_kind};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Severity, TextRange};
use dockward_dockerfile::{Arguments, Keyword};
use dockward_model::build::unquote;

declare_rule! {
    /// ## What it does
    /// Reports `ARG` and `ENV` that carry secrets: names such as `DB_PASSWORD`,
    /// `API_TOKEN` or `AWS_SECRET_ACCESS_KEY`, values that look like real credentials
    /// (AWS keys, GitHub or GitLab tokens, private keys), and URLs with a password in
    /// them.
    ///
    /// In a built image (`dockward image`): `Env` entries, and the build arguments its history records (`ARG NAME=value`, and the `|N NAME=value` prefix of RUN steps); values are never printed.
    ///
    /// ## Why is this bad?
    /// ENV values are stored in the image configuration and ARG values in its build
    /// history: anyone who can pull the image can read them with `docker inspect` or
    /// `docker history`, long after the Dockerfile changed. A literal value in the
    /// Dockerfile is also in your repository. A secret-looking name without a value
    /// still means a secret will be passed in at build time the leaky way.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ARG NPM_TOKEN
    /// ENV DB_PASSWORD=hunter2
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
    /// ENV DB_PASSWORD_FILE=/run/secrets/db_password
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.10: ensure secrets are not stored in Dockerfiles
    /// - BuildKit check `SecretsUsedInArgOrEnv`
    /// - <https://docs.docker.com/build/building/secrets/>
    pub static META = {
        code: "DW401",
        name: "secret-in-arg-or-env",
        category: Secrets,
        severity: Critical,
        summary: "a secret is stored in ARG or ENV",
        references: ["cis-1.6:4.10", "cwe:798", "cwe:538", "dockle:CIS-DI-0010", "trivy:DS-0031", "hadolint:DL3064", "kics:a88baa34-e2ad-44ea-ad6f-8cac87bc7c71"],
        fix: None,
        models: [Build, Image],
    };
}

/// A declared variable: its name, the name's range, and its literal value with range.
type Declared<'a> = (&'a str, TextRange, Option<(String, TextRange)>);

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let instructions = cx
        .build
        .global_args
        .iter()
        .copied()
        .chain(cx.instructions().map(|(_, si)| si.instruction));
    for instruction in instructions {
        let pairs: Vec<Declared<'_>> = match (&instruction.keyword, &instruction.args) {
            (Keyword::Env, Arguments::KeyValues(pairs)) => pairs
                .iter()
                .map(|p| {
                    (
                        p.key.text.as_str(),
                        p.key.range,
                        Some((unquote(&p.value.text), p.value.range)),
                    )
                })
                .collect(),
            (Keyword::Arg, Arguments::Words(words)) => words
                .iter()
                .map(|w| match w.text.split_once('=') {
                    Some((name, value)) => {
                        let name_end = w.range.start + name.len() as u32;
                        let name_range = TextRange::new(w.range.start, name_end);
                        (
                            name,
                            name_range,
                            Some((unquote(value), TextRange::new(name_end + 1, w.range.end))),
                        )
                    }
                    None => (w.text.as_str(), w.range, None),
                })
                .collect(),
            _ => continue,
        };
        let kind = instruction.keyword.as_str();
        for (name, name_range, value) in pairs {
            let literal = value.as_ref().filter(|(v, _)| !v.is_empty() && !v.starts_with('$'));
            if let Some((v, range)) = literal {
                if let Some(token) = known_token_kind(v) {
                    out.push(cx.finding(&META, *range, format!("{kind} {name} holds what looks like {token}")));
                    continue;
                }
                if credential_in_url(v) {
                    out.push(cx.finding(
                        &META,
                        *range,
                        format!("{kind} {name} holds a URL with a password in it"),
                    ));
                    continue;
                }
            }
            if !is_secret_name(name) || literal.is_some_and(|(v, _)| is_path_value(v)) {
                continue;
            }
            let help = "pass secrets with `RUN --mount=type=secret,id=…` (or a `*_FILE` path at run time), never as ARG or ENV";
            match literal {
                Some(_) => out.push(
                    cx.finding(
                        &META,
                        name_range,
                        format!("{kind} {name} stores a secret value in the image"),
                    )
                    .with_help(help),
                ),
                None => out.push(
                    cx.finding(
                        &META,
                        name_range,
                        format!("{kind} {name} looks like a secret; its value will be readable in the image"),
                    )
                    .with_severity(Severity::High)
                    .with_help(help),
                ),
            }
        }
    }
}
