use crate::{BuildCx, declare_rule};
use dockward_core::{Edit, Finding, Fix};
use dockward_dockerfile::{Arguments, Keyword};

declare_rule! {
    /// ## What it does
    /// Reports `ADD` used to copy local files or folders, where `COPY` does the same
    /// thing with no surprises.
    ///
    /// ## Why is this bad?
    /// `ADD` also fetches URLs and unpacks local archives. A file that happens to be a
    /// tarball is silently extracted into the image, and a reader cannot tell which
    /// behaviour was meant. `COPY` copies exactly what it is given. `ADD` stays right
    /// for remote sources, git repositories and archives you mean to extract.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ADD app/ /srv/app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// COPY app/ /srv/app/
    /// ADD rootfs.tar.gz /
    /// ```
    ///
    /// ## Fix
    /// Replaces the `ADD` keyword with `COPY` when every source is a local path that is
    /// not an archive (safe: the two behave the same for such sources).
    ///
    /// ## References
    /// - CIS Docker Benchmark v1.6.0, 4.9: ensure that COPY is used instead of ADD
    pub static META = {
        code: "DW103",
        name: "add-instead-of-copy",
        category: Build,
        severity: Low,
        summary: "ADD used where COPY would do",
        references: [
            "cis-1.6:4.9", "hadolint:DL3020", "trivy:DS-0005", "checkov:CKV_DOCKER_4", "dockle:CIS-DI-0009", "kics:9513a694-aa0d-41d8-be61-3271e056f36b"],
        fix: Always,
        models: [Build],
    };
}

/// Archive suffixes ADD would extract.
const ARCHIVES: [&str; 12] = [
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz", ".tar.zst", ".gz", ".bz2", ".xz",
];

pub fn check(cx: &BuildCx<'_>, out: &mut Vec<Finding>) {
    for (_, si) in cx.instructions() {
        let instruction = si.instruction;
        if instruction.keyword != Keyword::Add || !instruction.heredocs.is_empty() {
            continue;
        }
        // ADD-only flags (--checksum, --keep-git-dir, --unpack) mean ADD's own features.
        if instruction
            .flags
            .iter()
            .any(|f| matches!(f.name.as_str(), "checksum" | "keep-git-dir" | "unpack"))
        {
            continue;
        }
        let words = match &instruction.args {
            Arguments::Words(words) | Arguments::Exec(words) => words,
            _ => continue,
        };
        let Some((_, sources)) = words.split_last() else {
            continue;
        };
        if sources.is_empty() {
            continue;
        }
        let all_local_plain = sources.iter().all(|w| {
            let s = w.text.trim_matches(['"', '\'']).to_ascii_lowercase();
            // A glob may match an archive, which ADD would unpack and COPY would not.
            !s.contains("://")
                && !s.starts_with("git@")
                && !s.contains(['$', '*', '?', '['])
                && !ARCHIVES.iter().any(|a| s.ends_with(a))
        });
        if !all_local_plain {
            continue;
        }
        let fix = Fix::safe(
            "replace ADD with COPY",
            vec![Edit::replace(instruction.keyword_range, "COPY")],
        );
        out.push(
            cx.finding(
                &META,
                instruction.keyword_range,
                "use COPY to copy local files; ADD also extracts archives and fetches URLs",
            )
            .with_fix(fix),
        );
    }
}
