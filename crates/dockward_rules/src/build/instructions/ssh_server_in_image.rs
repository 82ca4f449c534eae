use super::util::{kept_by_run, kept_packages, runtime_chain};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::{Arguments, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports a final image that installs an SSH server (`openssh-server`, Alpine's
    /// `openssh`, `dropbear`) and keeps it, or whose `CMD`/`ENTRYPOINT` starts `sshd`.
    /// Build stages are not reported; SSH clients (`openssh-client`) are fine.
    ///
    /// ## Why is this bad?
    /// An SSH daemon in a container is a second way in that bypasses `docker exec` and its
    /// access control and audit trail: it needs keys or passwords managed inside the image,
    /// host keys baked into every copy, and its own patching. Use `docker exec` (or your
    /// orchestrator's equivalent) to get a shell in a running container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-server
    /// CMD ["/usr/sbin/sshd", "-D"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends openssh-client
    /// CMD ["/usr/local/bin/app"]
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 5.7: ensure sshd is not run within containers
    /// - CIS Docker Benchmark v1.6.0, 4.3: ensure that unnecessary packages are not installed in
    ///   the container
    pub static META = {
        code: "DW111",
        name: "ssh-server-in-image",
        category: Image,
        severity: Medium,
        summary: "the final image contains or runs an SSH server",
        references: ["cis-1.6:5.7", "cis-1.6:4.3"],
        fix: None,
        models: [Build],
    };
}

fn is_ssh_server(name: &str, manager: &str) -> bool {
    matches!(name, "openssh-server" | "dropbear" | "openssh-server-pam") || (name == "openssh" && manager == "apk")
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let kept = kept_packages(cx.build);
    let servers: Vec<_> = kept
        .iter()
        .filter(|p| is_ssh_server(&p.name, p.manager))
        .cloned()
        .collect();
    for (at, names) in kept_by_run(&servers, |_| true) {
        out.push(
            cx.finding(
                &META,
                at,
                format!("the final image installs an SSH server ({})", names.join(", ")),
            )
            .with_help("use `docker exec` for shell access; install `openssh-client` if only the client is needed"),
        );
    }
    if !servers.is_empty() {
        return;
    }
    // The command the image runs: the last CMD or ENTRYPOINT of the runtime chain.
    let chain = runtime_chain(cx.build);
    let last = |keyword: Keyword| {
        chain
            .iter()
            .rev()
            .flat_map(|s| s.instructions.iter().rev())
            .map(|si| si.instruction)
            .find(|i| i.keyword == keyword)
    };
    for instruction in [last(Keyword::Entrypoint), last(Keyword::Cmd)].into_iter().flatten() {
        let runs_sshd = match &instruction.args {
            Arguments::Exec(words) => words.first().is_some_and(|w| w.text.rsplit('/').next() == Some("sshd")),
            Arguments::Shell(text) => text
                .text
                .split_whitespace()
                .next()
                .is_some_and(|w| w.rsplit('/').next() == Some("sshd")),
            _ => false,
        };
        if runs_sshd {
            out.push(cx.finding(&META, instruction.range, "the image starts an SSH server"));
        }
    }
}
