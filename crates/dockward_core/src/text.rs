//! Byte ranges into source text and the mapping from bytes to lines and columns.
//!
//! Everything inside dockward speaks in byte offsets (`u32`); lines and columns exist only
//! when something is shown to a person. That keeps models small and makes spans cheap to
//! copy, compare and sort.

use serde::Serialize;
use std::fmt;
use std::ops::Range;

/// A half-open byte range `[start, end)` into one source text.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TextRange {
    pub start: u32,
    pub end: u32,
}

impl TextRange {
    /// A range from `start` to `end`; `end` is clamped so a range is never inverted.
    pub const fn new(start: u32, end: u32) -> Self {
        let end = if end < start { start } else { end };
        Self { start, end }
    }

    /// An empty range at `offset` (where something missing would go).
    pub const fn empty(offset: u32) -> Self {
        Self {
            start: offset,
            end: offset,
        }
    }

    /// Builds a range from `usize` offsets, as slices and iterators produce them.
    ///
    /// Source files are capped well below 4 GiB before parsing, so the conversion cannot
    /// lose information; offsets past `u32::MAX` saturate rather than wrap.
    pub fn from_usize(start: usize, end: usize) -> Self {
        Self::new(to_u32(start), to_u32(end))
    }

    pub const fn len(self) -> u32 {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// Whether `offset` lies inside the range (`start <= offset < end`).
    pub const fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Whether `other` lies entirely inside `self`.
    pub const fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The smallest range that covers both.
    pub fn cover(self, other: TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The range moved right by `offset` bytes (used to turn a range inside a sub-string
    /// into a range inside the whole file).
    pub const fn shifted(self, offset: u32) -> TextRange {
        TextRange {
            start: self.start + offset,
            end: self.end + offset,
        }
    }

    pub fn as_usize_range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// The text this range covers, or `""` when it does not fit `text` (never panics).
    pub fn slice(self, text: &str) -> &str {
        text.get(self.as_usize_range()).unwrap_or("")
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<Range<u32>> for TextRange {
    fn from(r: Range<u32>) -> Self {
        TextRange::new(r.start, r.end)
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A 1-based line and column. Columns count Unicode scalar values, as editors and
/// SARIF consumers expect, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// Offsets of every line start in a text, for turning byte offsets into lines and columns.
///
/// A line ends at `\n`; a `\r` before it belongs to the line break, so CRLF files get the
/// same line numbers as LF files.
#[derive(Clone, Debug)]
pub struct LineIndex {
    line_starts: Vec<u32>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| to_u32(i + 1)));
        Self {
            line_starts,
            len: to_u32(text.len()),
        }
    }

    /// Number of lines (a text ending in `\n` has an empty last line that is counted).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 0-based line that holds `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte range of 0-based `line`, without its line break (`\n` or `\r\n`).
    pub fn line_range(&self, line: usize, text: &str) -> TextRange {
        let start = self.line_starts.get(line).copied().unwrap_or(self.len);
        let mut end = self.line_starts.get(line + 1).map_or(self.len, |next| next - 1);
        if end > start && text.as_bytes().get(end as usize - 1) == Some(&b'\r') {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// 1-based line and column of `offset` in `text`.
    pub fn line_col(&self, offset: u32, text: &str) -> LineCol {
        let offset = offset.min(self.len);
        let line = self.line_of(offset);
        let start = self.line_starts[line] as usize;
        let prefix = text.get(start..offset as usize).unwrap_or("");
        LineCol {
            line: to_u32(line + 1),
            column: to_u32(prefix.chars().count() + 1),
        }
    }
}

/// `s` as a message may show it: control characters escaped (`\u{1b}`), and cut with `…`
/// after `max_chars` characters. For names and commands taken from untrusted input.
pub fn printable(s: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i >= max_chars {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based() {
        let text = "FROM a\nRUN é x\r\nUSER b";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        assert_eq!(index.line_col(0, text), LineCol { line: 1, column: 1 });
        // "x" comes after the two-byte "é": byte 13, column 7.
        let x = text.find('x').unwrap() as u32;
        assert_eq!(index.line_col(x, text), LineCol { line: 2, column: 7 });
        assert_eq!(index.line_range(1, text).slice(text), "RUN é x");
        assert_eq!(index.line_range(2, text).slice(text), "USER b");
    }

    #[test]
    fn offsets_past_the_end_are_clamped() {
        let text = "a\n";
        let index = LineIndex::new(text);
        assert_eq!(index.line_col(99, text), LineCol { line: 2, column: 1 });
        assert_eq!(TextRange::new(5, 9).slice(text), "");
    }

    #[test]
    fn ranges_cover_and_contain() {
        let a = TextRange::new(2, 5);
        let b = TextRange::new(4, 9);
        assert_eq!(a.cover(b), TextRange::new(2, 9));
        assert!(a.contains(4) && !a.contains(5));
        assert!(a.cover(b).contains_range(b));
        assert_eq!(TextRange::new(5, 2), TextRange::empty(5));
    }

    #[test]
    fn printable_escapes_control_characters_and_cuts() {
        assert_eq!(printable("a\x1b[31mb", 100), "a\\u{1b}[31mb");
        assert_eq!(printable("abcdef", 3), "abc…");
        assert_eq!(printable("abc", 3), "abc");
    }
}
