//! The seed checklist as a scorecard: each row is a practice, passed, failed or not seen.
//!
//! A row lists the rules that judge it (as data: adding a rule to a row is one code here).
//! It fails when one of them reported a finding, passes when one of them ran (it was
//! enabled and the inputs held something it reads) and none reported, and is "not seen"
//! when none ran: a scan of Dockerfiles says nothing about the daemon's TLS. Findings a
//! baseline absorbed do not fail a row: the report shows what is new.

use crate::Coverage;

/// One practice of the checklist.
#[derive(Debug)]
pub struct Row {
    /// The checklist layer: image, runtime, secrets, network, resources, daemon, logging.
    pub area: &'static str,
    pub practice: &'static str,
    /// The rules that judge it.
    pub codes: &'static [&'static str],
    /// Shown when the row is not seen: what would let dockward judge it.
    pub when_unseen: &'static str,
}

pub const ROWS: &[Row] = &[
    Row {
        area: "image",
        practice: "minimal base (no sudo, SSH server or recommended extras)",
        codes: &["DW110", "DW111", "DW201"],
        when_unseen: "scan the Dockerfiles",
    },
    Row {
        area: "image",
        practice: "scanned for vulnerabilities",
        codes: &[],
        when_unseen: "no vulnerability scan is part of this report",
    },
    Row {
        area: "image",
        practice: "base images and images pinned",
        codes: &["DW102", "DW120", "DW316", "DW317"],
        when_unseen: "scan the Dockerfiles and Compose files",
    },
    Row {
        area: "image",
        practice: "multi-stage (no build tools in the final image)",
        codes: &["DW109"],
        when_unseen: "scan the Dockerfiles",
    },
    Row {
        area: "runtime",
        practice: "runs as non-root",
        codes: &["DW101", "DW302"],
        when_unseen: "scan Dockerfiles, Compose files or the engine",
    },
    Row {
        area: "runtime",
        practice: "read-only root filesystem",
        codes: &["DW307"],
        when_unseen: "scan Compose files, run lines or the engine",
    },
    Row {
        area: "runtime",
        practice: "capabilities dropped",
        codes: &["DW303", "DW304"],
        when_unseen: "scan Compose files, run lines or the engine",
    },
    Row {
        area: "runtime",
        practice: "no-new-privileges",
        codes: &["DW305", "DW707"],
        when_unseen: "scan Compose files, run lines, daemon.json or the engine",
    },
    Row {
        area: "runtime",
        practice: "never privileged",
        codes: &["DW301", "DW503"],
        when_unseen: "scan Compose files, run lines, Dockerfiles or the engine",
    },
    Row {
        area: "secrets",
        practice: "none in images",
        codes: &["DW401", "DW402", "DW403"],
        when_unseen: "scan the Dockerfiles",
    },
    Row {
        area: "secrets",
        practice: "managed (not in environment variables)",
        codes: &["DW410", "DW411"],
        when_unseen: "scan Compose files, run lines or the engine",
    },
    Row {
        area: "network",
        practice: "tiers isolated",
        codes: &["DW530", "DW531", "DW532", "DW704"],
        when_unseen: "scan Compose files or daemon.json",
    },
    Row {
        area: "network",
        practice: "ports bound to localhost, no host network",
        codes: &["DW511", "DW510", "DW502"],
        when_unseen: "scan Compose files, run lines or the engine",
    },
    Row {
        area: "resources",
        practice: "memory, CPU and process limits",
        codes: &["DW601", "DW602", "DW603", "DW604"],
        when_unseen: "scan Compose files, run lines or the engine",
    },
    Row {
        area: "daemon",
        practice: "TLS on remote access",
        codes: &["DW701", "DW702"],
        when_unseen: "scan daemon.json or the engine",
    },
    Row {
        area: "daemon",
        practice: "rootless or user namespaces",
        codes: &["DW703"],
        when_unseen: "scan daemon.json or the engine",
    },
    Row {
        area: "logging",
        practice: "audit rules and logging on",
        codes: &["DW906", "DW710", "DW801"],
        when_unseen: "audit the host (dockward host) or scan daemon.json",
    },
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Pass,
    Fail,
    NotSeen,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotSeen => "not seen",
        }
    }
}

impl Row {
    /// The row's status, given whether a rule code reported anything.
    pub fn status(&self, coverage: &Coverage, fired: impl Fn(&str) -> bool) -> Status {
        if self.codes.iter().any(|c| fired(c)) {
            Status::Fail
        } else if self.codes.iter().any(|c| coverage.did_run(c)) {
            Status::Pass
        } else {
            Status::NotSeen
        }
    }
}
