//! The Docker authorization plugin protocol (moby `pkg/authorization/api.go`).
//!
//! dockerd POSTs JSON to three paths on the plugin's socket: `/Plugin.Activate` once (the
//! plugin answers which interfaces it implements), `/AuthZPlugin.AuthZReq` before each API
//! request is served, `/AuthZPlugin.AuthZRes` before its response goes back. The field
//! names are the Go JSON tags (`RequestUri`, not the `RequestURI` of the documentation);
//! `[]byte` fields travel as standard base64.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The answer to `/Plugin.Activate`.
pub const ACTIVATE_RESPONSE: &str = r#"{"Implements":["authz"]}"#;

/// The media type plugin responses carry (dockerd accepts `v1+json` as well).
pub const CONTENT_TYPE: &str = "application/vnd.docker.plugins.v1.2+json";

/// `/AuthZPlugin.AuthZReq` and `/AuthZPlugin.AuthZRes` bodies. Unknown fields are ignored
/// (newer engines add some); every field may be absent.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuthZRequest {
    /// The TLS client certificate's common name; empty on the Unix socket.
    #[serde(rename = "User")]
    pub user: String,
    #[serde(rename = "UserAuthNMethod")]
    pub user_authn_method: String,
    #[serde(rename = "RequestMethod")]
    pub method: String,
    /// Path and query as the client sent them, with the `/v1.NN` prefix.
    #[serde(rename = "RequestUri")]
    pub uri: String,
    /// Base64 of the request body; dockerd sends it only for `application/json` bodies of
    /// at most 4 MiB.
    #[serde(rename = "RequestBody", deserialize_with = "null_as_empty")]
    pub body: String,
    #[serde(rename = "RequestHeaders", deserialize_with = "null_as_default")]
    pub headers: BTreeMap<String, String>,
}

impl AuthZRequest {
    /// The decoded request body; empty when there is none.
    pub fn decoded_body(&self) -> Result<Vec<u8>, String> {
        base64::engine::general_purpose::STANDARD
            .decode(self.body.as_bytes())
            .map_err(|e| format!("RequestBody is not base64: {e}"))
    }
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

fn null_as_default<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, String>, D::Error> {
    Ok(Option::<BTreeMap<String, String>>::deserialize(d)?.unwrap_or_default())
}

/// The answer to either AuthZ call. `Err` is a plugin-side failure: dockerd denies the
/// request and shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthZResponse {
    #[serde(rename = "Allow")]
    pub allow: bool,
    #[serde(rename = "Msg", default, skip_serializing_if = "String::is_empty")]
    pub msg: String,
    #[serde(rename = "Err", default, skip_serializing_if = "String::is_empty")]
    pub err: String,
}

impl AuthZResponse {
    pub fn allow() -> Self {
        AuthZResponse {
            allow: true,
            ..AuthZResponse::default()
        }
    }

    pub fn deny(msg: impl Into<String>) -> Self {
        AuthZResponse {
            allow: false,
            msg: msg.into(),
            err: String::new(),
        }
    }

    pub fn to_json(&self) -> String {
        // A struct of strings and a bool always serialises.
        serde_json::to_string(self).unwrap_or_else(|_| r#"{"Allow":false,"Err":"internal error"}"#.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_field_names_and_nulls() {
        let req: AuthZRequest = serde_json::from_str(
            r#"{"RequestMethod":"POST","RequestUri":"/v1.41/containers/create","RequestBody":"e30=",
                "RequestHeaders":null,"RequestPeerCertificates":null,"NewField":1}"#,
        )
        .unwrap();
        assert_eq!(req.method, "POST");
        assert_eq!(req.uri, "/v1.41/containers/create");
        assert_eq!(req.decoded_body().unwrap(), b"{}");
        assert!(req.headers.is_empty());
        let req: AuthZRequest = serde_json::from_str(r#"{"RequestBody":null}"#).unwrap();
        assert_eq!(req.decoded_body().unwrap(), b"");
        let req: AuthZRequest = serde_json::from_str(r#"{"RequestBody":"%%%"}"#).unwrap();
        assert!(req.decoded_body().is_err());
    }

    #[test]
    fn responses_leave_out_empty_fields() {
        assert_eq!(AuthZResponse::allow().to_json(), r#"{"Allow":true}"#);
        assert_eq!(AuthZResponse::deny("no").to_json(), r#"{"Allow":false,"Msg":"no"}"#);
    }
}
