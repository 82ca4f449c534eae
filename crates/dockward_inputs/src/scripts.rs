//! `docker run` lines wherever they are written: shell scripts, Makefiles, CI files
//! (GitHub Actions, GitLab CI, Jenkins, Azure Pipelines, CircleCI, Bitbucket), systemd
//! units, Markdown code blocks, and Dockerfile `RUN` bodies.
//!
//! Each file kind has a small extractor that finds the shell code in it and remembers how
//! each byte of that code maps back to the file (YAML block scalars are dedented, Make's
//! `$$` is unescaped, Groovy string escapes are removed). The code is parsed with
//! `dockward_shell`, every `docker`/`podman` `run`/`create`/`service create` is lowered into a
//! `ContainerSpec` for the container rules. The YAML readers here are line-based on purpose:
//! they only need to find `run:`/`script:` scalars, and they never fail.

use dockward_core::{FileId, Provenance, TextRange};
use dockward_model::build::BuildSpec;
use dockward_model::container::ContainerSpec;
use dockward_model::daemon::{DaemonSpec, lower_dockerd_args};
use dockward_model::run_line::lower_run_line;
use dockward_model::{ImageRef, Sourced};
use dockward_shell::{Word, effective_argv, parse_docker_cli, parse_shell, split_words_lenient};
use std::path::Path;

/// The kinds of file `docker run` lines are looked for in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ScriptKind {
    /// `*.sh`, `*.bash`, or a file with a `sh`/`bash`/… shebang.
    Shell,
    /// `Makefile`, `GNUmakefile`, `*.mk`: recipe lines.
    Makefile,
    /// `.github/workflows/*.yml`, `action.yml`: `run:` steps and `container`/`services`
    /// `options:`.
    GithubWorkflow,
    /// `.gitlab-ci.yml`: `script:`, `before_script:`, `after_script:`.
    GitlabCi,
    /// `Jenkinsfile`: `sh '…'` / `sh """…"""` steps.
    Jenkinsfile,
    /// `azure-pipelines.yml`: `script:`, `bash:`, `inlineScript:`.
    AzurePipelines,
    /// `.circleci/config.yml`: `run:` and `command:`.
    CircleCi,
    /// `bitbucket-pipelines.yml`: `script:` and `after-script:`.
    BitbucketPipelines,
    /// `*.service`: `ExecStart=`, `ExecStartPre=`, … lines.
    SystemdUnit,
    /// `*.md`: fenced `sh`, `bash`, `shell`, `console` blocks. Opt-in (see
    /// [`ScriptKind::is_opt_in`]): documentation shows commands, it does not run them.
    Markdown,
}

impl ScriptKind {
    /// Every kind, for callers that try a text as each (tests, fuzzing).
    pub const ALL: [ScriptKind; 10] = [
        ScriptKind::Shell,
        ScriptKind::Makefile,
        ScriptKind::GithubWorkflow,
        ScriptKind::GitlabCi,
        ScriptKind::Jenkinsfile,
        ScriptKind::AzurePipelines,
        ScriptKind::CircleCi,
        ScriptKind::BitbucketPipelines,
        ScriptKind::SystemdUnit,
        ScriptKind::Markdown,
    ];

    /// Whether the CLI should scan this kind only when asked to (Markdown).
    pub fn is_opt_in(self) -> bool {
        self == ScriptKind::Markdown
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ScriptKind::Shell => "shell",
            ScriptKind::Makefile => "makefile",
            ScriptKind::GithubWorkflow => "github-workflow",
            ScriptKind::GitlabCi => "gitlab-ci",
            ScriptKind::Jenkinsfile => "jenkinsfile",
            ScriptKind::AzurePipelines => "azure-pipelines",
            ScriptKind::CircleCi => "circleci",
            ScriptKind::BitbucketPipelines => "bitbucket-pipelines",
            ScriptKind::SystemdUnit => "systemd-unit",
            ScriptKind::Markdown => "markdown",
        }
    }
}

/// Which kind of script a file is, from its path and its first line (for shebangs);
/// `None` for files that hold no run lines dockward reads.
pub fn script_kind_for(path: &Path, first_line: &str) -> Option<ScriptKind> {
    let name = path.file_name()?.to_str()?;
    let lower = name.to_ascii_lowercase();
    let parent = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let grandparent = path
        .parent()
        .and_then(Path::parent)
        .and_then(Path::file_name)
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if yaml && parent == "workflows" && grandparent == ".github" {
        return Some(ScriptKind::GithubWorkflow);
    }
    if lower == "action.yml" || lower == "action.yaml" {
        return Some(ScriptKind::GithubWorkflow);
    }
    if lower == ".gitlab-ci.yml" || lower == ".gitlab-ci.yaml" || (yaml && lower.ends_with(".gitlab-ci.yml")) {
        return Some(ScriptKind::GitlabCi);
    }
    if yaml && (lower.starts_with("azure-pipelines") || parent == ".azure-pipelines" || parent == ".azuredevops") {
        return Some(ScriptKind::AzurePipelines);
    }
    if yaml && parent == ".circleci" && lower.starts_with("config") {
        return Some(ScriptKind::CircleCi);
    }
    if lower == "bitbucket-pipelines.yml" || lower == "bitbucket-pipelines.yaml" {
        return Some(ScriptKind::BitbucketPipelines);
    }
    if name == "Jenkinsfile" || name.starts_with("Jenkinsfile.") || lower.ends_with(".jenkinsfile") {
        return Some(ScriptKind::Jenkinsfile);
    }
    if matches!(name, "Makefile" | "makefile" | "GNUmakefile") || lower.ends_with(".mk") || lower.ends_with(".mak") {
        return Some(ScriptKind::Makefile);
    }
    // Units, and drop-ins that override them (`docker.service.d/override.conf`).
    if lower.ends_with(".service") || (lower.ends_with(".conf") && parent.ends_with(".service.d")) {
        return Some(ScriptKind::SystemdUnit);
    }
    if lower.ends_with(".md") || lower.ends_with(".markdown") {
        return Some(ScriptKind::Markdown);
    }
    if [".sh", ".bash", ".zsh", ".ksh", ".dash"]
        .iter()
        .any(|e| lower.ends_with(e))
    {
        return Some(ScriptKind::Shell);
    }
    if is_shell_shebang(first_line) {
        return Some(ScriptKind::Shell);
    }
    None
}

/// `#!/bin/sh`, `#!/usr/bin/env bash`, `#!/bin/bash -e`.
pub(crate) fn is_shell_shebang(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("#!") else {
        return false;
    };
    let mut words = rest.split_whitespace();
    let Some(first) = words.next() else { return false };
    let mut program = first.rsplit('/').next().unwrap_or(first);
    if program == "env" {
        program = words.find(|w| !w.starts_with('-')).unwrap_or("");
    }
    matches!(program, "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh")
}

/// What a script file holds for the rules: the containers its run lines start, the
/// daemons its `dockerd` lines start, and the places suppression pragmas can attach to.
#[derive(Debug, Default)]
pub struct RunLines {
    pub specs: Vec<ContainerSpec>,
    /// `dockerd …` command lines (systemd `ExecStart=`, start scripts, CI jobs), each on its
    /// own: settings they do not give are unknown (dockerd also reads a `daemon.json`).
    pub daemons: Vec<DaemonSpec>,
    /// Every shell command (file ranges, each running to the end of its last line), for
    /// suppression comments to attach to.
    pub statements: Vec<TextRange>,
    /// Every `#` comment of the file (where pragmas are read).
    pub comments: Vec<TextRange>,
}

/// Finds and lowers the `docker run` lines of one file of `kind`.
pub fn run_lines(file: FileId, text: &str, kind: ScriptKind) -> RunLines {
    let mut found = find_run_lines(file, text, kind);
    if kind == ScriptKind::SystemdUnit && !is_oneshot_unit(text) {
        // A unit's `docker run --rm` is a long-running service that systemd supervises;
        // `--rm` only removes the container when it stops. Limits, restart and health
        // rules apply as to any service.
        for spec in &mut found.specs {
            spec.auto_remove = false;
        }
    }
    RunLines {
        specs: found.specs,
        daemons: found.daemons,
        statements: found.statements,
        comments: hash_comments(text),
    }
}

/// `Type=oneshot`: the unit runs its command to completion (a job, not a service).
fn is_oneshot_unit(text: &str) -> bool {
    text.lines().any(|line| {
        line.trim()
            .strip_prefix("Type")
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix('='))
            .is_some_and(|value| value.trim() == "oneshot")
    })
}

/// The containers `RUN` instructions start (`docker run` inside a build: docker-in-docker
/// images, test stages). Their findings point into the Dockerfile.
pub fn container_specs_in_build(build: &BuildSpec<'_>) -> Vec<ContainerSpec> {
    let mut specs = Vec::new();
    let mut built = Vec::new();
    for stage in &build.stages {
        for instruction in &stage.instructions {
            let Some(run) = &instruction.run else { continue };
            for script in &run.scripts {
                let map = |r: TextRange| script.to_source(r);
                for command in &script.script.commands {
                    collect_built_image(&command.words, command.range, &map, build.file, &mut built);
                    if let Some(invocation) = parse_docker_cli(&command.words) {
                        specs.push(lower_run_line(build.file, &invocation, &map));
                    }
                }
            }
        }
    }
    mark_locally_built(&mut specs, &built);
    specs
}

struct Found {
    specs: Vec<ContainerSpec>,
    daemons: Vec<DaemonSpec>,
    /// Every shell command (file ranges), for suppression comments to attach to.
    statements: Vec<TextRange>,
}

fn find_run_lines(file: FileId, text: &str, kind: ScriptKind) -> Found {
    let snippets = extract(text, kind);
    let mut found = Found {
        specs: Vec::new(),
        daemons: Vec::new(),
        statements: Vec::new(),
    };
    let mut built = Vec::new();
    for snippet in &snippets {
        let map = |r: TextRange| snippet.map(r);
        if snippet.argv {
            // Not shell (systemd): plain words, unless it runs a shell with `-c`.
            let words = split_words_lenient(&snippet.text);
            let whole = words
                .first()
                .map_or(TextRange::default(), |w| w.raw)
                .cover(words.last().map_or(TextRange::default(), |w| w.raw));
            found.statements.push(map(whole));
            if let Some((code, offset)) = shell_c_argument(&words) {
                scan_code(code, offset, &map, file, snippet.writable, &mut found, &mut built);
            } else {
                scan_command(&words, whole, &map, file, snippet.writable, &mut found, &mut built);
            }
            continue;
        }
        let script = parse_shell(&snippet.text);
        for command in &script.commands {
            found.statements.push(map(command.range));
            scan_command(
                &command.words,
                command.range,
                &map,
                file,
                snippet.writable,
                &mut found,
                &mut built,
            );
            // `ssh host "docker run …"` starts the container on that host. Only here, for
            // run lines: inside a Dockerfile RUN it would not be the image's own container.
            match ssh_remote_command(&command.words) {
                Some(Remote::Code(code, offset)) => {
                    scan_code(code, offset, &map, file, false, &mut found, &mut built);
                }
                Some(Remote::Argv(words)) => {
                    let whole = words[0].raw.cover(words[words.len() - 1].raw);
                    scan_command(words, whole, &map, file, false, &mut found, &mut built);
                }
                None => {}
            }
        }
    }
    mark_locally_built(&mut found.specs, &built);
    // A statement runs to the end of its last line, so a trailing `# dockward: ignore[…]`
    // after a multi-line command covers all of it.
    for r in &mut found.statements {
        let end = r.end as usize;
        if let Some(rest) = text.get(end..) {
            let eol = rest.find('\n').map_or(text.len(), |k| end + k);
            *r = TextRange::from_usize(r.start as usize, eol);
        }
    }
    found.statements.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    found.statements.dedup();
    found
}

/// Scans the commands of a shell string another command runs (`sh -c "…"`, `ssh host
/// "…"`). Their ranges map into the file through `offset`, the place of the string's value
/// in the text; without one (the value is not the text as written), onto the whole word.
fn scan_code(
    code: &Word,
    offset: Option<u32>,
    map: &dyn Fn(TextRange) -> TextRange,
    file: FileId,
    writable: bool,
    found: &mut Found,
    built: &mut Vec<(ImageRef, Provenance)>,
) {
    let script = parse_shell(&code.value);
    let inner = |r: TextRange| match offset {
        Some(o) => map(r.shifted(o)),
        None => map(code.raw),
    };
    for command in &script.commands {
        scan_command(&command.words, command.range, &inner, file, writable, found, built);
    }
}

/// Lowers one command if it is a docker run line; records the images it builds.
fn scan_command(
    words: &[Word],
    range: TextRange,
    map: &dyn Fn(TextRange) -> TextRange,
    file: FileId,
    writable: bool,
    found: &mut Found,
    built: &mut Vec<(ImageRef, Provenance)>,
) {
    collect_built_image(words, range, map, file, built);
    if let Some(invocation) = parse_docker_cli(words) {
        let mut spec = lower_run_line(file, &invocation, map);
        if !writable {
            spec.writer = None;
        }
        found.specs.push(spec);
    } else if let Some(daemon) = lower_dockerd_args(file, words, map) {
        found.daemons.push(daemon);
    }
}

/// `/bin/sh -c 'docker run …'`: the code word, and the offset of its value in the text
/// when the value is the word minus its quotes (so ranges map exactly).
fn shell_c_argument(words: &[Word]) -> Option<(&Word, Option<u32>)> {
    let first = words.first()?;
    let name = first.value.rsplit('/').next().unwrap_or("");
    if !matches!(name, "sh" | "bash" | "dash" | "ash" | "zsh") {
        return None;
    }
    let c = words
        .iter()
        .position(|w| w.value.starts_with('-') && !w.value.starts_with("--") && w.value.contains('c'))?;
    let code = words.get(c + 1)?;
    Some((code, value_offset(code)))
}

/// Where a word's value starts in the text, when the value is the word as written or the
/// word minus its surrounding quotes (so ranges inside it map exactly); `None` otherwise
/// (escapes or several quoted parts shift the value against the text).
fn value_offset(code: &Word) -> Option<u32> {
    if code.raw.len() as usize == code.value.len() + 2 {
        Some(code.raw.start + 1)
    } else if code.is_plain() {
        Some(code.raw.start)
    } else {
        None
    }
}

/// The command an `ssh` line runs on the remote host.
enum Remote<'w> {
    /// One word (`"docker run …"`), which the remote shell parses; with the offset of its
    /// value in the text when the value is the word minus its quotes.
    Code(&'w Word, Option<u32>),
    /// Several words, joined by ssh with spaces: read as the argv they spell.
    Argv(&'w [Word]),
}

/// `ssh [options] host command…`: the remote command, if any.
fn ssh_remote_command(words: &[Word]) -> Option<Remote<'_>> {
    let first = words.first()?;
    if first.value.rsplit('/').next() != Some("ssh") {
        return None;
    }
    // OpenSSH's options that take a value (`-p 2222`, or attached: `-p2222`).
    const WITH_VALUE: &[u8] = b"BbcDEeFIiJLlmOoPpQRSWw";
    let mut i = 1;
    while let Some(w) = words.get(i) {
        let v = w.value.as_str();
        if v == "--" {
            i += 1;
            break;
        }
        if !v.starts_with('-') || v.len() < 2 {
            break;
        }
        i += 1;
        // The first letter that takes a value ends the cluster; it takes the next word
        // when nothing follows it.
        if let Some(at) = v.bytes().skip(1).position(|b| WITH_VALUE.contains(&b))
            && at + 2 == v.len()
        {
            i += 1;
        }
    }
    let rest = words.get(i + 1..).filter(|r| !r.is_empty())?;
    if let [code] = rest {
        return Some(Remote::Code(code, value_offset(code)));
    }
    Some(Remote::Argv(rest))
}

/// Records the `-t`/`--tag` names of `docker build`, `docker buildx build`,
/// `docker image build`, `podman build`, `buildah bud|build` and the targets of `docker tag`.
fn collect_built_image(
    words: &[Word],
    range: TextRange,
    map: &dyn Fn(TextRange) -> TextRange,
    file: FileId,
    out: &mut Vec<(ImageRef, Provenance)>,
) {
    let argv = effective_argv(words);
    let Some(first) = argv.first().filter(|w| w.is_literal()) else {
        return;
    };
    let tool = first.value.rsplit('/').next().unwrap_or("");
    let words: Vec<&str> = argv.iter().map(|w| w.value.as_str()).collect();
    let at = Provenance::text(file, map(range));
    let rest: &[&str] = match (tool, words.get(1).copied(), words.get(2).copied()) {
        ("docker" | "podman", Some("build"), _) => &words[2..],
        ("docker" | "podman", Some("buildx" | "image" | "builder"), Some("build")) => &words[3..],
        ("buildah", Some("bud" | "build"), _) => &words[2..],
        ("docker" | "podman", Some("tag"), _) | ("docker" | "podman", Some("image"), Some("tag")) => {
            let targets = if words[1] == "tag" { &words[2..] } else { &words[3..] };
            if let Some(target) = targets.iter().filter(|w| !w.starts_with('-')).nth(1) {
                out.push((ImageRef::parse(target), at));
            }
            return;
        }
        _ => return,
    };
    let mut i = 0;
    while i < rest.len() {
        let w = rest[i];
        let tag = if w == "-t" || w == "--tag" {
            i += 1;
            rest.get(i).copied()
        } else {
            w.strip_prefix("--tag=")
                .or_else(|| w.strip_prefix("-t"))
                .filter(|t| !t.is_empty())
        };
        if let Some(tag) = tag {
            out.push((ImageRef::parse(tag.trim_start_matches('=')), at.clone()));
        }
        i += 1;
    }
}

/// Specs whose image the same file builds get `build` set: rules about pulled images
/// (floating tags, digests) do not apply to them.
fn mark_locally_built(specs: &mut [ContainerSpec], built: &[(ImageRef, Provenance)]) {
    if built.is_empty() {
        return;
    }
    let key = |r: &ImageRef| {
        (
            r.registry.clone(),
            r.path.clone(),
            r.tag.clone().unwrap_or_else(|| "latest".to_string()),
        )
    };
    for spec in specs.iter_mut() {
        let Some(image) = spec.image.get() else { continue };
        if let Some((r, at)) = built.iter().find(|(r, _)| key(r) == key(image) || r.raw == image.raw) {
            spec.build = Some(Sourced::set(r.raw.clone(), at.clone()));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Snippets: shell code cut out of a file, with a byte map back into it.

/// Shell code taken from a file: runs of file bytes joined by synthetic text (newlines
/// between dedented lines, a `docker create` prefix for CI `options:`).
#[derive(Debug, Default)]
struct Snippet {
    text: String,
    /// `(snippet offset, file offset, length)` of each run of file bytes, in order.
    pieces: Vec<(u32, u32, u32)>,
    /// Where ranges that fall on synthetic text point.
    anchor: Option<TextRange>,
    /// Fixes may edit the file through this snippet's map.
    writable: bool,
    /// The text is an argv line (systemd), not shell code.
    argv: bool,
}

impl Snippet {
    fn new() -> Self {
        Snippet {
            writable: true,
            ..Snippet::default()
        }
    }

    fn whole(text: &str) -> Self {
        let mut s = Snippet::new();
        s.push(text, 0);
        s
    }

    /// Appends file bytes `s`, which start at `file_start` in the file.
    fn push(&mut self, s: &str, file_start: usize) {
        if s.is_empty() {
            return;
        }
        let at = self.text.len() as u32;
        // Merge with the previous piece when contiguous in both texts.
        if let Some(last) = self.pieces.last_mut()
            && last.0 + last.2 == at
            && last.1 + last.2 == file_start as u32
        {
            last.2 += s.len() as u32;
        } else {
            self.pieces.push((at, file_start as u32, s.len() as u32));
        }
        self.text.push_str(s);
    }

    fn push_synthetic(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    /// File offset of snippet offset `off`; `end` picks the piece a range ends in.
    fn locate(&self, off: u32, end: bool) -> Option<u32> {
        let idx = self.pieces.partition_point(|p| p.0 + p.2 < off);
        let candidates = self.pieces.get(idx..)?.iter().take(2);
        for &(at, file, len) in candidates {
            let inside = if end {
                at < off && off <= at + len
            } else {
                at <= off && off < at + len
            };
            if inside {
                return Some(file + (off - at));
            }
        }
        // An empty range at the very end of a piece (an insertion after its last byte).
        let &(at, file, len) = self.pieces.get(idx)?;
        (off == at + len).then_some(file + len)
    }

    fn map(&self, r: TextRange) -> TextRange {
        let start = self.locate(r.start, false);
        let end = if r.is_empty() { start } else { self.locate(r.end, true) };
        match (start, end) {
            (Some(s), Some(e)) if s <= e => TextRange::new(s, e),
            _ => self.anchor.unwrap_or_else(|| {
                self.pieces
                    .first()
                    .map_or(TextRange::default(), |&(_, f, l)| TextRange::new(f, f + l))
            }),
        }
    }
}

fn extract(text: &str, kind: ScriptKind) -> Vec<Snippet> {
    let snippets = match kind {
        ScriptKind::Shell => vec![Snippet::whole(text)],
        ScriptKind::Makefile => makefile_recipes(text),
        ScriptKind::SystemdUnit => systemd_exec_lines(text),
        ScriptKind::Markdown => markdown_blocks(text),
        ScriptKind::Jenkinsfile => {
            let clean = neutralize_templates(text, false);
            let mut v = jenkins_sh_steps(&clean);
            v.extend(jenkins_docker_image_args(&clean));
            v
        }
        ScriptKind::GithubWorkflow => {
            let mut v = ci_shell_snippets(text, kind);
            v.extend(github_container_options(&neutralize_templates(text, false)));
            v
        }
        ScriptKind::GitlabCi => {
            let mut v = ci_shell_snippets(text, kind);
            v.extend(ci_service_containers(
                &neutralize_templates(text, false),
                "services",
                "name",
            ));
            v
        }
        ScriptKind::AzurePipelines => {
            yaml_scalars(&neutralize_templates(text, false), &["script", "bash", "inlineScript"])
        }
        ScriptKind::CircleCi => {
            let mut v = ci_shell_snippets(text, kind);
            v.extend(ci_service_containers(
                &neutralize_templates(text, true),
                "docker",
                "image",
            ));
            v
        }
        ScriptKind::BitbucketPipelines => ci_shell_snippets(text, kind),
    };
    snippets.into_iter().filter(|s| !s.is_blank()).collect()
}

/// The shell code of a YAML CI file: `run:` steps, `script:` lists and the like, with CI
/// template expressions read as `${___}` (see [`neutralize_templates`]). Azure Pipelines'
/// `script:` is cmd on Windows agents and `inlineScript:` may be PowerShell, so only its
/// `bash:` counts as shell here; [`extract`] reads all three for run lines.
fn ci_shell_snippets(text: &str, kind: ScriptKind) -> Vec<Snippet> {
    let (keys, circleci): (&[&str], bool) = match kind {
        ScriptKind::GithubWorkflow => (&["run"], false),
        ScriptKind::GitlabCi => (&["script", "before_script", "after_script"], false),
        ScriptKind::CircleCi => (&["run", "command"], true),
        ScriptKind::BitbucketPipelines => (&["script", "after-script"], false),
        ScriptKind::AzurePipelines => (&["bash"], false),
        _ => return Vec::new(),
    };
    yaml_scalars(&neutralize_templates(text, circleci), keys)
}

/// Shell code a CI file runs, with the map of its bytes back into the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShellCode {
    pub text: String,
    /// `(offset in text, offset in the file, length)` of each run of file bytes, in order;
    /// text between runs (line breaks of folded scalars) is not the file's.
    pub pieces: Vec<(u32, u32, u32)>,
}

/// The shell code of a YAML CI file of `kind` (GitHub, GitLab, CircleCI, Bitbucket, and
/// Azure's `bash:` steps), for ShellCheck; none for other kinds. The containers a CI file
/// declares (services, options) are not shell and are not included.
pub fn ci_shell_code(text: &str, kind: ScriptKind) -> Vec<ShellCode> {
    ci_shell_snippets(text, kind)
        .into_iter()
        .filter(|s| !s.is_blank())
        .map(|s| ShellCode {
            text: s.text,
            pieces: s.pieces,
        })
        .collect()
}

/// Replaces CI template expressions that are not shell (`${{ secrets.X }}`, CircleCI's
/// `<< parameters.x >>`) with a same-length `${___}` so the shell parser sees one unknown
/// word and every offset still matches the file.
fn neutralize_templates(text: &str, circleci: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    let mut run = 0;
    while i < b.len() {
        // Only ASCII bytes are compared, so every slice below starts on a char boundary.
        let (open, close): (&[u8], &str) = if b[i..].starts_with(b"${{") {
            (b"${{", "}}")
        } else if circleci && b[i..].starts_with(b"<<") && {
            let after = text[i + 2..].trim_start();
            ["parameters.", "pipeline.", "matrix."]
                .iter()
                .any(|p| after.starts_with(p))
        } {
            (b"<<", ">>")
        } else {
            i += 1;
            continue;
        };
        let line_end = text[i..].find('\n').map_or(text.len(), |k| i + k);
        let Some(k) = text[i + open.len()..line_end].find(close) else {
            i += 1;
            continue;
        };
        let end = i + open.len() + k + close.len();
        out.push_str(&text[run..i]);
        let len = end - i;
        out.push_str("${");
        out.extend(std::iter::repeat_n('_', len - 3));
        out.push('}');
        i = end;
        run = end;
    }
    out.push_str(&text[run..]);
    debug_assert_eq!(out.len(), text.len());
    out
}

/// Lines with their start offsets (without line terminators).
fn lines_of(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n').trim_end_matches('\r');
        out.push((start, body));
        start += line.len();
    }
    out
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

// ---------------------------------------------------------------------------------------
// Makefiles

fn makefile_recipes(text: &str) -> Vec<Snippet> {
    let lines = lines_of(text);
    let mut out = Vec::new();
    let mut in_rule = false;
    let mut in_define = false;
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        let trimmed = line.trim_start();
        if in_define {
            in_define = !trimmed.starts_with("endef");
            i += 1;
            continue;
        }
        if trimmed.starts_with("define ") || trimmed == "define" {
            in_define = true;
            i += 1;
            continue;
        }
        if let Some(recipe) = line.strip_prefix('\t').filter(|_| in_rule) {
            // One recipe line and its `\` continuations run in one shell.
            let mut snippet = Snippet::new();
            let mut j = i;
            let mut body_start = start + 1;
            let mut body = recipe;
            loop {
                // Make's `@`, `-` and `+` prefixes only lead the first line.
                let skip = if j == i {
                    body.len() - body.trim_start_matches(['@', '-', '+', ' ', '\t']).len()
                } else {
                    0
                };
                push_make_text(&mut snippet, &body[skip..], body_start + skip);
                if !lines[j].1.ends_with('\\') || j + 1 >= lines.len() {
                    break;
                }
                snippet.push_synthetic("\n");
                j += 1;
                let (s, l) = lines[j];
                let stripped = l.strip_prefix('\t').unwrap_or(l);
                body_start = s + (l.len() - stripped.len());
                body = stripped;
            }
            out.push(snippet);
            i = j + 1;
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        in_rule = is_rule_line(line);
        if in_rule {
            // `target: deps ; command`
            if let Some(k) = inline_recipe(line) {
                let mut snippet = Snippet::new();
                push_make_text(&mut snippet, &line[k..], start + k);
                out.push(snippet);
            }
        }
        i += 1;
    }
    out
}

/// Appends recipe text with Make's `$$` unescaped to `$` (the shell's `$`).
fn push_make_text(snippet: &mut Snippet, s: &str, file_start: usize) {
    let mut run = 0;
    let mut k = 0;
    let b = s.as_bytes();
    while k + 1 < b.len() {
        if b[k] == b'$' && b[k + 1] == b'$' {
            snippet.push(&s[run..=k], file_start + run);
            k += 2;
            run = k;
        } else {
            k += 1;
        }
    }
    snippet.push(&s[run..], file_start + run);
}

/// `target: prereqs`, `a b: c`, `%.o: %.c`, but not `X := y`, `X = a:b` or `export X`.
fn is_rule_line(line: &str) -> bool {
    if line.starts_with('\t') {
        return false;
    }
    let Some(colon) = line.find(':') else { return false };
    let before = &line[..colon];
    let after = &line[colon + 1..];
    !before.contains('=') && !after.starts_with('=') && !after.starts_with(":=") && !before.trim().is_empty()
}

fn inline_recipe(line: &str) -> Option<usize> {
    let colon = line.find(':')?;
    let semi = line[colon..].find(';')? + colon;
    Some(semi + 1)
}

// ---------------------------------------------------------------------------------------
// systemd units

fn systemd_exec_lines(text: &str) -> Vec<Snippet> {
    const KEYS: [&str; 7] = [
        "ExecStart",
        "ExecStartPre",
        "ExecStartPost",
        "ExecReload",
        "ExecStop",
        "ExecStopPost",
        "ExecCondition",
    ];
    let lines = lines_of(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (start, line) = lines[i];
        let lead = line.len() - line.trim_start().len();
        let body = &line[lead..];
        let Some((key, _)) = body.split_once('=') else {
            i += 1;
            continue;
        };
        if !KEYS.contains(&key.trim()) {
            i += 1;
            continue;
        }
        let mut k = lead + key.len() + 1;
        // Prefixes: `-` ignore failure, `@` argv0, `:` no expansion, `+`/`!`/`!!` privileges.
        k += line[k..].len() - line[k..].trim_start_matches(['-', '@', ':', '+', '!', ' ']).len();
        let mut snippet = Snippet::new();
        snippet.argv = true;
        // A trailing `\` joins the next line (systemd replaces it with a space).
        let mut j = i;
        let mut piece = (&line[k..], start + k);
        loop {
            let continued = piece.0.ends_with('\\') && j + 1 < lines.len();
            let body = if continued {
                &piece.0[..piece.0.len() - 1]
            } else {
                piece.0
            };
            snippet.push(body, piece.1);
            if !continued {
                break;
            }
            snippet.push_synthetic(" ");
            j += 1;
            piece = (lines[j].1, lines[j].0);
        }
        out.push(snippet);
        i = j + 1;
    }
    out
}

// ---------------------------------------------------------------------------------------
// Markdown

fn markdown_blocks(text: &str) -> Vec<Snippet> {
    const SHELLS: [&str; 9] = [
        "sh",
        "bash",
        "shell",
        "zsh",
        "console",
        "shell-session",
        "shellsession",
        "terminal",
        "bash-session",
    ];
    let lines = lines_of(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (_, line) = lines[i];
        let indent = indent_of(line);
        let body = &line[indent..];
        let fence = if body.starts_with("```") {
            "```"
        } else if body.starts_with("~~~") {
            "~~~"
        } else {
            i += 1;
            continue;
        };
        let info = body.trim_start_matches(fence.as_bytes()[0] as char).trim();
        let lang = info
            .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        let mut j = i + 1;
        while j < lines.len() && !lines[j].1.trim_start().starts_with(fence) {
            j += 1;
        }
        if SHELLS.contains(&lang.as_str()) {
            let session = matches!(
                lang.as_str(),
                "console" | "shell-session" | "shellsession" | "terminal" | "bash-session"
            );
            let mut snippet = Snippet::new();
            let mut continuing = false;
            for &(start, l) in &lines[i + 1..j] {
                let dedent = indent_of(l).min(indent);
                let content = &l[dedent..];
                let (skip, is_command) = prompt_len(content);
                if session && !is_command && !continuing {
                    continuing = false;
                    snippet.push_synthetic("\n");
                    continue;
                }
                let code_start = if is_command { skip } else { 0 };
                snippet.push(&content[code_start..], start + dedent + code_start);
                snippet.push_synthetic("\n");
                continuing = content.ends_with('\\');
            }
            out.push(snippet);
        }
        i = j + 1;
    }
    out
}

/// `$ `, `% `, `# ` (root), `> ` prompts: their length, and whether there was one.
fn prompt_len(line: &str) -> (usize, bool) {
    for prompt in ["$ ", "% ", "> "] {
        if line.starts_with(prompt) {
            return (prompt.len(), true);
        }
    }
    // `# docker run …` in a session is a root prompt; `# comment` stays a comment.
    if let Some(rest) = line.strip_prefix("# ")
        && rest
            .split_whitespace()
            .next()
            .is_some_and(|w| matches!(w, "docker" | "podman" | "sudo"))
    {
        return (2, true);
    }
    (0, false)
}

// ---------------------------------------------------------------------------------------
// Jenkinsfile (Groovy)

fn jenkins_sh_steps(text: &str) -> Vec<Snippet> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = text[i..].find("sh") {
        let at = i + k;
        i = at + 2;
        let before_ok = at == 0 || !(b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_' || b[at - 1] == b'.');
        let after = b.get(at + 2).copied().unwrap_or(b' ');
        if !before_ok || !(after == b' ' || after == b'(' || after == b'\t' || after == b'\'' || after == b'"') {
            continue;
        }
        let mut p = at + 2;
        while p < b.len() && matches!(b[p], b' ' | b'\t' | b'(') {
            p += 1;
        }
        if p < b.len() && b[p].is_ascii_alphabetic() {
            // Named arguments: `sh label: 'x', script: '…'`.
            let window_end = (p + 400).min(b.len());
            let window = &text[p..floor_char_boundary(text, window_end)];
            let Some(s) = window.find("script:") else { continue };
            p += s + "script:".len();
            while p < b.len() && matches!(b[p], b' ' | b'\t') {
                p += 1;
            }
        }
        if let Some((snippet, end)) = groovy_string(text, p) {
            out.push(snippet);
            i = end;
        }
    }
    out
}

/// `docker.image('img').inside('-u 0 --net host …')` (also `.run(…)`, `.withRun(…)`): the
/// arguments are `docker run` options, lowered as `docker run <args> <image>`.
fn jenkins_docker_image_args(text: &str) -> Vec<Snippet> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(k) = text[i..].find(".image(") {
        let open = i + k + ".image(".len();
        i = open;
        let mut p = open;
        while p < b.len() && b[p].is_ascii_whitespace() {
            p += 1;
        }
        let Some((image, end)) = groovy_string(text, p) else {
            continue;
        };
        let mut q = end;
        while q < b.len() && (b[q].is_ascii_whitespace() || b[q] == b')') {
            q += 1;
            if b[q - 1] == b')' {
                break;
            }
        }
        while q < b.len() && b[q].is_ascii_whitespace() {
            q += 1;
        }
        let Some(method) = [".inside(", ".run(", ".withRun("]
            .iter()
            .find(|m| b[q..].starts_with(m.as_bytes()))
        else {
            continue;
        };
        let mut a = q + method.len();
        while a < b.len() && b[a].is_ascii_whitespace() {
            a += 1;
        }
        let Some((args, args_end)) = groovy_string(text, a) else {
            continue;
        };
        let mut snippet = Snippet::new();
        snippet.writable = false;
        snippet.anchor = Some(TextRange::from_usize(a, args_end));
        snippet.push_synthetic("docker run ");
        for &(at, file, len) in &args.pieces {
            snippet.push(&args.text[at as usize..(at + len) as usize], file as usize);
        }
        snippet.push_synthetic(" ");
        for &(at, file, len) in &image.pieces {
            snippet.push(&image.text[at as usize..(at + len) as usize], file as usize);
        }
        out.push(snippet);
        i = args_end;
    }
    out
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A Groovy string literal starting at `p`, with escapes removed; and the offset after it.
fn groovy_string(text: &str, p: usize) -> Option<(Snippet, usize)> {
    let rest = text.get(p..)?;
    let (delim, triple) = if rest.starts_with("'''") {
        ("'''", true)
    } else if rest.starts_with("\"\"\"") {
        ("\"\"\"", true)
    } else if rest.starts_with('\'') {
        ("'", false)
    } else if rest.starts_with('"') {
        ("\"", false)
    } else {
        return None;
    };
    let body_start = p + delim.len();
    let b = text.as_bytes();
    let mut snippet = Snippet::new();
    let mut run = body_start;
    let mut k = body_start;
    while k < b.len() {
        if b[k] == b'\\' && k + 1 < b.len() && matches!(b[k + 1], b'\\' | b'\'' | b'"' | b'$') {
            snippet.push(&text[run..k], run);
            run = k + 1; // keep the escaped character, drop the backslash
            k += 2;
            continue;
        }
        if b[k..].starts_with(delim.as_bytes()) {
            snippet.push(&text[run..k], run);
            return Some((snippet, k + delim.len()));
        }
        if !triple && b[k] == b'\n' {
            return None;
        }
        k += 1;
    }
    None
}

// ---------------------------------------------------------------------------------------
// YAML (CI files): a line-based reader for the scalars of a few keys.

/// A `key:` at the start of a line (after indentation and `- ` markers).
struct KeyLine<'t> {
    key: &'t str,
    /// Column of the key.
    col: usize,
    /// Column of the line's first non-blank byte (the `-` of a list item, or the key).
    line_indent: usize,
    /// Offset in the line just after the colon.
    value_col: usize,
}

fn key_line(line: &str) -> Option<KeyLine<'_>> {
    let line_indent = indent_of(line);
    let mut col = line_indent;
    while line[col..].starts_with("- ") || line[col..].starts_with("-\t") {
        col += 1;
        col += line[col..].len() - line[col..].trim_start_matches([' ', '\t']).len();
    }
    let rest = &line[col..];
    let end = rest.find(':')?;
    let key = rest[..end].trim_matches(['"', '\'']);
    if key.is_empty() || key.contains([' ', '#', '{', '[', '"', '\'']) {
        return None;
    }
    let after = &rest[end + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    Some(KeyLine {
        key,
        col,
        line_indent,
        value_col: col + end + 1,
    })
}

fn yaml_scalars(text: &str, keys: &[&str]) -> Vec<Snippet> {
    let lines = lines_of(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (_, line) = lines[i];
        let Some(kl) = key_line(line).filter(|kl| keys.contains(&kl.key)) else {
            i += 1;
            continue;
        };
        i = yaml_value(&lines, i, kl.value_col, kl.col, kl.line_indent, &mut out);
    }
    out
}

/// Reads the value that starts at column `value_col` of line `i` (a key's value or a list
/// item) into `out`; returns the index of the first line after it. `key_col` is the
/// column of the key (continuation lines must be indented more), `line_indent` that of
/// the line (a sequence below may start there).
fn yaml_value(
    lines: &[(usize, &str)],
    i: usize,
    value_col: usize,
    key_col: usize,
    line_indent: usize,
    out: &mut Vec<Snippet>,
) -> usize {
    let (start, line) = lines[i];
    let raw = &line[value_col.min(line.len())..];
    let lead = raw.len() - raw.trim_start().len();
    let value = raw.trim_start();
    let value_start = start + value_col + lead;
    if value.starts_with('|') || value.starts_with('>') {
        let (snippet, next) = block_scalar(lines, i, value, line_indent);
        out.push(snippet);
        return next;
    }
    if value.is_empty() || value.starts_with('#') {
        // A sequence of commands below (`script:\n  - a\n  - b`), or a nested mapping
        // whose keys the caller's loop will see.
        let Some(j) = (i + 1..lines.len()).find(|&j| !is_blank_or_comment(lines[j].1)) else {
            return i + 1;
        };
        let seq_indent = indent_of(lines[j].1);
        if seq_indent < line_indent || !lines[j].1[seq_indent..].starts_with('-') {
            return i + 1;
        }
        let mut k = j;
        while k < lines.len() {
            let l = lines[k].1;
            if is_blank_or_comment(l) {
                k += 1;
                continue;
            }
            let ind = indent_of(l);
            if ind != seq_indent || !(l[ind..].starts_with("- ") || &l[ind..] == "-") {
                break;
            }
            if key_line(l).is_some() {
                // A mapping item (`- name: x`): not a command.
                k += 1;
                while k < lines.len() && (is_blank_or_comment(lines[k].1) || indent_of(lines[k].1) > seq_indent) {
                    k += 1;
                }
                continue;
            }
            k = yaml_value(lines, k, ind + 1, ind, ind, out);
        }
        return k;
    }
    if value.starts_with('[') {
        for (s, e) in flow_items(value) {
            let mut snippet = Snippet::new();
            snippet.push(&value[s..e], value_start + s);
            out.push(snippet);
        }
        return i + 1;
    }
    // A one-line scalar, quoted or plain; a plain one may continue on more-indented lines.
    let mut snippet = Snippet::new();
    if let Some((s, e)) = quoted_scalar(value) {
        snippet.push(&value[s..e], value_start + s);
        out.push(snippet);
        return i + 1;
    }
    let content = strip_yaml_comment(value);
    snippet.push(content, value_start);
    let mut j = i + 1;
    while j < lines.len() {
        let (s, l) = lines[j];
        if l.trim().is_empty() || indent_of(l) <= key_col || l.trim_start().starts_with('#') {
            break;
        }
        let ind = indent_of(l);
        snippet.push_synthetic(" ");
        snippet.push(strip_yaml_comment(&l[ind..]), s + ind);
        j += 1;
    }
    out.push(snippet);
    j
}

fn is_blank_or_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

/// A block scalar (`|`, `|-`, `>+2`, …) whose header is on line `i`; returns the snippet
/// and the index of the first line after it.
fn block_scalar(lines: &[(usize, &str)], i: usize, header: &str, parent_indent: usize) -> (Snippet, usize) {
    let folded = header.starts_with('>');
    let explicit = header[1..]
        .chars()
        .take(2)
        .find_map(|c| c.to_digit(10))
        .map(|d| parent_indent + d as usize);
    let mut snippet = Snippet::new();
    let mut j = i + 1;
    let mut block_indent = explicit;
    let mut prev_plain = false;
    while j < lines.len() {
        let (s, l) = lines[j];
        if l.trim().is_empty() {
            snippet.push_synthetic("\n");
            prev_plain = false;
            j += 1;
            continue;
        }
        let ind = indent_of(l);
        let bi = *block_indent.get_or_insert(ind);
        if ind < bi || ind <= parent_indent {
            break;
        }
        let plain = ind == bi;
        if folded && plain && prev_plain {
            snippet.push_synthetic(" ");
        } else if !snippet.text.is_empty() || j > i + 1 {
            snippet.push_synthetic("\n");
        }
        snippet.push(&l[bi..], s + bi);
        prev_plain = plain;
        j += 1;
    }
    (snippet, j)
}

/// The content range of a quoted scalar that closes on its line.
fn quoted_scalar(value: &str) -> Option<(usize, usize)> {
    let q = value.as_bytes().first().copied().filter(|&c| c == b'"' || c == b'\'')?;
    let b = value.as_bytes();
    let mut k = 1;
    while k < b.len() {
        if q == b'"' && b[k] == b'\\' {
            k += 2;
            continue;
        }
        if b[k] == q {
            if q == b'\'' && b.get(k + 1) == Some(&b'\'') {
                k += 2;
                continue;
            }
            return Some((1, k));
        }
        k += 1;
    }
    None
}

/// `value  # comment` → `value`.
fn strip_yaml_comment(value: &str) -> &str {
    let b = value.as_bytes();
    for k in 1..b.len() {
        if b[k] == b'#' && (b[k - 1] == b' ' || b[k - 1] == b'\t') {
            return value[..k].trim_end();
        }
    }
    value.trim_end()
}

/// The content ranges of the quoted (or plain) items of a one-line flow sequence.
fn flow_items(value: &str) -> Vec<(usize, usize)> {
    let Some(close) = value.rfind(']') else {
        return Vec::new();
    };
    let inner = &value[1..close];
    let mut items = Vec::new();
    let mut k = 0;
    let b = inner.as_bytes();
    while k < b.len() {
        while k < b.len() && matches!(b[k], b' ' | b',') {
            k += 1;
        }
        if k >= b.len() {
            break;
        }
        if let Some((s, e)) = quoted_scalar(&inner[k..]) {
            items.push((1 + k + s, 1 + k + e));
            k += e + 1;
        } else {
            let end = inner[k..].find(',').map_or(b.len(), |e| k + e);
            items.push((1 + k, 1 + end));
            k = end;
        }
    }
    items
}

/// GitHub Actions `container:` and `services:` entries with `options:`: docker create
/// options plus an `image:`, lowered as if written `docker create <options> <image>`.
fn github_container_options(text: &str) -> Vec<Snippet> {
    let lines = lines_of(text);
    let mut out = Vec::new();
    for (i, &(start, line)) in lines.iter().enumerate() {
        let Some(kl) = key_line(line).filter(|kl| kl.key == "options") else {
            continue;
        };
        // The mapping this key is in: its parent key must be `container`, or a service
        // under `services`.
        let Some(parent) = parent_line(&lines, i, kl.col) else {
            continue;
        };
        let parent_key = key_line(lines[parent].1).map(|k| k.key);
        let grandparent_key = parent_line(&lines, parent, indent_of(lines[parent].1))
            .and_then(|g| key_line(lines[g].1))
            .map(|k| k.key);
        if parent_key != Some("container") && grandparent_key != Some("services") {
            continue;
        }
        // The sibling `image:`.
        let mut image = None;
        for (j, &(s, l)) in lines.iter().enumerate().skip(parent + 1) {
            if is_blank_or_comment(l) {
                continue;
            }
            if indent_of(l) < kl.col && j > parent {
                break;
            }
            if let Some(k) = key_line(l).filter(|k| k.key == "image" && k.col == kl.col) {
                let raw = &l[k.value_col..];
                let lead = raw.len() - raw.trim_start().len();
                let v = raw.trim_start();
                let (a, b) = quoted_scalar(v).unwrap_or((0, strip_yaml_comment(v).len()));
                image = Some((&v[a..b], s + k.value_col + lead + a));
                break;
            }
        }
        let Some((image, image_at)) = image.filter(|(v, _)| !v.is_empty()) else {
            continue;
        };
        let mut options = Vec::new();
        yaml_value(&lines, i, kl.value_col, kl.col, kl.line_indent, &mut options);
        let mut snippet = Snippet::new();
        snippet.writable = false;
        snippet.anchor = Some(TextRange::from_usize(start + kl.col, start + line.len()));
        snippet.push_synthetic("docker create ");
        for o in &options {
            for &(at, file, len) in &o.pieces {
                snippet.push(&o.text[at as usize..(at + len) as usize], file as usize);
                snippet.push_synthetic(" ");
            }
        }
        snippet.push_synthetic(" ");
        snippet.push(image, image_at);
        out.push(snippet);
    }
    out
}

/// A YAML scalar value starting at `value_col` of `line` (which starts at file offset
/// `start`): its text without quotes or trailing comment, and its file offset.
fn scalar_at(line: &str, start: usize, value_col: usize) -> Option<(&str, usize)> {
    let raw = line.get(value_col..)?;
    let lead = raw.len() - raw.trim_start().len();
    let v = raw.trim_start();
    let (a, b) = quoted_scalar(v).unwrap_or((0, strip_yaml_comment(v).len()));
    let value = v.get(a..b)?;
    (!value.is_empty()).then_some((value, start + value_col + lead + a))
}

/// Containers a CI system starts from a list of images: GitLab CI `services:` (items are an
/// image string, or a mapping whose `name:` is the image, with `alias:`/`command:`…) and
/// CircleCI `docker:` executors (mappings with `image:` and an optional `user:`). Each
/// is lowered as `docker create $RUNNER_OPTIONS [--user U] <image>`: the image and
/// user rules apply, while settings the runner controls are unknown, not missing.
fn ci_service_containers(text: &str, list_key: &str, image_key: &str) -> Vec<Snippet> {
    let lines = lines_of(text);
    let mut out = Vec::new();
    for (i, &(_, line)) in lines.iter().enumerate() {
        let Some(kl) = key_line(line).filter(|k| k.key == list_key) else {
            continue;
        };
        if !line[kl.value_col..].trim().is_empty() && !line[kl.value_col..].trim_start().starts_with('#') {
            // A flow list or scalar on the same line: not read.
            continue;
        }
        let Some(first) = (i + 1..lines.len()).find(|&j| !is_blank_or_comment(lines[j].1)) else {
            continue;
        };
        let seq_indent = indent_of(lines[first].1);
        if seq_indent < kl.line_indent || !lines[first].1[seq_indent..].starts_with('-') {
            continue;
        }
        let mut k = first;
        while k < lines.len() {
            let (start, l) = lines[k];
            if is_blank_or_comment(l) {
                k += 1;
                continue;
            }
            if indent_of(l) != seq_indent || !l[seq_indent..].starts_with('-') {
                break;
            }
            // The item's lines: up to the next item or the end of the sequence.
            let end = (k + 1..lines.len())
                .find(|&j| !is_blank_or_comment(lines[j].1) && indent_of(lines[j].1) <= seq_indent)
                .unwrap_or(lines.len());
            let mut image = None;
            let mut user = None;
            match key_line(l) {
                None => {
                    // `- postgres:16`: the item is the image.
                    let col = seq_indent + 1 + (l[seq_indent + 1..].len() - l[seq_indent + 1..].trim_start().len());
                    image = scalar_at(l, start, col);
                }
                Some(first_key) => {
                    for &(s, item_line) in &lines[k..end] {
                        let Some(key) = key_line(item_line).filter(|x| x.col == first_key.col) else {
                            continue;
                        };
                        if key.key == image_key {
                            image = scalar_at(item_line, s, key.value_col);
                        } else if key.key == "user" && list_key == "docker" {
                            user = scalar_at(item_line, s, key.value_col);
                        }
                    }
                }
            }
            if let Some((image, image_at)) = image {
                let mut snippet = Snippet::new();
                snippet.writable = false;
                snippet.anchor = Some(TextRange::from_usize(image_at, image_at + image.len()));
                // The runner decides everything else (capabilities, limits, network): a
                // variable in flag position makes the settings not written here unknown,
                // so only what the file says (image, user) is judged.
                snippet.push_synthetic("docker create $RUNNER_OPTIONS ");
                if let Some((user, user_at)) = user {
                    snippet.push_synthetic("--user ");
                    snippet.push(user, user_at);
                    snippet.push_synthetic(" ");
                }
                snippet.push(image, image_at);
                out.push(snippet);
            }
            k = end;
        }
    }
    out
}

/// The nearest line above `i` indented less than `col` (its parent key).
fn parent_line(lines: &[(usize, &str)], i: usize, col: usize) -> Option<usize> {
    (0..i)
        .rev()
        .find(|&j| !is_blank_or_comment(lines[j].1) && indent_of(lines[j].1) < col)
}

// ---------------------------------------------------------------------------------------
// Comments, for suppressions

/// `#` comments: a `#` at the start of a line or after a blank, outside quotes on that
/// line. Good enough for shell, YAML, Makefiles and systemd units.
fn hash_comments(text: &str) -> Vec<TextRange> {
    let mut out = Vec::new();
    for (start, line) in lines_of(text) {
        let b = line.as_bytes();
        let mut quote: Option<u8> = None;
        let mut k = 0;
        while k < b.len() {
            let c = b[k];
            match quote {
                Some(q) if c == q => quote = None,
                Some(b'"') if c == b'\\' => k += 1,
                Some(_) => {}
                // Only quotes that start a word open a string (`don't` does not).
                None if (c == b'\'' || c == b'"')
                    && (k == 0 || matches!(b[k - 1], b' ' | b'\t' | b'=' | b':' | b'(' | b'[' | b',')) =>
                {
                    quote = Some(c);
                }
                None if c == b'#' && (k == 0 || b[k - 1] == b' ' || b[k - 1] == b'\t') => {
                    out.push(TextRange::from_usize(start + k, start + line.len()));
                    break;
                }
                None => {}
            }
            k += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images(text: &str, kind: ScriptKind) -> Vec<String> {
        run_lines(FileId(0), text, kind)
            .specs
            .iter()
            .map(|s| {
                let (_, r) = s.image.at.as_text().unwrap();
                r.slice(text).to_string()
            })
            .collect()
    }

    fn privileged_slices(text: &str, kind: ScriptKind) -> Vec<String> {
        run_lines(FileId(0), text, kind)
            .specs
            .iter()
            .filter_map(|s| {
                s.privileged
                    .get()
                    .map(|_| s.privileged.at.as_text().unwrap().1.slice(text).to_string())
            })
            .collect()
    }

    #[test]
    fn kinds_from_paths_and_shebangs() {
        let k = |p: &str, first: &str| script_kind_for(Path::new(p), first);
        assert_eq!(k("deploy.sh", ""), Some(ScriptKind::Shell));
        assert_eq!(k("bin/deploy", "#!/usr/bin/env bash"), Some(ScriptKind::Shell));
        assert_eq!(k("bin/deploy", "#!/usr/bin/python3"), None);
        assert_eq!(k("Makefile", ""), Some(ScriptKind::Makefile));
        assert_eq!(k("x/.github/workflows/ci.yml", ""), Some(ScriptKind::GithubWorkflow));
        assert_eq!(k("ci.yml", ""), None);
        assert_eq!(k(".gitlab-ci.yml", ""), Some(ScriptKind::GitlabCi));
        assert_eq!(k("Jenkinsfile", ""), Some(ScriptKind::Jenkinsfile));
        assert_eq!(k("azure-pipelines.yml", ""), Some(ScriptKind::AzurePipelines));
        assert_eq!(k(".circleci/config.yml", ""), Some(ScriptKind::CircleCi));
        assert_eq!(k("bitbucket-pipelines.yml", ""), Some(ScriptKind::BitbucketPipelines));
        assert_eq!(k("app.service", ""), Some(ScriptKind::SystemdUnit));
        assert_eq!(k("README.md", ""), Some(ScriptKind::Markdown));
        assert!(ScriptKind::Markdown.is_opt_in() && !ScriptKind::Shell.is_opt_in());
    }

    #[test]
    fn github_run_blocks_and_container_options() {
        let text = "jobs:\n  test:\n    runs-on: ubuntu-latest\n    container:\n      image: node:20\n      options: --privileged --cpus 1\n    services:\n      db:\n        image: postgres:16\n        options: >-\n          --health-cmd pg_isready\n          --privileged\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker run --privileged alpine:3 true\n      - name: multi\n        run: |\n          docker build -t app .\n          docker run \\\n            --privileged \\\n            -e T=${{ secrets.TOKEN }} app\n";
        assert_eq!(
            images(text, ScriptKind::GithubWorkflow),
            ["alpine:3", "app", "node:20", "postgres:16"]
        );
        assert_eq!(privileged_slices(text, ScriptKind::GithubWorkflow).len(), 4);
        let specs = run_lines(FileId(0), text, ScriptKind::GithubWorkflow).specs;
        // `app` is built by the same step: not a pulled image.
        assert!(specs[1].build.is_some() && specs[0].build.is_none());
        assert!(specs[1].writer.is_some() && specs[2].writer.is_none());
        let env = specs[1].env[0].get().unwrap();
        assert!(env.value_unknown, "{env:?}");
    }

    #[test]
    fn gitlab_sequences_and_flow_lists() {
        let text = "build:\n  script:\n    - docker run -d --privileged nginx:1   # comment\n    - |\n      docker run \\\n        --pid=host busybox:1\n    - 'docker run --net=host \"quoted\"'\n  after_script: [\"docker run --rm redis:7\"]\n";
        assert_eq!(
            images(text, ScriptKind::GitlabCi),
            ["nginx:1", "busybox:1", "\"quoted\"", "redis:7"]
        );
    }

    #[test]
    fn gitlab_services_are_containers() {
        let text = "services:\n  - docker:27-dind\ntest:\n  services:\n    - name: postgres:16\n      alias: db\n      command: [\"postgres\", \"-c\", \"fsync=off\"]\n    - \"redis:7\"  # cache\n    - alias: mq\n      name: rabbitmq:3\n  script:\n    - docker run --rm alpine:3 true\n";
        assert_eq!(
            images(text, ScriptKind::GitlabCi),
            ["alpine:3", "docker:27-dind", "postgres:16", "redis:7", "rabbitmq:3"]
        );
        // A flow list on the key's line is left alone; a job named `services` is not a list.
        assert!(images("services: [\"postgres:16\"]\n", ScriptKind::GitlabCi).is_empty());
        assert!(images("services:\n  script:\n    - echo hi\n", ScriptKind::GitlabCi).is_empty());
    }

    #[test]
    fn circleci_docker_executors_are_containers() {
        let text = "jobs:\n  build:\n    docker:\n      - image: cimg/node:22.1\n        user: root\n      - image: postgres:16\n        environment:\n          POSTGRES_USER: app\n    steps:\n      - run: docker run --privileged alpine:3 true\n";
        assert_eq!(
            images(text, ScriptKind::CircleCi),
            ["alpine:3", "cimg/node:22.1", "postgres:16"]
        );
        let specs = run_lines(FileId(0), text, ScriptKind::CircleCi).specs;
        let node = specs
            .iter()
            .find(|s| s.image.get().is_some_and(|i| i.raw.contains("node")))
            .unwrap();
        assert_eq!(node.user.get().map(|u| u.as_str()), Some("root"), "{:?}", node.user);
        // Settings the runner controls are unknown, not missing.
        assert!(node.memory.value.is_unknown(), "{:?}", node.memory);
    }

    #[test]
    fn ssh_remote_docker_run_lines() {
        let text = "#!/bin/sh\nssh -i ~/.ssh/deploy -p 2222 deploy@prod \"docker pull app:1 && docker run -d --privileged app:1\"\nssh -o StrictHostKeyChecking=no host docker run --rm -v /:/host alpine:3 true\nssh host\nssh -p2222 host uptime\n";
        assert_eq!(images(text, ScriptKind::Shell), ["app:1", "alpine:3"]);
        assert_eq!(privileged_slices(text, ScriptKind::Shell), ["--privileged"]);
        // Inside a Dockerfile RUN, ssh runs something elsewhere: not the image's container.
        let dockerfile = dockward_dockerfile::parse("FROM alpine:3\nRUN ssh host \"docker run --privileged app:1\"\n");
        let build = dockward_model::build::lower_build(FileId(0), &dockerfile, None);
        assert!(container_specs_in_build(&build).is_empty());
    }

    #[test]
    fn makefile_recipes_unescape_dollars() {
        let text = "IMG := app\n.PHONY: run\nrun: build\n\t@docker run --privileged -e A=$$HOME \\\n\t\t-v $(CURDIR):/src $(IMG)\nx: ; docker run --privileged alpine\n";
        let specs = run_lines(FileId(0), text, ScriptKind::Makefile).specs;
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].privileged.at.as_text().unwrap().1.slice(text), "--privileged");
        let env = specs[0].env[0].get().unwrap();
        assert_eq!(env.value.as_deref(), Some("$HOME"));
        assert!(env.value_unknown);
        assert!(specs[0].mounts[0].get().unwrap().source.as_deref() == Some("$(CURDIR)"));
    }

    #[test]
    fn jenkins_systemd_and_markdown() {
        let text = "pipeline { steps { sh 'docker run --privileged alpine:3'\n sh label: 'x', script: \"\"\"\n  docker run \\\\\n   --pid=host \\$IMG\n\"\"\" } }";
        let specs = run_lines(FileId(0), text, ScriptKind::Jenkinsfile).specs;
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[1].pid.at.as_text().unwrap().1.slice(text), "--pid=host");
        assert!(specs[1].image.get().unwrap().has_variables);

        let text = "docker.image('ci/tools:1')\n  .inside('-u 0:0 --net host -v /var/run/docker.sock:/var/run/docker.sock') { sh 'make' }";
        let specs = run_lines(FileId(0), text, ScriptKind::Jenkinsfile).specs;
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].network_mode.at.as_text().unwrap().1.slice(text), "--net host");
        assert_eq!(specs[0].image.get().unwrap().raw, "ci/tools:1");
        assert!(specs[0].writer.is_none());

        let text = "[Service]\nExecStartPre=-/usr/bin/docker rm -f web\nExecStart=/usr/bin/docker run --name web \\\n  --privileged nginx:1\n";
        assert_eq!(privileged_slices(text, ScriptKind::SystemdUnit), ["--privileged"]);
        // systemd is not shell: `<host>` is a word, not a redirection.
        let text = "[Service]\nExecStart=/usr/bin/docker run -e H=<host> \\\n  -e P=<pw> img:1\nExecStart=/bin/sh -c \"docker run --privileged x:1\"\n";
        let specs = run_lines(FileId(0), text, ScriptKind::SystemdUnit).specs;
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].image.get().unwrap().raw, "img:1");
        assert_eq!(specs[0].env[1].get().unwrap().value.as_deref(), Some("<pw>"));
        assert_eq!(specs[1].privileged.at.as_text().unwrap().1.slice(text), "--privileged");

        // `--rm` in a service unit still runs a service; in a oneshot unit, a job.
        let text = "[Service]\nExecStart=/usr/bin/docker run --rm --name app nginx:1\n";
        assert!(!run_lines(FileId(0), text, ScriptKind::SystemdUnit).specs[0].auto_remove);
        let text = "[Service]\nType = oneshot\nExecStart=/usr/bin/docker run --rm migrate:1\n";
        assert!(run_lines(FileId(0), text, ScriptKind::SystemdUnit).specs[0].auto_remove);

        let text = "# Title\n\n```console\n$ docker run --privileged alpine:3\noutput docker run --privileged x\n```\n\n  ```bash\n  docker run --pid=host busybox:1\n  ```\n";
        assert_eq!(images(text, ScriptKind::Markdown), ["alpine:3", "busybox:1"]);
    }

    #[test]
    fn comments_and_templates() {
        let text = "a # one\necho \"x # no\" # two\nit's #three\n  # four\nurl#nope\n";
        let got: Vec<&str> = hash_comments(text).iter().map(|r| r.slice(text)).collect();
        assert_eq!(got, ["# one", "# two", "#three", "# four"]);
        let t = "x ${{ a.b }} << parameters.p >> <<EOF";
        let n = neutralize_templates(t, true);
        assert_eq!(n.len(), t.len());
        assert_eq!(n, "x ${_______} ${_______________} <<EOF");
    }

    #[test]
    fn never_panics_on_odd_input() {
        let kinds = ScriptKind::ALL;
        let texts = [
            "é${{ x }}ü << parameters.é >> sh 'é\\' sh \"\"\"ü\\\"\"\"",
            "run: |\n  docker run é\\\n    -p 1:1 ü\nscript:\n- 'é''x'\n- [\"é\", ü]\n",
            "x:\n\t@docker run $$é \\\n\tü\nExecStart=-docker run ü\\\n```sh\n$ docker run é\n",
            "- - - run:\n-\nrun: >2\n options: é\n",
            "sh",
            "sh(",
            "sh '",
            "run: \"",
            "\t",
            "",
        ];
        for kind in kinds {
            for text in texts {
                let _ = run_lines(FileId(0), text, kind);
            }
        }
    }

    #[test]
    fn run_lines_inside_dockerfile_run_bodies() {
        let text = "FROM docker:27-dind\nRUN dockerd & sleep 3 && \\\n    docker run --rm \\\n      --privileged alpine:3 true\nRUN [\"sh\", \"-c\", \"docker run --pid=host busybox:1\"]\n";
        let dockerfile = dockward_dockerfile::parse(text);
        let build = dockward_model::build::lower_build(FileId(7), &dockerfile, None);
        let specs = container_specs_in_build(&build);
        assert_eq!(specs.len(), 2);
        let (file, range) = specs[0].privileged.at.as_text().unwrap();
        assert_eq!((file, range.slice(text)), (FileId(7), "--privileged"));
        let edits = specs[0]
            .fix_for(&dockward_model::container::Setting::CapDropAll)
            .unwrap();
        assert_eq!(edits[0].range.start as usize, text.find("alpine:3").unwrap());
        assert_eq!(specs[1].pid.get().map(String::as_str), Some("host"));
    }

    #[test]
    fn snippet_map_round_trips() {
        let mut s = Snippet::new();
        s.push("abc", 10);
        s.push_synthetic("\n");
        s.push("def", 20);
        assert_eq!(s.map(TextRange::new(0, 3)), TextRange::new(10, 13));
        assert_eq!(s.map(TextRange::new(1, 6)), TextRange::new(11, 22));
        assert_eq!(s.map(TextRange::empty(4)), TextRange::empty(20));
        assert_eq!(s.map(TextRange::empty(3)), TextRange::empty(13));
    }
}
