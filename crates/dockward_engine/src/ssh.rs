//! `ssh://` hosts, as the docker CLI reaches them: no SSH implementation of our own, the
//! system's `ssh` runs `docker system dial-stdio` on the remote host, whose standard input
//! and output are then a connection to the remote daemon.
//!
//! The HTTP client speaks to a Unix socket, so the bridge offers one: a private socket in
//! a fresh 0700 folder, where each accepted connection gets its own `ssh` process and two
//! threads copying bytes each way. The user's ssh configuration, agent and known hosts
//! apply exactly as for `docker -H ssh://…`. The folder is removed when the bridge drops.

use std::io::{self, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Where an `ssh://[user@]host[:port][/socket]` URL points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshTarget {
    pub user: Option<String>,
    pub host: String,
    pub port: Option<u16>,
    /// The daemon socket on the remote host, when the URL names one.
    pub socket: Option<String>,
}

impl SshTarget {
    /// The `ssh` arguments the docker CLI uses: `-o ConnectTimeout=30 -T`, the user and
    /// port as options, `--` before the host so a host cannot pass for an option.
    pub fn ssh_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        if let Some(user) = &self.user {
            args.extend(["-l".to_string(), user.clone()]);
        }
        if let Some(port) = self.port {
            args.extend(["-p".to_string(), port.to_string()]);
        }
        args.extend(["-o", "ConnectTimeout=30", "-T", "--"].map(String::from));
        args.push(self.host.clone());
        args.push("docker".to_string());
        if let Some(socket) = &self.socket {
            args.push(format!("--host=unix://{socket}"));
        }
        args.extend(["system".to_string(), "dial-stdio".to_string()]);
        args
    }
}

/// Parses what follows `ssh://`. Passwords are refused, as the CLI refuses them.
pub fn parse_ssh(rest: &str) -> Result<SshTarget, String> {
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], Some(&rest[i..])),
        None => (rest, None),
    };
    let (user, hostport) = match authority.rsplit_once('@') {
        Some((user, hostport)) => {
            if user.contains(':') {
                return Err("a password in an ssh:// URL is not accepted; use an SSH key or agent".to_string());
            }
            (Some(user.to_string()).filter(|u| !u.is_empty()), hostport)
        }
        None => (None, authority),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((host, port)) if !host.contains(']') || host.ends_with(']') => {
            let port = port.parse::<u16>().map_err(|_| format!("invalid port `{port}`"))?;
            (host, Some(port))
        }
        _ => (hostport, None),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() || host.starts_with('-') {
        return Err("an ssh:// URL needs a host name".to_string());
    }
    if user.as_deref().is_some_and(|u| u.starts_with('-')) {
        return Err("invalid user name".to_string());
    }
    Ok(SshTarget {
        user,
        host: host.to_string(),
        port,
        socket: path.filter(|p| *p != "/").map(str::to_string),
    })
}

/// A local socket whose connections are tunnelled to the remote daemon.
pub struct SshBridge {
    dir: PathBuf,
    socket: PathBuf,
    children: Arc<Mutex<Vec<Child>>>,
}

impl SshBridge {
    /// Binds the private socket and serves it from a background thread. `program` is the
    /// ssh client to run (`ssh`, or `DOCKWARD_SSH` when set: a wrapper, or a test's stand-in).
    pub fn start(target: &SshTarget, program: &Path) -> io::Result<SshBridge> {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "dockward-ssh-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir(&dir)?;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
        let socket = dir.join("docker.sock");
        let listener = UnixListener::bind(&socket)?;
        let children: Arc<Mutex<Vec<Child>>> = Arc::default();
        let args = target.ssh_args();
        let program = program.to_path_buf();
        let spawned = Arc::clone(&children);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                if let Err(e) = tunnel(stream, &program, &args, &spawned) {
                    eprintln!("dockward: ssh: {e}");
                }
            }
        });
        Ok(SshBridge { dir, socket, children })
    }

    pub fn socket(&self) -> &Path {
        &self.socket
    }
}

impl Drop for SshBridge {
    fn drop(&mut self) {
        for child in self.children.lock().unwrap_or_else(|e| e.into_inner()).iter_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn tunnel(stream: UnixStream, program: &Path, args: &[String], children: &Mutex<Vec<Child>>) -> io::Result<()> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| io::Error::new(e.kind(), format!("cannot run {}: {e}", program.display())))?;
    let mut to_remote = child.stdin.take().expect("piped stdin");
    let mut from_remote = child.stdout.take().expect("piped stdout");
    children.lock().unwrap_or_else(|e| e.into_inner()).push(child);
    let mut reader = stream.try_clone()?;
    let mut writer = stream;
    std::thread::spawn(move || {
        let _ = copy(&mut reader, &mut to_remote);
    });
    std::thread::spawn(move || {
        let _ = copy(&mut from_remote, &mut writer);
        let _ = writer.shutdown(std::net::Shutdown::Both);
    });
    Ok(())
}

fn copy(from: &mut dyn Read, to: &mut dyn Write) -> io::Result<()> {
    let mut buf = [0u8; 16 * 1024];
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        to.write_all(&buf[..n])?;
        to.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_as_the_cli_reads_them() {
        let t = parse_ssh("me@box.example:2222/run/user/1000/docker.sock").unwrap();
        assert_eq!(t.user.as_deref(), Some("me"));
        assert_eq!(t.host, "box.example");
        assert_eq!(t.port, Some(2222));
        assert_eq!(t.socket.as_deref(), Some("/run/user/1000/docker.sock"));
        assert_eq!(
            t.ssh_args(),
            [
                "-l",
                "me",
                "-p",
                "2222",
                "-o",
                "ConnectTimeout=30",
                "-T",
                "--",
                "box.example",
                "docker",
                "--host=unix:///run/user/1000/docker.sock",
                "system",
                "dial-stdio"
            ]
        );
        let t = parse_ssh("box").unwrap();
        assert_eq!((t.user, t.port, t.socket), (None, None, None));
        assert!(parse_ssh("me:secret@box").unwrap_err().contains("password"));
        assert!(parse_ssh("-oProxyCommand=x").is_err());
        assert!(parse_ssh("").is_err());
    }
}
