//! ShellCheck's comments as findings: the batch for a set of files, and the findings of
//! one file, which then go through [`crate::finish`] like every other finding (selection,
//! per-path ignores, severity overrides, dockward and hadolint pragmas).

use dockward_core::{FileId, Finding, Provenance, Settings, TextRange};
use dockward_shellcheck::{Level, Options, Placed, Shell, Snippet};
use std::path::PathBuf;
use std::time::Duration;

/// What one file offers ShellCheck.
#[derive(Clone, Copy, Debug)]
pub enum ShellInput<'a> {
    /// A Dockerfile's text: its shell-form RUN bodies.
    Dockerfile(&'a str),
    /// A shell script's text, checked whole.
    Script(&'a str),
    /// A CI file's text and kind: its `run:` steps and `script:` lists.
    Ci(&'a str, dockward_inputs::ScriptKind),
}

/// A configured ShellCheck, ready to check batches.
#[derive(Debug)]
pub struct ShellcheckBatch {
    options: Options,
    default_shell: Shell,
}

impl ShellcheckBatch {
    /// `Ok(None)` when ShellCheck is off; `Err` (one warning for the whole run) when it is
    /// on but `shellcheck` cannot be found.
    pub fn new(settings: &Settings) -> Result<Option<Self>, String> {
        let config = &settings.shellcheck;
        if !config.enabled {
            return Ok(None);
        }
        let program =
            std::env::var_os("DOCKWARD_SHELLCHECK").map_or_else(|| PathBuf::from("shellcheck"), PathBuf::from);
        let Some(program) = dockward_shellcheck::find_program(&program) else {
            return Err(format!(
                "ShellCheck is enabled but `{}` was not found on PATH (install the `shellcheck` package); RUN bodies were not checked by it",
                program.display()
            ));
        };
        let severity = config.severity.as_deref().and_then(|s| match s {
            "error" => Some(Level::Error),
            "warning" => Some(Level::Warning),
            "info" => Some(Level::Info),
            "style" => Some(Level::Style),
            _ => None,
        });
        Ok(Some(Self {
            options: Options {
                program,
                exclude: config.exclude.clone(),
                severity,
                timeout: Duration::from_secs(config.timeout_secs),
                ..Options::default()
            },
            default_shell: config.shell.as_deref().and_then(Shell::parse).unwrap_or(Shell::Sh),
        }))
    }

    /// Checks every input with one ShellCheck process (per chunk of snippets); returns the
    /// comments of each input, in input order, placed in its text.
    pub fn check(&self, inputs: &[ShellInput<'_>]) -> Result<Vec<Vec<Placed>>, String> {
        let mut snippets: Vec<(usize, Snippet)> = Vec::new();
        for (index, input) in inputs.iter().enumerate() {
            match *input {
                ShellInput::Dockerfile(text) => {
                    let ast = dockward_dockerfile::parse(text);
                    snippets.extend(
                        dockward_shellcheck::dockerfile_snippets(text, &ast, self.default_shell)
                            .into_iter()
                            .map(|s| (index, s)),
                    );
                }
                ShellInput::Ci(text, kind) => {
                    // GitHub runs `run:` with bash on Linux runners; the others with the
                    // image's shell, most often sh.
                    let shell = if kind == dockward_inputs::ScriptKind::GithubWorkflow {
                        Shell::Bash
                    } else {
                        self.default_shell
                    };
                    snippets.extend(
                        dockward_inputs::ci_shell_code(text, kind)
                            .into_iter()
                            .map(|code| (index, Snippet::pieces(&code.text, &code.pieces, shell))),
                    );
                }
                ShellInput::Script(text) => {
                    let first = text.lines().next().unwrap_or("");
                    let shell = if first.starts_with("#!") {
                        Shell::from_shebang(first)
                    } else {
                        Some(self.default_shell)
                    };
                    if let Some(shell) = shell {
                        snippets.push((index, Snippet::script(text, shell)));
                    }
                }
            }
        }
        let refs: Vec<&Snippet> = snippets.iter().map(|(_, s)| s).collect();
        let comments = dockward_shellcheck::run(&refs, &self.options)?;
        let mut out = vec![Vec::new(); inputs.len()];
        for comment in comments {
            let (index, snippet) = &snippets[comment.snippet];
            let placed = comment.place(snippet);
            if let ShellInput::Ci(text, _) = inputs[*index]
                && on_template(text, placed.range)
            {
                continue;
            }
            out[*index].push(placed);
        }
        Ok(out)
    }
}

/// Whether `range` of a CI file starts on a template expression (`${{ matrix.os }}`,
/// CircleCI's `<< parameters.x >>`). The CI system pastes its value into the script before
/// any shell runs, so ShellCheck's advice about the placeholder it saw (quote this
/// variable, SC2086) does not apply to it: quoting does not make pasted text safe.
fn on_template(text: &str, range: TextRange) -> bool {
    text.get(range.start as usize..)
        .is_some_and(|rest| rest.starts_with("${{") || rest.starts_with("<<"))
}

/// Findings of one file from its placed ShellCheck comments: rule `SCnnnn`, severity from
/// ShellCheck's level, ShellCheck's message, and its wiki page as help.
pub fn shellcheck_findings(file: FileId, placed: &[Placed]) -> Vec<Finding> {
    placed
        .iter()
        .map(|p| {
            let rule = dockward_shellcheck::rule::rule(p.code);
            let mut help = format!("see {}", dockward_shellcheck::wiki_url(p.code));
            if !p.mapped {
                help.push_str(" (ShellCheck's position could not be mapped into this instruction)");
            }
            Finding::new(rule, Provenance::text(file, p.range), p.message.clone())
                .with_severity(dockward_shellcheck::rule::severity(p.level))
                .with_help(help)
        })
        .collect()
}
