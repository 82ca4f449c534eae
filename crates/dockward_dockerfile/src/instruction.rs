//! From a logical line to an [`Instruction`]: keyword, flags, and the arguments shaped the
//! way BuildKit's per-instruction line parsers shape them.

use dockward_core::TextRange;

use crate::ast::{Arguments, DiagnosticKind, Instruction, KeyValue, Keyword, Separator, SyntaxDiagnostic, Word};
use crate::dump::go_quote;
use crate::flags;
use crate::json::{self, JsonArray};
use crate::lines::{is_byte_scan_space, is_split_space};
use crate::logical::LogicalText;
use crate::words::{quote_aware_words, split_words};

/// How deep we follow `ONBUILD ONBUILD …` (BuildKit rejects any nesting when it
/// dispatches; this only bounds our recursion on hostile input).
const MAX_ONBUILD_DEPTH: u32 = 16;

pub(crate) struct Ctx<'a> {
    pub escape: char,
    pub diagnostics: &'a mut Vec<SyntaxDiagnostic>,
}

impl Ctx<'_> {
    fn error(&mut self, kind: DiagnosticKind, message: String, range: TextRange) {
        self.diagnostics.push(SyntaxDiagnostic {
            kind,
            message,
            range,
            is_fatal: true,
        });
    }
}

/// Builds a top-level instruction from its whole logical line (which it keeps).
pub(crate) fn build_top(line: LogicalText, range: TextRange, ctx: &mut Ctx<'_>) -> Instruction {
    let mut instr = build(&line, 0, line.text.len(), range, ctx, 0);
    instr.line = line;
    instr
}

/// Builds the instruction found in `line.text[lo..hi]`. `range` is its source range
/// (the caller knows where the instruction really ends).
fn build(line: &LogicalText, lo: usize, hi: usize, range: TextRange, ctx: &mut Ctx<'_>, depth: u32) -> Instruction {
    let text = &line.text;
    let part = &text[lo..hi];
    let t_lo = lo + (part.len() - part.trim_start().len());
    let t_hi = t_lo + part.trim().len();
    let trimmed = &text[t_lo..t_hi];
    // The keyword ends at the first `[\t\v\f\r ]`; anything else (even U+00A0) is part of it.
    let kw_len = trimmed.bytes().position(is_split_space).unwrap_or(trimmed.len());
    let kw_hi = t_lo + kw_len;
    let keyword_text = text[t_lo..kw_hi].to_string();
    let keyword = Keyword::from_word(&keyword_text);
    let keyword_range = line.to_source(TextRange::from_usize(t_lo, kw_hi));

    let (flags, args_lo) = if kw_len < trimmed.len() {
        let mut rest = kw_hi;
        while rest < t_hi && is_split_space(text.as_bytes()[rest]) {
            rest += 1;
        }
        flags::extract(line, rest, t_hi)
    } else {
        (Vec::new(), t_hi)
    };
    let args_part = &text[args_lo..t_hi];
    let a_lo = args_lo + (args_part.len() - args_part.trim_start().len());
    let a_hi = a_lo + args_part.trim().len();

    let mut onbuild = None;
    let args = match &keyword {
        Keyword::Add | Keyword::Copy | Keyword::Volume => maybe_json_list(line, a_lo, a_hi, ctx),
        Keyword::Cmd | Keyword::Entrypoint | Keyword::Run | Keyword::Shell => maybe_json(line, a_lo, a_hi, ctx),
        Keyword::Arg => {
            let spans = quote_aware_words(&text[a_lo..a_hi], ctx.escape);
            words_or_none(
                spans
                    .into_iter()
                    .map(|s| word(line, a_lo + s.start, a_lo + s.end, a_lo + s.text_end))
                    .collect(),
            )
        }
        Keyword::Env | Keyword::Label => key_values(line, a_lo, a_hi, &keyword, ctx),
        Keyword::Expose | Keyword::From => whitespace_words(line, a_lo, a_hi),
        Keyword::Maintainer | Keyword::Stopsignal | Keyword::User | Keyword::Workdir => {
            if a_lo == a_hi {
                Arguments::None
            } else {
                Arguments::Words(vec![word(line, a_lo, a_hi, a_hi)])
            }
        }
        Keyword::Healthcheck => healthcheck(line, a_lo, a_hi, ctx),
        Keyword::Onbuild => {
            if a_lo < a_hi {
                let inner_range = line.to_source(TextRange::from_usize(a_lo, a_hi));
                if depth >= MAX_ONBUILD_DEPTH {
                    ctx.diagnostics.push(SyntaxDiagnostic {
                        kind: DiagnosticKind::NestingTooDeep,
                        message: "ONBUILD nested too deeply".to_string(),
                        range: inner_range,
                        is_fatal: false,
                    });
                } else {
                    let inner = build(line, a_lo, a_hi, inner_range, ctx, depth + 1);
                    onbuild = Some(Box::new(inner));
                }
            }
            Arguments::None
        }
        Keyword::Unknown(word) => {
            let message = if word.is_empty() {
                "empty instruction".to_string()
            } else {
                format!("unknown instruction: {}", word.to_uppercase())
            };
            ctx.diagnostics.push(SyntaxDiagnostic {
                kind: DiagnosticKind::UnknownInstruction,
                message,
                range: if keyword_range.is_empty() { range } else { keyword_range },
                is_fatal: false,
            });
            shell_or_none(line, a_lo, a_hi)
        }
    };

    Instruction {
        keyword,
        keyword_text,
        keyword_range,
        range,
        // `build_top` moves the whole line in afterwards instead of copying it here.
        line: if depth == 0 {
            LogicalText::default()
        } else {
            line.slice(lo, hi)
        },
        flags,
        args,
        heredocs: Vec::new(),
        onbuild,
    }
}

/// A word whose source is `lo..hi` and whose text is `text[lo..text_hi]`.
fn word(line: &LogicalText, lo: usize, hi: usize, text_hi: usize) -> Word {
    Word {
        text: line.text[lo..text_hi].to_string(),
        range: line.to_source(TextRange::from_usize(lo, hi)),
    }
}

fn words_or_none(words: Vec<Word>) -> Arguments {
    if words.is_empty() {
        Arguments::None
    } else {
        Arguments::Words(words)
    }
}

fn shell_or_none(line: &LogicalText, lo: usize, hi: usize) -> Arguments {
    if lo == hi {
        Arguments::None
    } else {
        Arguments::Shell(line.slice(lo, hi))
    }
}

fn whitespace_words(line: &LogicalText, lo: usize, hi: usize) -> Arguments {
    words_or_none(
        split_words(&line.text[lo..hi])
            .into_iter()
            .map(|s| word(line, lo + s.start, lo + s.end, lo + s.end))
            .collect(),
    )
}

/// Tries the exec form. `Ok(None)`: not JSON. `Err`: valid JSON with a non-string.
fn exec_form(line: &LogicalText, lo: usize, hi: usize, ctx: &mut Ctx<'_>) -> Result<Option<Arguments>, ()> {
    match json::parse_array(&line.text[lo..hi]) {
        JsonArray::NotJson => Ok(None),
        JsonArray::Strings(strings) => Ok(Some(Arguments::Exec(
            strings
                .into_iter()
                .map(|s| Word {
                    text: s.value,
                    range: line.to_source(TextRange::from_usize(lo + s.start, lo + s.end)),
                })
                .collect(),
        ))),
        JsonArray::NotStrings { start, end } => {
            ctx.error(
                DiagnosticKind::JsonNotStringArray,
                "when using JSON array syntax, arrays must be comprised of strings only".to_string(),
                line.to_source(TextRange::from_usize(lo + start, lo + end)),
            );
            Err(())
        }
    }
}

/// RUN, CMD, ENTRYPOINT, SHELL: exec form, or the rest as one shell string.
fn maybe_json(line: &LogicalText, lo: usize, hi: usize, ctx: &mut Ctx<'_>) -> Arguments {
    if lo == hi {
        return Arguments::None;
    }
    match exec_form(line, lo, hi, ctx) {
        Ok(Some(args)) => args,
        // After the fatal error we keep the text, so later passes still see something.
        Ok(None) | Err(()) => Arguments::Shell(line.slice(lo, hi)),
    }
}

/// ADD, COPY, VOLUME: exec form, or whitespace-separated words.
fn maybe_json_list(line: &LogicalText, lo: usize, hi: usize, ctx: &mut Ctx<'_>) -> Arguments {
    match exec_form(line, lo, hi, ctx) {
        Ok(Some(args)) => args,
        Ok(None) | Err(()) => whitespace_words(line, lo, hi),
    }
}

/// HEALTHCHECK: the first word is the subcommand (`CMD`, `NONE`), then RUN-like arguments.
fn healthcheck(line: &LogicalText, lo: usize, hi: usize, ctx: &mut Ctx<'_>) -> Arguments {
    let text = &line.text[lo..hi];
    let sep = text
        .char_indices()
        .find(|&(_, c)| is_byte_scan_space(c))
        .map_or(text.len(), |(i, _)| i);
    if sep == 0 {
        return Arguments::Healthcheck {
            subcommand: None,
            args: Box::new(Arguments::None),
        };
    }
    let next = text[sep..]
        .char_indices()
        .find(|&(_, c)| !is_byte_scan_space(c))
        .map_or(text.len(), |(i, _)| sep + i);
    Arguments::Healthcheck {
        subcommand: Some(word(line, lo, lo + sep, lo + sep)),
        args: Box::new(maybe_json(line, lo + next, hi, ctx)),
    }
}

/// ENV and LABEL: `key=value …` pairs, or the legacy `key value with spaces`.
fn key_values(line: &LogicalText, lo: usize, hi: usize, keyword: &Keyword, ctx: &mut Ctx<'_>) -> Arguments {
    let text = &line.text[lo..hi];
    let spans = quote_aware_words(text, ctx.escape);
    let Some(first) = spans.first() else {
        return Arguments::None;
    };
    let to_source = |a: usize, b: usize| line.to_source(TextRange::from_usize(lo + a, lo + b));
    let mut pairs = Vec::new();
    if !text[first.start..first.text_end].contains('=') {
        // Legacy form: the key ends at the first `[\t\v\f\r ]` run, the value is the rest.
        let b = text.as_bytes();
        let key_end = b.iter().position(|&c| is_split_space(c)).unwrap_or(b.len());
        let mut value_start = key_end;
        while value_start < b.len() && is_split_space(b[value_start]) {
            value_start += 1;
        }
        if key_end == b.len() {
            ctx.error(
                DiagnosticKind::MissingValue,
                format!("{} must have two arguments", keyword.as_str()),
                to_source(0, b.len()),
            );
        }
        pairs.push(KeyValue {
            key: word(line, lo, lo + key_end, lo + key_end),
            value: word(line, lo + value_start, hi, hi),
            separator: Separator::Space,
            range: to_source(0, b.len()),
        });
        return Arguments::KeyValues(pairs);
    }
    for span in spans {
        let w = &text[span.start..span.text_end];
        let Some(eq) = w.find('=') else {
            ctx.error(
                DiagnosticKind::MissingEquals,
                format!(
                    "Syntax error - can't find = in {}. Must be of the form: name=value",
                    go_quote(w)
                ),
                to_source(span.start, span.end),
            );
            continue;
        };
        let eq = span.start + eq;
        pairs.push(KeyValue {
            key: word(line, lo + span.start, lo + eq, lo + eq),
            value: word(line, lo + eq + 1, lo + span.end, lo + span.text_end),
            separator: Separator::Equals,
            range: to_source(span.start, span.end),
        });
    }
    Arguments::KeyValues(pairs)
}
