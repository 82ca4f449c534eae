use crate::container::ContainerCx;
use crate::container::docker_socket_mounted::is_engine_socket;
use crate::container::host_device::device_risk;
use crate::declare_rule;
use dockward_core::{Finding, Severity};
use dockward_model::container::MountKind;

declare_rule! {
    /// ## What it does
    /// Reports bind mounts of sensitive host paths: `/`, `/etc`, `/proc`, `/sys`, `/boot`,
    /// `/dev`, `/usr`, `/lib`, `/bin`, `/sbin`, `/var/lib/docker` (and containerd's and
    /// kubelet's state), `/run` and `/var/run`, the system D-Bus, the X11 socket, home
    /// directories (`~`, `$HOME`, `/home/<user>`, `/root`) and the credentials in them
    /// (`~/.ssh`, `~/.aws`, `~/.kube`, `~/.docker`, …). Writable mounts are more severe
    /// than read-only ones. Everyday read-only mounts (`/etc/localtime`, `/etc/passwd`, CA
    /// certificates, `/sys/fs/cgroup`, binaries under `/usr`) are not reported; the engine
    /// socket is `docker-socket-mounted`.
    ///
    /// ## Why is this bad?
    /// A container that can write `/etc` can add a root user or a cron job to the host;
    /// one that can write `/usr` or `/lib` replaces the host's binaries; `/proc` and `/sys`
    /// writes reconfigure the kernel (`core_pattern` is a well-known escape); `/dev` gives
    /// raw disks; `/var/lib/docker` holds every other container's file system and secrets.
    /// Read-only mounts still leak secrets (`/etc/shadow`, SSH keys, cloud credentials).
    ///
    /// ## Example
    /// ```sh
    /// docker run -d -v /etc:/host/etc -v ~/.aws:/root/.aws acme/agent:1.4
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d -v /etc/localtime:/etc/localtime:ro -v ./config:/config:ro acme/agent:1.4
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.6: ensure sensitive host system directories are not mounted on containers
    /// - <https://docs.docker.com/engine/storage/bind-mounts/>
    pub static META = {
        code: "DW310",
        name: "sensitive-host-path-mounted",
        category: Runtime,
        severity: High,
        summary: "a sensitive host path is mounted into the container",
        references: ["cis-1.6:5.6", "cwe:668", "kics:1c1325ff-831d-43a1-973e-839ae57dfcc0"],
        fix: None,
        models: [Container],
    };
}

/// A host path as written, normalised: `$HOME`/`${HOME}` become `~`, `//x` and `/a/./b/`
/// are cleaned up, `..` is resolved lexically. Relative and variable paths are returned
/// as written (they are not judged).
pub(crate) fn normalize_host_path(source: &str) -> String {
    let s = source.trim();
    let (prefix, rest) = if let Some(r) = s.strip_prefix("${HOME}").or_else(|| s.strip_prefix("$HOME")) {
        ("~", r)
    } else if let Some(r) = s.strip_prefix('~') {
        if !(r.is_empty() || r.starts_with('/')) {
            return s.to_string(); // `~user`
        }
        ("~", r)
    } else if s.starts_with('/') {
        ("", s)
    } else {
        return s.to_string();
    };
    if rest.is_empty() {
        return prefix.to_string();
    }
    if !rest.starts_with('/') {
        return s.to_string(); // `$HOMEDIR/x`
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in rest.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    format!("{prefix}/{}", parts.join("/"))
}

/// Files in a home directory that hold credentials.
const HOME_CREDENTIALS: &[&str] = &[
    ".ssh",
    ".aws",
    ".azure",
    ".kube",
    ".docker",
    ".gnupg",
    ".config/gcloud",
    ".config/gh",
    ".netrc",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    ".vault-token",
    ".terraform.d",
];

/// `/etc` entries that are routinely shared read-only.
const ETC_BENIGN: &[&str] = &[
    "localtime",
    "timezone",
    "passwd",
    "group",
    "hosts",
    "hostname",
    "resolv.conf",
    "machine-id",
    "os-release",
    "nsswitch.conf",
    "ssl/certs",
    "ca-certificates",
    "ca-certificates.conf",
    "pki/ca-trust",
    "pki/tls/certs",
    "subuid",
    "subgid",
];

/// `/etc` entries that are secrets or control the host's trust.
const ETC_SECRET: &[&str] = &[
    "shadow",
    "gshadow",
    "sudoers",
    "sudoers.d",
    "ssh",
    "kubernetes",
    "docker",
    "ssl/private",
    "security",
    "pam.d",
    "cron.d",
    "crontab",
    "systemd",
];

/// System trees whose files are world-readable: reading them leaks nothing, writing them
/// replaces the host's software.
const SYSTEM_BINARIES: &[&str] = &["/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin"];

/// `/usr` subtrees that hold programs and libraries.
const USR_PROGRAMS: &[&str] = &[
    "bin",
    "sbin",
    "lib",
    "lib32",
    "lib64",
    "libx32",
    "libexec",
    "local/bin",
    "local/sbin",
    "local/lib",
    "local/lib64",
    "local/libexec",
];

/// `path` equals `root` or lies under it; the remainder (without a leading `/`).
fn under<'p>(path: &'p str, root: &str) -> Option<&'p str> {
    let rest = path.strip_prefix(root)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
    }
}

fn in_list(rest: &str, list: &[&str]) -> bool {
    list.iter().any(|entry| under(rest, entry).is_some())
}

fn pick(read_only: bool, rw: Severity, ro: Option<Severity>) -> Option<Severity> {
    if read_only { ro } else { Some(rw) }
}

/// How sensitive a normalised absolute (or `~`) host path is, and why; `None` when it is
/// not (or not knowably) sensitive.
pub(crate) fn classify(path: &str, read_only: bool) -> Option<(Severity, &'static str)> {
    use Severity::{Critical, High, Low, Medium};
    if path == "/" {
        return pick(read_only, Critical, Some(High)).map(|s| (s, "the host's whole file system"));
    }
    // Home directories: the whole home, or the credentials in it.
    let home_rest = if let Some(rest) = under(path, "~") {
        Some(rest)
    } else if let Some(rest) = under(path, "/root") {
        Some(rest)
    } else {
        ["/home", "/Users"].iter().find_map(|root| {
            let rest = under(path, root)?;
            if rest.is_empty() {
                return Some("");
            }
            Some(rest.split_once('/').map_or("", |(_, r)| r))
        })
    };
    if let Some(rest) = home_rest {
        if rest.is_empty() {
            return pick(read_only, High, Some(Medium)).map(|s| (s, "a home directory"));
        }
        if in_list(rest, HOME_CREDENTIALS) {
            return pick(read_only, High, Some(Medium)).map(|s| (s, "credentials in a home directory"));
        }
        return None;
    }
    if let Some(rest) = under(path, "/etc") {
        return if rest.is_empty() {
            pick(read_only, High, Some(Medium)).map(|s| (s, "the host's configuration"))
        } else if in_list(rest, ETC_SECRET) {
            pick(read_only, High, Some(Medium)).map(|s| (s, "host secrets or security configuration"))
        } else if in_list(rest, ETC_BENIGN) {
            pick(read_only, Low, None).map(|s| (s, "a host configuration file"))
        } else {
            // An application's own directory (`/etc/nginx`, `/etc/pihole`): its state, not the
            // host's; writable is still worth a look.
            pick(read_only, Low, None).map(|s| (s, "host configuration"))
        };
    }
    if let Some(rest) = under(path, "/sys") {
        if in_list(rest, &["fs/cgroup"]) && read_only {
            return None;
        }
        return pick(read_only, High, Some(Medium)).map(|s| (s, "the kernel's /sys interface"));
    }
    if under(path, "/proc").is_some() {
        return pick(read_only, High, Some(Medium)).map(|s| (s, "the host's /proc"));
    }
    if under(path, "/boot").is_some() {
        return pick(read_only, High, Some(Medium)).map(|s| (s, "the host's kernel and boot loader"));
    }
    if let Some(rest) = under(path, "/dev") {
        // Device nodes stay writable on a read-only mount: `ro` does not lower the risk.
        if rest.is_empty() {
            return Some((High, "every host device"));
        }
        // Peripherals bound as paths are `host-device-exposed`'s business when passed as
        // devices; as mounts only raw disks and unknown nodes are worth a finding.
        return device_risk(path)
            .filter(|s| *s > Severity::Low)
            .map(|s| (s, "a host device"));
    }
    for root in SYSTEM_BINARIES {
        if let Some(rest) = under(path, root) {
            if rest.is_empty() {
                return pick(read_only, High, Some(Low)).map(|s| (s, "the host's system software"));
            }
            // Under `/usr`, only the trees that hold programs and libraries are the host's
            // software; `/usr/share`, `/usr/src`, `/usr/include` are data.
            if *root == "/usr" && !in_list(rest, USR_PROGRAMS) {
                return pick(read_only, Low, None).map(|s| (s, "host system files"));
            }
            return pick(read_only, High, None).map(|s| (s, "the host's system software"));
        }
    }
    for root in [
        "/var/lib/docker",
        "/var/lib/containerd",
        "/var/lib/kubelet",
        "/var/lib/containers",
    ] {
        if under(path, root).is_some() {
            return pick(read_only, High, Some(Medium)).map(|s| (s, "the container engine's state"));
        }
    }
    for root in ["/run/dbus", "/var/run/dbus", "/run/systemd", "/var/run/systemd"] {
        if under(path, root).is_some() {
            return Some((High, "the host's D-Bus or systemd control sockets"));
        }
    }
    if under(path, "/tmp/.X11-unix").is_some() {
        // Sockets work through a read-only mount: any X client can read keystrokes and the screen.
        return Some((Medium, "the X11 display socket"));
    }
    match path {
        "/run" | "/var/run" => Some((High, "the host's runtime sockets")),
        "/var" => pick(read_only, High, Some(Medium)).map(|s| (s, "the host's /var")),
        "/var/log" => pick(read_only, Medium, None).map(|s| (s, "the host's logs")),
        "/home" | "/Users" => pick(read_only, High, Some(Medium)).map(|s| (s, "every home directory")),
        _ => None,
    }
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    for mount in &cx.spec.mounts {
        let Some(m) = mount.get() else { continue };
        if m.kind != MountKind::Bind {
            continue;
        }
        let Some(source) = m.source.as_deref() else { continue };
        if is_engine_socket(source) {
            continue;
        }
        let path = normalize_host_path(source);
        if !(path.starts_with('/') || path.starts_with('~')) {
            continue;
        }
        let Some((severity, what)) = classify(&path, m.read_only) else {
            continue;
        };
        let mode = if m.read_only { "read-only" } else { "writable" };
        let mut finding = cx
            .finding(
                &META,
                &mount.at,
                format!("{} mounts `{source}` ({what}) {mode}", cx.subject()),
            )
            .with_severity(severity);
        if !m.read_only {
            finding = finding.with_help("mount only the files the container needs, and read-only (`:ro`)");
        }
        out.push(finding);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_paths() {
        assert_eq!(normalize_host_path("//var/run/docker.sock"), "/var/run/docker.sock");
        assert_eq!(normalize_host_path("/etc/"), "/etc");
        assert_eq!(normalize_host_path("/a/./b/../c"), "/a/c");
        assert_eq!(normalize_host_path("$HOME/.ssh"), "~/.ssh");
        assert_eq!(normalize_host_path("${HOME}"), "~");
        assert_eq!(normalize_host_path("$PWD/app"), "$PWD/app");
        assert_eq!(normalize_host_path("./x"), "./x");
        assert_eq!(normalize_host_path("$HOMEDIR/x"), "$HOMEDIR/x");
    }

    #[test]
    fn classifies_paths() {
        let sev = |p: &str, ro: bool| classify(p, ro).map(|(s, _)| s);
        assert_eq!(sev("/", false), Some(Severity::Critical));
        assert_eq!(sev("/etc", true), Some(Severity::Medium));
        assert_eq!(sev("/etc/localtime", true), None);
        assert_eq!(sev("/etc/localtime", false), Some(Severity::Low));
        assert_eq!(sev("/etc/nginx/nginx.conf", true), None);
        assert_eq!(sev("/etc/pihole", false), Some(Severity::Low));
        assert_eq!(sev("/usr/src", false), Some(Severity::Low));
        assert_eq!(sev("/usr/local/bin/docker", false), Some(Severity::High));
        assert_eq!(sev("/lib/modules", false), Some(Severity::High));
        assert_eq!(sev("/etc/shadow", true), Some(Severity::Medium));
        assert_eq!(sev("/sys/fs/cgroup", true), None);
        assert_eq!(sev("/sys/fs/cgroup", false), Some(Severity::High));
        assert_eq!(sev("/proc", true), Some(Severity::Medium));
        assert_eq!(sev("/usr/bin/docker", true), None);
        assert_eq!(sev("/usr/bin/docker", false), Some(Severity::High));
        assert_eq!(sev("~/.ssh", true), Some(Severity::Medium));
        assert_eq!(sev("/home/runner/work/app", false), None);
        assert_eq!(sev("/home/runner", false), Some(Severity::High));
        assert_eq!(sev("/home/runner/.kube/config", true), Some(Severity::Medium));
        assert_eq!(sev("/root/.m2", false), None);
        assert_eq!(sev("/var/lib/docker/volumes", true), Some(Severity::Medium));
        assert_eq!(sev("/var/log", true), None);
        assert_eq!(sev("/dev", true), Some(Severity::High));
        assert_eq!(sev("/dev/null", false), None);
        assert_eq!(sev("/srv/data", false), None);
        assert_eq!(sev("/etc2", false), None);
    }
}
