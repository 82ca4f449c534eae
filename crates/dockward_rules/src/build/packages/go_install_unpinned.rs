use super::command_util::{command_name, runs, span_to, tokens};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `go install` and `go get` of a module at a moving version — `@latest`,
    /// `@master`, `@main`, `@HEAD`, `@upgrade`, `@patch` — and `go get` of a remote
    /// package with no version at all. `go install ./cmd/app` and `go install pkg` without
    /// `@` (both resolved through the current module's `go.mod`) are not reported.
    ///
    /// ## Why is this bad?
    /// A moving version builds whatever was published last: rebuilds differ, and a bad or
    /// hijacked release lands in the image with no change to the Dockerfile. An exact
    /// version is recorded in the Go checksum database, so the same source is built every
    /// time.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN go install golang.org/x/tools/gopls@latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.23
    /// RUN go install golang.org/x/tools/gopls@v0.16.2
    /// RUN go install ./cmd/server
    /// ```
    ///
    /// ## References
    /// - <https://go.dev/ref/mod#go-install>
    pub static META = {
        code: "DW214",
        name: "go-install-unpinned",
        category: Build,
        severity: Low,
        summary: "a Go module is installed at a moving version",
        references: ["hadolint:DL3062"],
        fix: None,
        models: [Build],
    };
}

/// `go build` flags that take the next word as their value.
const VALUE_FLAGS: [&str; 18] = [
    "o",
    "p",
    "C",
    "tags",
    "ldflags",
    "gcflags",
    "asmflags",
    "gccgoflags",
    "mod",
    "modfile",
    "overlay",
    "pkgdir",
    "toolexec",
    "buildmode",
    "compiler",
    "installsuffix",
    "pgo",
    "exec",
];

/// Versions that move.
const MOVING: [&str; 6] = ["latest", "master", "main", "HEAD", "upgrade", "patch"];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            if command_name(c) != Some("go") {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let Some(sub) = toks
                .first()
                .filter(|t| t.known && matches!(&*t.text, "install" | "get"))
            else {
                continue;
            };
            let mut unpinned: Vec<&str> = Vec::new();
            let mut i = 1;
            while i < toks.len() {
                let t = &toks[i];
                i += 1;
                let s: &str = &t.text;
                if !t.known {
                    continue;
                }
                if s.starts_with('-') {
                    // Go flags take one or two dashes; `-flag=value` carries its value.
                    if !s.contains('=') && VALUE_FLAGS.contains(&s.trim_start_matches('-')) {
                        i += 1;
                    }
                    continue;
                }
                let moving = match s.rsplit_once('@') {
                    Some((_, version)) => MOVING.contains(&version),
                    // `go get github.com/x/y` fetches the newest commit (GOPATH mode) or
                    // the latest release (module mode).
                    None => &*sub.text == "get" && is_remote_path(s),
                };
                if moving {
                    unpinned.push(s);
                }
            }
            if unpinned.is_empty() {
                continue;
            }
            let what = format!("go {}", sub.text);
            let noun = if unpinned.len() == 1 {
                "a version that moves"
            } else {
                "versions that move"
            };
            out.push(
                cx.finding(
                    &META,
                    span_to(&cmd, sub.word),
                    format!(
                        "`{what}` builds {} at {noun}",
                        super::command_util::list_names(&unpinned)
                    ),
                )
                .with_help("name an exact version: `module/path@v1.2.3`"),
            );
        }
    }
}

/// `github.com/x/y`, `golang.org/x/tools/...`: an import path on a remote host.
fn is_remote_path(s: &str) -> bool {
    let host = s.split('/').next().unwrap_or("");
    host.contains('.') && s.contains('/') && !s.starts_with('.')
}
