//! Fixes: applied in memory until nothing changes, checked to parse no worse than before,
//! and only then written (`--fix`) or shown (`--diff`) — so the diff is exactly what a fix
//! run writes.

use dockward_core::{Applicability, FileId, Finding, apply_fixes};
use dockward_model::compose::{ComposeErrorKind, ComposeProject, LoadOptions};
use dockward_rules::SYNTAX_ERROR;
use std::io::Write;
use std::path::{Path, PathBuf};

/// How many times fixes are re-applied: each pass may uncover or unblock further fixes.
pub const MAX_FIX_PASSES: usize = 8;

/// Which fixes to apply.
#[derive(Clone, Copy, Debug)]
pub struct FixMode {
    /// Also apply fixes that may change behaviour (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
}

impl FixMode {
    fn admits(self, finding: &Finding) -> Option<&dockward_core::Fix> {
        finding.fix.as_ref().filter(|fix| {
            fix.applicability == Applicability::Safe
                || (self.unsafe_fixes && fix.applicability == Applicability::Unsafe)
        })
    }
}

/// Checks one file's text (given a scratch file id); `Err` when it cannot be checked at all.
pub type CheckText<'a> = dyn Fn(FileId, &str) -> Result<Vec<Finding>, String> + 'a;

/// Checks a loaded Compose project; returns its findings and the ids its files got.
pub type CheckProject<'a> = dyn Fn(&ComposeProject) -> (Vec<Finding>, Vec<FileId>) + 'a;

/// One file's text after its fixes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixedFile {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
    /// Fixes applied over all passes.
    pub fixes: usize,
}

/// Applies fixes to one self-contained file (a Dockerfile or a script) until nothing
/// changes. `Ok(None)` when there is nothing to fix; an error when the fixed text parses
/// worse than the original (nothing is then applied).
pub fn fix_file(
    path: &Path,
    original: &str,
    mode: FixMode,
    check: &CheckText<'_>,
) -> Result<Option<FixedFile>, String> {
    // Intermediate texts are never shown, so their findings need no real file id.
    let scratch = FileId(u32::MAX);
    let syntax_errors = |findings: &[Finding]| findings.iter().filter(|f| f.rule.code == SYNTAX_ERROR.code).count();
    let mut text = original.to_string();
    let mut fixes = 0;
    let mut before = None;
    for _ in 0..MAX_FIX_PASSES {
        let findings = check(scratch, &text)?;
        let errors_now = syntax_errors(&findings);
        let baseline = *before.get_or_insert(errors_now);
        if errors_now > baseline {
            return Err(would_break(path));
        }
        let (next, applied) = apply_fixes(&text, findings.iter().filter_map(|f| mode.admits(f)));
        if applied == 0 || next == text {
            break;
        }
        fixes += applied;
        text = next;
    }
    if text == original {
        return Ok(None);
    }
    if syntax_errors(&check(scratch, &text)?) > before.unwrap_or(0) {
        return Err(would_break(path));
    }
    Ok(Some(FixedFile {
        path: path.to_path_buf(),
        before: original.to_string(),
        after: text,
        fixes,
    }))
}

fn would_break(path: &Path) -> String {
    format!(
        "fixes would break {}'s syntax; none were applied (please report this)",
        path.display()
    )
}

/// Applies fixes to a Compose project until nothing changes: each round loads the project
/// with the texts fixed so far (in memory, through [`LoadOptions::overlay`]), checks it
/// with `check`, and applies the admitted fixes file by file. Returns every file that
/// changed. A round whose result has more YAML errors than the original is refused.
pub fn fix_compose(
    entry: &Path,
    options: &LoadOptions,
    mode: FixMode,
    check: &CheckProject<'_>,
) -> Result<Vec<FixedFile>, String> {
    let mut options = options.clone();
    let mut changed: Vec<FixedFile> = Vec::new();
    let mut yaml_errors_before = None;
    for _ in 0..MAX_FIX_PASSES {
        let project = dockward_inputs::compose::load_project(entry, &options);
        let yaml_errors = yaml_error_count(&project);
        let before = *yaml_errors_before.get_or_insert(yaml_errors);
        if yaml_errors > before {
            return Err(would_break(entry));
        }
        let (findings, file_ids) = check(&project);
        let mut any = false;
        for (index, id) in file_ids.iter().enumerate() {
            let source = &project.files[index];
            let fixes = findings
                .iter()
                .filter(|f| f.at.as_text().is_some_and(|(file, _)| file == *id))
                .filter_map(|f| mode.admits(f));
            let (fixed, applied) = apply_fixes(&source.text, fixes);
            if applied == 0 || fixed == source.text {
                continue;
            }
            any = true;
            match changed.iter_mut().find(|c| c.path == source.path) {
                Some(file) => {
                    file.after.clone_from(&fixed);
                    file.fixes += applied;
                }
                None => changed.push(FixedFile {
                    path: source.path.clone(),
                    before: source.text.clone(),
                    after: fixed.clone(),
                    fixes: applied,
                }),
            }
            options.overlay.insert(source.path.clone(), fixed);
        }
        if !any {
            break;
        }
    }
    let project = dockward_inputs::compose::load_project(entry, &options);
    if yaml_error_count(&project) > yaml_errors_before.unwrap_or(0) {
        return Err(would_break(entry));
    }
    changed.retain(|c| c.after != c.before);
    Ok(changed)
}

fn yaml_error_count(project: &ComposeProject) -> usize {
    project
        .errors
        .iter()
        .filter(|e| e.kind == ComposeErrorKind::Yaml)
        .count()
}

/// Where fixes may be written: inside the paths the user named. A Compose project can
/// reach files elsewhere (`include:`, `extends: file:` with `../` or absolute paths); those
/// are read and checked, never written.
#[derive(Clone, Debug, Default)]
pub struct WriteScope {
    roots: Vec<PathBuf>,
}

impl WriteScope {
    /// The scope of the paths named on the command line (folders and files).
    pub fn new(roots: &[PathBuf]) -> Self {
        Self {
            roots: roots.iter().filter_map(|r| std::fs::canonicalize(r).ok()).collect(),
        }
    }

    /// Whether `path` (an existing file) lies inside a named path.
    pub fn contains(&self, path: &Path) -> bool {
        std::fs::canonicalize(path).is_ok_and(|p| self.roots.iter().any(|root| p.starts_with(root)))
    }
}

/// Writes fixed files: each must lie inside `scope`; each is replaced atomically.
pub fn write_fixed(files: &[FixedFile], scope: &WriteScope) -> Result<(), String> {
    if let Some(outside) = files.iter().find(|f| !scope.contains(&f.path)) {
        return Err(format!(
            "fixes for {} were not written: it lies outside the paths named on the command line",
            outside.path.display()
        ));
    }
    for file in files {
        write_atomically(&file.path, &file.after)
            .map_err(|e| format!("could not write fixes to {}: {e}", file.path.display()))?;
    }
    Ok(())
}

/// Replaces the file at `path` with `text` atomically: write a temporary file beside it
/// with the original's permissions and owner, then rename it over the original. A symbolic
/// link is written through (its target is replaced, the link stays); a file with several
/// hard links is refused, since a rename would silently split it from its other names.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let real = std::fs::canonicalize(path)?;
    let meta = std::fs::metadata(&real)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(std::io::Error::other(format!(
                "it has {} hard links, which replacing it would break; fix it by hand or remove the other links",
                meta.nlink()
            )));
        }
    }
    let dir = real.parent().unwrap_or(Path::new("/"));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.as_file().set_permissions(meta.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Root fixing another user's file must not hand it to root. A user who may not
        // chown owns the file already (or could not write it): that refusal is harmless.
        if let Err(e) = std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid()))
            && e.kind() != std::io::ErrorKind::PermissionDenied
        {
            return Err(e);
        }
    }
    tmp.persist(&real).map_err(|e| e.error)?;
    Ok(())
}

/// A unified diff of one fixed file, with `a/` and `b/` headers.
pub fn unified_diff(path: &Path, before: &str, after: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}
