//! Downloaded code run unverified: DW150, seen in a built image's history (`RUN curl … |
//! sh` as the builder recorded it).

use super::{ImageCx, history_command};
pub use crate::build::packages::remote_script_execution::META;
use dockward_core::Finding;

const INTERPRETERS: &[&str] = &[
    "sh", "bash", "dash", "ash", "zsh", "ksh", "python", "python2", "python3", "perl", "ruby", "node", "php",
];

/// The program a pipeline stage runs, past `sudo`, `env` and paths: `sudo -E /bin/bash -` → `bash`.
fn program(stage: &str) -> &str {
    let mut words = stage
        .split_whitespace()
        .skip_while(|w| matches!(*w, "sudo" | "env" | "-E" | "-s"));
    let first = words.next().unwrap_or("");
    first.rsplit('/').next().unwrap_or(first)
}

fn is_download(stage: &str) -> bool {
    stage.split_whitespace().any(|w| {
        let w = w.rsplit('/').next().unwrap_or(w);
        w == "curl" || w == "wget"
    })
}

/// Whether a command line pipes a download into an interpreter, or runs one substituted.
pub(crate) fn runs_downloaded_code(command: &str) -> bool {
    for part in command.split(['&', ';', '\n']) {
        // `a | b` but not `a || b`.
        let stages: Vec<&str> = part.split('|').collect();
        for pair in stages.windows(2) {
            if pair[1].is_empty() || pair[0].is_empty() {
                continue;
            }
            let next = program(pair[1]);
            if is_download(pair[0])
                && (INTERPRETERS.contains(&next) || next.starts_with("python3."))
                && !pair[1].contains("sha256sum")
            {
                return true;
            }
        }
    }
    ["$(curl", "$(wget", "<(curl", "<(wget", "`curl", "`wget"]
        .iter()
        .any(|p| command.contains(p))
        && [" sh ", "bash", "eval", "source", "sh -c"]
            .iter()
            .any(|s| command.contains(s))
}

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    for entry in &cx.spec.history {
        let command = history_command(&entry.created_by);
        if command.starts_with("#(nop)") || !runs_downloaded_code(command) {
            continue;
        }
        out.push(
            cx.finding(
                &META,
                &entry.at,
                "the image's history runs downloaded code without verifying it",
            )
            .with_help("download to a file, check its checksum or signature, then run it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::runs_downloaded_code;

    #[test]
    fn pipes_into_interpreters() {
        assert!(runs_downloaded_code("curl -fsSL https://x/i.sh | sh"));
        assert!(runs_downloaded_code(
            "apk add curl && wget -qO- https://x | sudo bash -"
        ));
        assert!(runs_downloaded_code("sh -c \"$(curl -fsSL https://x)\""));
        assert!(!runs_downloaded_code("curl -fsSLo /tmp/x https://x || true"));
        assert!(!runs_downloaded_code("curl -s https://x | tar -xz"));
    }
}
