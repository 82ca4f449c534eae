//! `dockward engine`'s image audit: every local image's configuration, as
//! `GET /images/{id}/json` reports it, and its build history, as `GET /images/{id}/history`
//! reports it, lowered to an `ImageSpec` without files and judged by the image rules (runs
//! as root, no healthcheck, secrets in `Env` and in recorded build arguments, sensitive
//! exposed ports, ADD of URLs, downloaded scripts run unverified). Files are
//! `dockward image`'s: reading layers means exporting the image, which is not a quick
//! read-only audit.

use dockward_core::{Finding, Settings};
use dockward_engine::{EngineClient, EngineError};
use dockward_report::RunError;
use serde_json::Value;
use std::path::PathBuf;

/// From how many images on progress is shown on standard error.
const PROGRESS_FROM: usize = 10;
/// At most this many images are audited (a build host can hold thousands of dangling
/// layers' images; the first ones by name are audited and the rest reported).
const MAX_IMAGES: usize = 5_000;

/// Audits the local images; returns how many were audited.
pub fn audit_images(
    client: &EngineClient,
    settings: &Settings,
    findings: &mut Vec<Finding>,
    errors: &mut Vec<RunError>,
    quiet: bool,
) -> usize {
    let warn = |path: String, message: String| RunError {
        path: PathBuf::from(path),
        line: None,
        message,
        is_warning: true,
    };
    let listed = match client.get_json("/images/json") {
        Ok(Value::Array(list)) => list,
        Ok(_) => return 0,
        Err(e) => {
            errors.push(warn(client.endpoint().url.clone(), format!("images not audited: {e}")));
            return 0;
        }
    };
    let mut images: Vec<(String, String)> = listed
        .iter()
        .filter_map(|image| {
            let id = image.get("Id")?.as_str()?.to_string();
            Some((image_name(image, &id), id))
        })
        .collect();
    images.sort();
    if images.len() > MAX_IMAGES {
        errors.push(warn(
            client.endpoint().url.clone(),
            format!(
                "{} images; only the first {MAX_IMAGES} by name are audited",
                images.len()
            ),
        ));
        images.truncate(MAX_IMAGES);
    }
    if images.len() >= PROGRESS_FROM && !quiet {
        eprintln!("dockward: inspecting {} images", images.len());
    }
    let mut audited = 0;
    for (name, id) in &images {
        match client.get_json(&format!("/images/{id}/json")) {
            Ok(inspect) => {
                let mut spec = dockward_model::image::lower_engine_image(&inspect, name);
                // The history is a second small read (no export): the history rules then
                // judge the build steps too.
                match client.get_json(&format!("/images/{id}/history")) {
                    Ok(history) => spec.history = dockward_engine::image_history::lower_image_history(&history, name),
                    Err(EngineError::Status { status: 404, .. }) => {}
                    Err(e) => errors.push(warn(format!("image {name}"), format!("history not audited: {e}"))),
                }
                findings.extend(dockward_driver::check_image(&spec, settings));
                audited += 1;
            }
            // Removed between the list and its inspection.
            Err(EngineError::Status { status: 404, .. }) => {}
            Err(e) => errors.push(warn(format!("image {name}"), e.to_string())),
        }
    }
    audited
}

/// The image's first tag (`acme/web:1.2`), else its first digest reference, else its
/// short id: what a user recognises.
fn image_name(image: &Value, id: &str) -> String {
    let first = |key: &str| {
        image
            .get(key)
            .and_then(Value::as_array)
            .and_then(|refs| refs.iter().filter_map(Value::as_str).find(|r| !r.starts_with("<none>")))
            .map(str::to_string)
    };
    first("RepoTags")
        .or_else(|| first("RepoDigests"))
        .unwrap_or_else(|| dockward_engine::client::short_id(id.trim_start_matches("sha256:")).to_string())
}
