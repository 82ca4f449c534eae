use super::ImageCx;
use crate::declare_rule;
use dockward_core::{Finding, Severity};
use dockward_model::image::FileKind;

declare_rule! {
    /// ## What it does
    /// Reports files and folders of a built image that every user may write: a regular
    /// file with the "others may write" bit, or a folder with it and without the sticky
    /// bit (`/tmp`'s `1777` is fine: there each user can only remove their own files).
    /// Read from the image's layers by `dockward image`.
    ///
    /// ## Why is this bad?
    /// A container often runs several processes, or one whose privileges it drops. A
    /// file anyone can write — a script the entrypoint runs, a configuration, a library —
    /// lets the least privileged of them change what the others run. Images should hand
    /// write access to the one account that needs it.
    ///
    /// ## Example
    /// ```image
    /// $ ls -l /app/entrypoint.sh
    /// -rwxrwxrwx 1 0 0 120 /app/entrypoint.sh
    /// ```
    ///
    /// Use instead:
    /// ```image
    /// $ ls -l /app/entrypoint.sh
    /// -rwxr-xr-x 1 0 0 120 /app/entrypoint.sh
    /// ```
    ///
    /// ## References
    /// - <https://man7.org/linux/man-pages/man1/chmod.1.html>
    pub static META = {
        code: "DW170",
        name: "world-writable-file-in-image",
        category: Image,
        severity: Medium,
        summary: "a file or folder of the image is writable by every user",
        references: ["cwe:732"],
        fix: None,
        models: [Image],
    };
}

/// Folders that are world-writable by design in some base images and hold nothing shared.
const EXPECTED: &[&str] = &["/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock"];

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let Some(files) = cx.files() else { return };
    // One finding per world-writable folder; files under it are not repeated.
    let mut reported_dir: Option<String> = None;
    for (path, file) in files.iter() {
        if file.mode & 0o002 == 0 || EXPECTED.contains(&path) {
            continue;
        }
        if let Some(dir) = &reported_dir
            && path.starts_with(dir.as_str())
            && path.as_bytes().get(dir.len()) == Some(&b'/')
        {
            continue;
        }
        let (what, severity) = match file.kind {
            FileKind::Regular => ("file", Severity::Medium),
            FileKind::Directory if file.mode & 0o1000 == 0 => {
                reported_dir = Some(path.to_string());
                ("folder", Severity::Medium)
            }
            _ => continue,
        };
        out.push(
            cx.file_finding(
                &META,
                path,
                file,
                format!("{path} is a world-writable {what} (mode {:04o})", file.mode),
            )
            .with_severity(severity)
            .with_help("remove the bit with `chmod o-w`, and give the folder to the account that writes it"),
        );
    }
}
