//! BuildKit's `Node.Dump` format, used by its parser tests and by our conformance test:
//! one `(keyword ["flags"…] "arg" …)` line per instruction, strings quoted like Go's
//! `strconv.Quote`.

use std::fmt::Write;

use crate::ast::{Arguments, Dockerfile, Instruction, Keyword, Separator, SyntaxDiagnostic};

/// The dump of `df`, with one trailing newline, or the first fatal error (BuildKit
/// refuses such files, so there is nothing to dump).
pub fn dump_buildkit(df: &Dockerfile) -> Result<String, SyntaxDiagnostic> {
    if let Some(error) = df.first_fatal_error() {
        return Err(error.clone());
    }
    let mut out = String::new();
    for instr in &df.instructions {
        out.push('(');
        out.push_str(&dump_instruction(instr));
        out.push_str(")\n");
    }
    Ok(out)
}

fn dump_instruction(instr: &Instruction) -> String {
    let mut s = instr.keyword_text.to_lowercase();
    if !instr.flags.is_empty() {
        s.push_str(" [");
        for (i, flag) in instr.flags.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            go_quote_into(&flag.text, &mut s);
        }
        s.push(']');
    }
    if let Keyword::Unknown(_) = instr.keyword {
        // BuildKit ignores the arguments of instructions it does not know and leaves one
        // empty node in their place.
        s.push_str(" \"\"");
    } else if let Some(inner) = &instr.onbuild {
        s.push_str(" (");
        s.push_str(&dump_instruction(inner));
        s.push(')');
    } else {
        dump_args(&instr.args, &mut s);
    }
    // Go trims the node dump; only an empty keyword can make that matter.
    s.trim().to_string()
}

fn dump_args(args: &Arguments, s: &mut String) {
    let mut arg = |text: &str| {
        s.push(' ');
        go_quote_into(text, s);
    };
    match args {
        Arguments::None => {}
        Arguments::Exec(words) | Arguments::Words(words) => words.iter().for_each(|w| arg(&w.text)),
        Arguments::Shell(text) => arg(&text.text),
        Arguments::KeyValues(pairs) => {
            for kv in pairs {
                arg(&kv.key.text);
                arg(&kv.value.text);
                arg(match kv.separator {
                    Separator::Equals => "=",
                    Separator::Space => "",
                });
            }
        }
        Arguments::Healthcheck { subcommand, args } => {
            if let Some(sub) = subcommand {
                arg(&sub.text);
            }
            dump_args(args, s);
        }
    }
}

/// `text` as a Go double-quoted string literal (`strconv.Quote`).
pub(crate) fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    go_quote_into(text, &mut out);
    out
}

fn go_quote_into(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if go_is_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push('"');
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII
/// space. Without Unicode category tables we exclude what is known not to print
/// (controls, format characters, separators other than U+0020, private use,
/// noncharacters); unassigned code points are treated as printable, where Go would
/// escape them.
fn go_is_print(c: char) -> bool {
    let u = c as u32;
    if u < 0x80 {
        return (0x20..0x7f).contains(&u);
    }
    if u <= 0xff {
        return u >= 0xa1 && u != 0xad;
    }
    !matches!(
        u,
        // Format characters (Cf).
        0x0600..=0x0605
            | 0x061c
            | 0x06dd
            | 0x070f
            | 0x0890..=0x0891
            | 0x08e2
            | 0x180e
            | 0x200b..=0x200f
            | 0x202a..=0x202e
            | 0x2060..=0x2064
            | 0x2066..=0x206f
            | 0xfeff
            | 0xfff9..=0xfffb
            | 0x110bd
            | 0x110cd
            | 0x13430..=0x1343f
            | 0x1bca0..=0x1bca3
            | 0x1d173..=0x1d17a
            | 0xe0001
            | 0xe0020..=0xe007f
            // Space, line and paragraph separators (Zs, Zl, Zp) other than U+0020.
            | 0x1680
            | 0x2000..=0x200a
            | 0x2028
            | 0x2029
            | 0x202f
            | 0x205f
            | 0x3000
            // Private use (Co) and noncharacters.
            | 0xe000..=0xf8ff
            | 0xf0000..=0x10ffff
            | 0xfdd0..=0xfdef
            | 0xfffe
            | 0xffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(go_quote("\t\n\0\u{7f}"), r#""\t\n\x00\x7f""#);
        assert_eq!(go_quote("♥ ☃"), "\"♥ ☃\"");
        assert_eq!(
            go_quote("\u{a0}\u{ad}\u{200b}\u{e000}\u{f0000}"),
            r#""\u00a0\u00ad\u200b\ue000\U000f0000""#
        );
    }
}
