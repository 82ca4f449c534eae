use super::ImageCx;
use crate::declare_rule;
use dockward_core::Finding;
use dockward_model::image::FileKind;

declare_rule! {
    /// ## What it does
    /// Reports `.git` folders in a built image: a repository's history copied in with
    /// `COPY . .` when `.dockerignore` does not leave it out. Folders under package
    /// managers' trees (`node_modules`, `site-packages`, Go's module cache) are left alone.
    ///
    /// ## Why is this bad?
    /// The history holds every file the repository ever had, secrets that were committed
    /// and removed included, and `.git/config` may hold a remote URL with a token. Anyone
    /// who pulls the image can read them. The image also grows by the size of the history.
    ///
    /// ## Example
    /// ```image
    /// $ ls -ld /app/.git /app/.git/HEAD
    /// drwxr-xr-x 1 0 0 0 /app/.git
    /// -rw-r--r-- 1 0 0 21 /app/.git/HEAD
    /// ```
    ///
    /// Use instead:
    /// ```image
    /// $ ls -ld /app /app/server.js
    /// drwxr-xr-x 1 0 0 0 /app
    /// -rw-r--r-- 1 0 0 2100 /app/server.js
    /// ```
    ///
    /// ## References
    /// - dockle DKL-LI-0003, CIS-DI-0010
    pub static META = {
        code: "DW173",
        name: "git-folder-in-image",
        category: Secrets,
        severity: Medium,
        summary: "the image holds a git repository's history",
        references: ["dockle:DKL-LI-0003", "cwe:538"],
        fix: None,
        models: [Image],
    };
}

const VENDORED: &[&str] = &[
    "/node_modules/",
    "/site-packages/",
    "/dist-packages/",
    "/pkg/mod/",
    "/.cargo/registry/",
    "/vendor/",
];

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let Some(files) = cx.files() else { return };
    for (path, file) in files.iter() {
        if file.kind != FileKind::Directory || !path.ends_with("/.git") || VENDORED.iter().any(|v| path.contains(v)) {
            continue;
        }
        // A real repository has HEAD; an empty `.git` folder leaks nothing.
        if files.get(&format!("{path}/HEAD")).is_none() {
            continue;
        }
        out.push(
            cx.file_finding(&META, path, file, format!("{path} is a git repository's history"))
                .with_help("add `.git` to .dockerignore, or copy only what the image needs"),
        );
    }
}
