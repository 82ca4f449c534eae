//! Shell grammar: every construct yields its simple commands with exact spans.

use dockward_shell::{Nesting, RedirectOp, ShellScript, SimpleCommand, parse_dockerfile_run, parse_shell};

/// The raw text of every word of every command, in order.
fn raw_words<'t>(s: &ShellScript, text: &'t str) -> Vec<Vec<&'t str>> {
    s.commands
        .iter()
        .map(|c| c.words.iter().map(|w| w.raw.slice(text)).collect())
        .collect()
}

fn values(c: &SimpleCommand) -> Vec<&str> {
    c.words.iter().map(|w| w.value.as_str()).collect()
}

fn names(s: &ShellScript) -> Vec<&str> {
    s.commands.iter().map(|c| c.name().unwrap_or("?")).collect()
}

#[track_caller]
fn assert_clean(s: &ShellScript) {
    assert!(s.diagnostics.is_empty(), "unexpected diagnostics: {:?}", s.diagnostics);
}

#[test]
fn separators_and_lists() {
    let t = "a 1 && b 2 || c; d & e\nf | g |& h";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(
        raw_words(&s, t),
        vec![
            vec!["a", "1"],
            vec!["b", "2"],
            vec!["c"],
            vec!["d"],
            vec!["e"],
            vec!["f"],
            vec!["g"],
            vec!["h"]
        ]
    );
    assert_eq!(s.commands[0].range.slice(t), "a 1");
    assert_eq!(s.commands[4].pipeline, None);
    let p: Vec<_> = s.commands[5..]
        .iter()
        .map(|c| c.pipeline.map(|p| (p.index, p.len)))
        .collect();
    assert_eq!(p, vec![Some((0, 3)), Some((1, 3)), Some((2, 3))]);
    assert_eq!(
        s.commands[5].pipeline.map(|p| p.id),
        s.commands[7].pipeline.map(|p| p.id)
    );
}

#[test]
fn curl_pipe_bash() {
    let t = "set -eux; curl -fsSL https://get.example.com/install.sh | bash -s -- --yes";
    let s = parse_shell(t);
    assert_clean(&s);
    let curl = s.commands_named("curl").next().unwrap();
    let bash = s.commands_named("bash").next().unwrap();
    let (cp, bp) = (curl.pipeline.unwrap(), bash.pipeline.unwrap());
    assert_eq!((cp.index, cp.len, bp.index, bp.len), (0, 2, 1, 2));
    assert_eq!(cp.id, bp.id);
    assert_eq!(curl.range.slice(t), "curl -fsSL https://get.example.com/install.sh");
    assert_eq!(curl.words[2].raw.slice(t), "https://get.example.com/install.sh");
    assert_eq!(bash.words[3].raw.slice(t), "--yes");
    let others: Vec<_> = s.pipeline_of(curl).map(|c| c.name()).collect();
    assert_eq!(others, vec![Some("curl"), Some("bash")]);
    assert!(s.commands_named("set").next().unwrap().pipeline.is_none());
}

#[test]
fn wget_pipe_sudo_sh_in_substitution() {
    let t = "x=$(wget -qO- http://x | sudo sh)";
    let s = parse_shell(t);
    assert_eq!(names(&s), vec!["?", "wget", "sh"]);
    assert_eq!(s.commands[0].assignments[0].raw.slice(t), t);
    assert_eq!(s.commands[2].nesting, Nesting::CommandSubstitution);
    assert_eq!(s.commands[2].pipeline.unwrap().index, 1);
    assert_eq!(s.commands[2].range.slice(t), "sudo sh");
}

#[test]
fn command_substitution_and_backticks() {
    let t = "echo $(id -u) \"$(whoami)\" `uname -a` $(ls $(pwd))";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["echo", "id", "whoami", "uname", "ls", "pwd"]);
    let echo = &s.commands[0];
    assert_eq!(echo.words[1].raw.slice(t), "$(id -u)");
    assert!(echo.words[1].has_expansion);
    assert!(echo.words[2].quoted);
    assert_eq!(echo.words[2].value, "$(whoami)");
    assert_eq!(s.commands[1].range.slice(t), "id -u");
    assert_eq!(s.commands[3].range.slice(t), "uname -a");
    assert_eq!(s.commands[5].range.slice(t), "pwd");
    for c in &s.commands[1..] {
        assert_eq!(c.nesting, Nesting::CommandSubstitution);
    }
}

#[test]
fn subshells_and_groups() {
    let t = "(cd /tmp && make) ; { apt-get update; apt-get install -y x; } > log";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["cd", "make", "apt-get", "apt-get"]);
    assert_eq!(s.commands[0].nesting, Nesting::Subshell);
    assert_eq!(s.commands[2].nesting, Nesting::Top);
    assert_eq!(s.commands[3].range.slice(t), "apt-get install -y x");
}

#[test]
fn if_elif_else() {
    let t = "if [ -f /x ]; then\n  rm /x\nelif test -d /y\nthen rmdir /y; else echo none; fi";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["[", "rm", "test", "rmdir", "echo"]);
    assert_eq!(raw_words(&s, t)[0], vec!["[", "-f", "/x", "]"]);
}

#[test]
fn loops() {
    let t = "for f in a $(ls /etc) c; do chmod 600 \"$f\"; done\nwhile read -r l; do echo \"$l\"; done < /etc/passwd\nuntil false; do sleep 1; done\nfor x; do :; done\nfor ((i=0; i<3; i++)); do touch $i; done";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(
        names(&s),
        vec!["ls", "chmod", "read", "echo", "false", "sleep", ":", "touch"]
    );
    assert_eq!(s.commands[0].nesting, Nesting::CommandSubstitution);
    assert_eq!(s.commands[1].words[2].raw.slice(t), "\"$f\"");
    assert_eq!(s.commands[1].words[2].value, "$f");
}

#[test]
fn loop_piped_into_command() {
    let t = "for i in 1 2; do echo $i; done | sort -n";
    let s = parse_shell(t);
    let sort = s.commands_named("sort").next().unwrap();
    assert_eq!(sort.pipeline.map(|p| (p.index, p.len)), Some((1, 2)));
    assert_eq!(s.commands_named("echo").next().unwrap().pipeline, None);
}

#[test]
fn case_arms() {
    let t = "case \"$(uname -m)\" in\n  x86_64|amd64) arch=amd64; echo x ;;\n  (aarch64) arch=arm64 ;;\n  *) echo \"unsupported\"; exit 1 ;;\nesac";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["uname", "?", "echo", "?", "echo", "exit"]);
    assert_eq!(s.commands[1].assignments[0].raw.slice(t), "arch=amd64");
    assert_eq!(s.commands[5].range.slice(t), "exit 1");
}

#[test]
fn keywords_as_case_patterns() {
    let t = "while read k; do case $k in done) echo finished ;; fi|then) : ;; esac; done";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["read", "echo", ":"]);
}

#[test]
fn case_inside_command_substitution() {
    let t = "x=$(case $a in b) echo b;; esac) && echo done";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["?", "echo", "echo"]);
    assert_eq!(s.commands[1].nesting, Nesting::CommandSubstitution);
    assert_eq!(s.commands[2].words[1].raw.slice(t), "done");
}

#[test]
fn functions() {
    let t =
        "cleanup() { rm -rf /tmp/x; }\nfunction setup {\n  mkdir -p /tmp/x\n}\nfunction other() ( cd /; ls )\ncleanup";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["rm", "mkdir", "cd", "ls", "cleanup"]);
    assert_eq!(s.commands[0].nesting, Nesting::FunctionBody);
    assert_eq!(s.commands[1].nesting, Nesting::FunctionBody);
    assert_eq!(s.commands[2].nesting, Nesting::Subshell);
    assert_eq!(s.commands[4].nesting, Nesting::Top);
}

#[test]
fn sh_c_is_reparsed_with_exact_ranges() {
    let t = "sh -c 'apt-get update && apt-get install -y curl | tee log'";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["sh", "apt-get", "apt-get", "tee"]);
    let inner = &s.commands[1..];
    for c in inner {
        assert_eq!(c.nesting, Nesting::ShC);
    }
    assert_eq!(inner[0].range.slice(t), "apt-get update");
    assert_eq!(inner[1].words[3].raw.slice(t), "curl");
    assert_eq!(inner[1].range.slice(t), "apt-get install -y curl");
    assert_eq!(inner[1].pipeline.map(|p| p.index), Some(0));
    assert_eq!(inner[2].pipeline.map(|p| p.index), Some(1));
}

#[test]
fn bash_c_double_quoted_with_escapes() {
    let t = r#"sudo bash -ec "echo \"\$HOME\" > /etc/motd; curl -s \"$URL\" | sh""#;
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["bash", "echo", "curl", "sh"]);
    let echo = &s.commands[1];
    assert_eq!(echo.words[1].value, "$HOME");
    assert_eq!(echo.words[1].raw.slice(t), r#"\"\$HOME\""#);
    assert_eq!(echo.redirects[0].target.raw.slice(t), "/etc/motd");
    assert_eq!(echo.redirects[0].op, RedirectOp::Out);
    let curl = &s.commands[2];
    assert_eq!(curl.words[2].raw.slice(t), r#"\"$URL\""#);
    assert_eq!(curl.pipeline.unwrap().id, s.commands[3].pipeline.unwrap().id);
}

#[test]
fn nested_sh_c_and_su_c() {
    let t = r#"su -c "sh -c 'id -u'" nobody; su - app -c "whoami"; su --command='touch /x' root"#;
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["su", "sh", "id", "su", "whoami", "su", "touch"]);
    assert_eq!(s.commands[2].range.slice(t), "id -u");
    assert_eq!(s.commands[2].nesting, Nesting::ShC);
    assert_eq!(s.commands[4].range.slice(t), "whoami");
    assert_eq!(s.commands[6].range.slice(t), "touch /x");
}

#[test]
fn sh_c_with_options_and_wrappers() {
    let t = "env DEBIAN_FRONTEND=noninteractive /bin/bash -o pipefail -c 'apt-get -y upgrade'";
    let s = parse_shell(t);
    assert_eq!(names(&s), vec!["bash", "apt-get"]);
    assert_eq!(s.commands[1].range.slice(t), "apt-get -y upgrade");
    // `sh script.sh -c x` is not code: `-c` must come before the operand.
    let s = parse_shell("sh ./script.sh -c 'not code'");
    assert_eq!(s.commands.len(), 1);
}

#[test]
fn heredocs_are_not_commands() {
    let t = "cat <<EOF > /etc/apt/sources.list\ndeb http://x y\nrm -rf /\nEOF\necho after";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["cat", "echo"]);
    let r = &s.commands[0].redirects;
    assert_eq!(r[0].op, RedirectOp::HereDoc);
    assert_eq!(r[0].target.value, "EOF");
    assert_eq!(r[0].heredoc_body.unwrap().slice(t), "deb http://x y\nrm -rf /\n");
    assert_eq!(r[1].target.raw.slice(t), "/etc/apt/sources.list");
    assert_eq!(s.commands[0].range.slice(t), "cat <<EOF > /etc/apt/sources.list");
}

#[test]
fn heredoc_variants() {
    let t = "tee a <<-'END' | sort\n\tx y\n\tEND\ncat <<A <<\"B\"\na\nA\nb\nB\nv=$(cat <<X\ninside\nX\n)\necho ok";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["tee", "sort", "cat", "?", "cat", "echo"]);
    let bodies: Vec<_> = s
        .commands
        .iter()
        .flat_map(|c| c.redirects.iter())
        .filter_map(|r| r.heredoc_body.map(|b| b.slice(t)))
        .collect();
    assert_eq!(bodies, vec!["\tx y\n", "a\n", "b\n", "inside\n"]);
}

#[test]
fn shell_fed_a_heredoc_is_parsed() {
    let t = "bash <<'SCRIPT'\napt-get update\ncurl x | sh\nSCRIPT\n";
    let s = parse_shell(t);
    assert_eq!(names(&s), vec!["bash", "apt-get", "curl", "sh"]);
    assert_eq!(s.commands[1].nesting, Nesting::ShellInput);
    assert_eq!(s.commands[2].range.slice(t), "curl x");
    assert!(s.commands[2].pipeline.is_some());
}

#[test]
fn comments_are_ignored() {
    let t = "# leading\necho a#b # trailing comment\n  # indented\nls";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(raw_words(&s, t), vec![vec!["echo", "a#b"], vec!["ls"]]);
}

#[test]
fn line_continuations() {
    let t = "apt-get install -y \\\n    curl \\\n    git && rm -rf /var/lib/apt/lists/*";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(raw_words(&s, t)[0], vec!["apt-get", "install", "-y", "curl", "git"]);
    assert_eq!(
        s.commands[0].range.slice(t),
        "apt-get install -y \\\n    curl \\\n    git"
    );
    // A continuation inside a word joins it.
    let t = "ec\\\nho hi";
    let s = parse_shell(t);
    assert_eq!(s.commands[0].words[0].value, "echo");
    assert_eq!(s.commands[0].words[0].raw.slice(t), "ec\\\nho");
}

#[test]
fn dockerfile_mode_follows_buildkit_joining() {
    let t = "apt-get update \\ \n  # a comment line\n\n  && apt-get install -y \\\n     curl \\\n  && echo 'a \\\n b'";
    let s = parse_dockerfile_run(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["apt-get", "apt-get", "echo"]);
    assert_eq!(values(&s.commands[1]), vec!["apt-get", "install", "-y", "curl"]);
    assert_eq!(s.commands[2].words[1].value, "a  b");
    // In script mode the same text breaks at the comment, as bash would.
    let s = parse_shell("a \\\n# c\nb");
    assert_eq!(names(&s), vec!["a", "b"]);
    let s = parse_dockerfile_run("a \\\n# c\nb");
    assert_eq!(values(&s.commands[0]), vec!["a", "b"]);
}

#[test]
fn unterminated_quotes_are_one_word_and_a_diagnostic() {
    let t = "echo 'never closed && rm -rf /";
    let s = parse_shell(t);
    assert_eq!(s.commands.len(), 1);
    assert_eq!(s.commands[0].words[1].raw.slice(t), "'never closed && rm -rf /");
    assert_eq!(s.diagnostics.len(), 1);
    assert_eq!(s.diagnostics[0].range.slice(t), "'never closed && rm -rf /");
    let s = parse_shell("echo \"a $(b");
    assert!(!s.diagnostics.is_empty());
    let s = parse_shell("if true; then echo; ");
    assert_eq!(names(&s), vec!["true", "echo"]);
    assert!(s.diagnostics.iter().any(|d| d.message.contains("fi")));
}

#[test]
fn recovery_from_mismatched_keywords() {
    let t = "if a; then while b; do c; fi; d)";
    let s = parse_shell(t);
    assert_eq!(names(&s), vec!["a", "b", "c", "d"]);
    assert!(s.diagnostics.iter().any(|d| d.message.contains("done")));
    assert!(s.diagnostics.iter().any(|d| d.message.contains(')')));
}

#[test]
fn word_values_quotes_and_escapes() {
    let t = r#"printf 'a b' "c \"d\" \$e \x" f\ g $'t\tn\n' $"loc" "" ''"#;
    let s = parse_shell(t);
    assert_clean(&s);
    let c = &s.commands[0];
    assert_eq!(
        values(c),
        vec!["printf", "a b", r#"c "d" $e \x"#, "f g", "t\tn\n", "loc", "", ""]
    );
    assert!(c.words[1].quoted && c.words[3].quoted && !c.words[0].quoted);
    assert!(!c.words[2].has_expansion, "an escaped $ is no expansion");
    assert_eq!(c.words[6].raw.slice(t), "\"\"");
}

#[test]
fn expansions_are_flagged() {
    let t = "x $HOME ${A:-b} $((1+2)) *.txt '*.txt' {a,b} ~/x plain [abc] [ <(ls) $1 $@";
    let s = parse_shell(t);
    let c = &s.commands[0];
    let flags: Vec<bool> = c.words.iter().map(|w| w.has_expansion).collect();
    assert_eq!(
        flags,
        vec![
            false, true, true, true, true, false, true, false, false, true, false, true, true, true
        ]
    );
    assert_eq!(c.words[3].raw.slice(t), "$((1+2))");
    assert_eq!(
        s.commands_named("ls").next().unwrap().nesting,
        Nesting::ProcessSubstitution
    );
}

#[test]
fn assignments_and_redirects() {
    let t = "FOO=bar BAZ+=1 arr=(a \"b c\") cmd >/dev/null 2>&1 3< in.txt &>>log <<< \"here\" x=y";
    let s = parse_shell(t);
    assert_clean(&s);
    let c = &s.commands[0];
    let a: Vec<_> = c.assignments.iter().map(|w| w.raw.slice(t)).collect();
    assert_eq!(a, vec!["FOO=bar", "BAZ+=1", "arr=(a \"b c\")"]);
    assert_eq!(values(c), vec!["cmd", "x=y"]);
    let r: Vec<_> = c
        .redirects
        .iter()
        .map(|r| (r.fd, r.op, r.target.raw.slice(t), r.range.slice(t)))
        .collect();
    assert_eq!(
        r,
        vec![
            (None, RedirectOp::Out, "/dev/null", ">/dev/null"),
            (Some(2), RedirectOp::DupOut, "1", "2>&1"),
            (Some(3), RedirectOp::In, "in.txt", "3< in.txt"),
            (None, RedirectOp::AppendOutErr, "log", "&>>log"),
            (None, RedirectOp::HereString, "\"here\"", "<<< \"here\""),
        ]
    );
    assert_eq!(c.range.slice(t), t);
}

#[test]
fn conditional_and_arithmetic_commands() {
    let t = "[[ -f /x && $y == z* ]] && echo yes; (( n += 1 )) || echo no; ((cd /; ls) || true)";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["[[", "echo", "echo", "cd", "ls", "true"]);
    assert_eq!(s.commands[0].range.slice(t), "[[ -f /x && $y == z* ]]");
    assert_eq!(s.commands[0].words.len(), 8);
}

#[test]
fn effective_argv_and_name() {
    let cases = [
        ("sudo -E -u root apt-get install x", "apt-get"),
        ("sudo -- /usr/bin/curl x", "curl"),
        ("env -i PATH=/bin FOO=1 /usr/local/bin/pip install x", "pip"),
        ("exec gosu app node server.js", "node"),
        ("nice -n 10 ionice -c3 timeout -s KILL 30s wget x", "wget"),
        ("command -v curl", "command"),
        ("command curl x", "curl"),
        ("time -p make", "make"),
        ("nohup stdbuf -oL python app.py", "python"),
        ("busybox wget x", "wget"),
        ("chroot /mnt /bin/sh", "sh"),
        ("eatmydata apt-get -y install x", "apt-get"),
        ("sudo", "sudo"),
    ];
    for (t, want) in cases {
        let s = parse_shell(t);
        assert_eq!(s.commands[0].name(), Some(want), "{t}");
    }
    let s = parse_shell("$CURL -fsSL x");
    assert_eq!(s.commands[0].name(), None);
    let s = parse_shell("sudo -u app pip install x");
    assert_eq!(s.commands[0].args()[0].value, "install");
    assert_eq!(s.commands[0].words[0].value, "sudo", "words stay unchanged");
}

#[test]
fn keywords_only_in_command_position() {
    let t = "echo if then fi done; 'if' true";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(values(&s.commands[0]), vec!["echo", "if", "then", "fi", "done"]);
    assert_eq!(s.commands[1].name(), Some("if"));
}

#[test]
fn crlf_line_endings() {
    let t = "apt-get update \\\r\n  && apt-get install -y x\r\necho hi\r\n";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(names(&s), vec!["apt-get", "apt-get", "echo"]);
    assert_eq!(s.commands[2].words[1].raw.slice(t), "hi");
}

#[test]
fn unicode_is_kept_on_char_boundaries() {
    let t = "echo 'héllo' wörld \"ünï\" && sh -c \"écho ö\"";
    let s = parse_shell(t);
    assert_clean(&s);
    assert_eq!(values(&s.commands[0]), vec!["echo", "héllo", "wörld", "ünï"]);
    let inner = s.commands.iter().find(|c| c.nesting == Nesting::ShC).unwrap();
    assert_eq!(inner.words[0].raw.slice(t), "écho");
    assert_eq!(inner.words[1].raw.slice(t), "ö");
}

#[test]
fn empty_and_blank_inputs() {
    for t in ["", " ", "\n\n", "# only a comment", ";", "&&", ")", "fi", "|"] {
        let s = parse_shell(t);
        assert!(s.commands.is_empty(), "{t:?}");
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let t = format!("{}echo x{}", "$(".repeat(200), ")".repeat(200));
    let s = parse_shell(&t);
    assert!(!s.diagnostics.is_empty());
    let t = format!("{}x{}", "( ".repeat(500), " )".repeat(500));
    let _ = parse_shell(&t);
    let t = "if ".repeat(500);
    let _ = parse_shell(&t);
    let t = "sh -c \"sh -c 'sh -c \\\"sh -c id\\\"'\"";
    let s = parse_shell(t);
    assert_eq!(s.commands.last().map(|c| c.range.slice(t)), Some("id"));
}
