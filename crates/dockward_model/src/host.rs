//! HostSpec: facts about the machine dockerd runs on, as the CIS Docker Benchmark's host
//! checks (sections 1.1 and 3) read them: who owns Docker's files and sockets and with which
//! mode, who is in the `docker` group, which of Docker's files and binaries the audit system
//! watches, whether the data root is its own file system, and whether content trust is on.
//!
//! The facts are read from a filesystem root (`/`, or a mounted copy of a host) by
//! `dockward_inputs::host`; this module holds the shape and the pure readers of the text
//! formats involved (`/etc/group`, `/etc/passwd`, audit rules, `/proc/self/mountinfo`,
//! `/etc/environment`), so they are tested without a filesystem.
//!
//! What could not be read is said, never guessed: a file whose owner cannot be seen is
//! [`FileState::Unreadable`] with the reason, and audit rules that cannot be read are
//! `Unknown`. A file that is not there is [`FileState::Absent`]: the check does not apply.
//!
//! ```
//! use dockward_core::FileId;
//! use dockward_model::host::{AuditRules, AuditSource};
//!
//! let mut rules = AuditRules::new(AuditSource::Files);
//! rules.read(FileId(0), "-w /usr/bin/dockerd -k docker\n-a always,exit -F path=/etc/docker/ -F perm=wa\n");
//! assert!(rules.covering("/usr/bin/dockerd").is_some());
//! assert!(rules.covering("/etc/docker").is_some()); // a trailing slash names the same path
//! assert!(rules.covering("/usr/bin/docker").is_none()); // exact paths, not prefixes
//! ```

use crate::known::{Known, Sourced};
use dockward_core::{FileId, Provenance, TextRange};
use std::path::PathBuf;

/// The files CIS section 3 sets an owner and a most permissive mode for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileTarget {
    /// `docker.service`, in `/etc/systemd/system`, `/usr/lib/systemd/system` or
    /// `/lib/systemd/system`.
    DockerService,
    /// `docker.socket`, in the same folders.
    DockerSocketUnit,
    /// The `/etc/docker` folder.
    EtcDocker,
    /// A file under `/etc/docker/certs.d/` (registry certificates, at any depth).
    RegistryCert,
    /// A private key under `/etc/docker/certs.d/` (`client.key`: the client certificate
    /// dockerd presents to that registry).
    RegistryKey,
    /// The daemon's TLS CA certificate (`tlscacert`).
    TlsCaCert,
    /// The daemon's TLS certificate (`tlscert`).
    TlsCert,
    /// The daemon's TLS private key (`tlskey`).
    TlsKey,
    /// `/var/run/docker.sock`.
    DockerSocket,
    /// `/etc/docker/daemon.json`.
    DaemonJson,
    /// `/etc/default/docker` (Debian's environment file for dockerd).
    EtcDefaultDocker,
    /// `/etc/sysconfig/docker` (Red Hat's).
    EtcSysconfigDocker,
    /// `/run/containerd/containerd.sock`.
    ContainerdSocket,
}

impl FileTarget {
    /// What the file is, for messages: "the Docker socket", "the docker.service unit".
    pub fn describe(self) -> &'static str {
        match self {
            FileTarget::DockerService => "the docker.service unit",
            FileTarget::DockerSocketUnit => "the docker.socket unit",
            FileTarget::EtcDocker => "the Docker configuration folder",
            FileTarget::RegistryCert => "this registry certificate file",
            FileTarget::RegistryKey => "this registry client key",
            FileTarget::TlsCaCert => "the daemon's TLS CA certificate",
            FileTarget::TlsCert => "the daemon's TLS certificate",
            FileTarget::TlsKey => "the daemon's TLS private key",
            FileTarget::DockerSocket => "the Docker socket",
            FileTarget::DaemonJson => "the daemon configuration file",
            FileTarget::EtcDefaultDocker => "dockerd's environment file",
            FileTarget::EtcSysconfigDocker => "dockerd's environment file",
            FileTarget::ContainerdSocket => "the containerd socket",
        }
    }
}

/// What kind of file a path is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    File,
    Folder,
    Socket,
    /// A FIFO or a device.
    Other,
}

/// Owner, group and mode of a file that is there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileStat {
    pub kind: FileKind,
    pub uid: u32,
    pub gid: u32,
    /// The names of `uid` and `gid` in the host's `/etc/passwd` and `/etc/group`, when
    /// those list them.
    pub user: Option<String>,
    pub group: Option<String>,
    /// Permission bits with setuid, setgid and sticky (`mode & 0o7777`).
    pub mode: u32,
}

impl FileStat {
    /// `root:docker`, or the numbers for ids the host's files do not name.
    pub fn owner_text(&self) -> String {
        let user = self.user.clone().unwrap_or_else(|| self.uid.to_string());
        let group = self.group.clone().unwrap_or_else(|| self.gid.to_string());
        format!("{user}:{group}")
    }
}

/// Whether a path is there, and what it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    Present(FileStat),
    /// Not there: checks of it do not apply.
    Absent,
    /// Could not be looked at (the reason: "permission denied" when not run as root).
    Unreadable(String),
}

/// One file CIS section 3 judges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostFile {
    pub target: FileTarget,
    /// The path as the host names it (`/var/run/docker.sock`).
    pub path: String,
    /// Where it resolves to, when symbolic links lead elsewhere (`/run/docker.sock`).
    pub resolved: Option<String>,
    /// Where a finding about it points.
    pub at: Provenance,
    pub state: FileState,
}

/// Docker's files and binaries CIS 1.1.3–1.1.18 want audit rules for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AuditItem {
    Dockerd,
    RunContainerd,
    /// The data root: `/var/lib/docker` or `data-root` from `daemon.json`.
    DataRoot,
    EtcDocker,
    DockerService,
    ContainerdSocket,
    DockerSocketUnit,
    EtcDefaultDocker,
    DaemonJson,
    ContainerdConfig,
    EtcSysconfigDocker,
    Containerd,
    ContainerdShim,
    ContainerdShimRuncV1,
    ContainerdShimRuncV2,
    Runc,
}

/// One path that should be audited.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditTarget {
    pub item: AuditItem,
    /// The path as the host names it.
    pub path: String,
    /// Where it resolves to, when symbolic links lead elsewhere: what a watch should name
    /// (an audit watch on a link watches the link).
    pub resolved: Option<String>,
    /// Every path that names the same file (the path, where it resolves to, the other
    /// folders it was also found in): a rule on any of them watches it.
    pub aliases: Vec<String>,
    pub at: Provenance,
    pub state: FileState,
}

/// Where audit rules were read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditSource {
    /// The rules loaded in the kernel, as `auditctl -l` lists them.
    Loaded,
    /// The rules files (`/etc/audit/rules.d/*.rules`, `/etc/audit/audit.rules`): what
    /// auditd loads when it starts.
    Files,
}

/// How a rule names its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuditForm {
    /// `-w PATH …`
    Watch,
    /// `-a always,exit … -F path=PATH …` (or `-F dir=PATH`).
    Syscall,
}

/// One audit rule that watches a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRule {
    /// The path, without a trailing slash.
    pub path: String,
    pub form: AuditForm,
    /// The rule's line.
    pub at: Provenance,
}

/// The audit rules that watch paths, in the order they are loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditRules {
    pub source: AuditSource,
    pub rules: Vec<AuditRule>,
}

/// Whether the data root is a file system of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MountState {
    /// It is a mount point.
    Separate,
    /// It lives on the file system mounted at `on`.
    Shared { on: String },
    /// Not there: the check does not apply.
    Absent,
    /// Could not be told (the reason).
    Unknown(String),
}

/// The folder dockerd keeps images and containers in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataRoot {
    /// `/var/lib/docker`, or `data-root` from `daemon.json`.
    pub path: String,
    pub at: Provenance,
    pub mount: MountState,
}

/// The `docker` group: its members control the daemon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerGroup {
    pub gid: u32,
    /// The group's line in `/etc/group`.
    pub at: Provenance,
    pub members: Vec<GroupMember>,
}

/// A user in the `docker` group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupMember {
    pub name: String,
    /// In the group because it is the user's primary group (`/etc/passwd`), not because
    /// `/etc/group` lists the user.
    pub primary: bool,
    /// The line that makes the user a member.
    pub at: Provenance,
}

/// Something the host reader could not look at, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostGap {
    pub path: String,
    pub reason: String,
}

/// Everything `dockward host` judges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostSpec {
    /// The filesystem root the facts were read from (`/` for this machine).
    pub root: PathBuf,
    /// CIS section 3 targets; absent ones are listed as [`FileState::Absent`].
    pub files: Vec<HostFile>,
    /// `Unset` when the host has no `docker` group; `Unknown` when `/etc/group` could not
    /// be read.
    pub docker_group: Known<DockerGroup>,
    /// `Unknown` when neither `auditctl -l` nor the rules files could be read. No rules at
    /// all (auditd not installed) is a set, empty list.
    pub audit_rules: Known<AuditRules>,
    pub audit_targets: Vec<AuditTarget>,
    pub data_root: DataRoot,
    /// `DOCKER_CONTENT_TRUST`: from the environment dockward runs in (when it audits `/`)
    /// or the host's `/etc/environment`; `Unset` points at `/etc/environment`.
    pub content_trust: Sourced<String>,
    /// What could not be read.
    pub gaps: Vec<HostGap>,
}

impl HostSpec {
    /// A spec of `root` where nothing is known to be there: the reader fills it in, tests
    /// build on it.
    pub fn empty(root: impl Into<PathBuf>) -> Self {
        Self {
            root: root.into(),
            files: Vec::new(),
            docker_group: Known::Unset,
            audit_rules: Known::Unknown,
            audit_targets: Vec::new(),
            data_root: DataRoot {
                path: DEFAULT_DATA_ROOT.to_string(),
                at: host_at(DEFAULT_DATA_ROOT, None),
                mount: MountState::Absent,
            },
            content_trust: Sourced::unset(host_at(ENVIRONMENT_FILE, Some(CONTENT_TRUST_VARIABLE))),
            gaps: Vec::new(),
        }
    }
}

/// dockerd's data root when `daemon.json` does not set `data-root`.
pub const DEFAULT_DATA_ROOT: &str = "/var/lib/docker";
/// The variable that turns on Docker Content Trust in the docker CLI.
pub const CONTENT_TRUST_VARIABLE: &str = "DOCKER_CONTENT_TRUST";
/// The system-wide environment file (pam_env), where a host sets it for every login.
pub const ENVIRONMENT_FILE: &str = "/etc/environment";

/// Provenance of a host path.
pub fn host_at(path: &str, detail: Option<&str>) -> Provenance {
    Provenance::Host {
        path: path.to_string(),
        detail: detail.map(str::to_string),
    }
}

/// Whether a `DOCKER_CONTENT_TRUST` value turns content trust on, as the docker CLI reads
/// it: an empty value is off, and so is any spelling Go's `strconv.ParseBool` reads as
/// false; any other value (also one ParseBool rejects) is on.
pub fn content_trust_enabled(value: &str) -> bool {
    !(value.is_empty() || matches!(value, "0" | "f" | "F" | "false" | "FALSE" | "False"))
}

/// `mode` without the bits `max` allows: what makes a mode too permissive. A mode is
/// within `max` when this is 0 — a bitmask test: `0600` is within `0644`, `0447` is not,
/// although it is the smaller number.
pub const fn excess_mode(mode: u32, max: u32) -> u32 {
    mode & 0o7777 & !max
}

/// `group write, others read and write` for excess permission bits.
pub fn describe_mode_bits(bits: u32) -> String {
    let mut parts = Vec::new();
    for (mask, name) in [(0o4000, "setuid"), (0o2000, "setgid"), (0o1000, "sticky")] {
        if bits & mask != 0 {
            parts.push(name.to_string());
        }
    }
    for (shift, who) in [(6, "owner"), (3, "group"), (0, "others")] {
        let rwx = (bits >> shift) & 0o7;
        if rwx == 0 {
            continue;
        }
        let what: Vec<&str> = [(4, "read"), (2, "write"), (1, "execute")]
            .iter()
            .filter(|(bit, _)| rwx & bit != 0)
            .map(|(_, name)| *name)
            .collect();
        let what = match what.as_slice() {
            [one] => (*one).to_string(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
            [] => continue,
        };
        parts.push(format!("{who} {what}"));
    }
    parts.join(", ")
}

/// One line of `/etc/group`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupEntry {
    pub name: String,
    pub gid: u32,
    pub members: Vec<String>,
    /// The whole line, without its line break.
    pub line: TextRange,
}

/// Reads `/etc/group` (`name:password:gid:member,member`). Lines that are not four fields
/// with a numeric gid, and NIS `+`/`-` entries, are skipped.
pub fn parse_group(text: &str) -> Vec<GroupEntry> {
    lines(text)
        .filter_map(|(line, range)| {
            let fields: Vec<&str> = line.split(':').collect();
            let [name, _, gid, members] = fields.as_slice() else {
                return None;
            };
            if name.is_empty() || name.starts_with(['+', '-', '#']) {
                return None;
            }
            Some(GroupEntry {
                name: (*name).to_string(),
                gid: gid.trim().parse().ok()?,
                members: members
                    .split(',')
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(str::to_string)
                    .collect(),
                line: range,
            })
        })
        .collect()
}

/// One line of `/etc/passwd`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswdEntry {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub line: TextRange,
}

/// Reads `/etc/passwd` (`name:password:uid:gid:gecos:home:shell`); malformed lines and NIS
/// entries are skipped.
pub fn parse_passwd(text: &str) -> Vec<PasswdEntry> {
    lines(text)
        .filter_map(|(line, range)| {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() < 4 || fields[0].is_empty() || fields[0].starts_with(['+', '-', '#']) {
                return None;
            }
            Some(PasswdEntry {
                name: fields[0].to_string(),
                uid: fields[2].trim().parse().ok()?,
                gid: fields[3].trim().parse().ok()?,
                line: range,
            })
        })
        .collect()
}

/// The `docker` group and its members: users `/etc/group` lists, then users whose primary
/// group it is in `/etc/passwd` (when that was read). `group_line` gives the provenance of
/// a line of `/etc/group`; a primary-group member points at `/etc/passwd` by name, not at
/// its line, so that no line of that file is ever printed (old systems keep password hashes
/// in it). `None` when there is no such group.
pub fn docker_group(
    group_line: &dyn Fn(TextRange) -> Provenance,
    groups: &[GroupEntry],
    passwd: Option<&[PasswdEntry]>,
) -> Option<DockerGroup> {
    let entry = groups.iter().find(|g| g.name == "docker")?;
    let at = group_line(entry.line);
    let mut members: Vec<GroupMember> = entry
        .members
        .iter()
        .map(|name| GroupMember {
            name: name.clone(),
            primary: false,
            at: at.clone(),
        })
        .collect();
    for user in passwd.unwrap_or_default().iter().filter(|u| u.gid == entry.gid) {
        if !members.iter().any(|m| m.name == user.name) {
            members.push(GroupMember {
                name: user.name.clone(),
                primary: true,
                at: host_at(PASSWD_FILE, Some(&format!("user {}", user.name))),
            });
        }
    }
    Some(DockerGroup {
        gid: entry.gid,
        at,
        members,
    })
}

/// The user database.
pub const PASSWD_FILE: &str = "/etc/passwd";
/// The group database.
pub const GROUP_FILE: &str = "/etc/group";

/// `/etc/group` with any real password field (a hash, on old systems) overwritten with `*`
/// of the same length, so that the text can be shown in a finding's frame and every
/// range into it stays valid.
pub fn mask_group_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let mut fields = line.splitn(3, ':');
        match (fields.next(), fields.next(), fields.next()) {
            (Some(name), Some(password), Some(rest)) if !matches!(password, "" | "x" | "*" | "!" | "!!") => {
                out.push_str(name);
                out.push(':');
                out.push_str(&"*".repeat(password.len()));
                out.push(':');
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// `path` with repeated and trailing slashes removed: `/etc/docker/` and `/etc//docker`
/// name `/etc/docker`.
pub fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for part in path.split('/').filter(|p| !p.is_empty() && *p != ".") {
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    if !path.starts_with('/') {
        out.remove(0);
    }
    out
}

impl AuditRules {
    pub fn new(source: AuditSource) -> Self {
        Self {
            source,
            rules: Vec::new(),
        }
    }

    /// Reads rules in the order auditctl loads them: `-D` deletes every rule read so far,
    /// `-W PATH` deletes a watch and `-d … -F path=PATH` a syscall rule. `never` rules
    /// (which stop auditing) and rules on other fields are not watches.
    pub fn read(&mut self, file: FileId, text: &str) {
        for (line, range) in lines(text) {
            let words: Vec<&str> = line.split_whitespace().collect();
            if words.first().is_none_or(|w| w.starts_with('#')) {
                continue;
            }
            let at = Provenance::text(file, range);
            match parse_audit_line(&words) {
                Some(AuditLine::DeleteAll) => self.rules.clear(),
                Some(AuditLine::Add(path, form)) => self.rules.push(AuditRule { path, form, at }),
                Some(AuditLine::Delete(path, form)) => self.rules.retain(|r| !(r.path == path && r.form == form)),
                None => {}
            }
        }
    }

    /// The first rule that watches exactly `path`.
    pub fn covering(&self, path: &str) -> Option<&AuditRule> {
        let path = normalize_path(path);
        self.rules.iter().find(|r| r.path == path)
    }
}

enum AuditLine {
    DeleteAll,
    Add(String, AuditForm),
    Delete(String, AuditForm),
}

/// One rule line as auditctl reads its options (getopt: `-w PATH` or `-wPATH`).
fn parse_audit_line(words: &[&str]) -> Option<AuditLine> {
    let mut options: Vec<(char, &str)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = words[i];
        let mut chars = word.chars();
        if chars.next() != Some('-') {
            i += 1;
            continue;
        }
        let Some(flag) = chars.next() else {
            i += 1;
            continue;
        };
        let rest = chars.as_str();
        if flag == 'D' && rest.is_empty() {
            options.push(('D', ""));
            i += 1;
        } else if !rest.is_empty() {
            options.push((flag, rest));
            i += 1;
        } else {
            options.push((flag, words.get(i + 1).copied().unwrap_or("")));
            i += 2;
        }
    }
    let value = |flag: char| options.iter().find(|(f, _)| *f == flag).map(|(_, v)| *v);
    if options.iter().any(|(f, _)| *f == 'D') {
        return Some(AuditLine::DeleteAll);
    }
    if let Some(path) = value('w').filter(|p| !p.is_empty()) {
        return Some(AuditLine::Add(normalize_path(path), AuditForm::Watch));
    }
    if let Some(path) = value('W').filter(|p| !p.is_empty()) {
        return Some(AuditLine::Delete(normalize_path(path), AuditForm::Watch));
    }
    // A syscall rule names its path in a `path=` or `dir=` field (equality only: `!=`
    // excludes the path).
    let field_path = options.iter().filter(|(f, _)| *f == 'F').find_map(|(_, field)| {
        let (name, path) = field.split_once('=')?;
        (matches!(name, "path" | "dir") && !path.is_empty()).then(|| normalize_path(path))
    })?;
    if let Some(list) = value('a').or(value('A')) {
        // `-a always,exit` and `-a exit,always` both add a rule that records; `never`
        // rules suppress records.
        return list
            .split(',')
            .any(|part| part == "always")
            .then_some(AuditLine::Add(field_path, AuditForm::Syscall));
    }
    value('d').map(|_| AuditLine::Delete(field_path, AuditForm::Syscall))
}

/// The mount points of `/proc/self/mountinfo` (the fifth field, with the kernel's octal
/// escapes of space, tab, newline and backslash undone).
pub fn parse_mountinfo(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.split(' ').nth(4))
        .map(unescape_octal)
        .collect()
}

fn unescape_octal(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 4 <= bytes.len() && bytes[i + 1..i + 4].iter().all(|b| (b'0'..=b'7').contains(b)) {
            let value = u32::from(bytes[i + 1] - b'0') * 64
                + u32::from(bytes[i + 2] - b'0') * 8
                + u32::from(bytes[i + 3] - b'0');
            if let Ok(byte) = u8::try_from(value) {
                out.push(byte);
                i += 4;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The last assignment of `name` in an environment file such as `/etc/environment`
/// (`NAME=value`, `export NAME=value`, values optionally in quotes): the value and the
/// line's range.
pub fn environment_value(text: &str, name: &str) -> Option<(String, TextRange)> {
    lines(text)
        .filter_map(|(line, range)| {
            let line = line.trim();
            let line = line.strip_prefix("export ").map_or(line, str::trim_start);
            let (key, value) = line.split_once('=')?;
            if key.trim() != name {
                return None;
            }
            let value = value.trim();
            let unquoted = ['"', '\'']
                .iter()
                .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
                .unwrap_or(value);
            Some((unquoted.to_string(), range))
        })
        .last()
}

/// Lines without their line breaks, with their ranges.
fn lines(text: &str) -> impl Iterator<Item = (&str, TextRange)> {
    let mut offset = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = offset;
        offset += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        (line, TextRange::from_usize(start, start + line.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_are_judged_as_bitmasks_not_numbers() {
        assert_eq!(excess_mode(0o600, 0o644), 0);
        assert_eq!(excess_mode(0o644, 0o644), 0);
        // Smaller than 644 as a number, yet others may write.
        assert_eq!(excess_mode(0o447, 0o644), 0o003);
        assert_eq!(excess_mode(0o4644, 0o644), 0o4000);
        assert_eq!(excess_mode(0o666, 0o660), 0o006);
        assert_eq!(describe_mode_bits(0o026), "group write, others read and write");
        assert_eq!(describe_mode_bits(0o4007), "setuid, others read, write and execute");
    }

    #[test]
    fn group_members_come_from_the_group_line_and_primary_groups() {
        let group = "root:x:0:\n+nis\ndocker:x:999:alice, bob\nusers:x:100:carol\n";
        let passwd = "root:x:0:0:root:/root:/bin/bash\nbob:x:1001:999::/home/bob:/bin/sh\n\
                      dave:x:1002:999::/home/dave:/bin/sh\nbroken line\n";
        let groups = parse_group(group);
        assert_eq!(groups.len(), 3);
        let users = parse_passwd(passwd);
        assert_eq!(users.len(), 3);
        let docker = docker_group(&|r| Provenance::text(FileId(0), r), &groups, Some(&users)).unwrap();
        assert_eq!(docker.gid, 999);
        let names: Vec<(&str, bool)> = docker.members.iter().map(|m| (m.name.as_str(), m.primary)).collect();
        assert_eq!(names, [("alice", false), ("bob", false), ("dave", true)]);
        let (_, line) = docker.at.as_text().unwrap();
        assert_eq!(line.slice(group), "docker:x:999:alice, bob");
        assert_eq!(docker.members[2].at, host_at("/etc/passwd", Some("user dave")));
        assert!(docker_group(&|r| Provenance::text(FileId(0), r), &parse_group("root:x:0:\n"), None).is_none());
        let masked = mask_group_passwords("docker:$6$salt$hash:999:alice\nroot:x:0:\n");
        assert_eq!(masked, "docker:************:999:alice\nroot:x:0:\n");
    }

    #[test]
    fn audit_rules_in_both_forms_with_exact_paths_and_line_provenance() {
        let text = "# Docker\n\
                    -w /usr/bin/dockerd -p rwxa -k docker\n\
                    -a always,exit -F arch=b64 -S all -F path=/etc/docker/daemon.json -F perm=wa -k docker\n\
                    -a exit,always -F dir=/var/lib/docker/ -k docker\n\
                    -a never,exit -F path=/usr/bin/runc\n\
                    -a always,exit -F path!=/usr/bin/containerd\n\
                    -w/etc/default/docker -k docker\n";
        let mut rules = AuditRules::new(AuditSource::Files);
        rules.read(FileId(3), text);
        let paths: Vec<(&str, AuditForm)> = rules.rules.iter().map(|r| (r.path.as_str(), r.form)).collect();
        assert_eq!(
            paths,
            [
                ("/usr/bin/dockerd", AuditForm::Watch),
                ("/etc/docker/daemon.json", AuditForm::Syscall),
                ("/var/lib/docker", AuditForm::Syscall),
                ("/etc/default/docker", AuditForm::Watch),
            ]
        );
        let (file, range) = rules.covering("/etc/docker/daemon.json").unwrap().at.as_text().unwrap();
        assert_eq!(file, FileId(3));
        assert!(range.slice(text).starts_with("-a always,exit -F arch=b64"));
        // Exact: a watch on a file does not cover its folder, nor a prefix of its name.
        assert!(rules.covering("/etc/docker").is_none());
        assert!(rules.covering("/usr/bin/docker").is_none());
        assert!(rules.covering("/usr/bin/runc").is_none());
        assert!(rules.covering("/usr/bin/containerd").is_none());
    }

    #[test]
    fn deletions_apply_in_order() {
        let mut rules = AuditRules::new(AuditSource::Files);
        rules.read(FileId(0), "-w /etc/docker -k docker\n-w /usr/bin/runc\n");
        rules.read(
            FileId(1),
            "-W /usr/bin/runc\n-a always,exit -F path=/usr/bin/containerd\n",
        );
        assert!(rules.covering("/etc/docker").is_some() && rules.covering("/usr/bin/runc").is_none());
        rules.read(FileId(1), "-d always,exit -F path=/usr/bin/containerd\n");
        assert!(rules.covering("/usr/bin/containerd").is_none());
        rules.read(FileId(2), "-D\n-w /usr/bin/dockerd\n");
        assert_eq!(rules.rules.len(), 1);
        assert!(rules.covering("/usr/bin/dockerd/").is_some());
    }

    #[test]
    fn mountinfo_mount_points_are_unescaped() {
        let text = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n\
                    40 27 254:1 / /var/lib/docker rw - ext4 /dev/vdb rw\n\
                    41 27 0:50 / /mnt/my\\040disk rw - tmpfs tmpfs rw\n";
        assert_eq!(parse_mountinfo(text), ["/", "/var/lib/docker", "/mnt/my disk"]);
    }

    #[test]
    fn content_trust_values_read_as_the_docker_cli_reads_them() {
        for on in ["1", "true", "TRUE", "yes", "on"] {
            assert!(content_trust_enabled(on), "{on}");
        }
        for off in ["", "0", "false", "False", "f"] {
            assert!(!content_trust_enabled(off), "{off}");
        }
        let text = "PATH=/usr/bin\nDOCKER_CONTENT_TRUST=0\nexport DOCKER_CONTENT_TRUST=\"1\"\n";
        let (value, range) = environment_value(text, CONTENT_TRUST_VARIABLE).unwrap();
        assert_eq!(
            (value.as_str(), range.slice(text)),
            ("1", "export DOCKER_CONTENT_TRUST=\"1\"")
        );
        assert!(environment_value("PATH=/bin\n", CONTENT_TRUST_VARIABLE).is_none());
    }

    #[test]
    fn paths_are_normalized() {
        assert_eq!(normalize_path("/etc//docker/"), "/etc/docker");
        assert_eq!(normalize_path("/"), "/");
        assert_eq!(normalize_path("/etc/./docker"), "/etc/docker");
    }
}
