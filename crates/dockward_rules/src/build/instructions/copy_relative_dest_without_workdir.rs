use super::util::runtime_chain_of;
use crate::{BuildCx, declare_rule};
use dockward_core::Finding;
use dockward_dockerfile::Keyword;

declare_rule! {
    /// ## What it does
    /// Reports `COPY` or `ADD` to a relative destination (`COPY . .`, `COPY app.py ./`) in
    /// a stage where no `WORKDIR` has been set yet — neither in the stage, nor in a stage
    /// it is built on, nor by a well-known base image (`golang`, `php`, `tomcat`, …). Stages
    /// built on an image we cannot know (`FROM $BASE`) or on `scratch` (where `/` holds
    /// nothing else) are not reported.
    ///
    /// ## Why is this bad?
    /// A relative destination is resolved against the working directory, which is then
    /// whatever the base image chose — often `/`. Files land in the root of the file
    /// system, mixed with the system's, and move when the base image changes its
    /// `WORKDIR`.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . .
    /// CMD ["python", "main.py"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// WORKDIR /app
    /// COPY . .
    /// CMD ["python", "main.py"]
    /// ```
    ///
    /// ## References
    /// - <https://docs.docker.com/reference/dockerfile/#workdir>
    pub static META = {
        code: "DW262",
        name: "copy-relative-dest-without-workdir",
        category: Build,
        severity: Low,
        summary: "COPY to a relative destination before any WORKDIR",
        references: ["hadolint:DL3045"],
        fix: None,
        models: [Build],
    };
}

/// Official images whose configuration sets a WORKDIR.
const BASES_WITH_WORKDIR: &[&str] = &[
    "golang",
    "php",
    "wordpress",
    "nextcloud",
    "drupal",
    "joomla",
    "httpd",
    "tomcat",
    "jetty",
    "composer",
    "ghost",
    "redmine",
    "odoo",
];

fn is_relative(path: &str) -> bool {
    let b = path.as_bytes();
    !(path.starts_with('/') || path.starts_with('\\') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'))
}

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for stage in &cx.build.stages {
        let chain = runtime_chain_of(cx.build, stage.index);
        let Some(root) = chain.first() else { continue };
        if root.base_unknown {
            continue;
        }
        // In `scratch` the working directory is `/` and the image holds nothing else.
        if root.base.is_scratch() || BASES_WITH_WORKDIR.contains(&root.base.short_name().as_str()) {
            continue;
        }
        // A WORKDIR in a stage this one is built on applies from the start.
        let inherited = chain[..chain.len() - 1].iter().any(|s| {
            s.instructions
                .iter()
                .any(|si| si.instruction.keyword == Keyword::Workdir)
        });
        if inherited {
            continue;
        }
        for si in &stage.instructions {
            let instruction = si.instruction;
            if instruction.keyword == Keyword::Workdir {
                break;
            }
            if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add) {
                continue;
            }
            let words = instruction.args.words();
            if words.len() < 2 {
                continue;
            }
            let dest = &words[words.len() - 1];
            let expanded = si.vars.expand(&dest.unquoted_with_escape(cx.build.dockerfile.escape));
            if expanded.unknown || !is_relative(&expanded.text) {
                continue;
            }
            out.push(
                cx.finding(
                    &META,
                    dest.range,
                    format!("`{}` is relative, but no WORKDIR is set: files go wherever the base image's working directory is", expanded.text),
                )
                .with_help("set `WORKDIR /app` (or another absolute directory) before copying, or use an absolute destination"),
            );
        }
    }
}
