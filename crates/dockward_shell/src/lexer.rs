//! Tokens and words, produced on demand for the parser.
//!
//! The lexer shares its cursor with the parser because shell lexing is not context free:
//! a `$( … )` inside a word is a whole command list (bash parses it recursively too), and
//! heredoc bodies start at the next newline token. Everything is a byte scan over the
//! source; special bytes are all ASCII, so every slice boundary is a char boundary.

use crate::ast::{Nesting, RedirectOp};
use crate::parser::{MAX_DEPTH, Parser, S_RPAREN};
use crate::words::{Expansions, Word, char_at};
use dockward_core::TextRange;
use memchr::{memchr, memchr2};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    AndIf,
    OrIf,
    Semi,
    /// `;;`, `;&`, `;;&`
    DSemi,
    Amp,
    Pipe,
    PipeAmp,
    LParen,
    RParen,
}

/// Reserved words, recognised by the parser only in command position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kw {
    If,
    Then,
    Elif,
    Else,
    Fi,
    While,
    Until,
    Do,
    Done,
    For,
    Select,
    In,
    Case,
    Esac,
    Function,
    LBrace,
    RBrace,
    Bang,
    Time,
    DLBracket,
    DRBracket,
    Coproc,
}

fn keyword(s: &str) -> Option<Kw> {
    Some(match s {
        "if" => Kw::If,
        "then" => Kw::Then,
        "elif" => Kw::Elif,
        "else" => Kw::Else,
        "fi" => Kw::Fi,
        "while" => Kw::While,
        "until" => Kw::Until,
        "do" => Kw::Do,
        "done" => Kw::Done,
        "for" => Kw::For,
        "select" => Kw::Select,
        "in" => Kw::In,
        "case" => Kw::Case,
        "esac" => Kw::Esac,
        "function" => Kw::Function,
        "{" => Kw::LBrace,
        "}" => Kw::RBrace,
        "!" => Kw::Bang,
        "time" => Kw::Time,
        "[[" => Kw::DLBracket,
        "]]" => Kw::DRBracket,
        "coproc" => Kw::Coproc,
        _ => return None,
    })
}

#[derive(Clone, Debug)]
pub(crate) enum Tok {
    Word(Word, Option<Kw>),
    Op(Op),
    Redir(Option<u32>, RedirectOp),
    Newline,
    Eof,
}

#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) range: TextRange,
}

/// A heredoc whose body starts after the next newline.
pub(crate) struct PendingHeredoc {
    /// `Redirect::range.start`, to find the redirect again when the body is known.
    pub(crate) key: u32,
    pub(crate) delim: String,
    pub(crate) strip_tabs: bool,
}

/// Bytes that end a plain run inside a word.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let s = b" \t\n\r;&|()<>\\'\"$`*?[{~";
    let mut i = 0;
    while i < s.len() {
        t[s[i] as usize] = true;
        i += 1;
    }
    t
};

/// For one byte of a word's value: the source span of the construct that produced it (a
/// source byte maps to itself; an escaped char to its whole escape sequence).
pub(crate) type ByteOrigin = (u32, u32);

/// A word's value under construction, optionally with the origin of every byte (used only
/// to map `sh -c '…'` strings back to the file).
pub(crate) struct Val {
    pub(crate) s: String,
    pub(crate) map: Option<Vec<ByteOrigin>>,
}

impl Val {
    fn push_src(&mut self, text: &str, a: usize, b: usize) {
        if a >= b {
            return;
        }
        self.s.push_str(&text[a..b]);
        if let Some(m) = &mut self.map {
            m.extend((a..b).map(|x| (x as u32, x as u32 + 1)));
        }
    }

    /// A char produced by the escape sequence `src_start..src_end`.
    fn push_char(&mut self, ch: char, src_start: usize, src_end: usize) {
        self.s.push(ch);
        if let Some(m) = &mut self.map {
            let o = (src_start as u32, src_end as u32);
            m.extend(std::iter::repeat_n(o, ch.len_utf8()));
        }
    }
}

impl Parser<'_> {
    /// The byte at `i`, or 0 past the end of the current window.
    #[inline]
    pub(crate) fn byte(&self, i: usize) -> u8 {
        if i < self.end { self.b[i] } else { 0 }
    }

    pub(crate) fn peek(&mut self) -> &Token {
        if self.peeked.is_none() {
            let t = self.lex();
            self.peeked = Some(t);
        }
        self.peeked.as_ref().expect("peeked was just filled")
    }

    pub(crate) fn bump(&mut self) -> Token {
        match self.peeked.take() {
            Some(t) => t,
            None => self.lex(),
        }
    }

    /// Length of a line continuation starting at the backslash at `at`, if it is one.
    ///
    /// In Dockerfile mode this follows BuildKit, which joins lines before any shell sees
    /// them: whitespace may sit between `\` and the newline, and blank or `#` comment
    /// lines inside a continued instruction are dropped. Those rules apply everywhere,
    /// even inside quotes, because BuildKit does not know about quotes. A `\` at the very
    /// end of the text is treated as a continuation into nothing.
    pub(crate) fn continuation_len(&self, at: usize) -> Option<usize> {
        let b = self.b;
        let mut i = at + 1;
        if self.dockerfile {
            while i < self.end && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
        }
        if i < self.end && b[i] == b'\r' {
            i += 1;
        }
        if i >= self.end {
            return Some(i - at);
        }
        if b[i] != b'\n' {
            return None;
        }
        i += 1;
        if self.dockerfile {
            loop {
                let mut j = i;
                while j < self.end && matches!(b[j], b' ' | b'\t' | b'\r') {
                    j += 1;
                }
                if j < self.end && b[j] == b'\n' {
                    i = j + 1;
                    continue;
                }
                if j < self.end && b[j] == b'#' {
                    match memchr(b'\n', &b[j..self.end]) {
                        Some(k) => {
                            i = j + k + 1;
                            continue;
                        }
                        None => {
                            i = self.end;
                            break;
                        }
                    }
                }
                break;
            }
        }
        Some(i - at)
    }

    fn skip_blanks(&mut self) {
        while self.pos < self.end {
            match self.b[self.pos] {
                b' ' | b'\t' => self.pos += 1,
                b'\r' if self.byte(self.pos + 1) == b'\n' || self.pos + 1 >= self.end => self.pos += 1,
                b'\\' => match self.continuation_len(self.pos) {
                    Some(n) => self.pos += n,
                    None => break,
                },
                _ => break,
            }
        }
    }

    fn tok(&mut self, tok: Tok, start: usize, len: usize) -> Token {
        self.pos = start + len;
        Token {
            tok,
            range: TextRange::from_usize(start, start + len),
        }
    }

    pub(crate) fn lex(&mut self) -> Token {
        loop {
            self.skip_blanks();
            let start = self.pos;
            if start >= self.end {
                return Token {
                    tok: Tok::Eof,
                    range: TextRange::from_usize(self.end, self.end),
                };
            }
            let c = self.b[start];
            let n1 = self.byte(start + 1);
            let n2 = self.byte(start + 2);
            return match c {
                b'#' => {
                    self.pos = match memchr(b'\n', &self.b[start..self.end]) {
                        Some(k) => start + k,
                        None => self.end,
                    };
                    continue;
                }
                b'\n' => {
                    let t = self.tok(Tok::Newline, start, 1);
                    self.read_heredocs();
                    t
                }
                b';' => match (n1, n2) {
                    (b';', b'&') => self.tok(Tok::Op(Op::DSemi), start, 3),
                    (b';', _) | (b'&', _) => self.tok(Tok::Op(Op::DSemi), start, 2),
                    _ => self.tok(Tok::Op(Op::Semi), start, 1),
                },
                b'&' => match (n1, n2) {
                    (b'&', _) => self.tok(Tok::Op(Op::AndIf), start, 2),
                    (b'>', b'>') => self.tok(Tok::Redir(None, RedirectOp::AppendOutErr), start, 3),
                    (b'>', _) => self.tok(Tok::Redir(None, RedirectOp::OutErr), start, 2),
                    _ => self.tok(Tok::Op(Op::Amp), start, 1),
                },
                b'|' => match n1 {
                    b'|' => self.tok(Tok::Op(Op::OrIf), start, 2),
                    b'&' => self.tok(Tok::Op(Op::PipeAmp), start, 2),
                    _ => self.tok(Tok::Op(Op::Pipe), start, 1),
                },
                b'(' => self.tok(Tok::Op(Op::LParen), start, 1),
                b')' => self.tok(Tok::Op(Op::RParen), start, 1),
                b'<' | b'>' if n1 != b'(' => {
                    let (op, len) = redirect_op(c, n1, n2);
                    self.tok(Tok::Redir(None, op), start, len)
                }
                b'0'..=b'9' => {
                    let mut i = start;
                    while i < self.end && self.b[i].is_ascii_digit() {
                        i += 1;
                    }
                    let (d1, d2, d3) = (self.byte(i), self.byte(i + 1), self.byte(i + 2));
                    let fd = self.text[start..i].parse::<u32>().ok();
                    if matches!(d1, b'<' | b'>') && d2 != b'(' && fd.is_some() {
                        let (op, len) = redirect_op(d1, d2, d3);
                        self.tok(Tok::Redir(fd, op), start, i - start + len)
                    } else {
                        self.word_token()
                    }
                }
                _ => self.word_token(),
            };
        }
    }

    fn word_token(&mut self) -> Token {
        let start = self.pos;
        let w = self.scan_word();
        if self.pos == start {
            // Cannot happen for the bytes that reach here, but a lexer that stops making
            // progress hangs the scan: take one char as a word and go on.
            let ch = char_at(self.text, start);
            self.pos = (start + ch.len_utf8()).min(self.end);
            let w = Word::new(TextRange::from_usize(start, self.pos), &self.text[start..self.pos]);
            return Token {
                range: w.raw,
                tok: Tok::Word(w, None),
            };
        }
        let kw = if w.quoted || w.has_expansion {
            None
        } else {
            keyword(&w.value)
        };
        Token {
            range: w.raw,
            tok: Tok::Word(w, kw),
        }
    }

    pub(crate) fn scan_word(&mut self) -> Word {
        self.scan_word_mapped(false).0
    }

    /// Scans one word at the cursor. With `map`, also returns the source offset of every
    /// byte of the value.
    pub(crate) fn scan_word_mapped(&mut self, map: bool) -> (Word, Option<Vec<ByteOrigin>>) {
        let start = self.pos;
        let mut v = Val {
            s: String::new(),
            map: map.then(Vec::new),
        };
        let mut quoted = false;
        let mut exp = Expansions::empty();
        while self.pos < self.end {
            let p = self.pos;
            let c = self.b[p];
            match c {
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b')' => break,
                b'\r' => {
                    if self.byte(p + 1) == b'\n' || p + 1 >= self.end {
                        break;
                    }
                    v.push_src(self.text, p, p + 1);
                    self.pos += 1;
                }
                b'<' | b'>' => {
                    if p == start && self.byte(p + 1) == b'(' {
                        self.pos = p + 2;
                        self.nested_list(Nesting::ProcessSubstitution, p);
                        v.push_src(self.text, p, self.pos);
                        exp.insert(Expansions::PROCESS);
                    } else {
                        break;
                    }
                }
                b'(' => {
                    let prev = if p > start { self.b[p - 1] } else { 0 };
                    if matches!(prev, b'@' | b'!' | b'+' | b'*' | b'?') && !v.s.is_empty() {
                        let e = self.skip_balanced_parens(p);
                        v.push_src(self.text, p, e);
                        self.pos = e;
                        exp.insert(Expansions::GLOB);
                    } else if is_assignment_prefix(&self.text[start..p]) {
                        // `arr=(a b c)`: keep the array literal as part of the word.
                        let e = self.skip_balanced_parens(p);
                        v.push_src(self.text, p, e);
                        self.pos = e;
                    } else {
                        break;
                    }
                }
                b'\\' => {
                    if let Some(n) = self.continuation_len(p) {
                        self.pos += n;
                        continue;
                    }
                    quoted = true;
                    let ch = char_at(self.text, p + 1);
                    self.pos = (p + 1 + ch.len_utf8()).min(self.end);
                    v.push_char(ch, p, self.pos);
                }
                b'\'' => {
                    quoted = true;
                    self.scan_single_quoted(&mut v);
                }
                b'"' => {
                    quoted = true;
                    self.scan_double_quoted(&mut v, &mut exp);
                }
                b'$' => self.scan_dollar(&mut v, &mut exp, &mut quoted, false),
                b'`' => self.scan_backtick(&mut v, &mut exp),
                b'*' | b'?' => {
                    exp.insert(Expansions::GLOB);
                    v.push_src(self.text, p, p + 1);
                    self.pos += 1;
                }
                b'[' => {
                    if self.bracket_closes(p) {
                        exp.insert(Expansions::GLOB);
                    }
                    v.push_src(self.text, p, p + 1);
                    self.pos += 1;
                }
                b'{' => {
                    if self.brace_expansion_ahead(p) {
                        exp.insert(Expansions::BRACE);
                    }
                    v.push_src(self.text, p, p + 1);
                    self.pos += 1;
                }
                b'~' => {
                    if p == start {
                        exp.insert(Expansions::TILDE);
                    }
                    v.push_src(self.text, p, p + 1);
                    self.pos += 1;
                }
                _ => {
                    let mut i = p + 1;
                    while i < self.end && !SPECIAL[self.b[i] as usize] {
                        i += 1;
                    }
                    v.push_src(self.text, p, i);
                    self.pos = i;
                }
            }
        }
        let word = Word {
            raw: TextRange::from_usize(start, self.pos),
            value: v.s,
            quoted,
            has_expansion: exp.intersects(Expansions::DYNAMIC),
            expansions: exp,
        };
        (word, v.map)
    }

    fn scan_single_quoted(&mut self, v: &mut Val) {
        let open = self.pos;
        self.pos += 1;
        let mut seg = self.pos;
        while self.pos < self.end {
            let Some(k) = memchr2(b'\'', b'\\', &self.b[self.pos..self.end]) else {
                break;
            };
            let i = self.pos + k;
            if self.b[i] == b'\'' {
                v.push_src(self.text, seg, i);
                self.pos = i + 1;
                return;
            }
            // A backslash: literal inside single quotes, except that BuildKit has already
            // joined continued lines before the shell runs.
            if self.dockerfile
                && let Some(n) = self.continuation_len(i)
            {
                v.push_src(self.text, seg, i);
                self.pos = i + n;
                seg = self.pos;
                continue;
            }
            self.pos = i + 1;
        }
        v.push_src(self.text, seg, self.end);
        self.pos = self.end;
        self.diag("unterminated single quote", open, self.end);
    }

    fn scan_double_quoted(&mut self, v: &mut Val, exp: &mut Expansions) {
        let open = self.pos;
        self.pos += 1;
        let mut seg = self.pos;
        while self.pos < self.end {
            let p = self.pos;
            match self.b[p] {
                b'"' => {
                    v.push_src(self.text, seg, p);
                    self.pos = p + 1;
                    return;
                }
                b'\\' => {
                    if let Some(n) = self.continuation_len(p) {
                        v.push_src(self.text, seg, p);
                        self.pos = p + n;
                        seg = self.pos;
                        continue;
                    }
                    let n1 = self.byte(p + 1);
                    if matches!(n1, b'$' | b'`' | b'"' | b'\\') {
                        v.push_src(self.text, seg, p);
                        v.push_char(n1 as char, p, p + 2);
                        self.pos = p + 2;
                        seg = self.pos;
                    } else {
                        self.pos = p + 1;
                    }
                }
                b'$' => {
                    v.push_src(self.text, seg, p);
                    let mut q = true;
                    self.scan_dollar(v, exp, &mut q, true);
                    seg = self.pos;
                }
                b'`' => {
                    v.push_src(self.text, seg, p);
                    self.scan_backtick(v, exp);
                    seg = self.pos;
                }
                _ => self.pos = p + 1,
            }
        }
        v.push_src(self.text, seg, self.end);
        self.pos = self.end;
        self.diag("unterminated double quote", open, self.end);
    }

    /// At a `$`: parameter, command, arithmetic expansion, `$'…'` or `$"…"`.
    fn scan_dollar(&mut self, v: &mut Val, exp: &mut Expansions, quoted: &mut bool, in_dq: bool) {
        let s = self.pos;
        let n1 = self.byte(s + 1);
        match n1 {
            b'\'' if !in_dq => {
                *quoted = true;
                self.scan_ansi_c(v);
            }
            b'"' if !in_dq => {
                *quoted = true;
                self.pos = s + 1;
                self.scan_double_quoted(v, exp);
            }
            b'(' => {
                if self.byte(s + 2) == b'(' {
                    let e = self.skip_arith(s + 3);
                    self.pos = e;
                    exp.insert(Expansions::ARITHMETIC);
                } else {
                    self.pos = s + 2;
                    self.nested_list(Nesting::CommandSubstitution, s);
                    exp.insert(Expansions::COMMAND);
                }
                v.push_src(self.text, s, self.pos);
            }
            b'{' => {
                let e = self.skip_braces(s + 2, s);
                self.pos = e;
                v.push_src(self.text, s, e);
                exp.insert(Expansions::PARAMETER);
            }
            b'[' => {
                // Obsolete `$[ expr ]` arithmetic.
                let e = match memchr(b']', &self.b[s..self.end]) {
                    Some(k) => s + k + 1,
                    None => self.end,
                };
                self.pos = e;
                v.push_src(self.text, s, e);
                exp.insert(Expansions::ARITHMETIC);
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let mut i = s + 2;
                while i < self.end && (self.b[i].is_ascii_alphanumeric() || self.b[i] == b'_') {
                    i += 1;
                }
                self.pos = i;
                v.push_src(self.text, s, i);
                exp.insert(Expansions::PARAMETER);
            }
            c if c.is_ascii_digit() || matches!(c, b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-') => {
                self.pos = s + 2;
                v.push_src(self.text, s, s + 2);
                exp.insert(Expansions::PARAMETER);
            }
            _ => {
                self.pos = s + 1;
                v.push_src(self.text, s, s + 1);
            }
        }
    }

    /// `$'…'` with bash's ANSI-C escapes.
    fn scan_ansi_c(&mut self, v: &mut Val) {
        let open = self.pos;
        let mut i = open + 2;
        let mut seg = i;
        while i < self.end {
            match self.b[i] {
                b'\'' => {
                    v.push_src(self.text, seg, i);
                    self.pos = i + 1;
                    return;
                }
                b'\\' if i + 1 < self.end => {
                    v.push_src(self.text, seg, i);
                    let (ch, len) = self.ansi_escape(i + 1);
                    let e = (i + 1 + len).min(self.end);
                    v.push_char(ch, i, e.max(i + 1));
                    i = e;
                    seg = i;
                }
                _ => i += 1,
            }
        }
        v.push_src(self.text, seg, self.end);
        self.pos = self.end;
        self.diag("unterminated $'…' string", open, self.end);
    }

    /// The char an ANSI-C escape at `i` (just after the backslash) stands for, and how
    /// many bytes after the backslash it uses.
    fn ansi_escape(&self, i: usize) -> (char, usize) {
        let c = self.b[i];
        let simple = match c {
            b'n' => Some('\n'),
            b't' => Some('\t'),
            b'r' => Some('\r'),
            b'a' => Some('\x07'),
            b'b' => Some('\x08'),
            b'e' | b'E' => Some('\x1b'),
            b'f' => Some('\x0c'),
            b'v' => Some('\x0b'),
            b'\\' => Some('\\'),
            b'\'' => Some('\''),
            b'"' => Some('"'),
            b'?' => Some('?'),
            _ => None,
        };
        if let Some(ch) = simple {
            return (ch, 1);
        }
        let hex = |from: usize, max: usize| -> (u32, usize) {
            let mut n = 0u32;
            let mut k = 0;
            while k < max && from + k < self.end && self.b[from + k].is_ascii_hexdigit() {
                n = n * 16 + (self.b[from + k] as char).to_digit(16).unwrap_or(0);
                k += 1;
            }
            (n, k)
        };
        match c {
            b'x' | b'u' | b'U' => {
                let max = match c {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let (n, k) = hex(i + 1, max);
                if k == 0 {
                    return ('\\', 0);
                }
                (char::from_u32(n).unwrap_or('\u{FFFD}'), 1 + k)
            }
            b'0'..=b'7' => {
                let mut n = 0u32;
                let mut k = 0;
                while k < 3 && i + k < self.end && (b'0'..=b'7').contains(&self.b[i + k]) {
                    n = n * 8 + u32::from(self.b[i + k] - b'0');
                    k += 1;
                }
                (char::from_u32(n).unwrap_or('\u{FFFD}'), k)
            }
            b'c' if i + 1 < self.end && self.b[i + 1].is_ascii() => ((self.b[i + 1] & 0x1f) as char, 2),
            _ => {
                // Unknown escape: bash keeps the backslash; the next char is read normally.
                ('\\', 0)
            }
        }
    }

    /// `` `…` ``: the content is a command list, parsed in place.
    fn scan_backtick(&mut self, v: &mut Val, exp: &mut Expansions) {
        let s = self.pos;
        let mut i = s + 1;
        while i < self.end {
            match self.b[i] {
                b'\\' => i += 2,
                b'`' => break,
                _ => i += 1,
            }
        }
        let close = i.min(self.end);
        if close >= self.end {
            self.diag("unterminated backquote", s, self.end);
        }
        if self.depth < MAX_DEPTH {
            let saved_end = self.end;
            let saved_peek = self.peeked.take();
            self.end = close;
            self.pos = s + 1;
            self.depth += 1;
            self.parse_list(Nesting::CommandSubstitution, 0);
            self.depth -= 1;
            self.end = saved_end;
            self.peeked = saved_peek;
        }
        self.pos = (close + 1).min(self.end);
        v.push_src(self.text, s, self.pos);
        exp.insert(Expansions::COMMAND);
    }

    /// Parses the command list of `$( … )` / `<( … )` (the cursor is just after the
    /// opening paren) and consumes the closing paren.
    fn nested_list(&mut self, nesting: Nesting, open: usize) {
        if self.depth >= MAX_DEPTH {
            self.diag("nesting too deep; skipped", open, self.pos);
            self.pos = self.skip_balanced_parens(self.pos - 1);
            return;
        }
        let saved_peek = self.peeked.take();
        self.depth += 1;
        self.parse_list(nesting, S_RPAREN);
        self.depth -= 1;
        match self.peek().tok {
            Tok::Op(Op::RParen) => {
                self.bump();
            }
            _ => {
                let end = self.end;
                self.diag("unterminated `$(` / `<(`", open, end);
            }
        }
        self.peeked = saved_peek;
    }

    /// From an opening `(` at `open`, the offset just after its matching `)` (quotes and
    /// escapes respected), or the end of the window.
    pub(crate) fn skip_balanced_parens(&self, open: usize) -> usize {
        let mut depth = 0usize;
        let mut i = open;
        while i < self.end {
            match self.b[i] {
                b'(' => depth += 1,
                b')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                b'\\' => i += 1,
                q @ (b'\'' | b'"') => {
                    i += 1;
                    while i < self.end && self.b[i] != q {
                        if q == b'"' && self.b[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.end
    }

    /// After `$((`: the offset just after the closing `))`.
    fn skip_arith(&mut self, from: usize) -> usize {
        let mut depth = 0usize;
        let mut i = from;
        while i < self.end {
            match self.b[i] {
                b'(' => depth += 1,
                b')' => {
                    if depth == 0 {
                        return if self.byte(i + 1) == b')' { i + 2 } else { i + 1 };
                    }
                    depth -= 1;
                }
                _ => {}
            }
            i += 1;
        }
        let end = self.end;
        self.diag("unterminated `$((`", from.saturating_sub(3), end);
        end
    }

    /// For an arithmetic command `(( … ))` whose content starts at `from`: the offset just
    /// after `))`, or `None` when the parentheses do not close as `))` (then it is two
    /// nested subshells, as bash decides too).
    pub(crate) fn arith_command_end(&self, from: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = from;
        while i < self.end {
            match self.b[i] {
                b'(' => depth += 1,
                b')' => {
                    if depth == 0 {
                        return (self.byte(i + 1) == b')').then_some(i + 2);
                    }
                    depth -= 1;
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// After `${`: the offset just after the matching `}`.
    fn skip_braces(&mut self, from: usize, open: usize) -> usize {
        match self.brace_end(from, 0) {
            Some(e) => e,
            None => {
                let end = self.end;
                self.diag("unterminated `${`", open, end);
                end
            }
        }
    }

    /// The end of a `${ … }` whose content starts at `i`: quotes, escapes, nested `${…}`,
    /// `$( … )` and backquotes are skipped as units (a `}` inside them does not count).
    fn brace_end(&self, mut i: usize, level: u32) -> Option<usize> {
        if level > MAX_DEPTH {
            return None;
        }
        while i < self.end {
            match self.b[i] {
                b'}' => return Some(i + 1),
                b'\\' => i += 2,
                b'\'' => {
                    i += 1 + memchr(b'\'', &self.b[i + 1..self.end])?;
                    i += 1;
                }
                b'"' => i = self.dquote_end(i + 1, level)?,
                b'`' => {
                    i += 1;
                    while i < self.end && self.b[i] != b'`' {
                        i += if self.b[i] == b'\\' { 2 } else { 1 };
                    }
                    i += 1;
                }
                b'$' if self.byte(i + 1) == b'{' => i = self.brace_end(i + 2, level + 1)?,
                b'$' if self.byte(i + 1) == b'(' => i = self.skip_balanced_parens(i + 1),
                _ => i += 1,
            }
        }
        None
    }

    /// The end (after the closing quote) of a double-quoted string whose content starts
    /// at `i`.
    fn dquote_end(&self, mut i: usize, level: u32) -> Option<usize> {
        while i < self.end {
            match self.b[i] {
                b'"' => return Some(i + 1),
                b'\\' => i += 2,
                b'$' if self.byte(i + 1) == b'{' => i = self.brace_end(i + 2, level + 1)?,
                b'$' if self.byte(i + 1) == b'(' => i = self.skip_balanced_parens(i + 1),
                _ => i += 1,
            }
        }
        None
    }

    /// Whether a `[` at `p` starts a glob bracket expression (a `]` follows in the word).
    fn bracket_closes(&self, p: usize) -> bool {
        let mut i = p + 1;
        let limit = (p + 256).min(self.end);
        while i < limit {
            match self.b[i] {
                b']' => return i > p + 1,
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')' => {
                    return false;
                }
                _ => i += 1,
            }
        }
        false
    }

    /// Whether a `{` at `p` starts a brace expansion (`{a,b}`, `{1..3}`).
    fn brace_expansion_ahead(&self, p: usize) -> bool {
        let mut i = p + 1;
        let mut seen = false;
        let limit = (p + 512).min(self.end);
        while i < limit {
            match self.b[i] {
                b'}' => return seen,
                b',' => seen = true,
                b'.' if self.byte(i + 1) == b'.' => seen = true,
                b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')' | b'{' | b'\'' | b'"' | b'$' => {
                    return false;
                }
                _ => {}
            }
            i += 1;
        }
        false
    }

    /// Reads the bodies of pending heredocs, starting at the cursor (just after a
    /// newline). Bodies are recorded by redirect key, never parsed as commands.
    fn read_heredocs(&mut self) {
        if self.heredocs.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.heredocs);
        for h in pending {
            let body_start = self.pos;
            let mut line_start = self.pos;
            let mut exact = None;
            let mut loose = None;
            while line_start < self.end {
                let line_end = match memchr(b'\n', &self.b[line_start..self.end]) {
                    Some(k) => line_start + k,
                    None => self.end,
                };
                let mut line = &self.text[line_start..line_end];
                line = line.strip_suffix('\r').unwrap_or(line);
                if h.strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                if line == h.delim {
                    exact = Some((line_start, line_end));
                    break;
                }
                if loose.is_none() && line.trim() == h.delim {
                    loose = Some((line_start, line_end));
                }
                line_start = line_end + 1;
            }
            let body = match exact.or(loose) {
                Some((ls, le)) => {
                    if exact.is_none() {
                        self.diag(
                            "heredoc delimiter is indented or has trailing blanks; the shell would not end the heredoc here",
                            ls,
                            le,
                        );
                    }
                    self.pos = (le + 1).min(self.end);
                    TextRange::from_usize(body_start, ls)
                }
                None => {
                    let msg = format!("unterminated heredoc (no line `{}`)", h.delim);
                    self.pos = self.end;
                    self.diag(msg, body_start, self.end);
                    TextRange::from_usize(body_start, self.end)
                }
            };
            self.out.heredoc_bodies.push((h.key, body));
        }
    }
}

fn redirect_op(c: u8, n1: u8, n2: u8) -> (RedirectOp, usize) {
    match (c, n1, n2) {
        (b'<', b'<', b'<') => (RedirectOp::HereString, 3),
        (b'<', b'<', b'-') => (RedirectOp::HereDocStripTabs, 3),
        (b'<', b'<', _) => (RedirectOp::HereDoc, 2),
        (b'<', b'&', _) => (RedirectOp::DupIn, 2),
        (b'<', b'>', _) => (RedirectOp::ReadWrite, 2),
        (b'<', _, _) => (RedirectOp::In, 1),
        (_, b'>', _) => (RedirectOp::Append, 2),
        (_, b'&', _) => (RedirectOp::DupOut, 2),
        (_, b'|', _) => (RedirectOp::Clobber, 2),
        _ => (RedirectOp::Out, 1),
    }
}

/// `NAME=`, `NAME+=` or `NAME[…]=` at the start of `s` (an assignment word prefix).
pub(crate) fn is_assignment_prefix(s: &str) -> bool {
    let b = s.as_bytes();
    if b.is_empty() || !(b[0].is_ascii_alphabetic() || b[0] == b'_') {
        return false;
    }
    let mut i = 1;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
        i += 1;
    }
    if i < b.len() && b[i] == b'[' {
        match memchr(b']', &b[i..]) {
            Some(k) => i += k + 1,
            None => return false,
        }
    }
    if i < b.len() && b[i] == b'+' {
        i += 1;
    }
    i < b.len() && b[i] == b'='
}
