//! A read-only Docker Engine API client.
//!
//! Only GET requests exist in this type: dockward audits, it never changes the engine.
//! Every response body is read under a byte cap, and JSON is parsed by serde_json, whose
//! recursion limit (128 levels) bounds the nesting depth. The API version is negotiated
//! once per connection: `/_ping` says the daemon's highest version, and every request is
//! sent as `/v{min(daemon, ours)}/…`, as the docker CLI does.

use crate::host::{Endpoint, HostError, Transport};
use reqwest::blocking::{Client, Response};
use serde::Deserialize;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

/// The highest API version dockward asks for. Everything it reads (container inspect's
/// `Config`, `HostConfig` and `Mounts`, `/info`, `/version`) has kept its shape up to it;
/// API 1.52 removed only legacy `NetworkSettings` fields, which dockward does not read.
/// Asking for a recent version matters: Docker 29.0 refused versions below 1.44.
pub const MAX_API_VERSION: ApiVersion = ApiVersion { major: 1, minor: 51 };

/// TLS client files (PEM) are a few kilobytes.
const PEM_MAX_BYTES: u64 = 1024 * 1024;

/// How many container inspections run at once: enough to hide latency, few enough not to
/// load a production daemon.
const INSPECT_WORKERS: usize = 4;

/// Limits of one connection.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    pub connect_timeout: Duration,
    /// For a whole request, body included.
    pub timeout: Duration,
    /// The largest response body read; larger ones are an error, never truncated JSON.
    pub max_body_bytes: u64,
    /// Pin the API version (`DOCKER_API_VERSION`) instead of negotiating.
    pub api_version: Option<String>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_body_bytes: 32 * 1024 * 1024,
            api_version: None,
        }
    }
}

/// `1.41`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ApiVersion {
    pub major: u32,
    pub minor: u32,
}

impl ApiVersion {
    pub fn parse(s: &str) -> Option<ApiVersion> {
        let (major, minor) = s.trim().trim_start_matches('v').split_once('.')?;
        Some(ApiVersion {
            major: major.parse().ok()?,
            minor: minor.parse().ok()?,
        })
    }
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// What went wrong talking to the engine.
#[derive(Debug)]
pub enum EngineError {
    /// No endpoint could be chosen (bad `--host`, unknown context, …).
    Host(HostError),
    /// The TLS client could not be set up (unreadable or invalid PEM files).
    Tls { endpoint: String, message: String },
    /// The daemon could not be reached.
    Connect { endpoint: String, message: String },
    /// The daemon answered with an error status.
    Status { path: String, status: u16, message: String },
    /// A response body over the cap.
    TooLarge { path: String, limit: u64 },
    /// A response that is not the JSON expected.
    Json { path: String, message: String },
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EngineError::Host(e) => write!(f, "{e}"),
            EngineError::Tls { endpoint, message } => {
                write!(f, "cannot set up TLS for the Docker engine at {endpoint}: {message}")
            }
            EngineError::Connect { endpoint, message } => {
                write!(f, "cannot connect to the Docker engine at {endpoint}: {message}")
            }
            EngineError::Status { path, status, message } => {
                write!(f, "the engine answered {status} to GET {path}: {message}")
            }
            EngineError::TooLarge { path, limit } => {
                write!(f, "the engine's answer to GET {path} is larger than {limit} bytes")
            }
            EngineError::Json { path, message } => {
                write!(
                    f,
                    "the engine's answer to GET {path} is not the JSON expected: {message}"
                )
            }
        }
    }
}

impl std::error::Error for EngineError {}

impl From<HostError> for EngineError {
    fn from(e: HostError) -> Self {
        EngineError::Host(e)
    }
}

/// The daemon, as `/_ping` and `/version` describe it.
#[derive(Clone, Debug, Default)]
pub struct ServerInfo {
    /// The daemon's highest API version (`Api-Version` of `/_ping`).
    pub api_version: Option<ApiVersion>,
    /// The lowest it accepts (`MinAPIVersion`).
    pub min_api_version: Option<ApiVersion>,
    /// `Version` of `/version`: `20.10.24+dfsg1`, `27.3.1`, or Podman's version.
    pub version: Option<String>,
    pub os: Option<String>,
    pub arch: Option<String>,
    pub kernel_version: Option<String>,
    /// The daemon is Podman's Docker-compatible API (`Libpod-Api-Version` header, or a
    /// `Podman Engine` component).
    pub podman: bool,
}

/// The oldest API version of an engine release line still maintained upstream: API 1.44
/// is Docker Engine 25.0, and Docker 29.0 made it the lowest version its daemon accepts by
/// default (research/engine.md §2).
pub const OLDEST_SUPPORTED_API: ApiVersion = ApiVersion { major: 1, minor: 44 };

impl ServerInfo {
    /// Why this engine is out of upstream support, when it is: a Docker Engine older than
    /// 25.0 (API below 1.44). Podman versions differently and is not judged here.
    pub fn end_of_life(&self) -> Option<String> {
        if self.podman {
            return None;
        }
        let major: Option<u32> = self
            .version
            .as_deref()
            .and_then(|v| v.split(['.', '-', '+']).next())
            .and_then(|m| m.parse().ok());
        let old_release = major.is_some_and(|m| m < 25);
        let old_api = self.api_version.is_some_and(|a| a < OLDEST_SUPPORTED_API);
        if !(old_release || old_api) {
            return None;
        }
        let version = self.version.as_deref().unwrap_or("of unknown version");
        let api = self.api_version.map_or_else(String::new, |a| format!(" (API {a})"));
        Some(format!(
            "Docker Engine {version}{api} is out of upstream support: release lines before 25.0 \
             (API {OLDEST_SUPPORTED_API}) get no fixes, and Docker 29 daemons refuse clients \
             older than API {OLDEST_SUPPORTED_API} by default; upgrade the engine (a distribution \
             package may carry backported fixes)"
        ))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VersionJson {
    #[serde(rename = "Version")]
    version: Option<String>,
    #[serde(rename = "ApiVersion")]
    api_version: Option<String>,
    #[serde(rename = "MinAPIVersion")]
    min_api_version: Option<String>,
    #[serde(rename = "Os")]
    os: Option<String>,
    #[serde(rename = "Arch")]
    arch: Option<String>,
    #[serde(rename = "KernelVersion")]
    kernel_version: Option<String>,
    #[serde(rename = "Components")]
    components: Option<Vec<ComponentJson>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ComponentJson {
    #[serde(rename = "Name")]
    name: String,
}

/// One entry of `/containers/json`.
#[derive(Clone, Debug, Deserialize, Default)]
#[serde(default)]
pub struct ContainerSummary {
    #[serde(rename = "Id")]
    pub id: String,
    /// `/web`: with the leading slash, as the API gives them.
    #[serde(rename = "Names")]
    pub names: Vec<String>,
    #[serde(rename = "Image")]
    pub image: String,
    /// `created`, `running`, `exited`, ….
    #[serde(rename = "State")]
    pub state: String,
}

impl ContainerSummary {
    /// The first name without its slash, or the short id.
    pub fn name(&self) -> String {
        self.names
            .first()
            .map(|n| n.trim_start_matches('/').to_string())
            .unwrap_or_else(|| short_id(&self.id).to_string())
    }

    /// Whether `wanted` names this container: its name (with or without the slash), its
    /// full id, or a prefix of the id, as `docker inspect` accepts.
    pub fn matches(&self, wanted: &str) -> bool {
        let wanted_name = wanted.trim_start_matches('/');
        self.names.iter().any(|n| n.trim_start_matches('/') == wanted_name)
            || (!wanted.is_empty() && wanted.chars().all(|c| c.is_ascii_hexdigit()) && self.id.starts_with(wanted))
    }
}

/// The first 12 characters of an id, as `docker ps` shows it.
pub fn short_id(id: &str) -> &str {
    let id = id.strip_prefix("sha256:").unwrap_or(id);
    id.get(..12).unwrap_or(id)
}

/// A connection to one engine, its API version negotiated.
pub struct EngineClient {
    http: Client,
    /// `http://api.moby.localhost` for a socket, `https://host:port[/prefix]` for tcp.
    base: String,
    api_version: ApiVersion,
    endpoint: Endpoint,
    server: ServerInfo,
    max_body_bytes: u64,
    /// For an ssh:// host, the local socket tunnelled to it; dropped with the client.
    _bridge: Option<crate::ssh::SshBridge>,
}

impl EngineClient {
    /// Connects (pings the daemon) and negotiates the API version.
    pub fn connect(endpoint: Endpoint, options: &ClientOptions) -> Result<EngineClient, EngineError> {
        let bridge = match &endpoint.transport {
            Transport::Ssh(target) => {
                let program = std::env::var_os("DOCKWARD_SSH").unwrap_or_else(|| "ssh".into());
                Some(
                    crate::ssh::SshBridge::start(target, Path::new(&program)).map_err(|e| EngineError::Tls {
                        endpoint: endpoint.describe(),
                        message: format!("cannot set up the ssh tunnel: {e}"),
                    })?,
                )
            }
            _ => None,
        };
        let (http, base) = build_http(&endpoint, bridge.as_ref().map(|b| b.socket()), options)?;
        let mut client = EngineClient {
            _bridge: bridge,
            http,
            base,
            api_version: MAX_API_VERSION,
            endpoint,
            server: ServerInfo::default(),
            max_body_bytes: options.max_body_bytes,
        };
        let (ping_version, podman) = client.ping()?;
        let pinned = options.api_version.as_deref().and_then(ApiVersion::parse);
        client.api_version = match (pinned, ping_version) {
            (Some(pinned), _) => pinned,
            (None, Some(server)) => server.min(MAX_API_VERSION),
            // A daemon that does not say (very old, or a proxy in between): ask /version.
            (None, None) => client.unversioned_api_version()?.min(MAX_API_VERSION),
        };
        let version: VersionJson = client.get_typed("/version")?;
        client.server = ServerInfo {
            api_version: ping_version.or_else(|| version.api_version.as_deref().and_then(ApiVersion::parse)),
            min_api_version: version.min_api_version.as_deref().and_then(ApiVersion::parse),
            podman: podman
                || version
                    .components
                    .iter()
                    .flatten()
                    .any(|c| c.name.eq_ignore_ascii_case("Podman Engine")),
            version: version.version,
            os: version.os,
            arch: version.arch,
            kernel_version: version.kernel_version,
        };
        Ok(client)
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The API version every request uses.
    pub fn api_version(&self) -> ApiVersion {
        self.api_version
    }

    pub fn server(&self) -> &ServerInfo {
        &self.server
    }

    /// `GET /info`.
    pub fn info(&self) -> Result<serde_json::Value, EngineError> {
        self.get_json("/info")
    }

    /// Every container, running or not (`GET /containers/json?all=1`).
    pub fn list_containers(&self) -> Result<Vec<ContainerSummary>, EngineError> {
        self.get_typed("/containers/json?all=1")
    }

    /// `GET /containers/{id}/json`.
    pub fn inspect_container(&self, id: &str) -> Result<serde_json::Value, EngineError> {
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
            return Err(EngineError::Status {
                path: format!("/containers/{id}/json"),
                status: 400,
                message: "not a container id".to_string(),
            });
        }
        self.get_json(&format!("/containers/{id}/json"))
    }

    /// Inspects several containers, a few at a time; results in the order of `ids`.
    pub fn inspect_containers(&self, ids: &[String]) -> Vec<Result<serde_json::Value, EngineError>> {
        use std::sync::Mutex;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Result<serde_json::Value, EngineError>>>> =
            Mutex::new((0..ids.len()).map(|_| None).collect());
        std::thread::scope(|scope| {
            for _ in 0..INSPECT_WORKERS.min(ids.len()) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(id) = ids.get(i) else { break };
                        let result = self.inspect_container(id);
                        results.lock().unwrap_or_else(|e| e.into_inner())[i] = Some(result);
                    }
                });
            }
        });
        results
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(EngineError::Json {
                        path: "/containers".to_string(),
                        message: "inspection did not run".to_string(),
                    })
                })
            })
            .collect()
    }

    /// `GET /images/get?names=NAME`: the image as a `docker save` tar, streamed — not read
    /// into memory and not held to `max_body_bytes` (the image reader applies its own
    /// budgets). `timeout` bounds the whole transfer, which for a large image takes far
    /// longer than an API call. An error status is an error with the daemon's message.
    pub fn export_image(&self, name: &str, timeout: Duration) -> Result<Response, EngineError> {
        if name.is_empty() || name.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(EngineError::Status {
                path: "/images/get".to_string(),
                status: 400,
                message: "not an image name".to_string(),
            });
        }
        let path = format!("/v{}/images/get?names={}", self.api_version, percent_encode(name));
        let url = format!("{}{path}", self.base);
        let response = self
            .http
            .get(&url)
            .timeout(timeout)
            .send()
            .map_err(|e| EngineError::Connect {
                endpoint: self.endpoint.describe(),
                message: describe_reqwest_error(&e),
            })?;
        if !response.status().is_success() {
            // The error body is small JSON: read it under the usual cap.
            return Err(match self.body(&path, response) {
                Err(e) => e,
                Ok(_) => EngineError::Status {
                    path,
                    status: 500,
                    message: "unexpected answer".to_string(),
                },
            });
        }
        Ok(response)
    }

    /// `GET /images/{name}/json` for an image reference read from a file (a Dockerfile's
    /// `FROM`): a name that is not a plain reference (path segments `.`/`..`, query or
    /// escape characters) is refused rather than sent, so it cannot reach another endpoint.
    /// Inspecting never pulls: an image that is not local is the daemon's 404.
    pub fn inspect_image(&self, name: &str) -> Result<serde_json::Value, EngineError> {
        if !is_plain_reference(name) {
            return Err(EngineError::Status {
                path: "/images/json".to_string(),
                status: 400,
                message: "not an image reference".to_string(),
            });
        }
        self.get_json(&format!("/images/{name}/json"))
    }

    /// `GET /v{api}{path}` as JSON.
    pub fn get_json(&self, path: &str) -> Result<serde_json::Value, EngineError> {
        self.get_typed(path)
    }

    fn get_typed<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, EngineError> {
        let versioned = format!("/v{}{path}", self.api_version);
        let body = self.get(&versioned)?;
        serde_json::from_slice(&body).map_err(|e| EngineError::Json {
            path: versioned,
            message: e.to_string(),
        })
    }

    /// `/_ping`: the daemon's API version and whether it is Podman.
    fn ping(&self) -> Result<(Option<ApiVersion>, bool), EngineError> {
        let response = self.send("/_ping")?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let api = header("Api-Version").as_deref().and_then(ApiVersion::parse);
        let podman = header("Libpod-Api-Version").is_some();
        self.body("/_ping", response)?;
        Ok((api, podman))
    }

    fn unversioned_api_version(&self) -> Result<ApiVersion, EngineError> {
        let body = self.get("/version")?;
        let version: VersionJson = serde_json::from_slice(&body).map_err(|e| EngineError::Json {
            path: "/version".to_string(),
            message: e.to_string(),
        })?;
        version
            .api_version
            .as_deref()
            .and_then(ApiVersion::parse)
            .ok_or_else(|| EngineError::Json {
                path: "/version".to_string(),
                message: "no ApiVersion".to_string(),
            })
    }

    /// The one place a request is made, and it is a GET.
    fn send(&self, path: &str) -> Result<Response, EngineError> {
        let url = format!("{}{path}", self.base);
        self.http.get(&url).send().map_err(|e| EngineError::Connect {
            endpoint: self.endpoint.describe(),
            message: describe_reqwest_error(&e),
        })
    }

    fn get(&self, path: &str) -> Result<Vec<u8>, EngineError> {
        let response = self.send(path)?;
        self.body(path, response)
    }

    /// The body under the cap; an error status becomes an error with the daemon's message.
    fn body(&self, path: &str, mut response: Response) -> Result<Vec<u8>, EngineError> {
        let limit = self.max_body_bytes;
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(EngineError::TooLarge {
                path: path.to_string(),
                limit,
            });
        }
        let mut body = Vec::new();
        (&mut response)
            .take(limit + 1)
            .read_to_end(&mut body)
            .map_err(|e| EngineError::Connect {
                endpoint: self.endpoint.describe(),
                message: format!("reading the answer to GET {path}: {e}"),
            })?;
        if body.len() as u64 > limit {
            return Err(EngineError::TooLarge {
                path: path.to_string(),
                limit,
            });
        }
        let status = response.status();
        if !status.is_success() {
            return Err(EngineError::Status {
                path: path.to_string(),
                status: status.as_u16(),
                message: error_message(&body),
            });
        }
        Ok(body)
    }
}

/// A query value with everything but unreserved characters percent-encoded.
/// An image reference made only of the characters references use, without empty, `.`
/// or `..` path segments: safe to put in a request path as it is.
fn is_plain_reference(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 512
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._/:@".contains(&b))
        && name.split('/').all(|segment| !matches!(segment, "" | "." | ".."))
}

fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The daemon's `{"message": "…"}`, or the start of the body.
fn error_message(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct ErrorJson {
        message: String,
    }
    let text = match serde_json::from_slice::<ErrorJson>(body) {
        Ok(e) => e.message,
        Err(_) => String::from_utf8_lossy(body).trim().to_string(),
    };
    // Error bodies are shown to the user: keep them to one short line.
    let line = text.lines().next().unwrap_or("").to_string();
    match line.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &line[..i]),
        None => line,
    }
}

/// reqwest says "error sending request for url (…)"; the cause people can act on
/// ("No such file or directory", "Connection refused", "invalid peer certificate") is at
/// the end of the chain.
fn describe_reqwest_error(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out".to_string();
    }
    let mut cause: &dyn std::error::Error = error;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// The HTTP client for an endpoint, and the base URL requests go to.
fn build_http(
    endpoint: &Endpoint,
    tunnel: Option<&Path>,
    options: &ClientOptions,
) -> Result<(Client, String), EngineError> {
    // reqwest is built without a default crypto provider (see the workspace Cargo.toml):
    // install ring's once per process; a second install is refused harmlessly. rustls
    // 0.23.48 deprecated ring's provider because it has no post-quantum key exchange;
    // aws-lc-rs has it, at the price of compiling a large C library. Engine TLS keeps ring
    // until that trade is measured.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let _ = provider.install_default();
    let tls_error = |message: String| EngineError::Tls {
        endpoint: endpoint.describe(),
        message,
    };
    let mut builder = Client::builder()
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("dockward/", env!("CARGO_PKG_VERSION")));
    let base = match &endpoint.transport {
        Transport::Unix(path) => {
            builder = builder.unix_socket(path.clone()).no_proxy();
            // The host name is not used on a socket; the docker CLI sends this one.
            "http://api.moby.localhost".to_string()
        }
        Transport::Ssh(_) => {
            let tunnel = tunnel.expect("an ssh endpoint comes with its tunnel");
            builder = builder.unix_socket(tunnel.to_path_buf()).no_proxy();
            "http://api.moby.localhost".to_string()
        }
        Transport::Tcp {
            host,
            port,
            base_path,
            tls,
        } => {
            let host = if host.contains(':') {
                format!("[{host}]")
            } else {
                host.clone()
            };
            match tls {
                None => format!("http://{host}:{port}{base_path}"),
                Some(tls) => {
                    if !tls.verify {
                        // DOCKER_TLS without DOCKER_TLS_VERIFY, or a context with
                        // SkipTLSVerify: encrypted, server not verified — as the CLI does.
                        builder = builder.tls_danger_accept_invalid_certs(true);
                    } else if let Some(ca) = &tls.ca {
                        let pem = read_pem(ca).map_err(tls_error)?;
                        let certs = reqwest::Certificate::from_pem_bundle(&pem)
                            .map_err(|e| tls_error(format!("{}: {}", ca.display(), describe_reqwest_error(&e))))?;
                        builder = builder.tls_certs_only(certs);
                    }
                    if let (Some(cert), Some(key)) = (&tls.cert, &tls.key) {
                        let mut pem = read_pem(cert).map_err(tls_error)?;
                        pem.push(b'\n');
                        pem.extend(read_pem(key).map_err(tls_error)?);
                        let identity = reqwest::Identity::from_pem(&pem).map_err(|e| {
                            tls_error(format!(
                                "client certificate {} with key {}: {}",
                                cert.display(),
                                key.display(),
                                describe_reqwest_error(&e)
                            ))
                        })?;
                        builder = builder.identity(identity);
                    }
                    format!("https://{host}:{port}{base_path}")
                }
            }
        }
    };
    let http = builder.build().map_err(|e| tls_error(describe_reqwest_error(&e)))?;
    Ok((http, base))
}

fn read_pem(path: &Path) -> Result<Vec<u8>, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut bytes = Vec::new();
    file.take(PEM_MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > PEM_MAX_BYTES {
        return Err(format!("{}: larger than {PEM_MAX_BYTES} bytes", path.display()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_references_reach_a_request_path() {
        for ok in [
            "busybox",
            "acme/web:1.2",
            "localhost:5000/a/b@sha256:0123abcd",
            "docker.io/library/python:3.12-slim",
        ] {
            assert!(is_plain_reference(ok), "{ok}");
        }
        for bad in [
            "",
            "../containers/json",
            "a/../b",
            "a//b",
            "/a",
            "a?all=1",
            "a#b",
            "a%2Fb",
            "a b",
            "a\nb",
            "a/.",
        ] {
            assert!(!is_plain_reference(bad), "{bad}");
        }
    }

    #[test]
    fn api_versions_parse_and_order() {
        let v = |s| ApiVersion::parse(s).unwrap();
        assert!(v("1.41") < v("1.44") && v("1.9") < v("1.10"));
        assert_eq!(v("v1.41").to_string(), "1.41");
        assert!(ApiVersion::parse("141").is_none());
        assert_eq!(v("1.56").min(MAX_API_VERSION), MAX_API_VERSION);
    }

    #[test]
    fn engines_before_25_are_out_of_support() {
        let server = |version: &str, api: &str, podman: bool| ServerInfo {
            version: Some(version.to_string()),
            api_version: ApiVersion::parse(api),
            podman,
            ..ServerInfo::default()
        };
        let note = server("20.10.24+dfsg1", "1.41", false).end_of_life().unwrap();
        assert!(
            note.starts_with("Docker Engine 20.10.24+dfsg1 (API 1.41) is out of upstream support"),
            "{note}"
        );
        assert!(server("24.0.9", "1.43", false).end_of_life().is_some());
        assert!(server("25.0.0", "1.44", false).end_of_life().is_none());
        assert!(server("29.1.0", "1.52", false).end_of_life().is_none());
        // Podman numbers its releases its own way.
        assert!(server("4.3.1", "1.41", true).end_of_life().is_none());
    }

    #[test]
    fn containers_match_by_name_or_id_prefix() {
        let c = ContainerSummary {
            id: "3c0887b45fc9aa".to_string(),
            names: vec!["/web".to_string()],
            ..Default::default()
        };
        assert!(c.matches("web") && c.matches("/web") && c.matches("3c08") && c.matches("3c0887b45fc9aa"));
        assert!(!c.matches("we") && !c.matches("3c09") && !c.matches(""));
        assert_eq!(c.name(), "web");
        assert_eq!(short_id("sha256:8f6c3facc0d886e1f8ea"), "8f6c3facc0d8");
    }

    #[test]
    fn error_bodies_become_one_short_line() {
        assert_eq!(
            error_message(br#"{"message":"No such container: x"}"#),
            "No such container: x"
        );
        assert_eq!(error_message(b"plain\nmore"), "plain");
        assert_eq!(error_message(&[b'a'; 400]).chars().count(), 301);
    }

    #[test]
    fn an_absent_socket_is_a_connect_error_naming_the_endpoint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.sock");
        let endpoint = Endpoint {
            url: format!("unix://{}", path.display()),
            transport: Transport::Unix(path.clone()),
            source: crate::host::HostSource::Flag,
        };
        let err = EngineClient::connect(endpoint, &ClientOptions::default())
            .err()
            .unwrap();
        let text = err.to_string();
        assert!(matches!(err, EngineError::Connect { .. }), "{text}");
        assert!(
            text.contains(&path.display().to_string()) && text.contains("from --host"),
            "{text}"
        );
        assert!(text.contains("No such file"), "{text}");
    }

    #[test]
    fn unreadable_client_certificates_are_a_tls_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("cert.pem"), "not a certificate").unwrap();
        std::fs::write(dir.path().join("key.pem"), "not a key").unwrap();
        let endpoint = Endpoint {
            url: "tcp://127.0.0.1:1".to_string(),
            transport: Transport::Tcp {
                host: "127.0.0.1".to_string(),
                port: 1,
                base_path: String::new(),
                tls: Some(crate::host::TlsSettings {
                    verify: true,
                    ca: None,
                    cert: Some(dir.path().join("cert.pem")),
                    key: Some(dir.path().join("key.pem")),
                }),
            },
            source: crate::host::HostSource::Flag,
        };
        let err = EngineClient::connect(endpoint, &ClientOptions::default())
            .err()
            .unwrap();
        assert!(matches!(err, EngineError::Tls { .. }), "{err}");
        assert!(err.to_string().contains("client certificate"), "{err}");
    }
}
