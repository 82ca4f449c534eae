//! `docker run`-like command lines, parsed the way the docker CLI (cobra + pflag) does.
//!
//! pflag rules that matter here: `--flag=value` and `--flag value` (the next word is
//! taken as the value even if it starts with `-`); booleans never take the next word but
//! accept `--flag=false`; short flags cluster (`-itd`), a short flag that takes a value
//! takes the rest of its word (`-p8080:80`, `-p=8080:80`) or else the next word; `--`
//! ends flags; `run`/`create`/`service create` stop at the first non-flag word (the
//! image) — everything after it is the container command.

use crate::ShellDiagnostic;
use crate::command::effective_argv;
use crate::docker_flags::{Flag, Scope};
use crate::values::parse_bool;
use crate::words::{Word, basename};
use dockward_core::TextRange;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Tool {
    Docker,
    Podman,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Subcommand {
    /// `docker run`, `docker container run`, `podman run`, …
    Run,
    /// `docker create`, `docker container create`, `podman create`, …
    Create,
    /// `docker service create`
    ServiceCreate,
}

/// One parsed option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CliOption {
    /// Canonical long name without dashes (`publish` for `-p`, `network` for `--net`);
    /// for an unknown flag, the name as written.
    pub name: String,
    /// Whether the flag is in our table for this tool and subcommand.
    pub known: bool,
    /// The value: for a valued flag its argument; for a boolean `Some` only when written
    /// `--flag=value` (see [`CliOption::bool_value`]).
    pub value: Option<String>,
    /// The value depends on a variable or command output (`$PORT`, `$(id -u)`): its
    /// final text is unknown. (Globs do not count: `[::1]:80:80` stays literal in
    /// practice.)
    pub value_has_expansion: bool,
    /// The flag as written (`-p`, `--publish`, the `t` of `-itd`).
    pub name_range: TextRange,
    pub value_range: Option<TextRange>,
    /// The whole option, value word included.
    pub range: TextRange,
}

impl CliOption {
    /// For a boolean flag: `--rm` → true, `--rm=false` → false, `--rm=maybe` → None.
    pub fn bool_value(&self) -> Option<bool> {
        match &self.value {
            None => Some(true),
            Some(v) => parse_bool(v),
        }
    }
}

/// A parsed `docker run` / `create` / `service create` (or podman equivalent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DockerInvocation {
    pub tool: Tool,
    pub subcommand: Subcommand,
    /// From the `docker`/`podman` word to the last argument.
    pub range: TextRange,
    /// The subcommand word(s) (`run`, `container run`, `service create`).
    pub subcommand_range: TextRange,
    /// Options before the subcommand (`-H tcp://…`, `--context x`).
    pub global_options: Vec<CliOption>,
    /// The subcommand's options, in order.
    pub options: Vec<CliOption>,
    pub image: Option<Word>,
    /// The container command and its arguments (after the image).
    pub command: Vec<Word>,
    /// Where a fix can insert a new flag (`--flag ` goes here): the image's start.
    pub insert_at: u32,
    /// An unquoted expansion (`$DOCKER_OPTS`, `$(flags)`) sits where options are read:
    /// there may be options we cannot see.
    pub has_unknown_args: bool,
    pub diagnostics: Vec<ShellDiagnostic>,
}

impl DockerInvocation {
    /// All options with this canonical name, in order.
    pub fn options_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a CliOption> + 'a {
        self.options.iter().filter(move |o| o.name == name)
    }

    /// The last occurrence of an option (what a scalar flag ends up as).
    pub fn last_option(&self, name: &str) -> Option<&CliOption> {
        self.options.iter().rev().find(|o| o.name == name)
    }

    /// Whether a boolean option ends up true (`--privileged`, `--privileged=true`).
    pub fn flag_is_set(&self, name: &str) -> bool {
        self.last_option(name).and_then(CliOption::bool_value).unwrap_or(false)
    }
}

/// Recognises and parses a docker/podman container-creating command line. `words` is a
/// whole argv (wrappers such as `sudo` are skipped). Returns `None` for anything else
/// (`docker build`, `docker compose run`, plain `ls`).
pub fn parse_docker_cli(words: &[Word]) -> Option<DockerInvocation> {
    let argv = effective_argv(words);
    let first = argv.first()?;
    if first.has_expansion {
        return None;
    }
    let tool = match basename(&first.value) {
        "docker" | "docker.exe" => Tool::Docker,
        "podman" | "podman.exe" | "podman-remote" => Tool::Podman,
        _ => return None,
    };
    let mut p = ArgvParser {
        argv,
        diagnostics: Vec::new(),
        has_unknown_args: false,
    };
    let mut global_options = Vec::new();
    let i = p.parse_flags(1, Scope::Global(tool), &mut global_options, true)?;

    let word = |k: usize| argv.get(k).map(|w| w.value.as_str());
    let (subcommand, sub_end) = match (word(i)?, word(i + 1)) {
        ("run", _) => (Subcommand::Run, i + 1),
        ("create", _) => (Subcommand::Create, i + 1),
        ("container", Some("run")) => (Subcommand::Run, i + 2),
        ("container", Some("create")) => (Subcommand::Create, i + 2),
        ("service", Some("create")) if tool == Tool::Docker => (Subcommand::ServiceCreate, i + 2),
        _ => return None,
    };
    let subcommand_range = argv[i].raw.cover(argv[sub_end - 1].raw);

    let mut options = Vec::new();
    let img = p
        .parse_flags(sub_end, Scope::Command(tool, subcommand), &mut options, false)
        .unwrap_or(argv.len());
    let image = argv.get(img).cloned();
    let command = argv.get(img + 1..).map(<[Word]>::to_vec).unwrap_or_default();
    let last = argv.last().map_or(first.raw, |w| w.raw);
    let insert_at = match &image {
        Some(w) => w.raw.start,
        None => last.end,
    };
    if image.is_none() {
        p.diagnostics.push(ShellDiagnostic {
            message: "no image in docker command line".into(),
            range: first.raw.cover(last),
        });
    }
    Some(DockerInvocation {
        tool,
        subcommand,
        range: first.raw.cover(last),
        subcommand_range,
        global_options,
        options,
        image,
        command,
        insert_at,
        has_unknown_args: p.has_unknown_args,
        diagnostics: p.diagnostics,
    })
}

struct ArgvParser<'w> {
    argv: &'w [Word],
    diagnostics: Vec<ShellDiagnostic>,
    has_unknown_args: bool,
}

impl ArgvParser<'_> {
    fn diag(&mut self, message: String, range: TextRange) {
        self.diagnostics.push(ShellDiagnostic { message, range });
    }

    /// Parses flags from `i` on; returns the index of the first non-flag word (the
    /// subcommand or the image). `None` only at global level when an expansion makes the
    /// subcommand unknowable.
    fn parse_flags(&mut self, mut i: usize, scope: Scope, out: &mut Vec<CliOption>, global: bool) -> Option<usize> {
        let argv = self.argv;
        while i < argv.len() {
            let w = &argv[i];
            let v = w.value.as_str();
            if v == "--" {
                return Some(i + 1);
            }
            if w.may_split() {
                // `$OPTS`: may be any number of flags, or the image/subcommand itself.
                let next = argv.get(i + 1).map(|n| n.value.as_str());
                let looks_like_flags = next.is_some_and(|n| n.starts_with('-'))
                    || var_name_suggests_options(v)
                    || (global && next.is_some_and(is_subcommand_word));
                self.has_unknown_args = true;
                if looks_like_flags {
                    i += 1;
                    continue;
                }
                if global {
                    return None;
                }
                return Some(i);
            }
            if let Some(body) = v.strip_prefix("--")
                && !body.is_empty()
            {
                i = self.long_flag(i, body, scope, out);
                continue;
            }
            if v.len() > 1 && v.starts_with('-') {
                i = self.short_cluster(i, scope, out);
                continue;
            }
            return Some(i);
        }
        Some(i)
    }

    fn long_flag(&mut self, i: usize, body: &str, scope: Scope, out: &mut Vec<CliOption>) -> usize {
        let w = &self.argv[i];
        let (name, inline) = match body.split_once('=') {
            Some((n, val)) => (n, Some(val)),
            None => (body, None),
        };
        let name_range = w.sub_range(0, 2 + name.len());
        let inline_range = || w.sub_range(3 + name.len(), w.value.len());
        match scope.long(name) {
            Some(f) => self.known(f, i, name_range, inline.map(|s| (s, inline_range())), out),
            None => {
                self.diag(format!("unknown flag `--{name}`"), name_range);
                let takes = inline.is_some() || self.guess_takes_value(i);
                self.unknown(name, takes, i, name_range, inline.map(|s| (s, inline_range())), out)
            }
        }
    }

    /// `-itd`, `-p8080:80`, `-p=80`, `-e FOO=1`.
    fn short_cluster(&mut self, i: usize, scope: Scope, out: &mut Vec<CliOption>) -> usize {
        let w = &self.argv[i];
        let v = w.value.as_str();
        let bytes = v.as_bytes();
        let mut k = 1;
        while k < bytes.len() {
            let c = bytes[k];
            if !c.is_ascii() {
                let r = w.sub_range(k, v.len());
                self.diag(format!("unknown shorthand flag in `{v}`"), r);
                return i + 1;
            }
            // The first flag of a word includes its dash (`-p`); later ones in a cluster
            // are the letter alone (the `t` of `-itd`).
            let name_range = w.sub_range(if k == 1 { 0 } else { k }, k + 1);
            let rest = &v[k + 1..];
            let flag = scope.short(c);
            match flag {
                Some(f) if f.value => {
                    if !rest.is_empty() {
                        let skip = usize::from(rest.starts_with('='));
                        let val = &rest[skip..];
                        let r = w.sub_range(k + 1 + skip, v.len());
                        return self.known(f, i, name_range, Some((val, r)), out);
                    }
                    return self.known(f, i, name_range, None, out);
                }
                Some(f) => {
                    if let Some(val) = rest.strip_prefix('=') {
                        let r = w.sub_range(k + 2, v.len());
                        return self.known(f, i, name_range, Some((val, r)), out);
                    }
                    self.known(f, i, name_range, None, out);
                }
                None => {
                    let name = (c as char).to_string();
                    self.diag(format!("unknown shorthand flag `-{name}`"), name_range);
                    if rest.is_empty() {
                        let takes = self.guess_takes_value(i);
                        return self.unknown(&name, takes, i, name_range, None, out);
                    }
                    self.unknown(&name, false, i, name_range, None, out);
                }
            }
            k += 1;
        }
        i + 1
    }

    /// Records a known flag; returns the index of the next unread word.
    fn known(
        &mut self,
        f: &Flag,
        i: usize,
        name_range: TextRange,
        inline: Option<(&str, TextRange)>,
        out: &mut Vec<CliOption>,
    ) -> usize {
        let w = &self.argv[i];
        if let Some((val, r)) = inline {
            if !f.value && parse_bool(val).is_none() {
                self.diag(format!("invalid boolean value `{val}` for `--{}`", f.long), r);
            }
            out.push(CliOption {
                name: f.name().to_string(),
                known: true,
                value: Some(val.to_string()),
                value_has_expansion: w.has_substitution(),
                name_range,
                value_range: Some(r),
                range: name_range.cover(r),
            });
            return i + 1;
        }
        if !f.value {
            out.push(CliOption {
                name: f.name().to_string(),
                known: true,
                value: None,
                value_has_expansion: false,
                name_range,
                value_range: None,
                range: name_range,
            });
            return i + 1;
        }
        match self.argv.get(i + 1) {
            Some(val) => {
                out.push(CliOption {
                    name: f.name().to_string(),
                    known: true,
                    value: Some(val.value.clone()),
                    value_has_expansion: val.has_substitution(),
                    name_range,
                    value_range: Some(val.raw),
                    range: name_range.cover(val.raw),
                });
                i + 2
            }
            None => {
                self.diag(format!("flag `--{}` needs an argument", f.long), name_range);
                out.push(CliOption {
                    name: f.name().to_string(),
                    known: true,
                    value: None,
                    value_has_expansion: false,
                    name_range,
                    value_range: None,
                    range: name_range,
                });
                i + 1
            }
        }
    }

    fn unknown(
        &mut self,
        name: &str,
        takes_value: bool,
        i: usize,
        name_range: TextRange,
        inline: Option<(&str, TextRange)>,
        out: &mut Vec<CliOption>,
    ) -> usize {
        let f = Flag {
            long: "",
            short: None,
            value: takes_value,
            canonical: None,
        };
        let n = self.known(&f, i, name_range, inline, out);
        if let Some(o) = out.last_mut() {
            o.name = name.to_string();
            o.known = false;
        }
        n
    }

    /// For an unknown flag with no `=value`: does it take the next word? A flag followed
    /// by a non-flag that is itself followed by another flag most likely took it as its
    /// value (`--new-flag x -p 80 img`); otherwise assume a boolean, so the image stays
    /// the image (`--new-bool img cmd`).
    fn guess_takes_value(&self, i: usize) -> bool {
        match (self.argv.get(i + 1), self.argv.get(i + 2)) {
            (None, _) => false,
            (Some(n), _) if n.value.starts_with('-') => false,
            (Some(_), Some(a)) => a.value.starts_with('-'),
            (Some(_), None) => false,
        }
    }
}

fn is_subcommand_word(s: &str) -> bool {
    matches!(s, "run" | "create" | "container" | "service")
}

/// `$DOCKER_OPTS`, `${EXTRA_ARGS}`, `$RUN_FLAGS` name a list of options, not an image.
fn var_name_suggests_options(v: &str) -> bool {
    let name: String = v
        .trim_start_matches(['$', '{', '('])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    ["OPT", "ARG", "FLAG", "PARAM", "EXTRA"]
        .iter()
        .any(|k| name.contains(k))
}
