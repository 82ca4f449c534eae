//! The plugin server on a real Unix socket: kept-alive connections, the connection cap,
//! idle connections closed, oversized and hostile requests answered without growing.

use dockward_core::Settings;
use dockward_guard::http::Limits;
use dockward_guard::{Guard, Mode, Policy, ServerOptions, serve};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

struct Server {
    socket: PathBuf,
    guard: Arc<Guard>,
    _dir: tempfile::TempDir,
}

fn start(options: ServerOptions) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let socket = dir.path().join("guard.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    let guard = Guard::new(Policy::new(Settings::default(), Mode::Enforce), None, options);
    let serving = Arc::clone(&guard);
    std::thread::spawn(move || serve(listener, serving, Arc::new(AtomicBool::new(false))));
    Server {
        socket,
        guard,
        _dir: dir,
    }
}

/// Sends one request on a kept-alive connection and reads one answer.
fn exchange(stream: &mut UnixStream, path: &str, body: &[u8]) -> (u16, String) {
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    stream.write_all(&request).unwrap();
    read_answer(stream)
}

fn read_answer(stream: &mut UnixStream) -> (u16, String) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status: u16 = line
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{line:?}"));
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    (status, String::from_utf8(body).unwrap())
}

fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let start = Instant::now();
    while !condition() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn connect(socket: &Path) -> UnixStream {
    let stream = UnixStream::connect(socket).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    stream
}

fn create_request(privileged: bool) -> Vec<u8> {
    use base64::Engine as _;
    let body = format!(
        r#"{{"Image":"test/base:1","User":"1000","HostConfig":{{"Privileged":{privileged},"NetworkMode":"none"}}}}"#
    );
    serde_json::json!({
        "RequestMethod": "POST",
        "RequestUri": "/v1.41/containers/create?name=x",
        "RequestBody": base64::engine::general_purpose::STANDARD.encode(body),
    })
    .to_string()
    .into_bytes()
}

#[test]
fn one_connection_serves_many_requests() {
    let server = start(ServerOptions::default());
    let mut stream = connect(&server.socket);
    assert_eq!(
        exchange(&mut stream, "/Plugin.Activate", b""),
        (200, r#"{"Implements":["authz"]}"#.to_string())
    );
    for _ in 0..3 {
        let (status, body) = exchange(&mut stream, "/AuthZPlugin.AuthZReq", &create_request(true));
        assert_eq!(status, 200);
        assert!(
            body.starts_with(r#"{"Allow":false,"Msg":"dockward: container create `x` refused"#),
            "{body}"
        );
        let (_, body) = exchange(&mut stream, "/AuthZPlugin.AuthZReq", &create_request(false));
        assert!(body.starts_with(r#"{"Allow":true"#), "{body}");
        let (_, body) = exchange(&mut stream, "/AuthZPlugin.AuthZRes", &create_request(true));
        assert_eq!(body, r#"{"Allow":true}"#);
    }
    // GET is not a plugin call.
    stream.write_all(b"GET /Plugin.Activate HTTP/1.1\r\n\r\n").unwrap();
    assert_eq!(read_answer(&mut stream).0, 405);
}

#[test]
fn connections_past_the_cap_are_refused_and_idle_ones_closed() {
    let server = start(ServerOptions {
        max_connections: 2,
        idle_timeout: Duration::from_millis(500),
        ..ServerOptions::default()
    });
    let idle: Vec<UnixStream> = (0..2).map(|_| connect(&server.socket)).collect();
    wait_for("two connections", || server.guard.active_connections() == 2);
    let mut third = connect(&server.socket);
    let (status, body) = read_answer(&mut third);
    assert_eq!(
        (status, body.as_str()),
        (503, r#"{"Err":"dockward: too many connections"}"#)
    );
    // The idle ones are closed by the guard after the idle timeout: the slots come back.
    for mut stream in idle {
        let mut byte = [0u8; 1];
        assert_eq!(stream.read(&mut byte).unwrap(), 0, "an idle connection must be closed");
    }
    wait_for("no connections", || server.guard.active_connections() == 0);
    let mut fresh = connect(&server.socket);
    assert_eq!(exchange(&mut fresh, "/Plugin.Activate", b"").0, 200);
}

#[test]
fn a_flood_of_oversized_and_hostile_requests_is_answered_and_the_guard_goes_on() {
    let server = start(ServerOptions {
        limits: Limits {
            max_body_bytes: 64 * 1024,
            ..Limits::default()
        },
        ..ServerOptions::default()
    });
    let hostile: Vec<Vec<u8>> = vec![
        // Announces 1 GiB: answered at once, nothing allocated for it.
        b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nContent-Length: 1073741824\r\n\r\n".to_vec(),
        // Chunks adding up past the limit.
        [
            &b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"[..],
            &b"8000\r\n"[..],
            &vec![b'a'; 0x8000],
            b"\r\n8001\r\n",
            &vec![b'a'; 0x8001],
            b"\r\n0\r\n\r\n",
        ]
        .concat(),
        // A header line without end.
        [
            &b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nX-A: "[..],
            &vec![b'a'; 100_000],
        ]
        .concat(),
        b"\x00\x00\x00\x00\xff\xfe garbage\r\n\r\n".to_vec(),
        b"POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nContent-Length: 3\r\n\r\n{{{".to_vec(),
    ];
    let threads: Vec<_> = (0..40)
        .map(|i| {
            let socket = server.socket.clone();
            let kind = i % hostile.len();
            let request = hostile[kind].clone();
            std::thread::spawn(move || {
                let mut stream = connect(&socket);
                let _ = stream.write_all(&request);
                let (status, body) = read_answer(&mut stream);
                (kind, status, body)
            })
        })
        .collect();
    for thread in threads {
        let (kind, status, body) = thread.join().unwrap();
        match kind {
            0 | 1 => {
                assert_eq!(status, 200);
                assert!(
                    body.contains(r#""Allow":false"#) && body.contains("65536-byte limit"),
                    "{body}"
                );
            }
            2 | 3 => assert_eq!(status, 400, "{body}"),
            _ => {
                assert_eq!(status, 200);
                assert!(
                    body.contains(r#""Allow":false"#) && body.contains("unreadable"),
                    "{body}"
                );
            }
        }
    }
    wait_for("no connections", || server.guard.active_connections() == 0);
    let mut stream = connect(&server.socket);
    let (_, body) = exchange(&mut stream, "/AuthZPlugin.AuthZReq", &create_request(false));
    assert!(body.starts_with(r#"{"Allow":true"#), "{body}");
}
