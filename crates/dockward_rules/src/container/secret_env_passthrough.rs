use crate::container::ContainerCx;
use crate::container::names_secret;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports secrets handed to a container through its environment from a variable:
    /// `-e DB_PASSWORD`, `-e API_TOKEN=$API_TOKEN`, Compose `DB_PASSWORD: ${DB_PASSWORD}`.
    /// Literal values are `secret-in-container-environment`.
    ///
    /// ## Why is this bad?
    /// The value is not in the file, which is good, but the container's environment is not
    /// a secret store: it is shown by `docker inspect` to anyone with access to the
    /// daemon, inherited by every child process, readable in `/proc/<pid>/environ`, and
    /// often dumped by crash reporters and debug endpoints. A secret file (Compose
    /// `secrets:`, a read-only mount, `*_FILE` variables most official images read) is
    /// only visible to the process that opens it.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d -e DB_PASSWORD acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d -e DB_PASSWORD_FILE=/run/secrets/db -v ./db-password:/run/secrets/db:ro acme/api:2.3
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/compose/how-tos/use-secrets/>
    pub static META = {
        code: "DW411",
        name: "secret-passed-as-environment-variable",
        category: Secrets,
        severity: Low,
        summary: "a secret is passed to the container as an environment variable",
        references: ["cwe:526"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    for var in &cx.spec.env {
        let Some(env) = var.get() else { continue };
        let from_variable = env.value.is_none() || env.value_unknown;
        if !from_variable || !names_secret(&env.name) {
            continue;
        }
        out.push(
            cx.finding(
                &META,
                &var.at,
                format!("{} passes secret {} through the environment", cx.subject(), env.name),
            )
            .with_help(
                "mount the secret as a file (Compose `secrets:`, a read-only bind) and point a `*_FILE` variable at it",
            ),
        );
    }
}
