//! Rule metadata: the data every rule declares and every output prints from.

use crate::{Category, Severity};
use serde::Serialize;

/// Whether and how a rule can fix what it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

/// The models a rule reads; the driver runs a rule only on the sources that produce them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModelKind {
    /// A parsed Dockerfile: stages, instructions, resolved ARG/ENV, parsed RUN shell.
    Build,
    /// A built image: configuration, history, merged layer files (`dockward image`).
    Image,
    /// What a container will run with: Compose services, `docker run` lines.
    Container,
    /// A Compose project's services and networks.
    Topology,
    /// How the Docker daemon is configured: `daemon.json`, dockerd flags.
    Daemon,
    /// The host dockerd runs on: file owners and modes, the docker group, audit rules.
    Host,
    /// dockward's own inputs (syntax errors, suppressions).
    Meta,
    /// Installed packages (a folder's or an image's inventory) matched against the
    /// vulnerability database.
    Packages,
}

/// Everything dockward knows about a rule except its detector.
///
/// `references` name equivalent checks as `scheme:id` strings: `cis:5.4`, `cwe:250`,
/// `hadolint:DL3002`, `trivy:DS-0002`, `checkov:CKV_DOCKER_3`, `kics:<uuid>`,
/// `dockle:CIS-DI-0001`. Peer ids double as suppression aliases, so a user's
/// `# hadolint ignore=DL3002` silences the equivalent dockward rule.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    /// Stable code, never reused (`DW101`).
    pub code: &'static str,
    /// Kebab-case name (`final-stage-runs-as-root`).
    pub name: &'static str,
    pub category: Category,
    /// Default severity; configuration may override it.
    pub severity: Severity,
    /// One sentence: what is wrong.
    pub summary: &'static str,
    /// Markdown with the sections What it does / Why is this bad? / Example / Fix / References.
    #[serde(skip)]
    pub explanation: &'static str,
    pub references: &'static [&'static str],
    pub fix: FixAvailability,
    pub models: &'static [ModelKind],
    /// Off unless selected in configuration (e.g. digest pinning, label schemas).
    pub opt_in: bool,
}

impl RuleMeta {
    /// Whether `id` names this rule: its code, its name, or a peer, CWE or CIS id in its
    /// references, in any of the forms [`crate::ids`] reads (`DL3002`, `DS002`,
    /// `AVD-DS-0002`, `cis-1.6:5.5`…), compared without case.
    pub fn answers_to(&self, id: &str) -> bool {
        crate::ids::answers_to(self, id)
    }

    /// The peer ids of one scheme (`"hadolint"` → `["DL3002"]`).
    pub fn peer_ids<'a>(&'a self, scheme: &'a str) -> impl Iterator<Item = &'static str> + 'a {
        self.references.iter().filter_map(move |reference| {
            let (s, id) = reference.split_once(':')?;
            (s == scheme).then_some(id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static META: RuleMeta = RuleMeta {
        code: "DW101",
        name: "final-stage-runs-as-root",
        category: Category::Image,
        severity: Severity::High,
        summary: "s",
        explanation: "",
        references: &["hadolint:DL3002", "trivy:DS-0002", "checkov:CKV_DOCKER_3"],
        fix: FixAvailability::None,
        models: &[ModelKind::Build],
        opt_in: false,
    };

    #[test]
    fn answers_to_code_name_and_peer_ids() {
        for id in [
            "DW101",
            "dw101",
            "final-stage-runs-as-root",
            "DL3002",
            "CKV_DOCKER_3",
            "DS-0002",
            "DS002",
            "AVD-DS-0002",
        ] {
            assert!(META.answers_to(id), "{id}");
        }
        assert!(!META.answers_to("DL3003"));
        assert_eq!(META.peer_ids("hadolint").collect::<Vec<_>>(), ["DL3002"]);
    }
}
