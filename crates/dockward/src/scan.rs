//! `dockward scan`: discover, read, check in parallel, fix, report.

use crate::cli::ScanArgs;
use crate::discover::{DiscoverOptions, FileKind, Target, discover};
use dockward_core::{Applicability, FileId, Finding, Settings, SourceDb, SourceFile, apply_fixes};
use dockward_report::{Emitter, RunError};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Files larger than this are not read: no real Dockerfile or Compose file comes close, and
/// the cap keeps a stray multi-gigabyte file from exhausting memory.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// How many times fixes are re-applied: each pass may uncover or unblock further fixes.
const MAX_FIX_PASSES: usize = 8;

/// Files checked in parallel per batch. Each batch is emitted in order and its texts
/// released, so memory stays flat however large the repository; the batch is big enough to
/// keep both cores busy.
const BATCH: usize = 256;

/// What a scan needs besides the files: settings and the command-line switches.
pub struct ScanOptions<'a> {
    pub settings: &'a Settings,
    pub fix: bool,
    pub diff: bool,
    pub unsafe_fixes: bool,
    pub target: Option<&'a str>,
}

/// Scans, streaming findings to `emitter` (or, with `--diff`, diffs to `diff_out`).
pub fn run(
    args: &ScanArgs,
    options: &ScanOptions<'_>,
    emitter: &mut Emitter<'_>,
    diff_out: &mut dyn Write,
) -> std::io::Result<(usize, Vec<RunError>, usize)> {
    let roots = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let (targets, walk_errors) = discover(
        &roots,
        DiscoverOptions {
            markdown: args.markdown,
        },
    );
    let mut errors: Vec<RunError> = walk_errors
        .into_iter()
        .map(|(path, message)| RunError {
            path,
            line: None,
            message,
            is_warning: false,
        })
        .collect();

    let sources = SourceDb::new();
    let mut diffs = 0;
    let mut files_scanned = 0;
    for batch in targets.chunks(BATCH) {
        let results: Vec<FileResult> = batch.par_iter().map(|t| scan_one(t, options, &sources)).collect();
        for mut result in results {
            files_scanned += usize::from(result.scanned);
            sort_findings(&mut result.findings, &sources);
            emitter.findings(&result.findings, &sources)?;
            for file in result.files {
                sources.release(file);
            }
            errors.extend(result.errors);
            if let Some(diff) = result.diff {
                diffs += 1;
                diff_out.write_all(diff.as_bytes())?;
            }
        }
    }
    errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok((files_scanned, errors, diffs))
}

#[derive(Default)]
struct FileResult {
    scanned: bool,
    /// Files this target added to the source database (released once emitted).
    files: Vec<FileId>,
    findings: Vec<Finding>,
    errors: Vec<RunError>,
    diff: Option<String>,
}

fn scan_one(target: &Target, options: &ScanOptions<'_>, sources: &SourceDb) -> FileResult {
    match target.kind {
        FileKind::Compose => scan_compose(target, options, sources),
        FileKind::Dockerfile | FileKind::Script(_) => scan_single_file(target, options, sources),
    }
}

/// Checks one file whose findings are all in that file: a Dockerfile or a script.
fn check_single(target: &Target, options: &ScanOptions<'_>, file: FileId, text: &str) -> Vec<Finding> {
    match target.kind {
        FileKind::Script(kind) => dockward_rules::scripts::check_script(&dockward_rules::scripts::ScriptInput {
            file,
            path: &target.path,
            text,
            kind,
            settings: options.settings,
        }),
        FileKind::Dockerfile | FileKind::Compose => {
            dockward_rules::check_dockerfile(&dockward_rules::DockerfileInput {
                file,
                path: &target.path,
                text,
                settings: options.settings,
                target_stage: options.target,
            })
        }
    }
}

fn scan_single_file(target: &Target, options: &ScanOptions<'_>, sources: &SourceDb) -> FileResult {
    let mut result = FileResult::default();
    let text = match read_text(&target.path) {
        Ok(text) => text,
        Err(error) => {
            result.errors.push(error);
            return result;
        }
    };
    result.scanned = true;
    let check = |file: FileId, text: &str| check_single(target, options, file, text);

    let mut final_text = None;
    if options.fix || options.diff {
        match fix_until_stable(&text, options.unsafe_fixes, &check) {
            Ok(Some(fixed)) => {
                if options.diff {
                    result.diff = Some(unified_diff(&target.path, &text, &fixed));
                } else if let Err(e) = write_atomically(&target.path, &fixed) {
                    result
                        .errors
                        .push(run_error(&target.path, format!("could not write fixes: {e}")));
                } else {
                    final_text = Some(fixed);
                }
            }
            Ok(None) => {}
            Err(message) => result.errors.push(run_error(&target.path, message)),
        }
    }

    let text = final_text.unwrap_or(text);
    let file = sources.add(SourceFile::new(target.path.clone(), text));
    result.files.push(file);
    if let Some(source) = sources.get(file) {
        result.findings = check(file, &source.text);
    }
    result
}

fn load_project(target: &Target) -> dockward_yaml::ComposeProject {
    let is_default = target
        .path
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(dockward_yaml::is_default_file_name);
    static LOAD_OPTIONS: std::sync::OnceLock<dockward_yaml::LoadOptions> = std::sync::OnceLock::new();
    let load_options = LOAD_OPTIONS.get_or_init(dockward_yaml::LoadOptions::with_process_env);
    if is_default {
        dockward_yaml::load_compose(&target.path, load_options)
    } else {
        dockward_yaml::load_compose_files(std::slice::from_ref(&target.path), load_options)
    }
}

/// Checks a loaded project against `sources`; returns the findings, the ids of the
/// project's files, and the ids of the Dockerfiles its services build from.
fn check_project(
    project: &dockward_yaml::ComposeProject,
    options: &ScanOptions<'_>,
    sources: &SourceDb,
) -> (Vec<Finding>, Vec<FileId>, Vec<FileId>) {
    let file_ids: Vec<FileId> = project
        .files
        .iter()
        .map(|f| sources.add(SourceFile::new(display_path(&f.path), f.text.clone())))
        .collect();
    let linked = std::sync::Mutex::new(Vec::new());
    let read_dockerfile = |path: &Path| -> Option<(FileId, String)> {
        let text = read_text(path).ok()?;
        let id = sources.add(SourceFile::new(display_path(path), text.clone()));
        linked.lock().unwrap_or_else(|e| e.into_inner()).push(id);
        Some((id, text))
    };
    let findings = dockward_rules::compose::check_compose(&dockward_rules::compose::ComposeInput {
        project,
        file_ids: &file_ids,
        settings: options.settings,
        read_dockerfile: &read_dockerfile,
    });
    let linked = linked.into_inner().unwrap_or_else(|e| e.into_inner());
    (findings, file_ids, linked)
}

/// One round of Compose fixes: for each project file with applicable fixes, its path, old
/// text and new text. A file whose fixed text no longer parses as YAML is refused.
fn compose_fix_round(target: &Target, options: &ScanOptions<'_>) -> Result<Vec<(PathBuf, String, String)>, String> {
    let project = load_project(target);
    let scratch = SourceDb::new();
    let (findings, file_ids, _) = check_project(&project, options, &scratch);
    let mut changes = Vec::new();
    for (index, id) in file_ids.iter().enumerate() {
        let fixes = findings
            .iter()
            .filter(|f| f.at.as_text().is_some_and(|(file, _)| file == *id))
            .filter_map(|f| f.fix.as_ref())
            .filter(|fix| {
                fix.applicability == Applicability::Safe
                    || (options.unsafe_fixes && fix.applicability == Applicability::Unsafe)
            });
        let source = &project.files[index];
        let (fixed, applied) = apply_fixes(&source.text, fixes);
        if applied == 0 || fixed == source.text {
            continue;
        }
        let reparsed = dockward_yaml::parse_yaml(&fixed, &dockward_yaml::Budget::default());
        if let Some(error) = reparsed.errors.first() {
            return Err(format!(
                "fixes would break {}'s YAML ({}); none were applied (please report this)",
                source.path.display(),
                error.message
            ));
        }
        changes.push((source.path.clone(), source.text.clone(), fixed));
    }
    Ok(changes)
}

/// `--diff` shows one round of fixes; `--fix` writes rounds until nothing changes.
fn fix_compose(target: &Target, options: &ScanOptions<'_>, result: &mut FileResult) {
    if options.diff {
        match compose_fix_round(target, options) {
            Ok(changes) => {
                let diff: String = changes
                    .iter()
                    .map(|(path, before, after)| unified_diff(&display_path(path), before, after))
                    .collect();
                if !diff.is_empty() {
                    result.diff = Some(diff);
                }
            }
            Err(message) => result.errors.push(run_error(&target.path, message)),
        }
        return;
    }
    for _ in 0..MAX_FIX_PASSES {
        let changes = match compose_fix_round(target, options) {
            Ok(changes) => changes,
            Err(message) => return result.errors.push(run_error(&target.path, message)),
        };
        if changes.is_empty() {
            return;
        }
        for (path, _, fixed) in changes {
            if let Err(e) = write_atomically(&path, &fixed) {
                return result
                    .errors
                    .push(run_error(&path, format!("could not write fixes: {e}")));
            }
        }
    }
}

/// Loads a Compose project (the entry file, its override, `extends` and `include` sources,
/// `.env`), applies fixes when asked, checks it, and links the Dockerfiles its services
/// build from.
fn scan_compose(target: &Target, options: &ScanOptions<'_>, sources: &SourceDb) -> FileResult {
    let mut result = FileResult::default();
    if options.fix || options.diff {
        fix_compose(target, options, &mut result);
    }
    let project = load_project(target);
    if project.files.is_empty() {
        result.errors.push(run_error(
            &target.path,
            "cannot read: the Compose file could not be loaded".to_string(),
        ));
        return result;
    }
    result.scanned = true;
    let (findings, file_ids, linked) = check_project(&project, options, sources);
    result.findings = findings;
    result.files.extend(&file_ids);
    result.files.extend(linked);
    // YAML syntax errors are DW001 findings; the other load problems (a missing `extends`
    // file, a required variable unset) are things `docker compose` would refuse: shown as
    // located warnings, and the rest of the project is still checked.
    for error in project
        .errors
        .iter()
        .filter(|e| e.kind != dockward_yaml::ComposeErrorKind::Yaml)
    {
        let (path, line) = match error
            .file
            .and_then(|f| file_ids.get(f as usize))
            .and_then(|id| sources.get(*id))
        {
            Some(source) => (
                source.path.clone(),
                Some(source.line_index().line_col(error.range.start, &source.text).line),
            ),
            None => (target.path.clone(), None),
        };
        result.errors.push(RunError {
            path,
            line,
            message: error.message.clone(),
            is_warning: true,
        });
    }
    result
}

fn run_error(path: &Path, message: String) -> RunError {
    RunError {
        path: path.to_path_buf(),
        line: None,
        message,
        is_warning: false,
    }
}

/// Paths as the user wrote them: relative to where dockward runs when possible.
fn display_path(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok();
    let relative = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    relative.strip_prefix(".").unwrap_or(relative).to_path_buf()
}

/// Reads a file as text, refusing huge and binary files with a message that says why.
fn read_text(path: &Path) -> Result<String, RunError> {
    let error = |message: String, is_warning: bool| RunError {
        path: path.to_path_buf(),
        line: None,
        message,
        is_warning,
    };
    let meta = std::fs::metadata(path).map_err(|e| error(format!("cannot read: {e}"), false))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(error(
            format!("skipped: {} bytes is over the {MAX_FILE_BYTES}-byte limit", meta.len()),
            true,
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| error(format!("cannot read: {e}"), false))?;
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(error("skipped: binary file (contains NUL bytes)".to_string(), true));
    }
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Applies fixes until nothing changes. `Ok(None)` when there was nothing to fix; an error
/// when the fixed text no longer parses as well as the original (the fix is then dropped).
fn fix_until_stable(
    original: &str,
    unsafe_fixes: bool,
    check: &dyn Fn(FileId, &str) -> Vec<Finding>,
) -> Result<Option<String>, String> {
    // Intermediate texts are never shown, so their findings need no real file id.
    let scratch = FileId(u32::MAX);
    let syntax_errors = |findings: &[Finding]| {
        findings
            .iter()
            .filter(|f| f.rule.code == dockward_rules::SYNTAX_ERROR.code)
            .count()
    };
    let mut text = original.to_string();
    let mut baseline = None;
    for _ in 0..MAX_FIX_PASSES {
        let findings = check(scratch, &text);
        let errors_now = syntax_errors(&findings);
        let baseline = *baseline.get_or_insert(errors_now);
        if errors_now > baseline {
            return Err("fixes would break the file's syntax; none were applied (please report this)".to_string());
        }
        let fixes = findings.iter().filter_map(|f| f.fix.as_ref()).filter(|fix| {
            fix.applicability == Applicability::Safe || (unsafe_fixes && fix.applicability == Applicability::Unsafe)
        });
        let (next, applied) = apply_fixes(&text, fixes);
        if applied == 0 || next == text {
            break;
        }
        text = next;
    }
    let after = check(scratch, &text);
    if syntax_errors(&after) > baseline.unwrap_or(0) {
        return Err("fixes would break the file's syntax; none were applied (please report this)".to_string());
    }
    Ok((text != original).then_some(text))
}

/// Replaces `path` with `text` atomically: write a temporary file beside it, keep the
/// original's permissions, then rename over it.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.as_file().set_permissions(permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn unified_diff(path: &Path, before: &str, after: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Deterministic order within a target: path, then position, then rule code.
fn sort_findings(findings: &mut [Finding], sources: &SourceDb) {
    let key = |f: &Finding| {
        let (path, start) = match f.at.as_text() {
            Some((file, range)) => (sources.get(file).map(|s| s.path.clone()), range.start),
            None => (None, 0),
        };
        (path, start, f.rule.code)
    };
    findings.sort_by_cached_key(key);
}
