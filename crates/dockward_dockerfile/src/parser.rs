//! The main loop: physical lines → comments, directives, logical lines, heredoc bodies.
//!
//! It follows BuildKit's `Parse` step by step (one pass over the lines, never looking
//! back), but where BuildKit stops at the first error we record it and go on, so every
//! file yields a tree.

use dockward_core::TextRange;

use crate::ast::{Arguments, Comment, DiagnosticKind, Dockerfile, Heredoc, Instruction, Keyword, SyntaxDiagnostic};
use crate::directives::DirectiveState;
use crate::heredoc;
use crate::instruction::{self, Ctx};
use crate::lines::{Line, Lines, continuation_keep};
use crate::logical::LogicalText;
use crate::validate;

const BOM: &str = "\u{feff}";

pub(crate) fn parse(text: &str) -> Dockerfile {
    let mut df = Dockerfile {
        escape: '\\',
        ..Dockerfile::default()
    };
    let mut directives = DirectiveState::new();
    let mut lines = Lines::new(text);
    let mut first_line = true;

    while let Some(line) = lines.next() {
        let mut start = line.start;
        if first_line {
            first_line = false;
            if text[start..line.content_end].starts_with(BOM) {
                df.has_bom = true;
                start += BOM.len();
            }
        }
        let content = &text[start..line.content_end];
        let tok_start = start + (content.len() - content.trim_start().len());
        let tok = &text[tok_start..line.content_end];

        if !directives.done {
            let set = directives.line(tok, tok_start, &mut df.directives, &mut df.diagnostics);
            if let Some(escape) = set {
                df.escape = escape;
            }
        }
        if tok.starts_with('#') {
            push_comment(&mut df.comments, text, tok_start, line.content_end);
            continue;
        }
        // A line that is empty after trimming ends nothing and starts nothing; a lone
        // escape character does start an (empty so far) instruction.
        let mut cont = continuation_keep(tok, df.escape);
        if cont.is_none() && tok.is_empty() {
            continue;
        }
        let mut logical = LogicalText::new(tok_start, tok.len());
        logical.push(text, tok_start, tok_start + cont.unwrap_or(tok.len()));
        let mut end = line.content_end;

        while cont.is_some() {
            let Some(next) = lines.next() else { break };
            let raw = &text[next.start..next.content_end];
            let trimmed = raw.trim_start();
            if trimmed.starts_with('#') {
                let at = next.content_end - trimmed.len();
                push_comment(&mut df.comments, text, at, next.content_end);
                continue;
            }
            if trimmed.is_empty() {
                df.empty_continuation_lines
                    .push(TextRange::from_usize(next.start, next.content_end));
                continue;
            }
            // Continuation lines keep their leading whitespace.
            cont = continuation_keep(raw, df.escape);
            logical.push(text, next.start, next.start + cont.unwrap_or(raw.len()));
            end = next.content_end;
        }

        let range = TextRange::from_usize(tok_start, end);
        let mut ctx = Ctx {
            escape: df.escape,
            diagnostics: &mut df.diagnostics,
        };
        let mut instr = instruction::build_top(logical, range, &mut ctx);
        if can_contain_heredoc(&instr) && instr.line.text.contains("<<") {
            read_heredocs(text, &mut instr, &mut lines, &mut df.diagnostics);
        }
        df.instructions.push(instr);
    }

    let invalid = validate::validate(&df);
    df.diagnostics.extend(invalid);
    // Diagnostics come from several passes: present them in source order.
    df.diagnostics.sort_by_key(|d| d.range.start);
    if df.instructions.is_empty() {
        df.diagnostics.push(SyntaxDiagnostic {
            kind: DiagnosticKind::NoInstructions,
            message: "file with no instructions".to_string(),
            range: TextRange::from_usize(0, text.len()),
            is_fatal: true,
        });
    }
    df
}

fn push_comment(comments: &mut Vec<Comment>, text: &str, hash: usize, end: usize) {
    let body = &text[hash + 1..end];
    let lead = body.len() - body.trim_start().len();
    let trimmed = body.trim();
    let text_start = hash + 1 + lead;
    comments.push(Comment {
        text: trimmed.to_string(),
        range: TextRange::from_usize(hash, end),
        text_range: TextRange::from_usize(text_start, text_start + trimmed.len()),
    });
}

/// RUN, COPY and ADD in shell form (also as the instruction of an ONBUILD).
fn can_contain_heredoc(instr: &Instruction) -> bool {
    let target = match (&instr.keyword, &instr.onbuild) {
        (Keyword::Onbuild, Some(inner)) => inner,
        _ => instr,
    };
    matches!(target.keyword, Keyword::Run | Keyword::Copy | Keyword::Add) && !matches!(target.args, Arguments::Exec(_))
}

/// Reads the body of every heredoc marker of the instruction from the following lines.
fn read_heredocs(text: &str, instr: &mut Instruction, lines: &mut Lines<'_>, diagnostics: &mut Vec<SyntaxDiagnostic>) {
    let logical = &instr.line;
    let markers = match heredoc::find_markers(&logical.text) {
        Ok(markers) => markers,
        Err((start, end, message)) => {
            diagnostics.push(SyntaxDiagnostic {
                kind: DiagnosticKind::InvalidHeredoc,
                message,
                range: logical.to_source(TextRange::from_usize(start, end)),
                is_fatal: true,
            });
            return;
        }
    };
    let mut heredocs = Vec::with_capacity(markers.len());
    let mut range = instr.range;
    for marker in markers {
        let marker_range = logical.to_source(TextRange::from_usize(marker.start, marker.end));
        let body_start = lines.offset();
        let mut terminator: Option<Line> = None;
        let mut body_end = body_start;
        for line in lines.by_ref() {
            let mut candidate = &text[line.start..line.content_end];
            if marker.chomp {
                candidate = candidate.trim_start_matches('\t');
            }
            if candidate == marker.name {
                terminator = Some(line);
                break;
            }
            body_end = line.next;
        }
        let terminator_range = terminator.map(|t| TextRange::from_usize(t.start, t.content_end));
        let range_end = terminator.map_or(body_end, |t| t.content_end);
        if terminator.is_none() {
            diagnostics.push(SyntaxDiagnostic {
                kind: DiagnosticKind::UnterminatedHeredoc,
                message: format!("unterminated heredoc {}", marker.name),
                range: marker_range,
                is_fatal: true,
            });
        }
        let heredoc = Heredoc {
            name: marker.name,
            expand: marker.expand,
            chomp: marker.chomp,
            fd: marker.fd,
            body: text[body_start..body_end].to_string(),
            body_range: TextRange::from_usize(body_start, body_end),
            range: TextRange::from_usize(body_start, range_end),
            marker_range,
            terminator_range,
        };
        range = range.cover(heredoc.range);
        heredocs.push(heredoc);
    }
    instr.range = range;
    instr.heredocs = heredocs;
}
