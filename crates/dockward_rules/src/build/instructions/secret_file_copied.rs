use super::util::{Inst, instructions_with_onbuild, is_runtime_stage};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Severity};
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports `COPY` and `ADD` that put credential files into an image: SSH private keys
    /// (`id_rsa`, `id_ed25519`, a `.ssh` folder), private keys and key stores (`*.key`,
    /// `*key*.pem`, `*.p12`, `*.pfx`), `.env` files, package-manager credentials
    /// (`.npmrc`, `.pypirc`, `.netrc`, `.git-credentials`), cloud and registry credentials
    /// (`.aws/credentials`, `credentials.json`, `.docker/config.json`, `.kube/config`),
    /// `.pgpass` and Rails' `master.key`. Both the source and the destination are
    /// looked at, so `COPY deploy_key /root/.ssh/id_rsa` counts. Public halves and
    /// non-secrets are not reported: `*.pub`, `known_hosts`, certificates (`cert.pem`,
    /// `ca.pem`), repository signing keys (`*.gpg.key`, keys copied to `/etc/apt` or a
    /// `keyrings` folder) and templates (`.env.example`). `COPY . .` is not reported:
    /// what it copies depends on `.dockerignore`.
    ///
    /// Files copied into a build stage are reported one level lower: they do not reach the
    /// final image, but stay in that stage's layers and build cache.
    ///
    /// In a built image (`dockward image`): credential files in the image's layers, judged by content where the format tells (`.npmrc` tokens, `.pypirc` passwords, AWS credentials, Docker `auths`, private keys, `.env` secrets), files a later layer deleted included. Every other text file up to 1 MiB is searched for credentials of well-known formats (GitHub, GitLab, Slack, Stripe, npm, Google, Hugging Face and SendGrid tokens, AWS key ids, Azure storage keys, JSON Web Tokens, PEM private keys), with the line and column where each starts; example values, binaries and package, documentation, test and lock files are left out.
    ///
    /// ## Why is this bad?
    /// Everything copied into an image is in one of its layers for good — deleting the file
    /// in a later step only hides it. Anyone who can pull the image (a registry, a CI
    /// cache, a leaked tarball) can extract the key or token and use it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY .npmrc /root/.npmrc
    /// COPY id_ed25519 /root/.ssh/
    /// RUN npm ci
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc \
    ///     --mount=type=ssh \
    ///     npm ci
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.10: ensure secrets are not stored in Dockerfiles
    /// - <https://docs.docker.com/build/building/secrets/>
    pub static META = {
        code: "DW402",
        name: "secret-file-copied",
        category: Secrets,
        severity: Critical,
        summary: "a credential file is copied into the image",
        references: ["cis-1.6:4.10", "cwe:538", "cwe:312"],
        fix: None,
        models: [Build, Image],
    };
}

/// What kind of secret a path is, and how severe copying it is.
pub(crate) fn secret_kind(path: &str) -> Option<(&'static str, Severity)> {
    let path = path.trim_end_matches('/');
    let lower = path.to_ascii_lowercase();
    let file = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
    let parent = lower[..lower.len() - file.len()].trim_end_matches(['/', '\\']);
    let parent_dir = parent.rsplit(['/', '\\']).next().unwrap_or(parent);
    if file.ends_with(".pub") || file.contains('$') {
        return None;
    }
    // Public signing keys of package repositories.
    if lower.contains("/etc/apt") || lower.contains("keyring") || lower.contains("rpm-gpg") {
        return None;
    }
    if parent_dir == ".ssh" {
        return match file {
            "known_hosts" | "config" | "authorized_keys" | "environment" => None,
            _ => Some(("an SSH key", Severity::Critical)),
        };
    }
    if matches!(
        file,
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk"
    ) {
        return Some(("an SSH private key", Severity::Critical));
    }
    if parent_dir == ".aws" && matches!(file, "credentials" | "config") {
        return Some(("AWS credentials", Severity::Critical));
    }
    if parent_dir == ".docker" && file == "config.json" {
        return Some(("Docker registry credentials", Severity::High));
    }
    if parent_dir == ".kube" && file == "config" || file == "kubeconfig" || file.ends_with(".kubeconfig") {
        return Some(("a Kubernetes kubeconfig", Severity::High));
    }
    match file {
        ".ssh" => return Some(("an SSH folder with private keys", Severity::Critical)),
        ".aws" => return Some(("an AWS credentials folder", Severity::Critical)),
        ".gnupg" => return Some(("a GnuPG folder with private keys", Severity::Critical)),
        ".netrc" | "_netrc" => return Some(("a .netrc with passwords", Severity::Critical)),
        ".git-credentials" => return Some(("stored git credentials", Severity::Critical)),
        ".pgpass" => return Some(("a PostgreSQL password file", Severity::Critical)),
        ".vault-token" => return Some(("a Vault token", Severity::Critical)),
        "master.key" => return Some(("a Rails master key", Severity::Critical)),
        ".npmrc" => return Some(("npm registry credentials", Severity::High)),
        ".pypirc" => return Some(("package index credentials", Severity::High)),
        "credentials.json" => return Some(("a credentials file", Severity::High)),
        _ => {}
    }
    if file == ".env" || file.starts_with(".env.") {
        let suffix = file.trim_start_matches(".env").trim_start_matches('.');
        let template = [
            "example", "sample", "template", "dist", "default", "defaults", "tpl", "schema",
        ]
        .iter()
        .any(|t| suffix.split('.').any(|s| s == *t));
        return (!template).then_some(("an environment file", Severity::High));
    }
    let public_words = [
        "gpg", "pgp", "asc", "apt", "repo", "signing", "release", "public", "pub", "archive",
    ];
    if let Some(stem) = file.strip_suffix(".key") {
        if public_words.iter().any(|w| stem.contains(w)) {
            return None;
        }
        return Some(("a private key", Severity::Critical));
    }
    if let Some(stem) = file.strip_suffix(".pem") {
        if (stem.contains("key") || stem.contains("priv")) && !public_words.iter().any(|w| stem.contains(w)) {
            return Some(("a private key", Severity::Critical));
        }
        return None;
    }
    if file.ends_with(".p12") || file.ends_with(".pfx") {
        return Some(("a PKCS#12 key store", Severity::Critical));
    }
    None
}

fn lower(severity: Severity) -> Severity {
    match severity {
        Severity::Critical => Severity::High,
        Severity::High => Severity::Medium,
        _ => Severity::Low,
    }
}

fn check_inst(cx: &BuildCx<'_>, out: &mut Vec<Finding>, inst: &Inst<'_>) {
    let instruction = inst.instruction;
    if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add) || instruction.flag("from").is_some() {
        return;
    }
    let words = instruction.args.words();
    let Some((dest, sources)) = words.split_last() else {
        return;
    };
    let dest = inst.value(dest);
    let into_dir = sources.len() > 1 || dest.as_deref().is_some_and(|d| d.ends_with('/'));
    for source in sources {
        if source.text.starts_with("<<") {
            continue;
        }
        let Some(path) = inst.value(source) else { continue };
        if path.contains("://") || path.starts_with("git@") {
            continue;
        }
        let target = dest.as_deref().map(|d| {
            if into_dir {
                let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or(&path);
                format!("{}/{name}", d.trim_end_matches('/'))
            } else {
                d.to_string()
            }
        });
        let kind = secret_kind(&path).or_else(|| target.as_deref().and_then(secret_kind));
        let Some((what, severity)) = kind else { continue };
        let keyword = instruction.keyword.as_str();
        let (message, severity) = if inst.onbuild {
            (
                format!("ONBUILD {keyword} copies `{path}` ({what}) into every image built from this one"),
                severity,
            )
        } else if is_runtime_stage(cx, inst.stage) {
            (format!("{keyword} copies `{path}` ({what}) into the image"), severity)
        } else {
            (
                format!(
                    "{keyword} copies `{path}` ({what}) into a build stage, where it stays in the layers and build cache"
                ),
                lower(severity),
            )
        };
        out.push(
            cx.finding(&META, source.range, message)
                .with_severity(severity)
                .with_help("mount it for the one RUN that needs it: `RUN --mount=type=secret,id=…` (or `--mount=type=ssh` for SSH keys)"),
        );
    }
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for inst in instructions_with_onbuild(cx) {
        check_inst(cx, out, &inst);
    }
}
