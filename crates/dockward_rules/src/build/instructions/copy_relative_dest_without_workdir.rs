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
    let stages = &cx.build.stages;
    // Per stage, in order (a stage is built only on an earlier one): the first stage of its
    // chain of bases, and whether a stage before it in that chain sets a WORKDIR. Walking
    // each stage's chain instead was quadratic in a chain of thousands of stages.
    let mut root_of: Vec<usize> = Vec::with_capacity(stages.len());
    let mut workdir_before: Vec<bool> = Vec::with_capacity(stages.len());
    for stage in stages {
        let base = stage.base_stage.filter(|b| *b < stage.index && *b < root_of.len());
        root_of.push(base.map_or(stage.index, |b| root_of[b]));
        workdir_before.push(base.is_some_and(|b| {
            workdir_before[b]
                || stages[b]
                    .instructions
                    .iter()
                    .any(|si| si.instruction.keyword == Keyword::Workdir)
        }));
    }
    for stage in stages {
        let root = &stages[root_of[stage.index]];
        if root.base_unknown {
            continue;
        }
        // In `scratch` the working directory is `/` and the image holds nothing else.
        if root.base.is_scratch() || BASES_WITH_WORKDIR.contains(&root.base.short_name().as_str()) {
            continue;
        }
        // A WORKDIR in a stage this one is built on applies from the start.
        if workdir_before[stage.index] {
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
