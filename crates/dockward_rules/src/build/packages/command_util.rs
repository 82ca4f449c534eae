//! Recognising package managers, downloaders and their options in RUN commands, shared by
//! the rules of this group.
//!
//! Everything here reads the parsed shell ([`RunCommand`]): a command is recognised by its
//! effective name (wrappers such as `sudo` or `env` skipped), its arguments are walked with
//! the option grammar of the program (which short options take a value, which long ones
//! take the next word), and `$VAR` arguments are expanded with the ARG/ENV values known at
//! the instruction. An argument whose value cannot be known is reported as such, so a rule
//! can stay silent instead of guessing.

use crate::{BuildCx, RunCommand};
use dockward_core::{Edit, TextRange};
use dockward_dockerfile::Keyword;
use dockward_model::build::{RunBody, ScriptSource, Stage, StageInstruction};
use dockward_model::vars::Vars;
use dockward_shell::{Expansions, Nesting, SimpleCommand, Word};
use std::borrow::Cow;

/// One RUN instruction and its parsed body.
#[derive(Clone, Copy)]
pub(crate) struct Run<'a> {
    pub stage: &'a Stage<'a>,
    pub si: &'a StageInstruction<'a>,
    pub body: &'a RunBody<'a>,
}

/// Every RUN of every stage, in file order.
pub(crate) fn runs<'a>(cx: &BuildCx<'a>) -> impl Iterator<Item = Run<'a>> + 'a {
    cx.instructions()
        .filter_map(|(stage, si)| si.run.as_ref().map(|body| Run { stage, si, body }))
}

impl<'a> Run<'a> {
    /// Every simple command, in the order the shell meets them: the RUN line, then each
    /// heredoc body; inside one text, by position (an enclosing command before the ones
    /// nested in its words).
    pub fn commands(self) -> impl Iterator<Item = RunCommand<'a>> + 'a {
        let Run { stage, si, body } = self;
        body.scripts.iter().flat_map(move |script| {
            script.script.commands.iter().map(move |command| RunCommand {
                stage,
                instruction: si,
                script,
                command,
            })
        })
    }

    /// The ARG/ENV values visible to this RUN.
    pub fn vars(&self) -> &'a Vars {
        &self.si.vars
    }

    /// Whether a `--mount=type=cache` (or `tmpfs`) covers one of `paths`: what is written
    /// there never reaches the image.
    pub fn mounts_cache_over(&self, paths: &[&str]) -> bool {
        self.si.instruction.flags_named("mount").any(|flag| {
            let kind = flag.option("type").and_then(|o| o.value.as_deref());
            if !matches!(kind, Some("cache" | "tmpfs")) {
                return false;
            }
            ["target", "dst", "destination"]
                .iter()
                .filter_map(|k| flag.option(k).and_then(|o| o.value.as_deref()))
                .any(|target| paths.iter().any(|p| path_covers(target, p)))
        })
    }

    /// Whether any command of this RUN (anywhere, any nesting) satisfies `pred`.
    pub fn any_command(self, mut pred: impl FnMut(&SimpleCommand) -> bool) -> bool {
        self.body
            .scripts
            .iter()
            .any(|s| s.script.commands.iter().any(&mut pred))
    }
}

/// Whether removing or mounting over `path` takes `target` with it: `path` is `target` or
/// one of its parent folders (trailing `/`, `/*` ignored).
pub(crate) fn path_covers(path: &str, target: &str) -> bool {
    let p = path.trim_end_matches('*').trim_end_matches('/');
    if p.len() < 4 {
        return false;
    }
    let t = target.trim_end_matches('/');
    t == p || (t.starts_with(p) && t.as_bytes().get(p.len()) == Some(&b'/'))
}

/// `rm` (or `find … -delete`) of `target` or a folder above it.
pub(crate) fn removes(cmd: &SimpleCommand, targets: &[&str]) -> bool {
    removes_named(cmd, command_name(cmd).unwrap_or(""), targets)
}

/// [`removes`] for a command whose name is already known.
pub(crate) fn removes_named(cmd: &SimpleCommand, name: &str, targets: &[&str]) -> bool {
    match name {
        "rm" => cmd
            .args()
            .iter()
            .any(|w| !w.value.starts_with('-') && targets.iter().any(|t| path_covers(&w.value, t))),
        "find" => {
            let args = cmd.args();
            args.first()
                .is_some_and(|w| targets.iter().any(|t| path_covers(&w.value, t)))
                && args.iter().any(|w| w.value == "-delete" || w.value == "rm")
        }
        _ => false,
    }
}

/// Stages whose file system ends up in the final image: the final stage and the stages it
/// is built `FROM`, by index. Files copied out of other stages carry no package caches.
pub(crate) fn final_image_stages(cx: &BuildCx<'_>) -> Vec<bool> {
    // A snippet's implicit stage is checked as if it ended up in an image: that is what
    // the file will be pasted into.
    let mut in_image: Vec<bool> = cx.build.stages.iter().map(|s| s.implicit).collect();
    let mut current = cx.build.final_stage;
    while let Some(i) = current {
        if i >= in_image.len() || std::mem::replace(&mut in_image[i], true) {
            break;
        }
        current = cx.build.stages[i].base_stage;
    }
    in_image
}

/// Per stage, whether it (or the stage it is built from, and so on) starts from an Alpine or
/// BusyBox image, whose `wget` is BusyBox's. One pass in stage order: a stage is built only
/// on an earlier one, so its base's answer is already known.
pub(crate) fn busybox_userland_stages(cx: &BuildCx<'_>) -> Vec<bool> {
    let mut out: Vec<bool> = Vec::with_capacity(cx.build.stages.len());
    for stage in &cx.build.stages {
        let inherited = stage.base_stage.and_then(|b| out.get(b).copied());
        out.push(inherited.unwrap_or_else(|| {
            let base = &stage.base;
            let name = format!("{}:{}", base.path, base.tag.as_deref().unwrap_or("")).to_ascii_lowercase();
            name.contains("alpine") || name.contains("busybox")
        }));
    }
    out
}

/// One argument with its value after `$VAR` expansion.
#[derive(Debug)]
pub(crate) struct Tok<'w> {
    pub text: Cow<'w, str>,
    pub word: &'w Word,
    /// The text is what the program receives; false for `$VAR` without a known value,
    /// `$(…)` and the like.
    pub known: bool,
}

/// The words of `args` as the program receives them: literal words as they are, `$VAR`
/// words expanded with `vars` (split on blanks when unquoted), anything else unknown.
pub(crate) fn tokens<'w>(args: &'w [Word], vars: &Vars) -> Vec<Tok<'w>> {
    let mut out = Vec::with_capacity(args.len());
    for word in args {
        let e = word.expansions;
        if !(e.intersects(Expansions::PARAMETER)
            || e.intersects(Expansions::COMMAND)
            || e.intersects(Expansions::ARITHMETIC)
            || e.intersects(Expansions::PROCESS))
        {
            out.push(Tok {
                text: Cow::Borrowed(&word.value),
                word,
                known: true,
            });
            continue;
        }
        let unknown = Tok {
            text: Cow::Borrowed(&word.value),
            word,
            known: false,
        };
        if e.intersects(Expansions::COMMAND)
            || e.intersects(Expansions::ARITHMETIC)
            || e.intersects(Expansions::PROCESS)
        {
            out.push(unknown);
            continue;
        }
        let expanded = vars.expand(&word.value);
        if expanded.unknown {
            out.push(unknown);
        } else if word.quoted {
            out.push(Tok {
                text: Cow::Owned(expanded.text),
                word,
                known: true,
            });
        } else {
            for part in expanded.text.split_ascii_whitespace() {
                out.push(Tok {
                    text: Cow::Owned(part.to_string()),
                    word,
                    known: true,
                });
            }
        }
    }
    out
}

/// A program's option grammar: which options take a value.
pub(crate) struct Spec {
    /// Short options that take a value, attached (`-oFoo`) or as the next word.
    pub short_value: &'static [u8],
    /// Long options that take the next word as value when written without `=`.
    pub long_value: &'static [&'static str],
}

/// One parsed argument. `at` indexes the token it came from.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Arg<'t> {
    /// One letter of a `-abc` cluster; `value` when the letter takes one.
    Short {
        letter: u8,
        value: Option<&'t str>,
        at: usize,
    },
    /// `--name`, `--name=value` or `--name value`; `name` keeps its dashes.
    Long {
        name: &'t str,
        value: Option<&'t str>,
        at: usize,
    },
    Operand {
        text: &'t str,
        at: usize,
    },
    /// An argument whose value is not known: it may be any options or operands.
    Unknown {
        at: usize,
    },
}

impl<'t> Arg<'t> {
    pub fn is_long(&self, name: &str) -> bool {
        matches!(self, Arg::Long { name: n, .. } if *n == name)
    }

    pub fn is_short(&self, letter: u8) -> bool {
        matches!(self, Arg::Short { letter: l, .. } if *l == letter)
    }

    pub fn value(&self) -> Option<&'t str> {
        match self {
            Arg::Short { value, .. } | Arg::Long { value, .. } => *value,
            _ => None,
        }
    }

    pub fn operand(&self) -> Option<&'t str> {
        match self {
            Arg::Operand { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn at(&self) -> usize {
        match self {
            Arg::Short { at, .. } | Arg::Long { at, .. } | Arg::Operand { at, .. } | Arg::Unknown { at } => *at,
        }
    }
}

/// Walks `toks` with the option grammar `spec`. A bare `--` ends the options; `-` alone is
/// an operand.
pub(crate) fn parse_args<'t>(toks: &'t [Tok<'_>], spec: &Spec) -> Vec<Arg<'t>> {
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    let mut operands_only = false;
    while i < toks.len() {
        let tok = &toks[i];
        let at = i;
        i += 1;
        if !tok.known {
            out.push(Arg::Unknown { at });
            continue;
        }
        let s: &'t str = &tok.text;
        if operands_only || s.len() < 2 || !s.starts_with('-') {
            out.push(Arg::Operand { text: s, at });
            continue;
        }
        if s == "--" {
            operands_only = true;
            continue;
        }
        if s.starts_with("--") {
            match s.split_once('=') {
                Some((name, value)) => out.push(Arg::Long {
                    name,
                    value: Some(value),
                    at,
                }),
                None => {
                    let value = if spec.long_value.contains(&s) && i < toks.len() {
                        i += 1;
                        Some(&*toks[i - 1].text)
                    } else {
                        None
                    };
                    out.push(Arg::Long { name: s, value, at });
                }
            }
            continue;
        }
        let bytes = s.as_bytes();
        let mut k = 1;
        while k < bytes.len() {
            let letter = bytes[k];
            let rest = s.get(k + 1..).unwrap_or("");
            if spec.short_value.contains(&letter) {
                let attached = rest.strip_prefix('=').unwrap_or(rest);
                let value = if !attached.is_empty() {
                    Some(attached)
                } else if i < toks.len() {
                    i += 1;
                    Some(&*toks[i - 1].text)
                } else {
                    None
                };
                out.push(Arg::Short { letter, value, at });
                break;
            }
            if let Some(value) = rest.strip_prefix('=') {
                out.push(Arg::Short {
                    letter,
                    value: Some(value),
                    at,
                });
                break;
            }
            out.push(Arg::Short {
                letter,
                value: None,
                at,
            });
            k += 1;
        }
    }
    out
}

/// An option's value and the token it came from (the option's own, when attached, or the
/// next one).
pub(crate) fn value_at<'t>(toks: &'t [Tok<'_>], a: &Arg<'t>) -> Option<(&'t str, usize)> {
    let value = a.value()?;
    let next = a.at() + 1;
    let in_next = toks.get(next).is_some_and(|t| {
        let range = t.text.as_ptr() as usize..t.text.as_ptr() as usize + t.text.len() + 1;
        range.contains(&(value.as_ptr() as usize))
    });
    Some((value, if in_next { next } else { a.at() }))
}

/// Whether any argument's value cannot be known (it might hold the option a rule looks for).
pub(crate) fn has_unknown(args: &[Arg<'_>]) -> bool {
    args.iter().any(|a| matches!(a, Arg::Unknown { .. }))
}

/// The operands, in order.
pub(crate) fn operands<'a, 't>(args: &'a [Arg<'t>]) -> impl Iterator<Item = (&'t str, usize)> + 'a {
    args.iter().filter_map(|a| match a {
        Arg::Operand { text, at } => Some((*text, *at)),
        _ => None,
    })
}

/// The index in `args` of the first operand (the subcommand of `apt-get`, `apk`, `yum`…).
pub(crate) fn subcommand_index(args: &[Arg<'_>]) -> Option<usize> {
    args.iter()
        .position(|a| matches!(a, Arg::Operand { .. } | Arg::Unknown { .. }))
}

/// The subcommand text when the first operand is known.
pub(crate) fn subcommand<'t>(args: &[Arg<'t>]) -> Option<(usize, &'t str)> {
    let i = subcommand_index(args)?;
    args[i].operand().map(|s| (i, s))
}

/// A file range for a finding about a command: from its (effective) name to `last`.
pub(crate) fn span_to(cmd: &RunCommand<'_>, last: &Word) -> TextRange {
    let first = cmd.command.effective_argv().first().map_or(last.raw, |w| w.raw);
    if last.raw.start < first.start {
        return cmd.source(last.raw);
    }
    let a = cmd.source(first);
    let b = cmd.source(last.raw);
    if b.end >= a.start {
        TextRange::new(a.start, b.end)
    } else {
        a
    }
}

/// The file range of the command's name.
pub(crate) fn name_range(cmd: &RunCommand<'_>) -> TextRange {
    cmd.command
        .effective_argv()
        .first()
        .map_or_else(|| cmd.range(), |w| cmd.source(w.raw))
}

/// An edit inserting `text` right after `word`, when the word's bytes in the file are
/// exactly its value (no quotes, no continuation inside, not an exec-form string), so the
/// insertion lands where a reader expects it.
pub(crate) fn insert_after(cx: &BuildCx<'_>, cmd: &RunCommand<'_>, word: &Word, text: &str) -> Option<Edit> {
    if matches!(cmd.script.source, ScriptSource::Whole(_)) || !word.is_plain() {
        return None;
    }
    let at = cmd.source(word.raw);
    (at.slice(cx.text) == word.value).then(|| Edit::insert(at.end, text.to_string()))
}

/// Lists names for a message: "`a`", "`a` and `b`", "`a`, `b` and 3 more".
pub(crate) fn list_names<S: AsRef<str>>(names: &[S]) -> String {
    let quoted: Vec<String> = names.iter().take(2).map(|n| format!("`{}`", n.as_ref())).collect();
    match names.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        2 => format!("{} and {}", quoted[0], quoted[1]),
        n => format!("{}, {} and {} more", quoted[0], quoted[1], n - 2),
    }
}

/// Shells that run a script given on stdin, as a file, or with `-c`.
pub(crate) const SHELLS: &[&str] = &["sh", "bash", "dash", "zsh", "ash", "ksh", "mksh", "busybox"];

pub(crate) fn is_shell(name: &str) -> bool {
    SHELLS.contains(&name)
}

/// `python`, `python3`, `python3.12`.
pub(crate) fn is_python(name: &str) -> bool {
    name.strip_prefix("python")
        .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Script interpreters other than shells.
pub(crate) fn is_interpreter(name: &str) -> bool {
    is_python(name) || matches!(name, "perl" | "ruby" | "node" | "nodejs" | "php")
}

/// The `pip` arguments of `pip …`, `pip3 …`, `python3 -m pip …`; `None` for other commands.
pub(crate) fn pip_args(cmd: &SimpleCommand) -> Option<&[Word]> {
    let name = command_name(cmd)?;
    if name
        .strip_prefix("pip")
        .is_some_and(|v| v.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
    {
        return Some(cmd.args());
    }
    if is_python(name) {
        let args = cmd.args();
        let m = args.iter().position(|w| w.value == "-m")?;
        if args.get(m + 1).is_some_and(|w| w.value == "pip") {
            return Some(&args[m + 2..]);
        }
    }
    None
}

/// Whether the command runs a tool that verifies a download: a checksum tool or a signature
/// check.
pub(crate) fn is_verification(cmd: &SimpleCommand) -> bool {
    let Some(name) = command_name(cmd) else { return false };
    matches!(
        name,
        "sha1sum"
            | "sha224sum"
            | "sha256sum"
            | "sha384sum"
            | "sha512sum"
            | "shasum"
            | "md5sum"
            | "b2sum"
            | "gpg"
            | "gpgv"
            | "gpg2"
            | "cosign"
            | "minisign"
            | "signify"
            | "slsa-verifier"
            | "sq"
    ) || (name == "openssl" && cmd.args().first().is_some_and(|w| w.value == "dgst"))
        || (name == "rpm" && cmd.args().iter().any(|w| w.value == "--checksig" || w.value == "-K"))
}

/// `NAME=value` assignments a command sets: its own prefix assignments, `env NAME=value`
/// wrapper words and `export NAME=value` arguments. Yields the word and the split name,
/// value (quotes removed, expansions left as written).
pub(crate) fn assignments(cmd: &SimpleCommand) -> impl Iterator<Item = (&Word, &str, &str)> {
    let argv_start = cmd.words.len() - cmd.effective_argv().len();
    let exported: &[Word] = match command_name(cmd) {
        Some("export" | "declare" | "typeset" | "readonly") => cmd.args(),
        _ => &[],
    };
    cmd.assignments
        .iter()
        .chain(cmd.words[..argv_start].iter())
        .chain(exported.iter())
        .filter_map(|w| {
            let (name, value) = w.value.split_once('=')?;
            let valid = !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !name.as_bytes()[0].is_ascii_digit();
            valid.then_some((w, name, value))
        })
}

/// ENV pairs and ARG defaults of the whole file (global ARGs included): the name, its
/// value as written (one level of quotes removed), and the range of the pair.
pub(crate) fn declared_env<'a>(cx: &BuildCx<'a>) -> impl Iterator<Item = (&'a str, &'a str, TextRange)> + 'a {
    let build = cx.build;
    build
        .global_args
        .iter()
        .copied()
        .chain(
            build
                .stages
                .iter()
                .flat_map(|s| s.instructions.iter().map(|si| si.instruction)),
        )
        .flat_map(|instruction| {
            let pairs = instruction
                .args
                .key_values()
                .iter()
                .filter(|_| instruction.keyword == Keyword::Env);
            let env = pairs.map(|p| (p.key.text.as_str(), strip_quotes(&p.value.text), p.range));
            let args: &[dockward_dockerfile::Word] = if instruction.keyword == Keyword::Arg {
                instruction.args.words()
            } else {
                &[]
            };
            let arg = args.iter().filter_map(|w| {
                let (name, value) = w.text.split_once('=')?;
                Some((name, strip_quotes(value), w.range))
            });
            env.chain(arg)
        })
}

/// One level of matching quotes removed, as BuildKit does for ENV and ARG values.
fn strip_quotes(s: &str) -> &str {
    let b = s.as_bytes();
    if b.len() >= 2 && (b[0] == b'"' || b[0] == b'\'') && b[b.len() - 1] == b[0] {
        &s[1..s.len() - 1]
    } else {
        s
    }
}
/// [`SimpleCommand::name`] with a fast path for the common case, a first word that is no
/// wrapper: every rule here asks every command its name, so this is the hottest call.
pub(crate) fn command_name(c: &SimpleCommand) -> Option<&str> {
    c.name()
}

/// Whether a command runs at the top level of the RUN (not in a subshell, a function body,
/// a substitution or a re-parsed `sh -c` string).
pub(crate) fn at_top(cmd: &SimpleCommand) -> bool {
    cmd.nesting == Nesting::Top
}

/// The commands of the same script whose words contain `inner` (enclosing it), innermost
/// first.
pub(crate) fn enclosing<'s>(
    commands: &'s [SimpleCommand],
    inner: &SimpleCommand,
) -> impl Iterator<Item = (&'s SimpleCommand, &'s Word)> + 's {
    let range = inner.range;
    let mut found: Vec<(&SimpleCommand, &Word)> = commands
        .iter()
        .filter(|c| !std::ptr::eq(*c, inner) && c.range.contains_range(range) && c.range != range)
        .filter_map(|c| {
            c.words
                .iter()
                .find(|w| w.raw.contains_range(range) && w.raw != range)
                .map(|w| (c, w))
        })
        .collect();
    found.sort_by_key(|(c, _)| std::cmp::Reverse(c.range.start));
    found.into_iter()
}

/// Looks for settings that switch off a verification in configuration text written into a
/// file (`echo 'gpgcheck=0' >> /etc/yum.conf`, a heredoc into `.npmrc`). Returns what the
/// setting disables.
pub(crate) fn config_text_disables(text: &str) -> Option<ConfigFinding> {
    // Every key below contains one of these: skip the common case without allocating.
    let b = text.as_bytes();
    let mentions = |k: &str| b.windows(k.len()).any(|w| w.eq_ignore_ascii_case(k.as_bytes()));
    if !["check", "ssl", "verify", "trust", "allow"].iter().any(|k| mentions(k)) {
        return None;
    }
    let lower = text.to_ascii_lowercase();
    let l = lower.as_str();
    for (key, kind, falsy) in [
        ("gpgcheck", Disables::Signature, true),
        ("sslverify", Disables::Tls, true),
        ("strict-ssl", Disables::Tls, true),
        ("check_certificate", Disables::Tls, true),
        ("verify-peer", Disables::Tls, true),
        ("verify-host", Disables::Tls, true),
        ("trusted-host", Disables::Tls, false),
        ("allowunauthenticated", Disables::Signature, false),
        ("allowinsecurerepositories", Disables::Signature, false),
        ("trusted", Disables::Signature, false),
        ("allow-insecure", Disables::Signature, false),
    ] {
        let mut from = 0;
        while let Some(pos) = l[from..].find(key) {
            let start = from + pos;
            from = start + key.len();
            let mut before = l[..start].bytes().rev();
            let (b1, b2) = (before.next(), before.next());
            // `\ngpgcheck=0` in a printf format: the escape is a line break.
            let escaped = b2 == Some(b'\\') && matches!(b1, Some(b'n' | b't' | b'r'));
            if !escaped && b1.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
                continue; // `repo_gpgcheck`, `nosslverify`
            }
            // Skip `=`, `:`, blanks and quotes up to the value.
            let rest = l[from..].trim_start_matches([' ', '\t', '=', ':', '"', '\'']);
            let sep = &l[from..from + (l.len() - from - rest.len())];
            if !sep.contains('=') && !sep.contains(' ') && !sep.contains('"') {
                continue;
            }
            let value: &str = rest
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '*'))
                .next()
                .unwrap_or("");
            let hit = if falsy {
                matches!(value, "0" | "false" | "no" | "off")
            } else if key == "trusted" || key == "allow-insecure" {
                // apt sources: `deb [arch=amd64 trusted=yes] https://…`. A local
                // `file:` repository built in the same step is not a download.
                let line_start = l[..start].rfind('\n').map_or(0, |i| i + 1);
                let line = &l[line_start..start];
                let after = &l[from..];
                let uri = after.split_once(']').map_or("", |(_, u)| u.trim_start());
                value == "yes"
                    && sep == "="
                    && line.rfind('[').is_some_and(|b| !line[b..].contains(']'))
                    && !uri.starts_with("file:")
                    && !uri.starts_with("copy:")
            } else if key == "trusted-host" {
                !value.is_empty() && sep.contains('=')
            } else {
                matches!(value, "1" | "true" | "yes")
            };
            if hit {
                let end = from + sep.len() + value.len();
                return Some(ConfigFinding {
                    kind,
                    setting: text[start..end].to_string(),
                    at: start..end,
                });
            }
        }
    }
    None
}

/// What a configuration setting switches off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Disables {
    Tls,
    Signature,
}

#[derive(Debug)]
pub(crate) struct ConfigFinding {
    pub kind: Disables,
    /// The setting as written (`gpgcheck=0`).
    pub setting: String,
    /// Its byte range in the text.
    pub at: std::ops::Range<usize>,
}

/// What setting an environment variable to `value` switches off, if anything.
pub(crate) fn env_disables(name: &str, value: &str) -> Option<Disables> {
    let known = !value.contains('$');
    let v = value.trim();
    let is = |n: &str| name.eq_ignore_ascii_case(n);
    if is("GIT_SSL_NO_VERIFY") {
        // git: any value, even empty or "false", turns verification off.
        return Some(Disables::Tls);
    }
    let tls = ((is("NODE_TLS_REJECT_UNAUTHORIZED") || is("PYTHONHTTPSVERIFY")) && known && v == "0")
        || ((is("NPM_CONFIG_STRICT_SSL") || is("YARN_STRICT_SSL")) && known && falsy(v))
        || ((is("PIP_TRUSTED_HOST") || is("GOINSECURE")) && !v.is_empty())
        || (is("GOFLAGS") && v.split_ascii_whitespace().any(|f| f == "-insecure"));
    if tls {
        return Some(Disables::Tls);
    }
    (is("GOSUMDB") && known && v == "off").then_some(Disables::Signature)
}

/// Whether a text (the replacement of a `sed` `s///` expression, or the argument itself)
/// switches a verification off; for `sed`, only what it writes counts.
pub(crate) fn sed_replacement(expr: &str) -> &str {
    let b = expr.as_bytes();
    if b.len() > 2 && b[0] == b's' && !b[1].is_ascii_alphanumeric() && b[1].is_ascii() {
        let delim = b[1] as char;
        let mut parts = expr[2..].split(delim);
        let _pattern = parts.next();
        return parts.next().unwrap_or("");
    }
    expr
}

/// The texts a command writes into files: `echo`/`printf` arguments, what `sed`
/// substitutes, and heredoc bodies given to the command (`cat > f <<EOF`), with their
/// file ranges.
pub(crate) fn written_texts<'c>(cx: &'c BuildCx<'_>, cmd: &'c RunCommand<'_>) -> Vec<(Cow<'c, str>, TextRange)> {
    let mut out = Vec::new();
    match command_name(cmd.command) {
        Some("echo" | "printf") => {
            for w in cmd.command.args() {
                out.push((Cow::Borrowed(w.value.as_str()), cmd.source(w.raw)));
            }
        }
        Some("sed") => {
            for w in cmd.command.args() {
                out.push((Cow::Borrowed(sed_replacement(&w.value)), cmd.source(w.raw)));
            }
        }
        _ => {}
    }
    if !matches!(cmd.script.source, ScriptSource::Whole(_)) {
        for r in &cmd.command.redirects {
            if let Some(body) = r.heredoc_body {
                let at = cmd.source(body);
                if let Some(text) = cx.text.get(at.as_usize_range()) {
                    out.push((Cow::Borrowed(text), at));
                }
            }
        }
    }
    out
}

/// Verification switched off in configuration text a RUN writes: `echo`, `printf`, `sed`
/// and shell heredocs, plus the Dockerfile heredocs of a RUN that feeds them to a command
/// as data (`RUN cat > /etc/yum.repos.d/x.repo <<EOF`). Each finding comes with the file
/// range of the setting (or of the word holding it).
pub(crate) fn config_findings(cx: &BuildCx<'_>, run: Run<'_>) -> Vec<(ConfigFinding, TextRange)> {
    let mut out = Vec::new();
    let mut push = |text: &str, range: TextRange| {
        if let Some(f) = config_text_disables(text) {
            let exact = cx.text.get(range.as_usize_range()) == Some(text);
            let at = if exact {
                TextRange::from_usize(range.start as usize + f.at.start, range.start as usize + f.at.end)
            } else {
                range
            };
            out.push((f, at));
        }
    };
    for cmd in run.commands() {
        for (text, range) in written_texts(cx, &cmd) {
            push(&text, range);
        }
    }
    let instruction = run.si.instruction;
    if !instruction.heredocs.is_empty()
        && let Some(line) = instruction.args.shell()
    {
        // BuildKit runs the heredoc as the script only when the line is nothing but the
        // heredoc markers; otherwise the heredocs are data for the command on the line.
        let mut rest = line.text.clone();
        for h in &instruction.heredocs {
            if let Some(marker) = cx.text.get(h.marker_range.as_usize_range()) {
                rest = rest.replacen(marker, "", 1);
            }
        }
        let first = rest.split_ascii_whitespace().next().unwrap_or("");
        let data = !first.is_empty()
            && !is_shell(first.rsplit('/').next().unwrap_or(first))
            && !is_interpreter(first.rsplit('/').next().unwrap_or(first));
        if data {
            for h in &instruction.heredocs {
                push(&h.body, h.body_range);
            }
        }
    }
    out
}

/// `apt-get`'s and `apt`'s option grammar.
pub(crate) const APT: Spec = Spec {
    short_value: b"octaP",
    long_value: &[
        "--option",
        "--config-file",
        "--target-release",
        "--default-release",
        "--host-architecture",
        "--build-profiles",
    ],
};

pub(crate) fn is_apt(name: &str) -> bool {
    name == "apt-get" || name == "apt"
}

/// `apk`'s option grammar.
pub(crate) const APK: Spec = Spec {
    short_value: b"Xpt",
    long_value: &[
        "--repository",
        "--repositories-file",
        "--root",
        "--arch",
        "--keys-dir",
        "--cache-dir",
        "--virtual",
        "--wait",
        "--cache-max-age",
        "--timeout",
        "--progress-fd",
    ],
};

/// `yum`'s, `dnf`'s and `microdnf`'s option grammar.
pub(crate) const RPM: Spec = Spec {
    short_value: b"cdexR",
    long_value: &[
        "--config",
        "--debuglevel",
        "--errorlevel",
        "--installroot",
        "--enablerepo",
        "--disablerepo",
        "--exclude",
        "--releasever",
        "--setopt",
        "--downloaddir",
        "--destdir",
        "--forcearch",
        "--repo",
        "--repoid",
        "--color",
        "--rpmverbosity",
        "--enableplugin",
        "--disableplugin",
        "--nodocs-exclude",
    ],
};

/// `zypper`'s option grammar (global and install options).
pub(crate) const ZYPPER: Spec = Spec {
    short_value: b"RcDCtrp",
    long_value: &[
        "--root",
        "--config",
        "--reposd-dir",
        "--cache-dir",
        "--raw-cache-dir",
        "--solv-cache-dir",
        "--pkg-cache-dir",
        "--userdata",
        "--type",
        "--repo",
        "--from",
        "--download",
    ],
};

/// `pip`'s option grammar (global and install options).
pub(crate) const PIP: Spec = Spec {
    short_value: b"rceitfCd",
    long_value: &[
        "--requirement",
        "--constraint",
        "--editable",
        "--index-url",
        "--extra-index-url",
        "--find-links",
        "--target",
        "--prefix",
        "--root",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--src",
        "--upgrade-strategy",
        "--global-option",
        "--install-option",
        "--config-settings",
        "--cache-dir",
        "--log",
        "--log-file",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--trusted-host",
        "--cert",
        "--client-cert",
        "--progress-bar",
        "--only-binary",
        "--no-binary",
        "--report",
        "--root-user-action",
        "--python",
        "--use-feature",
        "--use-deprecated",
        "--build",
        "--dest",
        "--keyring-provider",
        "--group",
    ],
};

/// `npm`'s option grammar (the options that take a separate value).
pub(crate) const NPM: Spec = Spec {
    short_value: b"wC",
    long_value: &[
        "--prefix",
        "--registry",
        "--cache",
        "--tag",
        "--workspace",
        "--omit",
        "--include",
        "--userconfig",
        "--globalconfig",
        "--loglevel",
        "--install-strategy",
        "--only",
        "--location",
        "--before",
        "--fetch-retries",
        "--fetch-timeout",
        "--save-prefix",
        "--script-shell",
        "--cafile",
    ],
};

/// `gem install`'s option grammar.
pub(crate) const GEM: Spec = Spec {
    short_value: b"vinP",
    long_value: &[
        "--version",
        "--install-dir",
        "--bindir",
        "--source",
        "--trust-policy",
        "--platform",
        "--build-root",
        "--config-file",
        "--proxy",
        "--target-rbconfig",
    ],
};

/// A finding about the unpinned packages of one install command.
pub(crate) fn unpinned_finding(
    cx: &BuildCx<'_>,
    meta: &'static dockward_core::RuleMeta,
    cmd: &RunCommand<'_>,
    last: &Word,
    what: &str,
    names: &[&str],
    help: &str,
) -> dockward_core::Finding {
    let noun = if names.len() == 1 {
        "its version"
    } else {
        "their versions"
    };
    cx.finding(
        meta,
        span_to(cmd, last),
        format!("`{what}` installs {} without pinning {noun}", list_names(names)),
    )
    .with_help(help.to_string())
}

/// Whether an install operand is a local file or a URL rather than a package name.
pub(crate) fn is_path_or_url(s: &str) -> bool {
    s.starts_with('/')
        || s.starts_with("./")
        || s.starts_with("../")
        || s.starts_with("~/")
        || s == "."
        || s == ".."
        || s.contains("://")
}

/// Whether a `yum`/`dnf` install operand names a package without a version: not a group
/// (`@core`), file, URL or glob, and no `-<digit>` version part (`nginx-1.24`).
pub(crate) fn rpm_unpinned(s: &str) -> bool {
    if s.starts_with('@') || s.ends_with(".rpm") || is_path_or_url(s) || s.contains(['*', '?', '[', '(', '=', '<', '>'])
    {
        return false;
    }
    let b = s.as_bytes();
    !b.windows(2).any(|w| w[0] == b'-' && w[1].is_ascii_digit())
}

/// The subcommand of `yum`/`dnf`/`microdnf`/`tdnf` under its canonical name: dnf's short
/// aliases (`in`, `up`, `rei`, `rm`, `dg`, `dsync`, `mc`) and the `-minimal`/`-to` forms of
/// upgrade stand for the commands they abbreviate, so every rule reads them alike.
pub(crate) fn rpm_subcommand<'t>(args: &[Arg<'t>]) -> Option<(usize, &'t str)> {
    let (at, sub) = subcommand(args)?;
    let canonical = match sub {
        "in" => "install",
        "up" | "upgrade-minimal" | "update-minimal" | "up-min" | "upgrade-to" | "update-to" => "upgrade",
        "rei" => "reinstall",
        "rm" => "remove",
        "dg" => "downgrade",
        "dsync" | "distrosync" | "distribution-synchronization" => "distro-sync",
        "mc" => "makecache",
        other => other,
    };
    Some((at, canonical))
}

/// Whether a `dnf module install` operand names no stream (`nodejs` rather than
/// `nodejs:18`): the module's default stream, which moves with the distribution.
pub(crate) fn rpm_module_unpinned(s: &str) -> bool {
    !s.contains(':') && !s.starts_with('@') && !is_path_or_url(s) && !s.contains(['*', '?', '$'])
}

/// yum and dnf subcommands that ask for confirmation.
pub(crate) const RPM_PROMPTING: [&str; 16] = [
    "install",
    "in",
    "groupinstall",
    "localinstall",
    "reinstall",
    "remove",
    "erase",
    "update",
    "upgrade",
    "downgrade",
    "distro-sync",
    "autoremove",
    "group",
    "groups",
    "module",
    "swap",
];

/// For `group`/`module` subcommands, whether the action after them changes packages
/// (`dnf group install`, not `dnf group list`); true for every other subcommand.
pub(crate) fn rpm_changes(args: &[Arg<'_>], sub: &str) -> bool {
    if !matches!(sub, "group" | "groups" | "module") {
        return true;
    }
    operands(args).nth(1).is_some_and(|(action, _)| {
        matches!(
            action,
            "install" | "remove" | "erase" | "upgrade" | "update" | "enable" | "disable" | "reset" | "switch-to"
        )
    })
}

/// `-y`, `--assumeyes` (or `--assumeno`, which does not prompt either), or
/// `--setopt=assumeyes=1`.
pub(crate) fn rpm_answers_yes(args: &[Arg<'_>]) -> bool {
    args.iter().any(|a| {
        a.is_short(b'y')
            || a.is_long("--assumeyes")
            || a.is_long("--assumeno")
            || a.is_long("--yes")
            || (a.is_long("--setopt")
                && a.value()
                    .is_some_and(|v| v.to_ascii_lowercase().starts_with("assumeyes=")))
    })
}

/// `echo assumeyes=1 >> /etc/yum.conf` and the like.
pub(crate) fn writes_assume_yes(cmd: &SimpleCommand, name: &str) -> bool {
    matches!(name, "echo" | "printf" | "tee" | "sed")
        && cmd.args().iter().any(|w| {
            let v = w.value.to_ascii_lowercase();
            v.contains("assumeyes=1") || v.contains("assumeyes=true") || v.contains("assumeyes = 1")
        })
}

/// GNU wget's option grammar (`-n` takes the letter after it: `-nv`, `-nc`).
pub(crate) const WGET: Spec = Spec {
    short_value: b"OoaeiBtTwPUQlARDIXnY",
    long_value: &[
        "--output-document",
        "--output-file",
        "--append-output",
        "--execute",
        "--input-file",
        "--base",
        "--tries",
        "--timeout",
        "--wait",
        "--directory-prefix",
        "--user-agent",
        "--quota",
        "--level",
        "--accept",
        "--reject",
        "--domains",
        "--include-directories",
        "--exclude-directories",
        "--header",
        "--user",
        "--password",
        "--http-user",
        "--http-password",
        "--post-data",
        "--post-file",
        "--ca-certificate",
        "--certificate",
        "--private-key",
        "--referer",
        "--load-cookies",
        "--save-cookies",
        "--limit-rate",
        "--method",
        "--body-data",
        "--secure-protocol",
    ],
};

/// curl's option grammar.
pub(crate) const CURL: Spec = Spec {
    short_value: b"AbcCdDeEFHKmoPQrtTuUwxXyYz",
    long_value: &[
        "--output",
        "--header",
        "--data",
        "--data-binary",
        "--data-raw",
        "--data-urlencode",
        "--user",
        "--proxy",
        "--preproxy",
        "--proxy-user",
        "--retry",
        "--retry-delay",
        "--retry-max-time",
        "--connect-timeout",
        "--max-time",
        "--cacert",
        "--capath",
        "--cert",
        "--key",
        "--url",
        "--write-out",
        "--request",
        "--user-agent",
        "--referer",
        "--cookie",
        "--cookie-jar",
        "--form",
        "--range",
        "--resolve",
        "--connect-to",
        "--output-dir",
        "--proto",
        "--proto-redir",
        "--limit-rate",
        "--max-filesize",
        "--netrc-file",
        "--config",
        "--upload-file",
        "--dump-header",
        "--unix-socket",
        "--interface",
        "--dns-servers",
        "--ciphers",
        "--oauth2-bearer",
        "--max-redirs",
        "--expect100-timeout",
        "--speed-limit",
        "--speed-time",
        "--time-cond",
    ],
};

/// The value of `-o Key=value` / `--option Key=value` for `key` (compared without case).
pub(crate) fn apt_option<'t>(args: &[Arg<'t>], key: &str) -> Option<&'t str> {
    args.iter().rev().find_map(|a| {
        if !(a.is_short(b'o') || a.is_long("--option")) {
            return None;
        }
        let (k, v) = a.value()?.split_once('=')?;
        k.trim().eq_ignore_ascii_case(key).then(|| v.trim().trim_matches('"'))
    })
}

/// Whether a configuration value means "on".
pub(crate) fn truthy(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
}

/// Whether a configuration value means "off".
pub(crate) fn falsy(value: &str) -> bool {
    matches!(value.to_ascii_lowercase().as_str(), "0" | "false" | "no" | "off")
}

/// `apt-get install -s` (and its long spellings) only simulates: nothing is installed.
pub(crate) fn apt_simulates(args: &[Arg<'_>]) -> bool {
    args.iter().any(|a| {
        a.is_short(b's')
            || ["--simulate", "--just-print", "--dry-run", "--recon", "--no-act"]
                .iter()
                .any(|f| a.is_long(f))
    })
}

/// The findings of the rpm-family pinning rules (yum, dnf, microdnf): `TOOL install` of
/// packages named without a version, and `TOOL module install` of modules named without a
/// stream. Sub-command aliases (`dnf in`) are read as what they stand for.
pub(super) fn rpm_pin_findings(
    cx: &BuildCx<'_>,
    meta: &'static dockward_core::RuleMeta,
    tools: &[&str],
    out: &mut Vec<dockward_core::Finding>,
) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            let Some(tool) = command_name(c).filter(|name| tools.contains(name)) else {
                continue;
            };
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &RPM);
            let Some((sub_at, sub)) = rpm_subcommand(&args) else {
                continue;
            };
            let module = sub == "module" && operands(&args).nth(1).is_some_and(|(a, _)| a == "install");
            let unpinned: Vec<&str> = match sub {
                "install" => operands(&args)
                    .skip(1)
                    .map(|(s, _)| s)
                    .filter(|s| rpm_unpinned(s))
                    .collect(),
                // Modules are pinned by their stream.
                _ if module => operands(&args)
                    .skip(2)
                    .map(|(s, _)| s)
                    .filter(|s| rpm_module_unpinned(s))
                    .collect(),
                _ => continue,
            };
            if !unpinned.is_empty() {
                out.push(unpinned_finding(
                    cx,
                    meta,
                    &cmd,
                    toks[args[sub_at].at()].word,
                    &format!("{tool} {}install", if module { "module " } else { "" }),
                    &unpinned,
                    if module {
                        "name each module with its stream: `name:stream`"
                    } else {
                        "name each package with its version: `name-version`"
                    },
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_paths() {
        assert!(path_covers("/var/lib/apt/lists/*", "/var/lib/apt/lists"));
        assert!(path_covers("/var/lib/apt/lists", "/var/lib/apt/lists"));
        assert!(path_covers("/var/lib/apt", "/var/lib/apt/lists"));
        assert!(!path_covers("/var/lib/apt/lists/partial", "/var/lib/apt/lists"));
        assert!(!path_covers("/var/lib/ap", "/var/lib/apt/lists"));
        assert!(!path_covers("/*", "/var/lib/apt/lists"));
    }

    #[test]
    fn fast_name_agrees_with_the_parser() {
        let text = "sudo -u x apt-get install a; /usr/bin/curl -fsSL u | bash -; $CURL x; env A=1 B=2 pip install x; \
                    command -v git; command git status; busybox wget u; timeout 5 nc -z h 1; ./install.sh; \
                    A=1 make; nice -n 5 tar xf a; sudo -v; env";
        for c in &dockward_shell::parse_shell(text).commands {
            assert_eq!(command_name(c), c.name(), "{:?}", c.words);
        }
    }

    #[test]
    fn config_text() {
        let k = |t: &str| config_text_disables(t).map(|f| f.kind);
        assert_eq!(k("[repo]\ngpgcheck=0\n"), Some(Disables::Signature));
        assert_eq!(k("repo_gpgcheck=0\ngpgcheck=1"), None);
        assert_eq!(k("sslverify = false"), Some(Disables::Tls));
        assert_eq!(k("strict-ssl=false"), Some(Disables::Tls));
        assert_eq!(k("strict-ssl=true"), None);
        assert_eq!(k("deb [trusted=yes] http://x/ ./"), Some(Disables::Signature));
        assert_eq!(
            k("deb [arch=amd64 trusted=yes] http://x/ ./"),
            Some(Disables::Signature)
        );
        assert_eq!(k("deb [ trusted=yes ] file://$tempDir ./"), None);
        assert_eq!(
            k("deb [ allow-insecure=yes ] https://x/ trixie main"),
            Some(Disables::Signature)
        );
        assert_eq!(k("Acquire::https::Verify-Peer \"false\";"), Some(Disables::Tls));
        assert_eq!(k("APT::Get::AllowUnauthenticated \"true\";"), Some(Disables::Signature));
        assert_eq!(k("[global]\ntrusted-host = pypi.example.com"), Some(Disables::Tls));
        assert_eq!(k("check_certificate = off"), Some(Disables::Tls));
        assert_eq!(k("no sslverify mention"), None);
        assert_eq!(k("[x]\\nbaseurl=https://x\\ngpgcheck=0\\n"), Some(Disables::Signature));
    }
}
