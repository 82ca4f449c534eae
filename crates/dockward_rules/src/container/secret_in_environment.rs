use crate::container::ContainerCx;
use crate::container::names_secret;
use crate::declare_rule;
use crate::secrets::{credential_in_url, is_flag_value, is_path_value, is_placeholder, known_token_kind};
use dockward_core::{Finding, Severity};

declare_rule! {
    /// ## What it does
    /// Reports secrets written as literal environment values of a container
    /// (`-e DB_PASSWORD=hunter2`, Compose `environment:`): variables whose name says they
    /// hold a secret, values in a well-known credential format (AWS keys, GitHub, GitLab,
    /// Slack, Stripe tokens, private keys) and URLs with a password. Values taken from a
    /// variable (`-e DB_PASSWORD=$DB_PASSWORD`) are `secret-passed-as-environment-variable`.
    ///
    /// ## Why is this bad?
    /// The secret is in the script or Compose file, so in the repository and its history,
    /// in CI logs that echo commands, and in `docker inspect` output for anyone who can
    /// reach the daemon. Environment variables are also inherited by every child process
    /// and often dumped in crash reports.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d -e POSTGRES_PASSWORD=s3cr3t-pw postgres:16
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d -e POSTGRES_PASSWORD_FILE=/run/secrets/pg -v ./pg-password:/run/secrets/pg:ro postgres:16
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/compose/how-tos/use-secrets/>
    pub static META = {
        code: "DW410",
        name: "secret-in-container-environment",
        category: Secrets,
        severity: High,
        summary: "a secret is written as a literal environment value",
        references: ["cwe:798", "cwe:526"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    for var in &cx.spec.env {
        let Some(env) = var.get() else { continue };
        let Some(value) = env.value.as_deref() else { continue };
        if env.value_unknown || value.is_empty() {
            continue;
        }
        let name = &env.name;
        if let Some(kind) = known_token_kind(value) {
            out.push(
                cx.finding(
                    &META,
                    &var.at,
                    format!("{} sets {name} to what looks like {kind}", cx.subject()),
                )
                .with_severity(Severity::Critical),
            );
            continue;
        }
        if credential_in_url(value) {
            out.push(cx.finding(
                &META,
                &var.at,
                format!("{} sets {name} to a URL with a password in it", cx.subject()),
            ));
            continue;
        }
        if names_secret(name) && !is_path_value(value) && !is_flag_value(value) && !is_placeholder(value) {
            out.push(
                cx.finding(&META, &var.at, format!("{} sets secret {name} to a literal value", cx.subject()))
                    .with_help("pass the secret as a file (a `*_FILE` variable, a mounted secret) or from the caller's environment"),
            );
        }
    }
}
