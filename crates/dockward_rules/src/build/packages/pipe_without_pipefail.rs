use super::command_util::{command_name, enclosing, is_shell};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, TextRange};
use dockward_dockerfile::{Arguments, Keyword};
use dockward_shell::{Nesting, SimpleCommand, Word};

declare_rule! {
    /// ## What it does
    /// Reports a RUN with a pipeline (`curl … | tar x`) when neither the stage's `SHELL`
    /// nor an earlier `set -o pipefail` in the same RUN makes a failing command inside the
    /// pipe fail the step.
    ///
    /// Pipes whose earlier commands only print text or read local data (`echo`, `find`,
    /// `ls`, `dpkg-query`, `scanelf`, text filters) are not reported: when those fail,
    /// nothing was downloaded or built, so nothing broken can reach the image. What is
    /// reported is a pipe that hides a failing download, build or verification
    /// (`curl | sh`, `wget -O- | apt-key add -`, `curl | tee file`).
    ///
    /// Pipes into `grep`, which fails by itself on missing input, are not reported either.
    ///
    /// ## Why is this bad?
    /// A shell reports the exit status of the *last* command of a pipeline. When `curl`
    /// fails in `curl -fsSL $URL | sh`, `sh` reads an empty script, succeeds, and the
    /// build goes on without whatever the script should have installed; in
    /// `curl … | tee /etc/version` the file is silently empty. The build fails later in a
    /// confusing way, or produces a broken image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSL https://example.com/tool/VERSION | tee /etc/tool-version
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN curl -fsSL https://example.com/tool/VERSION | tee /etc/tool-version
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#using-pipes>
    pub static META = {
        code: "DW226",
        name: "pipe-without-pipefail",
        category: Build,
        severity: Low,
        summary: "a failure inside a RUN pipeline does not fail the build",
        references: ["hadolint:DL4006", "trivy:DS-0032", "kics:efbf148a-67e9-42d2-ac47-02fa1c0d0b22"],
        fix: None,
        models: [Build],
    };
}

/// Commands that only print text or read local files: when one of them fails in front of
/// a pipe, nothing was fetched or built, so nothing broken can slip into the image.
const LOCAL_READERS: &[&str] = &[
    "echo",
    "printf",
    "yes",
    "true",
    "cat",
    "tac",
    "find",
    "ls",
    "grep",
    "egrep",
    "fgrep",
    "sed",
    "awk",
    "gawk",
    "mawk",
    "sort",
    "uniq",
    "cut",
    "tr",
    "head",
    "tail",
    "wc",
    "tee",
    "column",
    "paste",
    "scanelf",
    "ldd",
    "readelf",
    "nm",
    "objdump",
    "file",
    "dpkg",
    "dpkg-query",
    "dpkg-architecture",
    "apt-mark",
    "apt-cache",
    "rpm",
    "locale",
    "md5sum",
    "sha1sum",
    "sha256sum",
    "sha512sum",
    "cksum",
    "lsb_release",
    "uname",
    "id",
    "groups",
    "env",
    "printenv",
    "date",
    "basename",
    "dirname",
    "realpath",
    "readlink",
    "stat",
    "du",
    "df",
    "base64",
    "xxd",
    "od",
    "hexdump",
    "seq",
    "getent",
    "nproc",
];

/// `xargs -r dpkg-query --search`: as harmless as the command xargs runs. `apk info` is a
/// local query too.
fn is_local_reader(cmd: &SimpleCommand) -> bool {
    let Some(name) = command_name(cmd) else { return false };
    let args = cmd.args();
    if name != "xargs" {
        return is_reader(name, args.first().map(|w| w.value.as_str()));
    }
    let mut i = 0;
    while i < args.len() {
        let v = args[i].value.as_str();
        if !v.starts_with('-') {
            let program = v.rsplit('/').next().unwrap_or(v);
            return is_reader(program, args.get(i + 1).map(|w| w.value.as_str()));
        }
        // Options whose value is the next word.
        if matches!(v, "-I" | "-n" | "-P" | "-L" | "-s" | "-d" | "-E" | "-a") {
            i += 1;
        }
        i += 1;
    }
    true
}

fn is_reader(program: &str, first_arg: Option<&str>) -> bool {
    LOCAL_READERS.contains(&program) || (program == "apk" && first_arg == Some("info"))
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    // Whether the stage's SHELL has pipefail at each point: follow SHELL instructions in
    // order; a stage built from another starts with that stage's setting.
    let mut shell_pipefail = vec![false; cx.build.stages.len()];
    for stage in &cx.build.stages {
        let mut on = stage.base_stage.is_some_and(|b| shell_pipefail[b]);
        for si in &stage.instructions {
            if si.instruction.keyword == Keyword::Shell {
                on = shell_sets_pipefail(&si.instruction.args);
            }
            if si.instruction.keyword != Keyword::Run || on {
                continue;
            }
            let Some(body) = &si.run else { continue };
            'scripts: for script in &body.scripts {
                let commands = &script.script.commands;
                // Pipelines after the first `set -o pipefail` are protected by it.
                let first_set = commands
                    .iter()
                    .position(|c| command_name(c) == Some("set") && sets_pipefail(c.args()));
                for (i, cmd) in commands.iter().enumerate() {
                    let Some(pos) = cmd.pipeline else { continue };
                    if pos.index != 0 || pos.len < 2 {
                        continue;
                    }
                    let elements: Vec<&SimpleCommand> = script.script.pipeline_of(cmd).collect();
                    let Some(last) = elements.last() else { continue };
                    // `… | grep pattern` fails by itself when the input is missing: grep
                    // exits 1 when it selects no line.
                    if elements.len() < 2
                        || elements[..elements.len() - 1].iter().all(|e| is_local_reader(e))
                        || command_name(last).is_some_and(|n| matches!(n, "grep" | "egrep" | "fgrep"))
                    {
                        continue;
                    }
                    if first_set.is_some_and(|set| set < i) || protected_by_shell(commands, cmd) {
                        continue;
                    }
                    let range = script.to_source(TextRange::new(cmd.range.start, last.range.end.max(cmd.range.end)));
                    let first = command_name(cmd).unwrap_or("a command");
                    let into = command_name(last).unwrap_or("the next command");
                    out.push(
                        cx.finding(
                            &META,
                            range,
                            format!("if `{first}` fails, this pipe into `{into}` still succeeds and the build goes on"),
                        )
                        .with_help(
                            "add `SHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]` before the RUN, or start the RUN with `set -o pipefail` where the shell supports it",
                        ),
                    );
                    break 'scripts;
                }
            }
        }
        shell_pipefail[stage.index] = on;
    }
}

/// `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`, `["/bin/bash", "-euxo", "pipefail", "-c"]`.
fn shell_sets_pipefail(args: &Arguments) -> bool {
    let Arguments::Exec(words) = args else { return false };
    words
        .windows(2)
        .any(|w| option_o(&w[0].text) && w[1].text == "pipefail")
}

/// `-o` or a cluster ending in `o` (`-eo`, `-euxo`).
fn option_o(s: &str) -> bool {
    s.len() >= 2 && s.starts_with('-') && !s.starts_with("--") && s.ends_with('o')
}

fn sets_pipefail(words: &[Word]) -> bool {
    words
        .windows(2)
        .any(|w| option_o(&w[0].value) && w[1].value == "pipefail")
}

/// Whether pipefail is on when the pipeline starting at `first` runs because (inside
/// `bash -c '…'`) its shell was started with `-o pipefail`. (A `set -o pipefail` earlier in
/// the script is checked by the caller.)
fn protected_by_shell(commands: &[SimpleCommand], first: &SimpleCommand) -> bool {
    if matches!(first.nesting, Nesting::ShC | Nesting::ShellInput) {
        return enclosing(commands, first)
            .any(|(c, _)| command_name(c).is_some_and(is_shell) && sets_pipefail(c.args()));
    }
    false
}
