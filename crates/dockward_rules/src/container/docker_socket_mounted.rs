use crate::container::ContainerCx;
use crate::container::sensitive_host_path::normalize_host_path;
use crate::declare_rule;
use dockward_core::{Finding, Severity};
use dockward_model::container::MountKind;

declare_rule! {
    /// ## What it does
    /// Reports a container that mounts the Docker Engine socket (`/var/run/docker.sock`,
    /// a rootless `…/docker.sock`, the podman or containerd socket, the Windows
    /// `docker_engine` pipe), including `--use-api-socket`. A read-only mount is still
    /// reported: the socket is an API, and `ro` does not stop requests.
    ///
    /// ## Why is this bad?
    /// Whoever can talk to the socket controls the daemon: one
    /// `docker run --privileged -v /:/host` later they are root on the host. A
    /// compromised container with the socket is a compromised host. CI runners,
    /// dashboards and reverse proxies that need the API should get a filtered proxy
    /// (e.g. one that allows only `GET /containers`), not the socket.
    ///
    /// ## Example
    /// ```sh
    /// docker run -d -v /var/run/docker.sock:/var/run/docker.sock:ro traefik:v3.1
    /// ```
    ///
    /// Use instead:
    /// ```sh
    /// docker run -d -e DOCKER_HOST=tcp://socket-proxy:2375 traefik:v3.1
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.32: ensure that the Docker socket is not mounted inside any containers
    /// - <https://docs.docker.com/engine/security/#docker-daemon-attack-surface>
    pub static META = {
        code: "DW309",
        name: "docker-socket-mounted",
        category: Runtime,
        severity: Critical,
        summary: "the container-engine socket is mounted into the container",
        references: ["cis-1.6:5.32", "cwe:250", "kics:d6355c88-1e8d-49e9-b2f2-f8a1ca12c75b"],
        fix: None,
        models: [Container],
    };
}

/// Whether a host path is a container-engine API endpoint.
pub(crate) fn is_engine_socket(source: &str) -> bool {
    let path = normalize_host_path(source);
    let name = path.rsplit('/').next().unwrap_or("");
    matches!(
        name,
        "docker.sock" | "podman.sock" | "containerd.sock" | "dockershim.sock" | "crio.sock"
    ) || path.to_ascii_lowercase().ends_with("pipe\\docker_engine")
}

pub fn check(cx: &ContainerCx<'_>, out: &mut Vec<Finding>) {
    for mount in &cx.spec.mounts {
        let Some(m) = mount.get() else { continue };
        if !matches!(m.kind, MountKind::Bind | MountKind::Other) {
            continue;
        }
        let Some(source) = m.source.as_deref().filter(|s| is_engine_socket(s)) else {
            continue;
        };
        let mut finding = cx.finding(
            &META,
            &mount.at,
            format!(
                "{} mounts the engine socket `{source}`: the container controls the daemon and so the host",
                cx.subject()
            ),
        );
        if m.read_only {
            finding = finding
                .with_severity(Severity::High)
                .with_help("a read-only mount does not limit the API: requests still go through");
        } else {
            finding = finding.with_help("give the container a filtering API proxy instead of the socket");
        }
        out.push(finding);
    }
}
