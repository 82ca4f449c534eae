//! The static checks BuildKit makes when it turns the parse tree into build instructions
//! (its `instructions` package): allowed flags and their values, argument counts, stage
//! names, ONBUILD triggers. A file failing them parses, but `docker build` stops before
//! running anything ("dockerfile parse error on line N: …").
//!
//! They are reported as non-fatal [`DiagnosticKind::InvalidInstruction`] diagnostics, one
//! per instruction (BuildKit stops at the first), so that `dump_buildkit` keeps matching
//! the parser. We stay on the lenient side wherever BuildKit versions or channels differ
//! (every flag that a current stable or labs frontend accepts is accepted), and we do not
//! check values BuildKit only checks when it builds (durations, mount options, chmod).

use dockward_core::TextRange;

use crate::ast::{Arguments, DiagnosticKind, Dockerfile, Instruction, Keyword, SyntaxDiagnostic};
use crate::dump::go_quote;

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagType {
    Bool,
    String,
    /// May repeat (`--mount`, `--exclude`).
    Strings,
}

use FlagType::{Bool, String as Str, Strings};

/// Flags per instruction; `None` where BuildKit does not look at flags at all.
fn allowed_flags(keyword: &Keyword) -> Option<&'static [(&'static str, FlagType)]> {
    Some(match keyword {
        Keyword::From => &[("platform", Str)],
        Keyword::Add => &[
            ("chown", Str),
            ("chmod", Str),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", Str),
            ("unpack", Bool),
            ("exclude", Strings),
        ],
        Keyword::Copy => &[
            ("chown", Str),
            ("chmod", Str),
            ("from", Str),
            ("link", Bool),
            ("parents", Bool),
            ("exclude", Strings),
        ],
        Keyword::Run => &[
            ("mount", Strings),
            ("network", Str),
            ("security", Str),
            ("device", Strings),
        ],
        Keyword::Healthcheck => &[
            ("interval", Str),
            ("timeout", Str),
            ("start-period", Str),
            ("start-interval", Str),
            ("retries", Str),
        ],
        // BuildKit never parses the flags of these.
        Keyword::Arg | Keyword::Stopsignal | Keyword::Unknown(_) => return None,
        _ => &[],
    })
}

pub(crate) fn validate(df: &Dockerfile) -> Vec<SyntaxDiagnostic> {
    let mut out = Vec::new();
    let mut seen_from = false;
    for instr in &df.instructions {
        let problem = if !seen_from && !matches!(instr.keyword, Keyword::From | Keyword::Arg | Keyword::Unknown(_)) {
            Some((
                format!(
                    "{} before the first FROM: no build stage in current context",
                    instr.keyword.as_str()
                ),
                instr.keyword_range,
            ))
        } else {
            check(instr)
        };
        seen_from |= instr.keyword == Keyword::From;
        if let Some((message, range)) = problem {
            out.push(SyntaxDiagnostic {
                kind: DiagnosticKind::InvalidInstruction,
                message,
                range,
                is_fatal: false,
            });
        }
    }
    out
}

/// The first problem BuildKit would report for `instr`.
fn check(instr: &Instruction) -> Option<(String, TextRange)> {
    let name = instr.keyword.as_str();
    let whole = instr.range;
    let count = |args: &Arguments| match args {
        Arguments::None => 0,
        Arguments::Exec(w) | Arguments::Words(w) => w.len(),
        Arguments::Shell(_) => 1,
        Arguments::KeyValues(kv) => kv.len(),
        Arguments::Healthcheck { .. } => 1,
    };
    let n = count(&instr.args);
    let at_least_one = || Some((format!("{name} requires at least one argument"), whole));
    let exactly_one = || Some((format!("{name} requires exactly one argument"), whole));
    match &instr.keyword {
        Keyword::From => {
            let words = instr.args.words();
            if words.len() == 3 && words[1].text.eq_ignore_ascii_case("as") {
                let stage = words[2].text.to_lowercase();
                if !valid_stage_name(&stage) {
                    return Some((
                        format!(
                            "invalid name for build stage: {}, name can't start with a number or contain symbols",
                            go_quote(&words[2].text)
                        ),
                        words[2].range,
                    ));
                }
            } else if words.len() != 1 {
                return Some(("FROM requires either one or three arguments".to_string(), whole));
            }
        }
        Keyword::Add | Keyword::Copy if n < 2 => {
            return Some((
                format!(
                    "{name} requires at least two arguments, but only one was provided. Destination could not be determined."
                ),
                whole,
            ));
        }
        Keyword::Maintainer | Keyword::Workdir | Keyword::User | Keyword::Stopsignal if n != 1 => {
            return exactly_one();
        }
        Keyword::Env | Keyword::Label | Keyword::Arg | Keyword::Expose | Keyword::Volume if n == 0 => {
            return at_least_one();
        }
        Keyword::Env | Keyword::Label => {
            if let Some(kv) = instr.args.key_values().iter().find(|kv| kv.key.text.is_empty()) {
                return Some((format!("{name} names can not be blank"), kv.range));
            }
        }
        Keyword::Arg => {
            if let Some(w) = instr.args.words().iter().find(|w| w.text.starts_with('=')) {
                return Some(("ARG names can not be blank".to_string(), w.range));
            }
        }
        Keyword::Volume => {
            if let Some(w) = instr.args.words().iter().find(|w| w.text.trim().is_empty()) {
                return Some(("VOLUME specified can not be an empty string".to_string(), w.range));
            }
        }
        Keyword::Onbuild => match &instr.onbuild {
            None => return at_least_one(),
            Some(inner) => match inner.keyword {
                Keyword::Onbuild => {
                    return Some((
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string(),
                        inner.keyword_range,
                    ));
                }
                Keyword::From | Keyword::Maintainer => {
                    return Some((
                        format!("{} isn't allowed as an ONBUILD trigger", inner.keyword.as_str()),
                        inner.keyword_range,
                    ));
                }
                _ => {}
            },
        },
        Keyword::Healthcheck => {
            let Arguments::Healthcheck { subcommand, args } = &instr.args else {
                return None;
            };
            let Some(sub) = subcommand else {
                return at_least_one();
            };
            let typ = sub.text.to_uppercase();
            if typ == "NONE" {
                // BuildKit does not look at the flags of HEALTHCHECK NONE.
                return (!args.is_none()).then(|| ("HEALTHCHECK NONE takes no arguments".to_string(), whole));
            }
            if let Some(problem) = check_flags(instr) {
                return Some(problem);
            }
            if typ != "CMD" {
                return Some((
                    format!("Unknown type {} in HEALTHCHECK (try CMD)", go_quote(&typ)),
                    sub.range,
                ));
            }
            if count(args) == 0 {
                return Some(("Missing command after HEALTHCHECK CMD".to_string(), whole));
            }
            return None;
        }
        Keyword::Shell => {
            if let Some(problem) = check_flags(instr) {
                return Some(problem);
            }
            return match &instr.args {
                Arguments::Exec(words) if !words.is_empty() => None,
                Arguments::Exec(_) | Arguments::None => at_least_one(),
                _ => Some(("SHELL requires the arguments to be in JSON form".to_string(), whole)),
            };
        }
        _ => {}
    }
    check_flags(instr)
}

/// BuildKit's `BFlags.Parse` for the instruction's flag set.
fn check_flags(instr: &Instruction) -> Option<(String, TextRange)> {
    let allowed = allowed_flags(&instr.keyword)?;
    let mut used: Vec<&str> = Vec::new();
    for flag in &instr.flags {
        let name = flag.name.as_str();
        let Some(&(_, ty)) = allowed.iter().find(|(n, _)| *n == name) else {
            return Some((format!("unknown flag: {name}"), flag.range));
        };
        if used.contains(&name) && ty != Strings {
            return Some((format!("duplicate flag specified: {name}"), flag.range));
        }
        used.push(name);
        match (ty, flag.value.as_deref()) {
            (Bool, Some("")) | (Str | Strings, None) => {
                return Some((format!("missing a value on flag: {name}"), flag.range));
            }
            (Bool, Some(v)) if !v.eq_ignore_ascii_case("true") && !v.eq_ignore_ascii_case("false") => {
                return Some((
                    format!("expecting boolean value for flag {name}, not: {v}"),
                    flag.value_range.unwrap_or(flag.range),
                ));
            }
            _ => {}
        }
    }
    None
}

/// `^[a-z][a-z0-9-_.]*$`
fn valid_stage_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase())
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'))
}
