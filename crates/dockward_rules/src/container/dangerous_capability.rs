use crate::container::ContainerCx;
use crate::declare_rule;
use dockward_core::{Finding, Severity};

declare_rule! {
    /// ## What it does
    /// Reports capabilities added to a container (`--cap-add`, Compose `cap_add`) that
    /// widen its reach into the host kernel: `ALL`, `SYS_ADMIN`, `SYS_MODULE`,
    /// `SYS_PTRACE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `BPF`, `MAC_ADMIN`, … (high), and
    /// `NET_ADMIN`, `SYS_TIME`, `SYSLOG`, `PERFMON`, … (medium). Capabilities Docker grants
    /// anyway are not reported. Capabilities listed in `[runtime] allowed-capabilities` of
    /// `dockward.toml` are accepted.
    ///
    /// ## Why is this bad?
    /// `SYS_ADMIN` alone allows mounting file systems and is the classic container-escape
    /// capability; `SYS_MODULE` loads kernel modules; `SYS_PTRACE` reads the memory of
    /// other processes; `DAC_READ_SEARCH` enabled the "shocker" escape; `NET_ADMIN`
    /// reconfigures interfaces, routes and firewall rules.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d --cap-add SYS_ADMIN acme/fuse-mounter:1.0
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d --device /dev/fuse --cap-drop=ALL acme/fuse-mounter:1.0
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.4: ensure that Linux kernel capabilities are restricted within containers
    /// - <https://man7.org/linux/man-pages/man7/capabilities.7.html>
    pub static META = {
        code: "DW304",
        name: "dangerous-capability-added",
        category: Runtime,
        severity: High,
        summary: "a dangerous capability is added to the container",
        references: ["cis-1.6:5.4", "cwe:250", "kics:ce76b7d0-9e77-464d-b86f-c5c48e03e22d"],
        fix: None,
        models: [Container],
    };
}

/// Capabilities that reach into the kernel or other processes.
const HIGH: &[(&str, &str)] = &[
    ("ALL", "every capability"),
    ("SYS_ADMIN", "mounting file systems and most of kernel administration"),
    ("SYS_MODULE", "loading kernel modules"),
    ("SYS_PTRACE", "tracing and reading the memory of other processes"),
    ("SYS_RAWIO", "raw I/O to devices and memory"),
    ("DAC_READ_SEARCH", "reading any file by handle (the \"shocker\" escape)"),
    ("BPF", "loading eBPF programs into the kernel"),
    ("MAC_ADMIN", "changing the AppArmor/SELinux policy"),
    ("MAC_OVERRIDE", "bypassing the AppArmor/SELinux policy"),
    ("SYS_BOOT", "rebooting and loading a new kernel"),
];

/// Capabilities that reach beyond the container without being a direct escape.
const MEDIUM: &[(&str, &str)] = &[
    ("NET_ADMIN", "reconfiguring interfaces, routes and firewall rules"),
    ("SYS_TIME", "setting the host clock"),
    ("SYSLOG", "reading the kernel log"),
    ("PERFMON", "kernel performance monitoring"),
    ("LINUX_IMMUTABLE", "changing immutable file flags"),
    ("SYS_RESOURCE", "overriding resource limits"),
    ("IPC_LOCK", "locking memory"),
    ("IPC_OWNER", "bypassing IPC permission checks"),
    ("AUDIT_CONTROL", "changing the kernel audit rules"),
    ("AUDIT_READ", "reading the kernel audit log"),
    ("SYS_PACCT", "configuring process accounting"),
    ("SYS_NICE", "raising priorities of any process"),
    ("SYS_TTY_CONFIG", "configuring terminals"),
    ("WAKE_ALARM", "setting wake alarms"),
    ("BLOCK_SUSPEND", "blocking system suspend"),
    ("LEASE", "taking file leases"),
    ("CHECKPOINT_RESTORE", "checkpoint/restore of processes"),
];

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    for cap in &cx.spec.cap_add {
        let Some(name) = cap.get() else { continue };
        if cx.settings.allowed_capabilities.iter().any(|a| a == name) {
            continue;
        }
        let (severity, what) = if let Some((_, what)) = HIGH.iter().find(|(c, _)| c == name) {
            (Severity::High, *what)
        } else if let Some((_, what)) = MEDIUM.iter().find(|(c, _)| c == name) {
            (Severity::Medium, *what)
        } else {
            continue;
        };
        let message = if name == "ALL" {
            format!("{} adds every capability", cx.subject())
        } else {
            format!("{} adds capability {name}, which allows {what}", cx.subject())
        };
        out.push(
            cx.finding(&META, &cap.at, message)
                .with_severity(severity)
                .with_help("add only what the workload needs; if it is needed, list it in `[runtime] allowed-capabilities` of dockward.toml"),
        );
    }
}
