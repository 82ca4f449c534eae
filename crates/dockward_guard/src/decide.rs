//! The decision on one `AuthZReq`: classify the call, lower its body, run the runtime rules
//! with the project's settings, and allow or deny.
//!
//! Fail closed: a call that carries a body but shows none is denied (CVE-2024-41110), and a
//! body the guard cannot read is denied unless the policy says otherwise. Calls the guard
//! does not examine are allowed untouched.

use crate::classify::{Action, classify};
use crate::lowering::lower_request;
use crate::protocol::{AuthZRequest, AuthZResponse};
use dockward_core::{Finding, Provenance, Settings, Severity};
use dockward_report::one_line;
use std::fmt::Write as _;

/// Whether denials are enforced or only logged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Deny requests with findings at or above the threshold.
    Enforce,
    /// Allow everything; log what enforcement would have decided.
    Audit,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Enforce => "enforce",
            Mode::Audit => "audit",
        }
    }
}

/// What the guard decides and how.
pub struct Policy {
    /// The project's settings: enabled rules, severity overrides, allowed capabilities,
    /// trusted registries; `fail_on` is the deny threshold.
    pub settings: Settings,
    pub mode: Mode,
    /// Allow (instead of deny) a body that cannot be parsed or lowered.
    pub allow_unparsable: bool,
}

impl Policy {
    pub fn new(settings: Settings, mode: Mode) -> Self {
        Policy {
            settings,
            mode,
            allow_unparsable: false,
        }
    }

    pub fn threshold(&self) -> Severity {
        self.settings.fail_on
    }
}

/// Why a request was judged as it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Not a call the guard examines.
    PassThrough,
    /// Examined: nothing at or above the threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
    /// A call that carries a body arrived with none.
    MissingBody,
    /// The body could not be decoded, parsed or lowered.
    Unparsable(String),
}

/// The outcome of one request.
pub struct Decision {
    pub action: Action,
    /// What enforcement decides (in audit mode, what it would have decided).
    pub allow: bool,
    pub verdict: Verdict,
    /// Every finding on the request, sorted; those at or above the threshold block.
    pub findings: Vec<Finding>,
    /// The object findings name (`create request web`), when the body was lowered.
    pub object: Option<String>,
    /// What dockerd is told.
    pub response: AuthZResponse,
}

impl Decision {
    /// Whether the request was examined (and belongs in the audit log).
    pub fn examined(&self) -> bool {
        self.verdict != Verdict::PassThrough
    }
}

/// At most this many findings are listed in a denial message (all are in the audit log).
const MAX_LISTED: usize = 20;

/// Decides one `AuthZReq`.
pub fn decide(policy: &Policy, request: &AuthZRequest) -> Decision {
    let action = classify(&request.method, &request.uri);
    let mut decision = Decision {
        action,
        allow: true,
        verdict: Verdict::PassThrough,
        findings: Vec::new(),
        object: None,
        response: AuthZResponse::allow(),
    };
    if decision.action == Action::Other {
        return decision;
    }
    let what = describe(&decision.action);
    let body = match request.decoded_body() {
        Ok(body) => body,
        Err(e) => return unparsable(policy, decision, &what, e),
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        if !decision.action.needs_body() && !announces_body(request) {
            // A call that may go without a body (a legacy start) went without one.
            return decision;
        }
        decision.verdict = Verdict::MissingBody;
        return finish(
            policy,
            decision,
            format!(
                "dockward: {what} refused: its body was not shown to the authorization plugin \
                 (a body without Content-Type: application/json, or an empty one; CVE-2024-41110)"
            ),
        );
    }
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(value) => value,
        Err(e) => return unparsable(policy, decision, &what, format!("its body is not valid JSON: {e}")),
    };
    let spec = match lower_request(&decision.action, &value) {
        Some(Ok(spec)) => spec,
        Some(Err(e)) => return unparsable(policy, decision, &what, e.0),
        None => return decision,
    };
    if let Provenance::Engine { object, .. } = &spec.origin {
        decision.object = Some(object.clone());
    }
    decision.findings = dockward_driver::check_containers(std::slice::from_ref(&spec), &policy.settings);
    let threshold = policy.threshold();
    let mut blocking: Vec<&Finding> = decision.findings.iter().filter(|f| f.severity >= threshold).collect();
    // The worst first: a long list may be cut.
    blocking.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.code.cmp(b.rule.code)));
    if blocking.is_empty() {
        decision.verdict = Verdict::Clean;
        return decision;
    }
    decision.verdict = Verdict::Findings;
    let mut msg = format!(
        "dockward: {what} refused: {} finding{} at or above {}:",
        blocking.len(),
        if blocking.len() == 1 { "" } else { "s" },
        threshold.as_str()
    );
    for f in blocking.iter().take(MAX_LISTED) {
        let _ = write!(
            msg,
            "\n  {} ({}, {}) {}",
            f.rule.code,
            f.severity.as_str(),
            f.rule.name,
            one_line(&f.message)
        );
        if let Provenance::Engine { pointer, .. } = &f.at
            && !pointer.is_empty()
        {
            let _ = write!(msg, " [{}]", one_line(pointer));
        }
    }
    if blocking.len() > MAX_LISTED {
        let _ = write!(msg, "\n  … and {} more", blocking.len() - MAX_LISTED);
    }
    finish(policy, decision, msg)
}

/// Whether the forwarded headers say a body was sent (dockerd passes them on, less the
/// credentials): a body the plugin was not shown.
fn announces_body(request: &AuthZRequest) -> bool {
    request.headers.iter().any(|(name, value)| {
        (name.eq_ignore_ascii_case("content-length") && value.trim().parse::<u64>().is_ok_and(|n| n > 0))
            || name.eq_ignore_ascii_case("transfer-encoding")
    })
}

/// "container create `web`", for messages.
fn describe(action: &Action) -> String {
    match action {
        Action::ContainerCreate { name: Some(name) } if !name.is_empty() => {
            format!("container create `{}`", one_line(name))
        }
        Action::ContainerCreate { .. } => "container create".to_string(),
        Action::ExecCreate { container } => format!("exec in `{}`", one_line(container)),
        Action::ContainerUpdate { container } => format!("update of `{}`", one_line(container)),
        Action::LegacyStart { container } => format!("start of `{}`", one_line(container)),
        Action::ServiceCreate => "service create".to_string(),
        Action::ServiceUpdate { service } => format!("update of service `{}`", one_line(service)),
        Action::Other => "request".to_string(),
    }
}

fn unparsable(policy: &Policy, mut decision: Decision, what: &str, why: String) -> Decision {
    let why = one_line(&why).into_owned();
    let msg = format!("dockward: {what} refused: {why}");
    decision.verdict = Verdict::Unparsable(why);
    if policy.allow_unparsable {
        return decision;
    }
    finish(policy, decision, msg)
}

/// A denial: enforced, or in audit mode only recorded.
fn finish(policy: &Policy, mut decision: Decision, msg: String) -> Decision {
    decision.allow = false;
    decision.response = match policy.mode {
        Mode::Enforce => AuthZResponse::deny(msg),
        Mode::Audit => AuthZResponse::allow(),
    };
    decision
}
