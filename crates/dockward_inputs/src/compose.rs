//! A Compose project: loaded once (every YAML file parsed once by the loader, whose trees
//! are kept for suppressions and fixes), lowered once into `ContainerSpec`s and a
//! `Topology`, and linked to the Dockerfiles its services build from.

use dockward_core::{FileId, TextRange};
use dockward_model::compose::{ComposeProject, LoadOptions, Node, NodeValue, link_dockerfiles, lower_compose};
use dockward_model::container::ContainerSpec;
use dockward_model::topology::Topology;
use std::path::{Path, PathBuf};

/// Loads the project whose entry file is `path`. A default-named file (`compose.yaml` …)
/// brings its override file along, as `docker compose` does.
pub fn load_project(path: &Path, options: &LoadOptions) -> ComposeProject {
    let is_default = path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(dockward_yaml::is_default_file_name);
    if is_default {
        dockward_yaml::load_compose(path, options)
    } else {
        dockward_yaml::load_compose_files(std::slice::from_ref(&path.to_path_buf()), options)
    }
}

/// Loads a project from its files, merged in order, as `docker compose -f a -f b` does (no
/// override file is added): the files a running container's Compose labels list.
pub fn load_project_files(files: &[PathBuf], options: &LoadOptions) -> ComposeProject {
    dockward_yaml::load_compose_files(files, options)
}

/// Lowers every service and the project's networks. `file_ids[i]` is the run's id of
/// `project.files[i]`. `read_dockerfile` reads the Dockerfile a service builds from (see
/// [`link_dockerfiles`]): its final USER and HEALTHCHECK count for the service.
pub fn lower_project(
    project: &ComposeProject,
    file_ids: &[FileId],
    read_dockerfile: &dyn Fn(&Path) -> Option<(FileId, String)>,
) -> (Vec<ContainerSpec>, Topology) {
    let (mut specs, topology) = lower_compose(project, file_ids);
    link_dockerfiles(project, file_ids, &mut specs, read_dockerfile);
    (specs, topology)
}

/// [`lower_project`], with what `settings` knows of the base images those Dockerfiles
/// start from (`[image] base-images`, `--base-images engine`, documented defaults).
pub fn lower_project_with_bases(
    project: &ComposeProject,
    file_ids: &[FileId],
    read_dockerfile: &dyn Fn(&Path) -> Option<(FileId, String)>,
    settings: &dockward_core::Settings,
) -> (Vec<ContainerSpec>, Topology) {
    let (mut specs, topology) = lower_compose(project, file_ids);
    dockward_model::compose::link_dockerfiles_with_bases(project, file_ids, &mut specs, read_dockerfile, settings);
    (specs, topology)
}

/// Whether a comment stands alone on its line (it then covers the entry that follows).
pub fn is_own_line(text: &str, comment: TextRange) -> bool {
    let start = (comment.start as usize).min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..start].trim().is_empty()
}

/// Every mapping entry and sequence item written in a file, from its start to the end of
/// the line where it ends (so a trailing comment is inside): what suppressions attach to.
/// `docs` are the file's own trees ([`dockward_yaml::SourceFile::docs`]).
pub fn yaml_statements(docs: &[Node], text: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    for root in docs {
        collect_statements(root, text, &mut out);
    }
    out
}

fn collect_statements(node: &Node, text: &str, out: &mut Vec<TextRange>) {
    if node.alias.is_some() || node.synthetic {
        return;
    }
    match &node.value {
        NodeValue::Map(entries) => {
            for (key, value) in entries {
                if key.alias.is_some() || key.synthetic {
                    continue;
                }
                let end = if value.alias.is_none() && value.range.end >= key.range.end {
                    value.range.end
                } else {
                    key.range.end
                };
                out.push(TextRange::new(key.range.start, line_end(text, end)));
                collect_statements(value, text, out);
            }
        }
        NodeValue::Seq(items) => {
            for item in items {
                if item.alias.is_none() && !item.synthetic {
                    out.push(TextRange::new(item.range.start, line_end(text, item.range.end)));
                }
                collect_statements(item, text, out);
            }
        }
        _ => {}
    }
}

fn line_end(text: &str, offset: u32) -> u32 {
    // Block scalars' ranges may run over their trailing line breaks: skip blanks first.
    let mut offset = (offset as usize).min(text.len());
    while offset > 0 && text.as_bytes()[offset - 1].is_ascii_whitespace() {
        offset -= 1;
    }
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    u32::try_from(end).unwrap_or(u32::MAX)
}
