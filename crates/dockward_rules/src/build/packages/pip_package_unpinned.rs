use super::command_util::{
    PIP, Spec, command_name, is_path_or_url, operands, parse_args, pip_args, runs, subcommand, tokens, unpinned_finding,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `pip install` (also `pip3`, `python -m pip`, and `pipx install`/`pipx inject`)
    /// of packages named without a version specifier (`flask` rather than `flask==3.0.3`), and installs from version
    /// control without a revision (`git+https://…/requests` rather than
    /// `…/requests@v2.32.3`). Requirement files (`-r`), local paths, wheels, archives and URL
    /// requirements are not reported, nor are packages from variables with no known value,
    /// nor any package of a command that applies a constraints file (`-c`,
    /// `PIP_CONSTRAINT`), which pins them.
    ///
    /// ## Why is this bad?
    /// pip resolves an unpinned name to the newest release on the index. Every rebuild may
    /// pull a different version — one with a breaking change, or a freshly compromised
    /// release — and nothing in the Dockerfile shows it. Pin versions, or better, install
    /// from a lock file with hashes (`pip install --require-hashes -r requirements.txt`).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask gunicorn
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask==3.0.3 gunicorn==22.0.0
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    ///
    /// ## References
    /// - <https://pip.pypa.io/en/stable/topics/repeatable-installs/>
    pub static META = {
        code: "DW208",
        name: "pip-package-unpinned",
        category: Build,
        severity: Low,
        summary: "pip packages are installed without a pinned version",
        references: ["hadolint:DL3013", "kics:02d9c71f-3ee8-4986-9c27-1a20d0d19bfc"],
        fix: None,
        models: [Build],
    };
}

/// Archive and wheel suffixes pip installs from files.
const FILES: [&str; 6] = [".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".egg"];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    check_pipx(cx, out);
    for run in runs(cx) {
        for cmd in run.commands() {
            let Some(words) = pip_args(cmd.command) else { continue };
            let toks = tokens(words, run.vars());
            let args = parse_args(&toks, &PIP);
            let Some((sub_at, "install")) = subcommand(&args) else {
                continue;
            };
            // A constraints file (`-c constraints.txt`, `PIP_CONSTRAINT`) pins the versions of
            // whatever the command names.
            if args.iter().any(|a| a.is_short(b'c') || a.is_long("--constraint"))
                || run.vars().get("PIP_CONSTRAINT").is_some()
            {
                continue;
            }
            let ops: Vec<&str> = operands(&args).skip(1).map(|(s, _)| s).collect();
            let unpinned = unpinned_requirements(&ops);
            if !unpinned.is_empty() {
                out.push(unpinned_finding(
                    cx,
                    &META,
                    &cmd,
                    toks[args[sub_at].at()].word,
                    "pip install",
                    &unpinned,
                    "pin each package as `name==version`, or install from a locked requirements file",
                ));
            }
        }
    }
}

/// `pipx install PKG…` and `pipx inject VENV PKG…`: pip installs underneath, with the
/// same requirement syntax (`black==24.1.0`); `--spec` (older pipx) gives the requirement
/// of the one package named.
fn check_pipx(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    const PIPX: Spec = Spec {
        short_value: b"",
        long_value: &[
            "--python",
            "--pip-args",
            "--index-url",
            "--suffix",
            "--spec",
            "--preinstall",
            "--backend",
        ],
    };
    for run in runs(cx) {
        for cmd in run.commands() {
            if command_name(cmd.command) != Some("pipx") {
                continue;
            }
            let toks = tokens(cmd.command.args(), run.vars());
            let args = parse_args(&toks, &PIPX);
            let Some((sub_at, sub)) = subcommand(&args) else {
                continue;
            };
            let skip = match sub {
                "install" => 1,
                "inject" => 2,
                _ => continue,
            };
            let spec = args.iter().find(|a| a.is_long("--spec")).and_then(|a| a.value());
            let ops: Vec<&str> = match spec {
                Some(spec) => vec![spec],
                None => operands(&args).skip(skip).map(|(s, _)| s).collect(),
            };
            let unpinned = unpinned_requirements(&ops);
            if !unpinned.is_empty() {
                out.push(unpinned_finding(
                    cx,
                    &META,
                    &cmd,
                    toks[args[sub_at].at()].word,
                    &format!("pipx {sub}"),
                    &unpinned,
                    "pin each package as `name==version`",
                ));
            }
        }
    }
}

/// The requirements of a pip command line that name no version: not a specifier, direct
/// reference, local file or VCS URL with a revision.
fn unpinned_requirements<'s>(ops: &[&'s str]) -> Vec<&'s str> {
    let mut unpinned = Vec::new();
    for (i, s) in ops.iter().copied().enumerate() {
        // `name @ https://…` spells a direct reference over three words.
        let direct = s == "@" || ops.get(i + 1) == Some(&"@") || (i > 0 && ops[i - 1] == "@");
        let lower = s.to_ascii_lowercase();
        let constrained = s.contains(['=', '<', '>', '~', '!', '@', ';']);
        if is_vcs_url(&lower) {
            if !vcs_ref_given(&lower) {
                unpinned.push(s);
            }
            continue;
        }
        let file = is_path_or_url(s) || lower.starts_with("file:") || FILES.iter().any(|f| lower.ends_with(f));
        if !direct && !constrained && !file {
            unpinned.push(s);
        }
    }
    unpinned
}

/// `git+https://…`, `hg+…`, `svn+…`, `bzr+…`: an install from version control.
fn is_vcs_url(lower: &str) -> bool {
    ["git+", "hg+", "svn+", "bzr+"].iter().any(|p| lower.starts_with(p))
}

/// Whether a VCS URL names a revision: `@` in its path (`…/requests@v2.32.3`,
/// `…/requests.git@5f3e…#egg=requests`), not the `user@` of its host part. Without one it
/// installs whatever the default branch holds that day.
fn vcs_ref_given(lower: &str) -> bool {
    let after_scheme = lower.split_once("://").map_or(lower, |(_, rest)| rest);
    let path = after_scheme.split_once('/').map_or("", |(_, path)| path);
    path.split('#').next().unwrap_or("").contains('@')
}
