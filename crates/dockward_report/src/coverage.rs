//! Which rules ran: what lets a report say "passed" rather than only "nothing found".
//!
//! A rule runs on the inputs that produce the models it reads (a Dockerfile rule on
//! Dockerfiles, a container rule on Compose services, `docker run` lines and live
//! containers). The command knows what it read; the settings know what is enabled.

use dockward_core::{ModelKind, RuleMeta};

#[derive(Clone, Debug, Default)]
pub struct Coverage {
    /// Rules that were enabled and had at least one input they read.
    pub ran: Vec<&'static RuleMeta>,
    /// The models the inputs produced.
    pub models: Vec<ModelKind>,
}

impl Coverage {
    /// The rules among `rules` that `enabled` accepts and that read one of `models`.
    pub fn new(rules: &[&'static RuleMeta], enabled: impl Fn(&RuleMeta) -> bool, models: &[ModelKind]) -> Self {
        let ran = rules
            .iter()
            .copied()
            .filter(|r| enabled(r) && r.models.iter().any(|m| models.contains(m)))
            .collect();
        Self {
            ran,
            models: models.to_vec(),
        }
    }

    pub fn did_run(&self, code: &str) -> bool {
        self.ran.iter().any(|r| r.code == code)
    }
}
