use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a daemon whose default seccomp profile is `unconfined`
    /// (`"seccomp-profile": "unconfined"`, `--seccomp-profile=unconfined`).
    ///
    /// ## Why is this bad?
    /// Every container that does not name a profile of its own then runs without syscall
    /// filtering: the ~40 system calls Docker's built-in profile blocks (`mount`,
    /// `kexec_load`, `bpf`, `ptrace` on old kernels, keyring and namespace calls) are open
    /// to it, and with them most of the kernel's attack surface. A custom profile (a path)
    /// or the built-in one (`builtin`, the default) keeps the filter.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "seccomp-profile": "unconfined"
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "seccomp-profile": "/etc/docker/seccomp/default.json"
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.17: a daemon-wide custom seccomp profile is applied if appropriate
    /// - CIS Docker Benchmark v1.6.0, 5.22: the default seccomp profile is not disabled
    /// - <https://docs.docker.com/engine/security/seccomp/>
    pub static META = {
        code: "DW708",
        name: "daemon-seccomp-unconfined",
        category: Daemon,
        severity: High,
        summary: "containers run without seccomp filtering by default",
        references: ["cis-1.6:2.17", "cis-1.6:5.22", "cwe:693"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let profile = &cx.spec.seccomp_profile;
    // dockerd compares the special names exactly; anything else is a profile path.
    if profile.get().map(String::as_str) != Some("unconfined") {
        return;
    }
    out.push(
        cx.finding(
            &META,
            &profile.at,
            format!(
                "{} turns seccomp off for every container that does not name a profile ({})",
                cx.subject(),
                cx.named("seccomp-profile")
            ),
        )
        .with_help(format!(
            "remove {} to use Docker's built-in profile, or point it at a custom profile",
            cx.spell("`seccomp-profile`", "`--seccomp-profile`")
        )),
    );
}
