//! Just enough HTTP/1.1 for the plugin protocol: dockerd's plugin client POSTs JSON with a
//! `Content-Length` (chunked bodies are read too) and keeps the connection open.
//!
//! Everything is bounded: the head's size and line count, the body's size, the time a
//! request may take. What does not fit is answered and the connection closed; nothing is
//! buffered past the limits.

use std::io::{BufRead, Read, Write};
use std::time::{Duration, Instant};

/// The bounds on one request.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The largest body read (dockerd forwards request bodies of at most 4 MiB, as base64
    /// inside JSON: about 5.4 MiB).
    pub max_body_bytes: usize,
    /// The largest request line plus headers.
    pub max_head_bytes: usize,
    /// How long a request may take once its first byte arrived.
    pub request_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 6 * 1024 * 1024,
            max_head_bytes: 16 * 1024,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// One request.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub body: Vec<u8>,
    /// The client asked to close the connection after the response (or spoke HTTP/1.0).
    pub close: bool,
}

/// What reading a request gave.
#[derive(Debug)]
pub enum ReadOutcome {
    Request(Request),
    /// The peer closed the connection between requests (or stayed idle too long).
    Closed,
    /// The body is over the limit; the request's path, to answer in kind.
    TooLarge {
        path: String,
        limit: usize,
    },
    /// Not an HTTP request this server can read.
    Bad(String),
}

/// Reads one request.
pub fn read_request(reader: &mut impl BufRead, limits: &Limits) -> ReadOutcome {
    let mut head_budget = limits.max_head_bytes;
    let mut line = Vec::new();
    // Blank lines before a request are allowed (RFC 9112 §2.2).
    loop {
        match read_line(reader, &mut line, &mut head_budget) {
            Ok(0) => return ReadOutcome::Closed,
            Ok(_) if line.iter().all(|b| *b == b'\r' || *b == b'\n') => continue,
            Ok(_) => break,
            Err(e) if is_timeout(&e) => return ReadOutcome::Closed,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => return ReadOutcome::Bad(e.to_string()),
            Err(_) => return ReadOutcome::Closed,
        }
    }
    let started = Instant::now();
    let text = String::from_utf8_lossy(&line);
    let mut parts = text.trim_end().split(' ');
    let (Some(method), Some(path), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return ReadOutcome::Bad("malformed request line".to_string());
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() || !path.starts_with('/') {
        return ReadOutcome::Bad("not an HTTP/1.x request".to_string());
    }
    let (method, path) = (method.to_string(), path.to_string());
    let mut close = version == "HTTP/1.0";
    let mut content_length: Option<usize> = None;
    let mut chunked = false;
    let mut headers = 0usize;
    loop {
        if started.elapsed() > limits.request_timeout {
            return ReadOutcome::Bad("request timed out".to_string());
        }
        match read_line(reader, &mut line, &mut head_budget) {
            Ok(0) => return ReadOutcome::Bad("connection closed in the request head".to_string()),
            Ok(_) => {}
            Err(e) => return ReadOutcome::Bad(format!("request head: {e}")),
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        headers += 1;
        if headers > 100 {
            return ReadOutcome::Bad("too many headers".to_string());
        }
        let Some((name, value)) = text.split_once(':') else {
            return ReadOutcome::Bad("malformed header".to_string());
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            match value.parse::<usize>() {
                Ok(n) if content_length.is_none_or(|m| m == n) => content_length = Some(n),
                _ => return ReadOutcome::Bad("invalid Content-Length".to_string()),
            }
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            if !value.eq_ignore_ascii_case("chunked") {
                return ReadOutcome::Bad(format!("unsupported Transfer-Encoding `{value}`"));
            }
            chunked = true;
        } else if name.eq_ignore_ascii_case("connection") {
            close = value.eq_ignore_ascii_case("close");
        }
    }
    if chunked && content_length.is_some() {
        return ReadOutcome::Bad("both Content-Length and Transfer-Encoding".to_string());
    }
    let body = if chunked {
        match read_chunked(reader, limits, started) {
            Ok(body) => body,
            Err(ChunkError::TooLarge) => {
                return ReadOutcome::TooLarge {
                    path,
                    limit: limits.max_body_bytes,
                };
            }
            Err(ChunkError::Bad(why)) => return ReadOutcome::Bad(why),
        }
    } else {
        let length = content_length.unwrap_or(0);
        if length > limits.max_body_bytes {
            return ReadOutcome::TooLarge {
                path,
                limit: limits.max_body_bytes,
            };
        }
        // Reserved whole, at once, never reallocated: the pages become resident only as the
        // body arrives, so a client that announces a large body and sends nothing costs
        // address space, not memory, and one that sends it costs its size, once (growing by
        // doubling left up to 2.4 times the body resident in the allocator).
        let mut body = Vec::with_capacity(length);
        if let Err(e) = read_exact_by(reader, &mut body, length, started, limits.request_timeout) {
            return ReadOutcome::Bad(format!("request body: {e}"));
        }
        body
    };
    ReadOutcome::Request(Request {
        method,
        path,
        body,
        close,
    })
}

enum ChunkError {
    TooLarge,
    Bad(String),
}

fn read_chunked(reader: &mut impl BufRead, limits: &Limits, started: Instant) -> Result<Vec<u8>, ChunkError> {
    let mut body = Vec::new();
    let mut line = Vec::new();
    // Chunk-size lines and trailers share a budget of their own.
    let mut budget = limits.max_head_bytes;
    loop {
        read_line(reader, &mut line, &mut budget).map_err(|e| ChunkError::Bad(format!("chunk size: {e}")))?;
        let text = String::from_utf8_lossy(&line);
        let size_text = text.trim_end().split(';').next().unwrap_or("").trim();
        let size =
            usize::from_str_radix(size_text, 16).map_err(|_| ChunkError::Bad("invalid chunk size".to_string()))?;
        if size == 0 {
            break;
        }
        if body.len().saturating_add(size) > limits.max_body_bytes {
            return Err(ChunkError::TooLarge);
        }
        read_exact_by(reader, &mut body, size, started, limits.request_timeout)
            .map_err(|e| ChunkError::Bad(format!("chunk: {e}")))?;
        let mut crlf = [0u8; 2];
        reader
            .read_exact(&mut crlf)
            .map_err(|e| ChunkError::Bad(format!("chunk end: {e}")))?;
        if &crlf != b"\r\n" {
            return Err(ChunkError::Bad("chunk not followed by CRLF".to_string()));
        }
    }
    // Trailers, up to the blank line.
    loop {
        read_line(reader, &mut line, &mut budget).map_err(|e| ChunkError::Bad(format!("trailer: {e}")))?;
        if line.iter().all(|b| *b == b'\r' || *b == b'\n') {
            return Ok(body);
        }
    }
}

/// Reads one line (through `\n`) into `line`, charging `budget`; a line over the budget is
/// an `InvalidData` error.
fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>, budget: &mut usize) -> std::io::Result<usize> {
    line.clear();
    let n = reader.take(*budget as u64 + 1).read_until(b'\n', line)?;
    if n > *budget {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "request head over the size limit",
        ));
    }
    *budget -= n;
    Ok(n)
}

/// Appends exactly `length` bytes to `body`, giving up when the request's time is over
/// (the socket's read timeout bounds each read; this bounds their sum).
fn read_exact_by(
    reader: &mut impl Read,
    body: &mut Vec<u8>,
    length: usize,
    started: Instant,
    timeout: Duration,
) -> std::io::Result<()> {
    let mut left = length;
    let mut buf = [0u8; 16 * 1024];
    while left > 0 {
        if started.elapsed() > timeout {
            return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "request timed out"));
        }
        let want = left.min(buf.len());
        match reader.read(&mut buf[..want]) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                // Grow by doubling, but never past the announced length: the buffer ends
                // exactly as large as the body, not up to twice as large.
                if body.capacity() - body.len() < n {
                    body.reserve_exact(body.len().max(64 * 1024).min(left).max(n));
                }
                body.extend_from_slice(&buf[..n]);
                left -= n;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
}

/// Writes one response with a JSON body.
pub fn write_response(out: &mut impl Write, status: u16, body: &str, close: bool) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let connection = if close { "Connection: close\r\n" } else { "" };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{connection}\r\n",
        crate::protocol::CONTENT_TYPE,
        body.len()
    );
    // One write: the head and body leave in one packet.
    let mut message = Vec::with_capacity(head.len() + body.len());
    message.extend_from_slice(head.as_bytes());
    message.extend_from_slice(body.as_bytes());
    out.write_all(&message)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::BufReader;

    fn read(input: &[u8]) -> ReadOutcome {
        read_request(&mut BufReader::new(input), &Limits::default())
    }

    fn small() -> Limits {
        Limits {
            max_body_bytes: 10,
            max_head_bytes: 200,
            request_timeout: Duration::from_secs(5),
        }
    }

    #[test]
    fn content_length_and_chunked() {
        let ReadOutcome::Request(r) = read(b"POST /Plugin.Activate HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
        else {
            panic!()
        };
        assert_eq!(
            (r.method.as_str(), r.path.as_str(), &r.body[..], r.close),
            ("POST", "/Plugin.Activate", &b"{}"[..], false)
        );
        let ReadOutcome::Request(r) =
            read(b"POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n")
        else {
            panic!()
        };
        assert_eq!((&r.body[..], r.close), (&b"abcde"[..], true));
        assert!(matches!(read(b""), ReadOutcome::Closed));
    }

    #[test]
    fn limits_and_garbage() {
        let mut input: &[u8] = b"POST /big HTTP/1.1\r\nContent-Length: 11\r\n\r\n01234567890";
        assert!(
            matches!(read_request(&mut input, &small()), ReadOutcome::TooLarge { path, limit: 10 } if path == "/big")
        );
        let mut input: &[u8] =
            b"POST /big HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n012345\r\n6\r\n012345\r\n0\r\n\r\n";
        assert!(matches!(
            read_request(&mut input, &small()),
            ReadOutcome::TooLarge { .. }
        ));
        let long_header = format!("POST / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(300));
        assert!(matches!(
            read_request(&mut long_header.as_bytes(), &small()),
            ReadOutcome::Bad(_)
        ));
        for garbage in [
            &b"\x00\x01\x02garbage\r\n\r\n"[..],
            b"GET\r\n\r\n",
            b"POST / HTTP/2\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n",
            b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nab",
            b"POST / HTTP/1.1\r\nno colon\r\n\r\n",
        ] {
            assert!(
                matches!(read(garbage), ReadOutcome::Bad(_)),
                "{:?}",
                String::from_utf8_lossy(garbage)
            );
        }
    }

    #[test]
    fn response_bytes() {
        let mut out = Vec::new();
        write_response(&mut out, 200, r#"{"Allow":true}"#, false).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.plugins.v1.2+json\r\nContent-Length: 14\r\n\r\n{\"Allow\":true}"
        );
    }
}
