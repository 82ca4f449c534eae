//! Which API call a request is, from its method and URI, as dockerd's router would route it.
//!
//! The URI is the raw one the client sent (`/v1.41/containers/cr%65ate?name=web`); the
//! router matches the percent-decoded, cleaned path, with or without the `/vX.Y` version
//! prefix. Matching the raw text instead would let `cr%65ate` or `//containers/create`
//! through unexamined.

/// The calls the guard examines; every other request is allowed as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `POST /containers/create` (`docker create`, `docker run`, Compose).
    ContainerCreate { name: Option<String> },
    /// `POST /containers/{id}/exec` (`docker exec`).
    ExecCreate { container: String },
    /// `POST /containers/{id}/update` (`docker update`).
    ContainerUpdate { container: String },
    /// `POST /v1.NN/containers/{id}/start` with NN below 24: such old clients may send a
    /// whole `HostConfig` with the start, and dockerd 20.10 and older still apply it. A
    /// start without a body, or from a newer client, is not examined.
    LegacyStart { container: String },
    /// `POST /services/create` (`docker service create`).
    ServiceCreate,
    /// `POST /services/{id}/update` (`docker service update`).
    ServiceUpdate { service: String },
    /// Anything else: passed through.
    Other,
}

impl Action {
    /// A short stable name, for the audit log.
    pub fn kind(&self) -> &'static str {
        match self {
            Action::ContainerCreate { .. } => "container-create",
            Action::ExecCreate { .. } => "exec-create",
            Action::ContainerUpdate { .. } => "container-update",
            Action::LegacyStart { .. } => "legacy-start",
            Action::ServiceCreate => "service-create",
            Action::ServiceUpdate { .. } => "service-update",
            Action::Other => "other",
        }
    }

    /// Whether the call always carries a JSON body. An empty `RequestBody` on such a call
    /// means the plugin was not shown the body (CVE-2024-41110: `Content-Length: 0` with a
    /// body; or a body without the JSON content type, which dockerd does not forward).
    pub fn needs_body(&self) -> bool {
        !matches!(self, Action::Other | Action::LegacyStart { .. })
    }
}

/// Classifies a request.
pub fn classify(method: &str, uri: &str) -> Action {
    // dockerd's router matches methods exactly; the audited calls are all POSTs.
    if method != "POST" {
        return Action::Other;
    }
    let (raw_path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let path = percent_decode(raw_path, false);
    let segments = clean(&path);
    let mut segments: &[&str] = &segments;
    let mut legacy = false;
    if let Some(version) = segments.first().filter(|s| is_version(s)) {
        legacy = is_before_1_24(version);
        segments = &segments[1..];
    }
    match segments {
        ["containers", "create"] => Action::ContainerCreate {
            name: query_value(query, "name"),
        },
        ["containers", id, "exec"] => Action::ExecCreate {
            container: (*id).to_string(),
        },
        ["containers", id, "update"] => Action::ContainerUpdate {
            container: (*id).to_string(),
        },
        ["containers", id, "start"] if legacy => Action::LegacyStart {
            container: (*id).to_string(),
        },
        ["services", "create"] => Action::ServiceCreate,
        ["services", id, "update"] => Action::ServiceUpdate {
            service: (*id).to_string(),
        },
        _ => Action::Other,
    }
}

/// The router's version prefix: `v` then digits and dots (`[0-9.]+`).
fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// `v1.23` and older: the API versions in which a start request may carry a `HostConfig`.
fn is_before_1_24(segment: &str) -> bool {
    let mut numbers = segment[1..].split('.').map(|n| n.parse::<u64>().ok());
    match (numbers.next().flatten(), numbers.next().flatten()) {
        (Some(major), Some(minor)) => major < 1 || (major == 1 && minor < 24),
        (Some(major), None) => major < 1,
        // `v1..2` and the like: the router takes it; treat it as old, to be examined.
        _ => true,
    }
}

/// The segments of a path as Go's `path.Clean` leaves them: empty and `.` segments dropped,
/// `..` removing the one before.
fn clean(path: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out
}

/// One query parameter's value, decoded (`+` is a space in a query).
fn query_value(query: &str, key: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k, true) == key).then(|| percent_decode(v, true))
    })
}

/// Percent-decoding; an invalid escape is kept as written (Go's router would refuse the
/// request, so it never reaches a handler either way).
fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if plus_is_space => out.push(b' '),
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audited_calls_with_and_without_version() {
        assert_eq!(
            classify("POST", "/v1.41/containers/create?name=web"),
            Action::ContainerCreate {
                name: Some("web".to_string())
            }
        );
        assert_eq!(
            classify("POST", "/containers/create"),
            Action::ContainerCreate { name: None }
        );
        assert_eq!(
            classify("POST", "/v1.41/containers/abc/exec"),
            Action::ExecCreate {
                container: "abc".to_string()
            }
        );
        assert_eq!(
            classify("POST", "/v1.24/containers/abc/update"),
            Action::ContainerUpdate {
                container: "abc".to_string()
            }
        );
        assert_eq!(classify("POST", "/v1.41/services/create"), Action::ServiceCreate);
        assert_eq!(
            classify("POST", "/v1.41/services/s1/update?version=3"),
            Action::ServiceUpdate {
                service: "s1".to_string()
            }
        );
    }

    #[test]
    fn the_router_view_not_the_raw_text() {
        // Encoded letters, doubled slashes, dot segments: the router still routes these
        // to the create handler, so the guard must examine them.
        for uri in [
            "/v1.41/containers/cr%65ate",
            "//v1.41//containers/create/",
            "/v1.41/./containers/x/../create",
            "/v1.41/containers%2Fcreate",
        ] {
            assert!(matches!(classify("POST", uri), Action::ContainerCreate { .. }), "{uri}");
        }
        assert_eq!(
            classify("POST", "/containers/create?name=a%20b&x=1"),
            Action::ContainerCreate {
                name: Some("a b".to_string())
            }
        );
    }

    #[test]
    fn everything_else_passes() {
        assert_eq!(classify("GET", "/v1.41/containers/create"), Action::Other);
        assert_eq!(classify("post", "/v1.41/containers/create"), Action::Other);
        assert_eq!(classify("POST", "/v1.41/containers/abc/start"), Action::Other);
        assert_eq!(classify("POST", "/containers/abc/start"), Action::Other);
        assert_eq!(classify("POST", "/v1.24/containers/abc/start"), Action::Other);
        assert_eq!(
            classify("POST", "/v1.23/containers/abc/start"),
            Action::LegacyStart {
                container: "abc".to_string()
            }
        );
        assert!(matches!(
            classify("POST", "/v1.9/containers/abc/start"),
            Action::LegacyStart { .. }
        ));
        assert!(
            !Action::LegacyStart {
                container: String::new()
            }
            .needs_body()
        );
        assert_eq!(classify("POST", "/v1.41/images/create?fromSrc=-"), Action::Other);
        assert_eq!(classify("POST", "/vx/containers/create"), Action::Other);
        assert_eq!(classify("HEAD", "/_ping"), Action::Other);
        assert_eq!(classify("POST", "%"), Action::Other);
        assert_eq!(classify("POST", "/containers/create%"), Action::Other);
        assert!(!Action::Other.needs_body());
        assert!(Action::ServiceCreate.needs_body());
    }
}
