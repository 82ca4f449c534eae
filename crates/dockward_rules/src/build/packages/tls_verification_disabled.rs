use super::command_util::{
    CURL, Disables, NPM, PIP, RPM, WGET, assignments, command_name, config_findings, config_text_disables,
    declared_env, env_disables, falsy, parse_args, pip_args, runs, tokens, value_at,
};
use crate::{BuildCx, RunCommand, declare_rule};
use dockward_core::{Finding, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports anything that turns off TLS certificate verification for downloads during
    /// the build or in the image:
    ///
    /// - `curl -k`/`--insecure`, `wget --no-check-certificate`;
    /// - `pip --trusted-host`, `pip config set global.trusted-host`, `PIP_TRUSTED_HOST`;
    /// - `npm`/`yarn`/`pnpm config set strict-ssl false`, `--no-strict-ssl`,
    ///   `NPM_CONFIG_STRICT_SSL=false`;
    /// - `git -c http.sslVerify=false`, `git config http.sslVerify false`,
    ///   `GIT_SSL_NO_VERIFY` (any value);
    /// - `NODE_TLS_REJECT_UNAUTHORIZED=0`, `PYTHONHTTPSVERIFY=0`, `GOINSECURE`;
    /// - `sslverify=0` for yum/dnf (`--setopt`, written into repository files), apt's
    ///   `Acquire::https::Verify-Peer=false`, `conda config --set ssl_verify false`,
    ///   `check_certificate = off` for wget.
    ///
    /// Variables count whether set with `ENV`, `ARG`, `export` or in front of a command.
    ///
    /// ## Why is this bad?
    /// Without certificate verification anyone on the network path — a hostile Wi-Fi, a
    /// compromised proxy or CI network — can impersonate the server and hand the build
    /// whatever code they like; it runs with the build's privileges and ships in the
    /// image. Set with ENV, the setting also weakens every connection the container
    /// makes at run time. If a private CA is the reason, add its certificate to the trust
    /// store instead.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --trusted-host pypi.internal.example --no-cache-dir flask==3.0.3
    /// RUN curl -k -fsSLo /tmp/tool.tgz https://downloads.example.com/tool.tgz
    /// ENV NODE_TLS_REJECT_UNAUTHORIZED=0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY internal-ca.crt /usr/local/share/ca-certificates/
    /// RUN update-ca-certificates
    /// ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt
    /// RUN pip install --index-url https://pypi.internal.example/simple --no-cache-dir flask==3.0.3
    /// RUN curl -fsSLo /tmp/tool.tgz https://downloads.example.com/tool.tgz
    /// ```
    ///
    /// ## References
    /// - CWE-295: Improper Certificate Validation
    pub static META = {
        code: "DW152",
        name: "tls-verification-disabled",
        category: Image,
        severity: High,
        summary: "TLS certificate verification is turned off",
        references: [
            "cwe:295", "checkov:CKV2_DOCKER_2", "checkov:CKV2_DOCKER_3", "checkov:CKV2_DOCKER_4",
            "checkov:CKV2_DOCKER_5", "checkov:CKV2_DOCKER_6", "checkov:CKV2_DOCKER_12",
            "checkov:CKV2_DOCKER_13", "checkov:CKV2_DOCKER_14", "checkov:CKV2_DOCKER_15",
            "checkov:CKV2_DOCKER_16",
        ],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for (name, value, range) in declared_env(cx) {
        if env_disables(name, value) == Some(Disables::Tls) {
            out.push(cx.finding(&META, range, env_message(name)));
        }
    }
    for run in runs(cx) {
        for cmd in run.commands() {
            for (word, name, value) in assignments(cmd.command) {
                if env_disables(name, value) == Some(Disables::Tls) {
                    out.push(cx.finding(&META, cmd.source(word.raw), env_message(name)));
                }
            }
            if let Some((range, message)) = command_disables(&cmd, run.vars()) {
                out.push(cx.finding(&META, range, message));
            }
        }
        for (f, range) in config_findings(cx, run) {
            if f.kind == Disables::Tls {
                out.push(cx.finding(
                    &META,
                    range,
                    format!(
                        "`{}` written into a configuration file turns off TLS certificate verification",
                        f.setting
                    ),
                ));
            }
        }
    }
}

fn env_message(name: &str) -> String {
    format!("`{name}` turns off TLS certificate verification")
}

/// The option of one command that turns verification off, with its range and a message.
fn command_disables(cmd: &RunCommand<'_>, vars: &dockward_model::vars::Vars) -> Option<(TextRange, String)> {
    let c = cmd.command;
    let name = command_name(c)?;
    // `python3 -m pip …` is reported as `pip`.
    let tool = if name.starts_with("python") { "pip" } else { name };
    let hit = |at: usize, toks: &[super::command_util::Tok<'_>], what: &str| {
        Some((
            cmd.source(toks[at].word.raw),
            format!("`{tool} {what}` turns off TLS certificate verification"),
        ))
    };
    match name {
        "curl" => {
            let toks = tokens(c.args(), vars);
            let args = parse_args(&toks, &CURL);
            let a = args.iter().find(|a| {
                a.is_short(b'k')
                    || a.is_long("--insecure")
                    || a.is_long("--proxy-insecure")
                    || a.is_long("--doh-insecure")
            })?;
            let what = if a.is_short(b'k') { "-k" } else { &toks[a.at()].text };
            hit(a.at(), &toks, what)
        }
        "wget" => {
            let toks = tokens(c.args(), vars);
            let args = parse_args(&toks, &WGET);
            let a = args.iter().find(|a| {
                a.is_long("--no-check-certificate")
                    || ((a.is_short(b'e') || a.is_long("--execute"))
                        && a.value()
                            .and_then(config_text_disables)
                            .is_some_and(|f| f.kind == Disables::Tls))
            })?;
            hit(a.at(), &toks, &toks[a.at()].text)
        }
        "git" => {
            let toks = tokens(c.args(), vars);
            // `git -c http.sslVerify=false clone …`
            for (i, t) in toks.iter().enumerate() {
                if t.text == "-c"
                    && let Some(kv) = toks.get(i + 1)
                    && let Some((key, value)) = kv.text.split_once('=')
                    && key.to_ascii_lowercase().ends_with("sslverify")
                    && falsy(value)
                {
                    return hit(i + 1, &toks, &format!("-c {}", kv.text));
                }
            }
            // `git config --global http.sslVerify false`
            let config = toks.iter().position(|t| t.text == "config")?;
            let ops: Vec<usize> = (config + 1..toks.len())
                .filter(|&i| !toks[i].text.starts_with('-'))
                .collect();
            let (&k, &v) = (ops.first()?, ops.get(1)?);
            (toks[k].text.to_ascii_lowercase().ends_with("sslverify") && falsy(&toks[v].text))
                .then(|| hit(k, &toks, &format!("config {} {}", toks[k].text, toks[v].text)))?
        }
        "npm" | "yarn" | "pnpm" => {
            let toks = tokens(c.args(), vars);
            let args = parse_args(&toks, &NPM);
            if let Some(a) = args
                .iter()
                .find(|a| a.is_long("--no-strict-ssl") || (a.is_long("--strict-ssl") && a.value().is_some_and(falsy)))
            {
                return hit(a.at(), &toks, &toks[a.at()].text);
            }
            // `npm config set strict-ssl false`, `npm set strict-ssl=false`,
            // `yarn config set enableStrictSsl false`
            let set = toks.iter().position(|t| t.text == "set")?;
            let key = toks.get(set + 1)?;
            let (k, v) = match key.text.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (key.text.to_string(), toks.get(set + 2).map(|t| t.text.to_string())?),
            };
            let k = k.to_ascii_lowercase();
            let config = if set > 0 && toks[set - 1].text == "config" {
                "config "
            } else {
                ""
            };
            ((k == "strict-ssl" || k == "enablestrictssl") && falsy(&v)).then(|| {
                hit(
                    set + 1,
                    &toks,
                    &format!("{config}set {} {v}", key.text.split('=').next().unwrap_or("")),
                )
            })?
        }
        "conda" | "mamba" | "micromamba" => {
            let toks = tokens(c.args(), vars);
            let i = toks.iter().position(|t| t.text == "--set")?;
            (toks.get(i + 1)?.text == "ssl_verify" && falsy(&toks.get(i + 2)?.text))
                .then(|| hit(i + 1, &toks, "config --set ssl_verify false"))?
        }
        "yum" | "dnf" | "microdnf" | "tdnf" | "yum-config-manager" | "dnf-3" => {
            let toks = tokens(c.args(), vars);
            let args = parse_args(&toks, &RPM);
            let a = args.iter().find(|a| {
                a.is_long("--setopt")
                    && a.value()
                        .and_then(config_text_disables)
                        .is_some_and(|f| f.kind == Disables::Tls)
            })?;
            let (value, at) = value_at(&toks, a)?;
            hit(at, &toks, &format!("--setopt={value}"))
        }
        "apt-get" | "apt" => {
            let toks = tokens(c.args(), vars);
            let args = parse_args(&toks, &super::command_util::APT);
            let a = args.iter().find(|a| {
                (a.is_short(b'o') || a.is_long("--option"))
                    && a.value()
                        .and_then(config_text_disables)
                        .is_some_and(|f| f.kind == Disables::Tls)
            })?;
            let (value, at) = value_at(&toks, a)?;
            hit(at, &toks, &format!("-o {value}"))
        }
        "go" => {
            // `go env -w GOINSECURE=example.com/*`
            let toks = tokens(c.args(), vars);
            if toks.first()?.text != "env" || !toks.iter().any(|t| t.text == "-w") {
                return None;
            }
            let i = toks.iter().position(|t| {
                t.text
                    .split_once('=')
                    .is_some_and(|(k, v)| env_disables(k, v) == Some(Disables::Tls))
            })?;
            hit(i, &toks, &format!("env -w {}", toks[i].text))
        }
        _ => {
            let args = pip_args(c)?;
            let toks = tokens(args, vars);
            let parsed = parse_args(&toks, &PIP);
            if let Some(a) = parsed.iter().find(|a| a.is_long("--trusted-host")) {
                return hit(a.at(), &toks, &format!("--trusted-host {}", a.value().unwrap_or("")));
            }
            // `pip config set global.trusted-host host`
            let set = toks.iter().position(|t| t.text == "set")?;
            let key = toks.get(set + 1)?;
            key.text
                .to_ascii_lowercase()
                .ends_with(".trusted-host")
                .then(|| hit(set + 1, &toks, &format!("config set {}", key.text)))?
        }
    }
}
