//! The grammar: lists, and-or lists, pipelines, compound commands, simple commands.
//!
//! Recursive descent with error recovery by construction: every loop consumes a token or
//! returns, closers (`fi`, `done`, `)`, …) end the innermost construct that expects them
//! *or any enclosing one* (so a missing `done` does not swallow the rest of an `if`), and
//! a closer nobody expects is reported and skipped. Nothing here can fail; the worst case
//! is a diagnostic and a less precise nesting.

use crate::ast::{Nesting, PipelinePos, Redirect, RedirectOp, ShellDiagnostic, ShellScript, SimpleCommand};
use crate::command;
use crate::lexer::{ByteOrigin, Kw, Op, PendingHeredoc, Tok, Token, is_assignment_prefix};
use crate::words::Word;
use dockward_core::TextRange;
use smallvec::SmallVec;

/// Deepest nesting of compound commands and substitutions we recurse into. Deeper
/// constructs are skipped with a diagnostic (keeps the stack bounded on hostile input).
pub(crate) const MAX_DEPTH: u32 = 40;
/// Deepest `sh -c '… sh -c "…" …'` re-parse.
const MAX_SHC_DEPTH: u32 = 6;

// Closers a list may stop at (a bit set).
pub(crate) const S_THEN: u16 = 1;
pub(crate) const S_ELIF: u16 = 1 << 1;
pub(crate) const S_ELSE: u16 = 1 << 2;
pub(crate) const S_FI: u16 = 1 << 3;
pub(crate) const S_DO: u16 = 1 << 4;
pub(crate) const S_DONE: u16 = 1 << 5;
pub(crate) const S_ESAC: u16 = 1 << 6;
pub(crate) const S_RBRACE: u16 = 1 << 7;
pub(crate) const S_RPAREN: u16 = 1 << 8;
pub(crate) const S_DSEMI: u16 = 1 << 9;

#[derive(Default)]
pub(crate) struct Out {
    pub(crate) commands: Vec<SimpleCommand>,
    pub(crate) diagnostics: Vec<ShellDiagnostic>,
    /// (redirect start, body) for every heredoc read.
    pub(crate) heredoc_bodies: Vec<(u32, TextRange)>,
    pub(crate) next_pipeline: u32,
}

pub(crate) struct Parser<'a> {
    pub(crate) text: &'a str,
    pub(crate) b: &'a [u8],
    pub(crate) pos: usize,
    /// End of the window being parsed (the text end, or a closing backquote).
    pub(crate) end: usize,
    pub(crate) dockerfile: bool,
    pub(crate) out: Out,
    pub(crate) heredocs: Vec<PendingHeredoc>,
    pub(crate) peeked: Option<Token>,
    pub(crate) depth: u32,
}

/// What the parser needs to know about the next token, without borrowing it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum K {
    Word(Option<Kw>),
    Op(Op),
    Redir,
    Newline,
    Eof,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(text: &'a str, start: usize, end: usize, dockerfile: bool) -> Self {
        Parser {
            text,
            b: text.as_bytes(),
            pos: start,
            end: end.min(text.len()),
            dockerfile,
            out: Out::default(),
            heredocs: Vec::new(),
            peeked: None,
            depth: 0,
        }
    }

    pub(crate) fn diag(&mut self, msg: impl Into<String>, start: usize, end: usize) {
        self.out.diagnostics.push(ShellDiagnostic {
            message: msg.into(),
            range: TextRange::from_usize(start, end),
        });
    }

    fn diag_at(&mut self, msg: impl Into<String>, range: TextRange) {
        self.out.diagnostics.push(ShellDiagnostic {
            message: msg.into(),
            range,
        });
    }

    fn kind(&mut self) -> K {
        match &self.peek().tok {
            Tok::Word(_, kw) => K::Word(*kw),
            Tok::Op(op) => K::Op(*op),
            Tok::Redir(..) => K::Redir,
            Tok::Newline => K::Newline,
            Tok::Eof => K::Eof,
        }
    }

    fn peek_range(&mut self) -> TextRange {
        self.peek().range
    }

    /// The stop bit a token would satisfy as a closer (0 if it is not one).
    fn closer(k: K) -> u16 {
        match k {
            K::Word(Some(kw)) => match kw {
                Kw::Then => S_THEN,
                Kw::Elif => S_ELIF,
                Kw::Else => S_ELSE,
                Kw::Fi => S_FI,
                Kw::Do => S_DO,
                Kw::Done => S_DONE,
                Kw::Esac => S_ESAC,
                Kw::RBrace => S_RBRACE,
                _ => 0,
            },
            K::Op(Op::RParen) => S_RPAREN,
            K::Op(Op::DSemi) => S_DSEMI,
            _ => 0,
        }
    }

    fn skip_newlines(&mut self) {
        while self.kind() == K::Newline {
            self.bump();
        }
    }

    /// Whether the next token can start a command.
    fn at_command_start(&mut self) -> bool {
        let k = self.kind();
        Self::closer(k) == 0 && matches!(k, K::Word(_) | K::Redir | K::Op(Op::LParen))
    }

    /// `list := and_or ((';' | '&' | newline) and_or)*`, until a closer in `stop` or EOF.
    pub(crate) fn parse_list(&mut self, nesting: Nesting, stop: u16) {
        loop {
            let k = self.kind();
            match k {
                K::Eof => return,
                K::Newline | K::Op(Op::Semi) | K::Op(Op::Amp) => {
                    self.bump();
                    continue;
                }
                _ => {}
            }
            let c = Self::closer(k);
            if c != 0 {
                if stop & c != 0 {
                    return;
                }
                let t = self.bump();
                let msg = format!("unexpected `{}`", t.range.slice(self.text));
                self.diag_at(msg, t.range);
                continue;
            }
            if matches!(
                k,
                K::Op(Op::AndIf) | K::Op(Op::OrIf) | K::Op(Op::Pipe) | K::Op(Op::PipeAmp)
            ) {
                let t = self.bump();
                let msg = format!("unexpected `{}`", t.range.slice(self.text));
                self.diag_at(msg, t.range);
                continue;
            }
            self.parse_and_or(nesting, stop);
        }
    }

    fn parse_and_or(&mut self, nesting: Nesting, stop: u16) {
        self.parse_pipeline(nesting, stop);
        while matches!(self.kind(), K::Op(Op::AndIf) | K::Op(Op::OrIf)) {
            let op = self.bump();
            self.skip_newlines();
            if !self.at_command_start() {
                self.diag_at("missing command after `&&`/`||`", op.range);
                return;
            }
            self.parse_pipeline(nesting, stop);
        }
    }

    fn parse_pipeline(&mut self, nesting: Nesting, stop: u16) {
        loop {
            match self.kind() {
                K::Word(Some(Kw::Bang)) => {
                    self.bump();
                }
                K::Word(Some(Kw::Time)) => {
                    self.bump();
                    if matches!(&self.peek().tok, Tok::Word(w, _) if w.value == "-p") {
                        self.bump();
                    }
                }
                _ => break,
            }
        }
        let mut elems: SmallVec<[Option<usize>; 4]> = SmallVec::new();
        loop {
            if !self.at_command_start() {
                if !elems.is_empty() {
                    let r = self.peek_range();
                    self.diag_at("missing command after `|`", r);
                }
                break;
            }
            elems.push(self.parse_command(nesting, stop));
            if matches!(self.kind(), K::Op(Op::Pipe) | K::Op(Op::PipeAmp)) {
                self.bump();
                self.skip_newlines();
                continue;
            }
            break;
        }
        if elems.len() > 1 {
            let id = self.out.next_pipeline;
            self.out.next_pipeline += 1;
            let len = elems.len();
            for (index, e) in elems.iter().enumerate() {
                if let Some(ci) = *e
                    && let Some(c) = self.out.commands.get_mut(ci)
                {
                    c.pipeline = Some(PipelinePos { id, index, len });
                }
            }
        }
    }

    /// One command (simple or compound). Returns the index of the simple command it
    /// produced, if it was simple. Must consume at least one token.
    fn parse_command(&mut self, nesting: Nesting, stop: u16) -> Option<usize> {
        let k = self.kind();
        if k == K::Op(Op::LParen) {
            self.parse_paren();
            return None;
        }
        let K::Word(Some(kw)) = k else {
            return self.parse_simple(nesting, stop);
        };
        if self.depth >= MAX_DEPTH {
            let r = self.peek_range();
            self.diag_at("nesting too deep; keyword read as a plain word", r);
            return self.parse_simple(nesting, stop);
        }
        self.depth += 1;
        let r = match kw {
            Kw::LBrace => {
                self.bump();
                self.parse_list(nesting, S_RBRACE | stop);
                self.expect(Kw::RBrace, "`}`");
                self.trailing_redirects();
                None
            }
            Kw::If => {
                self.parse_if(nesting, stop);
                None
            }
            Kw::While | Kw::Until => {
                self.bump();
                self.parse_list(nesting, S_DO | stop);
                if self.expect(Kw::Do, "`do`") {
                    self.parse_list(nesting, S_DONE | stop);
                    self.expect(Kw::Done, "`done`");
                }
                self.trailing_redirects();
                None
            }
            Kw::For | Kw::Select => {
                self.parse_for(nesting, stop);
                None
            }
            Kw::Case => {
                self.parse_case(nesting, stop);
                None
            }
            Kw::Function => {
                self.parse_function(stop);
                None
            }
            Kw::DLBracket => Some(self.parse_cond(nesting)),
            Kw::Coproc => {
                self.bump();
                if self.at_command_start() {
                    self.parse_command(nesting, stop)
                } else {
                    None
                }
            }
            _ => self.parse_simple(nesting, stop),
        };
        self.depth -= 1;
        r
    }

    /// Consumes `kw` if it is next; otherwise reports it missing.
    fn expect(&mut self, kw: Kw, what: &str) -> bool {
        if self.kind() == K::Word(Some(kw)) {
            self.bump();
            return true;
        }
        let r = self.peek_range();
        self.diag_at(format!("expected {what}"), r);
        false
    }

    fn trailing_redirects(&mut self) {
        // Redirections of a compound command (`done < file`, `} > log`) are consumed so
        // their heredocs are skipped; they are not attached to any simple command.
        while self.kind() == K::Redir {
            self.parse_redirect();
        }
    }

    /// `( list )` or an arithmetic command `(( expr ))`.
    fn parse_paren(&mut self) {
        // The `(` is peeked, so the cursor is just after it.
        if self.byte(self.pos) == b'('
            && let Some(e) = self.arith_command_end(self.pos + 1)
        {
            self.bump();
            self.pos = e;
            self.trailing_redirects();
            return;
        }
        let open = self.bump();
        if self.depth >= MAX_DEPTH {
            self.diag_at("nesting too deep; subshell skipped", open.range);
            self.pos = self.skip_balanced_parens(open.range.start as usize);
            return;
        }
        self.depth += 1;
        self.parse_list(Nesting::Subshell, S_RPAREN);
        self.depth -= 1;
        if self.kind() == K::Op(Op::RParen) {
            self.bump();
        } else {
            let r = self.peek_range();
            self.diag_at("expected `)`", r);
        }
        self.trailing_redirects();
    }

    fn parse_if(&mut self, nesting: Nesting, stop: u16) {
        self.bump();
        self.parse_list(nesting, S_THEN | stop);
        if self.expect(Kw::Then, "`then`") {
            loop {
                self.parse_list(nesting, S_ELIF | S_ELSE | S_FI | stop);
                match self.kind() {
                    K::Word(Some(Kw::Elif)) => {
                        self.bump();
                        self.parse_list(nesting, S_THEN | stop);
                        if !self.expect(Kw::Then, "`then`") {
                            break;
                        }
                    }
                    K::Word(Some(Kw::Else)) => {
                        self.bump();
                        self.parse_list(nesting, S_FI | stop);
                        break;
                    }
                    _ => break,
                }
            }
        }
        self.expect(Kw::Fi, "`fi`");
        self.trailing_redirects();
    }

    fn parse_for(&mut self, nesting: Nesting, stop: u16) {
        self.bump();
        if self.kind() == K::Op(Op::LParen)
            && self.byte(self.pos) == b'('
            && let Some(e) = self.arith_command_end(self.pos + 1)
        {
            // for (( init; cond; step ))
            self.bump();
            self.pos = e;
        } else {
            if matches!(self.kind(), K::Word(_)) {
                self.bump(); // the loop variable
            }
            self.skip_newlines();
            if self.kind() == K::Word(Some(Kw::In)) {
                self.bump();
                // The words are consumed; command substitutions in them were parsed
                // while lexing.
                while matches!(self.kind(), K::Word(_)) {
                    self.bump();
                }
            }
        }
        while matches!(self.kind(), K::Newline | K::Op(Op::Semi)) {
            self.bump();
        }
        match self.kind() {
            K::Word(Some(Kw::Do)) => {
                self.bump();
                self.parse_list(nesting, S_DONE | stop);
                self.expect(Kw::Done, "`done`");
                self.trailing_redirects();
            }
            K::Word(Some(Kw::LBrace)) => {
                self.parse_command(nesting, stop);
            }
            _ => {
                let r = self.peek_range();
                self.diag_at("expected `do`", r);
            }
        }
    }

    fn parse_case(&mut self, nesting: Nesting, stop: u16) {
        let case_kw = self.bump();
        if matches!(self.kind(), K::Word(_)) {
            self.bump(); // the subject
        }
        self.skip_newlines();
        self.expect(Kw::In, "`in`");
        loop {
            self.skip_newlines();
            match self.kind() {
                K::Word(Some(Kw::Esac)) => {
                    self.bump();
                    break;
                }
                K::Eof => {
                    self.diag_at("unterminated `case` (missing `esac`)", case_kw.range);
                    break;
                }
                // In pattern position only `esac` is special: `done)` is a pattern. A
                // closer that cannot start a pattern ends the case (error recovery).
                K::Op(Op::RParen) | K::Op(Op::DSemi) if stop & Self::closer(self.kind()) != 0 => {
                    let r = self.peek_range();
                    self.diag_at("expected `esac`", r);
                    break;
                }
                _ => {}
            }
            // Patterns: `[(] pat [| pat]… )`. They are words, not commands.
            if self.kind() == K::Op(Op::LParen) {
                self.bump();
            }
            loop {
                match self.kind() {
                    K::Word(_) | K::Op(Op::Pipe) => {
                        self.bump();
                    }
                    K::Op(Op::RParen) => {
                        self.bump();
                        break;
                    }
                    _ => {
                        let r = self.peek_range();
                        self.diag_at("expected `)` after case pattern", r);
                        break;
                    }
                }
            }
            self.parse_list(nesting, S_DSEMI | S_ESAC | stop);
            match self.kind() {
                K::Op(Op::DSemi) => {
                    self.bump();
                }
                K::Word(Some(Kw::Esac)) => {
                    self.bump();
                    break;
                }
                _ => {
                    let r = self.peek_range();
                    self.diag_at("expected `;;` or `esac`", r);
                    break;
                }
            }
        }
        self.trailing_redirects();
    }

    /// `function name [()] body`.
    fn parse_function(&mut self, stop: u16) {
        self.bump();
        if matches!(self.kind(), K::Word(_)) {
            self.bump();
        }
        if self.kind() == K::Op(Op::LParen) {
            self.bump();
            if self.kind() == K::Op(Op::RParen) {
                self.bump();
            }
        }
        self.function_body(stop);
    }

    fn function_body(&mut self, stop: u16) {
        self.skip_newlines();
        if self.at_command_start() {
            self.parse_command(Nesting::FunctionBody, stop);
        } else {
            let r = self.peek_range();
            self.diag_at("missing function body", r);
        }
    }

    /// `[[ … ]]`: kept as a simple command named `[[` whose words are the tokens up to
    /// `]]` (operators like `<`, `&&`, `(` are ordinary words in there).
    fn parse_cond(&mut self, nesting: Nesting) -> usize {
        let open = self.bump();
        let mut words = Vec::new();
        if let Tok::Word(w, _) = open.tok {
            words.push(w);
        }
        loop {
            match self.kind() {
                K::Word(Some(Kw::DRBracket)) => {
                    if let Tok::Word(w, _) = self.bump().tok {
                        words.push(w);
                    }
                    break;
                }
                K::Eof | K::Newline | K::Op(Op::Semi) | K::Op(Op::DSemi) => {
                    self.diag_at("unterminated `[[` (missing `]]`)", open.range);
                    break;
                }
                _ => {
                    let t = self.bump();
                    match t.tok {
                        Tok::Word(w, _) => words.push(w),
                        _ => words.push(Word::new(t.range, t.range.slice(self.text))),
                    }
                }
            }
        }
        let range = match words.last() {
            Some(l) => open.range.cover(l.raw),
            None => open.range,
        };
        self.push_command(SimpleCommand {
            assignments: Vec::new(),
            words,
            range,
            pipeline: None,
            redirects: Vec::new(),
            nesting,
            argv_start: 0,
            name_offset: 0,
        })
    }

    fn push_command(&mut self, mut c: SimpleCommand) -> usize {
        c.argv_start = c.words.len() - crate::command::effective_argv(&c.words).len();
        c.name_offset = c
            .words
            .get(c.argv_start)
            .map_or(0, |w| w.value.rfind('/').map_or(0, |i| i + 1));
        self.out.commands.push(c);
        self.out.commands.len() - 1
    }

    fn parse_simple(&mut self, nesting: Nesting, stop: u16) -> Option<usize> {
        let mut assignments = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        let mut redirects = Vec::new();
        let mut range: Option<TextRange> = None;
        loop {
            match self.kind() {
                K::Word(_) => {
                    let t = self.bump();
                    let Tok::Word(w, _) = t.tok else { break };
                    range = Some(range.map_or(w.raw, |r| r.cover(w.raw)));
                    if words.is_empty() && is_assignment_prefix(w.raw.slice(self.text)) {
                        assignments.push(w);
                        continue;
                    }
                    words.push(w);
                    if words.len() == 1
                        && assignments.is_empty()
                        && redirects.is_empty()
                        && self.kind() == K::Op(Op::LParen)
                        && is_name(&words[0])
                    {
                        // `name () body`: a function definition, not a command.
                        self.bump();
                        if self.kind() == K::Op(Op::RParen) {
                            self.bump();
                        } else {
                            let r = self.peek_range();
                            self.diag_at("expected `)` in function definition", r);
                        }
                        if self.depth < MAX_DEPTH {
                            self.depth += 1;
                            self.function_body(stop);
                            self.depth -= 1;
                        }
                        return None;
                    }
                }
                K::Redir => {
                    let r = self.parse_redirect();
                    range = Some(range.map_or(r.range, |x| x.cover(r.range)));
                    redirects.push(r);
                }
                _ => break,
            }
        }
        let range = range?;
        Some(self.push_command(SimpleCommand {
            assignments,
            words,
            range,
            pipeline: None,
            redirects,
            nesting,
            argv_start: 0,
            name_offset: 0,
        }))
    }

    fn parse_redirect(&mut self) -> Redirect {
        let t = self.bump();
        let Tok::Redir(fd, op) = t.tok else {
            // Only called when a redirect is next.
            return Redirect {
                fd: None,
                op: RedirectOp::Out,
                target: Word::new(TextRange::empty(t.range.end), ""),
                range: t.range,
                heredoc_body: None,
            };
        };
        let target = if matches!(self.kind(), K::Word(_)) {
            match self.bump().tok {
                Tok::Word(w, _) => w,
                _ => Word::new(TextRange::empty(t.range.end), ""),
            }
        } else {
            self.diag_at("missing redirection target", t.range);
            Word::new(TextRange::empty(t.range.end), "")
        };
        let range = if target.raw.is_empty() {
            t.range
        } else {
            t.range.cover(target.raw)
        };
        if op.is_heredoc() {
            self.heredocs.push(PendingHeredoc {
                key: range.start,
                delim: target.value.clone(),
                strip_tabs: op == RedirectOp::HereDocStripTabs,
            });
        }
        Redirect {
            fd,
            op,
            target,
            range,
            heredoc_body: None,
        }
    }
}

fn is_name(w: &Word) -> bool {
    !w.quoted
        && !w.has_expansion
        && !w.value.is_empty()
        && w.value
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':'))
}

/// Parses `text` completely: grammar, heredoc bodies, re-parse of `sh -c` strings and of
/// heredocs fed to shells, ordering.
pub(crate) fn parse_text(text: &str, dockerfile: bool, shc_depth: u32) -> (ShellScript, u32) {
    let mut p = Parser::new(text, 0, text.len(), dockerfile);
    p.parse_list(Nesting::Top, 0);
    for h in std::mem::take(&mut p.heredocs) {
        p.diag(
            format!("heredoc `{}` has no body (no newline follows)", h.delim),
            h.key as usize,
            h.key as usize,
        );
    }
    let mut out = p.out;

    // Attach heredoc bodies to their redirects (through a map: a script can have
    // thousands of heredocs, and searching the bodies for each was quadratic).
    if !out.heredoc_bodies.is_empty() {
        let mut bodies: std::collections::HashMap<u32, TextRange> = std::collections::HashMap::new();
        for &(key, body) in &out.heredoc_bodies {
            // The first body recorded for a key wins, as the search in order did.
            bodies.entry(key).or_insert(body);
        }
        for c in &mut out.commands {
            for r in &mut c.redirects {
                if r.op.is_heredoc() {
                    r.heredoc_body = bodies.get(&r.range.start).copied();
                }
            }
        }
    }

    if shc_depth < MAX_SHC_DEPTH {
        reparse_nested_shells(text, dockerfile, shc_depth, &mut out);
    }

    out.commands.sort_by_key(|c| c.range.start);
    out.diagnostics.sort_by_key(|d| d.range.start);
    // The script lives as long as the build model, one per RUN: growth slack in these
    // vectors was most of the memory of a Dockerfile with a million RUN lines.
    for c in &mut out.commands {
        c.words.shrink_to_fit();
        c.assignments.shrink_to_fit();
        c.redirects.shrink_to_fit();
    }
    out.commands.shrink_to_fit();
    out.diagnostics.shrink_to_fit();
    (
        ShellScript {
            commands: out.commands,
            diagnostics: out.diagnostics,
            pipelines: Default::default(),
        },
        out.next_pipeline,
    )
}

/// Re-parses the code strings of `sh -c '…'` (and friends) and heredocs fed to a shell,
/// mapping every range back into `text`.
fn reparse_nested_shells(text: &str, dockerfile: bool, shc_depth: u32, out: &mut Out) {
    let n = out.commands.len();
    for i in 0..n {
        if let Some((wi, off)) = command::shell_c_target(&out.commands[i].words) {
            let word = out.commands[i].words[wi].clone();
            let Some(inner_text) = word.value.get(off..) else {
                continue;
            };
            let (inner, pipelines) = parse_text(inner_text, false, shc_depth + 1);
            // Byte map value → source, from a re-scan of the word in mapping mode. If
            // the re-scan disagrees (it cannot, barring bugs) every range falls back to
            // the whole word.
            let mut mp = Parser::new(text, word.raw.start as usize, word.raw.end as usize, dockerfile);
            let (again, map) = mp.scan_word_mapped(true);
            let map = map.filter(|m| again.value == word.value && m.len() == word.value.len());
            let mapper = ValueMap {
                map: map.as_deref(),
                offset: off,
                whole: word.raw,
            };
            merge(out, inner, pipelines, Nesting::ShC, |r| mapper.map(r));
        }
        if let Some(body) = command::shell_stdin_heredoc(&out.commands[i]) {
            let inner_text = body.slice(text);
            let (inner, pipelines) = parse_text(inner_text, false, shc_depth + 1);
            merge(out, inner, pipelines, Nesting::ShellInput, |r| r.shifted(body.start));
        }
    }
}

fn merge(out: &mut Out, inner: ShellScript, pipelines: u32, nesting: Nesting, map: impl Fn(TextRange) -> TextRange) {
    let base = out.next_pipeline;
    out.next_pipeline += pipelines;
    for mut c in inner.commands {
        c.range = map(c.range);
        for w in c.assignments.iter_mut().chain(c.words.iter_mut()) {
            w.raw = map(w.raw);
        }
        for r in &mut c.redirects {
            r.range = map(r.range);
            r.target.raw = map(r.target.raw);
            r.heredoc_body = r.heredoc_body.map(&map);
        }
        if let Some(p) = &mut c.pipeline {
            p.id += base;
        }
        if c.nesting == Nesting::Top {
            c.nesting = nesting;
        }
        out.commands.push(c);
    }
    for mut d in inner.diagnostics {
        d.range = map(d.range);
        out.diagnostics.push(d);
    }
}

/// Maps a range inside a word's value (from `offset` on) to the source.
struct ValueMap<'m> {
    map: Option<&'m [ByteOrigin]>,
    offset: usize,
    whole: TextRange,
}

impl ValueMap<'_> {
    fn map(&self, r: TextRange) -> TextRange {
        let Some(m) = self.map else {
            return self.whole;
        };
        let s = r.start as usize + self.offset;
        let e = r.end as usize + self.offset;
        let start = match m.get(s) {
            Some(&(a, _)) => a,
            None => m.last().map_or(self.whole.end, |&(_, b)| b),
        };
        let end = if e > s {
            m.get(e - 1).map_or(self.whole.end, |&(_, b)| b)
        } else {
            start
        };
        if end < start || start < self.whole.start || end > self.whole.end {
            return self.whole;
        }
        TextRange::new(start, end)
    }
}
