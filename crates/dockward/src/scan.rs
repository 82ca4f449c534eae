//! `dockward scan`: discover, read, check in parallel, fix, report. Kinds and reading are
//! the inputs layer's, rules and fixes the driver's; this is the glue.

use dockward_core::{FileId, Finding, Settings, SourceDb, SourceFile};
use dockward_driver::fix::{FixMode, FixedFile, WriteScope, fix_compose, fix_file, unified_diff, write_fixed};
use dockward_inputs::{InputKind, MAX_FILE_BYTES, ReadError, Target};
use dockward_model::compose::{ComposeErrorKind, ComposeProject, LoadOptions};
use dockward_report::{Emitter, RunError};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Files checked in parallel per batch. Each batch is emitted in order and its texts
/// released, so memory stays flat however large the repository; the batch is big enough to
/// keep both cores busy.
const BATCH: usize = 256;

/// Why a `daemon.json` found by name is left alone.
const NOT_DOCKER_CONFIG: &str =
    "skipped: not a Docker daemon configuration (most of its keys are not dockerd settings)";

/// Standard input standing for a file (`dockward scan - --stdin-filename NAME`).
pub struct Stdin {
    pub path: PathBuf,
    pub text: String,
}

/// What a scan needs besides the targets.
pub struct ScanOptions<'a> {
    pub settings: &'a Settings,
    pub fix: bool,
    pub diff: bool,
    pub unsafe_fixes: bool,
    pub target: Option<&'a str>,
    pub stdin: Option<&'a Stdin>,
    /// Where `--fix` may write: the paths named on the command line.
    pub scope: WriteScope,
}

/// What a scan did, besides the findings it streamed.
#[derive(Default)]
pub struct ScanOutcome {
    pub files_scanned: usize,
    pub errors: Vec<RunError>,
    /// Files `--diff` shows a change for.
    pub diffs: usize,
    /// Files `--fix` wrote, and the fixes applied to them.
    pub fixed_files: usize,
    pub fixes_applied: usize,
    /// Findings per rule code, for `--statistics`.
    pub per_rule: BTreeMap<&'static str, (usize, &'static dockward_core::RuleMeta, usize)>,
}

/// Scans `targets`, streaming findings to `emitter` (or, with `--diff`, diffs to `diff_out`).
pub fn run(
    targets: &[Target],
    options: &ScanOptions<'_>,
    emitter: &mut Emitter<'_>,
    diff_out: &mut dyn Write,
) -> std::io::Result<ScanOutcome> {
    let mut load_options = LoadOptions::with_process_env();
    if let Some(stdin) = options.stdin {
        load_options.overlay.insert(stdin.path.clone(), stdin.text.clone());
    }
    let secrets = secret_environment_values(&load_options.env);
    let cx = Cx { options, load_options };
    let sources = SourceDb::new();
    let mut outcome = ScanOutcome::default();
    let shellcheck = match dockward_driver::ShellcheckBatch::new(options.settings) {
        Ok(batch) => batch,
        Err(message) => {
            // Once for the run, not per file; the scan goes on without it.
            outcome.errors.push(run_error(Path::new("shellcheck"), message, true));
            None
        }
    };
    for batch in targets.chunks(BATCH) {
        let prepared = match &shellcheck {
            Some(sc) => cx.shellcheck(sc, batch, &mut outcome.errors),
            None => Vec::new(),
        };
        let results: Vec<FileResult> = batch
            .par_iter()
            .enumerate()
            .map(|(i, t)| match prepared.get(i).cloned().flatten() {
                Some(pre) => cx.scan_single_file_with(t, &sources, Some(pre)),
                None => cx.scan_one(t, &sources),
            })
            .collect();
        for mut result in results {
            outcome.files_scanned += usize::from(result.scanned);
            sort_findings(&mut result.findings, &sources);
            redact(&mut result.findings, &secrets);
            for f in &result.findings {
                let entry = outcome.per_rule.entry(f.rule.code).or_insert((0, f.rule, 0));
                entry.0 += 1;
                entry.2 += usize::from(f.fix.is_some());
            }
            emitter.findings(&result.findings, &sources)?;
            for file in result.files {
                sources.release(file);
            }
            outcome.errors.extend(result.errors);
            for fixed in &result.fixed {
                if options.diff {
                    outcome.diffs += 1;
                    diff_out
                        .write_all(unified_diff(&display_path(&fixed.path), &fixed.before, &fixed.after).as_bytes())?;
                } else {
                    outcome.fixed_files += 1;
                    outcome.fixes_applied += fixed.fixes;
                }
            }
        }
    }
    outcome.errors.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(outcome)
}

struct Cx<'a> {
    options: &'a ScanOptions<'a>,
    /// Built once per scan: copying the environment per Compose file showed in profiles.
    load_options: LoadOptions,
}

#[derive(Default)]
struct FileResult {
    scanned: bool,
    /// Files this target added to the source database (released once emitted).
    files: Vec<FileId>,
    findings: Vec<Finding>,
    errors: Vec<RunError>,
    /// Files whose fixes were written (`--fix`) or are to be shown (`--diff`).
    fixed: Vec<FixedFile>,
}

/// A file read ahead for ShellCheck: its text and the comments placed in it.
#[derive(Clone)]
struct Prepared {
    text: String,
    shellcheck: Vec<dockward_driver::Placed>,
}

impl Cx<'_> {
    /// Reads the batch's Dockerfiles and shell scripts and checks them with one ShellCheck
    /// process; per target, what was read (`None`: not a ShellCheck input, or unreadable,
    /// which the normal pass reports). A failed ShellCheck is one error for the batch.
    fn shellcheck(
        &self,
        sc: &dockward_driver::ShellcheckBatch,
        batch: &[Target],
        errors: &mut Vec<RunError>,
    ) -> Vec<Option<Prepared>> {
        use dockward_driver::ShellInput;
        use dockward_inputs::ScriptKind;
        /// What ShellCheck reads of a file: RUN bodies, the whole script, or CI steps.
        #[derive(Clone, Copy)]
        enum Offer {
            Dockerfile,
            Script,
            Ci(ScriptKind),
        }
        let texts: Vec<Option<(Offer, String)>> = batch
            .par_iter()
            .map(|t| {
                let offer = match t.kind {
                    InputKind::Dockerfile => Offer::Dockerfile,
                    InputKind::Script(ScriptKind::Shell) => Offer::Script,
                    InputKind::Script(
                        kind @ (ScriptKind::GithubWorkflow
                        | ScriptKind::GitlabCi
                        | ScriptKind::CircleCi
                        | ScriptKind::BitbucketPipelines
                        | ScriptKind::AzurePipelines),
                    ) => Offer::Ci(kind),
                    _ => return None,
                };
                self.read(&t.path).ok().map(|text| (offer, text))
            })
            .collect();
        let inputs: Vec<ShellInput<'_>> = texts
            .iter()
            .flatten()
            .map(|(offer, text)| match *offer {
                Offer::Dockerfile => ShellInput::Dockerfile(text),
                Offer::Script => ShellInput::Script(text),
                Offer::Ci(kind) => ShellInput::Ci(text, kind),
            })
            .collect();
        let mut placed = match sc.check(&inputs) {
            Ok(placed) => placed.into_iter(),
            Err(message) => {
                errors.push(run_error(Path::new("shellcheck"), message, false));
                return Vec::new();
            }
        };
        texts
            .into_iter()
            .map(|t| {
                t.map(|(_, text)| Prepared {
                    text,
                    shellcheck: placed.next().unwrap_or_default(),
                })
            })
            .collect()
    }

    fn scan_one(&self, target: &Target, sources: &SourceDb) -> FileResult {
        match target.kind {
            InputKind::Compose => self.scan_compose(target, sources),
            InputKind::Dockerfile | InputKind::Script(_) | InputKind::Daemon => self.scan_single_file(target, sources),
        }
    }

    /// The text of a scanned file: standard input when it stands for this path.
    fn read(&self, path: &Path) -> Result<String, RunError> {
        if let Some(stdin) = self.options.stdin.filter(|s| s.path == path) {
            return Ok(stdin.text.clone());
        }
        dockward_inputs::read_text(path, MAX_FILE_BYTES).map_err(|e| read_error(path, &e))
    }

    /// Checks one file whose findings are all in that file: a Dockerfile, a script or a
    /// `daemon.json`. `Err` says why it could not be checked.
    fn check_single(&self, target: &Target, file: FileId, text: &str) -> Result<Vec<Finding>, String> {
        self.check_single_with(target, file, text, &[])
    }

    /// [`Cx::check_single`] with ShellCheck's comments on `text`.
    fn check_single_with(
        &self,
        target: &Target,
        file: FileId,
        text: &str,
        shellcheck: &[dockward_driver::Placed],
    ) -> Result<Vec<Finding>, String> {
        let settings = self.options.settings;
        match target.kind {
            InputKind::Script(kind) => Ok(dockward_driver::check_script_with(
                file,
                &target.path,
                text,
                kind,
                settings,
                shellcheck,
            )),
            InputKind::Daemon => dockward_driver::check_found_daemon_json(file, &target.path, text, settings)
                .ok_or_else(|| NOT_DOCKER_CONFIG.to_string()),
            _ => dockward_driver::check_dockerfile_with(
                file,
                &target.path,
                text,
                settings,
                self.options.target,
                shellcheck,
            ),
        }
    }

    fn fix_mode(&self) -> Option<FixMode> {
        (self.options.fix || self.options.diff).then_some(FixMode {
            unsafe_fixes: self.options.unsafe_fixes,
        })
    }

    fn scan_single_file(&self, target: &Target, sources: &SourceDb) -> FileResult {
        self.scan_single_file_with(target, sources, None)
    }

    /// [`Cx::scan_single_file`] of a file already read for ShellCheck.
    fn scan_single_file_with(&self, target: &Target, sources: &SourceDb, prepared: Option<Prepared>) -> FileResult {
        let mut result = FileResult::default();
        let (mut text, mut shellcheck) = match prepared {
            Some(p) => (p.text, p.shellcheck),
            None => match self.read(&target.path) {
                Ok(text) => (text, Vec::new()),
                Err(error) => {
                    result.errors.push(error);
                    return result;
                }
            },
        };
        result.scanned = true;
        if let Some(mode) = self.fix_mode() {
            let check = |file: FileId, text: &str| self.check_single(target, file, text);
            match fix_file(&target.path, &text, mode, &check) {
                Ok(Some(fixed)) => {
                    let written = self.write(&mut result, std::slice::from_ref(&fixed));
                    if written {
                        text = fixed.after.clone();
                        // ShellCheck's positions are in the text as read.
                        if !shellcheck.is_empty() {
                            shellcheck.clear();
                            result.errors.push(run_error(
                                &target.path,
                                "ShellCheck findings are not shown for a file --fix rewrote; scan it again".to_string(),
                                true,
                            ));
                        }
                    }
                    if self.options.diff || written {
                        result.fixed.push(fixed);
                    }
                }
                Ok(None) => {}
                Err(message) => result.errors.push(run_error(&target.path, message, false)),
            }
        }
        let file = sources.add(SourceFile::new(target.path.clone(), text));
        result.files.push(file);
        if let Some(source) = sources.get(file) {
            match self.check_single_with(target, file, &source.text, &shellcheck) {
                Ok(findings) => result.findings = findings,
                // Another program's `daemon.json` is not ours to judge: a note, not a failure.
                Err(message) if message == NOT_DOCKER_CONFIG => {
                    result.scanned = false;
                    result.errors.push(run_error(&target.path, message, true));
                }
                Err(message) => result.errors.push(run_error(&target.path, message, false)),
            }
        }
        result
    }

    /// With `--fix`, writes `fixed` (inside the named paths only); returns whether it did.
    fn write(&self, result: &mut FileResult, fixed: &[FixedFile]) -> bool {
        if !self.options.fix {
            return false;
        }
        if self
            .options
            .stdin
            .is_some_and(|s| fixed.iter().any(|f| f.path == s.path))
        {
            result.errors.push(run_error(
                &fixed[0].path,
                "standard input cannot be fixed in place; use --diff".to_string(),
                false,
            ));
            return false;
        }
        match write_fixed(fixed, &self.options.scope) {
            Ok(()) => true,
            Err(message) => {
                result.errors.push(run_error(&fixed[0].path, message, false));
                false
            }
        }
    }

    /// Loads a Compose project (the entry file, its override, `extends` and `include`
    /// sources, `.env`), applies fixes when asked, checks it, and links the Dockerfiles its
    /// services build from.
    fn scan_compose(&self, target: &Target, sources: &SourceDb) -> FileResult {
        let mut result = FileResult::default();
        if let Some(mode) = self.fix_mode() {
            let check = |project: &ComposeProject| {
                let scratch = SourceDb::new();
                let (findings, ids, _) = self.check_project(project, &scratch);
                (findings, ids)
            };
            match fix_compose(&target.path, &self.load_options, mode, &check) {
                Ok(fixed) => {
                    let written = self.write(&mut result, &fixed);
                    if self.options.diff || written {
                        result.fixed = fixed;
                    }
                }
                Err(message) => result.errors.push(run_error(&target.path, message, false)),
            }
        }
        let project = dockward_inputs::compose::load_project(&target.path, &self.load_options);
        if project.files.is_empty() {
            let reason = project.errors.first().map_or("unknown reason", |e| e.message.as_str());
            result.errors.push(run_error(
                &target.path,
                format!("cannot read: the Compose file could not be loaded: {reason}"),
                false,
            ));
            return result;
        }
        result.scanned = true;
        let (findings, file_ids, linked) = self.check_project(&project, sources);
        result.findings = findings;
        result.files.extend(&file_ids);
        result.files.extend(linked);
        // YAML syntax errors are DW001 findings; the other load problems (a missing
        // `extends` file, a required variable unset) are things `docker compose` would
        // refuse: shown as located warnings, and the rest of the project is still checked.
        for error in project.errors.iter().filter(|e| e.kind != ComposeErrorKind::Yaml) {
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

    /// Checks a loaded project against `sources`; returns the findings, the ids of the
    /// project's files, and the ids of the Dockerfiles its services build from.
    fn check_project(&self, project: &ComposeProject, sources: &SourceDb) -> (Vec<Finding>, Vec<FileId>, Vec<FileId>) {
        let file_ids: Vec<FileId> = project
            .files
            .iter()
            .map(|f| sources.add(SourceFile::new(display_path(&f.path), f.text.clone())))
            .collect();
        let linked = std::sync::Mutex::new(Vec::new());
        let read_dockerfile = |path: &Path| -> Option<(FileId, String)> {
            let text = self.read(path).ok()?;
            let id = sources.add(SourceFile::new(display_path(path), text.clone()));
            linked.lock().unwrap_or_else(|e| e.into_inner()).push(id);
            Some((id, text))
        };
        let findings = dockward_driver::check_compose(&dockward_driver::ComposeInput {
            project,
            file_ids: &file_ids,
            settings: self.options.settings,
            read_dockerfile: &read_dockerfile,
        });
        let linked = linked.into_inner().unwrap_or_else(|e| e.into_inner());
        (findings, file_ids, linked)
    }
}

fn run_error(path: &Path, message: String, is_warning: bool) -> RunError {
    RunError {
        path: path.to_path_buf(),
        line: None,
        message,
        is_warning,
    }
}

fn read_error(path: &Path, error: &ReadError) -> RunError {
    run_error(path, error.to_string(), error.is_warning())
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

/// Variable names whose values are credentials: `CI_JOB_TOKEN`, `DB_PASSWORD`, `API_KEY`.
const SECRET_NAME_PARTS: [&str; 7] = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "KEY", "CREDENTIAL", "AUTH"];

/// Values of the caller's environment that look like credentials. Compose interpolates the
/// environment into names and images (`image: registry/${CI_JOB_TOKEN}`), and messages
/// quote those: the values must not reach a CI log. Short values are left alone (they
/// would match ordinary words).
fn secret_environment_values(env: &BTreeMap<String, String>) -> Vec<String> {
    let mut values: Vec<String> = env
        .iter()
        .filter(|(name, value)| {
            let name = name.to_ascii_uppercase();
            value.len() >= 8 && SECRET_NAME_PARTS.iter().any(|part| name.contains(part))
        })
        .map(|(_, value)| value.clone())
        .collect();
    // Longest first, so a value containing another is replaced whole.
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    values
}

/// Replaces credential values from the environment in messages and help with `***`.
fn redact(findings: &mut [Finding], secrets: &[String]) {
    if secrets.is_empty() {
        return;
    }
    let scrub = |text: &mut String| {
        for secret in secrets {
            if text.contains(secret.as_str()) {
                *text = text.replace(secret.as_str(), "***");
            }
        }
    };
    for finding in findings {
        scrub(&mut finding.message);
        if let Some(help) = &mut finding.help {
            scrub(help);
        }
    }
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
