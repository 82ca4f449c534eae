use super::command_util::{
    NPM, command_name, is_path_or_url, operands, parse_args, runs, subcommand, tokens, unpinned_finding,
};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports `npm install` (`npm i`, `npm add`) of packages named without a version
    /// (`typescript`, or the moving tags `@latest` and `@next`). `npm install` and `npm ci`
    /// with no package names install from `package.json` and the lock file and are not
    /// reported; nor are local paths, tarballs or URL specs. Git sources (`git+ssh://…`,
    /// `git+https://…`, `github:user/repo`, `user/repo`) are reported unless they name a
    /// commit, tag or range after `#`.
    ///
    /// ## Why is this bad?
    /// An unversioned name resolves to the newest release at build time. Global tools
    /// installed this way change between rebuilds, and a compromised release of a popular
    /// package (it has happened many times on npm) goes straight into the image. Pin the
    /// version, or let a lock file decide.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN npm install -g pnpm typescript@latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:22-slim
    /// RUN npm install -g pnpm@9.12.1 typescript@5.6.3
    /// COPY package.json package-lock.json ./
    /// RUN npm ci --omit=dev
    /// ```
    ///
    /// ## References
    /// - <https://docs.npmjs.com/cli/commands/npm-install>
    pub static META = {
        code: "DW209",
        name: "npm-package-unpinned",
        category: Build,
        severity: Low,
        summary: "npm packages are installed without a pinned version",
        references: ["hadolint:DL3016", "kics:e36d8880-3f78-4546-b9a1-12f0745ca0d5"],
        fix: None,
        models: [Build],
    };
}

const INSTALL: [&str; 11] = [
    "install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntall", "add",
];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            if command_name(c) != Some("npm") {
                continue;
            }
            let toks = tokens(c.args(), run.vars());
            let args = parse_args(&toks, &NPM);
            let Some((sub_at, sub)) = subcommand(&args) else {
                continue;
            };
            if !INSTALL.contains(&sub) {
                continue;
            }
            let unpinned: Vec<&str> = operands(&args)
                .skip(1)
                .map(|(s, _)| s)
                .filter(|s| is_unpinned(s))
                .collect();
            if !unpinned.is_empty() {
                out.push(unpinned_finding(
                    cx,
                    &META,
                    &cmd,
                    toks[args[sub_at].at()].word,
                    &format!("npm {sub}"),
                    &unpinned,
                    "name a version (`name@1.2.3`), or install from package.json with a lock file (`npm ci`)",
                ));
            }
        }
    }
}

/// A registry package spec without a version, or with a moving tag; or a git source
/// without a `#commit-ish` (it installs whatever the default branch holds that day).
fn is_unpinned(spec: &str) -> bool {
    if let Some(git) = git_source(spec) {
        return git.split_once('#').is_none_or(|(_, committish)| committish.is_empty());
    }
    if is_path_or_url(spec) || spec.contains(':') || spec.ends_with(".tgz") || spec.ends_with(".tar.gz") {
        return false;
    }
    // `@scope/name@1.0`: the version `@` is the one after the scope.
    let (name, version) = match spec.strip_prefix('@') {
        Some(rest) => match rest.split_once('@') {
            Some((name, version)) => (name, Some(version)),
            None => (rest, None),
        },
        None => match spec.split_once('@') {
            Some((name, version)) => (name, Some(version)),
            None => (spec, None),
        },
    };
    // A `/` outside a scope is not a registry name (git shorthands are judged above).
    if !spec.starts_with('@') && name.contains('/') {
        return false;
    }
    match version {
        None => true,
        Some(v) => matches!(v, "" | "latest" | "next" | "*" | "x"),
    }
}

/// The spec when it installs from a git repository: `git+ssh://…`, `git+https://…`,
/// `git://…`, the hosted shorthands (`github:user/repo`, `gitlab:`, `bitbucket:`, `gist:`)
/// and the bare GitHub shorthand `user/repo`.
fn git_source(spec: &str) -> Option<&str> {
    let lower = spec.to_ascii_lowercase();
    let prefixed = ["git+", "git://", "github:", "gitlab:", "bitbucket:", "gist:"]
        .iter()
        .any(|p| lower.starts_with(p));
    let shorthand = !spec.starts_with(['@', '.', '/', '~'])
        && !spec.contains([':', '@'])
        && spec.split('#').next().is_some_and(|repo| repo.split('/').count() == 2)
        && !lower.ends_with(".tgz")
        && !lower.ends_with(".tar.gz");
    (prefixed || shorthand).then_some(spec)
}
