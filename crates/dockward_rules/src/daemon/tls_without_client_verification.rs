use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::{Finding, Severity};
use dockward_model::daemon::ListenerKind;

declare_rule! {
    /// ## What it does
    /// Reports a daemon that serves TLS without verifying its clients: `tls: true` (or
    /// `--tls`) without `tlsverify: true`, and `tlsverify: false`, which dockerd reads as
    /// "TLS on, no client verification". High when a tcp listener is in sight, medium when
    /// the listeners come from elsewhere (a systemd unit's `-H`); silent when the daemon
    /// only listens on unix sockets, where TLS is not used.
    ///
    /// ## Why is this bad?
    /// TLS alone encrypts the connection but lets any client in: without a client
    /// certificate signed by the daemon's CA, whoever reaches the port still controls the
    /// daemon, and so the host. The setup looks protected and is not.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "hosts": ["tcp://0.0.0.0:2376"],
    ///   "tls": true,
    ///   "tlscert": "/etc/docker/tls/server-cert.pem",
    ///   "tlskey": "/etc/docker/tls/server-key.pem"
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "hosts": ["tcp://0.0.0.0:2376"],
    ///   "tlsverify": true,
    ///   "tlscacert": "/etc/docker/tls/ca.pem",
    ///   "tlscert": "/etc/docker/tls/server-cert.pem",
    ///   "tlskey": "/etc/docker/tls/server-key.pem"
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.7: TLS authentication for the daemon is configured
    /// - <https://docs.docker.com/engine/security/protect-access/>
    pub static META = {
        code: "DW702",
        name: "daemon-tls-without-client-verification",
        category: Daemon,
        severity: High,
        summary: "the daemon serves TLS but accepts any client",
        references: ["cis-1.6:2.7", "cwe:306"],
        fix: None,
        models: [Daemon],
    };
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    let spec = cx.spec;
    if cx.bool_or_default(&spec.tls_verify, "tlsverify", false) != Some(false) {
        return;
    }
    // dockerd turns TLS on whenever `tlsverify` is given, even as false.
    let at = match spec.tls_verify.get() {
        Some(_) => &spec.tls_verify.at,
        None if cx.bool_or_default(&spec.tls, "tls", false) == Some(true) => &spec.tls.at,
        None => return,
    };
    let only_unix = !spec.hosts.is_empty()
        && spec.hosts.iter().all(|h| {
            h.get()
                .is_some_and(|l| matches!(l.kind, ListenerKind::Unix | ListenerKind::Npipe))
        });
    if only_unix {
        return;
    }
    let tcp = spec
        .hosts
        .iter()
        .find_map(|h| h.get().filter(|l| l.kind == ListenerKind::Tcp));
    let (severity, reach) = match tcp {
        Some(l) => (Severity::High, format!(" on `{}`", l.address)),
        None => (Severity::Medium, String::new()),
    };
    out.push(
        cx.finding(
            &META,
            at,
            format!(
                "{} serves TLS{reach} without verifying client certificates: any client that reaches it controls the daemon",
                cx.subject()
            ),
        )
        .with_severity(severity)
        .with_help(format!(
            "set {} and point {} at the CA that signs your clients' certificates",
            cx.spell("`\"tlsverify\": true`", "`--tlsverify`"),
            cx.spell("`tlscacert`", "`--tlscacert`")
        )),
    );
}
