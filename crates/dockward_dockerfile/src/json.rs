//! The exec form: a JSON array of strings, decoded the way Go's `encoding/json` does it.
//!
//! BuildKit's rule has three outcomes, and we need all three:
//! * a valid JSON array of strings → exec form;
//! * anything that is not valid JSON (single quotes, unterminated, trailing text) → the
//!   instruction silently falls back to shell form / word splitting;
//! * a *valid* JSON array with a non-string element → fatal error.

/// A decoded string element: `start..end` is the literal (quotes included) in the input.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct JsonString {
    pub start: usize,
    pub end: usize,
    pub value: String,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum JsonArray {
    /// Not valid JSON (or not an array): use the fallback form.
    NotJson,
    Strings(Vec<JsonString>),
    /// Valid JSON, but the element at `start..end` is not a string.
    NotStrings {
        start: usize,
        end: usize,
    },
}

/// Go's decoder refuses nesting deeper than this (which makes the text "not JSON").
const MAX_DEPTH: usize = 10_000;

/// Parses `text` (which must start with `[` to be JSON at all) as BuildKit does.
pub(crate) fn parse_array(text: &str) -> JsonArray {
    let b = text.as_bytes();
    if b.first() != Some(&b'[') {
        return JsonArray::NotJson;
    }
    let mut strings = Vec::new();
    let mut first_other: Option<(usize, usize)> = None;
    let mut i = ws(b, 1);
    if b.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            let start = i;
            if b.get(i) == Some(&b'"') {
                let Some((end, value)) = decode_string(text, i) else {
                    return JsonArray::NotJson;
                };
                strings.push(JsonString { start, end, value });
                i = end;
            } else {
                let Some(end) = skip_value(b, i, 1) else {
                    return JsonArray::NotJson;
                };
                first_other.get_or_insert((start, end));
                i = end;
            }
            i = ws(b, i);
            match b.get(i) {
                Some(b',') => i = ws(b, i + 1),
                Some(b']') => {
                    i += 1;
                    break;
                }
                _ => return JsonArray::NotJson,
            }
        }
    }
    if ws(b, i) != b.len() {
        return JsonArray::NotJson;
    }
    match first_other {
        Some((start, end)) => JsonArray::NotStrings { start, end },
        None => JsonArray::Strings(strings),
    }
}

fn ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Skips one JSON value starting at `i` (no leading whitespace), iteratively so that
/// deep nesting cannot exhaust the stack. `depth` is the nesting depth around it.
fn skip_value(b: &[u8], mut i: usize, depth: usize) -> Option<usize> {
    let mut stack: Vec<u8> = Vec::new();
    loop {
        // A value is expected at `i`.
        i = ws(b, i);
        match *b.get(i)? {
            b'"' => i = skip_string(b, i)?,
            open @ (b'[' | b'{') => {
                stack.push(open);
                if depth + stack.len() > MAX_DEPTH {
                    return None;
                }
                i = ws(b, i + 1);
                let close = if open == b'[' { b']' } else { b'}' };
                if b.get(i) == Some(&close) {
                    stack.pop();
                    i += 1;
                } else if open == b'[' {
                    continue;
                } else {
                    i = object_key(b, i)?;
                    continue;
                }
            }
            b't' => i = literal(b, i, b"true")?,
            b'f' => i = literal(b, i, b"false")?,
            b'n' => i = literal(b, i, b"null")?,
            b'-' | b'0'..=b'9' => i = skip_number(b, i)?,
            _ => return None,
        }
        // A value ended: close containers until one wants another element.
        loop {
            let Some(&top) = stack.last() else {
                return Some(i);
            };
            i = ws(b, i);
            match (top, *b.get(i)?) {
                (b'[', b',') => {
                    i += 1;
                    break;
                }
                (b'{', b',') => {
                    i = object_key(b, ws(b, i + 1))?;
                    break;
                }
                (b'[', b']') | (b'{', b'}') => {
                    stack.pop();
                    i += 1;
                }
                _ => return None,
            }
        }
    }
}

/// `"key" :` → the offset after the colon.
fn object_key(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i) != Some(&b'"') {
        return None;
    }
    let i = ws(b, skip_string(b, i)?);
    (b.get(i) == Some(&b':')).then_some(i + 1)
}

fn literal(b: &[u8], i: usize, word: &[u8]) -> Option<usize> {
    b[i..].starts_with(word).then_some(i + word.len())
}

fn skip_number(b: &[u8], mut i: usize) -> Option<usize> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => {
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return None,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    Some(i)
}

/// Validates the string literal at `i` (an opening quote) and returns the offset after it.
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    loop {
        let c = *b.get(i)?;
        match c {
            b'"' => return Some(i + 1),
            b'\\' => match *b.get(i + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                b'u' => {
                    hex4(b, i + 2)?;
                    i += 6;
                }
                _ => return None,
            },
            0..=0x1f => return None,
            _ => i += 1,
        }
    }
}

fn hex4(b: &[u8], i: usize) -> Option<u32> {
    let digits = b.get(i..i + 4)?;
    let mut v = 0u32;
    for &d in digits {
        v = v * 16 + (d as char).to_digit(16)?;
    }
    Some(v)
}

/// Decodes the string literal at `i`: returns the offset after it and its value. Lone
/// surrogates become U+FFFD, as in Go.
fn decode_string(text: &str, start: usize) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let end = skip_string(b, start)?;
    let inner = &text[start + 1..end - 1];
    if !inner.contains('\\') {
        return Some((end, inner.to_string()));
    }
    let ib = inner.as_bytes();
    let mut out = String::with_capacity(inner.len());
    let mut i = 0;
    while i < ib.len() {
        let Some(rel) = memchr::memchr(b'\\', &ib[i..]) else {
            out.push_str(&inner[i..]);
            break;
        };
        out.push_str(&inner[i..i + rel]);
        i += rel;
        let esc = ib[i + 1];
        i += 2;
        match esc {
            b'b' => out.push('\u{8}'),
            b'f' => out.push('\u{c}'),
            b'n' => out.push('\n'),
            b'r' => out.push('\r'),
            b't' => out.push('\t'),
            b'u' => {
                let unit = hex4(ib, i)?;
                i += 4;
                if (0xD800..0xE000).contains(&unit) {
                    // A high surrogate followed by `\u` + low surrogate is one character;
                    // anything else is replaced (and the next escape is left alone).
                    let low = (ib.get(i..i + 2) == Some(b"\\u")).then(|| hex4(ib, i + 2)).flatten();
                    match low {
                        Some(low) if unit < 0xDC00 && (0xDC00..0xE000).contains(&low) => {
                            let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                            out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                            i += 6;
                        }
                        _ => out.push('\u{FFFD}'),
                    }
                } else {
                    out.push(char::from_u32(unit).unwrap_or('\u{FFFD}'));
                }
            }
            other => out.push(other as char),
        }
    }
    Some((end, out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(text: &str) -> Option<Vec<String>> {
        match parse_array(text) {
            JsonArray::Strings(s) => Some(s.into_iter().map(|s| s.value).collect()),
            _ => None,
        }
    }

    #[test]
    fn string_arrays() {
        assert_eq!(values("[]"), Some(vec![]));
        assert_eq!(values("[ \"a\" ,\t\"b\" ] "), Some(vec!["a".into(), "b".into()]));
        assert_eq!(
            values(r#"["\" \\ \/ \b \f \n \r \t \u0000 \u2603 \ud83d\ude00 \ud800"]"#),
            Some(vec!["\" \\ / \u{8} \u{c} \n \r \t \0 ☃ 😀 \u{FFFD}".into()])
        );
    }

    #[test]
    fn invalid_json_falls_back() {
        for text in [
            "['a']",
            "[\"a\"",
            "[\"a]",
            "[\"a\",]",
            "[\"a\"] x",
            "[01]",
            "[\"\t\"]",
            "[\"\\x\"]",
            "",
            "a",
        ] {
            assert_eq!(parse_array(text), JsonArray::NotJson, "{text}");
        }
    }

    #[test]
    fn non_strings_are_reported() {
        assert_eq!(
            parse_array(r#"[ "echo", [ "nested json" ] ]"#),
            JsonArray::NotStrings { start: 10, end: 27 }
        );
        assert!(matches!(
            parse_array("[1, {\"a\": [true, null]}, -1.5e3]"),
            JsonArray::NotStrings { .. }
        ));
        assert!(matches!(parse_array("[null]"), JsonArray::NotStrings { .. }));
    }

    #[test]
    fn deep_nesting_is_not_json_and_does_not_overflow() {
        let deep = format!("[{}{}]", "[".repeat(20_000), "]".repeat(20_000));
        assert_eq!(parse_array(&deep), JsonArray::NotJson);
        let ok = format!("[{}{}]", "[".repeat(100), "]".repeat(100));
        assert!(matches!(parse_array(&ok), JsonArray::NotStrings { .. }));
    }
}
