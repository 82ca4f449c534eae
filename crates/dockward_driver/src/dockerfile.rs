//! One Dockerfile: build rules on its `BuildSpec`, container rules on the `docker run`
//! lines of its RUN bodies, then configuration and suppressions.

use crate::finish::finish;
use dockward_core::{FileId, Finding, Provenance, Settings};
use dockward_inputs::DockerfileInput;
use dockward_rules::{BuildCx, SYNTAX_ERROR, check_build, check_container};
use std::path::Path;

/// Parses, lowers and checks one Dockerfile; returns its findings after configuration and
/// suppressions, unsorted. `target` is the stage `docker build --target` would build; a
/// name no stage has is an error, as in `docker build`.
pub fn check_dockerfile(
    file: FileId,
    path: &Path,
    text: &str,
    settings: &Settings,
    target: Option<&str>,
) -> Result<Vec<Finding>, String> {
    check_dockerfile_with(file, path, text, settings, target, &[])
}

/// [`check_dockerfile`] with the ShellCheck comments a batch placed in `text`: they join
/// the rules' findings before configuration and suppressions.
pub fn check_dockerfile_with(
    file: FileId,
    path: &Path,
    text: &str,
    settings: &Settings,
    target: Option<&str>,
    shellcheck: &[dockward_shellcheck::Placed],
) -> Result<Vec<Finding>, String> {
    let input = DockerfileInput::parse(file, text);
    let build = input.lower(target)?;
    let cx = BuildCx::new(&build, text, settings);

    let mut findings = Vec::new();
    // Fatal diagnostics make BuildKit's parser refuse the file; the others (unknown
    // instructions, invalid flags) make the build fail when BuildKit dispatches them. Both
    // are worth knowing before a build.
    for diagnostic in &input.ast.diagnostics {
        findings.push(Finding::new(
            &SYNTAX_ERROR,
            Provenance::text(file, diagnostic.range),
            diagnostic.message.clone(),
        ));
    }
    // A variable expansion that hit its budget (each line doubling the last): its value is
    // unknown to the rules, and the file is reported where the budget ran out.
    for diagnostic in &build.diagnostics {
        findings.push(Finding::new(
            &SYNTAX_ERROR,
            Provenance::text(file, diagnostic.range),
            diagnostic.message.clone(),
        ));
    }
    check_build(&cx, &mut findings);
    for spec in DockerfileInput::containers(&build) {
        check_container(&spec, settings, &mut findings);
    }
    findings.extend(crate::shellcheck::shellcheck_findings(file, shellcheck));
    Ok(finish(
        file,
        path,
        text,
        settings,
        findings,
        &input.comments(),
        &input.statements(),
    ))
}
