//! Leading `--flag[=value]` words, and the CSV options of `--mount`.
//!
//! BuildKit's flag scanner (not the Dockerfile escape character!) treats `\` as an escape
//! and removes quotes, so `--from="x y"` is the flag text `--from=x y`. Because of that the
//! flag text is not a slice of the source; we keep, for every byte of the flag text, the
//! logical offset it came from, and derive exact source ranges from that.

use dockward_core::TextRange;

use crate::ast::{Flag, FlagOption};
use crate::lines::is_byte_scan_space;
use crate::logical::LogicalText;

/// Scans flags in `line.text[lo..hi]`. Returns the flags and the logical offset where the
/// arguments start (`hi` when the flags used up the line).
pub(crate) fn extract(line: &LogicalText, lo: usize, hi: usize) -> (Vec<Flag>, usize) {
    #[derive(PartialEq, Clone, Copy)]
    enum Phase {
        Spaces,
        Word,
        Quote(char),
    }
    let s = &line.text[lo..hi];
    let mut flags = Vec::new();
    let mut phase = Phase::Spaces;
    let mut blank_ok = false;
    let mut word = FlagWord::default();
    let mut pos = 0;
    loop {
        let ch = s[pos..].chars().next();
        if phase == Phase::Spaces {
            let Some(c) = ch else {
                return (flags, hi);
            };
            if is_byte_scan_space(c) {
                pos += c.len_utf8();
                continue;
            }
            // Only a word starting with `--` continues the flag list.
            if c != '-' || !s[pos + 1..].starts_with('-') {
                return (flags, lo + pos);
            }
            phase = Phase::Word;
            word.start = lo + pos;
        }
        let Some(c) = ch else {
            if word.text != "--" && (blank_ok || !word.text.is_empty()) {
                flags.push(word.finish(line, lo + pos));
            }
            return (flags, hi);
        };
        let width = c.len_utf8();
        match phase {
            Phase::Word => {
                if is_byte_scan_space(c) {
                    if word.text == "--" {
                        return (flags, lo + pos);
                    }
                    if blank_ok || !word.text.is_empty() {
                        flags.push(std::mem::take(&mut word).finish(line, lo + pos));
                    }
                    word = FlagWord::default();
                    blank_ok = false;
                    phase = Phase::Spaces;
                    pos += width;
                    continue;
                }
                if c == '\'' || c == '"' {
                    phase = Phase::Quote(c);
                    blank_ok = true;
                    pos += width;
                    continue;
                }
            }
            Phase::Quote(q) => {
                if c == q {
                    phase = Phase::Word;
                    pos += width;
                    continue;
                }
            }
            Phase::Spaces => unreachable!("handled above"),
        }
        // An ordinary character, or a backslash escaping the next one.
        let (src, c) = if c == '\\' {
            let next = pos + width;
            match s[next..].chars().next() {
                Some(n) => (next, n),
                None => {
                    // A trailing backslash is dropped (and closes an open quote).
                    phase = Phase::Word;
                    pos = next;
                    continue;
                }
            }
        } else {
            (pos, c)
        };
        word.push(c, lo + src);
        pos = src + c.len_utf8();
    }
}

/// A flag word being scanned: its text and, per text byte, the logical offset it came from.
#[derive(Default)]
struct FlagWord {
    start: usize,
    text: String,
    origin: Vec<u32>,
}

impl FlagWord {
    fn push(&mut self, c: char, logical: usize) {
        self.text.push(c);
        for k in 0..c.len_utf8() {
            self.origin.push((logical + k) as u32);
        }
    }

    /// Source range of flag-text bytes `from..to`; `fallback` (a logical offset) anchors
    /// an empty range at the end of the text.
    fn source(&self, line: &LogicalText, from: usize, to: usize, fallback: usize) -> TextRange {
        let logical = if from < to {
            TextRange::new(self.origin[from], self.origin[to - 1] + 1)
        } else {
            let at = self.origin.get(from).map_or(fallback as u32, |&o| o);
            TextRange::empty(at)
        };
        line.to_source(logical)
    }

    fn finish(self, line: &LogicalText, end: usize) -> Flag {
        let range = line.to_source(TextRange::from_usize(self.start, end));
        // The word started with two literal dashes, so the text does too.
        let body_start = 2.min(self.text.len());
        let eq = self.text[body_start..].find('=').map(|i| i + body_start);
        let name_end = eq.unwrap_or(self.text.len());
        let name = self.text[body_start..name_end].to_string();
        // Name and value ranges cover what is written, quotes included: the name runs
        // from after the dashes to the `=`, the value from after the `=` to the word end.
        let name_start = self.start + body_start;
        let eq_at = eq.map(|eq| self.origin[eq] as usize);
        let name_range = line.to_source(TextRange::from_usize(name_start, eq_at.unwrap_or(end)));
        let (value, value_range) = match (eq, eq_at) {
            (Some(eq), Some(at)) => (
                Some(self.text[eq + 1..].to_string()),
                Some(line.to_source(TextRange::from_usize(at + 1, end))),
            ),
            _ => (None, None),
        };
        let options = match (&value, eq) {
            (Some(v), Some(eq)) if name == "mount" => csv_options(v)
                .into_iter()
                .map(|f| {
                    let at = |a: usize, b: usize| self.source(line, eq + 1 + a, eq + 1 + b, end);
                    FlagOption {
                        key: f.key,
                        value: f.value,
                        range: at(f.range.0, f.range.1),
                        key_range: at(f.key_range.0, f.key_range.1),
                        value_range: f.value_range.map(|(a, b)| at(a, b)),
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        Flag {
            text: self.text,
            name,
            value,
            range,
            name_range,
            value_range,
            options,
        }
    }
}

/// One CSV field with byte ranges relative to the value.
struct CsvField {
    key: String,
    value: Option<String>,
    range: (usize, usize),
    key_range: (usize, usize),
    value_range: Option<(usize, usize)>,
}

/// Splits a `--mount` value into CSV fields (Go `encoding/csv` rules: `"…"` quoting with
/// `""` for a quote), each split at its first `=`. Malformed quoting is read leniently.
/// A quoted field gets the field's range for its key and value too.
fn csv_options(value: &str) -> Vec<CsvField> {
    let b = value.as_bytes();
    let mut out = Vec::new();
    if value.is_empty() {
        return out;
    }
    let mut i = 0;
    loop {
        let start = i;
        let (text, end, quoted) = if b.get(i) == Some(&b'"') {
            let mut text = String::new();
            let mut j = i + 1;
            loop {
                match value[j..].find('"') {
                    Some(k) => {
                        text.push_str(&value[j..j + k]);
                        j += k + 1;
                        if b.get(j) == Some(&b'"') {
                            text.push('"');
                            j += 1;
                        } else {
                            break;
                        }
                    }
                    None => {
                        text.push_str(&value[j..]);
                        j = b.len();
                        break;
                    }
                }
            }
            // Anything after the closing quote up to the comma belongs to the field.
            let end = value[j..].find(',').map_or(b.len(), |k| j + k);
            text.push_str(&value[j..end]);
            (text, end, true)
        } else {
            let end = value[i..].find(',').map_or(b.len(), |k| i + k);
            (value[i..end].to_string(), end, false)
        };
        let field = match text.find('=') {
            Some(eq) => {
                let (key_range, value_range) = if quoted {
                    ((start, end), (start, end))
                } else {
                    ((start, start + eq), (start + eq + 1, end))
                };
                CsvField {
                    key: text[..eq].to_string(),
                    value: Some(text[eq + 1..].to_string()),
                    range: (start, end),
                    key_range,
                    value_range: Some(value_range),
                }
            }
            None => CsvField {
                key: text,
                value: None,
                range: (start, end),
                key_range: (start, end),
                value_range: None,
            },
        };
        out.push(field);
        if end >= b.len() {
            break;
        }
        i = end + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logical(s: &str) -> LogicalText {
        let mut t = LogicalText::new(0, s.len());
        t.push(s, 0, s.len());
        t
    }

    fn run(s: &str) -> (Vec<String>, &str) {
        let line = logical(s);
        let (flags, at) = extract(&line, 0, s.len());
        (flags.into_iter().map(|f| f.text).collect(), &s[at..])
    }

    #[test]
    fn flags_like_buildkit() {
        assert_eq!(
            run("--user=me --doit=true foo /tmp/"),
            (vec!["--user=me".into(), "--doit=true".into()], "foo /tmp/")
        );
        assert_eq!(run("--doit=true -- foo"), (vec!["--doit=true".into()], " foo"));
        assert_eq!(run("-- foo"), (vec![], " foo"));
        assert_eq!(run("--doit -- [ ]"), (vec!["--doit".into()], " [ ]"));
        assert_eq!(run("--a=\"x y\" z"), (vec!["--a=x y".into()], "z"));
        assert_eq!(run("--a=x\\ y z"), (vec!["--a=x y".into()], "z"));
        assert_eq!(run("--link"), (vec!["--link".into()], ""));
        assert_eq!(run("--"), (vec![], ""));
        assert_eq!(run("-x --a"), (vec![], "-x --a"));
    }

    #[test]
    fn flag_ranges() {
        let s = "--mount=type=cache,target=\"/root/x\" rest";
        let line = logical(s);
        let (flags, _) = extract(&line, 0, s.len());
        let f = &flags[0];
        assert_eq!(f.name, "mount");
        assert_eq!(f.range.slice(s), "--mount=type=cache,target=\"/root/x\"");
        assert_eq!(f.name_range.slice(s), "mount");
        assert_eq!(f.value_range.unwrap().slice(s), "type=cache,target=\"/root/x\"");
        let opts = f.mount_options();
        assert_eq!(opts.len(), 2);
        assert_eq!(
            (opts[0].key.as_str(), opts[0].value.as_deref()),
            ("type", Some("cache"))
        );
        assert_eq!(opts[0].value_range.unwrap().slice(s), "cache");
        assert_eq!(opts[1].value.as_deref(), Some("/root/x"));
        // Ranges skip the quotes the flag scanner removed.
        assert_eq!(opts[1].value_range.unwrap().slice(s), "/root/x");
        assert_eq!(opts[1].range.slice(s), "target=\"/root/x");
    }

    #[test]
    fn csv_quoting() {
        let f = csv_options("type=bind,\"source=a,b\",ro");
        let keys: Vec<_> = f.iter().map(|f| (f.key.as_str(), f.value.as_deref())).collect();
        assert_eq!(keys, [("type", Some("bind")), ("source", Some("a,b")), ("ro", None)]);
    }
}
