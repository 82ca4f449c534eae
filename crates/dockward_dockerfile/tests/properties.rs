//! Property tests: any input parses without panicking, and every range in the tree lies
//! inside the text on character boundaries.

use dockward_core::TextRange;
use dockward_dockerfile::{Arguments, Dockerfile, Instruction, dump_buildkit, parse};
use proptest::prelude::*;

fn check(text: &str, range: TextRange, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(range.start <= range.end, "{}: inverted {:?}", what, range);
    prop_assert!((range.end as usize) <= text.len(), "{}: {:?} past the end", what, range);
    prop_assert!(
        text.is_char_boundary(range.start as usize),
        "{}: start {:?}",
        what,
        range
    );
    prop_assert!(text.is_char_boundary(range.end as usize), "{}: end {:?}", what, range);
    Ok(())
}

fn check_args(text: &str, args: &Arguments) -> Result<(), TestCaseError> {
    match args {
        Arguments::Exec(words) | Arguments::Words(words) => {
            for w in words {
                check(text, w.range, "word")?;
            }
        }
        Arguments::Shell(logical) => {
            check(text, logical.source_range(), "shell")?;
            for (_, source) in logical.pieces() {
                check(text, source, "shell piece")?;
            }
            // Every char boundary of the logical text maps to a source char boundary.
            for (i, _) in logical.text.char_indices() {
                check(
                    text,
                    logical.to_source(TextRange::from_usize(i, logical.text.len())),
                    "to_source",
                )?;
            }
        }
        Arguments::KeyValues(kvs) => {
            for kv in kvs {
                check(text, kv.key.range, "key")?;
                check(text, kv.value.range, "value")?;
                check(text, kv.range, "pair")?;
            }
        }
        Arguments::Healthcheck { subcommand, args } => {
            if let Some(s) = subcommand {
                check(text, s.range, "subcommand")?;
            }
            check_args(text, args)?;
        }
        Arguments::None => {}
    }
    Ok(())
}

fn check_instruction(text: &str, instr: &Instruction) -> Result<(), TestCaseError> {
    check(text, instr.range, "instruction")?;
    check(text, instr.keyword_range, "keyword")?;
    prop_assert!(instr.range.contains_range(instr.keyword_range) || instr.keyword_range.is_empty());
    check(text, instr.line.source_range(), "line")?;
    for flag in &instr.flags {
        check(text, flag.range, "flag")?;
        check(text, flag.name_range, "flag name")?;
        if let Some(r) = flag.value_range {
            check(text, r, "flag value")?;
        }
        for o in &flag.options {
            check(text, o.range, "option")?;
            check(text, o.key_range, "option key")?;
            if let Some(r) = o.value_range {
                check(text, r, "option value")?;
            }
        }
    }
    check_args(text, &instr.args)?;
    for h in &instr.heredocs {
        check(text, h.range, "heredoc")?;
        check(text, h.body_range, "heredoc body")?;
        check(text, h.marker_range, "heredoc marker")?;
        prop_assert_eq!(h.body_range.slice(text), h.body.as_str());
        if let Some(r) = h.terminator_range {
            check(text, r, "terminator")?;
        }
    }
    if let Some(inner) = &instr.onbuild {
        check_instruction(text, inner)?;
    }
    Ok(())
}

fn check_all(text: &str) -> Result<Dockerfile, TestCaseError> {
    let df = parse(text);
    for instr in &df.instructions {
        check_instruction(text, instr)?;
    }
    for c in &df.comments {
        check(text, c.range, "comment")?;
        check(text, c.text_range, "comment text")?;
        prop_assert_eq!(c.text_range.slice(text), c.text.as_str());
    }
    for d in &df.directives {
        check(text, d.range, "directive")?;
        check(text, d.name_range, "directive name")?;
        check(text, d.value_range, "directive value")?;
    }
    for d in &df.diagnostics {
        check(text, d.range, "diagnostic")?;
    }
    for r in &df.empty_continuation_lines {
        check(text, *r, "empty continuation line")?;
    }
    // Instructions come in order and do not overlap.
    for pair in df.instructions.windows(2) {
        prop_assert!(pair[0].range.end <= pair[1].range.start);
    }
    let _ = dump_buildkit(&df);
    Ok(df)
}

/// Pieces that make the parser take its interesting paths.
fn dockerfile_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("FROM "),
        Just("RUN "),
        Just("COPY "),
        Just("ADD "),
        Just("ENV "),
        Just("LABEL "),
        Just("ARG "),
        Just("ONBUILD "),
        Just("HEALTHCHECK "),
        Just("CMD "),
        Just("USER "),
        Just("EXPOSE "),
        Just("VOLUME "),
        Just("SHELL "),
        Just("WORKDIR "),
        Just("xyz "),
        Just("<<EOF"),
        Just("<<-'E'"),
        Just("3<<X"),
        Just("EOF"),
        Just("E"),
        Just("X"),
        Just("\tE"),
        Just("\n"),
        Just("\r\n"),
        Just("\r"),
        Just("\\"),
        Just("\\\n"),
        Just("`"),
        Just("`\n"),
        Just("#"),
        Just("# escape=`\n"),
        Just("# syntax=x\n"),
        Just("# check=a=b\n"),
        Just(" "),
        Just("\t"),
        Just("["),
        Just("]"),
        Just("\""),
        Just("'"),
        Just(","),
        Just("="),
        Just("--mount=type=cache,target=/x"),
        Just("--from=a"),
        Just("--"),
        Just("--x"),
        Just("${"),
        Just("}"),
        Just("$A"),
        Just("a b"),
        Just("[\"a\", \"b\"]"),
        Just("[1]"),
        Just("\\u0041"),
        Just("é"),
        Just("\u{a0}"),
        Just("\u{85}"),
        Just("\u{feff}"),
        Just("😀"),
        Just("\u{2028}"),
        Just("AS"),
        Just("0"),
    ];
    prop::collection::vec(piece, 0..48).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn structured_input_never_panics_and_ranges_are_valid(text in dockerfile_like()) {
        check_all(&text)?;
    }

    #[test]
    fn arbitrary_input_never_panics_and_ranges_are_valid(text in any::<String>()) {
        check_all(&text)?;
    }

    #[test]
    fn arbitrary_lines_never_panic(lines in prop::collection::vec("[ -~\t\u{a0}é]{0,30}", 0..12)) {
        check_all(&lines.join("\n"))?;
    }
}

#[test]
fn pathological_inputs_are_fast_and_do_not_overflow_the_stack() {
    let n = 100_000;
    let inputs = [
        format!("CMD {}{}", "[".repeat(n), "]".repeat(n)),
        format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(n)),
        format!("RUN a \\\n{}b\n", "# c\n\n \\\n".repeat(n)),
        format!("RUN <<EOF {}\n", "${a:-\"".repeat(n)),
        format!("RUN {}\n", "<<A ".repeat(n)),
        format!("ENV {}\n", "a=\"b c\" ".repeat(n)),
        format!("COPY {}x y\n", "--a=\"b c\" ".repeat(n)),
        "\\\n".repeat(n),
        "#\n".repeat(n),
    ];
    let start = std::time::Instant::now();
    for text in &inputs {
        let df = parse(text);
        let _ = dump_buildkit(&df);
    }
    // Linear work on a few MiB: far below this even in a debug build on a busy machine.
    assert!(
        start.elapsed() < std::time::Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
}
