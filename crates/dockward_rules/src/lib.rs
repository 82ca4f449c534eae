//! dockward's rules: one file per rule, grouped by the model it reads, and the registry.
//!
//! Rules read models (`BuildSpec`, later `ContainerSpec`), never raw syntax, and report
//! against the provenance of the fields they read. The driver here parses, lowers, runs the
//! enabled rules and applies configuration and suppressions.

pub mod build;
pub mod compose;
pub mod container;
mod context;
pub mod daemon;
mod declare;
mod meta;
pub mod scripts;
pub mod secrets;
pub mod topology;

pub use compose::{ComposeInput, check_compose};
pub use context::{BuildCx, RunCommand};
pub use declare::{DocExample, doc_examples, explanation_markdown};
pub use dockward_core::{Category, FixAvailability, ModelKind, RuleMeta, Severity};
pub use meta::{INVALID_SUPPRESSION, SYNTAX_ERROR, UNUSED_SUPPRESSION};
pub use scripts::{ScriptInput, ScriptKind, check_script, container_specs_in_build, script_kind_for};

use dockward_core::{Edit, FileId, Finding, Fix, Provenance, Settings, Suppressions, TextRange};
use std::path::Path;
use std::sync::OnceLock;

/// A rule that reads a build: its metadata and its detector.
pub struct BuildRule {
    pub meta: &'static RuleMeta,
    pub check: fn(&BuildCx<'_>, &mut Vec<Finding>),
}

/// Every rule dockward has, sorted by code.
pub fn all_rules() -> &'static [&'static RuleMeta] {
    static ALL: OnceLock<Vec<&'static RuleMeta>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static RuleMeta> = vec![&SYNTAX_ERROR, &UNUSED_SUPPRESSION, &INVALID_SUPPRESSION];
        all.extend(build::rules().map(|r| r.meta));
        all.extend(container::rules().map(|r| r.meta));
        all.extend(topology::rules().map(|r| r.meta));
        all.extend(daemon::rules().map(|r| r.meta));
        all.sort_by_key(|r| r.code);
        all
    })
}

/// What `check_dockerfile` needs to know about one file.
pub struct DockerfileInput<'a> {
    pub file: FileId,
    pub path: &'a Path,
    pub text: &'a str,
    pub settings: &'a Settings,
    /// The stage `docker build --target` would build.
    pub target_stage: Option<&'a str>,
}

/// Parses, lowers and checks one Dockerfile; returns its findings after configuration and
/// suppressions, unsorted.
pub fn check_dockerfile(input: &DockerfileInput<'_>) -> Vec<Finding> {
    let dockerfile = dockward_dockerfile::parse(input.text);
    let build = dockward_model::build::lower_build(input.file, &dockerfile, input.target_stage);
    let cx = BuildCx::new(&build, input.text, input.settings);

    let mut findings = Vec::new();
    // Fatal diagnostics make BuildKit's parser refuse the file; the others (unknown
    // instructions, invalid flags) make the build fail when BuildKit dispatches them. Both
    // are worth knowing before a build; only the first kind stops the dump format.
    for diagnostic in &dockerfile.diagnostics {
        findings.push(Finding::new(
            &SYNTAX_ERROR,
            Provenance::text(input.file, diagnostic.range),
            diagnostic.message.clone(),
        ));
    }
    for rule in build::rules() {
        if input.settings.is_enabled(rule.meta) {
            (rule.check)(&cx, &mut findings);
        }
    }
    // `docker run` lines inside RUN bodies (docker-in-docker images) are containers too.
    for spec in scripts::container_specs_in_build(&build) {
        container::check_container(&spec, input.settings, &mut findings);
    }

    let comments: Vec<TextRange> = dockerfile.comments.iter().map(|c| c.range).collect();
    let statements: Vec<TextRange> = dockerfile.instructions.iter().map(|i| i.range).collect();
    finish(
        input.file,
        input.path,
        input.text,
        input.settings,
        findings,
        &comments,
        &statements,
    )
}

/// The steps every file kind shares once its rules have run: drop findings of disabled or
/// per-path-ignored rules, apply severity overrides, honour suppressions, and report
/// unused and malformed dockward pragmas.
pub(crate) fn finish(
    file: FileId,
    path: &Path,
    text: &str,
    settings: &Settings,
    findings: Vec<Finding>,
    comments: &[TextRange],
    statements: &[TextRange],
) -> Vec<Finding> {
    let (suppressions, pragma_errors) = Suppressions::parse(text, comments, statements);
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| settings.is_enabled(f.rule) && !settings.is_ignored_for(f.rule, path))
        .filter(|f| {
            let range = f.at.as_text().map_or(TextRange::default(), |(_, r)| r);
            !suppressions.suppresses(f.rule, range)
        })
        .map(|mut f| {
            f.severity = settings.severity_override(f.rule).unwrap_or(f.severity);
            f
        })
        .collect();
    let mut report = |meta: &'static RuleMeta, finding: Finding| {
        if settings.is_enabled(meta) && !settings.is_ignored_for(meta, path) {
            let severity = settings.severity_override(meta).unwrap_or(finding.severity);
            out.push(finding.with_severity(severity));
        }
    };
    for pragma in suppressions.unused() {
        let codes = if pragma.ids.is_empty() {
            "any rule".to_string()
        } else {
            pragma.ids.join(", ")
        };
        let fix = Fix::safe(
            "remove the unused suppression",
            vec![Edit::delete(whole_line_or_comment(text, pragma.comment))],
        );
        report(
            &UNUSED_SUPPRESSION,
            Finding::new(
                &UNUSED_SUPPRESSION,
                Provenance::text(file, pragma.comment),
                format!("this suppression of {codes} suppresses nothing"),
            )
            .with_fix(fix),
        );
    }
    for error in pragma_errors {
        report(
            &INVALID_SUPPRESSION,
            Finding::new(&INVALID_SUPPRESSION, Provenance::text(file, error.range), error.message),
        );
    }
    out
}

/// The comment's whole line (with its line break) when the comment stands alone on it;
/// otherwise the comment and the blanks before it.
fn whole_line_or_comment(text: &str, comment: TextRange) -> TextRange {
    let start = comment.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let end = comment.end as usize;
    if text[line_start..start].trim().is_empty() {
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        TextRange::from_usize(line_start, line_end)
    } else {
        let blank_start = text[..start].trim_end_matches([' ', '\t']).len();
        TextRange::from_usize(blank_start, end)
    }
}
