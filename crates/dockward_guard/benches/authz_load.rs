//! A load generator for the guard: clients on kept-alive connections (as dockerd's plugin
//! client keeps them) send `AuthZReq` requests to the socket and time each answer.
//!
//! `cargo bench -p dockward_guard --bench authz_load` starts a guard in this process on a
//! temporary socket with the default settings; `-- --socket PATH` measures a running
//! `dockward guard` instead. The mix is the requests `docker run` makes: a create (half of
//! them privileged, refused; half hardened, allowed), then pass-through calls (`/_ping`,
//! start, wait). Prints p50, p99, p99.9 and the maximum per request kind and concurrency.
//!
//! `-- --socket PATH --flood N --pid PID [--bytes B]` measures memory instead: N
//! connections each hold a create request of B bytes (default 4 MiB) all but sent, and the
//! guard's (process PID) resident memory is read from /proc.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

// The allocator of the `dockward` binary, so the guard in this process allocates as it does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const REQUESTS_PER_CLIENT: usize = 5000;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/docker-20.10/{name}.json", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn pass_through(method: &str, uri: &str) -> Vec<u8> {
    format!(r#"{{"User":"","UserAuthNMethod":"","RequestMethod":"{method}","RequestUri":"{uri}","RequestBody":null,"RequestHeaders":{{"User-Agent":"Docker-Client/28.2.2 (linux)"}},"RequestPeerCertificates":null}}"#).into_bytes()
}

/// One POST on a kept-alive connection; the time until the whole answer is read.
fn call(writer: &mut UnixStream, reader: &mut BufReader<UnixStream>, body: &[u8]) -> (Duration, bool) {
    let start = Instant::now();
    let head = format!(
        "POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nHost: \r\nUser-Agent: Go-http-client/1.1\r\nContent-Length: {}\r\nAccept: application/vnd.docker.plugins.v1.2+json\r\n\r\n",
        body.len()
    );
    let mut message = head.into_bytes();
    message.extend_from_slice(body);
    writer.write_all(&message).expect("send");
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).expect("read head");
        if line == "\r\n" {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.trim().parse().expect("length");
        }
    }
    let mut answer = vec![0u8; length];
    reader.read_exact(&mut answer).expect("read body");
    let elapsed = start.elapsed();
    (elapsed, answer.starts_with(br#"{"Allow":true"#))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn micros(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn run(socket: &Path, clients: usize) {
    let privileged = fixture("create-privileged");
    let hardened = fixture("create-hardened");
    let kinds: Vec<(&str, Vec<u8>, bool)> = vec![
        ("create (privileged, denied)", privileged, false),
        ("create (hardened, allowed)", hardened, true),
        (
            "pass-through",
            pass_through("POST", "/v1.41/containers/abc/start"),
            true,
        ),
        ("pass-through", pass_through("HEAD", "/_ping"), true),
    ];
    let kinds = Arc::new(kinds);
    let started = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|_| {
            let kinds = Arc::clone(&kinds);
            let socket = socket.to_path_buf();
            std::thread::spawn(move || {
                let stream = UnixStream::connect(&socket).expect("connect");
                let mut writer = stream.try_clone().expect("clone");
                let mut reader = BufReader::new(stream);
                let mut samples: Vec<(usize, Duration)> = Vec::with_capacity(REQUESTS_PER_CLIENT);
                for i in 0..REQUESTS_PER_CLIENT {
                    let k = i % kinds.len();
                    let (elapsed, allowed) = call(&mut writer, &mut reader, &kinds[k].1);
                    assert_eq!(allowed, kinds[k].2, "{}", kinds[k].0);
                    samples.push((k, elapsed));
                }
                samples
            })
        })
        .collect();
    let samples: Vec<(usize, Duration)> = handles.into_iter().flat_map(|h| h.join().expect("client")).collect();
    let wall = started.elapsed();
    println!(
        "{clients} client(s), {} requests in {:.2} s ({:.0} requests/s)",
        samples.len(),
        wall.as_secs_f64(),
        samples.len() as f64 / wall.as_secs_f64()
    );
    let mut groups: Vec<(&str, Vec<Duration>)> = Vec::new();
    for (k, d) in &samples {
        let name = kinds[*k].0;
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => v.push(*d),
            None => groups.push((name, vec![*d])),
        }
    }
    groups.push(("all", samples.iter().map(|(_, d)| *d).collect()));
    println!(
        "  {:<30} {:>10} {:>10} {:>10} {:>10}",
        "request", "p50", "p99", "p99.9", "max"
    );
    for (name, mut v) in groups {
        v.sort();
        println!(
            "  {:<30} {:>10} {:>10} {:>10} {:>10}",
            name,
            micros(percentile(&v, 0.50)),
            micros(percentile(&v, 0.99)),
            micros(percentile(&v, 0.999)),
            micros(*v.last().expect("samples"))
        );
    }
}

/// The decision alone, in this thread: what a request costs apart from the socket.
fn decide_only() {
    let policy = dockward_guard::Policy::new(dockward_core::Settings::default(), dockward_guard::Mode::Enforce);
    println!("decision alone (no socket), 20,000 each:");
    for name in ["create-privileged", "create-hardened", "create-socket-mount", "start"] {
        let request: dockward_guard::AuthZRequest = serde_json::from_slice(&fixture(name)).expect("fixture");
        let mut times = Vec::with_capacity(20_000);
        for _ in 0..20_000 {
            let start = Instant::now();
            let decision = dockward_guard::decide(&policy, &request);
            std::hint::black_box(&decision);
            times.push(start.elapsed());
        }
        times.sort();
        println!(
            "  {:<30} p50 {:>10}  p99 {:>10}",
            name,
            micros(percentile(&times, 0.50)),
            micros(percentile(&times, 0.99))
        );
    }
    println!();
}

/// `--flood N --pid PID`: N connections each send a create request of `bytes` bytes, all
/// but its last byte; the guard's resident memory is read while they hold, then each
/// request is completed and answered.
fn flood(socket: &Path, connections: usize, bytes: usize, pid: Option<&str>) {
    let rss = |field: &str| -> String {
        let Some(pid) = pid else { return "?".to_string() };
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with(field))
                    .map(|l| l[field.len()..].trim().to_string())
            })
            .unwrap_or_else(|| "?".to_string())
    };
    println!(
        "flood: {connections} connections × {bytes} bytes; guard before: VmRSS {}",
        rss("VmRSS:")
    );
    // A create body padded with blanks to the size wanted (base64 grows it by 4/3).
    let padding = " ".repeat(bytes * 3 / 4);
    let body = format!(r#"{{"Image":"test/base:1","HostConfig":{{"Privileged":true}}{padding}}}"#);
    use base64::Engine as _;
    let request = serde_json::json!({
        "RequestMethod": "POST",
        "RequestUri": "/v1.41/containers/create?name=flood",
        "RequestBody": base64::engine::general_purpose::STANDARD.encode(body),
    })
    .to_string()
    .into_bytes();
    let head = format!(
        "POST /AuthZPlugin.AuthZReq HTTP/1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        request.len()
    );
    let mut streams = Vec::new();
    let mut refused = 0;
    let started = Instant::now();
    for _ in 0..connections {
        let Ok(mut stream) = UnixStream::connect(socket) else {
            refused += 1;
            continue;
        };
        let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
        if stream.write_all(head.as_bytes()).is_err() || stream.write_all(&request[..request.len() - 1]).is_err() {
            // Past the cap: the guard answered 503 and closed.
            refused += 1;
            continue;
        }
        streams.push(stream);
    }
    println!("  sent in {:.2} s", started.elapsed().as_secs_f64());
    std::thread::sleep(Duration::from_millis(500));
    println!(
        "  {} connections holding: guard VmRSS {}, VmHWM {}",
        streams.len(),
        rss("VmRSS:"),
        rss("VmHWM:")
    );
    let mut answered = 0;
    let mut other = Vec::new();
    for mut stream in streams {
        let _ = stream.write_all(&request[request.len() - 1..]);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        if std::env::var_os("FLOOD_DEBUG").is_some() {
            println!("  answer at {:.2} s: {}", started.elapsed().as_secs_f64(), answer.len());
        }
        if answer.contains(r#""Allow":false"#) {
            answered += 1;
        } else {
            other.push(
                answer
                    .split_once("\r\n\r\n")
                    .map_or(answer.clone(), |(_, b)| b.to_string()),
            );
        }
    }
    other.dedup();
    for answer in other.iter().take(3) {
        println!("  unexpected answer: {answer:?}");
    }
    std::thread::sleep(Duration::from_millis(500));
    println!(
        "  denied {answered}, refused at the cap {refused}; guard after: VmRSS {}, VmHWM {}",
        rss("VmRSS:"),
        rss("VmHWM:")
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if let (Some(socket), Some(n)) = (arg("--socket"), arg("--flood")) {
        let bytes = arg("--bytes").and_then(|b| b.parse().ok()).unwrap_or(4 * 1024 * 1024);
        flood(
            Path::new(&socket),
            n.parse().expect("--flood N"),
            bytes,
            arg("--pid").as_deref(),
        );
        return;
    }
    let external = args
        .iter()
        .position(|a| a == "--socket")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from);
    let _dir;
    let socket = match external {
        Some(socket) => socket,
        None => {
            let dir = tempfile::tempdir().expect("tempdir");
            let socket = dir.path().join("guard.sock");
            let listener = UnixListener::bind(&socket).expect("bind");
            let policy = dockward_guard::Policy::new(dockward_core::Settings::default(), dockward_guard::Mode::Enforce);
            let guard = dockward_guard::Guard::new(policy, None, dockward_guard::ServerOptions::default());
            let stop = Arc::new(AtomicBool::new(false));
            std::thread::spawn(move || dockward_guard::serve(listener, guard, stop));
            _dir = dir;
            socket
        }
    };
    decide_only();
    // Warm-up: first requests load code and allocate.
    run(&socket, 1);
    println!();
    for clients in [1, 4] {
        run(&socket, clients);
        println!();
    }
}
