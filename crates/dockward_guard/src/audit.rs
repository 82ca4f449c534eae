//! The audit log: one JSON object per examined request, one line each.
//!
//! A line holds the call, who asked (the TLS user, when there is one), what the guard
//! decided and every finding with its rule, severity and JSON pointer — never the request
//! body, so no secret value from an environment variable reaches the log.

use crate::decide::{Decision, Mode, Verdict};
use crate::protocol::AuthZRequest;
use dockward_core::{Provenance, Severity};
use serde_json::{Value, json};
use std::io::Write;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// A shared writer of JSON lines.
pub struct AuditLog {
    out: Mutex<Box<dyn Write + Send>>,
}

impl AuditLog {
    pub fn new(out: Box<dyn Write + Send>) -> Self {
        AuditLog { out: Mutex::new(out) }
    }

    /// Appends one record and flushes it (a log read while the guard runs must be complete).
    pub fn record(&self, request: &AuthZRequest, decision: &Decision, mode: Mode, threshold: Severity) {
        let mut line = record(request, decision, mode, threshold).to_string();
        line.push('\n');
        // A poisoned lock means a writer panicked mid-line; the log goes on regardless.
        let mut out = self.out.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = out.write_all(line.as_bytes()).and_then(|()| out.flush());
    }
}

/// The JSON record of one decision.
pub fn record(request: &AuthZRequest, decision: &Decision, mode: Mode, threshold: Severity) -> Value {
    let (verdict, reason) = match &decision.verdict {
        Verdict::PassThrough => ("pass-through", None),
        Verdict::Clean => ("clean", None),
        Verdict::Findings => ("findings", None),
        Verdict::MissingBody => ("missing-body", Some("the request carried no body the plugin could see")),
        Verdict::Unparsable(why) => ("unparsable", Some(why.as_str())),
    };
    let findings: Vec<Value> = decision
        .findings
        .iter()
        .map(|f| {
            let pointer = match &f.at {
                Provenance::Engine { pointer, .. } => pointer.as_str(),
                _ => "",
            };
            json!({
                "code": f.rule.code,
                "name": f.rule.name,
                "severity": f.severity.as_str(),
                "message": f.message,
                "pointer": pointer,
                "blocking": f.severity >= threshold,
            })
        })
        .collect();
    json!({
        "time": rfc3339_now(),
        "mode": mode.as_str(),
        "allowed": decision.response.allow,
        "decision": if decision.allow { "allow" } else { "deny" },
        "verdict": verdict,
        "reason": reason,
        "action": decision.action.kind(),
        "method": request.method,
        "uri": request.uri,
        "user": request.user,
        "object": decision.object,
        "threshold": threshold.as_str(),
        "findings": findings,
    })
}

/// The current UTC time as `2026-12-06T23:41:07.123Z`.
fn rfc3339_now() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = now.as_secs();
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days as i64);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_millis()
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's method).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calendar() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_793), (2026, 12, 6));
        assert_eq!(rfc3339_now().len(), "2026-12-06T23:41:07.123Z".len());
    }
}
