//! Exact byte spans: every range must cover exactly the bytes a finding would point at.

use dockward_core::{LineIndex, TextRange};
use dockward_dockerfile::{Arguments, DiagnosticKind, Keyword, Separator, dump_buildkit, parse};

fn slice(text: &str, range: TextRange) -> &str {
    range.slice(text)
}

#[test]
fn flag_name_and_value() {
    let text = "FROM a AS build\nFROM b\nCOPY --from=build --chown=\"1000:1000\" --link /src /dst\n";
    let df = parse(text);
    let copy = &df.instructions[2];
    let from = copy.flag("from").unwrap();
    assert_eq!(slice(text, from.range), "--from=build");
    assert_eq!(slice(text, from.name_range), "from");
    assert_eq!(slice(text, from.value_range.unwrap()), "build");
    assert_eq!(from.value.as_deref(), Some("build"));
    let chown = copy.flag("chown").unwrap();
    // The value is unquoted, its range is what is written.
    assert_eq!(chown.value.as_deref(), Some("1000:1000"));
    assert_eq!(chown.text, "--chown=1000:1000");
    assert_eq!(slice(text, chown.value_range.unwrap()), "\"1000:1000\"");
    let link = copy.flag("link").unwrap();
    assert_eq!((link.value.as_deref(), link.value_range), (None, None));
    assert_eq!(slice(text, link.range), "--link");
    let words: Vec<_> = copy.args.words().iter().map(|w| slice(text, w.range)).collect();
    assert_eq!(words, ["/src", "/dst"]);
}

#[test]
fn mount_options() {
    let text =
        "FROM a\nRUN --mount=type=secret,id=npmrc,target=/root/.npmrc,required --mount=type=cache,target=/x npm ci\n";
    let df = parse(text);
    let run = &df.instructions[1];
    let mounts: Vec<_> = run.flags_named("mount").collect();
    assert_eq!(mounts.len(), 2);
    let opts = mounts[0].mount_options();
    let pairs: Vec<_> = opts.iter().map(|o| (o.key.as_str(), o.value.as_deref())).collect();
    assert_eq!(
        pairs,
        [
            ("type", Some("secret")),
            ("id", Some("npmrc")),
            ("target", Some("/root/.npmrc")),
            ("required", None)
        ]
    );
    assert_eq!(slice(text, opts[2].range), "target=/root/.npmrc");
    assert_eq!(slice(text, opts[2].key_range), "target");
    assert_eq!(slice(text, opts[2].value_range.unwrap()), "/root/.npmrc");
    assert_eq!(slice(text, opts[3].range), "required");
    assert_eq!(mounts[1].option("TYPE").unwrap().value.as_deref(), Some("cache"));
    assert_eq!(run.args.shell().unwrap().text, "npm ci");
}

#[test]
fn json_elements() {
    let text = "CMD [ \"a\", \"b c\", \"\\u0041\\n\" ]\n";
    let df = parse(text);
    let Arguments::Exec(words) = &df.instructions[0].args else {
        panic!("{:?}", df.instructions[0].args)
    };
    let got: Vec<_> = words.iter().map(|w| (w.text.as_str(), slice(text, w.range))).collect();
    assert_eq!(got, [("a", "\"a\""), ("b c", "\"b c\""), ("A\n", "\"\\u0041\\n\"")]);
}

#[test]
fn json_across_a_continuation() {
    let text = "ENTRYPOINT [\"/bin/sh\", \\\n  \"-c\"]\n";
    let df = parse(text);
    let words = df.instructions[0].args.words();
    assert_eq!(slice(text, words[1].range), "\"-c\"");
    assert_eq!(slice(text, df.instructions[0].range), text.trim_end());
}

#[test]
fn words_after_a_continuation() {
    let text = "FROM alpine\nRUN apt-get update \\\n    && apt-get install -y \\\n# a comment\n\n       curl\nEXPOSE 80 \\\n  443\n";
    let df = parse(text);
    let run = &df.instructions[1];
    let shell = run.args.shell().unwrap();
    assert_eq!(shell.text, "apt-get update     && apt-get install -y        curl");
    // Map a logical sub-range back to the source.
    let at = shell.text.find("curl").unwrap();
    let curl = shell.to_source(TextRange::from_usize(at, at + 4));
    assert_eq!(slice(text, curl), "curl");
    let index = LineIndex::new(text);
    assert_eq!(index.line_col(curl.start, text).line, 6);
    // A logical range over the seam covers the escape and line break in between.
    let at = shell.text.find("update").unwrap();
    let span = shell.to_source(TextRange::from_usize(at, at + "update     &&".len()));
    assert_eq!(slice(text, span), "update \\\n    &&");
    assert_eq!(
        slice(text, shell.source_range()),
        &text[text.find("apt-get").unwrap()..text.find("curl").unwrap() + 4]
    );
    // The comment inside the continuation is recorded, the blank line too.
    assert_eq!(df.comments.len(), 1);
    assert_eq!(slice(text, df.comments[0].range), "# a comment");
    assert_eq!(df.comments[0].text, "a comment");
    assert_eq!(df.empty_continuation_lines.len(), 1);
    let expose = &df.instructions[2];
    let ports: Vec<_> = expose.args.words().iter().map(|w| slice(text, w.range)).collect();
    assert_eq!(ports, ["80", "443"]);
    assert_eq!(index.line_col(expose.range.end, text).line, 8);
}

#[test]
fn keyword_and_instruction_ranges() {
    let text = "  run   echo hi  \nFrOm   x\n";
    let df = parse(text);
    assert_eq!(df.instructions[0].keyword, Keyword::Run);
    assert_eq!(slice(text, df.instructions[0].keyword_range), "run");
    assert_eq!(slice(text, df.instructions[0].range), "run   echo hi  ");
    assert_eq!(df.instructions[0].args.shell().unwrap().text, "echo hi");
    assert_eq!(df.instructions[1].keyword, Keyword::From);
    assert_eq!(dump_buildkit(&df).unwrap(), "(run \"echo hi\")\n(from \"x\")\n");
}

#[test]
fn env_and_label_pairs() {
    let text = "ENV A=1 B=\"two words\" \\\n    C=3\nENV LEGACY value with  spaces\nLABEL \"com.example\"=x\n";
    let df = parse(text);
    let kvs = df.instructions[0].args.key_values();
    let got: Vec<_> = kvs
        .iter()
        .map(|kv| (slice(text, kv.key.range), slice(text, kv.value.range), kv.separator))
        .collect();
    assert_eq!(
        got,
        [
            ("A", "1", Separator::Equals),
            ("B", "\"two words\"", Separator::Equals),
            ("C", "3", Separator::Equals)
        ]
    );
    assert_eq!(kvs[1].value.text, "\"two words\"");
    assert_eq!(kvs[1].value.unquoted(), "two words");
    let legacy = &df.instructions[1].args.key_values()[0];
    assert_eq!(legacy.separator, Separator::Space);
    assert_eq!(
        (legacy.key.text.as_str(), legacy.value.text.as_str()),
        ("LEGACY", "value with  spaces")
    );
    assert_eq!(slice(text, legacy.value.range), "value with  spaces");
    let label = &df.instructions[2].args.key_values()[0];
    assert_eq!(label.key.text, "\"com.example\"");
    assert_eq!(label.key.unquoted(), "com.example");
}

#[test]
fn bom_and_crlf() {
    let text = "\u{feff}# syntax=docker/dockerfile:1\r\nFROM a\r\nRUN x \\\r\n  y\r\n";
    let df = parse(text);
    assert!(df.has_bom);
    assert_eq!(df.directives.len(), 1);
    assert_eq!(df.directives[0].value, "docker/dockerfile:1");
    assert_eq!(slice(text, df.directives[0].value_range), "docker/dockerfile:1");
    assert_eq!(slice(text, df.instructions[0].range), "FROM a");
    assert_eq!(slice(text, df.instructions[1].range), "RUN x \\\r\n  y");
    assert_eq!(df.instructions[1].args.shell().unwrap().text, "x   y");
    assert_eq!(dump_buildkit(&df).unwrap(), "(from \"a\")\n(run \"x   y\")\n");
}

#[test]
fn directives_and_escape() {
    let text = "# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=all\n\nFROM mcr.microsoft.com/windows\nRUN dir `\n  c:\\\n";
    let df = parse(text);
    let names: Vec<_> = df
        .directives
        .iter()
        .map(|d| (d.name.as_str(), d.value.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("syntax", "docker/dockerfile:1"),
            ("escape", "`"),
            ("check", "skip=all")
        ]
    );
    assert_eq!(df.escape, '`');
    assert_eq!(df.instructions[1].args.shell().unwrap().text, "dir   c:\\");
    assert_eq!(df.comments.len(), 3);

    // After a normal comment (or blank line), directives are plain comments.
    let df = parse("# hello\n# escape=`\nFROM a\n");
    assert!(df.directives.is_empty());
    assert_eq!(df.escape, '\\');
    let df = parse("# syntax=a\n\n# escape=`\nFROM a\n");
    assert_eq!(df.directives.len(), 1);
    assert_eq!(df.escape, '\\');
}

#[test]
fn directive_errors_are_fatal_and_located() {
    let text = "# escape=x\nFROM a\n";
    let df = parse(text);
    let e = df.first_fatal_error().unwrap();
    assert_eq!(e.kind, DiagnosticKind::InvalidEscape);
    assert_eq!(slice(text, e.range), "x");
    let text = "# syntax=a\n# SYNTAX=b\nFROM a\n";
    let e = parse(text).first_fatal_error().cloned().unwrap();
    assert_eq!(e.kind, DiagnosticKind::DuplicateDirective);
    assert_eq!(slice(text, e.range), "# SYNTAX=b");
}

#[test]
fn parse_errors_are_located() {
    let text = "FROM busybox\n\nENV PATH\n";
    let df = parse(text);
    let e = df.first_fatal_error().unwrap();
    assert_eq!(e.kind, DiagnosticKind::MissingValue);
    assert_eq!(slice(text, e.range), "PATH");
    assert_eq!(e.message, "ENV must have two arguments");

    let text = "CMD [ \"echo\", [ \"nested json\" ] ]\n";
    let e = parse(text).first_fatal_error().cloned().unwrap();
    assert_eq!(e.kind, DiagnosticKind::JsonNotStringArray);
    assert_eq!(slice(text, e.range), "[ \"nested json\" ]");

    let text = "FROM a\nENV a=b c\n";
    let e = parse(text).first_fatal_error().cloned().unwrap();
    assert_eq!(e.kind, DiagnosticKind::MissingEquals);
    assert_eq!(slice(text, e.range), "c");

    for text in ["", "# only\n# comments\n", "\n\n"] {
        let e = parse(text).first_fatal_error().cloned().unwrap();
        assert_eq!(e.kind, DiagnosticKind::NoInstructions);
        assert!(e.range.end as usize <= text.len());
    }
}

#[test]
fn unknown_instructions_are_not_fatal() {
    let text = "FROM a\nFOO --x bar\nRUN ok\n";
    let df = parse(text);
    assert!(!df.has_fatal_error());
    let d = &df.diagnostics[0];
    assert_eq!(d.kind, DiagnosticKind::UnknownInstruction);
    assert_eq!(slice(text, d.range), "FOO");
    assert_eq!(df.instructions.len(), 3);
    // BuildKit's dump keeps the flags and replaces the arguments by one empty string.
    assert_eq!(
        dump_buildkit(&df).unwrap(),
        "(from \"a\")\n(foo [\"--x\"] \"\")\n(run \"ok\")\n"
    );
}

#[test]
fn instruction_level_problems_are_reported_without_breaking_the_dump() {
    let text = "FROM a\nCOPY --chown 1:1 x /y\nADD --link=maybe x /y\nCOPY --nope=1 x /y\nFROM b AS 1bad\nHEALTHCHECK --interval=5s NONE\n";
    let df = parse(text);
    let got: Vec<_> = df
        .diagnostics
        .iter()
        .map(|d| (d.kind, d.message.as_str(), slice(text, d.range)))
        .collect();
    assert_eq!(
        got,
        [
            (
                DiagnosticKind::InvalidInstruction,
                "missing a value on flag: chown",
                "--chown"
            ),
            (
                DiagnosticKind::InvalidInstruction,
                "expecting boolean value for flag link, not: maybe",
                "maybe"
            ),
            (DiagnosticKind::InvalidInstruction, "unknown flag: nope", "--nope=1"),
            (
                DiagnosticKind::InvalidInstruction,
                "invalid name for build stage: \"1bad\", name can't start with a number or contain symbols",
                "1bad"
            ),
        ]
    );
    assert!(dump_buildkit(&df).is_ok());
}

#[test]
fn continuation_details() {
    // Escape followed by spaces still continues; an escaped escape does not.
    let df = parse("RUN a \\  \n b\nRUN c \\\\\nRUN d");
    let texts: Vec<_> = df
        .instructions
        .iter()
        .map(|i| i.args.shell().unwrap().text.clone())
        .collect();
    assert_eq!(texts, ["a  b", "c \\\\", "d"]);
    // Continuation at end of file.
    let text = "FROM a\nRUN x \\";
    let df = parse(text);
    assert_eq!(df.instructions[1].args.shell().unwrap().text, "x");
    assert_eq!(slice(text, df.instructions[1].range), "RUN x \\");
}

#[test]
fn stages() {
    let text = "ARG BASE=alpine\nFROM --platform=$BUILDPLATFORM golang:1.22 AS Build\nRUN go build\nFROM ${BASE}\nCOPY --from=build /app /app\n";
    let df = parse(text);
    assert_eq!(df.global_instructions().len(), 1);
    let stages = df.stages();
    assert_eq!(stages.len(), 2);
    assert_eq!(stages[0].base.unwrap().text, "golang:1.22");
    assert_eq!(slice(text, stages[0].name.unwrap().range), "Build");
    assert_eq!(stages[0].name_lowercase().as_deref(), Some("build"));
    assert_eq!(stages[0].platform.unwrap().value.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(stages[0].instructions.len(), 2);
    assert_eq!(stages[0].body()[0].keyword, Keyword::Run);
    assert_eq!(stages[1].index, 1);
    assert_eq!(stages[1].base.unwrap().text, "${BASE}");
    assert!(stages[1].name.is_none());
    let args = df.instructions[0].arg_definitions();
    assert_eq!(args[0].name.text, "BASE");
    assert_eq!(slice(text, args[0].default.as_ref().unwrap().range), "alpine");
}

#[test]
fn one_string_instructions_and_healthcheck() {
    let text = "FROM a\nWORKDIR /my dir\nUSER app:app\nHEALTHCHECK --interval=30s CMD curl -f http://localhost/\nONBUILD COPY . /src\n";
    let df = parse(text);
    assert_eq!(df.instructions[1].args.words()[0].text, "/my dir");
    let Arguments::Healthcheck { subcommand, args } = &df.instructions[3].args else {
        panic!()
    };
    assert_eq!(slice(text, subcommand.as_ref().unwrap().range), "CMD");
    assert_eq!(args.shell().unwrap().text, "curl -f http://localhost/");
    let inner = df.instructions[4].onbuild.as_deref().unwrap();
    assert_eq!(inner.keyword, Keyword::Copy);
    assert_eq!(slice(text, inner.range), "COPY . /src");
    assert_eq!(slice(text, inner.args.words()[1].range), "/src");
}

#[test]
fn instruction_made_only_of_unicode_space_after_a_continuation() {
    // Found by the property test: a lone escape line continued by a line holding only
    // U+00A0 and an escape gives an instruction whose text trims to nothing.
    let text = "FROM a\n\\\n\u{a0}\\";
    let df = parse(text);
    assert_eq!(df.instructions.len(), 2);
    assert_eq!(df.instructions[1].keyword, Keyword::Unknown(String::new()));
    assert_eq!(dump_buildkit(&df).unwrap(), "(from \"a\")\n(\"\")\n");
}
