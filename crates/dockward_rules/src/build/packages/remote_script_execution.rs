use super::command_util::{
    CURL, WGET, command_name, enclosing, is_interpreter, is_python, is_shell, is_verification, parse_args, runs, tokens,
};
use crate::{BuildCx, RunCommand, declare_rule};
use dockward_core::{Finding, TextRange};
use dockward_model::vars::Vars;
use dockward_shell::{Nesting, SimpleCommand, Word};

declare_rule! {
    /// ## What it does
    /// Reports code downloaded and run in one go, with nothing checking what was
    /// downloaded:
    ///
    /// - a download piped into a shell or interpreter: `curl -fsSL $URL | sh`,
    ///   `wget -qO- $URL | sudo bash -`, `curl $URL | python3 -`;
    /// - a download substituted into code: `sh -c "$(curl -fsSL $URL)"`,
    ///   `bash <(curl -s $URL)`, `eval "$(curl $URL)"`, `source <(curl $URL)`;
    /// - a script saved by `curl -o`/`wget -O` and run by a shell or interpreter later in
    ///   the same RUN, when that RUN checks no checksum or signature (`sha256sum -c`,
    ///   `gpg --verify`, …).
    ///
    /// In a built image (`dockward image`): history entries that pipe a download into a shell or an interpreter.
    ///
    /// ## Why is this bad?
    /// Whoever controls the URL — the project, anyone who compromises its server, CDN or
    /// domain, or a network attacker when TLS is weak — controls what runs in your build
    /// with its privileges, and what ends up in the image. A script can even detect that
    /// it is being piped into a shell and serve different content than a browser sees.
    /// Download to a file, check it against a known checksum or signature, then run it.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN curl -fsSL https://get.example.com/install.sh | sh
    /// RUN sh -c "$(curl -fsSL https://get.example.com/other.sh)"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// ARG INSTALL_SH_SHA256=3b1f0f5c6a0d9d4a4e2b6c1f7e8d9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f
    /// RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \
    ///     && echo "${INSTALL_SH_SHA256}  /tmp/install.sh" | sha256sum -c - \
    ///     && sh /tmp/install.sh && rm /tmp/install.sh
    /// ```
    ///
    /// ## References
    /// - CWE-494: Download of Code Without Integrity Check
    pub static META = {
        code: "DW150",
        name: "remote-script-execution",
        category: Image,
        severity: High,
        summary: "downloaded code is run without verifying it",
        references: ["cwe:494", "cwe:829"],
        fix: None,
        models: [Build, Image],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        // Computed on first need: most RUNs download nothing.
        let mut verified: Option<bool> = None;
        let mut saved: Vec<(String, &'static str)> = Vec::new();
        for script in &run.body.scripts {
            let commands = &script.script.commands;
            let mut reported: Vec<TextRange> = Vec::new();
            for d in commands {
                let cmd = RunCommand {
                    stage: run.stage,
                    instruction: run.si,
                    script,
                    command: d,
                };
                let Some(tool) = command_name(d).and_then(downloader) else {
                    // A script saved earlier in this RUN and run now.
                    if !saved.is_empty()
                        && let Some((file, tool)) = runs_saved(d, &saved)
                        && !*verified.get_or_insert_with(|| run.any_command(is_verification))
                    {
                        out.push(cx.finding(
                            &META,
                            cmd.range(),
                            format!("`{file}` was downloaded with `{tool}` and is run without checking a checksum or signature"),
                        ));
                    }
                    continue;
                };
                let output = output_of(tool, d, run.vars());
                if let Output::File(file) = output {
                    saved.push((file, tool));
                    continue;
                }
                if reported.contains(&d.range) {
                    continue;
                }
                // `curl … | sh`
                if let Some(pos) = d.pipeline {
                    let runner = script
                        .script
                        .pipeline_of(d)
                        .filter(|p| p.pipeline.is_some_and(|q| q.index > pos.index))
                        .find(|p| reads_script_from_stdin(p));
                    if let Some(runner) = runner {
                        reported.push(d.range);
                        let name = command_name(runner).unwrap_or("a shell");
                        let range = cmd.source(TextRange::new(d.range.start, runner.range.end.max(d.range.end)));
                        out.push(cx.finding(
                            &META,
                            range,
                            format!("the output of `{tool}` is piped into `{name}` and run without being verified"),
                        ));
                        continue;
                    }
                }
                // `sh -c "$(curl …)"`, `bash <(curl …)`, `eval "$(curl …)"`
                if matches!(d.nesting, Nesting::CommandSubstitution | Nesting::ProcessSubstitution) {
                    // Innermost first; `sh -c "$(curl …)"` is also seen as a re-parsed
                    // `$(curl …)` command with no name: prefer the named runner.
                    let runners: Vec<&SimpleCommand> = enclosing(commands, d)
                        .filter(|(e, word)| executes(e, word, d.nesting))
                        .map(|(e, _)| e)
                        .collect();
                    let Some(first) = runners.first() else { continue };
                    reported.push(d.range);
                    let name = runners
                        .iter()
                        .find_map(|e| command_name(e))
                        .or(command_name(first))
                        .unwrap_or("the shell");
                    out.push(cx.finding(
                        &META,
                        cmd.source(d.range),
                        format!("`{name}` runs what `{tool}` downloads without it being verified"),
                    ));
                }
            }
        }
    }
}

fn downloader(name: &str) -> Option<&'static str> {
    match name {
        "curl" => Some("curl"),
        "wget" => Some("wget"),
        _ => None,
    }
}

enum Output {
    Stdout,
    File(String),
    Unknown,
}

/// Where a download goes: standard output, a named file, or somewhere we cannot tell.
fn output_of(tool: &str, cmd: &SimpleCommand, vars: &Vars) -> Output {
    let toks = tokens(cmd.args(), vars);
    let url_name = || {
        toks.iter()
            .find(|t| t.text.contains("://"))
            .and_then(|t| {
                let path = t.text.split(['?', '#']).next().unwrap_or("");
                path.rsplit('/').next().filter(|n| !n.is_empty()).map(str::to_string)
            })
            .map_or(Output::Unknown, Output::File)
    };
    if tool == "curl" {
        let args = parse_args(&toks, &CURL);
        for a in args.iter().rev() {
            if a.is_short(b'o') || a.is_long("--output") {
                return match a.value() {
                    Some("-") | None => Output::Stdout,
                    Some(file) => Output::File(file.to_string()),
                };
            }
            if a.is_short(b'O') || a.is_long("--remote-name") || a.is_long("--remote-name-all") {
                return url_name();
            }
        }
        Output::Stdout
    } else {
        let args = parse_args(&toks, &WGET);
        for a in args.iter().rev() {
            if a.is_short(b'O') || a.is_long("--output-document") {
                return match a.value() {
                    Some("-" | "/dev/stdout") | None => Output::Stdout,
                    Some(file) => Output::File(file.to_string()),
                };
            }
            if a.is_short(b'P') || a.is_long("--directory-prefix") {
                return Output::Unknown;
            }
        }
        url_name()
    }
}

/// A shell or interpreter that reads its program from standard input: `sh`, `bash -s --
/// args`, `sudo -E bash -`, `python3 -`.
fn reads_script_from_stdin(cmd: &SimpleCommand) -> bool {
    let Some(name) = command_name(cmd) else { return false };
    let args = cmd.args();
    if is_shell(name) {
        if syntax_check_only(args) {
            return false;
        }
        return match script_operand(args, b"oO") {
            (true, _, _) => false,
            (false, stdin_flag, operand) => stdin_flag || operand.is_none_or(|w| w.value == "-"),
        };
    }
    if is_interpreter(name) {
        let code_flags: &[&str] = if is_python(name) {
            &["-c", "-m"]
        } else {
            &["-e", "-E", "-r", "-p", "-R", "-B"]
        };
        if args.iter().any(|w| code_flags.contains(&w.value.as_str())) {
            return false;
        }
        // `php -- --install-dir=…`: no script file, the arguments after `--` are the
        // script's own.
        if name == "php" && args.first().is_some_and(|w| w.value == "--") {
            return true;
        }
        let value_flags: &[u8] = if is_python(name) { b"WX" } else { b"" };
        return script_operand(args, value_flags).2.is_none_or(|w| w.value == "-");
    }
    false
}

/// Walks a shell's (or interpreter's) options: whether `-c` was given, whether `-s`
/// (read from stdin) was, and the first operand.
fn script_operand<'w>(args: &'w [Word], value_letters: &[u8]) -> (bool, bool, Option<&'w Word>) {
    let (mut has_c, mut has_s) = (false, false);
    let mut i = 0;
    while i < args.len() {
        let v = args[i].value.as_str();
        if v == "--" {
            return (has_c, has_s, args.get(i + 1));
        }
        if v.len() > 1 && (v.starts_with('-') || v.starts_with('+')) && !args[i].has_expansion {
            if !v.starts_with("--") {
                has_c |= v.starts_with('-') && v[1..].contains('c');
                has_s |= v.starts_with('-') && v[1..].contains('s');
                if v.bytes().last().is_some_and(|b| value_letters.contains(&b)) {
                    i += 1;
                }
            } else if matches!(v, "--rcfile" | "--init-file") {
                i += 1;
            }
            i += 1;
            continue;
        }
        return (has_c, has_s, Some(&args[i]));
    }
    (has_c, has_s, None)
}

/// `sh -n script`: the shell only checks the syntax and runs nothing.
fn syntax_check_only(args: &[Word]) -> bool {
    args.iter()
        .take_while(|w| w.value.starts_with('-') && w.value != "--")
        .any(|w| !w.value.starts_with("--") && w.value[1..].contains('n'))
}

/// Whether `cmd` runs the text of `word` (which holds a substitution) as code.
fn executes(cmd: &SimpleCommand, word: &Word, nesting: Nesting) -> bool {
    let argv = cmd.effective_argv();
    if argv.first().is_some_and(|w| w.raw == word.raw) {
        return true; // `$(curl …)` as the command itself
    }
    let Some(name) = command_name(cmd) else { return false };
    let args = cmd.args();
    let is_arg = args.iter().any(|w| w.raw == word.raw);
    if matches!(name, "eval" | "source" | ".") {
        return is_arg;
    }
    if !is_arg {
        return false;
    }
    if is_shell(name) {
        let (has_c, _, operand) = script_operand(args, b"oO");
        // `sh -c "$(curl …)"` runs it as code; `bash <(curl …)` runs it as the script file.
        return operand.is_some_and(|w| w.raw == word.raw) && (has_c || nesting == Nesting::ProcessSubstitution);
    }
    if is_interpreter(name) {
        let code_flags: &[&str] = if is_python(name) { &["-c"] } else { &["-e", "-E", "-r"] };
        let after_flag = args
            .windows(2)
            .any(|w| code_flags.contains(&w[0].value.as_str()) && w[1].raw == word.raw);
        let script = nesting == Nesting::ProcessSubstitution
            && script_operand(args, if is_python(name) { b"WX" } else { b"" })
                .2
                .is_some_and(|w| w.raw == word.raw);
        return after_flag || script;
    }
    false
}

/// Script suffixes that say a saved file is code to run.
const SCRIPT_SUFFIXES: [&str; 6] = [".sh", ".bash", ".py", ".pl", ".rb", ".run"];

/// Whether `cmd` runs a file saved by an earlier download of the RUN: `sh install.sh`,
/// `python3 get-pip.py`, `./install.sh`.
fn runs_saved<'s>(cmd: &SimpleCommand, saved: &'s [(String, &'static str)]) -> Option<(&'s str, &'static str)> {
    let argv = cmd.effective_argv();
    let first = argv.first()?;
    let same = |w: &Word, file: &str| {
        let a = w.value.strip_prefix("./").unwrap_or(&w.value);
        let b = file.strip_prefix("./").unwrap_or(file);
        a == b
    };
    let find = |w: &Word| saved.iter().find(|(f, _)| same(w, f)).map(|(f, t)| (f.as_str(), *t));
    if first.value.contains('/')
        && SCRIPT_SUFFIXES.iter().any(|s| first.value.ends_with(s))
        && let Some(hit) = find(first)
    {
        return Some(hit);
    }
    let name = command_name(cmd)?;
    if is_shell(name) && syntax_check_only(cmd.args()) {
        return None;
    }
    if is_shell(name) || is_interpreter(name) {
        let letters: &[u8] = if is_python(name) {
            b"WX"
        } else if is_shell(name) {
            b"oO"
        } else {
            b""
        };
        let (has_c, _, operand) = script_operand(cmd.args(), letters);
        if !has_c && let Some(op) = operand {
            return find(op);
        }
    }
    None
}
