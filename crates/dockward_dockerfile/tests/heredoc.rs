//! Heredoc behaviour (our own cases): which instructions read them, names, quoting,
//! chomping, fds, order, bodies with their exact ranges and line numbers, and errors.

use dockward_core::{LineIndex, TextRange};
use dockward_dockerfile::{DiagnosticKind, Heredoc, Instruction, Keyword, dump_buildkit, parse};

/// 1-based line of a byte offset.
fn line(text: &str, offset: u32) -> u32 {
    LineIndex::new(text).line_col(offset, text).line
}

/// 1-based (first, last) lines of a non-empty range.
fn lines(text: &str, range: TextRange) -> (u32, u32) {
    (line(text, range.start), line(text, range.end - 1))
}

fn only_heredoc(instr: &Instruction) -> &Heredoc {
    assert_eq!(instr.heredocs.len(), 1, "{instr:#?}");
    &instr.heredocs[0]
}

#[test]
fn basic_heredoc_body_ranges_and_lines() {
    let text = "FROM alpine\nRUN <<EOF\necho one\n# not a comment\necho two\nEOF\nUSER nobody\n";
    let df = parse(text);
    assert!(df.diagnostics.is_empty(), "{:?}", df.diagnostics);
    assert_eq!(df.instructions.len(), 3);
    let run = &df.instructions[1];
    let h = only_heredoc(run);
    assert_eq!(h.name, "EOF");
    assert!(h.expand && !h.chomp && h.fd.is_none());
    assert_eq!(h.body, "echo one\n# not a comment\necho two\n");
    assert_eq!(h.body_range.slice(text), h.body);
    assert_eq!(lines(text, h.body_range), (3, 5));
    assert_eq!(h.marker_range.slice(text), "<<EOF");
    assert_eq!(h.terminator_range.unwrap().slice(text), "EOF");
    assert_eq!(line(text, h.terminator_range.unwrap().start), 6);
    // The instruction covers its heredoc; the next instruction follows it.
    assert_eq!(
        run.range.slice(text),
        "RUN <<EOF\necho one\n# not a comment\necho two\nEOF"
    );
    assert_eq!(lines(text, run.range), (2, 6));
    assert_eq!(df.instructions[2].keyword, Keyword::User);
    // `#` lines of the body are body text, not Dockerfile comments.
    assert!(df.comments.is_empty());
    // The dump shows only the instruction line, as BuildKit's does.
    assert_eq!(
        dump_buildkit(&df).unwrap(),
        "(from \"alpine\")\n(run \"<<EOF\")\n(user \"nobody\")\n"
    );
}

#[test]
fn chomp_keeps_tabs_in_the_body_and_accepts_an_indented_terminator() {
    let text = "FROM a\nRUN <<-END\n\tbaz\n\t\tquux\n\tEND\nRUN <<-X\n\tkeep\nX\n";
    let df = parse(text);
    assert!(df.diagnostics.is_empty(), "{:?}", df.diagnostics);
    let h = only_heredoc(&df.instructions[1]);
    assert!(h.chomp);
    assert_eq!(h.body, "\tbaz\n\t\tquux\n");
    assert_eq!(h.chomped_body(), "baz\nquux\n");
    assert_eq!(h.terminator_range.unwrap().slice(text), "\tEND");
    let h = only_heredoc(&df.instructions[2]);
    assert_eq!(h.body, "\tkeep\n");
    // Without `-` an indented terminator is body text.
    let df = parse("FROM a\nRUN <<END\n\tEND\nEND\n");
    assert_eq!(only_heredoc(&df.instructions[1]).body, "\tEND\n");
}

#[test]
fn quoted_names_disable_expansion() {
    for (marker, name, expand) in [
        ("<<EOF", "EOF", true),
        ("<<'EOF'", "EOF", false),
        ("<<\"EOF\"", "EOF", false),
        ("<<eo'f'", "eof", false),
        ("<<-'EOF'", "EOF", false),
        ("<<E\\OF", "EOF", true),
    ] {
        let text = format!("FROM a\nRUN cat {marker}\n$HOME\n{name}\n");
        let df = parse(&text);
        assert!(df.diagnostics.is_empty(), "{marker}: {:?}", df.diagnostics);
        let h = only_heredoc(&df.instructions[1]);
        assert_eq!((h.name.as_str(), h.expand), (name, expand), "{marker}");
        assert_eq!(h.body, "$HOME\n");
        assert_eq!(h.marker_range.slice(&text), marker);
    }
}

#[test]
fn file_descriptors() {
    let text = "FROM a\nRUN 3<<EOF cat /proc/self/fd/3\nx\nEOF\nRUN 0<<IN\ny\nIN\n";
    let df = parse(text);
    assert_eq!(only_heredoc(&df.instructions[1]).fd, Some(3));
    assert_eq!(only_heredoc(&df.instructions[2]).fd, Some(0));
    assert_eq!(only_heredoc(&df.instructions[1]).marker_range.slice(text), "3<<EOF");
}

#[test]
fn several_heredocs_are_read_in_order() {
    // Each body may contain the other's terminator: only the current one counts.
    let text = "FROM a\nCOPY <<X <<Y /dest/\nY\nX\nX\nY\nRUN <<ONE cat - && <<TWO cat\n1\nONE\n2\nTWO\n";
    let df = parse(text);
    assert!(df.diagnostics.is_empty(), "{:?}", df.diagnostics);
    let copy = &df.instructions[1];
    assert_eq!(copy.heredocs.len(), 2);
    assert_eq!(
        (copy.heredocs[0].name.as_str(), copy.heredocs[0].body.as_str()),
        ("X", "Y\n")
    );
    assert_eq!(
        (copy.heredocs[1].name.as_str(), copy.heredocs[1].body.as_str()),
        ("Y", "X\n")
    );
    assert_eq!(lines(text, copy.heredocs[0].body_range), (3, 3));
    assert_eq!(lines(text, copy.heredocs[1].body_range), (5, 5));
    assert_eq!(lines(text, copy.range), (2, 6));
    let run = &df.instructions[2];
    let names: Vec<_> = run
        .heredocs
        .iter()
        .map(|h| (h.name.as_str(), h.body.as_str()))
        .collect();
    assert_eq!(names, [("ONE", "1\n"), ("TWO", "2\n")]);
    assert_eq!(
        dump_buildkit(&df).unwrap(),
        "(from \"a\")\n(copy \"<<X\" \"<<Y\" \"/dest/\")\n(run \"<<ONE cat - && <<TWO cat\")\n"
    );
}

#[test]
fn only_run_copy_add_read_heredocs() {
    // `USER <<X` is an ordinary word; the next lines are instructions.
    let text = "FROM a\nUSER <<X\nX\nADD <<A /a\nA\n";
    let df = parse(text);
    let kinds: Vec<_> = df.instructions.iter().map(|i| i.keyword.as_str().to_string()).collect();
    assert_eq!(kinds, ["FROM", "USER", "X", "ADD"]);
    assert!(df.instructions[1].heredocs.is_empty());
    assert_eq!(df.instructions[1].args.words()[0].text, "<<X");
    assert_eq!(only_heredoc(&df.instructions[3]).body, "");
    assert!(
        df.diagnostics
            .iter()
            .any(|d| d.kind == DiagnosticKind::UnknownInstruction)
    );
}

#[test]
fn never_in_json_form() {
    let text = "FROM a\nRUN [\"cat\", \"<<EOF\"]\nCOPY [\"<<EOF\", \"/x\"]\nEOF\n";
    let df = parse(text);
    assert!(df.instructions[1].heredocs.is_empty());
    assert!(df.instructions[1].is_exec_form());
    assert!(df.instructions[2].heredocs.is_empty());
    // `EOF` was not consumed as a terminator: it is an (unknown) instruction.
    assert_eq!(df.instructions.len(), 4);
    assert_eq!(df.instructions[3].keyword, Keyword::Unknown("EOF".into()));
}

#[test]
fn markers_must_start_an_unquoted_word() {
    for line in ["RUN \"<<EOF\"", "RUN '<<EOF'", "RUN cat<<EOF", "RUN echo <<<EOF"] {
        let text = format!("FROM a\n{line}\nEOF\n");
        let df = parse(&text);
        assert!(df.instructions[1].heredocs.is_empty(), "{line}");
        assert_eq!(df.instructions.len(), 3, "{line}");
    }
}

#[test]
fn onbuild_heredocs_attach_to_the_onbuild_instruction() {
    let text = "FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\nONBUILD USER <<EOF\n";
    let df = parse(text);
    let onbuild = &df.instructions[1];
    assert_eq!(onbuild.keyword, Keyword::Onbuild);
    let inner = onbuild.onbuild.as_deref().unwrap();
    assert_eq!(inner.keyword, Keyword::Run);
    assert_eq!(inner.range.slice(text), "RUN <<EOF");
    assert_eq!(only_heredoc(onbuild).body, "echo hi\n");
    assert!(df.instructions[2].heredocs.is_empty());
    assert!(!df.has_fatal_error());
}

#[test]
fn unterminated_heredoc_is_a_located_fatal_error() {
    let text = "FROM a\nRUN <<EOF\necho never ends\n";
    let df = parse(text);
    let error = df.first_fatal_error().unwrap();
    assert_eq!(error.kind, DiagnosticKind::UnterminatedHeredoc);
    assert_eq!(error.range.slice(text), "<<EOF");
    let h = only_heredoc(&df.instructions[1]);
    assert!(h.terminator_range.is_none());
    assert_eq!(h.body, "echo never ends\n");
    assert!(dump_buildkit(&df).is_err());
}

#[test]
fn heredoc_after_flags_and_continuations() {
    let text =
        "FROM a\nRUN --mount=type=cache,target=/var/cache \\\n    --network=none <<EOT\n  set -e\n  make\nEOT\nCMD x\n";
    let df = parse(text);
    assert!(df.diagnostics.is_empty(), "{:?}", df.diagnostics);
    let run = &df.instructions[1];
    assert_eq!(run.flags.len(), 2);
    let h = only_heredoc(run);
    assert_eq!(h.body, "  set -e\n  make\n");
    assert_eq!(lines(text, h.body_range), (4, 5));
    assert_eq!(lines(text, run.range), (2, 6));
    assert_eq!(run.args.shell().unwrap().text, "<<EOT");
}

#[test]
fn crlf_heredocs() {
    let text = "FROM a\r\nRUN <<EOF\r\nline\r\nEOF\r\nUSER b\r\n";
    let df = parse(text);
    assert!(df.diagnostics.is_empty(), "{:?}", df.diagnostics);
    let h = only_heredoc(&df.instructions[1]);
    assert_eq!(h.body, "line\r\n");
    assert_eq!(h.terminator_range.unwrap().slice(text), "EOF");
    assert_eq!(df.instructions[2].keyword, Keyword::User);
}

#[test]
fn lexing_errors_on_the_line_hide_heredocs() {
    // BuildKit's word lexer fails on the unterminated quote, so the line has no heredoc
    // and `EOF` below is read as an instruction.
    let text = "FROM a\nRUN <<EOF echo 'oops\nEOF\n";
    let df = parse(text);
    assert!(df.instructions[1].heredocs.is_empty());
    assert_eq!(df.instructions.len(), 3);
}
