//! The host (`dockward host`): host rules on its `HostSpec`, then configuration.

use dockward_core::{Finding, Provenance, Settings, SourceDb};
use dockward_model::host::HostSpec;
use dockward_rules::host::check_host as run_host_rules;
use std::path::PathBuf;

/// Runs the enabled host rules, drops findings of rules ignored for their path
/// (`per-path-ignores` match the host path, `/etc/docker/certs.d/**`), applies severity
/// overrides, and sorts by place then code. There are no pragmas: host files are not
/// dockward's to annotate.
pub fn check_host(spec: &HostSpec, settings: &Settings, sources: &SourceDb) -> Vec<Finding> {
    let mut findings = Vec::new();
    run_host_rules(spec, settings, &mut findings);
    let path_of = |f: &Finding| -> PathBuf {
        match &f.at {
            Provenance::Host { path, .. } => PathBuf::from(path),
            Provenance::Text { file, .. } => sources.get(*file).map(|s| s.path.clone()).unwrap_or_default(),
            _ => PathBuf::new(),
        }
    };
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| settings.is_enabled(f.rule) && !settings.is_ignored_for(f.rule, &path_of(f)))
        .map(|mut f| {
            f.severity = settings.severity_override(f.rule).unwrap_or(f.severity);
            f
        })
        .collect();
    out.sort_by_cached_key(|f| (path_of(f), f.at.clone(), f.rule.code, f.message.clone()));
    out
}
