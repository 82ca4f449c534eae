//! The host (`dockward host`): host rules on its `HostSpec`, then configuration.

use dockward_core::{Finding, Provenance, Settings, SourceDb};
use dockward_model::host::HostSpec;
use dockward_rules::host::check_host as run_host_rules;
use std::path::PathBuf;

/// Runs the enabled host rules, drops findings of rules ignored for their path, applies
/// severity overrides, and sorts by place then code. There are no pragmas: host files are
/// not dockward's to annotate.
///
/// `per-path-ignores` patterns match host paths as if the host's `/` were the folder of the
/// configuration file: `"/etc/docker/certs.d/**"` (anchored) or `"*.key"` (any depth).
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
        .filter(|f| {
            // Patterns are read relative to the configuration's folder: put the host's `/`
            // there.
            let as_configured = settings.root.join(path_of(f).strip_prefix("/").unwrap_or(&path_of(f)));
            settings.is_enabled(f.rule)
                && settings.keeps_confidence(f.confidence)
                && !settings.is_ignored_for(f.rule, &as_configured)
        })
        .map(|mut f| {
            f.severity = settings.severity_override(f.rule).unwrap_or(f.severity);
            f
        })
        .collect();
    out.sort_by_cached_key(|f| (path_of(f), f.at.clone(), f.rule.code, f.message.clone()));
    out
}
