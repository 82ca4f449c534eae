//! Logical lines: the text BuildKit parses after joining continuation lines, plus the
//! map from every byte of it back to the source.
//!
//! A logical line is a list of source runs ("segments") glued together. Removing an escape
//! character and line break, or skipping a comment line inside a continuation, only ever
//! cuts between runs, so any logical offset maps to exactly one source offset.

use dockward_core::TextRange;
use smallvec::SmallVec;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Segment {
    /// Offset of the run in the logical text.
    logical: u32,
    /// Offset of the run in the source.
    source: u32,
    len: u32,
}

impl Segment {
    fn logical_end(self) -> u32 {
        self.logical + self.len
    }
}

/// Continuation-joined text with a map back to source bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogicalText {
    /// The joined text.
    pub text: String,
    segments: SmallVec<[Segment; 2]>,
    /// Source offset that stands for this text when it is empty.
    anchor: u32,
}

impl LogicalText {
    pub(crate) fn new(anchor: usize, capacity: usize) -> Self {
        LogicalText {
            text: String::with_capacity(capacity),
            segments: SmallVec::new(),
            anchor: anchor as u32,
        }
    }

    /// Appends `source[start..end]` (both char boundaries).
    pub(crate) fn push(&mut self, source: &str, start: usize, end: usize) {
        if end <= start {
            return;
        }
        self.segments.push(Segment {
            logical: self.text.len() as u32,
            source: start as u32,
            len: (end - start) as u32,
        });
        self.text.push_str(&source[start..end]);
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The source bytes this text was taken from (from its first to its last byte,
    /// including any continuation line breaks and skipped lines in between).
    pub fn source_range(&self) -> TextRange {
        match (self.segments.first(), self.segments.last()) {
            (Some(first), Some(last)) => TextRange::new(first.source, last.source + last.len),
            _ => TextRange::empty(self.anchor),
        }
    }

    /// Maps a range of the logical text to the source range it covers. A range that spans
    /// a continuation covers the removed escape and line break too.
    pub fn to_source(&self, logical: TextRange) -> TextRange {
        let start = self.source_offset_at_start(logical.start);
        if logical.is_empty() {
            return TextRange::empty(start);
        }
        TextRange::new(start, self.source_offset_at_end(logical.end))
    }

    /// The source runs of this text: `(logical range, source range)` pairs, in order.
    pub fn pieces(&self) -> impl Iterator<Item = (TextRange, TextRange)> + '_ {
        self.segments.iter().map(|s| {
            (
                TextRange::new(s.logical, s.logical_end()),
                TextRange::new(s.source, s.source + s.len),
            )
        })
    }

    /// Source offset of the byte at logical `offset` (or just past the text when
    /// `offset` is its length).
    fn source_offset_at_start(&self, offset: u32) -> u32 {
        let idx = self.segments.partition_point(|s| s.logical_end() <= offset);
        match self.segments.get(idx) {
            Some(seg) => seg.source + offset.saturating_sub(seg.logical),
            None => self.segments.last().map_or(self.anchor, |seg| seg.source + seg.len),
        }
    }

    /// Source offset just past the byte before logical `offset`.
    fn source_offset_at_end(&self, offset: u32) -> u32 {
        if offset == 0 {
            return self.source_offset_at_start(0);
        }
        let idx = self.segments.partition_point(|s| s.logical_end() < offset);
        match self.segments.get(idx) {
            Some(seg) => seg.source + (offset - seg.logical).min(seg.len),
            None => self.segments.last().map_or(self.anchor, |seg| seg.source + seg.len),
        }
    }

    /// Logical text `range` of `self` as a text of its own (with its own map).
    pub(crate) fn slice(&self, start: usize, end: usize) -> LogicalText {
        let (lo, hi) = (start as u32, end as u32);
        let mut out = LogicalText {
            text: self.text[start..end].to_string(),
            segments: SmallVec::new(),
            anchor: self.source_offset_at_start(lo),
        };
        let first = self.segments.partition_point(|s| s.logical_end() <= lo);
        for seg in &self.segments[first..] {
            if seg.logical >= hi {
                break;
            }
            let s = seg.logical.max(lo);
            let e = seg.logical_end().min(hi);
            if e > s {
                out.segments.push(Segment {
                    logical: s - lo,
                    source: seg.source + (s - seg.logical),
                    len: e - s,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_across_a_continuation() {
        let src = "RUN a \\\n  b";
        let mut t = LogicalText::new(0, 16);
        t.push(src, 0, 6); // "RUN a "
        t.push(src, 8, 11); // "  b"
        assert_eq!(t.text, "RUN a   b");
        // "a   b" spans the continuation.
        let r = t.to_source(TextRange::new(4, 9));
        assert_eq!(r.slice(src), "a \\\n  b");
        // "b" alone.
        assert_eq!(t.to_source(TextRange::new(8, 9)).slice(src), "b");
        // A range ending exactly at the seam stays on the first line.
        assert_eq!(t.to_source(TextRange::new(4, 6)).slice(src), "a ");
        let sub = t.slice(4, 9);
        assert_eq!(sub.text, "a   b");
        assert_eq!(sub.source_range().slice(src), "a \\\n  b");
        assert_eq!(sub.to_source(TextRange::new(4, 5)).slice(src), "b");
    }

    #[test]
    fn empty_text_uses_its_anchor() {
        let t = LogicalText::new(7, 0);
        assert_eq!(t.source_range(), TextRange::empty(7));
        assert_eq!(t.to_source(TextRange::new(0, 0)), TextRange::empty(7));
    }
}
