//! BuildSpec: a Dockerfile understood as BuildKit builds it.
//!
//! Stages split at FROM; ARG/ENV are resolved per stage; each RUN body is parsed as shell
//! (unless SHELL switched to PowerShell or cmd); the final stage — the last one, or the one
//! named as `--target` — is what the image will run. A stage built `FROM` an earlier stage
//! inherits that stage's user.

use crate::image_ref::ImageRef;
use crate::vars::{Expanded, ExpansionBudget, VarValue, Vars};
use dockward_core::{FileId, Provenance, TextRange};
use dockward_dockerfile::{Arguments, Dockerfile, Instruction, Keyword};
use dockward_shell::{ShellScript, parse_shell};
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// One build stage.
#[derive(Debug)]
pub struct Stage<'a> {
    pub index: usize,
    pub from: &'a Instruction,
    /// The base as written (variables unexpanded) and its range.
    pub base_raw: String,
    pub base_range: TextRange,
    /// The base with variables resolved.
    pub base: ImageRef,
    /// The base could not be resolved (a variable without known value).
    pub base_unknown: bool,
    /// When the base is an earlier stage (`FROM builder`), its index.
    pub base_stage: Option<usize>,
    /// `AS name`, lower-cased as BuildKit compares them.
    pub name: Option<String>,
    pub name_range: Option<TextRange>,
    /// Instructions after FROM, in order.
    pub instructions: Vec<StageInstruction<'a>>,
    /// The last USER of this stage, or inherited from the base stage.
    pub user: Option<UserSetting>,
    /// A stage dockward made up for a file with no FROM at all (a snippet, a template, a
    /// partial file): its instructions are checked like any stage's, but it has no base
    /// and is never the final stage, so nothing is said about the image it would make.
    pub implicit: bool,
}

/// An instruction with what was in scope when it ran.
#[derive(Debug)]
pub struct StageInstruction<'a> {
    pub instruction: &'a Instruction,
    /// Variables visible to this instruction (ARGs declared in the stage, ENV).
    pub vars: std::rc::Rc<Vars>,
    /// For RUN: the body parsed as shell.
    pub run: Option<RunBody<'a>>,
    /// The trigger of an `ONBUILD RUN|ADD|COPY` (listed right after its ONBUILD): it runs in
    /// images built from this one, not in this stage.
    pub onbuild_trigger: bool,
}

/// A USER setting and where it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserSetting {
    /// As resolved (`app`, `1000:1000`); may be unknown when a variable has no value.
    pub value: Expanded,
    pub range: TextRange,
    /// Set in an earlier stage this one is built from.
    pub inherited: bool,
}

impl UserSetting {
    /// Whether this names root: `root`, uid `0`, with or without a group.
    pub fn is_root(&self) -> bool {
        if self.value.unknown {
            return false;
        }
        let user = self.value.text.split(':').next().unwrap_or("").trim();
        user == "root" || user == "0"
    }
}

/// The shell the RUN body runs in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShellKind {
    /// A POSIX shell (sh, bash, ash, dash, zsh): parsed.
    Posix,
    /// PowerShell or cmd.exe: not parsed, rules leave it alone.
    Other,
}

/// A RUN instruction's commands, with a map from the parsed text back to the file.
#[derive(Debug)]
pub struct RunBody<'a> {
    pub shell: ShellKind,
    /// Parsed pieces: the shell-form line, each heredoc body, or an exec form's script.
    pub scripts: Vec<RunScript<'a>>,
}

#[derive(Debug)]
pub struct RunScript<'a> {
    pub script: ShellScript,
    pub source: ScriptSource<'a>,
}

/// Where a parsed script's text lives in the file.
#[derive(Debug)]
pub enum ScriptSource<'a> {
    /// The shell-form line: continuation-joined, mapped back piece by piece.
    Logical(&'a dockward_dockerfile::LogicalText),
    /// A verbatim slice of the file starting at this offset (heredoc bodies).
    Offset(u32),
    /// Text that does not map byte for byte (an exec-form `sh -c` string): the whole word.
    Whole(TextRange),
}

impl RunScript<'_> {
    /// A range in the parsed script → a range in the file.
    pub fn to_source(&self, range: TextRange) -> TextRange {
        match &self.source {
            ScriptSource::Logical(text) => text.to_source(range),
            ScriptSource::Offset(offset) => range.shifted(*offset),
            ScriptSource::Whole(range) => *range,
        }
    }
}

/// The whole build.
#[derive(Debug)]
pub struct BuildSpec<'a> {
    pub file: FileId,
    pub dockerfile: &'a Dockerfile,
    pub stages: Vec<Stage<'a>>,
    /// Index of the stage whose image is the result.
    pub final_stage: Option<usize>,
    /// ARG instructions before the first FROM.
    pub global_args: Vec<&'a Instruction>,
    /// Problems found while lowering (a variable expansion limit reached), for the caller
    /// to report next to the parser's diagnostics.
    pub diagnostics: Vec<BuildDiagnostic>,
    /// `AS` name → index of the first stage with that name.
    stage_names: FxHashMap<String, usize>,
}

/// A located problem found while lowering.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildDiagnostic {
    pub range: TextRange,
    pub message: String,
}

impl<'a> BuildSpec<'a> {
    pub fn final_stage(&self) -> Option<&Stage<'a>> {
        self.final_stage.and_then(|i| self.stages.get(i))
    }

    pub fn provenance(&self, range: TextRange) -> Provenance {
        Provenance::text(self.file, range)
    }

    /// Stage by `AS` name (case-insensitive) or by index, as `COPY --from` accepts.
    pub fn stage_named(&self, name: &str) -> Option<&Stage<'a>> {
        let lower = name.to_ascii_lowercase();
        self.stage_names
            .get(&lower)
            .and_then(|&i| self.stages.get(i))
            .or_else(|| name.parse::<usize>().ok().and_then(|i| self.stages.get(i)))
    }

    /// Stages the final stage depends on (itself, its base stages, `COPY --from` sources),
    /// i.e. the stages a `docker build` of the final target actually builds.
    pub fn stages_in_final_build(&self) -> Vec<usize> {
        let Some(last) = self.final_stage else {
            return Vec::new();
        };
        let mut needed = vec![false; self.stages.len()];
        let mut stack = vec![last];
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut needed[i], true) {
                continue;
            }
            let stage = &self.stages[i];
            stack.extend(stage.base_stage);
            for si in &stage.instructions {
                if let Some(from) = si.instruction.flag("from").and_then(|f| f.value.as_deref())
                    && let Some(dep) = self.stage_index(from)
                    && dep < self.stages.len()
                {
                    stack.push(dep);
                }
            }
        }
        (0..self.stages.len()).filter(|i| needed[*i]).collect()
    }

    fn stage_index(&self, name: &str) -> Option<usize> {
        self.stage_named(name).map(|s| s.index)
    }
}

/// Lowers a parsed Dockerfile. `target` names the stage `docker build --target` would
/// build; without it (or when it names no stage) the last stage is final.
pub fn lower_build<'a>(file: FileId, dockerfile: &'a Dockerfile, target: Option<&str>) -> BuildSpec<'a> {
    // One budget for every expansion of this build, in lowering and in the rules after it.
    let budget = Rc::new(ExpansionBudget::default());
    let fresh = || Vars::with_budget(budget.clone());
    let mut global_vars = fresh();
    let mut global_args = Vec::new();
    let mut stages: Vec<Stage<'a>> = Vec::new();
    // `AS` name → the last stage so named so far (what a later FROM refers to).
    let mut last_named: FxHashMap<String, usize> = FxHashMap::default();
    let mut vars = fresh();
    let mut shell = ShellKind::Posix;
    let mut scope = Rc::new(fresh());
    let mut diagnostics = Vec::new();
    // Reports the first value that ran into an expansion limit; later ones follow from it.
    let mut note_limit = |expanded: &Expanded, range: TextRange| {
        if let (Some(limit), true) = (expanded.limit, diagnostics.is_empty()) {
            diagnostics.push(BuildDiagnostic {
                range,
                message: limit.message(),
            });
        }
    };

    // A file without any FROM is checked as one implicit stage (its missing FROM is
    // reported by its own rule). With a FROM somewhere, instructions before it stay outside
    // any stage: inventing one would renumber the stages `COPY --from=N` counts.
    let has_from = dockerfile.instructions.iter().any(|i| i.keyword == Keyword::From);
    for instruction in &dockerfile.instructions {
        if instruction.keyword == Keyword::From {
            let stage = lower_from(instruction, &global_vars, &stages, &last_named, &mut note_limit);
            if let Some(name) = &stage.name {
                last_named.insert(name.clone(), stage.index);
            }
            // A stage built from another stage starts with that stage's environment and user.
            (vars, shell) = match stage.base_stage {
                Some(_) => (vars.clone(), shell),
                None => (fresh(), ShellKind::Posix),
            };
            scope = Rc::new(vars.clone());
            stages.push(stage);
            continue;
        }
        if stages.is_empty() && !has_from && instruction.keyword != Keyword::Arg {
            stages.push(Stage {
                index: 0,
                from: instruction,
                base_raw: String::new(),
                base_range: instruction.keyword_range,
                base: ImageRef::parse(""),
                base_unknown: true,
                base_stage: None,
                name: None,
                name_range: None,
                instructions: Vec::new(),
                user: None,
                implicit: true,
            });
        }
        let Some(stage) = stages.last_mut() else {
            if instruction.keyword == Keyword::Arg {
                declare_args(instruction, &mut global_vars, None, &mut note_limit);
                global_args.push(instruction);
            }
            continue;
        };
        match instruction.keyword {
            Keyword::Arg => {
                declare_args(instruction, &mut vars, Some(&global_vars), &mut note_limit);
                scope = Rc::new(vars.clone());
            }
            Keyword::Env => {
                if let Arguments::KeyValues(pairs) = &instruction.args {
                    // All pairs of one ENV see the values from before the instruction.
                    let before = vars.clone();
                    for pair in pairs {
                        let value = before.expand(&unquote(&pair.value.text));
                        note_limit(&value, pair.value.range);
                        vars.set(
                            &pair.key.text,
                            if value.unknown {
                                VarValue::Unknown
                            } else {
                                VarValue::Known(value.text)
                            },
                        );
                    }
                }
                scope = Rc::new(vars.clone());
            }
            Keyword::Shell => {
                shell = shell_kind_of(instruction);
            }
            Keyword::User => {
                if let Arguments::Words(words) = &instruction.args
                    && let Some(word) = words.first()
                {
                    let value = vars.expand(&unquote(&word.text));
                    note_limit(&value, word.range);
                    stage.user = Some(UserSetting {
                        value,
                        range: word.range,
                        inherited: false,
                    });
                }
            }
            _ => {}
        }
        let run = (instruction.keyword == Keyword::Run).then(|| lower_run(instruction, shell));
        stage.instructions.push(StageInstruction {
            instruction,
            vars: scope.clone(),
            run,
            onbuild_trigger: false,
        });
        // `ONBUILD RUN|ADD|COPY …` runs in every image built FROM this one: its trigger is
        // checked as the instruction it becomes (hadolint does the same). Only those: an
        // ONBUILD USER or ENV changes the child's image, not this one, so stage-level facts
        // (the final USER, the environment) must not see it. The variables are this
        // stage's, the closest approximation of the child's.
        if let Some(trigger) = instruction
            .onbuild
            .as_deref()
            .filter(|t| matches!(t.keyword, Keyword::Run | Keyword::Add | Keyword::Copy))
        {
            let run = (trigger.keyword == Keyword::Run).then(|| lower_run(trigger, shell));
            stage.instructions.push(StageInstruction {
                instruction: trigger,
                vars: scope.clone(),
                run,
                onbuild_trigger: true,
            });
        }
    }

    let final_stage = target
        .and_then(|t| {
            let t = t.to_ascii_lowercase();
            stages.iter().position(|s| s.name.as_deref() == Some(t.as_str()))
        })
        .or_else(|| stages.len().checked_sub(1))
        .filter(|i| !stages[*i].implicit);
    let mut stage_names = FxHashMap::default();
    for stage in &mut stages {
        stage.instructions.shrink_to_fit();
        if let Some(name) = &stage.name {
            stage_names.entry(name.clone()).or_insert(stage.index);
        }
    }
    BuildSpec {
        file,
        dockerfile,
        stages,
        final_stage,
        global_args,
        diagnostics,
        stage_names,
    }
}

fn lower_from<'a>(
    instruction: &'a Instruction,
    global_vars: &Vars,
    stages: &[Stage<'a>],
    last_named: &FxHashMap<String, usize>,
    note_limit: &mut dyn FnMut(&Expanded, TextRange),
) -> Stage<'a> {
    let words: &[dockward_dockerfile::Word] = match &instruction.args {
        Arguments::Words(words) => words,
        _ => &[],
    };
    let (base_raw, base_range) = words.first().map_or((String::new(), instruction.keyword_range), |w| {
        (w.text.clone(), w.range)
    });
    let expanded = global_vars.expand(&base_raw);
    note_limit(&expanded, base_range);
    let (name, name_range) = match (words.get(1), words.get(2)) {
        (Some(as_kw), Some(name)) if as_kw.text.eq_ignore_ascii_case("as") => {
            (Some(name.text.to_ascii_lowercase()), Some(name.range))
        }
        _ => (None, None),
    };
    let lower = expanded.text.to_ascii_lowercase();
    let base_stage = last_named.get(&lower).copied();
    let user = base_stage
        .and_then(|i| stages[i].user.clone())
        .map(|u| UserSetting { inherited: true, ..u });
    Stage {
        index: stages.len(),
        from: instruction,
        base: ImageRef::parse(&expanded.text),
        base_unknown: expanded.unknown,
        base_raw,
        base_range,
        base_stage,
        name,
        name_range,
        instructions: Vec::new(),
        user,
        implicit: false,
    }
}

/// `ARG A=1 B`: each declares a variable; a stage's `ARG B` without value takes the global
/// default of `B` if there is one, else an unknown value (a --build-arg may supply it).
fn declare_args(
    instruction: &Instruction,
    vars: &mut Vars,
    globals: Option<&Vars>,
    note_limit: &mut dyn FnMut(&Expanded, TextRange),
) {
    let Arguments::Words(words) = &instruction.args else {
        return;
    };
    for word in words {
        let (name, value) = match word.text.split_once('=') {
            Some((name, value)) => {
                let value = vars.expand(&unquote(value));
                note_limit(&value, word.range);
                (
                    name,
                    if value.unknown {
                        VarValue::Unknown
                    } else {
                        VarValue::Known(value.text)
                    },
                )
            }
            None => {
                let inherited = globals.and_then(|g| g.get(&word.text)).cloned();
                (word.text.as_str(), inherited.unwrap_or(VarValue::Unknown))
            }
        };
        vars.set(name, value);
    }
}

fn shell_kind_of(instruction: &Instruction) -> ShellKind {
    let program = match &instruction.args {
        Arguments::Exec(words) => words.first().map(|w| w.text.to_ascii_lowercase()),
        _ => None,
    };
    match program {
        Some(p) if is_posix_shell(&p) => ShellKind::Posix,
        Some(_) => ShellKind::Other,
        None => ShellKind::Posix,
    }
}

fn is_posix_shell(program: &str) -> bool {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    matches!(
        base,
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "mksh" | "busybox"
    )
}

fn lower_run(instruction: &Instruction, shell: ShellKind) -> RunBody<'_> {
    // Exactly sized: one per RUN, kept for the whole check.
    let mut scripts = Vec::with_capacity(usize::from(shell == ShellKind::Posix) * (1 + instruction.heredocs.len()));
    if shell == ShellKind::Posix {
        match &instruction.args {
            Arguments::Shell(text) => scripts.push(RunScript {
                script: parse_shell(&text.text),
                source: ScriptSource::Logical(text),
            }),
            Arguments::Exec(words) => {
                // `["sh", "-c", "script"]` runs a shell; any other argv is one command.
                let is_shell_c = words.len() >= 3
                    && is_posix_shell(&words[0].text.to_ascii_lowercase())
                    && words[1].text.starts_with('-')
                    && words[1].text.contains('c');
                if is_shell_c {
                    scripts.push(RunScript {
                        script: parse_shell(&words[2].text),
                        source: ScriptSource::Whole(words[2].range),
                    });
                } else if let (Some(first), Some(last)) = (words.first(), words.last()) {
                    let argv = words.iter().map(|w| shell_quote(&w.text)).collect::<Vec<_>>().join(" ");
                    scripts.push(RunScript {
                        script: parse_shell(&argv),
                        source: ScriptSource::Whole(first.range.cover(last.range)),
                    });
                }
            }
            _ => {}
        }
        // What the command line does with its heredocs is decided once: a RUN with 20,000
        // heredocs has a 20,000-word line.
        let line = if instruction.heredocs.is_empty() {
            HeredocLine::NoShell
        } else {
            heredoc_line(instruction)
        };
        for heredoc in instruction.heredocs.iter().filter(|h| heredoc_is_shell_script(line, h)) {
            scripts.push(RunScript {
                script: parse_shell(&heredoc.body),
                source: ScriptSource::Offset(heredoc.body_range.start),
            });
        }
    }
    scripts.shrink_to_fit();
    RunBody { shell, scripts }
}

/// What a RUN line does with its heredocs.
#[derive(Clone, Copy)]
enum HeredocLine {
    /// The line is nothing but heredoc markers: each body is the script.
    OnlyMarkers,
    /// The line's command is a shell reading its script from stdin (`bash <<EOF`).
    ShellReadsStdin,
    /// Exec form, or the body is input to some other command.
    NoShell,
}

/// Whether a RUN heredoc's body runs as shell. BuildKit runs the body as the script when the
/// command line is nothing but heredoc markers (and then honours a shebang: `#!/usr/bin/env
/// python3` makes it Python); otherwise the body is input to the line's command, which is
/// shell only when that command is a shell reading its script from stdin (`bash <<EOF`), not
/// data (`cat > /etc/app.conf <<EOF`) or another language (`python3 <<EOF`).
fn heredoc_line(instruction: &Instruction) -> HeredocLine {
    let line = match &instruction.args {
        Arguments::Shell(text) => text.text.as_str(),
        _ => return HeredocLine::NoShell,
    };
    if line.split_whitespace().all(|word| word.contains("<<")) {
        return HeredocLine::OnlyMarkers;
    }
    let mut words = line.split_whitespace().filter(|w| !w.contains('='));
    let program = words.next().unwrap_or("");
    if is_posix_shell(program) && !line.split_whitespace().any(|w| w == "-c") {
        HeredocLine::ShellReadsStdin
    } else {
        HeredocLine::NoShell
    }
}

fn heredoc_is_shell_script(line: HeredocLine, heredoc: &dockward_dockerfile::Heredoc) -> bool {
    match line {
        HeredocLine::OnlyMarkers => {
            let first = heredoc.body.lines().next().unwrap_or("");
            match first.strip_prefix("#!") {
                Some(shebang) => {
                    let mut words = shebang.split_whitespace();
                    let program = words.next().unwrap_or("");
                    let program = if program.ends_with("/env") {
                        words.next().unwrap_or("")
                    } else {
                        program
                    };
                    is_posix_shell(program)
                }
                None => true,
            }
        }
        HeredocLine::ShellReadsStdin => true,
        HeredocLine::NoShell => false,
    }
}

/// Quotes an exec-form argument so the shell parser reads it back as one word.
fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_./=:@%+,".contains(&b))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Removes one level of matching quotes, as BuildKit does for ENV/ARG values and words.
pub fn unquote(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        s[1..s.len() - 1].to_string()
    } else {
        s.to_string()
    }
}
