//! XML text and attribute escaping for JUnit and checkstyle.

use crate::safe;
use std::borrow::Cow;

/// `s` as XML character data or attribute value: markup characters as entities, and control
/// characters (XML 1.0 forbids most; the rest would still reach a terminal) escaped as
/// every human format does.
pub(crate) fn escape(s: &str) -> String {
    escape_safe(safe::one_line(s))
}

fn escape_safe(s: Cow<'_, str>) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            // Non-characters XML 1.0 does not allow either.
            '\u{fffe}' | '\u{ffff}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_controls() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("x\u{1b}[2J\ny"), "x\\u{1b}[2J\\ny");
    }
}
