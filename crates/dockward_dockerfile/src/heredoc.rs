//! Heredoc markers (`<<EOF`, `<<-EOF`, `<<'EOF'`, `3<<EOF`) in an instruction line.
//!
//! BuildKit finds them by running its shell word lexer over the whole logical line (with
//! quotes and escapes kept, `\` as escape, variables left alone), then matching each word
//! against `^(\d*)<<(-?)([^<]*)$`. Consequences we reproduce:
//! * the marker must start a word: `cat<<EOF` is not a heredoc, `cat <<EOF` is;
//! * inside quotes it is no marker: `RUN "<<EOF"`;
//! * if the lexer fails anywhere on the line (an unterminated quote, a bad `${…}`), the
//!   line has no heredocs at all — silently;
//! * the name is the word after `<<` with quotes removed; any quote in it turns
//!   expansion off (`<<'EOF'`, `<<"EOF"`, `<<eo'f'`).
//!
//! Reading the bodies is the parser's job (it owns the line cursor).

/// A heredoc marker found in a logical line.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    /// The marker word in the logical line.
    pub start: usize,
    pub end: usize,
    pub name: String,
    pub expand: bool,
    pub chomp: bool,
    pub fd: Option<u32>,
}

/// The markers of `line`, in order. `Err` carries the message of a marker BuildKit
/// rejects (which makes the whole file fail).
pub(crate) fn find_markers(line: &str) -> Result<Vec<Marker>, (usize, usize, String)> {
    let Some(words) = lex(line, true, true) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for word in words {
        let Some((fd, chomp, rest)) = split_marker(&word.text) else {
            continue;
        };
        let invalid = |msg: &str| (word.start, word.end, msg.to_string());
        let Some(names) = lex(rest, false, false) else {
            return Err(invalid("invalid heredoc: unterminated quote in its name"));
        };
        if names.len() != 1 {
            continue;
        }
        let Some(raw) = lex(rest, true, false) else {
            return Err(invalid("invalid heredoc: unterminated quote in its name"));
        };
        if raw.len() != names.len() {
            return Err(invalid("invalid heredoc: inconsistent name"));
        }
        let quotes = |s: &str| s.bytes().filter(|&b| b == b'\'' || b == b'"').count();
        let name = names.into_iter().next().map(|w| w.text).unwrap_or_default();
        let expand = quotes(&name) == quotes(&raw[0].text);
        out.push(Marker {
            start: word.start,
            end: word.end,
            name,
            expand,
            chomp,
            fd,
        });
    }
    Ok(out)
}

/// Matches `^(\d*)<<(-?)([^<]*)$` with a non-empty last group.
fn split_marker(word: &str) -> Option<(Option<u32>, bool, &str)> {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let after = word[digits..].strip_prefix("<<")?;
    let (chomp, rest) = match after.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, after),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    let fd = (digits > 0).then(|| word[..digits].parse().ok()).flatten();
    Some((fd, chomp, rest))
}

/// A word of the shell lexer: its source span and its text (which differs from the
/// source when quotes or escapes are removed).
#[derive(Debug)]
struct LexWord {
    start: usize,
    end: usize,
    text: String,
}

#[derive(Default)]
struct Words {
    out: Vec<LexWord>,
    cur: Option<LexWord>,
}

impl Words {
    /// A character that splits words when it is whitespace.
    fn add_char(&mut self, c: char, at: usize) {
        if c.is_whitespace() {
            if self.cur.as_ref().is_some_and(|w| !w.text.is_empty()) {
                self.out.extend(self.cur.take());
            }
        } else {
            self.add_raw(c.encode_utf8(&mut [0; 4]), at, at + c.len_utf8());
        }
    }

    /// Text that always belongs to the current word (quoted or escaped).
    fn add_raw(&mut self, text: &str, start: usize, end: usize) {
        let word = self.cur.get_or_insert_with(|| LexWord {
            start,
            end,
            text: String::new(),
        });
        word.text.push_str(text);
        word.end = end;
    }

    fn finish(mut self) -> Vec<LexWord> {
        if let Some(word) = self.cur.take().filter(|w| !w.text.is_empty()) {
            self.out.push(word);
        }
        self.out
    }
}

/// BuildKit's shell word splitting with `\` as escape and no variables set (unset
/// variables are kept as written). `None` on a lexing error.
fn lex(s: &str, raw_quotes: bool, raw_escapes: bool) -> Option<Vec<LexWord>> {
    let mut words = Words::default();
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        match c {
            '\'' => {
                let (end, text) = single_quoted(s, i, raw_quotes)?;
                words.add_raw(&text, i, end);
                i = end;
            }
            '"' => {
                let (end, text) = double_quoted(s, i, raw_quotes, raw_escapes, 0)?;
                words.add_raw(&text, i, end);
                i = end;
            }
            '$' => {
                let end = dollar(s, i, raw_quotes, 0)?;
                for (k, ch) in s[i..end].char_indices() {
                    words.add_char(ch, i + k);
                }
                i = end;
            }
            '\\' => {
                if raw_escapes {
                    words.add_raw("\\", i, i + 1);
                }
                i += 1;
                let Some(next) = s[i..].chars().next() else {
                    break;
                };
                let w = next.len_utf8();
                words.add_raw(&s[i..i + w], i, i + w);
                i += w;
            }
            c => {
                words.add_char(c, i);
                i += c.len_utf8();
            }
        }
    }
    Some(words.finish())
}

/// `'…'` starting at `i`: everything up to the next `'` is literal.
fn single_quoted(s: &str, i: usize, raw: bool) -> Option<(usize, String)> {
    let close = i + 1 + s[i + 1..].find('\'')?;
    let text = if raw { &s[i..=close] } else { &s[i + 1..close] };
    Some((close + 1, text.to_string()))
}

/// `"…"` starting at `i`: `\` escapes only `"`, `$` and `\`.
fn double_quoted(s: &str, i: usize, raw_quotes: bool, raw_escapes: bool, depth: usize) -> Option<(usize, String)> {
    let mut text = String::new();
    if raw_quotes {
        text.push('"');
    }
    let mut j = i + 1;
    loop {
        let c = s[j..].chars().next()?;
        match c {
            '"' => {
                if raw_quotes {
                    text.push('"');
                }
                return Some((j + 1, text));
            }
            '$' => {
                let end = dollar(s, j, raw_quotes, depth)?;
                text.push_str(&s[j..end]);
                j = end;
            }
            '\\' => {
                if raw_escapes {
                    text.push('\\');
                }
                j += 1;
                match s[j..].chars().next() {
                    // A trailing backslash leaves the quote unterminated.
                    None => return None,
                    Some(n @ ('"' | '$' | '\\')) => {
                        text.push(n);
                        j += 1;
                    }
                    // Not escapable: the backslash itself is kept (again, in raw mode).
                    Some(_) => text.push('\\'),
                }
            }
            c => {
                text.push(c);
                j += c.len_utf8();
            }
        }
    }
}

/// How deeply `${a:-${b:-…}}` may nest before we give up (as a lexing error). BuildKit
/// has no limit; this only keeps hostile input from exhausting our stack.
const MAX_NESTING: usize = 256;

/// `$name`, `${name}`, `${name:-word}`… starting at `i`; returns where it ends. The text
/// is kept as written (BuildKit keeps unset variables as written too).
fn dollar(s: &str, i: usize, raw_quotes: bool, depth: usize) -> Option<usize> {
    if depth > MAX_NESTING {
        return None;
    }
    let mut j = i + 1;
    if !s[j..].starts_with('{') {
        return Some(name_end(s, j));
    }
    j += 1;
    match s[j..].chars().next() {
        None | Some('{' | '}' | ':') => return None,
        Some(_) => {}
    }
    j = name_end(s, j);
    let c = s[j..].chars().next()?;
    j += c.len_utf8();
    match c {
        '}' => Some(j),
        ':' => {
            // The modifier character, then a word up to `}`.
            let m = s[j..].chars().next()?;
            until_brace(s, j + m.len_utf8(), raw_quotes, depth + 1)
        }
        '?' | '%' | '#' | '/' | '+' | '-' => until_brace(s, j, raw_quotes, depth + 1),
        _ => None,
    }
}

/// A variable name: digits, one special parameter, or letters, digits and `_`.
fn name_end(s: &str, j: usize) -> usize {
    let mut chars = s[j..].char_indices();
    match chars.next() {
        Some((_, c)) if c.is_ascii_digit() => j + s[j..].bytes().take_while(u8::is_ascii_digit).count(),
        Some((_, '@' | '*' | '#' | '?' | '-' | '$' | '!')) => j + 1,
        Some((_, c)) if c.is_alphanumeric() || c == '_' => {
            let len = s[j..]
                .char_indices()
                .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
                .map_or(s.len() - j, |(k, _)| k);
            j + len
        }
        _ => j,
    }
}

/// Scans a `${…}` word up to and including its `}`.
fn until_brace(s: &str, mut j: usize, raw_quotes: bool, depth: usize) -> Option<usize> {
    loop {
        let c = s[j..].chars().next()?;
        match c {
            '}' => return Some(j + 1),
            '\'' => j = single_quoted(s, j, raw_quotes)?.0,
            '"' => j = double_quoted(s, j, raw_quotes, false, depth)?.0,
            '$' => j = dollar(s, j, raw_quotes, depth)?,
            '\\' => {
                j += 1;
                j += s[j..].chars().next()?.len_utf8();
            }
            c => j += c.len_utf8(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, bool, bool, Option<u32>)> {
        find_markers(line)
            .unwrap()
            .into_iter()
            .map(|m| (m.name, m.expand, m.chomp, m.fd))
            .collect()
    }

    #[test]
    fn markers_like_buildkit() {
        let plain = |n: &str| (n.to_string(), true, false, None);
        assert_eq!(names("RUN <<EOF"), [plain("EOF")]);
        assert_eq!(names("RUN <<-EOF"), [("EOF".into(), true, true, None)]);
        assert_eq!(names("RUN <<'EOF'"), [("EOF".into(), false, false, None)]);
        assert_eq!(names("RUN <<\"EOF\""), [("EOF".into(), false, false, None)]);
        assert_eq!(names("RUN <<eo'f'"), [("eof".into(), false, false, None)]);
        assert_eq!(names("RUN 4<<EOF"), [("EOF".into(), true, false, Some(4))]);
        assert_eq!(names("RUN <<EOF <<EOF2"), [plain("EOF"), plain("EOF2")]);
        assert_eq!(names("RUN cat <<EOF > /x"), [plain("EOF")]);
        assert!(names("RUN '<<EOF'").is_empty());
        assert!(names("RUN \"<<EOF\"").is_empty());
        assert!(names("RUN cat<<EOF").is_empty());
        assert!(names("RUN <<").is_empty());
        assert!(names("RUN <<-").is_empty());
        assert!(names("RUN <<<EOF").is_empty());
        assert!(names("RUN <<''").is_empty());
        // A lexing error anywhere hides every marker on the line.
        assert!(names("RUN <<EOF 'unterminated").is_empty());
        assert!(names("RUN <<EOF ${").is_empty());
        assert_eq!(names("RUN <<EOF ${A:-x} $B"), [plain("EOF")]);
        // Hostile nesting is a lexing error, not a stack overflow.
        let deep = format!("RUN <<EOF {}x{}", "${a:-\"".repeat(100_000), "\"}".repeat(100_000));
        assert!(names(&deep).is_empty());
    }

    #[test]
    fn marker_span() {
        let line = "COPY <<FILE1 <<FILE2 /dest";
        let m = find_markers(line).unwrap();
        assert_eq!(&line[m[0].start..m[0].end], "<<FILE1");
        assert_eq!(&line[m[1].start..m[1].end], "<<FILE2");
    }
}
