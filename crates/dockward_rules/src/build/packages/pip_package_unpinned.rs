use super::command_util::{
    PIP, is_path_or_url, operands, parse_args, pip_args, runs, subcommand, tokens, unpinned_finding,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `pip install` (also `pip3`, `python -m pip`) of packages named without a
    /// version specifier (`flask` rather than `flask==3.0.3`), and installs from version
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
            let mut unpinned: Vec<&str> = Vec::new();
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
