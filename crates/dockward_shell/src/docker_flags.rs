//! Flag tables of the docker and podman CLIs: which flags exist for `run`/`create`/
//! `service create` (and before the subcommand), their one-letter forms, and whether they
//! take a value. Facts from docker/cli (`cli/command/container/opts.go`, `run.go`,
//! `create.go`, `cli/command/service/opts.go`, `create.go`, the root command's flags)
//! and podman's documented `run`/`create` options.

use crate::docker_cli::{Subcommand, Tool};

#[derive(Clone, Copy, Debug)]
pub(crate) struct Flag {
    pub(crate) long: &'static str,
    pub(crate) short: Option<u8>,
    /// Takes a value (`--flag value` / `--flag=value`); otherwise boolean.
    pub(crate) value: bool,
    /// Canonical name when this is an alias (`--net` → `network`).
    pub(crate) canonical: Option<&'static str>,
}

impl Flag {
    pub(crate) fn name(&self) -> &'static str {
        self.canonical.unwrap_or(self.long)
    }
}

const fn v(long: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        value: true,
        canonical: None,
    }
}
const fn vs(long: &'static str, short: u8) -> Flag {
    Flag {
        long,
        short: Some(short),
        value: true,
        canonical: None,
    }
}
const fn b(long: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        value: false,
        canonical: None,
    }
}
const fn bs(long: &'static str, short: u8) -> Flag {
    Flag {
        long,
        short: Some(short),
        value: false,
        canonical: None,
    }
}
const fn alias(long: &'static str, canonical: &'static str) -> Flag {
    Flag {
        long,
        short: None,
        value: true,
        canonical: Some(canonical),
    }
}

/// The container options shared by `docker run` and `docker create` (and, with the same
/// spelling, `podman run`/`create`).
const CONTAINER: &[Flag] = &[
    // general
    vs("attach", b'a'),
    v("device-cgroup-rule"),
    v("device"),
    v("gpus"),
    vs("env", b'e'),
    v("env-file"),
    v("entrypoint"),
    v("group-add"),
    vs("hostname", b'h'),
    v("domainname"),
    bs("interactive", b'i'),
    vs("label", b'l'),
    v("label-file"),
    b("read-only"),
    v("restart"),
    v("stop-signal"),
    v("stop-timeout"),
    v("sysctl"),
    bs("tty", b't'),
    v("ulimit"),
    vs("user", b'u'),
    vs("workdir", b'w'),
    b("rm"),
    // security
    v("cap-add"),
    v("cap-drop"),
    b("privileged"),
    v("security-opt"),
    v("userns"),
    v("cgroupns"),
    // network and ports
    v("add-host"),
    v("dns"),
    alias("dns-opt", "dns-option"),
    v("dns-option"),
    v("dns-search"),
    v("expose"),
    v("ip"),
    v("ip6"),
    v("link"),
    v("link-local-ip"),
    v("mac-address"),
    vs("publish", b'p'),
    bs("publish-all", b'P'),
    alias("net", "network"),
    v("network"),
    alias("net-alias", "network-alias"),
    v("network-alias"),
    // logging and storage
    v("log-driver"),
    v("volume-driver"),
    v("log-opt"),
    v("storage-opt"),
    v("tmpfs"),
    v("volumes-from"),
    vs("volume", b'v'),
    v("mount"),
    // health
    v("health-cmd"),
    v("health-interval"),
    v("health-retries"),
    v("health-timeout"),
    v("health-start-period"),
    v("health-start-interval"),
    b("no-healthcheck"),
    // resources
    v("blkio-weight"),
    v("blkio-weight-device"),
    v("cidfile"),
    v("cpuset-cpus"),
    v("cpuset-mems"),
    v("cpu-count"),
    v("cpu-percent"),
    v("cpu-period"),
    v("cpu-quota"),
    v("cpu-rt-period"),
    v("cpu-rt-runtime"),
    vs("cpu-shares", b'c'),
    v("cpus"),
    v("device-read-bps"),
    v("device-read-iops"),
    v("device-write-bps"),
    v("device-write-iops"),
    v("io-maxbandwidth"),
    v("io-maxiops"),
    vs("memory", b'm'),
    v("memory-reservation"),
    v("memory-swap"),
    v("memory-swappiness"),
    b("oom-kill-disable"),
    v("oom-score-adj"),
    v("pids-limit"),
    // low level
    v("cgroup-parent"),
    v("ipc"),
    v("isolation"),
    v("pid"),
    v("shm-size"),
    v("uts"),
    v("runtime"),
    b("init"),
    v("annotation"),
    v("kernel-memory"),
    // run/create command flags
    v("name"),
    v("pull"),
    bs("quiet", b'q'),
    b("help"),
    v("platform"),
    b("disable-content-trust"),
];

const RUN_ONLY: &[Flag] = &[bs("detach", b'd'), b("sig-proxy"), v("detach-keys")];

const CREATE_ONLY: &[Flag] = &[b("use-api-socket")];

/// Podman's `run`/`create` options that docker does not have.
const PODMAN_EXTRA: &[Flag] = &[
    v("arch"),
    v("authfile"),
    v("cert-dir"),
    v("cgroup-conf"),
    v("cgroups"),
    v("chrootdirs"),
    v("conmon-pidfile"),
    v("creds"),
    v("decryption-key"),
    b("env-host"),
    v("env-merge"),
    v("gidmap"),
    v("group-entry"),
    v("health-log-destination"),
    v("health-max-log-count"),
    v("health-max-log-size"),
    v("health-on-failure"),
    v("health-startup-cmd"),
    v("health-startup-interval"),
    v("health-startup-retries"),
    v("health-startup-success"),
    v("health-startup-timeout"),
    v("hosts-file"),
    v("hostuser"),
    b("http-proxy"),
    v("image-volume"),
    v("init-path"),
    b("no-hosts"),
    v("os"),
    b("passwd"),
    v("passwd-entry"),
    v("personality"),
    v("pidfile"),
    v("pod"),
    v("pod-id-file"),
    v("preserve-fd"),
    v("preserve-fds"),
    v("rdt-class"),
    b("read-only-tmpfs"),
    b("replace"),
    v("requires"),
    v("retry"),
    v("retry-delay"),
    b("rmi"),
    b("rootfs"),
    v("sdnotify"),
    v("seccomp-policy"),
    v("secret"),
    v("shm-size-systemd"),
    v("subgidname"),
    v("subuidname"),
    v("systemd"),
    v("timeout"),
    b("tls-verify"),
    v("uidmap"),
    v("umask"),
    v("unsetenv"),
    b("unsetenv-all"),
    v("variant"),
];

const SERVICE_CREATE: &[Flag] = &[
    v("mode"),
    v("name"),
    bs("detach", b'd'),
    bs("quiet", b'q'),
    vs("workdir", b'w'),
    vs("user", b'u'),
    v("credential-spec"),
    v("hostname"),
    v("entrypoint"),
    v("limit-cpu"),
    v("limit-memory"),
    v("limit-pids"),
    v("reserve-cpu"),
    v("reserve-memory"),
    v("stop-grace-period"),
    v("replicas"),
    v("replicas-max-per-node"),
    v("max-concurrent"),
    v("restart-condition"),
    v("restart-delay"),
    v("restart-max-attempts"),
    v("restart-window"),
    v("update-parallelism"),
    v("update-delay"),
    v("update-monitor"),
    v("update-failure-action"),
    v("update-max-failure-ratio"),
    v("update-order"),
    v("rollback-parallelism"),
    v("rollback-delay"),
    v("rollback-monitor"),
    v("rollback-failure-action"),
    v("rollback-max-failure-ratio"),
    v("rollback-order"),
    v("endpoint-mode"),
    b("with-registry-auth"),
    b("no-resolve-image"),
    v("log-driver"),
    v("log-opt"),
    v("health-cmd"),
    v("health-interval"),
    v("health-timeout"),
    v("health-retries"),
    v("health-start-period"),
    v("health-start-interval"),
    b("no-healthcheck"),
    bs("tty", b't'),
    b("read-only"),
    v("stop-signal"),
    v("cap-add"),
    v("cap-drop"),
    v("isolation"),
    b("init"),
    vs("label", b'l'),
    v("container-label"),
    vs("env", b'e'),
    v("env-file"),
    v("mount"),
    v("constraint"),
    v("placement-pref"),
    v("network"),
    v("secret"),
    v("config"),
    vs("publish", b'p'),
    v("group"),
    v("dns"),
    v("dns-option"),
    v("dns-search"),
    v("host"),
    v("sysctl"),
    v("ulimit"),
    v("oom-score-adj"),
    v("generic-resource"),
    b("disable-content-trust"),
    b("help"),
];

const DOCKER_GLOBAL: &[Flag] = &[
    v("config"),
    vs("context", b'c'),
    bs("debug", b'D'),
    vs("host", b'H'),
    vs("log-level", b'l'),
    b("tls"),
    v("tlscacert"),
    v("tlscert"),
    v("tlskey"),
    b("tlsverify"),
    bs("version", b'v'),
    bs("help", b'h'),
];

const PODMAN_GLOBAL: &[Flag] = &[
    v("cdi-spec-dir"),
    v("cgroup-manager"),
    v("config"),
    v("conmon"),
    vs("connection", b'c'),
    v("db-backend"),
    bs("debug", b'D'),
    v("events-backend"),
    bs("help", b'h'),
    v("hooks-dir"),
    v("identity"),
    v("imagestore"),
    v("log-level"),
    v("module"),
    v("network-cmd-path"),
    v("network-config-dir"),
    b("noout"),
    v("out"),
    bs("remote", b'r'),
    v("root"),
    v("runroot"),
    v("runtime"),
    v("runtime-flag"),
    v("ssh"),
    v("storage-driver"),
    v("storage-opt"),
    b("syslog"),
    v("tmpdir"),
    b("transient-store"),
    v("url"),
    bs("version", b'v'),
    v("volumepath"),
];

/// Which flag set applies.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scope {
    Global(Tool),
    Command(Tool, Subcommand),
}

impl Scope {
    fn tables(self) -> [&'static [Flag]; 3] {
        match self {
            Scope::Global(Tool::Docker) => [DOCKER_GLOBAL, &[], &[]],
            Scope::Global(Tool::Podman) => [PODMAN_GLOBAL, &[], &[]],
            Scope::Command(_, Subcommand::ServiceCreate) => [SERVICE_CREATE, &[], &[]],
            Scope::Command(Tool::Docker, Subcommand::Run) => [CONTAINER, RUN_ONLY, &[]],
            Scope::Command(Tool::Docker, Subcommand::Create) => [CONTAINER, CREATE_ONLY, &[]],
            // podman accepts --detach on create too (ignored) and has its extras on both.
            Scope::Command(Tool::Podman, _) => [CONTAINER, RUN_ONLY, PODMAN_EXTRA],
        }
    }

    pub(crate) fn long(self, name: &str) -> Option<&'static Flag> {
        self.tables()
            .into_iter()
            .flat_map(|t| t.iter())
            .find(|f| f.long == name)
    }

    pub(crate) fn short(self, c: u8) -> Option<&'static Flag> {
        self.tables()
            .into_iter()
            .flat_map(|t| t.iter())
            .find(|f| f.short == Some(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_duplicate_names_or_shorts_within_a_scope() {
        let scopes = [
            Scope::Global(Tool::Docker),
            Scope::Global(Tool::Podman),
            Scope::Command(Tool::Docker, Subcommand::Run),
            Scope::Command(Tool::Docker, Subcommand::Create),
            Scope::Command(Tool::Docker, Subcommand::ServiceCreate),
            Scope::Command(Tool::Podman, Subcommand::Run),
        ];
        for s in scopes {
            let all: Vec<&Flag> = s.tables().into_iter().flat_map(|t| t.iter()).collect();
            for (i, a) in all.iter().enumerate() {
                for b in &all[i + 1..] {
                    assert_ne!(a.long, b.long, "{s:?}");
                    if a.short.is_some() {
                        assert_ne!(a.short, b.short, "{s:?} {} {}", a.long, b.long);
                    }
                }
            }
        }
    }
}
