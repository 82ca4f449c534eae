//! What a build rule sees.

use dockward_core::{Finding, Provenance, RuleMeta, Settings, TextRange};
use dockward_model::build::{BuildSpec, RunScript, Stage, StageInstruction};
use dockward_shell::SimpleCommand;

/// The context of one Dockerfile check.
pub struct BuildCx<'a> {
    pub build: &'a BuildSpec<'a>,
    pub text: &'a str,
    pub settings: &'a Settings,
    /// Per stage, whether it is in the runtime chain; computed once, on first use, since
    /// rules ask it per stage and per instruction.
    pub(crate) runtime_stages: std::cell::OnceCell<Vec<bool>>,
}

/// One simple command of a RUN body, with everything needed to judge and locate it.
pub struct RunCommand<'a> {
    pub stage: &'a Stage<'a>,
    pub instruction: &'a StageInstruction<'a>,
    pub script: &'a RunScript<'a>,
    pub command: &'a SimpleCommand,
}

impl RunCommand<'_> {
    /// File range of a range inside the parsed script.
    pub fn source(&self, range: TextRange) -> TextRange {
        self.script.to_source(range)
    }

    /// File range of the whole command.
    pub fn range(&self) -> TextRange {
        self.source(self.command.range)
    }
}

impl<'a> BuildCx<'a> {
    pub fn new(build: &'a BuildSpec<'a>, text: &'a str, settings: &'a Settings) -> Self {
        Self {
            build,
            text,
            settings,
            runtime_stages: std::cell::OnceCell::new(),
        }
    }

    pub fn at(&self, range: TextRange) -> Provenance {
        Provenance::text(self.build.file, range)
    }

    /// A finding of `meta` at `range`.
    pub fn finding(&self, meta: &'static RuleMeta, range: TextRange, message: impl Into<String>) -> Finding {
        Finding::new(meta, self.at(range), message)
    }

    /// Every simple command of every RUN, in every stage.
    pub fn run_commands(&self) -> impl Iterator<Item = RunCommand<'a>> + 'a {
        let build: &'a BuildSpec<'a> = self.build;
        build.stages.iter().flat_map(|stage| {
            stage.instructions.iter().flat_map(move |instruction| {
                instruction.run.iter().flat_map(move |run| {
                    run.scripts.iter().flat_map(move |script| {
                        script.script.commands.iter().map(move |command| RunCommand {
                            stage,
                            instruction,
                            script,
                            command,
                        })
                    })
                })
            })
        })
    }

    /// Instructions of every stage, with their stage.
    pub fn instructions(&self) -> impl Iterator<Item = (&'a Stage<'a>, &'a StageInstruction<'a>)> + 'a {
        let build: &'a BuildSpec<'a> = self.build;
        build
            .stages
            .iter()
            .flat_map(|stage| stage.instructions.iter().map(move |i| (stage, i)))
    }
}
