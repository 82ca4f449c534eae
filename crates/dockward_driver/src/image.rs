//! Images (`dockward image`): image rules on an `ImageSpec`, then configuration.

use dockward_core::{Finding, Provenance, Settings};
use dockward_model::image::ImageSpec;
use dockward_rules::image::check_image as run_image_rules;
use std::path::PathBuf;

/// Runs the enabled image rules, drops findings of rules ignored for their path, applies
/// severity overrides, and sorts by place then code. There are no pragmas in an image.
///
/// `per-path-ignores` patterns match a file's path inside the image as if the image's `/`
/// were the folder of the configuration file (`"/usr/share/doc/**"`, `"*.pem"`);
/// configuration and history findings have no path and are matched by rule only.
pub fn check_image(spec: &ImageSpec, settings: &Settings) -> Vec<Finding> {
    let mut findings = Vec::new();
    run_image_rules(spec, settings, &mut findings);
    let path_of = |f: &Finding| -> Option<PathBuf> {
        match &f.at {
            Provenance::Image { path, .. } => Some(PathBuf::from(path.trim_start_matches('/'))),
            _ => None,
        }
    };
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| {
            settings.is_enabled(f.rule)
                && settings.keeps_confidence(f.confidence)
                && path_of(f).is_none_or(|p| !settings.is_ignored_for(f.rule, &settings.root.join(p)))
        })
        .map(|mut f| {
            f.severity = settings.severity_override(f.rule).unwrap_or(f.severity);
            f
        })
        .collect();
    // Configuration and history first (by pointer), then files by path: layer digests
    // change with every build and would make the order arbitrary.
    out.sort_by_cached_key(|f| {
        let place = match &f.at {
            Provenance::Engine { object, pointer } => (0, object.clone(), pointer.clone()),
            Provenance::Image { image, path, .. } => (1, image.clone(), path.clone()),
            other => (2, format!("{other:?}"), String::new()),
        };
        (place, f.rule.code, f.message.clone())
    });
    out
}
