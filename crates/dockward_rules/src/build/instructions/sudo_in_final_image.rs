use super::util::{kept_by_run, kept_packages, runtime_chain};
use crate::{BuildCx, declare_rule};
use dockward_core::{Finding, Severity, TextRange};
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports a final image that installs `sudo` (or `doas`) and keeps it, and, at high
    /// severity, one that grants passwordless sudo (`NOPASSWD` written to
    /// `/etc/sudoers` or `/etc/sudoers.d/` by a RUN or a COPY heredoc). Build stages
    /// are not reported.
    ///
    /// In a built image (`dockward image`): `sudo` in the image's files.
    ///
    /// ## Why is this bad?
    /// A container should start as the user it needs and stay that user. `sudo` in the
    /// image exists to undo `USER`: with `NOPASSWD` any code running as the application
    /// user becomes root in one command, which voids the point of a non-root user and is
    /// one step closer to the host. Tasks that need root belong in the Dockerfile (which
    /// runs as root) or in an entrypoint that drops privileges with `gosu`/`setpriv`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN apt-get update && apt-get install -y --no-install-recommends sudo \
    ///  && useradd -m app && echo "app ALL=(ALL) NOPASSWD: ALL" > /etc/sudoers.d/app
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM ubuntu:24.04
    /// RUN useradd -m app
    /// USER app
    /// ```
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.3: ensure that unnecessary packages are not installed in
    ///   the container
    /// - <https://www.sudo.ws/docs/man/sudoers.man/>
    pub static META = {
        code: "DW110",
        name: "sudo-in-final-image",
        category: Image,
        severity: Medium,
        summary: "the final image ships sudo",
        references: ["cis-1.6:4.3", "cwe:250", "cwe:269"],
        fix: None,
        models: [Build, Image],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    let mut passwordless = false;
    for stage in runtime_chain(cx.build) {
        for si in &stage.instructions {
            let instruction = si.instruction;
            if !matches!(instruction.keyword, Keyword::Run | Keyword::Copy) {
                continue;
            }
            let text = instruction.range.slice(cx.text);
            let Some(at) = text.find("NOPASSWD") else { continue };
            // Only sudoers content: the instruction writes a sudoers file.
            if !text.contains("sudoers") {
                continue;
            }
            let start = instruction.range.start + at as u32;
            passwordless = true;
            out.push(
                cx.finding(
                    &META,
                    TextRange::new(start, start + "NOPASSWD".len() as u32),
                    "the final image grants passwordless sudo: any process of that user can become root",
                )
                .with_severity(Severity::High)
                .with_help("remove the sudoers rule; do privileged set-up in the Dockerfile or an entrypoint that drops privileges"),
            );
        }
    }
    let kept = kept_packages(cx.build);
    for (at, names) in kept_by_run(&kept, |name| name == "sudo" || name == "doas") {
        if passwordless {
            // Already reported where it matters most.
            continue;
        }
        out.push(
            cx.finding(&META, at, format!("the final image installs {}", names.join(", ")))
                .with_help("remove it; a container's user should not be able to become root"),
        );
    }
}
