//! apk-tools' version ordering (Alpine, Wolfi, Chainguard).
//!
//! Grammar: `number{.number}*{letter}?{_suffix{number}?}*{~hash}?{-rN}?`. Versions are
//! compared token by token; the first difference decides. Numbers after a dot that start
//! with `0` compare as strings (`1.02 < 1.1`… but `8.2.0 < 8.2.001`), others as numbers.
//! Suffixes order `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p`.
//! A version that breaks the grammar is still compared up to the first token that breaks
//! it, as apk does, so ordering never fails; [`is_valid`] tells the two apart.

use std::cmp::Ordering;

/// Token kinds, in the order apk ranks them when one version has a token where the other
/// has a different one (a later kind means "less" at that point, see [`compare_fuzzy`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Initial,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    Hash,
    Revision,
    End,
    Invalid,
}

/// Rank of "no suffix": suffixes below it are pre-releases.
const NO_SUFFIX: u8 = 4;

fn suffix_rank(name: &[u8]) -> Option<u8> {
    Some(match name {
        b"alpha" => 0,
        b"beta" => 1,
        b"pre" => 2,
        b"rc" => 3,
        b"cvs" => 5,
        b"svn" => 6,
        b"git" => 7,
        b"hg" => 8,
        b"p" => 9,
        _ => return None,
    })
}

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: Kind,
    value: &'a [u8],
    suffix: u8,
}

struct Tokens<'a> {
    rest: &'a [u8],
    previous: Kind,
}

impl<'a> Tokens<'a> {
    fn new(version: &'a str) -> Self {
        Tokens {
            rest: version.as_bytes(),
            previous: Kind::End,
        }
    }

    fn span(&mut self, skip: usize, accept: impl Fn(u8) -> bool) -> &'a [u8] {
        let rest = &self.rest[skip.min(self.rest.len())..];
        let n = rest.iter().take_while(|c| accept(**c)).count();
        self.rest = &rest[n..];
        &rest[..n]
    }

    fn token(&mut self, kind: Kind, value: &'a [u8]) -> Token<'a> {
        let kind = if value.is_empty() { Kind::Invalid } else { kind };
        self.previous = kind;
        Token { kind, value, suffix: 0 }
    }

    fn invalid(&mut self) -> Token<'a> {
        self.token(Kind::Invalid, b"")
    }

    fn first(&mut self) -> Token<'a> {
        let digits = self.span(0, |c| c.is_ascii_digit());
        self.token(Kind::Initial, digits)
    }

    fn next(&mut self) -> Token<'a> {
        let previous = self.previous;
        if previous == Kind::Invalid {
            return self.invalid();
        }
        let Some(&c) = self.rest.first() else {
            self.previous = Kind::End;
            return Token {
                kind: Kind::End,
                value: b"",
                suffix: 0,
            };
        };
        match c {
            b'a'..=b'z' if previous <= Kind::Digit => {
                let letter = &self.rest[..1];
                self.rest = &self.rest[1..];
                self.token(Kind::Letter, letter)
            }
            b'.' if previous <= Kind::Digit => {
                let digits = self.span(1, |c| c.is_ascii_digit());
                self.token(Kind::Digit, digits)
            }
            b'0'..=b'9' if previous == Kind::Suffix => {
                let digits = self.span(0, |c| c.is_ascii_digit());
                self.token(Kind::SuffixNumber, digits)
            }
            b'_' if previous <= Kind::SuffixNumber => {
                let name = self.span(1, |c| c.is_ascii_lowercase());
                match suffix_rank(name) {
                    Some(rank) => {
                        let mut token = self.token(Kind::Suffix, name);
                        token.suffix = rank;
                        token
                    }
                    None => self.invalid(),
                }
            }
            b'~' if previous < Kind::Hash => {
                let hash = self.span(1, |c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
                self.token(Kind::Hash, hash)
            }
            b'-' if previous < Kind::Revision && self.rest.get(1) == Some(&b'r') => {
                let digits = self.span(2, |c| c.is_ascii_digit());
                self.token(Kind::Revision, digits)
            }
            _ => self.invalid(),
        }
    }
}

/// Compares digit strings as unbounded numbers.
fn numeric(a: &[u8], b: &[u8]) -> Ordering {
    let trim = |s: &[u8]| -> usize { s.iter().take_while(|c| **c == b'0').count() };
    let (a, b) = (&a[trim(a)..], &b[trim(b)..]);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn compare_tokens(a: &Token<'_>, b: &Token<'_>) -> Ordering {
    match a.kind {
        Kind::Digit if a.value.first() == Some(&b'0') || b.value.first() == Some(&b'0') => a.value.cmp(b.value),
        Kind::Initial | Kind::Digit | Kind::SuffixNumber | Kind::Revision => numeric(a.value, b.value),
        Kind::Letter | Kind::Hash => a.value.cmp(b.value),
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        Kind::End | Kind::Invalid => Ordering::Equal,
    }
}

/// Orders two apk versions.
pub fn compare(a: &str, b: &str) -> Ordering {
    compare_fuzzy(a, b, false)
}

/// apk's comparison; with `fuzzy`, `a` equals `b` when `b` is a prefix of it in tokens
/// (`3.6.9 ~ 3.6`), as the `~` dependency operator reads it.
pub fn compare_fuzzy(a: &str, b: &str, fuzzy: bool) -> Ordering {
    let (mut ta, mut tb) = (Tokens::new(a), Tokens::new(b));
    let (mut x, mut y) = (ta.first(), tb.first());
    while x.kind == y.kind && x.kind < Kind::End {
        match compare_tokens(&x, &y) {
            Ordering::Equal => {}
            other => return other,
        }
        x = ta.next();
        y = tb.next();
    }
    if x.kind == y.kind || (fuzzy && y.kind == Kind::End) {
        return Ordering::Equal;
    }
    // Equal so far: the longer version is newer, unless what it has more is a
    // pre-release suffix.
    if x.kind == Kind::Suffix && x.suffix < NO_SUFFIX {
        return Ordering::Less;
    }
    if y.kind == Kind::Suffix && y.suffix < NO_SUFFIX {
        return Ordering::Greater;
    }
    y.kind.cmp(&x.kind)
}

/// Whether `version` follows apk's grammar.
pub fn is_valid(version: &str) -> bool {
    let mut tokens = Tokens::new(version);
    let mut token = tokens.first();
    loop {
        match token.kind {
            Kind::End => return true,
            Kind::Invalid => return false,
            _ => token = tokens.next(),
        }
    }
}
