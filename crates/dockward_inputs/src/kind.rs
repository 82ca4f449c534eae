//! What kind of input a file is: by name first, then (for files named explicitly, and for
//! standard input) by content.

use crate::scripts::{ScriptKind, is_shell_shebang, script_kind_for};
use std::path::Path;

/// The kinds of input `dockward scan` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputKind {
    Dockerfile,
    /// The entry file of a Compose project (its override file is loaded with it).
    Compose,
    /// A file that may hold `docker run` lines: shell scripts, Makefiles, CI files, units.
    Script(ScriptKind),
    /// A dockerd configuration file (`daemon.json`).
    Daemon,
}

impl InputKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Dockerfile => "dockerfile",
            InputKind::Compose => "compose",
            InputKind::Script(_) => "script",
            InputKind::Daemon => "daemon",
        }
    }
}

/// The kind `--type` forces. `script` keeps the script flavour a file's name tells (a
/// GitHub workflow stays one) and is plain shell otherwise.
pub fn forced_kind(forced: &str, path: &Path) -> Option<InputKind> {
    Some(match forced {
        "dockerfile" => InputKind::Dockerfile,
        "compose" => InputKind::Compose,
        "daemon" => InputKind::Daemon,
        "script" => InputKind::Script(script_kind_for(path, "").unwrap_or(ScriptKind::Shell)),
        _ => return None,
    })
}

/// What a file is from its name alone (and, for extension-less files, `first_line`: a
/// shebang makes a script). `markdown` admits the opt-in Markdown kind.
pub fn kind_by_name(path: &Path, first_line: Option<&str>, markdown: bool) -> Option<InputKind> {
    let name = path.file_name()?.to_str()?;
    if is_dockerfile_name(name) {
        return Some(InputKind::Dockerfile);
    }
    if dockward_yaml::is_compose_file_name(name) {
        return Some(InputKind::Compose);
    }
    if name == "daemon.json" {
        return Some(InputKind::Daemon);
    }
    let kind = script_kind_for(path, "").or_else(|| {
        // Only files without an extension can be scripts by shebang alone.
        (!name.contains('.'))
            .then(|| first_line.and_then(|line| script_kind_for(path, line)))
            .flatten()
    })?;
    (markdown || !kind.is_opt_in()).then_some(InputKind::Script(kind))
}

/// Dockerfile instruction keywords: a file whose first instruction is one of them is a
/// Dockerfile (or a fragment of one).
const INSTRUCTIONS: [&str; 18] = [
    "FROM",
    "ARG",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// What a file is from its content, for files whose name says nothing (`stack.yml`,
/// `prod.json`, a Dockerfile without the usual name, standard input). `None` when the text
/// is none of the kinds dockward reads.
pub fn kind_by_content(path: &Path, text: &str) -> Option<InputKind> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    if first.starts_with("#!") {
        return is_shell_shebang(first).then_some(InputKind::Script(ScriptKind::Shell));
    }
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return is_daemon_json(trimmed).then_some(InputKind::Daemon);
    }
    // Top-level YAML keys (column 0) and the first Dockerfile instruction.
    let mut top_level_keys = Vec::new();
    let mut first_instruction = None;
    for line in text.lines() {
        let line = line.trim_end();
        if first_instruction.is_none() && is_directive(line) {
            return Some(InputKind::Dockerfile);
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if first_instruction.is_none() {
            first_instruction = Some(line);
        }
        if !line.starts_with([' ', '\t', '-'])
            && let Some(key) = line.split_once(':').map(|(k, _)| k.trim_matches(['"', '\'']))
        {
            top_level_keys.push(key);
        }
        if top_level_keys.len() > 64 {
            break;
        }
    }
    if top_level_keys.contains(&"services") {
        return Some(InputKind::Compose);
    }
    if top_level_keys.contains(&"jobs") && top_level_keys.contains(&"on") {
        return Some(InputKind::Script(ScriptKind::GithubWorkflow));
    }
    if text.lines().any(|l| l.trim() == "[Service]") && text.contains("ExecStart") {
        return Some(InputKind::Script(ScriptKind::SystemdUnit));
    }
    let keyword = first_instruction?.split_whitespace().next()?;
    if INSTRUCTIONS.iter().any(|k| k.eq_ignore_ascii_case(keyword)) {
        return Some(InputKind::Dockerfile);
    }
    // A shell script without a shebang is still a script when its name says so.
    script_kind_for(path, "").map(InputKind::Script)
}

/// `# syntax=…`, `# escape=…`, `# check=…`: BuildKit parser directives.
fn is_directive(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('#') else {
        return false;
    };
    let Some((key, _)) = rest.split_once('=') else {
        return false;
    };
    matches!(key.trim().to_ascii_lowercase().as_str(), "syntax" | "escape" | "check")
}

/// A JSON object most of whose top-level keys are dockerd settings (most, not one: generic
/// names such as `debug` or `labels` are dockerd keys too). The text is already
/// size-capped, and `serde_json` refuses nesting deeper than 128 levels.
fn is_daemon_json(text: &str) -> bool {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) else {
        return false;
    };
    let known = map.keys().filter(|k| dockward_model::daemon::is_daemon_key(k)).count();
    !map.is_empty() && known * 2 > map.len()
}

/// `Dockerfile`, `Containerfile` and their variants: a `Dockerfile`/`Containerfile` prefix
/// followed by `.`, `-`, `_` or a digit (`Dockerfile.dev`, `Dockerfile-2`,
/// `Dockerfile_test_cache`, `Containerfile1`, `Dockerfiletmpfs`), or a `.Dockerfile`/`.dockerfile`/
/// `.Containerfile` suffix (`api.Dockerfile`). Templates (`Dockerfile.j2`) and files of other
/// types that share the prefix (`Dockerfile.md`, `Dockerfile-lint.sh`) are not Dockerfiles.
pub fn is_dockerfile_name(name: &str) -> bool {
    const STEMS: [&str; 4] = ["Dockerfile", "Containerfile", "dockerfile", "containerfile"];
    let by_prefix = STEMS.iter().any(|stem| {
        name.strip_prefix(stem).is_some_and(|rest| {
            rest.is_empty()
                || (rest.len() > 1 && rest.starts_with(['.', '-', '_']))
                || rest.starts_with(|c: char| c.is_ascii_digit())
                // Capitalised stems are distinctive enough to take any suffix
                // (`Dockerfilecachewrite` in build-engine test suites).
                || (stem.starts_with(char::is_uppercase) && rest.starts_with(|c: char| c.is_ascii_alphabetic()))
        })
    });
    let by_suffix = STEMS.iter().any(|stem| {
        name.strip_suffix(stem)
            .is_some_and(|rest| rest.len() > 1 && rest.ends_with('.'))
    });
    (by_prefix || by_suffix) && !is_template_name(name) && !has_other_file_type(name)
}

/// Generated-from templates are not Dockerfiles yet (`Dockerfile.template`, `.j2`, …).
fn is_template_name(name: &str) -> bool {
    const TEMPLATE_SUFFIXES: [&str; 8] = [
        ".template",
        ".tmpl",
        ".tpl",
        ".j2",
        ".jinja",
        ".in",
        ".erb",
        ".mustache",
    ];
    TEMPLATE_SUFFIXES.iter().any(|s| name.ends_with(s))
}

/// Files that merely share the prefix: docs, scripts, data (`Dockerfile.md`, `Dockerfile-lint.sh`).
fn has_other_file_type(name: &str) -> bool {
    const OTHER: [&str; 18] = [
        ".md",
        ".txt",
        ".rst",
        ".sh",
        ".bash",
        ".py",
        ".js",
        ".ts",
        ".go",
        ".rs",
        ".json",
        ".yml",
        ".yaml",
        ".toml",
        ".lock",
        ".dockerignore",
        ".orig",
        ".swp",
    ];
    OTHER.iter().any(|s| name.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_dockerfile_names() {
        for yes in [
            "Dockerfile",
            "Containerfile",
            "Dockerfile.dev",
            "Containerfile.alpine",
            "api.Dockerfile",
            "api.dockerfile",
            "x.Containerfile",
            "Dockerfile-2",
            "Dockerfile_test_cache",
            "Dockerfile1",
            "Containerfile2.bad",
            "dockerfile",
        ] {
            assert!(is_dockerfile_name(yes), "{yes}");
        }
        for no in [
            "Dockerfile.template",
            "Dockerfile.j2",
            "dockerfile-lint.md",
            "README.md",
            "Dockerfile.",
            ".dockerfile",
            "dockerfiles",
            "Dockerfile.md",
            "Dockerfile-lint.sh",
            "Dockerfile_",
        ] {
            assert!(!is_dockerfile_name(no), "{no}");
        }
    }

    #[test]
    fn kinds_by_content() {
        let k = |text: &str| kind_by_content(Path::new("x"), text);
        assert_eq!(
            k("version: '3'\nservices:\n  web:\n    image: a\n"),
            Some(InputKind::Compose)
        );
        assert_eq!(k("# stack\n\"services\":\n  web: {}\n"), Some(InputKind::Compose));
        assert_eq!(k("{\n  \"icc\": false\n}\n"), Some(InputKind::Daemon));
        assert_eq!(k("{\"name\": \"x\", \"version\": \"1\"}"), None);
        assert_eq!(
            k("#!/bin/bash\ndocker run x\n"),
            Some(InputKind::Script(ScriptKind::Shell))
        );
        assert_eq!(k("#!/usr/bin/env python3\n"), None);
        assert_eq!(k("# syntax=docker/dockerfile:1\nFROM a\n"), Some(InputKind::Dockerfile));
        assert_eq!(k("\n# comment\nfrom alpine:3\nRUN true\n"), Some(InputKind::Dockerfile));
        assert_eq!(k("RUN apk add curl\n"), Some(InputKind::Dockerfile));
        assert_eq!(
            k("on: push\njobs:\n  b:\n    runs-on: x\n"),
            Some(InputKind::Script(ScriptKind::GithubWorkflow))
        );
        assert_eq!(
            k("[Unit]\n[Service]\nExecStart=/usr/bin/docker run x\n"),
            Some(InputKind::Script(ScriptKind::SystemdUnit))
        );
        assert_eq!(k("hello world\n"), None);
        assert_eq!(k(""), None);
        assert_eq!(
            kind_by_content(Path::new("deploy.sh"), "docker run x\n"),
            Some(InputKind::Script(ScriptKind::Shell))
        );
    }

    #[test]
    fn names_first() {
        let k = |p: &str| kind_by_name(Path::new(p), None, false);
        assert_eq!(k("a/Dockerfile.dev"), Some(InputKind::Dockerfile));
        assert_eq!(k("compose.yaml"), Some(InputKind::Compose));
        assert_eq!(k("etc/docker/daemon.json"), Some(InputKind::Daemon));
        assert_eq!(k("x/deploy.sh"), Some(InputKind::Script(ScriptKind::Shell)));
        assert_eq!(k("README.md"), None);
        assert_eq!(
            kind_by_name(Path::new("README.md"), None, true),
            Some(InputKind::Script(ScriptKind::Markdown))
        );
        assert_eq!(k("stack.yml"), None);
        assert_eq!(
            kind_by_name(Path::new("run"), Some("#!/bin/sh"), false),
            Some(InputKind::Script(ScriptKind::Shell))
        );
    }
}
