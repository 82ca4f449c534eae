//! A private dockerd for tests: its own socket, data root, exec root and configuration
//! file in a temporary folder, no bridge and no iptables, so it touches nothing of the
//! host's Docker and needs no network.
//!
//! [`PrivateDockerd::start`] needs root, `dockerd`, the `docker` CLI and a static busybox
//! (Debian: `docker.io busybox-static`). Where one is missing it says so and returns
//! `None` — except under `CI=true`, where a test must never pass by skipping: there it
//! panics. The daemon is stopped when the value is dropped, and by a watchdog process when
//! the test process ends without dropping it (a `static`, a panic, an abort).

use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long dockerd may take to answer `/_ping`.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long it may take to stop (it stops its containers and its containerd first).
const STOP_TIMEOUT: Duration = Duration::from_secs(20);

/// TLS files for a tcp listener: a CA, the server's certificate for 127.0.0.1, and a
/// client certificate signed by the same CA.
#[derive(Clone, Debug)]
pub struct TlsFiles {
    pub dir: PathBuf,
    pub port: u16,
}

impl TlsFiles {
    pub fn ca(&self) -> PathBuf {
        self.dir.join("ca.pem")
    }
    pub fn client_cert(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }
    pub fn client_key(&self) -> PathBuf {
        self.dir.join("key.pem")
    }
}

/// A running private dockerd.
pub struct PrivateDockerd {
    dir: PathBuf,
    socket: PathBuf,
    daemon: Option<Child>,
    watchdog: Option<Child>,
    docker: PathBuf,
    tls: Option<TlsFiles>,
}

/// Whether tests must fail rather than skip.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Skips (prints why, returns `None`) or, under CI, fails.
fn unavailable<T>(why: String) -> Option<T> {
    assert!(!in_ci(), "a private dockerd is required under CI=true: {why}");
    eprintln!("SKIPPED: no private dockerd: {why}");
    None
}

/// An executable by name in PATH or the system folders (`dockerd` is in /usr/sbin, which a
/// non-login PATH may lack).
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/bin", "/sbin", "/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.metadata().is_ok_and(|m| m.is_file() && m.mode() & 0o111 != 0))
}

/// A statically linked busybox: it must run alone in an image's root file system.
fn static_busybox() -> Option<PathBuf> {
    [PathBuf::from("/bin/busybox")]
        .into_iter()
        .chain(find_program("busybox"))
        .find(|p| is_static_elf(p))
}

/// An ELF file without a `PT_INTERP` program header needs no dynamic loader.
fn is_static_elf(path: &Path) -> bool {
    let Ok(bytes) = std::fs::read(path) else {
        return false;
    };
    // 64-bit little-endian ELF only: what Debian's amd64 and arm64 packages ship.
    if bytes.len() < 64 || &bytes[..4] != b"\x7fELF" || bytes[4] != 2 || bytes[5] != 1 {
        return false;
    }
    let u16_at = |o: usize| u16::from_le_bytes([bytes[o], bytes[o + 1]]) as usize;
    let Ok(phoff) = <[u8; 8]>::try_from(&bytes[0x20..0x28]).map(u64::from_le_bytes) else {
        return false;
    };
    let (entry_size, count) = (u16_at(0x36), u16_at(0x38));
    (0..count).all(|i| {
        let at = phoff as usize + i * entry_size;
        bytes
            .get(at..at + 4)
            .is_some_and(|t| u32::from_le_bytes([t[0], t[1], t[2], t[3]]) != 3)
    })
}

impl PrivateDockerd {
    /// Starts a private dockerd listening on a Unix socket.
    pub fn start() -> Option<PrivateDockerd> {
        Self::start_with(false, &[])
    }

    /// Starts one with extra dockerd flags (`--authorization-plugin=NAME`, …), after the
    /// private socket, folders and configuration file. Whatever the flags require (a
    /// plugin answering on its socket) must be in place first: the start imports an image.
    pub fn start_with_args(args: &[&str]) -> Option<PrivateDockerd> {
        Self::start_with(false, args)
    }

    /// Starts one that also listens on 127.0.0.1 with TLS and client verification
    /// (`--tlsverify`); needs `openssl` to make the certificates.
    pub fn start_with_tls() -> Option<PrivateDockerd> {
        Self::start_with(true, &[])
    }

    fn start_with(tls: bool, extra_args: &[&str]) -> Option<PrivateDockerd> {
        // /proc/self belongs to the process's effective user.
        let uid = std::fs::metadata("/proc/self").map(|m| m.uid()).unwrap_or(u32::MAX);
        if uid != 0 {
            return unavailable(format!("dockerd needs root (running as uid {uid})"));
        }
        let Some(dockerd) = find_program("dockerd") else {
            return unavailable("dockerd is not installed (Debian: apt-get install docker.io)".to_string());
        };
        let Some(docker) = find_program("docker") else {
            return unavailable("the docker CLI is not installed (Debian: apt-get install docker.io)".to_string());
        };
        if static_busybox().is_none() {
            return unavailable("no static busybox (Debian: apt-get install busybox-static)".to_string());
        }
        if tls && find_program("openssl").is_none() {
            return unavailable("openssl is not installed (Debian: apt-get install openssl)".to_string());
        }

        // Short and unique: the socket path must stay under the 108-byte limit.
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = PathBuf::from(format!(
            "/tmp/dwd-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the dockerd folder");
        std::fs::write(dir.join("daemon.json"), "{}\n").expect("write daemon.json");
        let socket = dir.join("docker.sock");
        let tls_files = if tls {
            let port = free_port();
            let tls_dir = dir.join("tls");
            make_certificates(&tls_dir);
            Some(TlsFiles { dir: tls_dir, port })
        } else {
            None
        };

        let log = std::fs::File::create(dir.join("dockerd.log")).expect("create the dockerd log");
        let mut command = Command::new(&dockerd);
        command
            .arg("-H")
            .arg(format!("unix://{}", socket.display()))
            .arg("--pidfile")
            .arg(dir.join("docker.pid"))
            .arg("--data-root")
            .arg(dir.join("data"))
            .arg("--exec-root")
            .arg(dir.join("exec"))
            .arg("--config-file")
            .arg(dir.join("daemon.json"))
            .args(["--bridge=none", "--iptables=false", "--ip-masq=false"]);
        if let Some(t) = &tls_files {
            command
                .arg("-H")
                .arg(format!("tcp://127.0.0.1:{}", t.port))
                .arg("--tlsverify")
                .arg("--tlscacert")
                .arg(t.dir.join("ca.pem"))
                .arg("--tlscert")
                .arg(t.dir.join("server-cert.pem"))
                .arg("--tlskey")
                .arg(t.dir.join("server-key.pem"));
        }
        command.args(extra_args);
        let daemon = command
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("spawn dockerd");
        let watchdog = spawn_watchdog(daemon.id(), &dir);
        let mut this = PrivateDockerd {
            dir,
            socket,
            daemon: Some(daemon),
            watchdog,
            docker,
            tls: tls_files,
        };
        this.wait_until_up();
        this.import_busybox("test/base:1");
        Some(this)
    }

    /// The socket's path.
    pub fn socket(&self) -> &Path {
        &self.socket
    }

    /// `unix:///tmp/dwd-…/docker.sock`.
    pub fn host(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// Sends dockerd SIGHUP, as `systemctl reload docker` does: it re-reads the reloadable
    /// keys of its configuration file (authorization plugins, labels, debug, …); write the
    /// file ([`PrivateDockerd::config_file`]) first.
    pub fn reload(&self) {
        if let Some(daemon) = &self.daemon {
            let _ = Command::new("kill").args(["-HUP", &daemon.id().to_string()]).status();
        }
    }

    /// The TLS listener's files and port, when started with TLS.
    pub fn tls(&self) -> Option<&TlsFiles> {
        self.tls.as_ref()
    }

    /// Runs the docker CLI against this daemon; the trimmed standard output.
    ///
    /// # Panics
    /// When the command fails (with its standard error).
    pub fn docker(&self, args: &[&str]) -> String {
        self.try_docker(args)
            .unwrap_or_else(|e| panic!("docker {}: {e}", args.join(" ")))
    }

    /// The dockerd process's id.
    pub fn pid(&self) -> u32 {
        self.daemon.as_ref().map_or(0, Child::id)
    }

    /// The `daemon.json` it was started with (`--config-file`; `{}` unless a test wrote it).
    pub fn config_file(&self) -> PathBuf {
        self.dir.join("daemon.json")
    }

    /// Runs the docker CLI against this daemon.
    pub fn try_docker(&self, args: &[&str]) -> Result<String, String> {
        let output = Command::new(&self.docker)
            .arg("-H")
            .arg(self.host())
            .args(args)
            .env_remove("DOCKER_CONTEXT")
            .env_remove("DOCKER_TLS_VERIFY")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| e.to_string())?;
        if output.status.success() {
            Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
        } else {
            Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
        }
    }

    /// The containers the engine tests audit, from `test/base:1`: `priv` (created
    /// privileged: it cannot start here), `hard` (running, with every hardening the runtime
    /// rules ask for), `sock` (created with the Docker socket bound in and a port on every
    /// interface: the bind and the port need not work for the audit).
    pub fn create_sample_containers(&self) {
        self.docker(&[
            "create",
            "--name",
            "priv",
            "--privileged",
            "--network",
            "none",
            "test/base:1",
        ]);
        // Everything the runtime rules ask for; running, to audit a live one too.
        self.docker(&[
            "run",
            "-d",
            "--name",
            "hard",
            "--read-only",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "--user",
            "1000:1000",
            "--memory",
            "64m",
            "--pids-limit",
            "50",
            "--cpus",
            "0.5",
            "--health-cmd",
            "/bin/busybox true",
            "--health-interval",
            "1h",
            "--restart",
            "on-failure:3",
            "--stop-timeout",
            "1",
            "--network",
            "none",
            "test/base:1",
        ]);
        // Created only: the bind and the port need not work for the audit.
        self.docker(&[
            "create",
            "--name",
            "sock",
            "--network",
            "none",
            "-v",
            "/var/run/docker.sock:/var/run/docker.sock",
            "-p",
            "0.0.0.0:8080:80",
            "test/base:1",
        ]);
    }

    /// Imports a one-file image (a static busybox) as `reference`, without a registry;
    /// its command sleeps, so containers made from it can run.
    pub fn import_busybox(&self, reference: &str) {
        let busybox = static_busybox().expect("a static busybox");
        let rootfs = self.dir.join("rootfs");
        std::fs::create_dir_all(rootfs.join("bin")).expect("create the rootfs");
        std::fs::copy(&busybox, rootfs.join("bin/busybox")).expect("copy busybox");
        let mut tar = Command::new("tar")
            .arg("-C")
            .arg(&rootfs)
            .args(["-c", "--owner=0", "--group=0", "--numeric-owner", "."])
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn tar");
        let output = Command::new(&self.docker)
            .arg("-H")
            .arg(self.host())
            .args(["import", "-c", r#"CMD ["/bin/busybox","sleep","1000"]"#, "-", reference])
            .stdin(tar.stdout.take().expect("tar's output"))
            .output()
            .expect("run docker import");
        let tar_status = tar.wait().expect("wait for tar");
        assert!(
            output.status.success() && tar_status.success(),
            "tar ({tar_status}) | docker import: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `docker build -t TAG CONTEXT` with the classic builder and no network (the sandbox
    /// has none), on this daemon; a failed build fails the test with its output and the
    /// daemon's log.
    pub fn build(&self, context: &Path, tag: &str) {
        let output = Command::new(&self.docker)
            .arg("-H")
            .arg(self.host())
            .args(["build", "--network", "none", "-t", tag])
            .arg(context)
            .env("DOCKER_BUILDKIT", "0")
            .env_remove("DOCKER_CONTEXT")
            .env_remove("DOCKER_TLS_VERIFY")
            .stdin(Stdio::null())
            .output()
            .expect("run docker build");
        assert!(
            output.status.success(),
            "docker build {tag}: {}\n{}",
            String::from_utf8_lossy(&output.stderr),
            self.log()
        );
    }

    /// The daemon's log so far (for failure messages).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dockerd.log")).unwrap_or_default()
    }

    fn wait_until_up(&mut self) {
        let start = Instant::now();
        loop {
            if ping(&self.socket) {
                return;
            }
            if let Some(status) = self.daemon.as_mut().and_then(|d| d.try_wait().ok().flatten()) {
                panic!("dockerd exited ({status}) before answering; its log:\n{}", self.log());
            }
            if start.elapsed() > START_TIMEOUT {
                panic!(
                    "dockerd did not answer /_ping within {} s; its log:\n{}",
                    START_TIMEOUT.as_secs(),
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for PrivateDockerd {
    fn drop(&mut self) {
        if let Some(mut daemon) = self.daemon.take() {
            // SIGTERM lets dockerd stop its containers and its containerd and unmount
            // everything; SIGKILL only when it does not finish in time.
            let _ = Command::new("kill").args(["-TERM", &daemon.id().to_string()]).status();
            let start = Instant::now();
            while daemon.try_wait().ok().flatten().is_none() && start.elapsed() < STOP_TIMEOUT {
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = daemon.kill();
            let _ = daemon.wait();
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
        let _ = Command::new("rm")
            .args(["-rf", "--one-file-system"])
            .arg(&self.dir)
            .status();
    }
}

/// A shell that waits for this process to end, then stops dockerd as `Drop` does and
/// removes its folder. It covers daemons that are never dropped.
fn spawn_watchdog(daemon_pid: u32, dir: &Path) -> Option<Child> {
    let script = r#"
        while kill -0 "$0" 2>/dev/null; do sleep 1; done
        kill -TERM "$1" 2>/dev/null
        i=0
        while kill -0 "$1" 2>/dev/null && [ "$i" -lt 40 ]; do sleep 0.5; i=$((i+1)); done
        kill -KILL "$1" 2>/dev/null
        rm -rf --one-file-system "$2"
    "#;
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(std::process::id().to_string())
        .arg(daemon_pid.to_string())
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}

/// Whether the daemon answers `GET /_ping` with 200 (a raw request: the test harness
/// must not depend on the client it tests).
fn ping(socket: &Path) -> bool {
    let Ok(mut stream) = UnixStream::connect(socket) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /_ping HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.") && &head[9..12] == b"200"
}

/// A port on 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address").port()
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, with openssl.
fn make_certificates(dir: &Path) {
    std::fs::create_dir_all(dir).expect("create the TLS folder");
    let run = |args: &[&str]| {
        let output = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .output()
            .expect("run openssl");
        assert!(
            output.status.success(),
            "openssl {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    };
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .expect("write server.ext");
    std::fs::write(dir.join("client.ext"), "extendedKeyUsage=clientAuth\n").expect("write client.ext");
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=dockward test CA",
        "-keyout",
        "ca-key.pem",
        "-out",
        "ca.pem",
    ]);
    for (name, subject, ext) in [
        ("server", "/CN=127.0.0.1", "server.ext"),
        ("client", "/CN=dockward test client", "client.ext"),
    ] {
        let key = format!("{name}-key.pem");
        let csr = format!("{name}.csr");
        let cert = format!("{name}-cert.pem");
        run(&[
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", subject, "-keyout", &key, "-out", &csr,
        ]);
        run(&[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca-key.pem",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            ext,
            "-out",
            &cert,
        ]);
    }
    // The names the docker CLI looks for in DOCKER_CERT_PATH.
    std::fs::copy(dir.join("client-cert.pem"), dir.join("cert.pem")).expect("copy cert.pem");
    std::fs::copy(dir.join("client-key.pem"), dir.join("key.pem")).expect("copy key.pem");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_elf_detection() {
        // The test binary itself is dynamically linked (it has an interpreter).
        let me = std::env::current_exe().unwrap();
        assert!(!is_static_elf(&me));
        assert!(!is_static_elf(Path::new("/etc/hostname")));
        if let Some(busybox) = static_busybox() {
            assert!(is_static_elf(&busybox));
        }
    }
}
