//! The `.env` file format as Compose reads it (compose-go `dotenv`).
//!
//! `KEY=value` or `KEY: value` per line, optional `export ` prefix, `#` comment lines.
//! Unquoted values end at the line end or at ` #` and are trimmed; single-quoted values are
//! literal; double-quoted values may span lines and understand `\n`, `\t`, `\"`, `\\`, `\$`
//! and octal escapes. Unquoted and double-quoted values are interpolated (`${X:-d}` …)
//! against the caller's environment first, then the keys defined above. A bare `KEY` line
//! takes the value from the caller's environment. Variables set in the caller's environment
//! win over the file.

use std::collections::{BTreeMap, BTreeSet};

use dockward_core::TextRange;

use super::interpolate::{ExpansionBudget, Lookup, Scope, interpolate};

#[derive(Debug, Default)]
pub(crate) struct DotEnv {
    /// Values in file order (a later line for the same key wins).
    pub vars: Vec<(String, String, TextRange)>,
    /// Keys whose value depends on a variable nobody set.
    pub unknown: BTreeSet<String>,
    pub errors: Vec<(String, TextRange)>,
}

/// Whitespace that is not a line break (compose-go `isSpace`).
fn is_space(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}')
}

fn is_key_char(c: char) -> bool {
    matches!(c, '_' | '.' | '-' | '[' | ']') || c.is_alphanumeric()
}

/// A `.env` line's view of the variables: the caller's environment first, then the keys
/// defined above it (borrowed, not copied: a file with thousands of keys would otherwise
/// copy them all for every line).
struct LineScope<'a> {
    outer: &'a BTreeMap<String, String>,
    defined: &'a BTreeMap<String, String>,
    /// Keys above whose value is unknown.
    unknown: &'a BTreeSet<String>,
}

impl Scope for LineScope<'_> {
    fn lookup(&self, name: &str) -> Lookup<'_> {
        if let Some(v) = self.outer.get(name) {
            return Lookup::Set(v);
        }
        if self.unknown.contains(name) {
            return Lookup::Unknown;
        }
        match self.defined.get(name) {
            Some(v) => Lookup::Set(v),
            None => Lookup::Unset,
        }
    }
}

/// Parses a `.env` file. Substitutions draw on `budget`; the first one it refuses is
/// reported on its line, and that key's value is unknown.
pub(crate) fn parse_dotenv(text: &str, outer: &BTreeMap<String, String>, budget: &mut ExpansionBudget) -> DotEnv {
    let mut out = DotEnv::default();
    let mut defined: BTreeMap<String, String> = BTreeMap::new();
    let mut pos = 0;
    loop {
        // Statement start: skip whitespace (line breaks included) and comment lines.
        let rest = &text[pos..];
        let Some(skip) = rest.find(|c: char| !c.is_whitespace()) else {
            break;
        };
        pos += skip;
        if text[pos..].starts_with('#') {
            pos = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
            continue;
        }
        let line_end = text[pos..].find('\n').map_or(text.len(), |n| pos + n);
        let line_range = TextRange::from_usize(pos, line_end);
        let mut src = &text[pos..];
        if let Some(after) = src.strip_prefix("export")
            && after.starts_with(char::is_whitespace)
        {
            src = after.trim_start_matches(is_space);
        }
        let start_of_key = text.len() - src.len();
        // Find the key terminator: `=`, `:` or a line break (a bare, inherited key).
        let mut terminator = None;
        for (i, c) in src.char_indices() {
            if is_space(c) {
                continue;
            }
            match c {
                '=' | ':' | '\n' => {
                    terminator = Some((i, c));
                    break;
                }
                c if is_key_char(c) => {}
                c => {
                    out.errors
                        .push((format!("unexpected character {c:?} in variable name"), line_range));
                    terminator = None;
                    break;
                }
            }
        }
        let Some((t, tc)) = terminator.or_else(|| {
            // A bare key on the last line without a line break.
            src.chars()
                .all(|c| is_space(c) || is_key_char(c))
                .then_some((src.len(), '\n'))
        }) else {
            // Resynchronise on the next line.
            pos = line_end;
            continue;
        };
        let key = src[..t].trim_end_matches(is_space).to_string();
        let key_range = TextRange::from_usize(start_of_key, start_of_key + key.len());
        if key.contains(' ') || key.is_empty() {
            out.errors
                .push(("variable name is empty or contains a space".to_string(), line_range));
            pos = line_end;
            continue;
        }
        let after_key = start_of_key + t + tc.len_utf8().min(src.len() - t);
        if tc == '\n' {
            if let Some(v) = outer.get(&key) {
                defined.insert(key.clone(), v.clone());
                out.vars.push((key, v.clone(), key_range));
            }
            pos = after_key;
            continue;
        }
        let value_start = after_key + text[after_key..].len() - text[after_key..].trim_start_matches(is_space).len();
        let (raw, next, quote) = match read_value(text, value_start) {
            Ok(v) => v,
            Err(message) => {
                out.errors.push((message, line_range));
                break;
            }
        };
        let mut value = raw;
        let mut unknown_value = false;
        if quote != Some('\'') {
            let template = if quote == Some('"') {
                expand_escapes(&value)
            } else {
                value.clone()
            };
            let scope = LineScope {
                outer,
                defined: &defined,
                unknown: &out.unknown,
            };
            let already_exceeded = budget.exceeded;
            let o = interpolate(&template, &scope, budget);
            for e in o.errors {
                out.errors.push((e, line_range));
            }
            if let (Some(name), false) = (&o.over_budget, already_exceeded) {
                out.errors.push((ExpansionBudget::message(name), line_range));
            }
            unknown_value = !o.unknown.is_empty();
            value = o.value;
        }
        if unknown_value {
            out.unknown.insert(key.clone());
        } else {
            out.unknown.remove(&key);
        }
        defined.insert(key.clone(), value.clone());
        out.vars.push((key, value, key_range));
        pos = next;
    }
    out
}

/// Reads a value starting at `at`: returns the raw value, where the next statement may
/// start, and the quote used.
fn read_value(text: &str, at: usize) -> Result<(String, usize, Option<char>), String> {
    let src = &text[at..];
    let quote = src.chars().next().filter(|c| *c == '"' || *c == '\'');
    let Some(q) = quote else {
        let line_end = src.find('\n').map_or(src.len(), |n| n);
        let line = &src[..line_end];
        let line = line.split(" #").next().unwrap_or("");
        let value = line.trim_end().to_string();
        return Ok((value, at + line_end, None));
    };
    let mut value = String::new();
    let mut escaped = false;
    for (i, c) in src.char_indices().skip(1) {
        if escaped {
            escaped = false;
            // An escaped quote drops its backslash; any other escape keeps it (for the
            // double-quote escape pass).
            if c != q {
                value.push('\\');
            }
            value.push(c);
            continue;
        }
        if c == '\\' {
            escaped = true;
        } else if c == q {
            return Ok((value, at + i + 1, quote));
        } else {
            value.push(c);
        }
    }
    let line_end = src.find('\n').unwrap_or(src.len());
    Err(format!("unterminated quoted value {}", &src[..line_end]))
}

/// Double-quote escapes: `\a \b \f \n \r \t \v \\ \"`, octal `\0NNN`, and `\$` (a literal
/// dollar, written `$$` for the interpolation pass that follows).
fn expand_escapes(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('v') => out.push('\u{b}'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('$') => out.push_str("$$"),
            Some('0') => {
                chars.next();
                let mut digits = String::new();
                while digits.len() < 3 && chars.peek().is_some_and(|d| d.is_digit(8)) {
                    digits.extend(chars.next());
                }
                let code = u32::from_str_radix(if digits.is_empty() { "0" } else { &digits }, 8)
                    .ok()
                    .and_then(char::from_u32);
                match code {
                    Some(ch) => out.push(ch),
                    None => {
                        out.push_str("\\0");
                        out.push_str(&digits);
                    }
                }
                continue;
            }
            _ => {
                out.push('\\');
                continue;
            }
        }
        chars.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(text: &str, outer: &[(&str, &str)]) -> (BTreeMap<String, String>, DotEnv) {
        let outer: BTreeMap<String, String> = outer.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let d = parse_dotenv(text, &outer, &mut ExpansionBudget::default());
        let map = d.vars.iter().map(|(k, v, _)| (k.clone(), v.clone())).collect();
        (map, d)
    }

    #[test]
    fn syntax() {
        let text = "# comment\n\
            A=1\n\
            export B=two words  \n\
            C: yaml style\n\
            D='single $A \\n'\n\
            E=\"double $A\\nnext\"\n\
            F=value # trailing comment\n\
            G=a#b\n\
            H=${A}-${UNSET:-dflt}\n\
            I=\"multi\n\
            line\"\n\
            J=\n\
            INHERITED\n\
            K=\"quote \\\" inside\"\n\
            L=\\$literal\n\
            M=\"\\$x\"\n";
        let (m, d) = vars(text, &[("INHERITED", "from-env")]);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert_eq!(m["A"], "1");
        assert_eq!(m["B"], "two words");
        assert_eq!(m["C"], "yaml style");
        assert_eq!(m["D"], "single $A \\n");
        assert_eq!(m["E"], "double 1\nnext");
        assert_eq!(m["F"], "value");
        assert_eq!(m["G"], "a#b");
        assert_eq!(m["H"], "1-dflt");
        assert_eq!(m["I"], "multi\nline");
        assert_eq!(m["J"], "");
        assert_eq!(m["INHERITED"], "from-env");
        assert_eq!(m["K"], "quote \" inside");
        assert_eq!(m["M"], "$x");
        // Unquoted values get no escape processing: `\$literal` refers to `$literal`.
        assert_eq!(d.unknown.iter().collect::<Vec<_>>(), vec!["L"]);
    }

    #[test]
    fn unknown_references_and_errors() {
        let (_, d) = vars("A=${NOPE}\nB=ok\n", &[]);
        assert!(d.unknown.contains("A"));
        assert!(!d.unknown.contains("B"));
        let (_, d) = vars("A=\"open\nB=1\n", &[]);
        assert_eq!(d.errors.len(), 1);
        let (m, d) = vars("BAD KEY=1\nOK=2\n", &[]);
        assert_eq!(d.errors.len(), 1);
        assert_eq!(m["OK"], "2");
    }

    #[test]
    fn doubling_values_stop_at_the_budget_with_one_located_error() {
        let mut text = String::from("A1=xxxxxxxxxxxxxxxx\n");
        for i in 2..=40 {
            text.push_str(&format!("A{i}=${{A{}}}${{A{}}}\n", i - 1, i - 1));
        }
        text.push_str("OK=fine\n");
        let mut budget = ExpansionBudget::new(1 << 20);
        let d = parse_dotenv(&text, &BTreeMap::new(), &mut budget);
        assert_eq!(d.errors.len(), 1, "{:?}", d.errors);
        let (message, range) = &d.errors[0];
        assert!(message.contains("substituting `A16` here"), "{message}");
        // A1..A16 take just under 1 MiB in all (A16 is 512 KiB); A17 needs 1 MiB more.
        assert!(range.slice(&text).starts_with("A17="), "{}", range.slice(&text));
        let m: BTreeMap<_, _> = d.vars.iter().map(|(k, v, _)| (k.as_str(), v.len())).collect();
        assert_eq!(m["A16"], 16 << 15);
        for i in 17..=40 {
            assert!(d.unknown.contains(&format!("A{i}")), "A{i} is unknown");
        }
        assert!(!d.unknown.contains("OK"));
        let total: usize = m.values().sum();
        assert!(total < 2 << 20, "stored values stay within the budget: {total}");
    }

    #[test]
    fn many_keys_each_see_the_ones_above() {
        let n = 25_000;
        let mut text = String::new();
        for i in 0..n {
            if i == 0 {
                text.push_str("K0=v\n");
            } else {
                text.push_str(&format!("K{i}=${{K{}}}\n", i - 1));
            }
        }
        let d = parse_dotenv(&text, &BTreeMap::new(), &mut ExpansionBudget::default());
        assert!(d.errors.is_empty());
        assert_eq!(d.vars.len(), n);
        assert_eq!(d.vars[n - 1].1, "v");
    }
}
