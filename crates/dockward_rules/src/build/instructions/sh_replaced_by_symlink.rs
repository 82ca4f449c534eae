use super::util::literal;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;

declare_rule! {
    /// ## What it does
    /// Reports a RUN that replaces `/bin/sh` with a link to another shell
    /// (`ln -sf /bin/bash /bin/sh`) to change the shell later RUN instructions use.
    ///
    /// ## Why is this bad?
    /// The link changes `/bin/sh` for everything in the image, not just the build: system
    /// scripts, package maintainer scripts and your entrypoint now run under a shell they
    /// were not written for, and a package update may quietly restore the original link.
    /// The `SHELL` instruction changes the shell of the following instructions, visibly,
    /// and only for the build.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// RUN ln -sf /bin/bash /bin/sh
    /// RUN source /etc/profile && ./configure
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:bookworm-slim
    /// SHELL ["/bin/bash", "-o", "pipefail", "-c"]
    /// RUN source /etc/profile && ./configure
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#shell>
    pub static META = {
        code: "DW269",
        name: "sh-replaced-by-symlink",
        category: Build,
        severity: Low,
        summary: "RUN relinks /bin/sh instead of using SHELL",
        references: ["hadolint:DL4005", "kics:8a301064-c291-4b20-adcb-403fe7fd95fd"],
        fix: None,
        models: [Build],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for rc in cx.run_commands() {
        if rc.command.name() != Some("ln") {
            continue;
        }
        let args = rc.command.args();
        let symbolic = args.iter().any(|w| {
            w.value.starts_with('-') && !w.value.starts_with("--") && w.value.contains('s') || w.value == "--symbolic"
        });
        // Without -f, `ln` cannot replace an existing /bin/sh (it only creates a missing one).
        let forced = args.iter().any(|w| {
            w.value.starts_with('-') && !w.value.starts_with("--") && w.value.contains('f') || w.value == "--force"
        });
        let operands: Vec<&dockward_shell::Word> = args.iter().filter(|w| !w.value.starts_with('-')).collect();
        let Some(target) = operands.last().filter(|_| operands.len() >= 2) else {
            continue;
        };
        if !symbolic || !forced || !matches!(literal(target), Some("/bin/sh" | "/usr/bin/sh")) {
            continue;
        }
        out.push(
            cx.finding(&META, rc.range(), "RUN replaces /bin/sh with a link to another shell")
                .with_help("use `SHELL [\"/bin/bash\", \"-c\"]` to change the shell of RUN instructions"),
        );
    }
}
