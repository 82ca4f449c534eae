use super::command_util::{at_top, command_name, name_range, runs};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `cd` in a RUN where `WORKDIR` is what was meant: a `cd` that is the last
    /// command of the RUN (it changes nothing, since the next instruction starts in the
    /// `WORKDIR` again), and a RUN that starts with `cd` into the same directory as the
    /// previous RUN of the stage did. `cd` used inside a longer script — into an unpacked
    /// source tree, say — is not reported.
    ///
    /// ## Why is this bad?
    /// Every RUN starts in the directory set by `WORKDIR`; a `cd` lasts only until the end
    /// of its own RUN. A trailing `cd` suggests the author expected otherwise, and the same
    /// `cd` repeated at the start of RUN after RUN is a `WORKDIR` written the long way,
    /// easy to forget in the next RUN someone adds.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// COPY . /usr/src/app
    /// RUN cd /usr/src/app && npm ci
    /// RUN cd /usr/src/app && npm run build
    /// RUN cd /usr/src/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// WORKDIR /usr/src/app
    /// COPY . .
    /// RUN npm ci
    /// RUN npm run build
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#workdir>
    pub static META = {
        code: "DW225",
        name: "cd-instead-of-workdir",
        category: Build,
        severity: Low,
        summary: "`cd` is used where WORKDIR is meant",
        references: [
            "hadolint:DL3003", "trivy:DS-0013", "kics:f4a6bcd3-e231-4acf-993c-aa027be50d2e",
        ],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    // Per stage: the directory the previous RUN started with `cd` into.
    let mut previous: Vec<Option<String>> = vec![None; cx.build.stages.len()];
    for run in runs(cx) {
        let stage = run.stage.index;
        // The first top-level command (`set -eux` and the like do not count), the last
        // one, and how many there are (by position among the RUN's commands).
        let (mut first, mut last, mut count) = (None, None, 0usize);
        for (i, c) in run.commands().enumerate().filter(|(_, c)| at_top(c.command)) {
            if first.is_none() && command_name(c.command) != Some("set") {
                first = Some(i);
            }
            count += 1;
            last = Some(i);
        }
        let first = first.and_then(|i| run.commands().nth(i));
        let last = last.and_then(|i| run.commands().nth(i));
        let first_dir = first
            .as_ref()
            .filter(|c| command_name(c.command) == Some("cd"))
            .and_then(|c| c.command.args().first())
            .filter(|w| !w.has_expansion && !w.value.starts_with('-'))
            .map(|w| w.value.trim_end_matches('/').to_string());
        let last = last.filter(|c| command_name(c.command) == Some("cd"));
        if let Some(cd) = last {
            let only = count == 1;
            out.push(
                cx.finding(
                    &META,
                    name_range(&cd),
                    if only {
                        "a RUN with only `cd` has no effect; the next instruction starts in the WORKDIR again"
                    } else {
                        "`cd` as the last command of a RUN has no effect; the next instruction starts in the WORKDIR again"
                    },
                )
                .with_help("use `WORKDIR <dir>` to change the directory for the instructions that follow"),
            );
        } else if let (Some(dir), Some(prev)) = (&first_dir, &previous[stage])
            && dir == prev
            && let Some(cd) = &first
        {
            out.push(
                cx.finding(
                    &META,
                    name_range(cd),
                    format!("every RUN here starts with `cd {dir}`; set `WORKDIR {dir}` once instead"),
                )
                .with_help("use `WORKDIR` to set the directory the following instructions run in"),
            );
        }
        previous[stage] = first_dir;
    }
}
