//! The plugin server: a Unix socket, one thread per connection up to a cap, each request
//! answered from the policy loaded at start.
//!
//! Under a flood the guard stays bounded: past `max_connections` a new connection gets an
//! immediate error answer (dockerd then denies that one request — fail closed) and is
//! closed; each connection holds at most one request of at most `max_body_bytes`; an idle
//! connection is closed after `idle_timeout`.

use crate::audit::AuditLog;
use crate::decide::{Policy, decide};
use crate::http::{Limits, ReadOutcome, read_request, write_response};
use crate::protocol::{ACTIVATE_RESPONSE, AuthZRequest, AuthZResponse};
use std::io::BufReader;
use std::os::unix::net::{UnixListener, UnixStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// How the server runs.
#[derive(Clone, Copy, Debug)]
pub struct ServerOptions {
    pub limits: Limits,
    pub max_connections: usize,
    /// A connection without a request for this long is closed (dockerd reconnects).
    pub idle_timeout: Duration,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            limits: Limits::default(),
            max_connections: 64,
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// Everything a connection needs.
pub struct Guard {
    pub policy: Policy,
    pub audit: Option<AuditLog>,
    pub options: ServerOptions,
    active: AtomicUsize,
}

impl Guard {
    pub fn new(policy: Policy, audit: Option<AuditLog>, options: ServerOptions) -> Arc<Self> {
        Arc::new(Guard {
            policy,
            audit,
            options,
            active: AtomicUsize::new(0),
        })
    }

    /// Connections being served now.
    pub fn active_connections(&self) -> usize {
        self.active.load(Ordering::Relaxed)
    }

    /// The answer to one request: status and JSON body.
    pub fn answer(&self, method: &str, path: &str, body: &[u8]) -> (u16, String) {
        if method != "POST" {
            return (405, error_json("the plugin API takes POST requests"));
        }
        match path {
            "/Plugin.Activate" => (200, ACTIVATE_RESPONSE.to_string()),
            "/AuthZPlugin.AuthZReq" => {
                let request: AuthZRequest = match serde_json::from_slice(body) {
                    Ok(request) => request,
                    // dockerd always sends a well-formed request: this one is not from it,
                    // or is damaged. Refused, never allowed.
                    Err(e) => {
                        let msg = format!("dockward: unreadable authorization request: {e}");
                        return (200, AuthZResponse::deny(msg).to_json());
                    }
                };
                let decision = decide(&self.policy, &request);
                if let Some(audit) = self.audit.as_ref().filter(|_| decision.examined()) {
                    audit.record(&request, &decision, self.policy.mode, self.policy.threshold());
                }
                (200, decision.response.to_json())
            }
            // Responses are not judged: what was allowed to run has run.
            "/AuthZPlugin.AuthZRes" => (200, AuthZResponse::allow().to_json()),
            _ => (404, error_json("not a method of the authz plugin API")),
        }
    }

    /// Serves one connection until it closes.
    pub fn serve_connection(&self, stream: UnixStream) {
        let _ = stream.set_read_timeout(Some(self.options.idle_timeout));
        let _ = stream.set_write_timeout(Some(self.options.limits.request_timeout));
        let Ok(mut writer) = stream.try_clone() else {
            return;
        };
        let mut reader = BufReader::new(stream);
        loop {
            match read_request(&mut reader, &self.options.limits) {
                ReadOutcome::Request(request) => {
                    let (status, body) = self.answer(&request.method, &request.path, &request.body);
                    if write_response(&mut writer, status, &body, request.close).is_err() || request.close {
                        return;
                    }
                }
                ReadOutcome::Closed => return,
                ReadOutcome::TooLarge { path, limit } => {
                    // The rest of the body is not read: the connection closes after this.
                    let msg = format!("dockward: request over the {limit}-byte limit refused");
                    let body = if path == "/AuthZPlugin.AuthZReq" {
                        AuthZResponse::deny(msg).to_json()
                    } else {
                        error_json(&msg)
                    };
                    let status = if path.starts_with("/AuthZPlugin.") { 200 } else { 413 };
                    let _ = write_response(&mut writer, status, &body, true);
                    return;
                }
                ReadOutcome::Bad(why) => {
                    let _ = write_response(&mut writer, 400, &error_json(&format!("bad request: {why}")), true);
                    return;
                }
            }
        }
    }
}

/// `{"Err": "…"}`: what dockerd's plugin client reads from a failed call.
fn error_json(message: &str) -> String {
    serde_json::json!({ "Err": message }).to_string()
}

/// Serves `listener` until `stop` is set (checked between connections).
pub fn serve(listener: UnixListener, guard: Arc<Guard>, stop: Arc<AtomicBool>) -> std::io::Result<()> {
    for stream in listener.incoming() {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let mut stream = match stream {
            Ok(stream) => stream,
            // Out of descriptors or memory: wait for connections to end rather than spin.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        let active = guard.active.fetch_add(1, Ordering::AcqRel);
        if active >= guard.options.max_connections {
            guard.active.fetch_sub(1, Ordering::AcqRel);
            let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
            let _ = write_response(&mut stream, 503, &error_json("dockward: too many connections"), true);
            continue;
        }
        let worker = Arc::clone(&guard);
        let spawned = std::thread::Builder::new()
            .name("dockward-guard-conn".to_string())
            .stack_size(512 * 1024)
            .spawn(move || {
                worker.serve_connection(stream);
                worker.active.fetch_sub(1, Ordering::AcqRel);
            });
        if spawned.is_err() {
            guard.active.fetch_sub(1, Ordering::AcqRel);
        }
    }
    Ok(())
}
