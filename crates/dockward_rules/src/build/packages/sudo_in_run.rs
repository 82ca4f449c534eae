use super::command_util::runs;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_shell::Word;

declare_rule! {
    /// ## What it does
    /// Reports `sudo` used to run a command in a RUN instruction.
    ///
    /// ## Why is this bad?
    /// A build step runs as the current `USER` and needs no privilege escalation: switch
    /// with `USER root` for the steps that need root and back afterwards. `sudo` adds
    /// unpredictable TTY and signal handling, and relying on it means the image ships a
    /// sudo binary and a sudoers rule — a ready-made path from the application user to
    /// root for anyone who gets code execution in the container.
    ///
    /// `sudo -u <user>` used to run a command as a less privileged user is not reported
    /// (`runuser`, `setpriv` or `gosu` do that without sudo).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// USER app
    /// RUN sudo apt-get update && sudo apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// USER root
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// USER app
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/build/building/best-practices/#user>
    pub static META = {
        code: "DW155",
        name: "sudo-in-run",
        category: Image,
        severity: Medium,
        summary: "a RUN instruction uses sudo",
        references: [
            "hadolint:DL3004", "trivy:DS-0010", "checkov:CKV2_DOCKER_1", "dockle:DKL-DI-0001",
            "kics:8ada6e80-0ade-439e-b176-0b28f6bce35a",
        ],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for cmd in run.commands() {
            let c = cmd.command;
            // `sudo` is skipped as a wrapper; look at the words in front of the command
            // that really runs (and at a bare `sudo -v`).
            let argv = c.effective_argv();
            let wrappers = &c.words[..c.words.len() - argv.len()];
            let sudo: Option<&Word> = wrappers
                .iter()
                .chain(argv.first())
                .find(|w| !w.has_expansion && basename(&w.value) == "sudo");
            if let Some(word) = sudo
                && !drops_privileges(&c.words, word)
            {
                out.push(cx.finding(
                    &META,
                    cmd.source(word.raw),
                    "`sudo` in a build step; switch with `USER` instead",
                ));
            }
        }
    }
}

/// `sudo -u app …`: root running a command as a less privileged user, not an escalation.
fn drops_privileges(words: &[Word], sudo: &Word) -> bool {
    let Some(i) = words.iter().position(|w| std::ptr::eq(w, sudo)) else {
        return false;
    };
    let mut user = None;
    let mut rest = words[i + 1..].iter();
    while let Some(w) = rest.next() {
        let v = w.value.as_str();
        if !v.starts_with('-') || v == "--" {
            break;
        }
        if v == "-u" || v == "--user" {
            user = rest.next().map(|u| u.value.as_str());
        } else if let Some(u) = v.strip_prefix("--user=").or_else(|| v.strip_prefix("-u")) {
            user = Some(u);
        }
    }
    user.is_some_and(|u| u != "root" && u != "0" && u != "#0")
}

fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}
