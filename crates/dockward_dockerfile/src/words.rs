//! Word splitting the two ways BuildKit's parser does it, and shell-style unquoting.

use std::borrow::Cow;

use crate::lines::is_split_space;

/// A word found in a string: `start..end` in the input, and `text_end` where its text
/// ends (the text is always `input[start..text_end]`; see [`quote_aware_words`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub text_end: usize,
}

/// Splits at runs of `[\t\v\f\r ]`, as BuildKit does for FROM, EXPOSE, ADD/COPY/VOLUME in
/// shell form. Quotes mean nothing here: `"a b"` is two words.
pub(crate) fn split_words(text: &str) -> Vec<Span> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && is_split_space(b[i]) {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let start = i;
        while i < b.len() && !is_split_space(b[i]) {
            i += 1;
        }
        out.push(Span {
            start,
            end: i,
            text_end: i,
        });
    }
    out
}

/// BuildKit's `parseWords` (ARG, ENV, LABEL): splits at Unicode whitespace outside quotes;
/// quotes and escapes are kept in the words. The escape character makes the next
/// character part of the word (even a space or a quote), except inside single quotes.
///
/// The text of a word is always a prefix of its source slice: the only character BuildKit
/// drops is an escape character at the very end of the input.
pub(crate) fn quote_aware_words(text: &str, escape: char) -> Vec<Span> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote(char),
    }
    let mut out = Vec::new();
    let mut phase = Phase::Spaces;
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((pos, ch)) = chars.next() {
        let at_last = chars.peek().is_none();
        match phase {
            Phase::Spaces => {
                if ch.is_whitespace() {
                    continue;
                }
                start = pos;
                phase = Phase::Word;
            }
            Phase::Word | Phase::Quote(_) => {}
        }
        match phase {
            Phase::Word => {
                if ch.is_whitespace() {
                    out.push(Span {
                        start,
                        end: pos,
                        text_end: pos,
                    });
                    phase = Phase::Spaces;
                    continue;
                }
                if ch == '\'' || ch == '"' {
                    phase = Phase::Quote(ch);
                } else if ch == escape {
                    if at_last {
                        // A trailing escape is dropped.
                        out.push(Span {
                            start,
                            end: text.len(),
                            text_end: pos,
                        });
                        return out;
                    }
                    chars.next();
                }
            }
            Phase::Quote(q) => {
                if ch == q {
                    phase = Phase::Word;
                } else if ch == escape && q != '\'' {
                    if at_last {
                        out.push(Span {
                            start,
                            end: text.len(),
                            text_end: pos,
                        });
                        return out;
                    }
                    chars.next();
                }
            }
            Phase::Spaces => unreachable!("handled above"),
        }
    }
    if phase != Phase::Spaces {
        out.push(Span {
            start,
            end: text.len(),
            text_end: text.len(),
        });
    }
    out
}

/// Removes shell quoting from one word as BuildKit's shell lexer does (without variable
/// expansion): `'…'` is literal; inside `"…"` the escape character only escapes `"`, `$`
/// and itself; outside quotes it escapes any character and is dropped at the very end.
pub(crate) fn unquote(word: &str, escape: char) -> Cow<'_, str> {
    if !word.contains(['\'', '"', escape]) {
        return Cow::Borrowed(word);
    }
    let mut out = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\'' => {
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    out.push(c);
                }
            }
            '"' => {
                while let Some(c) = chars.next() {
                    if c == '"' {
                        break;
                    }
                    if c == escape {
                        match chars.peek() {
                            Some(&n) if n == '"' || n == '$' || n == escape => {
                                out.push(n);
                                chars.next();
                            }
                            Some(_) => out.push(c),
                            None => {}
                        }
                        continue;
                    }
                    out.push(c);
                }
            }
            c if c == escape => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, escape: char) -> Vec<&str> {
        quote_aware_words(text, escape)
            .into_iter()
            .map(|s| &text[s.start..s.text_end])
            .collect()
    }

    #[test]
    fn quote_aware_splitting_keeps_quotes() {
        assert_eq!(words(r#"abc="123 456" def"#, '\\'), [r#"abc="123 456""#, "def"]);
        assert_eq!(words(r"a=b\ c d", '\\'), [r"a=b\ c", "d"]);
        assert_eq!(words(r#"n='a\'b'"#, '\\'), [r#"n='a\'b'"#]);
        assert_eq!(words("a\\", '\\'), ["a"]);
        assert_eq!(words("a ` c", '`'), ["a", "` c"]);
        assert_eq!(words("  ", '\\'), Vec::<&str>::new());
    }

    #[test]
    fn ascii_splitting_ignores_quotes() {
        let text = "\"a b\"\t c\u{a0}d";
        let got: Vec<_> = split_words(text).into_iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(got, ["\"a", "b\"", "c\u{a0}d"]);
    }

    #[test]
    fn unquoting() {
        assert_eq!(unquote("plain", '\\'), "plain");
        assert_eq!(unquote(r#""a b""#, '\\'), "a b");
        assert_eq!(unquote(r#""a\"b\n""#, '\\'), "a\"b\\n");
        assert_eq!(unquote(r"'a\b'", '\\'), r"a\b");
        assert_eq!(unquote(r"a\ b\", '\\'), "a b");
        assert_eq!(unquote("x`y", '`'), "xy");
        assert_eq!(unquote("$HOME/'x'", '\\'), "$HOME/x");
    }
}
