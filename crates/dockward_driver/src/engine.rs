//! Objects that are not in a file: live containers and the daemon from the engine (and,
//! later, the containers an enforcement plugin is asked to create). Their specs come lowered by the
//! engine adapter; the container rules run on them unchanged.

use dockward_core::{Finding, Settings};
use dockward_model::container::ContainerSpec;
use dockward_model::daemon::DaemonSpec;
use dockward_rules::check_container;
use dockward_rules::daemon::check_daemon;

/// Runs the enabled container rules on each spec, then applies the configuration as
/// [`crate::finish`] does for a file: disabled rules are dropped and severity overrides
/// applied. Per-path ignores and suppression comments do not apply: an engine object has
/// no path and no comments. Findings come sorted by object, JSON pointer and rule code,
/// so each container's findings are together and the output is deterministic.
pub fn check_containers(specs: &[ContainerSpec], settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for spec in specs {
        check_container(spec, settings, &mut findings);
    }
    configure(findings, settings)
}

/// A live container and, when its Compose labels led to its service in a readable Compose
/// file, the service as declared there.
pub struct LiveContainer {
    pub spec: ContainerSpec,
    pub declared: Option<ContainerSpec>,
}

/// [`check_containers`] for live containers: a finding that the container's Compose service
/// does not produce is drift, reported once with the service as its related place.
pub fn check_live_containers(containers: &[LiveContainer], settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    for container in containers {
        let mut mine = Vec::new();
        check_container(&container.spec, settings, &mut mine);
        if let Some(declared) = &container.declared {
            crate::drift::mark_drift(&container.spec, declared, settings, &mut mine);
        }
        findings.append(&mut mine);
    }
    configure(findings, settings)
}

/// Runs the enabled daemon rules on a running daemon's spec (lowered from its `/info`),
/// configured and sorted as [`check_containers`] does.
pub fn check_engine_daemon(spec: &DaemonSpec, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    check_daemon(spec, settings, &mut findings);
    configure(findings, settings)
}

/// The configuration steps for findings on engine objects: enabled rules, severity
/// overrides, then a deterministic order.
fn configure(findings: Vec<Finding>, settings: &Settings) -> Vec<Finding> {
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| settings.is_enabled(f.rule) && settings.keeps_confidence(f.confidence))
        .map(|mut f| {
            f.severity = settings.severity_override(f.rule).unwrap_or(f.severity);
            f
        })
        .collect();
    out.sort_by(|a, b| a.at.cmp(&b.at).then(a.rule.code.cmp(b.rule.code)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_core::{Provenance, Severity};
    use dockward_model::Sourced;
    use dockward_model::container::ContainerSource;
    use std::path::Path;

    fn spec(name: &str, privileged: bool) -> ContainerSpec {
        let at = |pointer: &str| Provenance::Engine {
            object: format!("container {name} (0123456789ab)"),
            pointer: pointer.to_string(),
        };
        let mut spec = ContainerSpec::unset(
            ContainerSource::Engine {
                id: "0123456789ab".to_string(),
                name: name.to_string(),
            },
            at(""),
        );
        spec.privileged = Sourced::set(privileged, at("/HostConfig/Privileged"));
        spec
    }

    fn codes(findings: &[Finding]) -> Vec<(&'static str, String)> {
        findings
            .iter()
            .map(|f| match &f.at {
                Provenance::Engine { object, pointer } => (f.rule.code, format!("{object}{pointer}")),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn rules_run_sorted_per_container_and_settings_apply() {
        let specs = [spec("web", true), spec("db", false)];
        let findings = check_containers(&specs, &Settings::default());
        let found = codes(&findings);
        let privileged = (
            "DW301",
            "container web (0123456789ab)/HostConfig/Privileged".to_string(),
        );
        assert!(found.contains(&privileged), "{found:?}");
        // `db` sorts before `web`, and each container's findings are together.
        let first_web = found.iter().position(|(_, at)| at.contains(" web ")).unwrap();
        assert!(found[..first_web].iter().all(|(_, at)| at.contains(" db ")));
        assert!(found[first_web..].iter().all(|(_, at)| at.contains(" web ")));
        assert!(found.windows(2).all(|w| w[0].1 <= w[1].1));

        let rules = dockward_rules::all_rules();
        let settings = Settings::parse(
            Path::new("dockward.toml"),
            "[rules]\nignore = [\"DW6\"]\n[rules.severity]\nDW301 = \"low\"\n",
            rules,
        )
        .unwrap();
        let findings = check_containers(&specs, &settings);
        assert!(findings.iter().all(|f| !f.rule.code.starts_with("DW6")));
        let f = findings.iter().find(|f| f.rule.code == "DW301").unwrap();
        assert_eq!(f.severity, Severity::Low);
    }
}
