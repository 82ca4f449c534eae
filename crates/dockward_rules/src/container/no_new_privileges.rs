use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;
use dockward_model::container::{SecurityOpt, Setting};

declare_rule! {
    /// ## What it does
    /// Reports a container that does not set `no-new-privileges`
    /// (`--security-opt no-new-privileges`, Compose `security_opt: [no-new-privileges:true]`),
    /// or turns it off explicitly.
    ///
    /// ## Why is this bad?
    /// Without it, a process in the container can gain privileges through setuid and
    /// setgid binaries or file capabilities (`su`, `sudo`, `ping`, anything an attacker
    /// drops in with the bit set). With it, `execve` can never grant more than the parent
    /// had. It costs nothing for workloads that do not switch users at run time.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --user 10001 acme/api:2.3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --user 10001 --security-opt no-new-privileges acme/api:2.3
    /// ```
    ///
    /// ## Fix
    /// Adds `--security-opt=no-new-privileges` before the image (a safe fix; an image whose
    /// entrypoint switches users with `su`/`sudo` at run time needs `gosu`-style dropping
    /// instead).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.26: ensure that the container is restricted from acquiring additional privileges
    /// - <https://docs.docker.com/reference/cli/docker/container/run/#security-opt>
    pub static META = {
        code: "DW305",
        name: "no-new-privileges-not-set",
        category: Runtime,
        severity: Medium,
        summary: "the container may gain privileges through setuid binaries",
        references: ["cis-1.6:5.26", "cwe:250", "kics:27fcc7d6-c49b-46e0-98f1-6c082a6a2750"],
        fix: Sometimes,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    let mut disabled = None;
    for opt in &spec.security_opts {
        match opt.get() {
            Some(SecurityOpt::NoNewPrivileges(true)) => return,
            Some(SecurityOpt::NoNewPrivileges(false)) => disabled = Some(opt),
            _ => {}
        }
    }
    if let Some(opt) = disabled {
        out.push(cx.finding(&META, &opt.at, format!("{} turns no-new-privileges off", cx.subject())));
        return;
    }
    if cx.list_is_partial(&spec.security_opts) {
        return;
    }
    let mut finding = cx
        .finding(
            &META,
            &spec.origin,
            format!("{} does not set no-new-privileges", cx.subject()),
        )
        .with_help(format!(
            "add {}",
            cx.spell(
                "`--security-opt no-new-privileges`",
                "`security_opt: [\"no-new-privileges:true\"]`"
            )
        ));
    if let Some(fix) = cx.fix(&Setting::NoNewPrivileges, "set no-new-privileges", true) {
        finding = finding.with_fix(fix);
    }
    out.push(finding);
}
