use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::{Finding, Severity};
use dockward_model::daemon::ListenerKind;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that listens on a tcp address (`hosts`, `-H tcp://…`, or a bare
    /// `host:port`) without TLS. Critical when it listens on every interface (`0.0.0.0`,
    /// `::`), high on any other address, loopback included.
    ///
    /// TLS with a verified client certificate (`tlsverify`) is judged by DW702. A command
    /// line read on its own is judged by its own flags: a daemon's tcp listeners and its
    /// TLS settings are given together, and a listener on Docker's TLS port 2376 is
    /// assumed to get its TLS settings from the configuration file.
    ///
    /// ## Why is this bad?
    /// The Docker API has no authentication of its own: whoever reaches the port can start
    /// a privileged container that mounts the host's root filesystem, i.e. is root on the
    /// host. Unauthenticated daemons on port 2375 are scanned for and taken over within
    /// hours of being exposed (crypto-mining campaigns do exactly this). Even a loopback
    /// listener gives root to every local user and process, and to web pages through DNS
    /// rebinding. Docker 27 and later refuse to start with a non-loopback tcp listener and
    /// TLS turned off explicitly.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2376"],
    ///   "tlsverify": true,
    ///   "tlscacert": "/etc/docker/tls/ca.pem",
    ///   "tlscert": "/etc/docker/tls/server-cert.pem",
    ///   "tlskey": "/etc/docker/tls/server-key.pem"
    /// }
    /// ```
    /// or keep only the unix socket and reach the daemon with `docker -H ssh://user@host`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.7: TLS authentication for the daemon is configured
    /// - <https://docs.docker.com/engine/security/protect-access/>
    pub static META = {
        code: "DW701",
        name: "daemon-tcp-without-tls",
        category: Daemon,
        severity: Critical,
        summary: "the daemon's API listens on tcp without TLS",
        references: ["cis-1.6:2.7", "cwe:306", "cwe:319"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    // `tlsverify` given at all turns TLS on (DW702 judges whether clients are verified).
    if spec.tls_verify.get().is_some()
        || cx.bool_or_default(&spec.tls_verify, "tlsverify", false).is_none()
        || cx.bool_or_default(&spec.tls, "tls", false) != Some(false)
    {
        return;
    }
    // Judged by its own flags, a command line's listener on the TLS port probably takes
    // its TLS settings from the configuration file.
    let alone = spec.tls.value.is_unknown();
    for host in &spec.hosts {
        let Some(listener) = host.get() else { continue };
        if listener.kind != ListenerKind::Tcp || (alone && listener.port == Some(2376)) {
            continue;
        }
        let (severity, reach) = if listener.binds_all_interfaces() {
            (Severity::Critical, "anyone who can reach this host")
        } else if listener.is_loopback() {
            (Severity::High, "every local user and process")
        } else {
            (Severity::High, "anyone who can reach that address")
        };
        out.push(
            cx.finding(
                &META,
                &host.at,
                format!(
                    "{} serves the Docker API on `{}` without TLS: {reach} controls the daemon, and so the host",
                    cx.subject(),
                    listener.address
                ),
            )
            .with_severity(severity)
            .with_help(format!(
                "turn on {} with a CA, certificate and key, or drop the tcp listener and use `docker -H ssh://…`",
                cx.spell("`tlsverify`", "`--tlsverify`")
            )),
        );
    }
}
