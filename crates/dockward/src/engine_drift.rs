//! `dockward engine`'s drift check: finding the Compose service each live container was
//! started from, as its labels name it, so the driver can compare the two.
//!
//! Only for a daemon on this host (a Unix socket): the paths in the labels are paths of the
//! daemon's host. Each project is loaded once, from the files its labels list, with the
//! project directory and name they give; the variables Compose took from the shell at `up`
//! time are not known here, so only the project's `.env` interpolates.

use dockward_core::{FileId, SourceDb, SourceFile};
use dockward_engine::ComposeLabels;
use dockward_engine::compose_labels::ProjectKey;
use dockward_model::compose::{ComposeErrorKind, LoadOptions};
use dockward_model::container::{ContainerSource, ContainerSpec};
use dockward_report::RunError;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The declared service of each container (by index into `labels`), loading every project
/// named once. Projects that cannot be loaded are reported as warnings: drift is then not
/// checked for their containers, which are still audited.
pub fn declared_services(
    labels: &[Option<ComposeLabels>],
    sources: &SourceDb,
    errors: &mut Vec<RunError>,
) -> Vec<Option<ContainerSpec>> {
    let mut projects: BTreeMap<ProjectKey, Option<Vec<ContainerSpec>>> = BTreeMap::new();
    for labels in labels.iter().flatten() {
        projects
            .entry(labels.project_key())
            .or_insert_with(|| load(labels, sources, errors));
    }
    labels
        .iter()
        .map(|labels| {
            let labels = labels.as_ref().filter(|l| !l.one_off)?;
            let specs = projects.get(&labels.project_key())?.as_ref()?;
            let declared = specs
                .iter()
                .find(|s| matches!(&s.source, ContainerSource::ComposeService { name } if *name == labels.service));
            if declared.is_none() {
                errors.push(warning(
                    labels,
                    format!(
                        "its labels name service `{}`, which its Compose files do not define; drift is not checked",
                        labels.service
                    ),
                ));
            }
            declared.cloned()
        })
        .collect()
}

fn load(labels: &ComposeLabels, sources: &SourceDb, errors: &mut Vec<RunError>) -> Option<Vec<ContainerSpec>> {
    if labels.config_files.is_empty() || labels.config_files.iter().any(|f| !f.is_absolute()) {
        errors.push(warning(
            labels,
            "its labels do not list its Compose files by absolute path; drift is not checked".to_string(),
        ));
        return None;
    }
    let options = LoadOptions {
        project_dir: labels.working_dir.clone(),
        project_name: Some(labels.project.clone()),
        ..LoadOptions::default()
    };
    let project = dockward_inputs::compose::load_project_files(&labels.config_files, &options);
    if let Some(error) = project.errors.iter().find(|e| e.kind == ComposeErrorKind::Io) {
        errors.push(warning(labels, format!("{}; drift is not checked", error.message)));
        return None;
    }
    let file_ids: Vec<FileId> = project
        .files
        .iter()
        .map(|f| sources.add(SourceFile::new(f.path.clone(), f.text.clone())))
        .collect();
    // The image a container runs is the engine's to say; a Dockerfile adds nothing here.
    let (specs, _) = dockward_inputs::compose::lower_project(&project, &file_ids, &|_| None);
    Some(specs)
}

fn warning(labels: &ComposeLabels, message: String) -> RunError {
    RunError {
        path: PathBuf::from(format!("compose project {} service {}", labels.project, labels.service)),
        line: None,
        message,
        is_warning: true,
    }
}
