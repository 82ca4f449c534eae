//! Physical lines and the character classes BuildKit's parser uses.
//!
//! BuildKit mixes three notions of "whitespace", and the differences are observable:
//! * Unicode `White_Space` (Go's `unicode.IsSpace`): trimming lines and arguments. Rust's
//!   `char::is_whitespace` / `str::trim` use the same property.
//! * `[\t\v\f\r ]` (its `reWhitespace`): splitting the keyword off and whitespace-separated
//!   arguments (FROM, EXPOSE, ADD/COPY shell form, the legacy `ENV key value`).
//! * `[ \t]`: what may follow a line-continuation escape.

/// One physical line: `start..content_end` is its text without the line break (trailing
/// `\r`s count as part of the break, as BuildKit trims them), `next` where the next starts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line {
    pub start: usize,
    pub content_end: usize,
    pub next: usize,
}

/// Iterates over the physical lines of a text (a final line without `\n` included, no
/// empty line after a final `\n`), like Go's `bufio.Scanner` with BuildKit's splitter.
pub(crate) struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str) -> Self {
        Lines {
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    /// Where the next line starts (the text length at the end).
    pub fn offset(&self) -> usize {
        self.pos
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        let start = self.pos;
        if start >= self.bytes.len() {
            return None;
        }
        let (line_end, next) = match memchr::memchr(b'\n', &self.bytes[start..]) {
            Some(i) => (start + i, start + i + 1),
            None => (self.bytes.len(), self.bytes.len()),
        };
        let mut content_end = line_end;
        while content_end > start && self.bytes[content_end - 1] == b'\r' {
            content_end -= 1;
        }
        self.pos = next;
        Some(Line {
            start,
            content_end,
            next,
        })
    }
}

/// BuildKit's `reWhitespace` class: `[\t\v\f\r ]` (and `\n`, which never reaches it).
#[inline]
pub(crate) fn is_split_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Whitespace as BuildKit's flag and HEALTHCHECK scanners test it. They test single
/// bytes with `unicode.IsSpace`, which also matches the bytes 0x85 and 0xA0; we match
/// the characters U+0085 and U+00A0 instead, so we never split a UTF-8 sequence.
#[inline]
pub(crate) fn is_byte_scan_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0b}' | '\u{0c}' | '\r' | '\u{85}' | '\u{a0}')
}

/// Whether `line` (no line break, already stripped of a whole-line comment) ends in a
/// line-continuation escape, and if so how many bytes to keep.
///
/// BuildKit's rule: the escape character, then only spaces and tabs up to the end, and
/// the escape is either the first character of the line or not preceded by another
/// escape character (so `foo\\` is a literal backslash pair, not a continuation).
pub(crate) fn continuation_keep(line: &str, escape: char) -> Option<usize> {
    let trimmed = line.trim_end_matches([' ', '\t']);
    let before = trimmed.strip_suffix(escape)?;
    if before.ends_with(escape) {
        return None;
    }
    Some(before.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_keep_offsets_and_drop_carriage_returns() {
        let text = "a\r\nbb\n\nc";
        let lines: Vec<_> = Lines::new(text).map(|l| &text[l.start..l.content_end]).collect();
        assert_eq!(lines, ["a", "bb", "", "c"]);
        assert_eq!(Lines::new("x\n").count(), 1);
        assert_eq!(Lines::new("").count(), 0);
    }

    #[test]
    fn continuation_rules() {
        assert_eq!(continuation_keep("RUN a \\", '\\'), Some(6));
        assert_eq!(continuation_keep("RUN a \\  \t", '\\'), Some(6));
        assert_eq!(continuation_keep("\\", '\\'), Some(0));
        assert_eq!(continuation_keep("a\\\\", '\\'), None);
        assert_eq!(continuation_keep("a\\\\\\", '\\'), None);
        assert_eq!(continuation_keep("a `", '`'), Some(2));
        assert_eq!(continuation_keep("a \\", '`'), None);
        assert_eq!(continuation_keep("a", '\\'), None);
    }
}
