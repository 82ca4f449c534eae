use super::ImageCx;
use crate::declare_rule;
use dockward_core::Finding;
use std::collections::BTreeMap;

declare_rule! {
    /// ## What it does
    /// Reports user ids shared by several accounts in a built image's `/etc/passwd`, and
    /// group ids shared by several groups in `/etc/group`.
    ///
    /// ## Why is this bad?
    /// The kernel knows ids, not names: two accounts with one uid are one account with two
    /// names and two passwords. A second uid-0 account is a root login that audits keyed
    /// on `root` miss; a build step that adds `app` with an id already taken gives `app`
    /// the other account's files.
    ///
    /// ## Example
    /// ```image
    /// $ cat /etc/passwd
    /// root:x:0:0:root:/root:/bin/sh
    /// toor:x:0:0:root:/root:/bin/sh
    /// ```
    ///
    /// Use instead:
    /// ```image
    /// $ cat /etc/passwd
    /// root:x:0:0:root:/root:/bin/sh
    /// app:x:10001:10001::/app:/sbin/nologin
    /// ```
    ///
    /// ## References
    /// - dockle DKL-LI-0002
    pub static META = {
        code: "DW172",
        name: "duplicate-account-id",
        category: Image,
        severity: Medium,
        summary: "several accounts or groups of the image share one id",
        references: ["dockle:DKL-LI-0002", "cwe:286"],
        fix: None,
        models: [Image],
    };
}

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let Some(files) = cx.files() else { return };
    for (path, what) in [("/etc/passwd", "uid"), ("/etc/group", "gid")] {
        let Some(file) = files.get(path) else { continue };
        let Some(content) = cx.content(path) else { continue };
        let mut by_id: BTreeMap<u64, Vec<String>> = BTreeMap::new();
        for line in String::from_utf8_lossy(content).lines() {
            if line.starts_with('#') || line.starts_with('+') || line.starts_with('-') {
                continue;
            }
            let fields: Vec<&str> = line.split(':').collect();
            let (Some(name), Some(id)) = (fields.first(), fields.get(2).and_then(|i| i.parse::<u64>().ok())) else {
                continue;
            };
            by_id.entry(id).or_default().push((*name).to_string());
        }
        for (id, names) in by_id.into_iter().filter(|(_, n)| n.len() > 1) {
            let severity = if id == 0 && what == "uid" {
                dockward_core::Severity::High
            } else {
                META.severity
            };
            out.push(
                cx.file_finding(
                    &META,
                    path,
                    file,
                    format!("{path}: {what} {id} is shared by {}", names.join(", ")),
                )
                .with_severity(severity),
            );
        }
    }
}
