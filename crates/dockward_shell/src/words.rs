//! Words: the unit both the shell parser and the docker argv parser hand out.
//!
//! A word keeps two views of itself: `raw`, the exact bytes it covers in the source (what a
//! finding points at and what a fix replaces), and `value`, the text after quote removal and
//! escape processing but *before* any expansion (what a rule compares against). Expansions
//! are left in the value verbatim (`$HOME` stays `$HOME`) and flagged, so a rule can tell a
//! literal `--privileged` from one that only might be there.

use dockward_core::TextRange;
use serde::Serialize;

/// The kinds of expansion a word contains (a small bit set).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Expansions(u8);

impl Expansions {
    /// `$NAME`, `${…}`, `$1`, `$@` …
    pub const PARAMETER: Expansions = Expansions(1);
    /// `$( … )` or `` `…` ``.
    pub const COMMAND: Expansions = Expansions(1 << 1);
    /// `$(( … ))`.
    pub const ARITHMETIC: Expansions = Expansions(1 << 2);
    /// Unquoted `*`, `?`, `[…]`, or an extglob `@(…)`.
    pub const GLOB: Expansions = Expansions(1 << 3);
    /// Unquoted `{a,b}` / `{1..3}`.
    pub const BRACE: Expansions = Expansions(1 << 4);
    /// `<( … )` / `>( … )`.
    pub const PROCESS: Expansions = Expansions(1 << 5);
    /// A leading unquoted `~` (not counted by [`Word::has_expansion`]: it never hides
    /// arguments and rules usually want the literal path).
    pub const TILDE: Expansions = Expansions(1 << 6);

    /// Everything that makes the word's final text (or the number of words) unknowable
    /// without running the shell.
    pub const DYNAMIC: Expansions = Expansions(0b0011_1111);
    /// Expansions that depend on variables or command output (not on the file system).
    pub const SUBSTITUTION: Expansions = Expansions(0b0010_0111);

    pub const fn empty() -> Self {
        Expansions(0)
    }
    pub const fn bits(self) -> u8 {
        self.0
    }
    pub const fn contains(self, other: Expansions) -> bool {
        self.0 & other.0 == other.0
    }
    pub const fn intersects(self, other: Expansions) -> bool {
        self.0 & other.0 != 0
    }
    pub fn insert(&mut self, other: Expansions) {
        self.0 |= other.0;
    }
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl std::fmt::Debug for Expansions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const NAMES: [&str; 7] = [
            "PARAMETER",
            "COMMAND",
            "ARITHMETIC",
            "GLOB",
            "BRACE",
            "PROCESS",
            "TILDE",
        ];
        let mut first = true;
        write!(f, "Expansions(")?;
        for (i, name) in NAMES.iter().enumerate() {
            if self.0 & (1 << i) != 0 {
                if !first {
                    write!(f, "|")?;
                }
                write!(f, "{name}")?;
                first = false;
            }
        }
        write!(f, ")")
    }
}

/// One shell word (or one argv element).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Word {
    /// The bytes the word covers, quotes included, relative to the parsed text.
    pub raw: TextRange,
    /// The text with quotes removed and escapes processed; expansions kept verbatim.
    pub value: String,
    /// Whether any part was quoted or backslash-escaped (a quoted `if` is not a keyword,
    /// a quoted `*` is not a glob).
    pub quoted: bool,
    /// Contains `$VAR`, `${..}`, `$(..)`, `` `..` ``, `$((..))`, `<(..)`, an unquoted glob
    /// or brace expansion: its final text is not knowable statically.
    pub has_expansion: bool,
    /// Which expansions, in detail.
    pub expansions: Expansions,
}

impl Word {
    /// A word from already-known parts (tests, synthetic argv).
    pub fn new(raw: TextRange, value: impl Into<String>) -> Self {
        Word {
            raw,
            value: value.into(),
            quoted: false,
            has_expansion: false,
            expansions: Expansions::empty(),
        }
    }

    /// True when the value is exactly what the program will receive.
    pub fn is_literal(&self) -> bool {
        !self.has_expansion
    }

    /// True when the value depends on a variable or on command output (`$X`, `$(cmd)`),
    /// as opposed to only a glob.
    pub fn has_substitution(&self) -> bool {
        self.expansions.intersects(Expansions::SUBSTITUTION)
    }

    /// A word that starts with an expansion and may stand for any number of arguments
    /// after word splitting: unquoted `$OPTS`, `${ARGS}`, `$(flags)`, or even quoted
    /// `"$@"` / `"${ARGS[@]}"`.
    pub fn may_split(&self) -> bool {
        let starts = self.value.starts_with('$') || self.value.starts_with('`');
        if !self.has_substitution() || !starts {
            return false;
        }
        !self.quoted || self.value.contains("[@]") || self.value.contains("$@")
    }

    /// Whether `raw` and `value` correspond byte for byte (no quotes, no escapes), so an
    /// offset into the value is the same offset into the raw text.
    pub fn is_plain(&self) -> bool {
        !self.quoted && self.raw.len() as usize == self.value.len()
    }

    /// The source range of `value[start..end]` when that is knowable from the word alone
    /// (a plain word); otherwise the whole word.
    pub fn sub_range(&self, start: usize, end: usize) -> TextRange {
        if self.is_plain() && start <= end && end <= self.value.len() {
            TextRange::from_usize(self.raw.start as usize + start, self.raw.start as usize + end)
        } else {
            self.raw
        }
    }
}

/// Splits argv-like text (systemd `ExecStart=`, an `exec` form written as a string) into
/// words without shell grammar: blanks separate words, `'…'` and `"…"` quote, `\` escapes.
/// `$VAR` / `${VAR}` are flagged as expansions but not interpreted. Never fails: an
/// unterminated quote runs to the end of the text.
pub fn split_words_lenient(text: &str) -> Vec<Word> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        let mut value = String::new();
        let mut quoted = false;
        let mut exp = Expansions::empty();
        let mut run = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            match b[i] {
                b'\'' | b'"' => {
                    value.push_str(&text[run..i]);
                    quoted = true;
                    let q = b[i];
                    i += 1;
                    let mut seg = i;
                    while i < b.len() && b[i] != q {
                        if q == b'"' && b[i] == b'\\' && i + 1 < b.len() {
                            value.push_str(&text[seg..i]);
                            let ch = char_at(text, i + 1);
                            value.push(ch);
                            i += 1 + ch.len_utf8();
                            seg = i;
                            continue;
                        }
                        if q == b'"' && b[i] == b'$' {
                            exp.insert(Expansions::PARAMETER);
                        }
                        i += 1;
                    }
                    value.push_str(&text[seg..i]);
                    if i < b.len() {
                        i += 1;
                    }
                    run = i;
                }
                b'\\' if i + 1 < b.len() => {
                    value.push_str(&text[run..i]);
                    quoted = true;
                    let ch = char_at(text, i + 1);
                    value.push(ch);
                    i += 1 + ch.len_utf8();
                    run = i;
                }
                b'$' => {
                    exp.insert(Expansions::PARAMETER);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        if run < i {
            value.push_str(&text[run..i]);
        }
        out.push(Word {
            raw: TextRange::from_usize(start, i),
            value,
            quoted,
            has_expansion: exp.intersects(Expansions::DYNAMIC),
            expansions: exp,
        });
    }
    out
}

/// The char starting at byte `i` (which must be a char boundary), or U+FFFD.
pub(crate) fn char_at(text: &str, i: usize) -> char {
    text.get(i..).and_then(|s| s.chars().next()).unwrap_or('\u{FFFD}')
}

/// `basename` of a command path: `/usr/bin/curl` → `curl`.
pub(crate) fn basename(s: &str) -> &str {
    match s.rfind('/') {
        Some(i) => &s[i + 1..],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_split_quotes_and_escapes() {
        let t = r#"/usr/bin/foo --a="b c" 'd e' f\ g $HOME "unterminated"#;
        let w = split_words_lenient(t);
        let v: Vec<&str> = w.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(v, ["/usr/bin/foo", "--a=b c", "d e", "f g", "$HOME", "unterminated"]);
        assert_eq!(w[1].raw.slice(t), r#"--a="b c""#);
        assert!(w[4].has_expansion && !w[4].quoted);
        assert!(w[2].quoted);
    }

    #[test]
    fn lenient_split_unicode_and_empty() {
        assert!(split_words_lenient("   ").is_empty());
        let t = "é \"ü\\\"\" \\";
        let w = split_words_lenient(t);
        assert_eq!(w[0].value, "é");
        assert_eq!(w[1].value, "ü\"");
        assert_eq!(w[2].value, "\\");
    }

    #[test]
    fn sub_range_plain_and_quoted() {
        let w = Word::new(TextRange::new(10, 15), "-itd0");
        assert_eq!(w.sub_range(1, 2), TextRange::new(11, 12));
        let mut q = Word::new(TextRange::new(10, 17), "-itd0");
        q.quoted = true;
        assert_eq!(q.sub_range(1, 2), TextRange::new(10, 17));
    }
}
