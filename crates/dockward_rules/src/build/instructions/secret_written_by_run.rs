use super::util::{is_runtime_stage, literal};
use crate::secrets::known_token_kind;
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Severity, TextRange};
use dockward_model::build::RunScript;
use dockward_shell::{SimpleCommand, Word};

declare_rule! {
    /// ## What it does
    /// Reports RUN instructions that write credentials into the image or the Dockerfile:
    ///
    /// - a literal credential in a command: a known token format (`ghp_…`, `glpat-…`,
    ///   `AKIA…`, `npm_…`), a URL with a password (`https://user:pass@…`), an
    ///   `Authorization:` header, `curl -u user:pass`, `docker login -p pass`;
    /// - a credential file written by a redirect (`echo "…_authToken=$NPM_TOKEN" >
    ///   ~/.npmrc`, `.netrc`, `.pypirc`, `.git-credentials`, `.pgpass`,
    ///   `.docker/config.json`, `.aws/credentials`, SSH keys) and not removed in the same
    ///   RUN;
    /// - `npm`/`yarn config set` of an auth token and `poetry config http-basic` /
    ///   `pypi-token`, which store it in a config file of the layer;
    /// - `git clone` or `git remote add` of a URL with credentials in it, which git saves
    ///   in `.git/config`.
    ///
    /// Values that only pass through a command (`curl -H "Authorization: Bearer
    /// $TOKEN"`) are not reported: where `$TOKEN` comes from is `secret-in-arg-or-env`'s
    /// concern. Credentials written in a build stage are reported one level lower
    /// (literal ones stay critical: they are in the Dockerfile).
    ///
    /// ## Why is this bad?
    /// A file written by RUN is part of that layer forever, even if a later instruction
    /// deletes it, and a literal credential is in the Dockerfile, the repository and the
    /// image's build history. Anyone who can pull the image or read the repository can
    /// use it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > /root/.npmrc && npm ci
    /// RUN git clone https://deploy:s3cr3t@git.example.com/acme/lib.git /opt/lib
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// RUN --mount=type=secret,id=git_token \
    ///     git clone "https://deploy:$(cat /run/secrets/git_token)@git.example.com/acme/lib.git" /tmp/lib \
    ///  && cp -r /tmp/lib/src /opt/lib && rm -rf /tmp/lib
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.10: ensure secrets are not stored in Dockerfiles
    /// - <https://docs.docker.com/build/building/secrets/>
    pub static META = {
        code: "DW403",
        name: "secret-written-by-run",
        category: Secrets,
        severity: Critical,
        summary: "a RUN writes credentials into the image",
        references: ["cis-1.6:4.10", "cwe:798", "cwe:538"],
        fix: None,
        models: [Build],
    };
}

/// Credential files and the text that shows a credential is in them.
const CREDENTIAL_FILES: &[(&str, &[&str], &str)] = &[
    (".npmrc", &["_authtoken", "_auth", "_password"], "an .npmrc"),
    (".netrc", &["password"], "a .netrc"),
    (".pypirc", &["password"], "a .pypirc"),
    (".git-credentials", &["@"], "a .git-credentials file"),
    (".pgpass", &[":"], "a .pgpass file"),
    ("config.json", &["\"auth"], "a Docker config.json"),
    ("credentials", &["aws_secret_access_key"], "AWS credentials"),
    ("id_rsa", &["private key", "$"], "an SSH private key"),
    ("id_ed25519", &["private key", "$"], "an SSH private key"),
    ("id_ecdsa", &["private key", "$"], "an SSH private key"),
    (".vault-token", &[""], "a Vault token file"),
];

/// A literal credential inside `text`, if any: a known token format, or a URL whose user
/// information holds a literal password or token.
fn literal_credential(text: &str) -> Option<&'static str> {
    // Every known token format is at least 20 characters long.
    if text.len() >= 20 {
        let separator = |b: u8| b.is_ascii_whitespace() || b"=:\"'@/,;".contains(&b);
        // Split on ASCII separator bytes (never inside a multi-byte character).
        let bytes = text.as_bytes();
        let mut start = 0;
        for i in 0..=bytes.len() {
            if i == bytes.len() || separator(bytes[i]) {
                if i - start >= 20
                    && let Some(kind) = known_token_kind(&text[start..i])
                {
                    return Some(kind);
                }
                start = i + 1;
            }
        }
    }
    match url_userinfo(text) {
        Some((_, Some(password))) if !password.contains('$') && !password.is_empty() && password != "*" => {
            Some("a URL with a password")
        }
        Some((user, None)) if known_token_kind(user).is_some() => Some("a URL with a token"),
        _ => None,
    }
}

/// The user and password of the first `scheme://user[:password]@host` in `text`.
fn url_userinfo(text: &str) -> Option<(&str, Option<&str>)> {
    let at = text.find("://")?;
    let rest = &text[at + 3..];
    let authority = rest.split(['/', '?', '#', ' ', '"', '\'']).next().unwrap_or("");
    let (userinfo, host) = authority.rsplit_once('@')?;
    if userinfo.is_empty() || host.is_empty() {
        return None;
    }
    Some(match userinfo.split_once(':') {
        Some((user, password)) => (user, Some(password)),
        None => (userinfo, None),
    })
}

struct Out<'o, 'c> {
    cx: &'o BuildCx<'c>,
    out: &'o mut Vec<Finding>,
    runtime: bool,
}

impl Out<'_, '_> {
    fn push(&mut self, range: TextRange, message: String, literal: bool) {
        let severity = match (literal, self.runtime) {
            (true, _) => Severity::Critical,
            (false, true) => Severity::High,
            (false, false) => Severity::Medium,
        };
        let message = if self.runtime || literal {
            message
        } else {
            format!("{message} (of a build stage: kept in its layers and cache)")
        };
        self.out.push(
            self.cx
                .finding(&META, range, message)
                .with_severity(severity)
                .with_help(
                    "pass credentials with `RUN --mount=type=secret,id=…` and keep them out of files in the layer",
                ),
        );
    }
}

fn basename(path: &str) -> &str {
    path.trim_end_matches('/').rsplit('/').next().unwrap_or(path)
}

/// Reports a literal credential in a command's arguments; returns whether it found one.
fn literal_in_args(o: &mut Out<'_, '_>, script: &RunScript<'_>, cmd: &SimpleCommand) -> bool {
    let name = cmd.name().unwrap_or("");
    let args = cmd.args();
    for word in &cmd.words {
        if let Some(kind) = literal_credential(&word.value) {
            o.push(
                script.to_source(word.raw),
                format!("RUN has {kind} written into it"),
                true,
            );
            return true;
        }
    }
    for (i, word) in args.iter().enumerate() {
        let v = word.value.as_str();
        let next = args.get(i + 1);
        let header = match v {
            "-H" | "--header" => next.map(|n| n.value.as_str()),
            _ => v.strip_prefix("--header="),
        };
        if let Some(h) = header {
            let lower = h.to_ascii_lowercase();
            let value = h.split_once(':').map(|(_, v)| v.trim()).unwrap_or("");
            let auth = lower.starts_with("authorization:")
                || lower.starts_with("private-token:")
                || lower.contains("api-key:")
                || lower.contains("token:");
            let credential = value.rsplit(' ').next().unwrap_or("");
            if auth && !credential.is_empty() && !h.contains('$') && credential.len() >= 8 {
                o.push(
                    script.to_source(next.filter(|_| !v.starts_with("--header=")).unwrap_or(word).raw),
                    "RUN sends a literal credential in an HTTP header".into(),
                    true,
                );
                return true;
            }
        }
        let user = match (name, v) {
            ("curl", "-u" | "--user") => next.and_then(literal),
            ("curl", _) => v.strip_prefix("--user="),
            _ => None,
        };
        if let Some((_, password)) = user.and_then(|u| u.split_once(':'))
            && !password.is_empty()
        {
            o.push(
                script.to_source(next.unwrap_or(word).raw),
                "RUN passes a literal password to curl".into(),
                true,
            );
            return true;
        }
        if name == "docker"
            && matches!(v, "-p" | "--password")
            && args.first().is_some_and(|a| a.value == "login")
            && let Some(password) = next.filter(|n| literal(n).is_some())
        {
            o.push(
                script.to_source(password.raw),
                "RUN passes a literal password to docker login".into(),
                true,
            );
            return true;
        }
    }
    false
}

/// A credential file this command writes with a redirect, when what it writes looks like
/// a credential: what the file is, and the redirect target.
fn written_credential_file<'a>(
    cx: &BuildCx<'_>,
    heredocs: &[dockward_dockerfile::Heredoc],
    script: &RunScript<'_>,
    cmd: &'a SimpleCommand,
) -> Option<(&'static str, &'a Word)> {
    let name = cmd.name()?;
    if !matches!(name, "echo" | "printf" | "cat") {
        return None;
    }
    for redirect in &cmd.redirects {
        if !matches!(
            redirect.op,
            dockward_shell::RedirectOp::Out | dockward_shell::RedirectOp::Append
        ) {
            continue;
        }
        let target = redirect.target.value.as_str();
        let file = basename(target);
        let Some((_, markers, what)) = CREDENTIAL_FILES.iter().find(|(f, _, _)| *f == file) else {
            continue;
        };
        // `config.json` and `credentials` only in their folders.
        if (file == "config.json" && !target.contains(".docker/"))
            || (file == "credentials" && !target.contains(".aws/"))
        {
            continue;
        }
        let mut content = String::new();
        for w in cmd.args() {
            content.push_str(&w.value);
            content.push(' ');
        }
        for r in cmd.redirects.iter().filter(|r| r.op.is_heredoc()) {
            match r.heredoc_body {
                Some(body) => content.push_str(script.to_source(body).slice(cx.text)),
                // `RUN cat <<EOF > file`: BuildKit reads the heredoc, not the shell.
                None => {
                    let name = r.target.value.trim_start_matches('-');
                    if let Some(h) = heredocs.iter().find(|h| h.name == name) {
                        content.push_str(&h.body);
                    }
                }
            }
        }
        let lower = content.to_ascii_lowercase();
        if !markers.iter().any(|m| lower.contains(m)) {
            continue;
        }
        return Some((what, &redirect.target));
    }
    None
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        let runtime = is_runtime_stage(cx, stage);
        for si in &stage.instructions {
            let Some(run) = &si.run else { continue };
            let mut o = Out {
                cx,
                out: &mut *out,
                runtime,
            };
            // Files removed anywhere in this RUN (`rm -f ~/.npmrc`).
            let removed: Vec<&str> = run
                .scripts
                .iter()
                .flat_map(|s| s.script.commands.iter())
                .filter(|c| c.name() == Some("rm"))
                .flat_map(|c| c.args().iter().map(|w| basename(&w.value)))
                .collect();
            let npmrc_deleted =
                removed.contains(&".npmrc")
                    || run.scripts.iter().flat_map(|s| s.script.commands.iter()).any(|c| {
                        matches!(c.name(), Some("npm" | "yarn")) && c.args().iter().any(|a| a.value == "delete")
                    });
            for script in &run.scripts {
                for cmd in &script.script.commands {
                    // A literal credential is reported once, as such.
                    if literal_in_args(&mut o, script, cmd) {
                        continue;
                    }
                    if let Some((what, target)) = written_credential_file(cx, &si.instruction.heredocs, script, cmd)
                        && !removed.contains(&basename(&target.value))
                    {
                        o.push(
                            script.to_source(target.raw),
                            format!("RUN leaves credentials in `{}` ({what}) in the layer", target.value),
                            false,
                        );
                    }
                    config_commands(&mut o, script, cmd, npmrc_deleted);
                }
            }
        }
    }
}

/// `npm config set …_authToken`, `yarn config set npmAuthToken`, `poetry config
/// http-basic.x` / `pypi-token.x`, `git clone https://user:$TOKEN@…`.
fn config_commands(o: &mut Out<'_, '_>, script: &RunScript<'_>, cmd: &SimpleCommand, npmrc_deleted: bool) {
    let Some(name) = cmd.name() else { return };
    let args = cmd.args();
    let values: Vec<&str> = args.iter().map(|w| w.value.as_str()).collect();
    match name {
        "npm" | "yarn" | "pnpm" => {
            let set = values
                .windows(2)
                .any(|w| (w[0] == "config" && w[1] == "set") || w[0] == "set");
            let key = args.iter().find(|w| {
                let lower = w.value.to_ascii_lowercase();
                lower.contains("_authtoken")
                    || lower.contains("npmauthtoken")
                    || lower.ends_with(":_auth")
                    || lower.contains("_password")
            });
            if set
                && !npmrc_deleted
                && let Some(key) = key
                && literal_credential(&values.join(" ")).is_none()
            {
                o.push(
                    script.to_source(key.raw),
                    format!("`{name} config set` stores an auth token in the image's npm configuration"),
                    false,
                );
            }
        }
        "poetry" => {
            if values.first() == Some(&"config")
                && let Some(key) = args
                    .get(1)
                    .filter(|k| k.value.starts_with("http-basic.") || k.value.starts_with("pypi-token."))
                && !values.contains(&"--unset")
            {
                o.push(
                    script.to_source(key.raw),
                    "`poetry config` stores repository credentials in the image's poetry configuration".into(),
                    false,
                );
            }
        }
        "git" => {
            let sub = values.first().copied().unwrap_or("");
            let clones =
                sub == "clone" || (sub == "remote" && matches!(values.get(1).copied(), Some("add" | "set-url")));
            if !clones {
                return;
            }
            for word in args {
                let Some((user, password)) = url_userinfo(&word.value) else {
                    continue;
                };
                let has_secret = password.is_some_and(|p| !p.is_empty()) || user.contains('$');
                if has_secret && literal_credential(&word.value).is_none() {
                    o.push(
                        script.to_source(word.raw),
                        "git saves this URL, credentials included, in the repository's .git/config in the image".into(),
                        false,
                    );
                    break;
                }
            }
        }
        _ => {}
    }
}
