use crate::daemon::DaemonCx;
use crate::declare_rule;
use dockward_core::Finding;
use std::net::IpAddr;

declare_rule! {
    /// ## What it does
    /// Reports each registry the daemon is told to reach without TLS verification
    /// (`insecure-registries`, `--insecure-registry`): a host, a `host:port` or a CIDR
    /// range. Loopback entries (`localhost:5000`, `127.0.0.0/8`) are not reported: Docker
    /// treats them as insecure anyway, so listing them changes nothing.
    ///
    /// ## Why is this bad?
    /// Images from an insecure registry are fetched over plain HTTP, or over HTTPS without
    /// checking the certificate: anyone on the network path can serve a different image,
    /// and credentials sent to the registry travel in clear text. A CIDR entry makes every
    /// registry in the range insecure. Give the registry a certificate (a private CA's
    /// certificate goes in `/etc/docker/certs.d/<host:port>/ca.crt`) instead.
    ///
    /// ## Example
    /// ```json
    /// {
    ///   "insecure-registries": ["registry.acme.internal:5000", "10.0.0.0/8"]
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```json
    /// {
    ///   "registry-mirrors": ["https://registry.acme.internal:5000"]
    /// }
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 2.5: insecure registries are not used
    /// - <https://docs.docker.com/reference/cli/dockerd/#insecure-registries>
    pub static META = {
        code: "DW709",
        name: "daemon-insecure-registry",
        category: Daemon,
        severity: High,
        summary: "images are pulled from a registry without TLS verification",
        references: ["cis-1.6:2.5", "cwe:295", "cwe:319"],
        fix: None,
        models: [Daemon],
    };
}

/// `localhost:5000`, `127.0.0.1`, `[::1]:5000`, `127.0.0.0/8`, `::1/128`: already insecure
/// by Docker's default.
fn is_loopback(entry: &str) -> bool {
    let entry = entry
        .trim()
        .trim_start_matches("http://")
        .trim_start_matches("https://");
    if let Some((ip, _bits)) = entry.split_once('/') {
        return ip.parse::<IpAddr>().is_ok_and(|a| a.is_loopback());
    }
    let host = match entry.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None if entry.matches(':').count() > 1 => entry,
        None => entry.split(':').next().unwrap_or(""),
    };
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|a| a.is_loopback())
}

pub fn check(cx: &DaemonCx<'_>, out: &mut Vec<Finding>) {
    for entry in &cx.spec.insecure_registries {
        let Some(registry) = entry.get() else { continue };
        if is_loopback(registry) {
            continue;
        }
        let what = if registry.contains('/') && !registry.contains("://") {
            format!("every registry in `{registry}`")
        } else {
            format!("registry `{registry}`")
        };
        out.push(
            cx.finding(
                &META,
                &entry.at,
                format!(
                    "{} reaches {what} without TLS verification: images and credentials can be tampered with or read on the way",
                    cx.subject()
                ),
            )
            .with_help("give the registry a certificate (a private CA goes in /etc/docker/certs.d/<host:port>/ca.crt) and remove the entry"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_entries_are_recognised() {
        for entry in [
            "localhost:5000",
            "127.0.0.1",
            "127.0.0.0/8",
            "[::1]:5000",
            "::1/128",
            "http://localhost:5000",
        ] {
            assert!(is_loopback(entry), "{entry}");
        }
        for entry in ["10.0.0.0/8", "registry.lan:5000", "0.0.0.0/0", "192.168.1.57:8004"] {
            assert!(!is_loopback(entry), "{entry}");
        }
    }
}
