//! Arbitrary input never panics, and every range stays within the text on char
//! boundaries.

mod common;

use dockward_shell::{parse_docker_cli, parse_dockerfile_run, parse_shell, split_words_lenient};
use proptest::prelude::*;

/// Text biased towards shell syntax, so the grammar paths get exercised.
fn shellish() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        " ",
        "\n",
        "\t",
        ";",
        ";;",
        "&",
        "&&",
        "|",
        "||",
        "(",
        ")",
        "{",
        "}",
        "$(",
        "`",
        "'",
        "\"",
        "\\",
        "\\\n",
        "$",
        "${",
        "}",
        "$((",
        "))",
        "<<",
        "<<-",
        "EOF",
        "\nEOF\n",
        ">",
        "2>&1",
        "<(",
        "#",
        "if",
        "then",
        "else",
        "fi",
        "for",
        "in",
        "do",
        "done",
        "while",
        "case",
        "esac",
        "function",
        "[[",
        "]]",
        "!",
        "x",
        "echo",
        "sh",
        "-c",
        "bash",
        "su",
        "sudo",
        "docker",
        "run",
        "-it",
        "-p",
        "80:80",
        "--privileged",
        "=",
        "é",
        "ü\u{301}",
        "\r\n",
        "*",
        "?",
        "[",
        "]",
        "~",
        "=(",
        "@(",
    ]);
    prop::collection::vec(atoms, 0..120).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        // Integration tests have no lib.rs next to them to persist failures into; a
        // failure prints its minimal input instead.
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let s = parse_shell(&text);
        common::check_ranges(&text, &s);
        let s = parse_dockerfile_run(&text);
        common::check_ranges(&text, &s);
        let _ = split_words_lenient(&text);
    }

    #[test]
    fn shellish_text_never_panics(text in shellish()) {
        for s in [parse_shell(&text), parse_dockerfile_run(&text)] {
            common::check_ranges(&text, &s);
            for c in &s.commands {
                if let Some(inv) = parse_docker_cli(&c.words) {
                    for o in &inv.options {
                        prop_assert!(text.get(o.range.as_usize_range()).is_some());
                        prop_assert!(text.get(o.name_range.as_usize_range()).is_some());
                    }
                    prop_assert!(text.is_char_boundary(inv.insert_at as usize));
                }
            }
        }
    }

    #[test]
    fn words_are_in_order_and_within_their_command(text in shellish()) {
        let s = parse_shell(&text);
        for c in &s.commands {
            let mut last = 0;
            for w in &c.words {
                prop_assert!(w.raw.start >= last || c.words.len() < 2 || c.nesting != dockward_shell::Nesting::Top);
                last = w.raw.end;
                prop_assert!(c.range.contains_range(w.raw) || c.nesting != dockward_shell::Nesting::Top);
            }
        }
    }

    #[test]
    fn docker_argv_of_arbitrary_words(text in "(docker|podman) (run|create|container run|service create)( [-a-z=:$/ \"']{0,12}){0,8}") {
        let s = parse_shell(&text);
        for c in &s.commands {
            if let Some(inv) = parse_docker_cli(&c.words) {
                for o in &inv.options {
                    prop_assert!((o.range.end as usize) <= text.len());
                }
            }
        }
    }
}
