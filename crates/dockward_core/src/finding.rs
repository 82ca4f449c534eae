//! A finding: one rule broken at one place.

use crate::{Confidence, Fix, Provenance, RuleMeta, Severity};

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    /// Effective severity: the rule's default unless configuration overrode it.
    pub severity: Severity,
    pub message: String,
    pub at: Provenance,
    pub fix: Option<Fix>,
    /// Extra lines shown under the frame (`help: …`).
    pub help: Option<String>,
    /// Other places the finding concerns: for drift, the Compose service a live container
    /// was started from. Emitters show them after the main location.
    pub related: Vec<Provenance>,
    /// How sure the rule is (`Low`: it depends on something the scan could not see).
    pub confidence: Confidence,
}

impl Finding {
    pub fn new(rule: &'static RuleMeta, at: Provenance, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: rule.severity,
            message: message.into(),
            at,
            fix: None,
            help: None,
            related: Vec::new(),
            confidence: Confidence::High,
        }
    }

    #[must_use]
    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    #[must_use]
    pub fn with_related(mut self, at: Provenance) -> Self {
        self.related.push(at);
        self
    }

    #[must_use]
    pub fn with_confidence(mut self, confidence: Confidence) -> Self {
        self.confidence = confidence;
        self
    }

    #[must_use]
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
