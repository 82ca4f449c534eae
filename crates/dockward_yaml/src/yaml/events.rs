//! saphyr-parser events with exact byte ranges.
//!
//! saphyr reports character indices, and its spans are shaped for its own needs: a scalar's
//! span starts at its anchor or tag, a block scalar's span starts at its content (after the
//! `|` line), a block collection's start span is empty and sits on its first entry. This
//! module turns each event into byte ranges that cover exactly the written value, which is
//! what findings point at and what fixes replace.

use dockward_core::TextRange;
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};

use super::offsets::OffsetMap;
use super::tree::{NodeStyle, YamlError, YamlErrorKind};

/// One parse event, with positions in bytes.
#[derive(Debug)]
pub(crate) enum YamlEvent {
    DocumentStart,
    DocumentEnd,
    Scalar {
        value: String,
        style: NodeStyle,
        anchor: Option<(usize, String)>,
        tag: Option<String>,
    },
    Alias {
        id: usize,
        name: String,
    },
    SeqStart {
        anchor: Option<(usize, String)>,
        tag: Option<String>,
        flow: bool,
    },
    SeqEnd,
    MapStart {
        anchor: Option<(usize, String)>,
        tag: Option<String>,
        flow: bool,
    },
    MapEnd,
    StreamEnd,
}

/// An event and where it is. For scalars and aliases `range` is the value's range; for
/// collection starts it is the opening bracket (flow) or an empty range at the first entry
/// (block); for flow collection ends it covers the closing bracket.
#[derive(Debug)]
pub(crate) struct Spanned {
    pub event: YamlEvent,
    pub range: TextRange,
}

pub(crate) struct EventReader<'a> {
    text: &'a str,
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    offsets: OffsetMap,
    /// End (bytes) of the previous event's span: block scalar headers lie between it and the
    /// block content.
    prev_end: usize,
    /// Raw byte extents of every scalar token, for telling comments from `#` inside values.
    pub scalar_extents: Vec<(usize, usize)>,
    done: bool,
}

impl<'a> EventReader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            text,
            parser: Parser::new_from_str(text),
            offsets: OffsetMap::new(text),
            prev_end: 0,
            scalar_extents: Vec::new(),
            done: false,
        }
    }

    /// The next event, `None` after the stream ends, or a located syntax error (after which
    /// the reader is finished).
    pub(crate) fn next_event(&mut self) -> Option<Result<Spanned, YamlError>> {
        if self.done {
            return None;
        }
        let (event, span) = match self.parser.next_event() {
            None => {
                self.done = true;
                return None;
            }
            Some(Err(e)) => {
                self.done = true;
                let marker = self.offsets.byte(e.marker().index());
                // saphyr's own nesting guard is a budget, not a syntax problem.
                let kind = if e.info().contains("recursion limit") {
                    YamlErrorKind::Budget
                } else {
                    YamlErrorKind::Syntax
                };
                let (at, message) = locate_syntax_error(self.text, marker, e.info());
                return Some(Err(YamlError {
                    message,
                    range: char_range_at(self.text, at),
                    kind,
                }));
            }
            Some(Ok(pair)) => pair,
        };
        let start = self.offsets.byte(span.start.index());
        let end = self.offsets.byte(span.end.index()).max(start);
        let prev_end = self.prev_end;
        self.prev_end = end.max(prev_end);
        let is_seq = matches!(event, Event::SequenceStart(..));
        let spanned = match event {
            Event::StreamStart | Event::Nothing => return self.next_event(),
            Event::StreamEnd => {
                self.done = true;
                Spanned {
                    event: YamlEvent::StreamEnd,
                    range: TextRange::empty(to_u32(start)),
                }
            }
            Event::DocumentStart(_) => Spanned {
                event: YamlEvent::DocumentStart,
                range: TextRange::from_usize(start, end),
            },
            Event::DocumentEnd => Spanned {
                event: YamlEvent::DocumentEnd,
                range: TextRange::from_usize(start, end),
            },
            Event::Alias(id) => {
                let raw = self.text.get(start..end).unwrap_or("");
                let name = raw.strip_prefix('*').unwrap_or(raw).trim_end().to_string();
                Spanned {
                    event: YamlEvent::Alias { id, name },
                    range: TextRange::from_usize(start, end),
                }
            }
            Event::Scalar(value, style, anchor_id, tag) => {
                let style = match style {
                    ScalarStyle::Plain => NodeStyle::Plain,
                    ScalarStyle::SingleQuoted => NodeStyle::SingleQuoted,
                    ScalarStyle::DoubleQuoted => NodeStyle::DoubleQuoted,
                    ScalarStyle::Literal => NodeStyle::Literal,
                    ScalarStyle::Folded => NodeStyle::Folded,
                };
                // saphyr's span of a quoted scalar can run on over a following comment; the
                // closing quote is found by scanning (escapes make it unambiguous).
                let end = if style.is_quoted() {
                    let open = skip_properties(self.text, start, end);
                    quoted_end(self.text, open).unwrap_or(end)
                } else {
                    end
                };
                self.scalar_extents.push((start, end));
                let range = self.scalar_range(style, value.is_empty(), start, end, prev_end);
                Spanned {
                    event: YamlEvent::Scalar {
                        value: value.into_owned(),
                        style,
                        anchor: self.anchor(anchor_id, start, end),
                        tag: tag.map(|t| tag_text(&t)),
                    },
                    range,
                }
            }
            Event::SequenceStart(anchor_id, tag) | Event::MappingStart(anchor_id, tag) => {
                // A flow collection's start span ends with its bracket; a block collection's
                // is empty or ends in the whitespace after its properties.
                let raw = self.text.get(start..end).unwrap_or("");
                let flow = raw.ends_with(if is_seq { '[' } else { '{' });
                let range = if flow {
                    TextRange::from_usize(end - 1, end)
                } else {
                    TextRange::empty(to_u32(end))
                };
                let anchor = self.anchor(anchor_id, start, end);
                let tag = tag.map(|t| tag_text(&t));
                let event = if is_seq {
                    YamlEvent::SeqStart { anchor, tag, flow }
                } else {
                    YamlEvent::MapStart { anchor, tag, flow }
                };
                Spanned { event, range }
            }
            Event::SequenceEnd => Spanned {
                event: YamlEvent::SeqEnd,
                range: TextRange::from_usize(start, end),
            },
            Event::MappingEnd => Spanned {
                event: YamlEvent::MapEnd,
                range: TextRange::from_usize(start, end),
            },
        };
        Some(Ok(spanned))
    }

    /// The anchor defined by an event, with its name read back from the text (saphyr only
    /// hands out numeric ids).
    fn anchor(&self, id: usize, start: usize, end: usize) -> Option<(usize, String)> {
        if id == 0 {
            return None;
        }
        let props = self.text.get(start..end).unwrap_or("");
        let name = props
            .split_whitespace()
            .find_map(|tok| tok.strip_prefix('&'))
            .map(|n| n.trim_end_matches(['[', '{', ',']).to_string())
            .unwrap_or_default();
        Some((id, name))
    }

    fn scalar_range(&self, style: NodeStyle, empty: bool, start: usize, end: usize, prev_end: usize) -> TextRange {
        let bytes = self.text.as_bytes();
        match style {
            NodeStyle::Literal | NodeStyle::Folded => {
                // The header (`|`, `>-`, `|2+`…) lies between the previous token and the
                // content; comments may follow it on its line.
                let header = find_block_header(self.text, prev_end.min(start), start);
                let begin = header.unwrap_or(start);
                let mut stop = end;
                while stop > begin && matches!(bytes[stop - 1], b'\n' | b'\r') {
                    stop -= 1;
                }
                if stop <= begin {
                    stop = (begin + 1).min(self.text.len());
                }
                TextRange::from_usize(begin, stop)
            }
            _ => {
                let content = skip_properties(self.text, start, end);
                if content >= end || (empty && style == NodeStyle::Plain) {
                    // An empty plain scalar (`key:` with no value). saphyr's span for it may
                    // cover the following separator; use an empty range after the properties,
                    // moved past the `:` when there is one right there (where an inserted
                    // value would go).
                    let mut at = content.min(end);
                    let mut probe = at;
                    while probe < bytes.len() && matches!(bytes[probe], b' ' | b'\t') {
                        probe += 1;
                    }
                    if probe < bytes.len() && bytes[probe] == b':' {
                        at = probe + 1;
                    }
                    TextRange::empty(to_u32(at))
                } else {
                    TextRange::from_usize(content, end)
                }
            }
        }
    }
}

/// Position just after the anchor/tag properties that start a node's span.
pub(crate) fn skip_properties(text: &str, mut pos: usize, end: usize) -> usize {
    let bytes = text.as_bytes();
    loop {
        while pos < end && matches!(bytes[pos], b' ' | b'\t' | b'\r' | b'\n') {
            pos += 1;
        }
        if pos < end && bytes[pos] == b'#' {
            while pos < end && bytes[pos] != b'\n' {
                pos += 1;
            }
            continue;
        }
        if pos < end && matches!(bytes[pos], b'&' | b'!') {
            while pos < end && !matches!(bytes[pos], b' ' | b'\t' | b'\r' | b'\n') {
                pos += 1;
            }
            continue;
        }
        return pos;
    }
}

/// The end (after the closing quote) of the quoted scalar whose opening quote is at `open`.
fn quoted_end(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(open)?;
    if quote != b'\'' && quote != b'"' {
        return None;
    }
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Finds a block scalar indicator (`|` or `>`) in `text[from..to]`, outside comments.
fn find_block_header(text: &str, from: usize, to: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut after_space = true;
    while i < to {
        match bytes[i] {
            b'#' if after_space => {
                while i < to && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'|' | b'>' => return Some(i),
            b' ' | b'\t' | b'\n' | b'\r' => after_space = true,
            _ => after_space = false,
        }
        i += 1;
    }
    None
}

/// Where a syntax error really is, and what to say about it, from saphyr's marker and
/// message. saphyr marks the token it was reading, which is not always the culprit:
///
/// - tab errors mark the start of the token (`tabs disallowed …`: the content after the
///   indentation; `plain scalar, found a tab`: the scalar's first line; `block scalar
///   content cannot start with a tab`: the `|` header), while the problem is the tab in a
///   line's indentation at or after it;
/// - a `- ` entry where a mapping key belongs is marked after the `- ` (the entry token's
///   span starts past its blanks), while the problem is the `-`;
/// - a quoted scalar that does not end where it should is marked at its opening quote,
///   which is right, but the message blames indentation or the end of the text when the
///   usual cause is a missing closing quote.
fn locate_syntax_error(text: &str, marker: usize, message: &str) -> (usize, String) {
    let marker = marker.min(text.len());
    let bytes = text.as_bytes();
    let line_start = text[..marker].rfind('\n').map_or(0, |i| i + 1);
    if message.contains("tab")
        && bytes.get(marker) != Some(&b'\t')
        && let Some(tab) = first_indentation_tab(text, line_start)
    {
        return (tab, message.to_string());
    }
    if message.starts_with("while parsing a block") {
        let before = text[line_start..marker].trim_end_matches([' ', '\t']);
        if let Some(dash_line_offset) = before.strip_suffix('-').map(str::len) {
            let dash = line_start + dash_line_offset;
            let introduces_entry = dash == line_start || matches!(bytes[dash - 1], b' ' | b'\t');
            if introduces_entry && dash < marker {
                return (dash, message.to_string());
            }
        }
    }
    if matches!(bytes.get(marker), Some(b'"' | b'\'')) && message.contains("quoted scalar") {
        let line_end = text[marker..].find('\n').map_or(text.len(), |i| marker + i);
        if quoted_end(text, marker).is_none_or(|end| end > line_end) {
            let quote = bytes[marker] as char;
            return (
                marker,
                format!("{message}: the {quote} opened here is not closed on its line"),
            );
        }
    }
    (marker, message.to_string())
}

/// The first tab in the indentation of a line that has content, from the line starting at
/// `from` on. Tabs on blank lines are allowed by YAML and are skipped.
fn first_indentation_tab(text: &str, from: usize) -> Option<usize> {
    let mut line_start = from;
    for line in text[from..].split_inclusive('\n') {
        let indentation = line.len() - line.trim_start_matches([' ', '\t']).len();
        let has_content = !line[indentation..].trim().is_empty();
        if has_content && let Some(tab) = line[..indentation].find('\t') {
            return Some(line_start + tab);
        }
        line_start += line.len();
    }
    None
}

/// A one-character range at `at` (empty at the end of text), for pointing at an error.
pub(crate) fn char_range_at(text: &str, at: usize) -> TextRange {
    let at = at.min(text.len());
    let len = text[at..].chars().next().map_or(0, char::len_utf8);
    TextRange::from_usize(at, at + len)
}

/// A tag as it would be written.
fn tag_text(tag: &Tag) -> String {
    match tag.handle.as_str() {
        "!" => format!("!{}", tag.suffix),
        "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
        "" if tag.suffix == "!" => "!".to_string(),
        handle => format!("{handle}{}", tag.suffix),
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
