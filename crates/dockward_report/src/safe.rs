//! What a scanned file may not do to the terminal or the CI log reading our output.
//!
//! Service names, folder names, loader messages and code frames all come from files under
//! review. A newline in a service name would start a line of its own — `::error file=…::`
//! is a GitHub workflow command — and an escape sequence could recolour or clear the
//! terminal. Human formats print such characters escaped (`\n`, `\u{1b}`); JSON escapes
//! them by itself.

use std::borrow::Cow;

/// `s` with every control character escaped (tab kept: it is layout, not a command).
pub fn one_line(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// A code frame: line breaks kept, every other control character escaped.
pub fn frame(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let keep = |c: char| c == '\t' || (keep_newlines && (c == '\n' || c == '\r'));
    let unsafe_char = |c: char| (c.is_control() && !keep(c)) || is_bidi_control(c);
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !unsafe_char(c) {
            out.push(c);
        } else if c == '\n' {
            out.push_str("\\n");
        } else if c == '\r' {
            out.push_str("\\r");
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Unicode's bidirectional overrides reorder what a reader sees (CVE-2021-42574).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A secret finding's text (from its key to the end of its line) with the value masked:
/// everything after the first `=`, `:` or blank that follows the key, quotes and blanks
/// kept, one `*` per character, so the frame keeps its shape and the reader sees which key
/// holds the secret but not the secret.
pub fn mask_value(span: &str) -> String {
    let Some(at) = span.find(['=', ':', ' ', '\t']).filter(|&at| at > 0) else {
        return span.chars().map(|c| if c.is_whitespace() { c } else { '*' }).collect();
    };
    let (key, value) = span.split_at(at + 1);
    let mut out = String::with_capacity(span.len());
    out.push_str(key);
    for c in value.chars() {
        out.push(if c.is_whitespace() || c == '"' || c == '\'' {
            c
        } else {
            '*'
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls() {
        assert_eq!(one_line("web"), "web");
        assert_eq!(one_line("a\nb\x1b[2J\tc"), "a\\nb\\u{1b}[2J\tc");
        assert_eq!(frame("a\nb\x1b]0;x\x07\n"), "a\nb\\u{1b}]0;x\\u{7}\n");
        assert_eq!(one_line("x\u{202e}y"), "x\\u{202e}y");
    }

    #[test]
    fn masks_values() {
        assert_eq!(mask_value("POSTGRES_PASSWORD: s3cr3t"), "POSTGRES_PASSWORD: ******");
        assert_eq!(mask_value("GH=ghp_x"), "GH=*****");
        assert_eq!(mask_value("KEY=\"a b\""), "KEY=\"* *\"");
        assert_eq!(mask_value("token"), "*****");
        assert_eq!(mask_value("KEY value # c\n"), "KEY ***** * *\n");
        assert_eq!(mask_value("URL: \"postgres://a:pw@db\""), "URL: \"******************\"");
    }
}
