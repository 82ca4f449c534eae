use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports `ADD` of an `http://` or `https://` URL without `--checksum`. Git sources
    /// (`…repo.git#ref`, `git@host:…`) are not reported.
    ///
    /// In a built image (`dockward image`): history entries that `ADD` a URL without `--checksum`.
    ///
    /// ## Why is this bad?
    /// Whatever the server returns on the day of the build goes into the image: a
    /// compromised host, a hijacked domain or a file silently replaced upstream cannot be
    /// told apart from the real thing, and two builds may contain different bytes.
    /// `--checksum=sha256:…` makes BuildKit refuse anything but the exact file you
    /// reviewed.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// ADD --checksum=sha256:c5b0666b4cb676901f90dfcb37106783c5fe2077b04590973b885950611b30ee \
    ///     https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /tini
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#add---checksum>
    pub static META = {
        code: "DW151",
        name: "add-remote-without-checksum",
        category: Image,
        severity: Medium,
        summary: "ADD downloads a URL without verifying its checksum",
        references: ["cwe:494", "cwe:353", "kics:4b410d24-1cbe-4430-a632-62c9a931cf1c"],
        fix: None,
        models: [Build, Image],
    };
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for (_, si) in cx.instructions() {
        let instruction = si.instruction;
        if instruction.keyword != Keyword::Add || instruction.flag("checksum").is_some() {
            continue;
        }
        let words = instruction.args.words();
        let Some((_, sources)) = words.split_last() else {
            continue;
        };
        for source in sources {
            let raw = source.unquoted();
            let value = si.vars.expand(&raw);
            if value.unknown {
                continue;
            }
            let url = value.text.trim();
            let lower = url.to_ascii_lowercase();
            let http = lower.starts_with("https://") || lower.starts_with("http://");
            let git = lower.contains(".git#") || lower.ends_with(".git") || lower.contains(".git/");
            if http && !git {
                out.push(
                    cx.finding(
                        &META,
                        source.range,
                        format!("`ADD {url}` downloads without `--checksum`; the content is not verified"),
                    )
                    .with_help("add `--checksum=sha256:<digest>` (BuildKit, Dockerfile syntax 1.6 or later)"),
                );
            }
        }
    }
}
