use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::{Finding, Severity};

declare_rule! {
    /// ## What it does
    /// Reports a container that shares a namespace with the host: `--pid=host`,
    /// `--ipc=host`, `--uts=host`, `--userns=host`, `--cgroupns=host` (Compose `pid`,
    /// `ipc`, `uts`, `userns_mode`, `cgroup`). The host network is `host-network-mode`.
    ///
    /// ## Why is this bad?
    /// Namespaces are what makes a container a container. In the host's PID namespace it
    /// sees and can signal every host process (and with `SYS_PTRACE` read their memory);
    /// in the host's IPC namespace it can read shared memory of host processes; with the
    /// host's user namespace a daemon-wide user-namespace remapping no longer protects it;
    /// with the host's UTS or cgroup namespace it can change the host name or see the
    /// host's cgroup tree.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --pid=host --ipc=host acme/monitor:1.2
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d acme/monitor:1.2
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.16: ensure that the host's process namespace is not shared
    /// - CIS Docker Benchmark v1.6.0, 5.17: ensure that the host's IPC namespace is not shared
    /// - CIS Docker Benchmark v1.6.0, 5.21: ensure that the host's UTS namespace is not shared
    /// - CIS Docker Benchmark v1.6.0, 5.31: ensure that the host's user namespaces are not shared
    pub static META = {
        code: "DW308",
        name: "host-namespace-shared",
        category: Runtime,
        severity: High,
        summary: "the container shares a namespace with the host",
        references: [
            "cis-1.6:5.16", "cis-1.6:5.17", "cis-1.6:5.21", "cis-1.6:5.31", "cwe:668",
            "kics:4f31dd9f-2cc3-4751-9b53-67e4af83dac0",
            "kics:baa3890f-bed7-46f5-ab8f-1da8fc91c729",
            "kics:8af7162d-6c98-482f-868e-0d33fb675ca8",
        ],
        fix: None,
        models: [Container],
    };
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    let namespaces = [
        (
            &spec.pid,
            "process (PID)",
            "it sees and can signal every host process",
            Severity::High,
        ),
        (
            &spec.ipc,
            "IPC",
            "it can reach host shared memory and semaphores",
            Severity::Medium,
        ),
        (
            &spec.userns,
            "user",
            "daemon user-namespace remapping no longer applies to it",
            Severity::Medium,
        ),
        (&spec.uts, "UTS", "it can change the host name", Severity::Low),
        (
            &spec.cgroupns,
            "cgroup",
            "it sees the host's cgroup tree",
            Severity::Low,
        ),
    ];
    for (field, name, consequence, severity) in namespaces {
        if field.get().is_some_and(|v| v.eq_ignore_ascii_case("host")) {
            out.push(
                cx.finding(
                    &META,
                    &field.at,
                    format!("{} shares the host's {name} namespace: {consequence}", cx.subject()),
                )
                .with_severity(severity),
            );
        }
    }
}
