use crate::declare_rule;
use crate::host::{Expected, Group, HostCx, check_files};
use dockward_core::{Finding, Severity};
use dockward_model::host::FileTarget;

declare_rule! {
    /// ## What it does
    /// Reports the daemon's TLS files and the registry certificates under
    /// `/etc/docker/certs.d/` when they are not owned by `root:root` or are more
    /// permissive than CIS allows, judged bit by bit: `0444` for certificates (the CA, the
    /// daemon's certificate, the files under `certs.d`), `0400` for private keys (the
    /// daemon's, and the `*.key` client keys under `certs.d`, for which CIS asks only
    /// `0444`: a key anyone can read authenticates anyone). A key that the group or others
    /// may read is high.
    ///
    /// The daemon's files are the ones `daemon.json` names (`tlscacert`, `tlscert`,
    /// `tlskey`), or dockerd's defaults `/root/.docker/{ca,cert,key}.pem`.
    ///
    /// ## Why is this bad?
    /// Whoever can replace the CA certificate decides which clients the daemon trusts
    /// (`tlsverify` admits any client certificate the CA signed), and whoever can replace
    /// a registry's `ca.crt` can serve images in that registry's name. Whoever can read the
    /// daemon's private key can impersonate the daemon to its clients.
    ///
    /// ## Example
    /// ```console
    /// $ ls -l /etc/docker/tls/ca.pem /etc/docker/tls/key.pem
    /// -rw-rw-r-- 1 root root 1960 Mar  4 09:12 /etc/docker/tls/ca.pem
    /// -rw-r--r-- 1 root root 3272 Mar  4 09:12 /etc/docker/tls/key.pem
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ ls -l /etc/docker/tls/ca.pem /etc/docker/tls/key.pem
    /// -r--r--r-- 1 root root 1960 Mar  4 09:12 /etc/docker/tls/ca.pem
    /// -r-------- 1 root root 3272 Mar  4 09:12 /etc/docker/tls/key.pem
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 3.7, 3.8: registry certificate files owned by root:root, 444 or more restrictive
    /// - CIS Docker Benchmark v1.6.0, 3.9, 3.10: TLS CA certificate owned by root:root, 444 or more restrictive
    /// - CIS Docker Benchmark v1.6.0, 3.11, 3.12: Docker server certificate owned by root:root, 444 or more restrictive
    /// - CIS Docker Benchmark v1.6.0, 3.13, 3.14: Docker server key owned by root:root, 400
    /// - <https://docs.docker.com/engine/security/protect-access/>
    pub static META = {
        code: "DW904",
        name: "host-tls-file-permissions",
        category: Host,
        severity: Medium,
        summary: "a TLS certificate or key of the daemon or a registry can be changed or read by more than root",
        references: [
            "cis-1.6:3.7", "cis-1.6:3.8", "cis-1.6:3.9", "cis-1.6:3.10", "cis-1.6:3.11", "cis-1.6:3.12",
            "cis-1.6:3.13", "cis-1.6:3.14", "cwe:732",
        ],
        fix: None,
        models: [Host],
    };
}

const CERT_OWNER_RISK: &str = "that account can replace the certificate, and with it whom Docker trusts";
const CERT_MODE_RISK: &str =
    "the extra permissions let accounts other than root replace the certificate, and with it whom Docker trusts";

static EXPECTED: &[Expected] = &[
    certificate(FileTarget::RegistryCert, "3.7", "3.8"),
    certificate(FileTarget::TlsCaCert, "3.9", "3.10"),
    certificate(FileTarget::TlsCert, "3.11", "3.12"),
    key(
        FileTarget::TlsKey,
        "3.13",
        "3.14",
        "that account can read the key and impersonate the daemon",
        "only root should be able to read or change the daemon's private key",
    ),
    key(
        FileTarget::RegistryKey,
        "3.7",
        "3.8",
        "that account can read the key and pull or push as this host",
        "only root should be able to read or change a registry client key",
    ),
];

const fn key(
    target: FileTarget,
    cis_owner: &'static str,
    cis_mode: &'static str,
    owner_risk: &'static str,
    mode_risk: &'static str,
) -> Expected {
    Expected {
        target,
        group: Group::Root,
        max_mode: 0o400,
        cis_owner,
        cis_mode,
        owner_risk,
        mode_risk,
        readable_severity: Some(Severity::High),
    }
}

const fn certificate(target: FileTarget, cis_owner: &'static str, cis_mode: &'static str) -> Expected {
    Expected {
        target,
        group: Group::Root,
        max_mode: 0o444,
        cis_owner,
        cis_mode,
        owner_risk: CERT_OWNER_RISK,
        mode_risk: CERT_MODE_RISK,
        readable_severity: None,
    }
}

pub fn check(cx: &HostCx<'_>, out: &mut Vec<Finding>) {
    check_files(cx, &META, EXPECTED, out);
}
