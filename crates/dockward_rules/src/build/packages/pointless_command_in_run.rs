use super::command_util::{at_top, command_name, name_range, runs};
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports commands that do nothing useful in a build step: interactive programs
    /// (`vim`, `nano`, `top`, `ssh`), system control (`shutdown`, `reboot`), diagnostics
    /// whose output nobody reads (`ps`, `free`, `ifconfig`, `mount`), and `service … start`
    /// as the last command of a RUN. Editors run with scripted commands (`vim +PlugInstall
    /// +qall`) are not reported.
    ///
    /// ## Why is this bad?
    /// A build step has no terminal and no running system: an editor or `top` waits for
    /// input that never comes, `shutdown` cannot work, a service started at the end of a
    /// RUN is killed when the step ends, and diagnostic output only clutters the log. Such
    /// lines are usually copied from an interactive session and hide what the step is for.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends nginx \
    ///     && rm -rf /var/lib/apt/lists/* && service nginx start
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN apt-get update && apt-get install -y --no-install-recommends nginx \
    ///     && rm -rf /var/lib/apt/lists/*
    /// CMD ["nginx", "-g", "daemon off;"]
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#run>
    pub static META = {
        code: "DW229",
        name: "pointless-command-in-run",
        category: Build,
        severity: Info,
        summary: "a RUN uses a command that does nothing useful during a build",
        references: ["hadolint:DL3001", "kics:9b6b0f38-92a2-41f9-b881-3a1083d99f1b"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for run in runs(cx) {
        for (i, cmd) in run.commands().enumerate() {
            let c = cmd.command;
            let Some(name) = command_name(c) else { continue };
            let args = c.args();
            let why = match name {
                "vim" | "vi" | "nano" | "emacs" | "nvim" => {
                    let scripted = args.iter().any(|w| {
                        w.value.starts_with('+')
                            || matches!(
                                w.value.as_str(),
                                "-c" | "-e" | "-E" | "-s" | "-es" | "-Es" | "--headless" | "-u" | "--batch" | "-batch"
                            )
                    });
                    if scripted {
                        continue;
                    }
                    "is an interactive editor; a build step has no one to type into it"
                }
                "top" | "htop" => "is interactive; its output is of no use during a build",
                "shutdown" | "reboot" | "halt" | "poweroff" => "cannot control a system that is not running",
                "ssh" => "opens an interactive remote session; a build step cannot use one",
                "ps" | "free" | "ifconfig" => "only prints diagnostics about the build container, which nobody reads",
                "mount" if args.is_empty() => "only prints diagnostics about the build container, which nobody reads",
                "service" => {
                    let starts = args
                        .get(1)
                        .is_some_and(|w| matches!(w.value.as_str(), "start" | "restart"));
                    // Only as the last top-level command: nothing in the RUN uses it.
                    if !starts || !at_top(c) || run.commands().skip(i + 1).any(|later| at_top(later.command)) {
                        continue;
                    }
                    "starts a service that is stopped when this step ends"
                }
                _ => continue,
            };
            out.push(cx.finding(&META, name_range(&cmd), format!("`{name}` {why}")));
        }
    }
}
