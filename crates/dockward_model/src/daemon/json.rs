//! `daemon.json` → [`DaemonSpec`], every value located at its JSON property.
//!
//! dockerd decodes the file with Go's `encoding/json`, so the parser is set to be as strict:
//! no comments, trailing commas, single-quoted strings, unquoted keys, hexadecimal or
//! non-finite numbers. What dockerd would refuse (invalid JSON, a value of the wrong type)
//! becomes a [`DaemonDiagnostic`] at the offending bytes. A value of the wrong type leaves
//! its setting `Unknown` (no rule judges a value dockerd would not accept); JSON that does
//! not parse leaves every setting `Unknown`. An empty file is an empty
//! configuration, as for dockerd; a UTF-8 byte order mark is skipped, as dockerd does.

use super::{
    BOOL_KEYS, DaemonDiagnostic, DaemonKey, DaemonSource, DaemonSpec, KeyOrigin, STRING_LIST_KEYS, Said, TEXT_KEYS,
};
use dockward_core::{FileId, Provenance, TextRange};
use jsonc_parser::ast::{Object, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};

/// Larger files are refused without parsing: a daemon configuration is a few hundred bytes,
/// and the budget keeps a hostile file from costing more than a quick scan. Nesting is
/// capped by the parser (512 levels).
pub const MAX_DAEMON_JSON_BYTES: usize = 1 << 20;

/// Object-valued keys dockerd keeps whole; any other object's members count as top-level
/// keys when dockerd looks for settings given both as a flag and in the file (`proxies`
/// holds `http-proxy`, which is also a flag).
const FLAT_OPTIONS: &[&str] = &[
    "cluster-store-opts",
    "default-network-opts",
    "log-opts",
    "runtimes",
    "default-ulimits",
    "features",
    "builder",
];

/// Reads a `daemon.json`. Returns the spec and the problems that would make dockerd refuse
/// the file; when the text is not a JSON object at all, every setting is `Unknown`.
pub fn lower_daemon_json(file: FileId, text: &str) -> (DaemonSpec, Vec<DaemonDiagnostic>) {
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let body = &text[base..];
    let at = |start: usize, end: usize| TextRange::from_usize(base + start, base + end);
    let whole = Provenance::text(file, at(0, body.len()));
    let opaque = |message: String, range: TextRange| {
        let mut spec = DaemonSpec::unset(DaemonSource::ConfigFile, whole.clone());
        spec.mark_unset_as_unknown();
        (spec, vec![DaemonDiagnostic { message, range }])
    };
    if text.len() > MAX_DAEMON_JSON_BYTES {
        return opaque(
            format!(
                "{} bytes is more than a daemon configuration holds (the limit is {MAX_DAEMON_JSON_BYTES}); not read",
                text.len()
            ),
            TextRange::empty(0),
        );
    }
    let start = body.len() - body.trim_start().len();
    if body.trim().is_empty() {
        let origin = Provenance::text(file, at(start, start));
        return (DaemonSpec::unset(DaemonSource::ConfigFile, origin), Vec::new());
    }
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    let value = match parse_to_ast(body, &CollectOptions::default(), &options) {
        Ok(parsed) => parsed.value,
        Err(error) => {
            let r = error.range();
            return opaque(format!("invalid JSON: {}", error.kind()), at(r.start, r.end));
        }
    };
    let Some(Value::Object(object)) = value else {
        return opaque(
            "a daemon configuration must be a JSON object".to_string(),
            at(start, body.len()),
        );
    };
    // A missing key would be added inside the braces: point at the opening one.
    let brace = object.range.start;
    let origin = Provenance::text(file, at(brace, brace + 1));
    let mut cx = Lowering {
        file,
        base,
        spec: DaemonSpec::unset(DaemonSource::ConfigFile, origin),
        diagnostics: Vec::new(),
    };
    // Rootless mode is decided by how dockerd is started, not by this file (unless it says).
    cx.spec.rootless.value = crate::known::Known::Unknown;
    cx.object(&object);
    (cx.spec, cx.diagnostics)
}

struct Lowering {
    file: FileId,
    base: usize,
    spec: DaemonSpec,
    diagnostics: Vec<DaemonDiagnostic>,
}

impl Lowering {
    fn range(&self, node: &impl Ranged) -> TextRange {
        let r = node.range();
        TextRange::from_usize(self.base + r.start, self.base + r.end)
    }

    fn at(&self, node: &impl Ranged) -> Provenance {
        Provenance::text(self.file, self.range(node))
    }

    fn wrong_type(&mut self, key: &str, expected: &str, value: &Value<'_>) {
        let found = match value {
            Value::StringLit(_) => "a string",
            Value::NumberLit(_) => "a number",
            Value::BooleanLit(_) => "a boolean",
            Value::Object(_) => "an object",
            Value::Array(_) => "an array",
            Value::NullKeyword(_) => "null",
        };
        let range = self.range(value);
        self.diagnostics.push(DaemonDiagnostic {
            message: format!("`{key}` must be {expected}, not {found}: dockerd refuses to start"),
            range,
        });
    }

    fn key(&mut self, name: &str, at: Provenance) {
        self.spec.keys.push(DaemonKey {
            name: name.to_string(),
            origin: KeyOrigin::File,
            at,
            text: name.to_string(),
        });
    }

    fn object(&mut self, object: &Object<'_>) {
        for prop in &object.properties {
            let name = prop.name.as_str();
            let at = self.at(prop);
            self.key(name, at.clone());
            if let Value::Object(inner) = &prop.value
                && !FLAT_OPTIONS.contains(&name)
            {
                for member in &inner.properties {
                    let member_at = self.at(member);
                    self.key(member.name.as_str(), member_at);
                }
            }
            self.property(name, &prop.value, at);
        }
    }

    /// Stores one top-level property. `null` leaves Docker's default in place, as Go's
    /// decoder does.
    fn property(&mut self, name: &str, value: &Value<'_>, at: Provenance) {
        if matches!(value, Value::NullKeyword(_)) {
            return;
        }
        if BOOL_KEYS.contains(&name) {
            let said = match value {
                Value::BooleanLit(b) => Said::Bool(b.value),
                other => {
                    self.wrong_type(name, "true or false", other);
                    Said::Unknown
                }
            };
            self.spec.apply(name, said, at);
        } else if TEXT_KEYS.contains(&name) {
            let said = match value {
                Value::StringLit(s) => Said::Text(s.value.to_string()),
                other => {
                    self.wrong_type(name, "a string", other);
                    Said::Unknown
                }
            };
            self.spec.apply(name, said, at);
        } else if STRING_LIST_KEYS.contains(&name) {
            let Value::Array(array) = value else {
                self.wrong_type(name, "an array of strings", value);
                self.spec.apply(name, Said::Unknown, at);
                return;
            };
            for element in &array.elements {
                let element_at = self.at(element);
                let said = match element {
                    Value::StringLit(s) => Said::Text(s.value.to_string()),
                    other => {
                        self.wrong_type(name, "an array of strings", other);
                        Said::Unknown
                    }
                };
                self.spec.apply(name, said, element_at);
            }
        } else if name == "log-opts" {
            let Value::Object(opts) = value else {
                self.wrong_type(name, "an object of strings", value);
                self.spec.apply(name, Said::Unknown, at);
                return;
            };
            for opt in &opts.properties {
                let opt_at = self.at(opt);
                let said = match &opt.value {
                    Value::StringLit(s) => Said::Text(format!("{}={}", opt.name.as_str(), s.value)),
                    other => {
                        self.wrong_type(&format!("log-opts.{}", opt.name.as_str()), "a string", other);
                        Said::Unknown
                    }
                };
                self.spec.apply(name, said, opt_at);
            }
        } else if name == "default-ulimits" {
            let Value::Object(limits) = value else {
                self.wrong_type(name, "an object", value);
                self.spec.apply(name, Said::Unknown, at);
                return;
            };
            for limit in &limits.properties {
                let limit_at = self.at(limit);
                let said = ulimit(limit.name.as_str(), &limit.value).map_or(Said::Unknown, Said::Text);
                self.spec.apply(name, said, limit_at);
            }
        }
    }
}

/// `"nofile": {"Name": "nofile", "Soft": 1024, "Hard": 2048}` → `nofile=1024:2048`.
fn ulimit(name: &str, value: &Value<'_>) -> Option<String> {
    let object = value.as_object()?;
    let number = |field: &str| {
        object
            .properties
            .iter()
            .find(|p| p.name.as_str().eq_ignore_ascii_case(field))
            .and_then(|p| p.value.as_number_lit())
            .map(|n| n.value.to_string())
    };
    let soft = number("Soft")?;
    let hard = number("Hard")?;
    Some(format!("{name}={soft}:{hard}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::daemon::ListenerKind;

    fn slice<'t>(text: &'t str, at: &Provenance) -> &'t str {
        at.as_text().unwrap().1.slice(text)
    }

    #[test]
    fn every_key_is_lowered_with_its_bytes() {
        let text = r#"{
  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"],
  "tls": true, "tlsverify": false,
  "tlscacert": "/etc/docker/ca.pem", "tlscert": "/etc/docker/cert.pem", "tlskey": "/etc/docker/key.pem",
  "userns-remap": "default", "icc": true, "iptables": false, "ip": "127.0.0.1",
  "live-restore": false, "userland-proxy": true, "no-new-privileges": false,
  "seccomp-profile": "unconfined", "selinux-enabled": true,
  "insecure-registries": ["registry.lan:5000"], "registry-mirrors": ["https://mirror.example"],
  "authorization-plugins": ["opa-docker-authz"],
  "log-driver": "none", "log-level": "debug", "debug": true, "experimental": true,
  "log-opts": {"max-size": "10m"},
  "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 64000, "Soft": 1024}},
  "storage-driver": "overlay2", "cgroup-parent": "docker.slice",
  "proxies": {"http-proxy": "http://proxy:3128"}
}"#;
        let (s, errors) = lower_daemon_json(FileId(0), text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(s.hosts.len(), 2);
        let tcp = s.hosts[1].get().unwrap();
        assert_eq!(tcp.kind, ListenerKind::Tcp);
        assert_eq!(slice(text, &s.hosts[1].at), "\"tcp://0.0.0.0:2375\"");
        assert_eq!(s.tls.get(), Some(&true));
        assert_eq!(s.tls_verify.get(), Some(&false));
        assert_eq!(slice(text, &s.tls_verify.at), "\"tlsverify\": false");
        assert_eq!(s.tls_ca_cert.get().map(String::as_str), Some("/etc/docker/ca.pem"));
        assert!(s.tls_cert.get().is_some() && s.tls_key.get().is_some());
        assert_eq!(s.userns_remap.get().map(String::as_str), Some("default"));
        assert_eq!(s.icc.get(), Some(&true));
        assert_eq!(s.iptables.get(), Some(&false));
        assert_eq!(s.ip.get().map(String::as_str), Some("127.0.0.1"));
        assert_eq!(s.live_restore.get(), Some(&false));
        assert_eq!(s.userland_proxy.get(), Some(&true));
        assert_eq!(s.no_new_privileges.get(), Some(&false));
        assert_eq!(s.seccomp_profile.get().map(String::as_str), Some("unconfined"));
        assert_eq!(s.selinux_enabled.get(), Some(&true));
        assert_eq!(
            s.insecure_registries[0].get().map(String::as_str),
            Some("registry.lan:5000")
        );
        assert_eq!(s.registry_mirrors.len(), 1);
        assert_eq!(s.authorization_plugins.len(), 1);
        assert_eq!(s.log_driver.get().map(String::as_str), Some("none"));
        assert_eq!(s.log_level.get().map(String::as_str), Some("debug"));
        assert_eq!(s.debug.get(), Some(&true));
        assert_eq!(s.experimental.get(), Some(&true));
        assert_eq!(s.log_opts[0].get(), Some(&("max-size".to_string(), "10m".to_string())));
        assert_eq!(
            s.default_ulimits[0].get().map(String::as_str),
            Some("nofile=1024:64000")
        );
        assert_eq!(s.storage_driver.get().map(String::as_str), Some("overlay2"));
        assert_eq!(s.cgroup_parent.get().map(String::as_str), Some("docker.slice"));
        // `proxies` is flattened for conflict checks, as dockerd does; `log-opts` is not.
        assert_eq!(s.origin_of("http-proxy"), Some(KeyOrigin::File));
        assert_eq!(s.origin_of("max-size"), None);
        assert!(s.rootless.value.is_unknown());
        assert_eq!(slice(text, &s.origin), "{");
        assert!(!s.has_unknown_settings);
    }

    #[test]
    fn missing_keys_are_unset_at_the_opening_brace() {
        let text = "  {\"log-driver\": \"json-file\"}\n";
        let (s, errors) = lower_daemon_json(FileId(0), text);
        assert!(errors.is_empty());
        assert!(s.icc.value.is_unset() && s.live_restore.value.is_unset() && s.userns_remap.value.is_unset());
        assert_eq!(s.icc.at.as_text().unwrap().1, TextRange::new(2, 3));
        assert!(s.hosts.is_empty());
    }

    #[test]
    fn invalid_json_is_a_located_error_and_leaves_everything_unknown() {
        for (text, at) in [
            ("{\n  \"icc\": false,\n}\n", ","),
            ("{\"icc\": false // no comments\n}", "// no comments"),
            ("{'icc': false}", "'"),
            ("{\"icc\": false} {}", "{"),
            ("{\"icc\": tru}", "tru"),
        ] {
            let (s, errors) = lower_daemon_json(FileId(0), text);
            assert_eq!(errors.len(), 1, "{text}");
            assert_eq!(errors[0].range.slice(text), at, "{text}: {:?}", errors[0]);
            assert!(s.icc.value.is_unknown() && s.has_unknown_settings, "{text}");
        }
        let (s, errors) = lower_daemon_json(FileId(0), "[\"hosts\"]");
        assert!(errors[0].message.contains("JSON object"));
        assert!(s.live_restore.value.is_unknown());
    }

    #[test]
    fn wrong_types_are_errors_at_the_value() {
        let text =
            r#"{"icc": "false", "hosts": "tcp://0.0.0.0:2375", "insecure-registries": [1], "live-restore": null}"#;
        let (s, errors) = lower_daemon_json(FileId(0), text);
        let messages: Vec<(&str, &str)> = errors
            .iter()
            .map(|e| (e.range.slice(text), e.message.as_str()))
            .collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert_eq!(messages[0].0, "\"false\"");
        assert!(messages[0].1.contains("`icc` must be true or false, not a string"));
        assert!(s.icc.value.is_unknown());
        assert!(s.hosts[0].value.is_unknown());
        assert!(s.insecure_registries[0].value.is_unknown());
        // `null` keeps Docker's default, but the key is present (a flag would conflict).
        assert!(s.live_restore.value.is_unset());
        assert!(s.key("live-restore").is_some());
    }

    #[test]
    fn empty_files_byte_order_marks_and_budgets() {
        let (s, errors) = lower_daemon_json(FileId(0), "  \n");
        assert!(errors.is_empty() && s.icc.value.is_unset());
        let text = "\u{feff}{\"icc\": false}";
        let (s, errors) = lower_daemon_json(FileId(0), text);
        assert!(errors.is_empty());
        assert_eq!(slice(text, &s.icc.at), "\"icc\": false");
        // Ranges are bytes, also after multi-byte characters.
        let text = "{\"labels\": [\"é=ü\"], \"icc\": false}";
        let (s, _) = lower_daemon_json(FileId(0), text);
        assert_eq!(slice(text, &s.icc.at), "\"icc\": false");
        let huge = format!("{{\"labels\": [\"{}\"]}}", "x".repeat(MAX_DAEMON_JSON_BYTES));
        let (s, errors) = lower_daemon_json(FileId(0), &huge);
        assert_eq!(errors.len(), 1);
        assert!(s.icc.value.is_unknown());
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let (_, errors) = lower_daemon_json(FileId(0), &deep);
        assert_eq!(errors.len(), 1, "nesting is capped, not a stack overflow");
    }

    #[test]
    fn a_later_duplicate_key_wins_as_in_go() {
        let (s, _) = lower_daemon_json(FileId(0), r#"{"icc": true, "icc": false}"#);
        assert_eq!(s.icc.get(), Some(&false));
    }
}
