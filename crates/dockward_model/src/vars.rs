//! Build-time variables as BuildKit resolves them: ARG and ENV per stage.
//!
//! Global ARGs (declared before the first FROM) are visible to FROM lines only; inside a
//! stage an ARG must be re-declared (`ARG NAME`, taking the global default) to be seen. ENV
//! values and ARG defaults may themselves use earlier variables. Substitution understands
//! `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` and `${VAR+alt}`; a
//! variable with no known value makes the result *unknown*, never silently empty.

use rustc_hash::FxHashMap;

/// A variable's value: known text, or declared without a value we can know (an ARG with no
/// default, which the builder may pass with `--build-arg`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarValue {
    Known(String),
    Unknown,
}

/// The variables visible at one point of a Dockerfile.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    values: FxHashMap<String, VarValue>,
}

/// The result of substituting variables into a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    /// Some part depended on a variable whose value is unknown (or undeclared).
    pub unknown: bool,
}

impl Vars {
    pub fn set(&mut self, name: &str, value: VarValue) {
        self.values.insert(name.to_string(), value);
    }

    pub fn get(&self, name: &str) -> Option<&VarValue> {
        self.values.get(name)
    }

    pub fn is_declared(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// Substitutes variables into `text`. Quotes are left in place (callers unquote words);
    /// `\$` escapes a dollar as BuildKit's lexer does.
    pub fn expand(&self, text: &str) -> Expanded {
        if !text.contains('$') {
            return Expanded {
                text: text.to_string(),
                unknown: false,
            };
        }
        let mut out = String::with_capacity(text.len());
        let mut unknown = false;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if bytes.get(i + 1) == Some(&b'$') => {
                    out.push('$');
                    i += 2;
                }
                b'$' => {
                    let (consumed, value) = self.expand_at(&text[i + 1..]);
                    match value {
                        Some(Ok(v)) => out.push_str(&v),
                        Some(Err(())) => unknown = true,
                        None => out.push('$'),
                    }
                    i += 1 + consumed;
                }
                _ => {
                    let next = text[i..].find(['$', '\\']).map_or(text.len(), |n| i + n.max(1));
                    out.push_str(&text[i..next]);
                    i = next;
                }
            }
        }
        Expanded { text: out, unknown }
    }

    /// Expands the reference right after a `$`. Returns bytes consumed and the value:
    /// `None` when this `$` starts no reference, `Some(Err)` when the value is unknown.
    fn expand_at(&self, rest: &str) -> (usize, Option<Result<String, ()>>) {
        if let Some(inner) = rest.strip_prefix('{') {
            let Some(close) = matching_brace(inner) else {
                return (0, None);
            };
            let body = &inner[..close];
            let name_len = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len());
            let (name, modifier) = body.split_at(name_len);
            let current = self.lookup(name);
            let value = match modifier {
                "" => current,
                _ => {
                    let (colon, op, word) = match modifier.strip_prefix(':') {
                        Some(m) => (true, m.chars().next(), m.get(1..).unwrap_or("")),
                        None => (false, modifier.chars().next(), modifier.get(1..).unwrap_or("")),
                    };
                    let is_set = match &current {
                        Ok(v) => !(colon && v.is_empty()),
                        Err(()) => false,
                    };
                    let undeclared = !self.is_declared(name);
                    let word = self.expand(word);
                    let word = if word.unknown { Err(()) } else { Ok(word.text) };
                    match op {
                        Some('-') if is_set => current,
                        // The default applies when the variable is undeclared or empty; an
                        // ARG declared without value may still get one from --build-arg.
                        Some('-') if undeclared || current.as_ref().is_ok_and(String::is_empty) => word,
                        Some('+') if is_set => word,
                        Some('+') if undeclared || current.is_ok() => Ok(String::new()),
                        Some('-' | '+') => Err(()),
                        // `${VAR?err}` and anything else: the value if known.
                        _ => current,
                    }
                }
            };
            (close + 2, Some(value))
        } else {
            let name_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            // A name starts with a letter or `_`; `$5` or `$ ` is left as written.
            if name_len == 0 || rest.starts_with(|c: char| c.is_ascii_digit()) {
                return (0, None);
            }
            (name_len, Some(self.lookup(&rest[..name_len])))
        }
    }

    fn lookup(&self, name: &str) -> Result<String, ()> {
        match self.values.get(name) {
            Some(VarValue::Known(v)) => Ok(v.clone()),
            _ => Err(()),
        }
    }
}

fn matching_brace(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        let mut v = Vars::default();
        v.set("BASE", VarValue::Known("alpine".into()));
        v.set("EMPTY", VarValue::Known(String::new()));
        v.set("FREE", VarValue::Unknown);
        v
    }

    #[test]
    fn substitutes_every_form() {
        let v = vars();
        let cases = [
            ("$BASE:3", "alpine:3", false),
            ("${BASE}-x", "alpine-x", false),
            ("${NOPE:-debian}", "debian", false),
            ("${EMPTY:-debian}", "debian", false),
            ("${EMPTY-debian}", "", false),
            ("${BASE:+set}", "set", false),
            ("${NOPE:+set}", "", false),
            ("\\$BASE", "$BASE", false),
            ("cost $5", "cost $5", false),
            ("${BASE:-${NOPE:-z}}", "alpine", false),
            ("${NOPE:-${BASE}}", "alpine", false),
        ];
        for (input, text, unknown) in cases {
            assert_eq!(
                v.expand(input),
                Expanded {
                    text: text.into(),
                    unknown
                },
                "{input}"
            );
        }
    }

    #[test]
    fn unknown_values_are_marked_not_emptied() {
        let v = vars();
        assert!(v.expand("$FREE").unknown);
        assert!(v.expand("${NOPE}").unknown);
        assert!(v.expand("${FREE:-x}").unknown, "a build arg may be passed");
        assert!(v.expand("${FREE:+x}").unknown);
    }
}
