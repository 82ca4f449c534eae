use super::util::stage_insts;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::{Instruction, Keyword};
use dockward_model::build::ShellKind;

declare_rule! {
    /// ## What it does
    /// Reports a `RUN` that directly follows another `RUN` of the same stage when the two
    /// could simply be joined: they have the same flags (`--mount`, `--network`…) and each
    /// runs a single command (a pipeline or a command substitution counts as several).
    /// Comments between them do not separate them; any other instruction does. RUNs in
    /// PowerShell or cmd (after `SHELL`) are not judged. A `RUN`
    /// that already chains commands was most likely split from its neighbour on purpose
    /// (for layer caching) and is left alone.
    ///
    /// Off by default (select it with `--extend-select DW273`): it is advice on image
    /// size and layer count, not a weakness.
    ///
    /// ## Why is this bad?
    /// Every `RUN` makes a layer. Files a later `RUN` deletes stay in the earlier layer,
    /// and each layer costs a little in pull time and storage. Short `RUN`s in a row are
    /// usually one step written as several.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN addgroup -S app
    /// RUN adduser -S -G app app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN addgroup -S app && adduser -S -G app app
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#minimize-the-number-of-layers>
    pub static META = {
        code: "DW273",
        name: "consecutive-run",
        category: Build,
        severity: Info,
        summary: "consecutive RUN instructions could be one",
        references: ["hadolint:DL3059"],
        fix: None,
        models: [Build],
        opt_in: true,
    };
}

/// More commands than this in one RUN mean it was written as a step of its own.
const MAX_COMMANDS: usize = 1;

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        // The previous instruction, when it was a RUN that could take more commands.
        let mut previous: Option<&Instruction> = None;
        for inst in stage_insts(cx, stage) {
            let instruction = inst.instruction;
            if instruction.keyword != Keyword::Run {
                previous = None;
                continue;
            }
            // PowerShell and cmd bodies are not parsed: how many commands they run is unknown.
            let commands = inst
                .si
                .run
                .as_ref()
                .filter(|body| body.shell == ShellKind::Posix)
                .map(|body| body.scripts.iter().map(|s| s.script.commands.len()).sum::<usize>());
            let small = commands.is_some_and(|n| n <= MAX_COMMANDS);
            if let Some(prev) = previous
                && small
                && same_flags(prev, instruction)
            {
                out.push(
                    cx.finding(
                        &META,
                        instruction.keyword_range,
                        "this RUN directly follows another one with the same flags; they could be one RUN",
                    )
                    .with_help("join the commands with `&&` in one RUN"),
                );
            }
            previous = small.then_some(instruction);
        }
    }
}

fn same_flags(a: &Instruction, b: &Instruction) -> bool {
    a.flags.len() == b.flags.len() && a.flags.iter().zip(&b.flags).all(|(x, y)| x.text == y.text)
}
