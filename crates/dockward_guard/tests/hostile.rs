//! Whatever reaches the socket, the guard answers and does not panic; whatever a body holds,
//! an examined call is decided (allowed only when clean, or when unparsable bodies are
//! allowed).

use base64::Engine as _;
use dockward_core::Settings;
use dockward_guard::http::{Limits, ReadOutcome, read_request};
use dockward_guard::{AuthZRequest, Mode, Policy, Verdict, decide};
use proptest::prelude::*;
use std::io::BufReader;

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::Bool),
        any::<i64>().prop_map(|n| serde_json::json!(n)),
        "[a-zA-Z0-9/:=~._ \n\u{1b}-]{0,12}".prop_map(serde_json::Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("HostConfig".to_string()),
            Just("Privileged".to_string()),
            Just("Binds".to_string()),
            Just("Mounts".to_string()),
            Just("CapAdd".to_string()),
            Just("PortBindings".to_string()),
            Just("Env".to_string()),
            Just("User".to_string()),
            Just("Image".to_string()),
            Just("TaskTemplate".to_string()),
            Just("ContainerSpec".to_string()),
            "[A-Za-z/~]{1,6}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(keys, inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_on_the_socket_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let limits = Limits { max_body_bytes: 256, max_head_bytes: 256, ..Limits::default() };
        match read_request(&mut BufReader::new(&bytes[..]), &limits) {
            ReadOutcome::Request(r) => prop_assert!(r.body.len() <= 256),
            ReadOutcome::Closed | ReadOutcome::TooLarge { .. } | ReadOutcome::Bad(_) => {}
        }
    }

    #[test]
    fn any_body_of_an_examined_call_is_decided(
        body in arbitrary_json(),
        uri in prop_oneof![
            Just("/v1.41/containers/create?name=x"),
            Just("/v1.41/containers/c/exec"),
            Just("/v1.41/containers/c/update"),
            Just("/v1.23/containers/c/start"),
            Just("/v1.41/services/create"),
            Just("/v1.41/services/s/update"),
        ],
    ) {
        let request = AuthZRequest {
            method: "POST".to_string(),
            uri: uri.to_string(),
            body: base64::engine::general_purpose::STANDARD.encode(body.to_string()),
            ..AuthZRequest::default()
        };
        let d = decide(&Policy::new(Settings::default(), Mode::Enforce), &request);
        match &d.verdict {
            Verdict::Clean | Verdict::PassThrough => prop_assert!(d.response.allow),
            Verdict::Findings | Verdict::MissingBody | Verdict::Unparsable(_) => {
                prop_assert!(!d.response.allow);
                prop_assert!(d.response.msg.starts_with("dockward: "));
                prop_assert!(!d.response.msg.chars().any(|c| c.is_control() && c != '\n'));
            }
        }
    }
}
