//! What a command *runs*: wrapper skipping (`sudo`, `env`, `nice` …) and recognition of
//! shells that are handed code as a string (`sh -c '…'`, `su -c '…'`) or on stdin.

use crate::ast::SimpleCommand;
use crate::words::{Word, basename};
use dockward_core::TextRange;

/// Shells whose `-c` string (or heredoc on stdin) is shell code.
const SHELLS: &[&str] = &[
    "sh",
    "bash",
    "dash",
    "zsh",
    "ash",
    "ksh",
    "mksh",
    "lksh",
    "yash",
    "posh",
    "busybox-sh",
];

pub(crate) fn is_shell(name: &str) -> bool {
    SHELLS.contains(&name)
}

/// How to skip one wrapper's own options.
struct WrapperSpec {
    /// Short options that take a value (`-u USER`).
    short_value: &'static [u8],
    /// Long options that take a separate value (`--user USER`).
    long_value: &'static [&'static str],
    /// Positional arguments before the wrapped command (`timeout DURATION`, `gosu USER`).
    positionals: usize,
    /// `NAME=value` words may precede the command (`env`, `sudo`).
    assignments: bool,
}

const fn spec(
    short_value: &'static [u8],
    long_value: &'static [&'static str],
    positionals: usize,
    assignments: bool,
) -> WrapperSpec {
    WrapperSpec {
        short_value,
        long_value,
        positionals,
        assignments,
    }
}

fn wrapper(name: &str) -> Option<WrapperSpec> {
    Some(match name {
        "sudo" => spec(
            b"ugCDhprtTU",
            &[
                "--user",
                "--group",
                "--close-from",
                "--chdir",
                "--host",
                "--prompt",
                "--role",
                "--type",
                "--command-timeout",
                "--other-user",
            ],
            0,
            true,
        ),
        "doas" => spec(b"uC", &[], 0, false),
        "env" => spec(b"uCS", &["--unset", "--chdir", "--split-string"], 0, true),
        "exec" => spec(b"a", &[], 0, false),
        "builtin" | "nohup" | "eatmydata" | "setsid" | "unbuffer" | "catchsegv" => spec(b"", &[], 0, false),
        "nice" => spec(b"n", &["--adjustment"], 0, false),
        "time" => spec(b"fo", &["--format", "--output"], 0, false),
        "timeout" => spec(b"sk", &["--signal", "--kill-after"], 1, false),
        "stdbuf" => spec(b"ioe", &["--input", "--output", "--error"], 0, false),
        "ionice" => spec(
            b"cnpPu",
            &["--class", "--classdata", "--pid", "--pgid", "--uid"],
            0,
            false,
        ),
        "chroot" => spec(b"", &["--userspec", "--groups"], 1, false),
        "gosu" | "su-exec" => spec(b"", &[], 1, false),
        "tini" | "tini-static" => spec(b"pe", &[], 0, false),
        "dumb-init" => spec(b"r", &["--rewrite"], 0, false),
        "busybox" => spec(b"", &[], 0, false),
        _ => return None,
    })
}

/// argv with command wrappers skipped (at most 16 levels): `sudo -u x env A=1 nice -n 5
/// apt-get install` → `apt-get install`. `command -v x` / `command -V x` only look a
/// command up and are returned unchanged.
pub fn effective_argv(words: &[Word]) -> &[Word] {
    let mut w = words;
    for _ in 0..16 {
        let Some(first) = w.first() else { return w };
        if first.has_expansion {
            return w;
        }
        let name = basename(&first.value);
        if name == "command" {
            let rest = &w[1..];
            let mut i = 0;
            while i < rest.len() && rest[i].value.starts_with('-') && rest[i].value.len() > 1 {
                if rest[i].value.contains('v') || rest[i].value.contains('V') {
                    return w;
                }
                i += 1;
            }
            if i >= rest.len() {
                return w;
            }
            w = &rest[i..];
            continue;
        }
        let Some(spec) = wrapper(name) else { return w };
        let rest = skip_wrapper_args(&w[1..], &spec);
        if rest.is_empty() {
            // `sudo -v`, `env` alone: the wrapper itself is the command.
            return w;
        }
        w = rest;
    }
    w
}

fn skip_wrapper_args<'w>(args: &'w [Word], spec: &WrapperSpec) -> &'w [Word] {
    let mut i = 0;
    while i < args.len() {
        let v = args[i].value.as_str();
        if v == "--" {
            i += 1;
            break;
        }
        if v == "-" && spec.assignments {
            // `env -` = `env -i`
            i += 1;
            continue;
        }
        if let Some(long) = v.strip_prefix("--") {
            if !long.contains('=') && spec.long_value.contains(&v) {
                i += 1;
            }
            i += 1;
            continue;
        }
        if v.len() > 1 && v.starts_with('-') {
            let flags = &v.as_bytes()[1..];
            for (k, c) in flags.iter().enumerate() {
                if spec.short_value.contains(c) {
                    if k + 1 == flags.len() {
                        i += 1; // value is the next word
                    }
                    break; // value attached (`-uroot`) or consumed
                }
            }
            i += 1;
            continue;
        }
        break;
    }
    if spec.assignments {
        while i < args.len() && crate::lexer::is_assignment_prefix(&args[i].value) {
            i += 1;
        }
    }
    let skip = (i + spec.positionals).min(args.len());
    &args[skip..]
}

/// For a command that runs shell code given as a string argument, the index (into
/// `words`) of that argument and the byte offset inside its value where the code starts.
pub(crate) fn shell_c_target(words: &[Word]) -> Option<(usize, usize)> {
    let argv = effective_argv(words);
    let base = words.len() - argv.len();
    let first = argv.first()?;
    if first.has_expansion {
        return None;
    }
    let name = basename(&first.value);
    if is_shell(name) {
        let (has_c, i) = scan_shell_options(argv);
        return (has_c && i < argv.len()).then_some((base + i, 0));
    }
    if name == "su" || name == "runuser" {
        let mut i = 1;
        while i < argv.len() {
            let v = argv[i].value.as_str();
            if v == "-c" || v == "--command" {
                return (i + 1 < argv.len()).then_some((base + i + 1, 0));
            }
            if let Some(rest) = v.strip_prefix("--command=") {
                let _ = rest;
                return Some((base + i, "--command=".len()));
            }
            if v.len() > 2
                && v.starts_with('-')
                && !v.starts_with("--")
                && v.ends_with('c')
                && v[1..].bytes().all(|c| c.is_ascii_alphabetic())
            {
                return (i + 1 < argv.len()).then_some((base + i + 1, 0));
            }
            if matches!(
                v,
                "-s" | "--shell" | "-g" | "--group" | "-G" | "--supp-group" | "-w" | "--whitelist-environment"
            ) {
                i += 1;
            }
            i += 1;
        }
    }
    None
}

/// Walks a shell's options; returns whether `-c` was given and the index of the first
/// operand.
fn scan_shell_options(argv: &[Word]) -> (bool, usize) {
    let mut has_c = false;
    let mut i = 1;
    while i < argv.len() {
        let v = argv[i].value.as_str();
        if v == "--" {
            i += 1;
            break;
        }
        if v.len() > 1 && (v.starts_with('-') || v.starts_with('+')) {
            if v.starts_with("--") {
                if matches!(v, "--rcfile" | "--init-file") {
                    i += 1;
                }
                i += 1;
                continue;
            }
            let flags = &v[1..];
            if v.starts_with('-') && flags.contains('c') {
                has_c = true;
            }
            if flags.ends_with('o') || flags.ends_with('O') {
                i += 1; // `-o pipefail`
            }
            i += 1;
            continue;
        }
        break;
    }
    (has_c, i)
}

/// For `bash <<EOF … EOF` (a shell reading its script from a heredoc): the body.
pub(crate) fn shell_stdin_heredoc(cmd: &SimpleCommand) -> Option<TextRange> {
    let argv = cmd.effective_argv();
    let first = argv.first()?;
    if first.has_expansion || !is_shell(basename(&first.value)) {
        return None;
    }
    let (has_c, i) = scan_shell_options(argv);
    let reads_stdin = !has_c
        && (i >= argv.len()
            || argv[1..i]
                .iter()
                .any(|w| w.value.contains('s') && w.value.starts_with('-')));
    if !reads_stdin {
        return None;
    }
    cmd.redirects
        .iter()
        .find(|r| r.op.is_heredoc() && matches!(r.fd, None | Some(0)))
        .and_then(|r| r.heredoc_body)
}
