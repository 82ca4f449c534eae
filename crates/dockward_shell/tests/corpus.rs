//! Robustness over real input: every `RUN` of the shared Dockerfile corpus and the shell
//! scripts installed on this machine parse without panicking, with valid ranges.

mod common;

use dockward_core::testing::{corpus_subdir, files_under};
use dockward_shell::{parse_docker_cli, parse_dockerfile_run, parse_shell};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A crude `RUN` extractor: `RUN` lines with their continuation lines (raw, continuations
/// kept), heredoc bodies appended; `RUN <<EOF` yields the heredoc body itself (BuildKit
/// runs it as a script). Exec-form (`RUN [...]`) bodies are skipped.
fn run_bodies(dockerfile: &str) -> Vec<String> {
    let lines: Vec<&str> = dockerfile.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim_start();
        i += 1;
        let Some(kw) = l.get(..4) else { continue };
        if !kw.eq_ignore_ascii_case("RUN ") && !kw.eq_ignore_ascii_case("RUN\t") {
            continue;
        }
        let mut body = l[4..].to_string();
        // BuildKit keeps a continuation going across blank and `#` comment lines.
        let mut continued = body.trim_end().ends_with('\\');
        while continued && i < lines.len() {
            body.push('\n');
            body.push_str(lines[i]);
            let t = lines[i].trim();
            if !t.is_empty() && !t.starts_with('#') {
                continued = t.ends_with('\\');
            }
            i += 1;
        }
        if body.trim_start().starts_with('[') {
            continue;
        }
        if let Some(delim) = heredoc_delim(&body) {
            let mut heredoc = String::new();
            while i < lines.len() {
                let l = lines[i];
                i += 1;
                if l.trim() == delim {
                    break;
                }
                heredoc.push_str(l);
                heredoc.push('\n');
            }
            if body.trim_start().starts_with("<<") {
                body = heredoc;
            } else {
                body.push('\n');
                body.push_str(&heredoc);
                body.push_str(&delim);
            }
        }
        out.push(body);
    }
    out
}

fn heredoc_delim(body: &str) -> Option<String> {
    let at = body.find("<<")?;
    let rest = body[at + 2..].trim_start_matches('-');
    let rest = rest.trim_start_matches(['\'', '"']);
    let delim: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!delim.is_empty()).then_some(delim)
}

#[test]
fn corpus_run_bodies() {
    let Some(dir) = corpus_subdir("dockerfiles") else {
        return;
    };
    let files = files_under(&dir);
    let (mut bodies, mut bytes, mut commands, mut diags, mut docker_lines) = (0, 0, 0, 0, 0);
    let mut with_diags = 0;
    let mut messages: BTreeMap<String, usize> = BTreeMap::new();
    let start = Instant::now();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else { continue };
        for body in run_bodies(&text) {
            let s = parse_dockerfile_run(&body);
            common::check_ranges(&body, &s);
            bodies += 1;
            bytes += body.len();
            commands += s.commands.len();
            diags += s.diagnostics.len();
            with_diags += usize::from(!s.diagnostics.is_empty());
            docker_lines += s
                .commands
                .iter()
                .filter(|c| parse_docker_cli(&c.words).is_some())
                .count();
            for d in &s.diagnostics {
                *messages.entry(d.message.clone()).or_default() += 1;
            }
        }
    }
    let el = start.elapsed();
    println!(
        "corpus: {} files, {bodies} RUN bodies ({bytes} bytes), {commands} commands, \
         {diags} diagnostics in {with_diags} bodies, {docker_lines} docker run lines, {:?}",
        files.len(),
        el
    );
    let mut top: Vec<_> = messages.into_iter().collect();
    top.sort_by_key(|e| std::cmp::Reverse(e.1));
    for (m, n) in top.iter().take(8) {
        println!("  {n:5}  {m}");
    }
    assert!(bodies > 1000, "expected a real corpus, found {bodies} RUN bodies");
    assert!(commands > bodies, "every RUN runs at least one command");
}

/// Shell scripts on this machine: `*.sh` under /usr, then scripts with a shell shebang
/// in the usual bin/lib folders; at most 2000, at most 1 MiB each.
fn machine_scripts() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from("/usr")];
    let mut shebang = Vec::new();
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        let mut entries: Vec<_> = rd.flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let p = e.path();
            let Ok(ft) = e.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
            } else if ft.is_file() {
                if p.extension().is_some_and(|x| x == "sh") {
                    out.push(p);
                } else if is_bin_dir(&d) {
                    shebang.push(p);
                }
            }
        }
    }
    for p in shebang {
        if out.len() >= 2000 {
            break;
        }
        if is_shell_script(&p) {
            out.push(p);
        }
    }
    out.truncate(2000);
    out
}

/// A `#!` line naming a POSIX-family shell (reads only the first 200 bytes).
fn is_shell_script(p: &Path) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(p) else {
        return false;
    };
    let mut buf = [0u8; 200];
    let Ok(n) = f.read(&mut buf) else { return false };
    let first = buf[..n].split(|&b| b == b'\n').next().unwrap_or(&[]);
    let Some(line) = std::str::from_utf8(first).ok().and_then(|l| l.strip_prefix("#!")) else {
        return false;
    };
    let mut parts = line.split_whitespace();
    let mut interp = parts.next().unwrap_or("");
    if interp.ends_with("/env") {
        interp = parts.next().unwrap_or("");
    }
    let name = interp.rsplit('/').next().unwrap_or("");
    matches!(name, "sh" | "bash" | "dash" | "ash" | "ksh" | "zsh" | "mksh")
}

fn is_bin_dir(d: &Path) -> bool {
    let s = d.to_string_lossy();
    s.ends_with("/bin") || s.ends_with("/sbin") || s.starts_with("/usr/lib") || s.starts_with("/usr/share")
}

#[test]
fn scripts_on_this_machine() {
    let scripts = machine_scripts();
    let (mut n, mut bytes, mut commands, mut diags) = (0, 0, 0, 0);
    let start = Instant::now();
    for p in &scripts {
        let Ok(meta) = std::fs::metadata(p) else { continue };
        if meta.len() > 1 << 20 {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(p) else { continue };
        let s = parse_shell(&text);
        common::check_ranges(&text, &s);
        n += 1;
        bytes += text.len();
        commands += s.commands.len();
        diags += s.diagnostics.len();
    }
    println!(
        "machine scripts: {n} files ({bytes} bytes), {commands} commands, {diags} diagnostics, {:?}",
        start.elapsed()
    );
}
