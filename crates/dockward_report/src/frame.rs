//! Code frames for the formats that show source (HTML, SARIF snippets): the lines around a
//! finding, control characters escaped and secret values masked, cut to a bounded size.

use crate::safe;
use dockward_core::{Category, Finding, Provenance, SourceDb};

/// A frame never shows more than this many lines or bytes: a finding spanning a long
/// stage is recognised by its start, and a report of 50,000 files stays small.
const MAX_LINES: usize = 8;
const MAX_BYTES: usize = 1600;

/// The lines of a finding, split where its span starts and ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Frame {
    /// 1-based number of the first line shown.
    pub line_start: u32,
    pub before: String,
    pub inside: String,
    pub after: String,
    /// Lines or bytes were left out at the end.
    pub cut: bool,
}

pub(crate) fn of(finding: &Finding, sources: &SourceDb) -> Option<Frame> {
    let Provenance::Text { file, range } = &finding.at else {
        return None;
    };
    let source = sources.get(*file)?;
    let text = source.text.as_str();
    if text.is_empty() {
        return None;
    }
    let index = source.line_index();
    let first = index.line_of(range.start);
    let last_wanted = index.line_of(range.end.saturating_sub(1).max(range.start));
    let last = last_wanted.min(first + MAX_LINES - 1);
    let mut cut = last < last_wanted;
    let start = index.line_range(first, text).start as usize;
    let mut end = index.line_range(last, text).end as usize;
    if end - start > MAX_BYTES {
        end = start + MAX_BYTES;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        cut = true;
    }
    let span_start = (range.start as usize).clamp(start, end);
    let span_end = (range.end as usize).clamp(span_start, end);
    let piece = |a: usize, b: usize| safe::frame(text.get(a..b).unwrap_or("")).into_owned();
    let (inside, after) = if finding.rule.category == Category::Secrets {
        // The span may name only the key (`ENV KEY=value`): mask through to the end of the
        // frame, then cut the masked text where the span ended.
        let masked = safe::frame(&safe::mask_value(text.get(span_start..end).unwrap_or(""))).into_owned();
        let span_chars = text.get(span_start..span_end).unwrap_or("").chars().count();
        let at = masked.char_indices().nth(span_chars).map_or(masked.len(), |(i, _)| i);
        (masked[..at].to_string(), masked[at..].to_string())
    } else {
        (piece(span_start, span_end), piece(span_end, end))
    };
    Some(Frame {
        line_start: u32::try_from(first + 1).unwrap_or(u32::MAX),
        before: piece(start, span_start),
        inside,
        after,
        cut,
    })
}
