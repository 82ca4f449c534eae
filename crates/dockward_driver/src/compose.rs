//! Compose projects: lower every service to a `ContainerSpec` and the project to a
//! `Topology`, link services that build their image to the Dockerfile they build, run the
//! container and topology rules, and apply configuration and suppressions per file.
//!
//! The container rules are the same ones that judge `docker run` lines: a finding points at
//! the Compose node that caused it (`privileged: true`'s value, a `ports:` item, the
//! service's key for a missing setting), in whichever file of the project (override,
//! `extends` source) that node came from.
//!
//! Suppressions are YAML comments: `# dockward: ignore[DW301] reason` on its own line
//! covers the entry that follows it, with everything nested in it (above a service: the
//! whole service; above `ports:`: every port); at the end of a line it covers the entry
//! written on that line. `# dockward: ignore-file[…]` and the peers' pragmas work as
//! everywhere else.

use crate::finish::finish;
use dockward_core::{FileId, Finding, Provenance, Settings, TextRange};
use dockward_inputs::compose::{is_own_line, lower_project_with_bases, yaml_statements};
use dockward_model::compose::{ComposeErrorKind, ComposeProject, SourceFile, SourceKind};
use dockward_rules::{SYNTAX_ERROR, UNUSED_SUPPRESSION, check_container, check_topology};
use std::path::Path;

/// What [`check_compose`] needs to know about one project.
pub struct ComposeInput<'a> {
    /// The loaded project (`dockward_yaml::load_compose` / `load_compose_files`).
    pub project: &'a ComposeProject,
    /// The run's id for every file the loader read, in `project.files` order: add them to
    /// the source database first. Findings point into these files.
    pub file_ids: &'a [FileId],
    pub settings: &'a Settings,
    /// Reads the Dockerfile a service builds from (context and `dockerfile:` already
    /// resolved to a path) and returns the run's id for it and its text; `None` when it
    /// cannot be read. Its user and healthcheck then inform the container rules (no root
    /// finding when the image sets a non-root USER, no healthcheck finding when it defines
    /// one). Findings never point into it: the Dockerfile is checked on its own.
    pub read_dockerfile: &'a dyn Fn(&Path) -> Option<(FileId, String)>,
}

/// Lowers, links and checks one project; returns its findings (in any of its YAML files)
/// after configuration and suppressions, unsorted.
pub fn check_compose(input: &ComposeInput<'_>) -> Vec<Finding> {
    let project = input.project;
    let file_id = |file: u32| input.file_ids.get(file as usize).copied().unwrap_or(FileId(file));
    let (specs, topology) = lower_project_with_bases(project, input.file_ids, input.read_dockerfile, input.settings);

    let mut findings = Vec::new();
    for error in &project.errors {
        if let (ComposeErrorKind::Yaml, Some(file)) = (error.kind, error.file) {
            findings.push(Finding::new(
                &SYNTAX_ERROR,
                Provenance::text(file_id(file), error.range),
                error.message.clone(),
            ));
        }
    }
    for spec in &specs {
        check_container(spec, input.settings, &mut findings);
    }
    check_topology(&topology, input.settings, &mut findings);

    let mut out = Vec::with_capacity(findings.len());
    for (index, source) in project.files.iter().enumerate() {
        if source.kind == SourceKind::DotEnv {
            continue;
        }
        let id = file_id(u32::try_from(index).unwrap_or(u32::MAX));
        let (mine, rest): (Vec<Finding>, Vec<Finding>) = findings
            .into_iter()
            .partition(|f| f.at.as_text().is_some_and(|(file, _)| file == id));
        findings = rest;
        let checked = finish_yaml(id, source, input.settings, mine);
        if source.kind == SourceKind::Extends {
            // Only the services this project extends were checked here: a pragma for the
            // others is not unused, it belongs to another project's view of the file.
            out.extend(checked.into_iter().filter(|f| f.rule.code != UNUSED_SUPPRESSION.code));
        } else {
            out.extend(checked);
        }
    }
    // Nothing else is expected (rules report at Compose nodes); keep it, configured.
    out.extend(
        findings
            .into_iter()
            .filter(|f| input.settings.is_enabled(f.rule) && input.settings.keeps_confidence(f.confidence))
            .map(|mut f| {
                f.severity = input.settings.severity_override(f.rule).unwrap_or(f.severity);
                f
            }),
    );
    out
}

/// [`finish`] for one YAML file. Pragmas on their own line cover the entry that follows
/// (the outermost one starting there, so everything nested in it); pragmas at the end of a
/// line cover the outermost entry that starts on that line (all of `ports: [a, b]`, the
/// whole item `- target: 80`, the whole service after `web:`). The shared suppression
/// parser picks the first matching statement in list order, so the two kinds are applied
/// in two passes with the statements ordered for each.
fn finish_yaml(file: FileId, source: &SourceFile, settings: &Settings, findings: Vec<Finding>) -> Vec<Finding> {
    let (path, text) = (source.path.as_path(), source.text.as_str());
    let comments = &source.comments;
    let (own_line, end_of_line): (Vec<TextRange>, Vec<TextRange>) =
        comments.iter().map(|c| c.range).partition(|r| is_own_line(text, *r));
    let mut statements = if comments.is_empty() {
        Vec::new()
    } else {
        yaml_statements(&source.docs, text)
    };
    statements.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    statements.dedup();
    let findings = finish(file, path, text, settings, findings, &own_line, &statements);
    if end_of_line.is_empty() {
        return findings;
    }
    // The statements holding an end-of-line comment are the entries that start on its line
    // and their ancestors (which start on earlier lines): latest line first, then outermost.
    let line_starts: Vec<u32> = std::iter::once(0)
        .chain(
            text.match_indices('\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        )
        .collect();
    let line_of = |offset: u32| line_starts.partition_point(|&s| s <= offset);
    statements.sort_by_key(|r| (std::cmp::Reverse(line_of(r.start)), r.start, std::cmp::Reverse(r.end)));
    finish(file, path, text, settings, findings, &end_of_line, &statements)
}
