use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::Finding;
use dockward_model::container::SecurityOpt;

declare_rule! {
    /// ## What it does
    /// Reports security options that switch off a kernel confinement layer:
    /// `seccomp=unconfined`, `apparmor=unconfined`, `label=disable` (SELinux) and
    /// `systempaths=unconfined` (podman: `unmask=ALL`).
    ///
    /// ## Why is this bad?
    /// Docker's default seccomp profile blocks about 50 system calls that have been used in
    /// kernel exploits (`keyctl`, `unshare`, `bpf`, `userfaultfd`, …); the default AppArmor
    /// and SELinux policies stop a compromised process from writing to `/proc` and `/sys`
    /// or reading host files through mounts. `systempaths=unconfined` unmasks
    /// `/proc/kcore`, `/proc/sysrq-trigger` and friends. Each is a layer between a bug and
    /// the host.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --security-opt seccomp=unconfined acme/browser-tests:3
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --security-opt seccomp=./chrome-seccomp.json acme/browser-tests:3
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.22: ensure the default seccomp profile is not disabled
    /// - CIS Docker Benchmark v1.6.0, 5.2: ensure that, if applicable, an AppArmor profile is enabled
    /// - CIS Docker Benchmark v1.6.0, 5.3: ensure that, if applicable, SELinux security options are set
    /// - <https://docs.docker.com/engine/security/seccomp/>
    pub static META = {
        code: "DW306",
        name: "security-profile-disabled",
        category: Runtime,
        severity: High,
        summary: "seccomp, AppArmor, SELinux or masked paths are disabled",
        references: ["cis-1.6:5.22", "cis-1.6:5.2", "cis-1.6:5.3", "cwe:693", "kics:404fde2c-bc4b-4371-9747-7054132ac953"],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    for opt in &cx.spec.security_opts {
        let what = match opt.get() {
            Some(SecurityOpt::Seccomp(p)) if p.eq_ignore_ascii_case("unconfined") => "the seccomp profile",
            Some(SecurityOpt::AppArmor(p)) if p.eq_ignore_ascii_case("unconfined") => "AppArmor confinement",
            Some(SecurityOpt::Label(l)) if l.eq_ignore_ascii_case("disable") => "SELinux labelling",
            Some(SecurityOpt::SystemPaths(p)) if p.eq_ignore_ascii_case("unconfined") => {
                "the masking of sensitive /proc and /sys paths"
            }
            _ => continue,
        };
        out.push(
            cx.finding(&META, &opt.at, format!("{} disables {what}", cx.subject()))
                .with_help("keep the default profile, or write a custom one that allows only what the workload needs"),
        );
    }
}
