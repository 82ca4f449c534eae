//! `${VAR}` interpolation with Compose's operators.
//!
//! Syntax (compose-go `template`): `$$` is a literal `$`; `$NAME` and `${NAME}` substitute;
//! inside braces `:-` / `-` give a default (when unset-or-empty / unset), `:?` / `?` fail
//! with a message, `:+` / `+` give an alternative (when set-and-non-empty / set). Names are
//! `[_A-Za-z][_A-Za-z0-9]*`; defaults, messages and alternatives are interpolated too, so
//! defaults nest (`${A:-${B:-c}}`). A `${` that does not form such an expression is an
//! "invalid template" error, as for `docker compose`; any other `$` (`$(date)`, `$1`) is
//! kept as written (current compose-go only matches `$$`, `$NAME` and `${…}`).
//!
//! Where Compose substitutes an empty string for an unset variable (with a warning), we
//! record the variable as *unknown* instead: the scan cannot know the value the deployment
//! will have, and rules must treat it as unknown, not as empty.

use std::collections::{BTreeMap, BTreeSet};

/// The variables interpolation can see.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Env {
    pub vars: BTreeMap<String, String>,
    /// Variables whose value is itself unknown (a `.env` entry built from an unset variable).
    pub unknown: BTreeSet<String>,
}

pub(crate) enum Lookup<'a> {
    Set(&'a str),
    Unset,
    Unknown,
}

/// Where interpolation looks variables up: the project's [`Env`], or a `.env` file's view
/// while it is being read (the caller's environment, then the keys defined above).
pub(crate) trait Scope {
    fn lookup(&self, name: &str) -> Lookup<'_>;
}

impl Scope for Env {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        if self.unknown.contains(name) {
            return Lookup::Unknown;
        }
        match self.vars.get(name) {
            Some(v) => Lookup::Set(v),
            None => Lookup::Unset,
        }
    }
}

/// Bytes that substitution may add to one project's text, over all its `.env` files and
/// Compose values. Each `${VAR}` copies VAR's value, so a `.env` whose lines each double
/// the previous variable reaches gigabytes in 30 lines; past this budget a substitution is
/// refused and its result is unknown, never truncated.
pub(crate) const MAX_EXPANSION_BYTES: usize = 16 * 1024 * 1024;

/// What is left of [`MAX_EXPANSION_BYTES`] for one project.
#[derive(Debug)]
pub(crate) struct ExpansionBudget {
    remaining: usize,
    /// Whether a substitution was already refused (the first one is reported).
    pub exceeded: bool,
}

impl Default for ExpansionBudget {
    fn default() -> Self {
        ExpansionBudget::new(MAX_EXPANSION_BYTES)
    }
}

impl ExpansionBudget {
    pub fn new(bytes: usize) -> Self {
        ExpansionBudget {
            remaining: bytes,
            exceeded: false,
        }
    }

    /// Takes the growth of replacing a `reference` of `reference_len` bytes by a value of
    /// `value_len` bytes; `false` (and nothing taken) when it does not fit.
    fn take(&mut self, reference_len: usize, value_len: usize) -> bool {
        let growth = value_len.saturating_sub(reference_len);
        match self.remaining.checked_sub(growth) {
            Some(rest) => {
                self.remaining = rest;
                true
            }
            None => false,
        }
    }

    /// The message for the first refused substitution.
    pub fn message(name: &str) -> String {
        format!(
            "substituting `{name}` here would take variable expansion over this project's \
             {MAX_EXPANSION_BYTES}-byte budget: the value is treated as unknown, as are later \
             ones that need more"
        )
    }
}

/// Result of interpolating one string.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub value: String,
    /// Variables without a value (the result is unknown when non-empty).
    pub unknown: Vec<String>,
    /// Compose would refuse the file: invalid template or a missing required variable.
    pub errors: Vec<String>,
    /// The first variable whose substitution was refused by the [`ExpansionBudget`] (it is
    /// also in `unknown`).
    pub over_budget: Option<String>,
}

/// Whether `s` needs interpolation at all (the common case is no `$`).
pub(crate) fn has_dollar(s: &str) -> bool {
    s.contains('$')
}

pub(crate) fn interpolate(template: &str, env: &impl Scope, budget: &mut ExpansionBudget) -> Outcome {
    let mut out = Outcome::default();
    let mut cx = Cx {
        env,
        budget,
        out: &mut out,
    };
    let value = substitute(template, &mut cx, 0);
    out.value = value;
    out.unknown.sort();
    out.unknown.dedup();
    out
}

/// Nesting bound for defaults inside defaults (input is untrusted).
const MAX_NESTING: usize = 32;

/// One interpolation: where variables come from, the budget, and what was found.
struct Cx<'a, S: Scope> {
    env: &'a S,
    budget: &'a mut ExpansionBudget,
    out: &'a mut Outcome,
}

impl<S: Scope> Cx<'_, S> {
    /// A variable's value in place of a reference of `reference_len` bytes, when the budget
    /// allows; otherwise the variable is unknown.
    fn value(&mut self, name: &str, value: &str, reference_len: usize) -> String {
        if self.budget.take(reference_len, value.len()) {
            return value.to_string();
        }
        self.budget.exceeded = true;
        self.out.unknown.push(name.to_string());
        self.out.over_budget.get_or_insert_with(|| name.to_string());
        String::new()
    }
}

fn substitute<S: Scope>(template: &str, cx: &mut Cx<'_, S>, depth: usize) -> String {
    if depth > MAX_NESTING {
        cx.out
            .errors
            .push(format!("invalid template {template:?}: nested too deeply"));
        return String::new();
    }
    let bytes = template.as_bytes();
    let mut result = String::with_capacity(template.len());
    let mut i = 0;
    while i < bytes.len() {
        let Some(off) = memchr::memchr(b'$', &bytes[i..]) else {
            result.push_str(&template[i..]);
            break;
        };
        result.push_str(&template[i..i + off]);
        i += off;
        match bytes.get(i + 1) {
            Some(b'$') => {
                result.push('$');
                i += 2;
            }
            Some(b'{') => {
                let Some(close) = closing_brace(template, i + 2) else {
                    cx.out
                        .errors
                        .push(format!("invalid template {template:?}: `${{` without a closing `}}`"));
                    return template.to_string();
                };
                let inner = &template[i + 2..close];
                match braced(inner, cx, depth) {
                    Some(v) => result.push_str(&v),
                    None => {
                        cx.out.errors.push(format!("invalid template {template:?}"));
                        return template.to_string();
                    }
                }
                i = close + 1;
            }
            Some(&c) if c == b'_' || c.is_ascii_alphabetic() => {
                let name_len = name_len(&template[i + 1..]);
                let name = &template[i + 1..i + 1 + name_len];
                result.push_str(&plain(name, 1 + name_len, cx));
                i += 1 + name_len;
            }
            _ => {
                // `$` followed by anything else (`$(cmd)`, `$1`, a space, end of text) is not a
                // substitution in current compose-go: it stays as written.
                result.push('$');
                i += 1;
            }
        }
    }
    result
}

/// Index of the `}` that closes the `${` whose content starts at `from` (braces nest).
fn closing_brace(s: &str, from: usize) -> Option<usize> {
    let mut depth = 1usize;
    for (i, b) in s.as_bytes().iter().enumerate().skip(from) {
        match b {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn name_len(s: &str) -> usize {
    s.bytes()
        .enumerate()
        .take_while(|&(i, b)| b == b'_' || b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit()))
        .count()
}

/// `$NAME` or `${NAME}`, written in `reference_len` bytes.
fn plain<S: Scope>(name: &str, reference_len: usize, cx: &mut Cx<'_, S>) -> String {
    let env = cx.env;
    match env.lookup(name) {
        Lookup::Set(v) => cx.value(name, v, reference_len),
        Lookup::Unset | Lookup::Unknown => {
            cx.out.unknown.push(name.to_string());
            String::new()
        }
    }
}

/// The content of `${…}`; `None` when it is not a valid expression.
fn braced<S: Scope>(inner: &str, cx: &mut Cx<'_, S>, depth: usize) -> Option<String> {
    let n = name_len(inner);
    if n == 0 {
        return None;
    }
    let name = &inner[..n];
    let rest = &inner[n..];
    // The reference is `${` + inner + `}`.
    let reference_len = inner.len() + 3;
    if rest.is_empty() {
        return Some(plain(name, reference_len, cx));
    }
    let (op, arg) = [":-", ":?", ":+", "-", "?", "+"]
        .iter()
        .find_map(|op| rest.strip_prefix(op).map(|arg| (*op, arg)))?;
    let env = cx.env;
    let looked = env.lookup(name);
    if matches!(looked, Lookup::Unknown) {
        cx.out.unknown.push(name.to_string());
        return Some(String::new());
    }
    let value = match looked {
        Lookup::Set(v) => Some(v),
        _ => None,
    };
    let non_empty = value.is_some_and(|v| !v.is_empty());
    // Arguments are interpolated only when used (Compose evaluates them eagerly, which only
    // differs when an unused default is itself invalid).
    Some(match op {
        ":-" if non_empty => cx.value(name, value.unwrap_or_default(), reference_len),
        ":-" => substitute(arg, cx, depth + 1),
        "-" => match value {
            Some(v) => cx.value(name, v, reference_len),
            None => substitute(arg, cx, depth + 1),
        },
        ":+" if non_empty => substitute(arg, cx, depth + 1),
        ":+" => cx.value(name, value.unwrap_or_default(), reference_len),
        "+" => match value {
            Some(_) => substitute(arg, cx, depth + 1),
            None => String::new(),
        },
        ":?" | "?" => {
            let ok = if op == ":?" { non_empty } else { value.is_some() };
            if ok {
                cx.value(name, value.unwrap_or_default(), reference_len)
            } else {
                let message = substitute(arg, cx, depth + 1);
                cx.out.errors.push(if message.is_empty() {
                    format!("required variable {name} is missing a value")
                } else {
                    format!("required variable {name} is missing a value: {message}")
                });
                cx.out.unknown.push(name.to_string());
                String::new()
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Env {
        let mut e = Env::default();
        for (k, v) in [("SET", "value"), ("EMPTY", ""), ("TAG", "1.25"), ("N", "8080")] {
            e.vars.insert(k.into(), v.into());
        }
        e.unknown.insert("FROM_UNKNOWN".into());
        e
    }

    fn ok(t: &str) -> String {
        let o = interpolate(t, &env(), &mut ExpansionBudget::default());
        assert!(o.errors.is_empty(), "{t}: {:?}", o.errors);
        assert!(o.unknown.is_empty(), "{t}: {:?}", o.unknown);
        o.value
    }

    #[test]
    fn operator_table() {
        let table = [
            ("plain", "plain"),
            ("$SET", "value"),
            ("${SET}", "value"),
            ("x${SET}y", "xvaluey"),
            ("$SET.txt", "value.txt"),
            ("${UNSET:-def}", "def"),
            ("${EMPTY:-def}", "def"),
            ("${SET:-def}", "value"),
            ("${UNSET-def}", "def"),
            ("${EMPTY-def}", ""),
            ("${SET-def}", "value"),
            ("${SET:?boom}", "value"),
            ("${EMPTY?boom}", ""),
            ("${SET:+alt}", "alt"),
            ("${EMPTY:+alt}", ""),
            ("${UNSET:+alt}", ""),
            ("${SET+alt}", "alt"),
            ("${EMPTY+alt}", "alt"),
            ("${UNSET+alt}", ""),
            ("${UNSET:-${TAG}}", "1.25"),
            ("${UNSET:-${ALSO_UNSET:-deep}}", "deep"),
            ("${UNSET:-a:b}", "a:b"),
            ("${UNSET-:2283:2283}", ":2283:2283"),
            ("$$", "$"),
            ("$$SET", "$SET"),
            ("$${SET}", "${SET}"),
            ("a $$ b", "a $ b"),
            ("${N}:80", "8080:80"),
            ("echo $(date) $1 5$", "echo $(date) $1 5$"),
            ("$", "$"),
        ];
        for (t, want) in table {
            assert_eq!(ok(t), want, "{t}");
        }
    }

    #[test]
    fn unset_variables_are_unknown_not_empty() {
        let o = interpolate("nginx:${TAG2}", &env(), &mut ExpansionBudget::default());
        assert_eq!(o.unknown, vec!["TAG2"]);
        assert!(o.errors.is_empty());
        let o = interpolate("$FROM_UNKNOWN", &env(), &mut ExpansionBudget::default());
        assert_eq!(o.unknown, vec!["FROM_UNKNOWN"]);
        let o = interpolate("${FROM_UNKNOWN:-x}", &env(), &mut ExpansionBudget::default());
        assert_eq!(o.unknown, vec!["FROM_UNKNOWN"]);
    }

    #[test]
    fn required_and_invalid_are_errors() {
        let o = interpolate("${UNSET:?set it}", &env(), &mut ExpansionBudget::default());
        assert_eq!(o.errors, vec!["required variable UNSET is missing a value: set it"]);
        let o = interpolate("${EMPTY:?}", &env(), &mut ExpansionBudget::default());
        assert_eq!(o.errors.len(), 1);
        assert!(
            interpolate("${UNSET?}", &env(), &mut ExpansionBudget::default())
                .errors
                .len()
                == 1
        );
        for bad in ["${", "x ${SET", "${}", "${1A}", "${A B}", "${SET/x/y}"] {
            let o = interpolate(bad, &env(), &mut ExpansionBudget::default());
            assert_eq!(o.errors.len(), 1, "{bad}");
        }
    }

    #[test]
    fn growth_past_the_budget_is_unknown_not_truncated() {
        let mut e = env();
        e.vars.insert("BIG".into(), "x".repeat(100));
        let mut budget = ExpansionBudget::new(250);
        // `$BIG` is 4 bytes: each use adds 96.
        let o = interpolate("$BIG$BIG", &e, &mut budget);
        assert!(o.unknown.is_empty() && o.over_budget.is_none());
        assert_eq!(o.value.len(), 200);
        let o = interpolate("a ${BIG} ${SET}", &e, &mut budget);
        assert_eq!(o.over_budget.as_deref(), Some("BIG"));
        assert_eq!(o.unknown, vec!["BIG"]);
        assert!(budget.exceeded);
        // Values no longer than their reference cost nothing and still resolve.
        let o = interpolate("${TAG}", &e, &mut budget);
        assert_eq!((o.value.as_str(), o.unknown.len()), ("1.25", 0));
    }
}
