//! Snippet cutting, position mapping and output parsing, without the binary: ShellCheck's
//! positions are computed here by hand from the snippet text (json1 counts characters from
//! 1, a tab as one).

use super::*;

fn snippets(text: &str) -> Vec<Snippet> {
    dockerfile_snippets(text, &dockward_dockerfile::parse(text), Shell::Sh)
}

/// ShellCheck's (line, column) of the first occurrence of `needle` in the snippet, and of
/// its end.
fn position(snippet: &Snippet, needle: &str) -> (u32, u32, u32, u32) {
    let at = snippet
        .text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} in {:?}", snippet.text));
    let pos = |offset: usize| {
        let before = &snippet.text[..offset];
        let line = before.matches('\n').count() as u32 + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, snippet.text[line_start..offset].chars().count() as u32 + 1)
    };
    let (l, c) = pos(at);
    let (el, ec) = pos(at + needle.len());
    (l, c, el, ec)
}

fn mapped<'t>(text: &'t str, snippet: &Snippet, needle: &str) -> &'t str {
    let (l, c, el, ec) = position(snippet, needle);
    snippet.map(l, c, el, ec).expect("maps").slice(text)
}

#[test]
fn maps_across_line_continuations() {
    let text = "FROM alpine:3\nRUN cd /x \\\n    && echo $dir \\\n  && echo é $b\n";
    let s = snippets(text);
    assert_eq!(s.len(), 1);
    assert_eq!(mapped(text, &s[0], "$dir"), "$dir");
    assert_eq!(mapped(text, &s[0], "$b"), "$b");
    let r = {
        let (l, c, el, ec) = position(&s[0], "$b");
        s[0].map(l, c, el, ec).unwrap()
    };
    // Line 4, after a two-byte character.
    assert_eq!(&text[..r.start as usize].matches('\n').count(), &3);
    // A range across the continuation covers the escape and line break.
    assert_eq!(mapped(text, &s[0], "/x   "), "/x \\\n  ");
}

#[test]
fn maps_with_the_backtick_escape_directive() {
    let text = "# escape=`\nFROM mcr.microsoft.com/x\nRUN echo a\\b `\n  && cd $HOME_dir\n";
    let s = snippets(text);
    assert_eq!(s.len(), 1);
    // The backslash is shell text here, the backtick the continuation.
    assert!(s[0].text.contains("echo a\\b   && cd $HOME_dir"), "{:?}", s[0].text);
    assert_eq!(mapped(text, &s[0], "$HOME_dir"), "$HOME_dir");
    assert_eq!(mapped(text, &s[0], "a\\b"), "a\\b");
}

#[test]
fn maps_heredoc_bodies() {
    let text = "FROM debian:12\nRUN <<EOF\nset -e\n\tcd /opt\necho $x\nEOF\nRUN cat > /f <<-'END' && echo $y\n\tcontent $z\n\tEND\n";
    let s = snippets(text);
    assert_eq!(s.len(), 2);
    // A lone heredoc is the script itself.
    assert!(s[0].text.ends_with("set -e\n\tcd /opt\necho $x\n"), "{:?}", s[0].text);
    assert_eq!(mapped(text, &s[0], "cd /opt"), "cd /opt");
    assert_eq!(mapped(text, &s[0], "$x"), "$x");
    // A heredoc fed to a command follows its command line.
    assert_eq!(mapped(text, &s[1], "$y"), "$y");
    let z = {
        let (l, c, el, ec) = position(&s[1], "$z");
        s[1].map(l, c, el, ec).unwrap()
    };
    assert_eq!(z.slice(text), "$z");
    assert_eq!(text[..z.start as usize].matches('\n').count(), 7);
}

#[test]
fn crlf_heredoc_bodies_lose_their_carriage_returns() {
    let text = "FROM a\r\nRUN <<EOF\r\ncd /a\r\necho $x\r\nEOF\r\nRUN cat <<EOF\r\nline $y\r\nEOF\r\n";
    let s = snippets(text);
    assert_eq!(s.len(), 2);
    assert!(!s[0].text.contains('\r') && !s[1].text.contains('\r'), "{s:?}");
    assert_eq!(mapped(text, &s[0], "$x"), "$x");
    assert_eq!(mapped(text, &s[0], "cd /a"), "cd /a");
    assert_eq!(mapped(text, &s[1], "$y"), "$y");
    // A range over a line break keeps the source's `\r`.
    assert_eq!(mapped(text, &s[0], "/a\necho"), "/a\r\necho");
}

#[test]
fn heredoc_with_a_foreign_shebang_is_skipped() {
    let text =
        "FROM python:3\nRUN <<EOF\n#!/usr/bin/env python3\nprint('x')\nEOF\nRUN <<EOF\n#!/bin/bash\necho $a\nEOF\n";
    let s = snippets(text);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].shell, Shell::Bash);
}

#[test]
fn header_positions_fall_back_to_the_instruction() {
    let text = "FROM alpine:3\nARG version\nENV home_dir=/x\nRUN echo $version $home_dir\n";
    let s = snippets(text);
    assert!(
        s[0].text
            .starts_with("# shellcheck shell=sh disable=SC1090,SC1091\nexport home_dir=1 version=1\n"),
        "{:?}",
        s[0].text
    );
    assert_eq!(s[0].map(2, 1, 2, 7), None);
    let comment = Comment {
        snippet: 0,
        code: 2034,
        level: Level::Warning,
        message: "m".into(),
        line: 2,
        column: 8,
        end_line: 2,
        end_column: 9,
    };
    let placed = comment.place(&s[0]);
    assert!(!placed.mapped);
    assert_eq!(placed.range.slice(text), "RUN echo $version $home_dir");
    // Beyond the snippet: also the instruction, never another line.
    assert_eq!(s[0].map(40, 1, 40, 2), None);
}

#[test]
fn shell_instruction_and_exec_form() {
    let text = "FROM w\nSHELL [\"powershell\", \"-Command\"]\nRUN Get-Item $x\nRUN [\"sh\", \"-c\", \"echo $x\"]\nFROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN echo $x\nONBUILD RUN cd /y\n";
    let s = snippets(text);
    assert_eq!(s.len(), 2, "{s:?}");
    assert_eq!(s[0].shell, Shell::Bash);
    assert_eq!(mapped(text, &s[1], "cd /y"), "cd /y");
}

#[test]
fn stage_names_do_not_leak_into_the_next_stage() {
    let text = "ARG base\nFROM a\nENV one=1\nRUN true\nFROM b\nRUN true\n";
    let s = snippets(text);
    assert!(s[0].text.contains("export base=1 one=1\n"));
    assert!(s[1].text.contains("export base=1\n"));
    assert!(!s[1].text.contains("one"));
}

#[test]
fn a_stage_built_from_another_inherits_its_env_and_shell() {
    let text = "FROM a AS base\nSHELL [\"/bin/bash\", \"-c\"]\nENV prefix=/opt\nARG only_here\nFROM base AS next\nRUN ls $prefix\n";
    let s = snippets(text);
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].shell, Shell::Bash);
    assert!(s[0].text.contains("export prefix=1\n"), "{:?}", s[0].text);
    assert!(!s[0].text.contains("only_here"));
}

#[test]
fn scripts_map_one_to_one() {
    let text = "#!/bin/bash\ncd /x\n";
    let s = Snippet::script(text, Shell::Bash);
    assert_eq!(s.map(2, 1, 2, 6).unwrap().slice(text), "cd /x");
}

#[test]
fn parses_json1_defensively() {
    let files = vec!["s0.sh".to_string(), "s1.sh".to_string()];
    let out = br#"{"comments":[{"file":"s1.sh","line":3,"endLine":3,"column":6,"endColumn":8,"level":"info","code":2086,"message":"Double\u001b[31m quote","fix":null}]}"#;
    let comments = parse_json1(out, &files).unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].snippet, 1);
    assert_eq!(comments[0].code, 2086);
    assert_eq!(comments[0].level, Level::Info);
    assert_eq!(comments[0].message, "Double [31m quote");
    for bad in [
        &br#"{"comments":[{"file":"other.sh","line":1,"endLine":1,"column":1,"endColumn":1,"level":"info","code":2086,"message":""}]}"#[..],
        br#"{"comments":[{"file":"s0.sh","line":1,"endLine":1,"column":1,"endColumn":1,"level":"fatal","code":2086,"message":""}]}"#,
        br#"{"comments":[{"file":"s0.sh","line":1,"endLine":1,"column":1,"endColumn":1,"level":"info","code":99999,"message":""}]}"#,
        b"not json",
    ] {
        assert!(parse_json1(bad, &files).is_err(), "{}", String::from_utf8_lossy(bad));
    }
}

#[test]
fn shells_from_programs_and_shebangs() {
    assert_eq!(Shell::from_program("/bin/bash"), Some(Shell::Bash));
    assert_eq!(Shell::from_program("cmd"), None);
    assert_eq!(Shell::from_program("pwsh"), None);
    assert_eq!(Shell::from_shebang("#!/usr/bin/env bash"), Some(Shell::Bash));
    assert_eq!(Shell::from_shebang("#!/bin/sh -e"), Some(Shell::Sh));
    assert_eq!(Shell::from_shebang("#!/usr/bin/env -S python3"), None);
}
