//! Files with the setuid or setgid bit: DW107, seen in a built image's files (dockle
//! CIS-DI-0008). The setuid programs Linux distributions ship in their base images (`su`,
//! `passwd`, `mount`, …) are reported at low severity: they are expected, yet still worth
//! removing from an image that never needs them.

use super::ImageCx;
pub use crate::build::instructions::setuid_setgid_bit::META;
use dockward_core::{Finding, Severity};
use dockward_model::image::FileKind;

/// Setuid and setgid programs of Debian, Ubuntu, Alpine and RHEL-family base images.
const DISTRIBUTION: &[&str] = &[
    "su",
    "passwd",
    "chsh",
    "chfn",
    "gpasswd",
    "newgrp",
    "mount",
    "umount",
    "chage",
    "expiry",
    "unix_chkpwd",
    "pam_timestamp_check",
    "wall",
    "write",
    "ssh-agent",
    "crontab",
    "dotlockfile",
    "bsd-write",
    "pkexec",
    "ping",
    "busybox",
    "bbsuid",
    "newuidmap",
    "newgidmap",
    "fusermount",
    "fusermount3",
];

pub fn check(cx: &ImageCx<'_>, out: &mut Vec<Finding>) {
    let Some(files) = cx.files() else { return };
    for (path, file) in files.iter() {
        if file.kind != FileKind::Regular || file.mode & 0o6000 == 0 {
            continue;
        }
        let bits = match (file.mode & 0o4000 != 0, file.mode & 0o2000 != 0) {
            (true, true) => "setuid and setgid",
            (true, false) => "setuid",
            _ => "setgid",
        };
        let name = path.rsplit('/').next().unwrap_or(path);
        let owner = if file.uid == 0 { " root" } else { "" };
        let mut finding = cx.file_finding(
            &META,
            path,
            file,
            format!("{path} is{owner} {bits} (mode {:04o})", file.mode),
        );
        if DISTRIBUTION.contains(&name) || file.mode & 0o4000 == 0 {
            finding = finding.with_severity(Severity::Low);
        }
        out.push(
            finding
                .with_help("remove the bit with `chmod u-s,g-s` in the Dockerfile, or the program if it is not needed"),
        );
    }
}
