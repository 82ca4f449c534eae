//! Which Compose project and service a live container was started from.
//!
//! Both `docker compose` (v2) and the Python `docker-compose` (1.x) label the containers
//! they create: `com.docker.compose.project`, `.service`, `.project.working_dir` and
//! `.project.config_files` (the `-f` files, comma-separated, absolute). These labels let
//! `dockward engine` find the file a container claims to come from and compare the two
//! (drift). A label is a claim, not proof: anyone can set them with `docker run --label`,
//! so a file that cannot be read or has no such service is reported, never trusted blindly.

use serde_json::Value;
use std::path::{Path, PathBuf};

const PROJECT: &str = "com.docker.compose.project";
const SERVICE: &str = "com.docker.compose.service";
const WORKING_DIR: &str = "com.docker.compose.project.working_dir";
const CONFIG_FILES: &str = "com.docker.compose.project.config_files";
const ONE_OFF: &str = "com.docker.compose.oneoff";

/// Bounds on what labels may claim: a hostile label must not make dockward read many files.
const MAX_CONFIG_FILES: usize = 16;

/// The Compose origin a container's labels claim.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ComposeLabels {
    pub project: String,
    pub service: String,
    /// Paths of the Compose files, in `-f` order, made absolute against the working
    /// directory when written relative; empty when the label is missing (very old Compose
    /// versions did not write it).
    pub config_files: Vec<PathBuf>,
    pub working_dir: Option<PathBuf>,
    /// `docker compose run` containers: one-off commands whose flags may legitimately
    /// differ from the service definition (`--service-ports`, `--user`).
    pub one_off: bool,
}

/// The files, directory and name that identify a project to load: containers of the same
/// project share them, so the project is loaded once.
pub type ProjectKey = (Vec<PathBuf>, Option<PathBuf>, String);

impl ComposeLabels {
    pub fn project_key(&self) -> ProjectKey {
        (
            self.config_files.clone(),
            self.working_dir.clone(),
            self.project.clone(),
        )
    }
}

/// The Compose labels of a container inspect document, when it has the project and
/// service labels.
pub fn compose_labels(inspect: &Value) -> Option<ComposeLabels> {
    let labels = inspect.pointer("/Config/Labels")?.as_object()?;
    let text = |key: &str| {
        labels
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
    };
    let project = text(PROJECT)?.to_string();
    let service = text(SERVICE)?.to_string();
    let working_dir = text(WORKING_DIR).map(PathBuf::from);
    // Compose v2 writes absolute paths; the Python docker-compose 1.x writes them as given
    // on its command line, relative to the working directory (which it writes absolute).
    let resolve = |file: &str| match &working_dir {
        Some(dir) if Path::new(file).is_relative() => dir.join(file),
        _ => PathBuf::from(file),
    };
    let config_files = text(CONFIG_FILES)
        .map(|files| {
            files
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .take(MAX_CONFIG_FILES)
                .map(resolve)
                .collect()
        })
        .unwrap_or_default();
    Some(ComposeLabels {
        project,
        service,
        config_files,
        working_dir,
        one_off: text(ONE_OFF).is_some_and(|v| v.eq_ignore_ascii_case("true")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_of_a_compose_container_are_read() {
        let inspect = json!({"Config": {"Labels": {
            "com.docker.compose.project": "shop",
            "com.docker.compose.service": "web",
            "com.docker.compose.project.working_dir": "/srv/shop",
            "com.docker.compose.project.config_files": "/srv/shop/compose.yaml,/srv/shop/compose.prod.yaml",
            "com.docker.compose.oneoff": "False"
        }}});
        let labels = compose_labels(&inspect).unwrap();
        assert_eq!(labels.project, "shop");
        assert_eq!(labels.service, "web");
        assert_eq!(
            labels.config_files,
            [
                PathBuf::from("/srv/shop/compose.yaml"),
                PathBuf::from("/srv/shop/compose.prod.yaml")
            ]
        );
        assert_eq!(labels.working_dir, Some(PathBuf::from("/srv/shop")));
        assert!(!labels.one_off);

        // docker-compose 1.x: files relative to the working directory.
        let inspect = json!({"Config": {"Labels": {
            "com.docker.compose.project": "shop",
            "com.docker.compose.service": "web",
            "com.docker.compose.project.working_dir": "/srv/shop",
            "com.docker.compose.project.config_files": "compose.yaml"
        }}});
        let labels = compose_labels(&inspect).unwrap();
        assert_eq!(labels.config_files, [PathBuf::from("/srv/shop/compose.yaml")]);
    }

    #[test]
    fn containers_without_project_and_service_labels_have_no_compose_origin() {
        assert_eq!(compose_labels(&json!({"Config": {"Labels": null}})), None);
        assert_eq!(
            compose_labels(&json!({"Config": {"Labels": {"com.docker.compose.project": "x"}}})),
            None
        );
        let many = vec!["/f"; 100].join(",");
        let inspect = json!({"Config": {"Labels": {
            "com.docker.compose.project": "p", "com.docker.compose.service": "s",
            "com.docker.compose.project.config_files": many}}});
        assert_eq!(compose_labels(&inspect).unwrap().config_files.len(), MAX_CONFIG_FILES);
    }
}
