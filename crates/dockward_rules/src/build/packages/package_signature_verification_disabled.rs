use super::command_util::{
    APK, APT, Disables, RPM, ZYPPER, assignments, command_name, config_findings, config_text_disables, declared_env,
    env_disables, operands, parse_args, runs, tokens, value_at,
};
use crate::{BuildCx, RunCommand, declare_rule};
use dockward_core::{Finding, TextRange};

declare_rule! {
    /// ## What it does
    /// Reports package installs that skip signature or checksum verification:
    ///
    /// - apt: `--allow-unauthenticated`, `--allow-insecure-repositories`, `--force-yes`,
    ///   `-o APT::Get::AllowUnauthenticated=true`, `[trusted=yes]` sources;
    /// - apk: `--allow-untrusted`;
    /// - yum/dnf/microdnf: `--nogpgcheck`, `--setopt=gpgcheck=0`, `gpgcheck=0` written
    ///   into a repository file;
    /// - rpm: `--nosignature`, `--nodigest`, `--nofiledigest`, `--noverify`;
    /// - zypper: `--no-gpg-checks`, `--no-gpgcheck`;
    /// - Go: `GOSUMDB=off`.
    ///
    /// ## Why is this bad?
    /// Package signatures are what proves a package comes from the distribution (or
    /// vendor) and was not altered on a mirror, a proxy or in transit. Turn them off and
    /// a tampered package installs without a word, running its install scripts as root
    /// in the build. Import the repository's key instead (`signed-by=` for apt,
    /// `rpm --import` for rpm-based systems).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --allow-unauthenticated --no-install-recommends vendor-agent
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// COPY vendor-archive-keyring.gpg /usr/share/keyrings/
    /// RUN echo "deb [signed-by=/usr/share/keyrings/vendor-archive-keyring.gpg] https://apt.vendor.example stable main" \
    ///         > /etc/apt/sources.list.d/vendor.list \
    ///     && apt-get update && apt-get install -y --no-install-recommends vendor-agent
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.11: ensure only verified packages are installed
    /// - CWE-347: Improper Verification of Cryptographic Signature
    pub static META = {
        code: "DW153",
        name: "package-signature-verification-disabled",
        category: Image,
        severity: High,
        summary: "packages are installed without verifying their signatures",
        references: [
            "cis-1.6:4.11", "cwe:347", "cwe:494", "checkov:CKV2_DOCKER_7", "checkov:CKV2_DOCKER_8",
            "checkov:CKV2_DOCKER_9", "checkov:CKV2_DOCKER_10", "checkov:CKV2_DOCKER_11",
        ],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for (name, value, range) in declared_env(cx) {
        if env_disables(name, value) == Some(Disables::Signature) {
            out.push(cx.finding(&META, range, env_message(name)));
        }
    }
    for run in runs(cx) {
        for cmd in run.commands() {
            for (word, name, value) in assignments(cmd.command) {
                if env_disables(name, value) == Some(Disables::Signature) {
                    out.push(cx.finding(&META, cmd.source(word.raw), env_message(name)));
                }
            }
            if let Some((range, message)) = command_disables(&cmd, run.vars()) {
                out.push(cx.finding(&META, range, message));
            }
        }
        for (f, range) in config_findings(cx, run) {
            if f.kind == Disables::Signature {
                out.push(cx.finding(
                    &META,
                    range,
                    format!("`{}` turns off signature verification for a package source", f.setting),
                ));
            }
        }
    }
}

fn env_message(name: &str) -> String {
    format!("`{name}=off` turns off checksum verification of Go modules")
}

fn command_disables(cmd: &RunCommand<'_>, vars: &dockward_model::vars::Vars) -> Option<(TextRange, String)> {
    let c = cmd.command;
    let name = command_name(c)?;
    let (spec, flags): (_, &[&str]) = match name {
        "apt-get" | "apt" | "aptitude" => (
            &APT,
            &[
                "--allow-unauthenticated",
                "--allow-insecure-repositories",
                "--force-yes",
            ],
        ),
        "apk" => (&APK, &["--allow-untrusted"]),
        "yum" | "dnf" | "microdnf" | "tdnf" | "yum-config-manager" => (&RPM, &["--nogpgcheck"]),
        "rpm" => (&RPM, &["--nosignature", "--nodigest", "--nofiledigest", "--noverify"]),
        "zypper" => (&ZYPPER, &["--no-gpg-checks", "--no-gpgcheck"]),
        "go" => {
            let toks = tokens(c.args(), vars);
            if toks.first()?.text != "env" || !toks.iter().any(|t| t.text == "-w") {
                return None;
            }
            let t = toks.iter().find(|t| {
                t.text
                    .split_once('=')
                    .is_some_and(|(k, v)| env_disables(k, v) == Some(Disables::Signature))
            })?;
            return Some((
                cmd.source(t.word.raw),
                format!("`go env -w {}` turns off checksum verification of Go modules", t.text),
            ));
        }
        _ => return None,
    };
    let toks = tokens(c.args(), vars);
    let args = parse_args(&toks, spec);
    if name == "apk" {
        // `apk index --allow-untrusted` indexes packages built in this step, and
        // `apk add --allow-untrusted ./pkg.apk` installs local files: no download to verify.
        let mut ops = operands(&args);
        let sub = ops.next().map(|(s, _)| s);
        let remote = ops.any(|(p, _)| !(p.ends_with(".apk") && p.contains('/')));
        if sub != Some("add") || !remote {
            return None;
        }
    }
    for a in &args {
        if let Some(flag) = flags.iter().find(|f| a.is_long(f)) {
            return Some((
                cmd.source(toks[a.at()].word.raw),
                format!("`{name} {flag}` installs packages without verifying their signatures"),
            ));
        }
        let setting = a.is_long("--setopt") || a.is_short(b'o') || a.is_long("--option");
        if setting
            && a.value()
                .and_then(config_text_disables)
                .is_some_and(|f| f.kind == Disables::Signature)
            && let Some((value, at)) = value_at(&toks, a)
        {
            let option = if a.is_long("--setopt") { "--setopt=" } else { "-o " };
            return Some((
                cmd.source(toks[at].word.raw),
                format!("`{name} {option}{value}` installs packages without verifying their signatures"),
            ));
        }
    }
    None
}
