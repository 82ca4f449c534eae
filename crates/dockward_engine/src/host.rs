//! Which daemon to talk to, decided exactly as the docker CLI decides it.
//!
//! Precedence (docker/cli `resolveContextName`, then the context's endpoint):
//! 1. `--context NAME` (together with `--host` it is an error, as in the CLI);
//! 2. `--host URL`, then `DOCKER_HOST`: the default context with that host;
//! 3. `DOCKER_CONTEXT`, then `currentContext` in `$DOCKER_CONFIG/config.json`;
//! 4. the default context: `unix:///var/run/docker.sock`.
//!
//! A named context is read from the context store: `$DOCKER_CONFIG/contexts/meta/<sha256
//! of the name>/meta.json`, with TLS files in `contexts/tls/<same>/docker/`. The default
//! context takes TLS from `DOCKER_TLS_VERIFY`, `DOCKER_TLS` and `DOCKER_CERT_PATH`.
//!
//! Only when nothing is configured at all and the default socket does not exist does
//! dockward look further than the CLI would: rootless Docker's `$XDG_RUNTIME_DIR/docker.sock`,
//! then Podman's sockets. The [`Endpoint`] says which one was used and why.

use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The socket every Linux docker CLI uses when nothing else is configured.
pub const DEFAULT_SOCKET: &str = "/var/run/docker.sock";
/// Podman's rootful API socket (`podman.socket`).
pub const PODMAN_ROOTFUL_SOCKET: &str = "/run/podman/podman.sock";

/// Configuration files (config.json, meta.json) are small; a larger one is not read whole.
const CONFIG_MAX_BYTES: u64 = 1024 * 1024;

/// What the user asked for on the command line.
#[derive(Clone, Debug, Default)]
pub struct HostOptions {
    /// `--host`.
    pub host: Option<String>,
    /// `--context`.
    pub context: Option<String>,
}

/// The environment the resolution reads: variables, the home folder, and which sockets
/// exist. [`Environment::from_process`] reads the real ones; tests build their own.
pub struct Environment {
    pub vars: HashMap<String, String>,
    pub home: Option<PathBuf>,
    /// Whether a socket path exists (only asked for the fallback sockets).
    pub exists: Box<dyn Fn(&Path) -> bool>,
}

impl Environment {
    pub fn from_process() -> Self {
        let vars: HashMap<String, String> = std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect();
        let home = vars.get("HOME").filter(|h| !h.is_empty()).map(PathBuf::from);
        Self {
            vars,
            home,
            exists: Box::new(|p: &Path| p.exists()),
        }
    }

    /// A variable's value when it is set and not empty (the CLI treats empty as unset).
    fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// `DOCKER_CONFIG`, else `~/.docker`.
    pub fn config_dir(&self) -> Option<PathBuf> {
        match self.var("DOCKER_CONFIG") {
            Some(dir) => Some(PathBuf::from(dir)),
            None => self.home.as_ref().map(|h| h.join(".docker")),
        }
    }
}

/// TLS settings for a tcp endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsSettings {
    /// Verify the server's certificate (`DOCKER_TLS_VERIFY`, or a context without
    /// `SkipTLSVerify`).
    pub verify: bool,
    /// CA certificate to trust instead of the system's roots.
    pub ca: Option<PathBuf>,
    /// Client certificate and key, sent when both exist.
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

/// How to reach the daemon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transport {
    Unix(PathBuf),
    /// `ssh://[user@]host[:port][/socket]`: tunnelled through the system's `ssh` running
    /// `docker system dial-stdio` remotely (see [`crate::ssh`]).
    Ssh(crate::ssh::SshTarget),
    Tcp {
        host: String,
        port: u16,
        /// A path prefix the daemon is served under (`tcp://h:2376/prefix`), without the
        /// trailing slash; usually empty.
        base_path: String,
        tls: Option<TlsSettings>,
    },
}

/// Why this endpoint was chosen, for the report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostSource {
    /// `--host`.
    Flag,
    /// `DOCKER_HOST`.
    DockerHostEnv,
    /// A named context, and what named it.
    Context { name: String, chosen_by: ContextChoice },
    /// Nothing configured: the default socket.
    Default,
    /// Nothing configured and the default socket is absent: rootless Docker's socket.
    Rootless,
    /// Nothing configured and neither Docker socket exists: a Podman socket.
    Podman,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextChoice {
    Flag,
    DockerContextEnv,
    /// `currentContext` in this config.json.
    ConfigFile(PathBuf),
}

/// The daemon endpoint dockward will talk to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The host URL, as the CLI would print it (`unix:///var/run/docker.sock`,
    /// `tcp://10.0.0.5:2376`).
    pub url: String,
    pub transport: Transport,
    pub source: HostSource,
}

impl Endpoint {
    /// "unix:///var/run/docker.sock (the default socket)".
    pub fn describe(&self) -> String {
        format!("{} ({})", self.url, self.why())
    }

    /// Why this endpoint: "from --host", "context `prod` (DOCKER_CONTEXT)", ….
    pub fn why(&self) -> String {
        match &self.source {
            HostSource::Flag => "from --host".to_string(),
            HostSource::DockerHostEnv => "from DOCKER_HOST".to_string(),
            HostSource::Context { name, chosen_by } => {
                let by = match chosen_by {
                    ContextChoice::Flag => "--context".to_string(),
                    ContextChoice::DockerContextEnv => "DOCKER_CONTEXT".to_string(),
                    ContextChoice::ConfigFile(path) => format!("currentContext in {}", path.display()),
                };
                format!("context `{name}` from {by}")
            }
            HostSource::Default => "the default socket".to_string(),
            HostSource::Rootless => {
                format!("rootless Docker's socket; {DEFAULT_SOCKET} does not exist")
            }
            HostSource::Podman => "Podman's Docker-compatible socket; no Docker socket exists".to_string(),
        }
    }
}

/// Why no endpoint could be chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError(pub String);

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HostError {}

/// Decides the endpoint as the docker CLI does (see the module documentation).
pub fn resolve(options: &HostOptions, env: &Environment) -> Result<Endpoint, HostError> {
    let flag_host = options.host.as_deref().filter(|h| !h.is_empty());
    let flag_context = options.context.as_deref().filter(|c| !c.is_empty());
    if flag_host.is_some() && flag_context.is_some() {
        return Err(HostError(
            "--host and --context cannot be used together (the docker CLI refuses them too)".to_string(),
        ));
    }
    if let Some(name) = flag_context {
        return context_endpoint(name, ContextChoice::Flag, env);
    }
    if let Some(host) = flag_host {
        return default_context_host(host, HostSource::Flag, env);
    }
    // The CLI looks at DOCKER_HOST before DOCKER_CONTEXT, whatever its documentation says.
    if let Some(host) = env.var("DOCKER_HOST") {
        return default_context_host(host, HostSource::DockerHostEnv, env);
    }
    if let Some(name) = env.var("DOCKER_CONTEXT") {
        return context_endpoint(name, ContextChoice::DockerContextEnv, env);
    }
    if let Some(config_dir) = env.config_dir() {
        let path = config_dir.join("config.json");
        if let Some(name) = current_context(&path)? {
            return context_endpoint(&name, ContextChoice::ConfigFile(path), env);
        }
    }
    Ok(unconfigured(env))
}

/// Nothing configured: the default socket, or — only when it is absent — rootless
/// Docker's and then Podman's sockets.
fn unconfigured(env: &Environment) -> Endpoint {
    // With DOCKER_TLS_VERIFY and no host the CLI goes to tcp://localhost:2376.
    if tls_from_env(env).is_some() {
        return tcp_default_tls(env);
    }
    let default = Path::new(DEFAULT_SOCKET);
    if !(env.exists)(default) {
        let runtime = env.var("XDG_RUNTIME_DIR").map(PathBuf::from);
        let mut candidates: Vec<(PathBuf, HostSource)> = Vec::new();
        if let Some(dir) = &runtime {
            candidates.push((dir.join("docker.sock"), HostSource::Rootless));
        }
        candidates.push((PathBuf::from(PODMAN_ROOTFUL_SOCKET), HostSource::Podman));
        if let Some(dir) = &runtime {
            candidates.push((dir.join("podman/podman.sock"), HostSource::Podman));
        }
        for (path, source) in candidates {
            if (env.exists)(&path) {
                return Endpoint {
                    url: format!("unix://{}", path.display()),
                    transport: Transport::Unix(path),
                    source,
                };
            }
        }
    }
    Endpoint {
        url: format!("unix://{DEFAULT_SOCKET}"),
        transport: Transport::Unix(default.to_path_buf()),
        source: HostSource::Default,
    }
}

fn tcp_default_tls(env: &Environment) -> Endpoint {
    Endpoint {
        url: "tcp://localhost:2376".to_string(),
        transport: Transport::Tcp {
            host: "localhost".to_string(),
            port: 2376,
            base_path: String::new(),
            tls: tls_from_env(env),
        },
        source: HostSource::Default,
    }
}

/// The default context with an explicit host (`--host`, `DOCKER_HOST`): TLS comes from
/// the environment.
fn default_context_host(host: &str, source: HostSource, env: &Environment) -> Result<Endpoint, HostError> {
    let tls = tls_from_env(env);
    let transport = parse_host(host, tls)?;
    Ok(Endpoint {
        url: url_of(&transport),
        transport,
        source,
    })
}

/// TLS settings of the default context: `DOCKER_TLS_VERIFY` (verify), `DOCKER_TLS`
/// (encrypt without verifying), files from `DOCKER_CERT_PATH` or the config folder.
fn tls_from_env(env: &Environment) -> Option<TlsSettings> {
    let verify = env.var("DOCKER_TLS_VERIFY").is_some();
    if !verify && env.var("DOCKER_TLS").is_none() {
        return None;
    }
    let dir = env
        .var("DOCKER_CERT_PATH")
        .map(PathBuf::from)
        .or_else(|| env.config_dir());
    Some(tls_files(dir.as_deref(), verify, env))
}

/// `ca.pem`, `cert.pem`, `key.pem` in `dir`, each only when it exists.
fn tls_files(dir: Option<&Path>, verify: bool, env: &Environment) -> TlsSettings {
    let file = |name: &str| dir.map(|d| d.join(name)).filter(|p| (env.exists)(p));
    TlsSettings {
        verify,
        ca: file("ca.pem"),
        cert: file("cert.pem"),
        key: file("key.pem"),
    }
}

/// Parses a host URL as the CLI's `opts.ParseHost` does. `tls` decides tcp's default port
/// (2376 with TLS, 2375 without) and is attached to tcp endpoints.
pub fn parse_host(host: &str, tls: Option<TlsSettings>) -> Result<Transport, HostError> {
    let host = host.trim();
    if host.is_empty() {
        return Ok(Transport::Unix(PathBuf::from(DEFAULT_SOCKET)));
    }
    let (scheme, rest) = match host.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        // A bare `host:port` is tcp.
        None => ("tcp".to_string(), host),
    };
    match scheme.as_str() {
        "unix" => {
            let path = if rest.is_empty() { DEFAULT_SOCKET } else { rest };
            if !path.starts_with('/') {
                return Err(HostError(format!(
                    "invalid host `{host}`: a unix socket path must be absolute"
                )));
            }
            Ok(Transport::Unix(PathBuf::from(path)))
        }
        "tcp" => {
            let (authority, path) = match rest.find('/') {
                Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
                None => (rest, ""),
            };
            let default_port = if tls.is_some() { 2376 } else { 2375 };
            let (name, port) = split_host_port(authority, default_port)
                .ok_or_else(|| HostError(format!("invalid host `{host}`: expected tcp://HOST:PORT")))?;
            Ok(Transport::Tcp {
                host: if name.is_empty() { "localhost".to_string() } else { name },
                port,
                base_path: path.to_string(),
                tls,
            })
        }
        "ssh" => crate::ssh::parse_ssh(rest)
            .map(Transport::Ssh)
            .map_err(|e| HostError(format!("invalid host `{host}`: {e}"))),
        "npipe" => Err(HostError(format!(
            "invalid host `{host}`: named pipes exist only on Windows"
        ))),
        "fd" => Err(HostError(format!(
            "invalid host `{host}`: fd:// is a daemon listener (systemd socket activation), not an address a client can use"
        ))),
        _ => Err(HostError(format!(
            "invalid host `{host}`: the scheme must be unix://, tcp:// or ssh:// (as for the docker CLI)"
        ))),
    }
}

/// `host:port`, `[v6]:port`, `host`, `:port`.
fn split_host_port(authority: &str, default_port: u16) -> Option<(String, u16)> {
    if let Some(rest) = authority.strip_prefix('[') {
        let (addr, after) = rest.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => p.parse().ok()?,
            None if after.is_empty() => default_port,
            None => return None,
        };
        return Some((addr.to_string(), port));
    }
    match authority.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') => {
            let port = if port.is_empty() {
                default_port
            } else {
                port.parse().ok()?
            };
            Some((name.to_string(), port))
        }
        Some(_) => None,
        None => Some((authority.to_string(), default_port)),
    }
}

fn url_of(transport: &Transport) -> String {
    match transport {
        Transport::Unix(path) => format!("unix://{}", path.display()),
        Transport::Tcp {
            host, port, base_path, ..
        } => {
            let host = if host.contains(':') {
                format!("[{host}]")
            } else {
                host.clone()
            };
            format!("tcp://{host}:{port}{base_path}")
        }
        Transport::Ssh(t) => {
            let user = t.user.as_deref().map(|u| format!("{u}@")).unwrap_or_default();
            let port = t.port.map(|p| format!(":{p}")).unwrap_or_default();
            format!("ssh://{user}{}{port}{}", t.host, t.socket.as_deref().unwrap_or(""))
        }
    }
}

#[derive(Deserialize)]
struct ConfigFile {
    #[serde(rename = "currentContext", default)]
    current_context: Option<String>,
}

/// `currentContext` of a config.json, when the file exists and names one.
fn current_context(path: &Path) -> Result<Option<String>, HostError> {
    let Some(text) = read_small(path)? else {
        return Ok(None);
    };
    let config: ConfigFile = serde_json::from_str(&text)
        .map_err(|e| HostError(format!("{}: not a valid docker config.json: {e}", path.display())))?;
    Ok(config.current_context.filter(|c| !c.is_empty()))
}

#[derive(Deserialize)]
struct ContextMeta {
    #[serde(rename = "Name", default)]
    name: String,
    #[serde(rename = "Endpoints", default)]
    endpoints: HashMap<String, ContextEndpoint>,
}

#[derive(Deserialize)]
struct ContextEndpoint {
    #[serde(rename = "Host", default)]
    host: Option<String>,
    #[serde(rename = "SkipTLSVerify", default)]
    skip_tls_verify: bool,
}

/// The endpoint of a named context.
fn context_endpoint(name: &str, chosen_by: ContextChoice, env: &Environment) -> Result<Endpoint, HostError> {
    // `default` is virtual: never on disk, it is DOCKER_HOST or the default socket.
    if name == "default" {
        if let Some(host) = env.var("DOCKER_HOST") {
            return default_context_host(host, HostSource::DockerHostEnv, env);
        }
        return Ok(unconfigured(env));
    }
    let config_dir = env.config_dir().ok_or_else(|| {
        HostError(format!(
            "context `{name}`: no HOME or DOCKER_CONFIG to find the context store in"
        ))
    })?;
    let id = context_id(name);
    let meta_path = config_dir.join("contexts/meta").join(&id).join("meta.json");
    let text = read_small(&meta_path)?.ok_or_else(|| {
        HostError(format!(
            "context `{name}` not found (no {}); `docker context ls` lists the contexts",
            meta_path.display()
        ))
    })?;
    let meta: ContextMeta = serde_json::from_str(&text)
        .map_err(|e| HostError(format!("{}: not a valid context meta.json: {e}", meta_path.display())))?;
    if meta.name != name {
        return Err(HostError(format!(
            "{}: names context `{}`, not `{name}`",
            meta_path.display(),
            meta.name
        )));
    }
    let docker = meta
        .endpoints
        .get("docker")
        .ok_or_else(|| HostError(format!("context `{name}` has no docker endpoint")))?;
    let host = docker.host.as_deref().unwrap_or("");
    let tls_dir = config_dir.join("contexts/tls").join(&id).join("docker");
    let files = tls_files(Some(&tls_dir), !docker.skip_tls_verify, env);
    // The CLI uses TLS for a context when it has TLS material or skips verification.
    let has_material = files.ca.is_some() || files.cert.is_some() || files.key.is_some();
    let tls = (has_material || docker.skip_tls_verify).then_some(files);
    let transport = parse_host(host, tls)?;
    Ok(Endpoint {
        url: url_of(&transport),
        transport,
        source: HostSource::Context {
            name: name.to_string(),
            chosen_by,
        },
    })
}

/// The context store's folder name for a context: the hex SHA-256 of its name.
pub fn context_id(name: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, name.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A small file's text; `None` when it does not exist.
fn read_small(path: &Path) -> Result<Option<String>, HostError> {
    use std::io::Read;
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(HostError(format!("{}: {e}", path.display()))),
    };
    let mut text = String::new();
    file.take(CONFIG_MAX_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| HostError(format!("{}: {e}", path.display())))?;
    if text.len() as u64 > CONFIG_MAX_BYTES {
        return Err(HostError(format!(
            "{}: larger than {CONFIG_MAX_BYTES} bytes",
            path.display()
        )));
    }
    Ok(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)], home: &Path, sockets: &[&str]) -> Environment {
        let sockets: Vec<PathBuf> = sockets.iter().map(PathBuf::from).collect();
        Environment {
            vars: vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            home: Some(home.to_path_buf()),
            // Sockets exist only when listed (the machine's own must not matter); files in
            // the tests' temporary folders exist when written.
            exists: Box::new(move |p: &Path| {
                sockets.iter().any(|s| s == p) || (!p.starts_with("/run") && !p.starts_with("/var/run") && p.exists())
            }),
        }
    }

    fn resolve_with(host: Option<&str>, context: Option<&str>, env: &Environment) -> Result<Endpoint, HostError> {
        let options = HostOptions {
            host: host.map(str::to_string),
            context: context.map(str::to_string),
        };
        resolve(&options, env)
    }

    fn write_context(config_dir: &Path, name: &str, host: &str, skip_verify: bool) {
        let dir = config_dir.join("contexts/meta").join(context_id(name));
        std::fs::create_dir_all(&dir).unwrap();
        let meta = serde_json::json!({
            "Name": name,
            "Metadata": {"Description": "test"},
            "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": skip_verify}}
        });
        std::fs::write(dir.join("meta.json"), meta.to_string()).unwrap();
    }

    #[test]
    fn context_id_is_the_sha256_of_the_name() {
        // `printf default | sha256sum`
        assert_eq!(
            context_id("default"),
            "37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f"
        );
    }

    #[test]
    fn host_urls_parse_as_the_cli_parses_them() {
        let unix = |p: &str| Transport::Unix(PathBuf::from(p));
        assert_eq!(parse_host("unix:///tmp/d.sock", None).unwrap(), unix("/tmp/d.sock"));
        assert_eq!(parse_host("unix://", None).unwrap(), unix(DEFAULT_SOCKET));
        assert_eq!(parse_host("", None).unwrap(), unix(DEFAULT_SOCKET));
        let tcp = |h: &str, p: u16, tls: Option<TlsSettings>| Transport::Tcp {
            host: h.to_string(),
            port: p,
            base_path: String::new(),
            tls,
        };
        assert_eq!(
            parse_host("tcp://10.0.0.5:2375", None).unwrap(),
            tcp("10.0.0.5", 2375, None)
        );
        assert_eq!(parse_host("tcp://10.0.0.5", None).unwrap(), tcp("10.0.0.5", 2375, None));
        assert_eq!(parse_host("tcp://:4000", None).unwrap(), tcp("localhost", 4000, None));
        assert_eq!(parse_host("myhost:4000", None).unwrap(), tcp("myhost", 4000, None));
        assert_eq!(parse_host("tcp://[::1]:5000", None).unwrap(), tcp("::1", 5000, None));
        let tls = TlsSettings {
            verify: true,
            ca: None,
            cert: None,
            key: None,
        };
        assert_eq!(
            parse_host("tcp://h", Some(tls.clone())).unwrap(),
            tcp("h", 2376, Some(tls))
        );
        assert!(matches!(
            parse_host("ssh://me@box:22", None).unwrap(),
            Transport::Ssh(t) if t.host == "box" && t.port == Some(22)
        ));
        assert!(parse_host("ssh://me:pw@box", None).unwrap_err().0.contains("password"));
        assert!(parse_host("http://h:2375", None).is_err());
        assert!(parse_host("fd://", None).is_err());
        assert!(parse_host("unix://relative.sock", None).is_err());
        assert!(parse_host("tcp://h:notaport", None).is_err());
    }

    #[test]
    fn precedence_follows_the_cli() {
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join(".docker");
        write_context(&config, "ctx", "tcp://ctx-host:2375", false);
        write_context(&config, "other", "unix:///run/other.sock", false);
        std::fs::write(config.join("config.json"), r#"{"currentContext": "other"}"#).unwrap();

        // currentContext from config.json.
        let e = env(&[], home.path(), &[]);
        let ep = resolve_with(None, None, &e).unwrap();
        assert_eq!(ep.url, "unix:///run/other.sock");
        assert!(
            matches!(&ep.source, HostSource::Context { name, chosen_by: ContextChoice::ConfigFile(_) } if name == "other")
        );

        // DOCKER_CONTEXT beats config.json; DOCKER_HOST beats DOCKER_CONTEXT.
        let e = env(&[("DOCKER_CONTEXT", "ctx")], home.path(), &[]);
        assert_eq!(resolve_with(None, None, &e).unwrap().url, "tcp://ctx-host:2375");
        let e = env(
            &[("DOCKER_CONTEXT", "ctx"), ("DOCKER_HOST", "unix:///env.sock")],
            home.path(),
            &[],
        );
        let ep = resolve_with(None, None, &e).unwrap();
        assert_eq!(
            (ep.url.as_str(), &ep.source),
            ("unix:///env.sock", &HostSource::DockerHostEnv)
        );

        // --host beats DOCKER_HOST; --context beats everything; both together is an error.
        let ep = resolve_with(Some("tcp://flag:1"), None, &e).unwrap();
        assert_eq!((ep.url.as_str(), &ep.source), ("tcp://flag:1", &HostSource::Flag));
        let ep = resolve_with(None, Some("ctx"), &e).unwrap();
        assert_eq!(ep.url, "tcp://ctx-host:2375");
        assert!(ep.why().contains("context `ctx` from --context"), "{}", ep.why());
        assert!(resolve_with(Some("tcp://flag:1"), Some("ctx"), &e).is_err());

        // An unknown context is an error naming it; `default` is virtual.
        let err = resolve_with(None, Some("nope"), &e).unwrap_err();
        assert!(err.0.contains("context `nope` not found"), "{err}");
        let ep = resolve_with(None, Some("default"), &env(&[], home.path(), &[DEFAULT_SOCKET])).unwrap();
        assert_eq!(ep.source, HostSource::Default);

        // DOCKER_CONFIG moves the store.
        let elsewhere = tempfile::tempdir().unwrap();
        write_context(elsewhere.path(), "ctx", "tcp://moved:2375", false);
        let e = env(
            &[
                ("DOCKER_CONFIG", elsewhere.path().to_str().unwrap()),
                ("DOCKER_CONTEXT", "ctx"),
            ],
            home.path(),
            &[],
        );
        assert_eq!(resolve_with(None, None, &e).unwrap().url, "tcp://moved:2375");
    }

    #[test]
    fn context_tls_material_and_skip_verify() {
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join(".docker");
        write_context(&config, "secure", "tcp://prod:2376", false);
        let tls_dir = config.join("contexts/tls").join(context_id("secure")).join("docker");
        std::fs::create_dir_all(&tls_dir).unwrap();
        for f in ["ca.pem", "cert.pem", "key.pem"] {
            std::fs::write(tls_dir.join(f), "x").unwrap();
        }
        let e = env(&[], home.path(), &[]);
        let ep = resolve_with(None, Some("secure"), &e).unwrap();
        let Transport::Tcp { tls: Some(tls), .. } = &ep.transport else {
            panic!("{ep:?}")
        };
        assert!(tls.verify);
        assert_eq!(tls.ca.as_deref(), Some(tls_dir.join("ca.pem").as_path()));
        assert!(tls.cert.is_some() && tls.key.is_some());

        write_context(&config, "lax", "tcp://lab:2376", true);
        let ep = resolve_with(None, Some("lax"), &e).unwrap();
        let Transport::Tcp { tls: Some(tls), .. } = &ep.transport else {
            panic!("{ep:?}")
        };
        assert!(!tls.verify && tls.ca.is_none());

        // A context whose meta.json names another context is refused.
        let dir = config.join("contexts/meta").join(context_id("liar"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("meta.json"), r#"{"Name":"someone-else","Endpoints":{}}"#).unwrap();
        assert!(resolve_with(None, Some("liar"), &e).is_err());
    }

    #[test]
    fn tls_environment_for_the_default_context() {
        let home = tempfile::tempdir().unwrap();
        let certs = tempfile::tempdir().unwrap();
        std::fs::write(certs.path().join("ca.pem"), "x").unwrap();
        let e = env(
            &[
                ("DOCKER_HOST", "tcp://remote"),
                ("DOCKER_TLS_VERIFY", "1"),
                ("DOCKER_CERT_PATH", certs.path().to_str().unwrap()),
            ],
            home.path(),
            &[],
        );
        let ep = resolve_with(None, None, &e).unwrap();
        assert_eq!(ep.url, "tcp://remote:2376");
        let Transport::Tcp { tls: Some(tls), .. } = &ep.transport else {
            panic!("{ep:?}")
        };
        assert!(tls.verify && tls.ca.is_some() && tls.cert.is_none());

        // DOCKER_TLS_VERIFY without a host: tcp://localhost:2376, as the CLI does.
        let e = env(&[("DOCKER_TLS_VERIFY", "1")], home.path(), &[]);
        assert_eq!(resolve_with(None, None, &e).unwrap().url, "tcp://localhost:2376");
    }

    #[test]
    fn fallback_sockets_only_when_nothing_is_configured_and_the_default_is_absent() {
        let home = tempfile::tempdir().unwrap();
        let runtime = tempfile::tempdir().unwrap();
        let rootless = runtime.path().join("docker.sock");
        let podman = runtime.path().join("podman/podman.sock");
        let xdg = runtime.path().to_str().unwrap();

        let e = env(
            &[("XDG_RUNTIME_DIR", xdg)],
            home.path(),
            &[DEFAULT_SOCKET, rootless.to_str().unwrap()],
        );
        assert_eq!(resolve_with(None, None, &e).unwrap().source, HostSource::Default);

        let e = env(&[("XDG_RUNTIME_DIR", xdg)], home.path(), &[rootless.to_str().unwrap()]);
        let ep = resolve_with(None, None, &e).unwrap();
        assert_eq!(
            (ep.transport, ep.source),
            (Transport::Unix(rootless.clone()), HostSource::Rootless)
        );

        let e = env(&[("XDG_RUNTIME_DIR", xdg)], home.path(), &[podman.to_str().unwrap()]);
        let ep = resolve_with(None, None, &e).unwrap();
        assert_eq!((ep.transport, ep.source), (Transport::Unix(podman), HostSource::Podman));

        // Nothing exists: the default socket, so the error names it.
        let e = env(&[("XDG_RUNTIME_DIR", xdg)], home.path(), &[]);
        let ep = resolve_with(None, None, &e).unwrap();
        assert_eq!(ep.describe(), "unix:///var/run/docker.sock (the default socket)");
    }
}
