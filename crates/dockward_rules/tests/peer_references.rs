//! Every peer id the research catalog lists for a concern is referenced by a dockward rule
//! (so `# hadolint ignore=…`, `# checkov:skip=…`, `# kics-scan ignore-line` and `--select`
//! by peer id work for all of them), unless it is excluded below with the reason.
//!
//! The catalog is the team's research notes (`shared/research/rules.md`, next to the
//! corpus), section 2, the concern matrix. Without it the test says so and skips: it is
//! reference material, not test data.

use std::collections::BTreeSet;

/// Ids listed for a concern that no dockward rule means, and why.
const EXCLUDED: &[(&str, &str)] = &[
    ("dockle:CIS-DI-0003", "dockle documents it but does not implement it"),
    (
        "dockle:CIS-DI-0004",
        "vulnerability scanning: a separate command, not a rule",
    ),
    (
        "dockle:CIS-DI-0005",
        "content trust is checked by `dockward host` (DW9xx), not per image",
    ),
    (
        "dockle:DKL-DI-0002",
        "VOLUME on system directories: not implemented yet",
    ),
    ("trivy:DS-0030", "WORKDIR on system directories: not implemented yet"),
    ("checkov:CKV2_DOCKER_17", "chpasswd in RUN: not implemented yet"),
    (
        "hadolint:DL1001",
        "a check on inline pragmas themselves; dockward reports unused ones instead (DW003)",
    ),
    (
        "kics:0008c003-79aa-42d8-95b8-1c2fe37dbfe6",
        "merge consecutive RUN/ADD/COPY: not implemented",
    ),
    (
        "kics:68a51e22-ae5a-4d48-8e87-b01a323605c9",
        "unnamed stages: style, not implemented",
    ),
    (
        "kics:610e266e-6c12-4bca-9925-1ed0cd29742b",
        "security_opt absent: dockward reports disabled profiles (DW306) and missing no-new-privileges (DW305) instead of absence itself",
    ),
    (
        "kics:4d9f44c6-2f4a-4317-9bb5-267adbea0232",
        "cgroup_parent set: not implemented",
    ),
    (
        "kics:baa452f0-1f21-4a25-ace5-844e7a5f410d",
        "a volume mounted in several containers: not implemented",
    ),
    (
        "kics:8c978947-0ff6-485c-b0c2-0bfca6026466",
        "volumes shared between services: not implemented",
    ),
    (
        "kics:aa93e17f-b6db-4162-9334-c70334e7ac28",
        "`--chown` on COPY: KICS flags its presence; dockward does not consider it a weakness",
    ),
];

fn catalog() -> Option<String> {
    let corpus = match std::env::var_os("DOCKWARD_CORPUS") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"),
    };
    let path = corpus.join("../research/rules.md");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            eprintln!("SKIPPED: research catalog {}: {e}", path.display());
            None
        }
    }
}

/// Peer ids in the concern matrix (section 2), in dockward's reference spelling.
fn catalog_ids(text: &str) -> BTreeSet<String> {
    let start = text.find("| Concern | Sev |").expect("the concern matrix");
    let rest = &text[start..];
    let matrix = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
    let mut ids = BTreeSet::new();
    for token in matrix.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == ':')) {
        let id = if let Some(uuid) = token.strip_prefix("kics:") {
            (uuid.len() == 36).then(|| format!("kics:{uuid}"))
        } else if token.len() == 6 && token.starts_with("DL") && token[2..].bytes().all(|b| b.is_ascii_digit()) {
            Some(format!("hadolint:{token}"))
        } else if token.starts_with("DS-") && token.len() == 7 {
            Some(format!("trivy:{token}"))
        } else if token.starts_with("CKV_DOCKER_") || token.starts_with("CKV2_DOCKER_") {
            Some(format!("checkov:{token}"))
        } else if (token.starts_with("CIS-DI-") || token.starts_with("DKL-DI-") || token.starts_with("DKL-LI-"))
            && token.len() == 11
        {
            Some(format!("dockle:{token}"))
        } else {
            None
        };
        ids.extend(id);
    }
    ids
}

#[test]
fn every_catalogued_peer_id_is_referenced_or_excluded_with_a_reason() {
    let Some(text) = catalog() else { return };
    let ids = catalog_ids(&text);
    assert!(ids.len() > 150, "the catalog parsed to only {} ids", ids.len());
    let referenced: BTreeSet<&str> = dockward_rules::all_rules()
        .iter()
        .flat_map(|r| r.references.iter().copied())
        .collect();
    let excluded: BTreeSet<&str> = EXCLUDED.iter().map(|(id, _)| *id).collect();
    let missing: Vec<&String> = ids
        .iter()
        .filter(|id| !referenced.contains(id.as_str()) && !excluded.contains(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "peer ids neither referenced nor excluded: {missing:?}"
    );
    // An exclusion that a rule now references is stale.
    let stale: Vec<&&str> = excluded.iter().filter(|id| referenced.contains(**id)).collect();
    assert!(stale.is_empty(), "excluded but referenced: {stale:?}");
}
