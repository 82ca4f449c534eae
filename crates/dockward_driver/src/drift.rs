//! Drift: a live container less safe than the Compose service it was started from.
//!
//! The comparison reuses the container rules instead of a second list of "unsafe
//! settings": the rules run on the live container and on the service as its Compose file
//! declares it, and a live finding the declared service does not produce is drift (the
//! container was started by hand with more privileges, changed with `docker update`, or
//! the file was made safer and the container never recreated). Such a finding is reported
//! once, at the live field, with the Compose service as its related place.
//!
//! For the verdicts to be comparable, the declared spec takes from the live container
//! what Compose itself never decides: the subject (so messages read the same), the image,
//! and the settings the image supplies when the file leaves them out (USER, HEALTHCHECK and
//! ENV are merged into a container's configuration by the engine at creation).

use dockward_core::{Category, Finding, Settings};
use dockward_model::container::ContainerSpec;
use dockward_rules::check_container;
use std::collections::HashSet;

/// Marks the findings of `live` (already produced by the container rules) that `declared`
/// does not produce: their message says so and they point at the service too.
pub(crate) fn mark_drift(
    live: &ContainerSpec,
    declared: &ContainerSpec,
    settings: &Settings,
    findings: &mut [Finding],
) {
    let comparable = comparable_declaration(live, declared);
    let mut expected = Vec::new();
    check_container(&comparable, settings, &mut expected);
    let expected: HashSet<(&str, &str)> = expected.iter().map(|f| (f.rule.code, f.message.as_str())).collect();
    for finding in findings.iter_mut() {
        if !is_comparable(finding) || expected.contains(&(finding.rule.code, finding.message.as_str())) {
            continue;
        }
        finding.message = format!(
            "{}; its Compose {} is declared otherwise (drift)",
            finding.message,
            declared.describe()
        );
        finding.related.push(declared.origin.clone());
        finding.help = Some(
            "the container was started or changed outside Compose, or its file changed since; \
             `docker compose up -d --force-recreate` recreates it as declared"
                .to_string(),
        );
    }
}

/// Secrets are compared by value, and a declared value interpolated from the caller's
/// environment at `up` time is unknown here: comparing them would call every such variable
/// drift. Meta findings are about dockward's input, not settings.
fn is_comparable(finding: &Finding) -> bool {
    !matches!(finding.rule.category, Category::Secrets | Category::Meta)
}

fn comparable_declaration(live: &ContainerSpec, declared: &ContainerSpec) -> ContainerSpec {
    let mut spec = declared.clone();
    spec.source = live.source.clone();
    spec.image = live.image.clone();
    spec.build = live.build.clone();
    spec.image_facts = live.image_facts.clone();
    spec.writer = None;
    if spec.user.value.is_unset() {
        spec.user = live.user.clone();
    }
    if spec.healthcheck.value.is_unset() {
        spec.healthcheck = live.healthcheck.clone();
    }
    spec.env = live.env.clone();
    spec
}

#[cfg(test)]
mod tests {
    use super::*;
    use dockward_core::{FileId, Provenance, TextRange};
    use dockward_model::Sourced;
    use dockward_model::container::ContainerSource;

    fn live(privileged: bool, cap: Option<&str>) -> ContainerSpec {
        let at = |pointer: &str| Provenance::Engine {
            object: "container shop-web-1 (0123456789ab)".to_string(),
            pointer: pointer.to_string(),
        };
        let mut spec = ContainerSpec::unset(
            ContainerSource::Engine {
                id: "0123456789ab".to_string(),
                name: "shop-web-1".to_string(),
            },
            at(""),
        );
        spec.privileged = Sourced::set(privileged, at("/HostConfig/Privileged"));
        spec.cap_add = cap
            .map(|c| Sourced::set(c.to_string(), at("/HostConfig/CapAdd/0")))
            .into_iter()
            .collect();
        spec
    }

    fn declared(cap: Option<&str>) -> ContainerSpec {
        let at = Provenance::text(FileId(7), TextRange::new(10, 14));
        let mut spec = ContainerSpec::unset(
            ContainerSource::ComposeService {
                name: "web".to_string(),
            },
            at.clone(),
        );
        spec.cap_add = cap
            .map(|c| Sourced::set(c.to_string(), at.clone()))
            .into_iter()
            .collect();
        spec
    }

    fn checked(live: &ContainerSpec, declared: &ContainerSpec) -> Vec<Finding> {
        let settings = Settings::default();
        let mut findings = Vec::new();
        check_container(live, &settings, &mut findings);
        mark_drift(live, declared, &settings, &mut findings);
        findings
    }

    fn drift(findings: &[Finding]) -> Vec<&'static str> {
        let mut codes: Vec<&str> = findings
            .iter()
            .filter(|f| !f.related.is_empty())
            .map(|f| f.rule.code)
            .collect();
        codes.sort_unstable();
        codes
    }

    #[test]
    fn settings_the_file_does_not_ask_for_are_drift_pointing_at_the_service() {
        let findings = checked(&live(true, Some("SYS_ADMIN")), &declared(None));
        assert_eq!(drift(&findings), ["DW301", "DW304"], "{findings:#?}");
        let privileged = findings.iter().find(|f| f.rule.code == "DW301").unwrap();
        assert!(
            privileged.message.ends_with("is declared otherwise (drift)"),
            "{}",
            privileged.message
        );
        assert_eq!(
            privileged.related,
            [Provenance::text(FileId(7), TextRange::new(10, 14))]
        );
        // What the file also says is an ordinary finding: no limits in either.
        let memory = findings.iter().find(|f| f.rule.code == "DW601");
        assert!(memory.is_some_and(|f| f.related.is_empty()), "{findings:#?}");
    }

    #[test]
    fn a_container_as_declared_has_no_drift() {
        assert!(drift(&checked(&live(false, Some("SYS_ADMIN")), &declared(Some("SYS_ADMIN")))).is_empty());
        // A different capability than the declared one is drift.
        assert_eq!(
            drift(&checked(&live(false, Some("SYS_PTRACE")), &declared(Some("SYS_ADMIN")))),
            ["DW304"]
        );
    }
}
