use crate::declare_rule;
use crate::host::HostCx;
use dockward_core::Finding;
use dockward_model::Known;
use dockward_model::host::content_trust_enabled;

declare_rule! {
    /// ## What it does
    /// Reports that Docker Content Trust is off: `DOCKER_CONTENT_TRUST` is not set, is
    /// empty, or is a false value (`0`, `false`). It is read from the environment
    /// dockward runs in when it audits the machine it runs on, else from the host's
    /// `/etc/environment`.
    ///
    /// ## Why is this bad?
    /// With content trust on, the docker CLI pulls, runs and builds from only images whose
    /// tags are signed (Notary v1 signatures), and pushes sign them. Off, a tag is
    /// whatever the registry serves: a compromised registry or account, or a typo-squatted
    /// name, runs on the host unverified. Content trust covers only registries with a
    /// Notary service and only images signed that way; where images are signed otherwise
    /// (cosign, Notation), verify with those tools and suppress this rule.
    ///
    /// ## Example
    /// ```console
    /// $ env | grep DOCKER_CONTENT_TRUST
    /// DOCKER_CONTENT_TRUST=0
    /// ```
    ///
    /// Use instead:
    /// ```console
    /// $ env | grep DOCKER_CONTENT_TRUST
    /// DOCKER_CONTENT_TRUST=1
    /// ```
    /// set for every login in `/etc/environment`.
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.5: Content trust for Docker is enabled
    /// - <https://docs.docker.com/engine/security/trust/>
    pub static META = {
        code: "DW908",
        name: "host-content-trust-disabled",
        category: Host,
        severity: Low,
        summary: "the docker CLI pulls and runs images without checking signatures",
        references: ["cis-1.6:4.5", "cwe:494"],
        fix: None,
        models: [Host],
    };
}

pub fn check(cx: &HostCx<'_>, out: &mut Vec<Finding>) {
    let trust = &cx.spec.content_trust;
    let how = match &trust.value {
        Known::Set(value) if content_trust_enabled(value) => return,
        Known::Set(value) if value.is_empty() => "is empty".to_string(),
        Known::Set(value) => format!("is `{value}`"),
        Known::Unset => "is not set".to_string(),
        Known::Unknown => return,
    };
    out.push(
        Finding::new(
            &META,
            trust.at.clone(),
            format!(
                "`DOCKER_CONTENT_TRUST` {how}: the docker CLI pulls and runs images without checking their signatures"
            ),
        )
        .with_help(
            "set `DOCKER_CONTENT_TRUST=1` for every login in /etc/environment (CIS Docker Benchmark 1.6.0, 4.5)",
        ),
    );
}
