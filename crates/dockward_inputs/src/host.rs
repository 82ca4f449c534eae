//! Reading a [`HostSpec`] from a filesystem root: `/` for this machine, or a folder that
//! holds a copy of a host (a mounted disk image, a test tree).
//!
//! Paths are looked up *inside* the root: symbolic links are followed one component at a
//! time, an absolute link target starts again at the root and `..` never climbs above it,
//! so `/var/run -> /run` in a mounted image leads to the image's `/run`, never to this
//! machine's. Only metadata is looked at for the files CIS judges; the few files whose
//! text is read (`/etc/passwd`, `/etc/group`, `daemon.json`, audit rules,
//! `/etc/environment`) go through [`crate::read::read_text`]: regular files only, capped,
//! opened without blocking.
//!
//! Whatever cannot be looked at (permission denied when not run as root) is recorded in
//! [`HostSpec::gaps`] and left `Unknown`/[`FileState::Unreadable`]; nothing is assumed.

use crate::read::{MAX_FILE_BYTES, read_text};
use crate::scripts::{ScriptKind, run_lines};
use dockward_core::{FileId, Provenance, SourceDb, SourceFile, TextRange};
use dockward_model::Known;
use dockward_model::Sourced;
use dockward_model::daemon::{DaemonSpec, lower_daemon_json};
use dockward_model::host::{
    AuditItem, AuditRules, AuditSource, AuditTarget, CONTENT_TRUST_VARIABLE, DEFAULT_DATA_ROOT, DataRoot,
    ENVIRONMENT_FILE, FileKind, FileStat, FileState, FileTarget, GROUP_FILE, HostFile, HostGap, HostSpec, MountState,
    PASSWD_FILE, docker_group, environment_value, host_at, mask_group_passwords, normalize_path, parse_group,
    parse_mountinfo, parse_passwd,
};
use std::collections::HashMap;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How to read the host.
#[derive(Clone, Debug)]
pub struct HostOptions {
    /// The filesystem root; `/` audits this machine.
    pub root: PathBuf,
    /// `DOCKER_CONTENT_TRUST` in the environment dockward runs in. Only the caller knows
    /// whether that environment belongs to the audited host (it does when the root is
    /// `/`), so it passes the value only then.
    pub content_trust_env: Option<String>,
    /// Ask the kernel for its loaded audit rules with `auditctl -l` (a query: it changes
    /// nothing). Meaningful only for the root `/` and as root; the rules files are read
    /// when it is off or fails.
    pub run_auditctl: bool,
}

/// Where systemd looks for unit files, most specific first (an administrator's copy in
/// `/etc` overrides the package's).
const UNIT_DIRS: &[&str] = &["/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];
/// Folders Docker's binaries are installed in (Debian puts dockerd and runc in sbin).
const BIN_DIRS: &[&str] = &["/usr/bin", "/usr/sbin"];
/// The daemon's TLS files when `daemon.json` names none: dockerd's defaults, in the daemon
/// user's (root's) `~/.docker`.
const DEFAULT_TLS: [(FileTarget, &str, &str); 3] = [
    (FileTarget::TlsCaCert, "tlscacert", "/root/.docker/ca.pem"),
    (FileTarget::TlsCert, "tlscert", "/root/.docker/cert.pem"),
    (FileTarget::TlsKey, "tlskey", "/root/.docker/key.pem"),
];
const DAEMON_JSON: &str = "/etc/docker/daemon.json";
const CERTS_D: &str = "/etc/docker/certs.d";
/// Registry certificate folders are shallow (`certs.d/host:port/ca.crt`); the walk stops
/// at this depth and this many entries so that a huge or looping tree cannot stall it.
const CERTS_D_MAX_DEPTH: usize = 8;
const CERTS_D_MAX_ENTRIES: usize = 10_000;
/// Symbolic links followed while resolving one path (Linux's own limit).
const MAX_LINK_HOPS: usize = 40;
/// `auditctl -l` answers at once; a hung one must not hang the audit.
const AUDITCTL_TIMEOUT: Duration = Duration::from_secs(5);
/// Where auditctl is installed; it is never looked up in `$PATH`.
const AUDITCTL: &[&str] = &["/sbin/auditctl", "/usr/sbin/auditctl"];

/// Reads the host under `options.root`. Files whose lines findings may point at (the
/// `docker` group's line in `/etc/group`, audit rules files, `auditctl -l` output) are added
/// to `sources` under their host paths.
pub fn read_host(options: &HostOptions, sources: &SourceDb) -> HostSpec {
    let mut reader = Reader {
        root: options.root.clone(),
        live: is_live_root(&options.root),
        sources,
        gaps: Vec::new(),
        users: HashMap::new(),
        groups: HashMap::new(),
    };
    let mut spec = HostSpec::empty(&options.root);
    spec.docker_group = reader.read_accounts();
    let mut daemon = reader.read_daemon_json();
    daemon.add_flags(reader.read_unit_flags().as_ref());

    for (target, name) in [
        (FileTarget::DockerService, "docker.service"),
        (FileTarget::DockerSocketUnit, "docker.socket"),
    ] {
        let candidates: Vec<String> = UNIT_DIRS.iter().map(|d| format!("{d}/{name}")).collect();
        for found in reader.find(&candidates) {
            spec.files.push(found.host_file(target));
        }
    }
    for (target, path) in [
        (FileTarget::EtcDocker, "/etc/docker"),
        (FileTarget::DaemonJson, DAEMON_JSON),
        (FileTarget::EtcDefaultDocker, "/etc/default/docker"),
        (FileTarget::EtcSysconfigDocker, "/etc/sysconfig/docker"),
        (FileTarget::DockerSocket, "/var/run/docker.sock"),
        (FileTarget::ContainerdSocket, "/run/containerd/containerd.sock"),
    ] {
        spec.files.push(reader.look(path).host_file(target));
    }
    for (target, key, default) in DEFAULT_TLS {
        let path = match daemon.tls.get(key) {
            Some(path) => path.clone(),
            // dockerd reads its default files only when TLS is on; otherwise they are
            // root's own client files, not the daemon's.
            None if daemon.tls_on => default.to_string(),
            None => continue,
        };
        let mut file = reader.look(&path).host_file(target);
        if !daemon.tls.contains_key(key) {
            // Say where the path came from: no setting names it.
            file.at = host_at(&path, Some("dockerd's default location"));
        }
        spec.files.push(file);
    }
    let mut certs = Vec::new();
    reader.walk_certs(CERTS_D, 0, &mut certs);
    spec.files.extend(certs);

    spec.data_root = reader.data_root(daemon.data_root.as_deref().unwrap_or(DEFAULT_DATA_ROOT));
    spec.audit_targets = reader.audit_targets(&spec.data_root.path);
    spec.audit_rules = reader.read_audit_rules(options.run_auditctl && reader.live);
    spec.content_trust = reader.content_trust(options.content_trust_env.as_deref());
    // A path looked at for two checks (a socket that is also audited) is listed once.
    let mut gaps: Vec<HostGap> = Vec::new();
    for gap in reader.gaps {
        if !gaps.contains(&gap) {
            gaps.push(gap);
        }
    }
    spec.gaps = gaps;
    spec
}

/// Whether `root` is this machine's `/`.
fn is_live_root(root: &Path) -> bool {
    std::fs::canonicalize(root).is_ok_and(|r| r == Path::new("/"))
}

struct Reader<'a> {
    root: PathBuf,
    live: bool,
    sources: &'a SourceDb,
    gaps: Vec<HostGap>,
    users: HashMap<u32, String>,
    groups: HashMap<u32, String>,
}

/// One path looked at: where it resolves to and what is there.
struct Found {
    path: String,
    resolved: Option<String>,
    state: FileState,
    /// Device and inode, to tell two paths to one file apart from two files.
    identity: Option<(u64, u64)>,
    aliases: Vec<String>,
}

impl Found {
    fn host_file(self, target: FileTarget) -> HostFile {
        HostFile {
            target,
            at: at_path(&self.path, self.resolved.as_deref()),
            path: self.path,
            resolved: self.resolved,
            state: self.state,
        }
    }
}

/// A host path's provenance; the file a link resolves to is the detail.
fn at_path(path: &str, resolved: Option<&str>) -> Provenance {
    host_at(path, resolved.map(|r| format!("resolves to {r}")).as_deref())
}

/// What the daemon's configuration file and command line say about files the host checks
/// look at.
#[derive(Default)]
struct DaemonFacts {
    /// `tlscacert`, `tlscert`, `tlskey` by key.
    tls: HashMap<&'static str, String>,
    /// `tls` or `tlsverify` is on.
    tls_on: bool,
    data_root: Option<String>,
}

impl DaemonFacts {
    fn add(&mut self, spec: &DaemonSpec) {
        for (key, value) in [
            ("tlscacert", &spec.tls_ca_cert),
            ("tlscert", &spec.tls_cert),
            ("tlskey", &spec.tls_key),
        ] {
            if let Some(path) = value.get().filter(|p| !p.is_empty()) {
                self.tls.insert(key, absolute(path));
            }
        }
        self.tls_on |= spec.tls.get() == Some(&true) || spec.tls_verify.get() == Some(&true);
    }

    /// The unit's dockerd flags: a setting given both ways makes dockerd refuse to start,
    /// so either source may name the TLS files.
    fn add_flags(&mut self, flags: Option<&DaemonSpec>) {
        if let Some(flags) = flags {
            self.add(flags);
        }
    }
}

/// Why a lookup failed, in words for the gaps list.
fn reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    }
}

impl Reader<'_> {
    /// The host path `path` on this machine's disk.
    fn on_disk(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }

    fn gap(&mut self, path: &str, reason: impl Into<String>) {
        self.gaps.push(HostGap {
            path: path.to_string(),
            reason: reason.into(),
        });
    }

    /// Resolves `path` inside the root: every symbolic link on the way is followed as the
    /// host would follow it, with the root as `/`. Returns the host path of the file.
    fn resolve(&self, path: &str) -> io::Result<String> {
        let mut done: Vec<String> = Vec::new();
        let mut pending: Vec<String> = components(path).rev().collect();
        let mut hops = 0;
        while let Some(part) = pending.pop() {
            if part == ".." {
                done.pop();
                continue;
            }
            let host = format!("/{}", join(&done, &part));
            let meta = std::fs::symlink_metadata(self.on_disk(&host))?;
            if !meta.file_type().is_symlink() {
                done.push(part);
                continue;
            }
            hops += 1;
            if hops > MAX_LINK_HOPS {
                return Err(io::Error::other("too many levels of symbolic links"));
            }
            let target = std::fs::read_link(self.on_disk(&host))?;
            let target = target.to_string_lossy();
            if target.starts_with('/') {
                done.clear();
            }
            pending.extend(components(&target).rev());
        }
        Ok(format!("/{}", done.join("/")))
    }

    /// Looks at one path: absent, unreadable (recorded as a gap), or its owner and mode.
    fn look(&mut self, path: &str) -> Found {
        let path = normalize_path(path);
        let mut found = Found {
            path: path.clone(),
            resolved: None,
            state: FileState::Absent,
            identity: None,
            aliases: vec![path.clone()],
        };
        let resolved = match self.resolve(&path) {
            Ok(resolved) => resolved,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return found,
            Err(e) => {
                self.gap(&path, reason(&e));
                found.state = FileState::Unreadable(reason(&e));
                return found;
            }
        };
        if resolved != path {
            found.aliases.push(resolved.clone());
            found.resolved = Some(resolved.clone());
        }
        match std::fs::symlink_metadata(self.on_disk(&resolved)) {
            Ok(meta) => {
                found.identity = Some((meta.dev(), meta.ino()));
                found.state = FileState::Present(self.stat(&meta));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                self.gap(&path, reason(&e));
                found.state = FileState::Unreadable(reason(&e));
            }
        }
        found
    }

    fn stat(&self, meta: &std::fs::Metadata) -> FileStat {
        let file_type = meta.file_type();
        let kind = if file_type.is_file() {
            FileKind::File
        } else if file_type.is_dir() {
            FileKind::Folder
        } else if file_type.is_socket() {
            FileKind::Socket
        } else {
            FileKind::Other
        };
        FileStat {
            kind,
            uid: meta.uid(),
            gid: meta.gid(),
            user: self.users.get(&meta.uid()).cloned(),
            group: self.groups.get(&meta.gid()).cloned(),
            mode: meta.mode() & 0o7777,
        }
    }

    /// Looks at each candidate path for one file (a unit in each systemd folder, a binary
    /// in bin and sbin). Paths that lead to the same file are one result with several
    /// aliases; when none is there, the first candidate is returned as absent (or the
    /// first that could not be looked at).
    fn find(&mut self, candidates: &[String]) -> Vec<Found> {
        let mut present: Vec<Found> = Vec::new();
        let mut others: Vec<Found> = Vec::new();
        for candidate in candidates {
            let found = self.look(candidate);
            match (&found.state, found.identity) {
                (FileState::Present(_), Some(identity)) => {
                    if let Some(same) = present.iter_mut().find(|p| p.identity == Some(identity)) {
                        same.aliases.extend(found.aliases);
                    } else {
                        present.push(found);
                    }
                }
                _ => others.push(found),
            }
        }
        if present.is_empty() {
            let first = others
                .iter()
                .position(|f| matches!(f.state, FileState::Unreadable(_)))
                .unwrap_or(0);
            if first < others.len() {
                present.push(others.swap_remove(first));
            }
        }
        present
    }

    /// The text of a host file, added to `sources` when `keep` (so findings can show its
    /// lines). `None` when it is absent; unreadable files are recorded as gaps.
    fn read(&mut self, path: &str) -> Result<Option<String>, String> {
        let resolved = match self.resolve(path) {
            Ok(resolved) => resolved,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                self.gap(path, reason(&e));
                return Err(reason(&e));
            }
        };
        match read_text(&self.on_disk(&resolved), MAX_FILE_BYTES) {
            Ok(text) => Ok(Some(text)),
            Err(e) => {
                let message = match e {
                    crate::ReadError::Io(m) if m.contains("Permission denied") => "permission denied".to_string(),
                    other => other.to_string(),
                };
                self.gap(path, message.clone());
                Err(message)
            }
        }
    }

    fn add_source(&self, path: &str, text: String) -> FileId {
        self.sources.add(SourceFile::new(path, text))
    }

    /// `/etc/passwd` and `/etc/group`: names for owners, and the `docker` group.
    fn read_accounts(&mut self) -> Known<dockward_model::host::DockerGroup> {
        let passwd = match self.read(PASSWD_FILE) {
            Ok(Some(text)) => Some(parse_passwd(&text)),
            _ => None,
        };
        for user in passwd.iter().flatten() {
            self.users.entry(user.uid).or_insert_with(|| user.name.clone());
        }
        let text = match self.read(GROUP_FILE) {
            Ok(Some(text)) => mask_group_passwords(&text),
            Ok(None) => return Known::Unset,
            Err(_) => return Known::Unknown,
        };
        let groups = parse_group(&text);
        for group in &groups {
            self.groups.entry(group.gid).or_insert_with(|| group.name.clone());
        }
        // Only a file a finding can point at is kept: the group's line is shown.
        if !groups.iter().any(|g| g.name == "docker") {
            return Known::Unset;
        }
        let file = self.add_source(GROUP_FILE, text);
        let at = |range: TextRange| Provenance::text(file, range);
        match docker_group(&at, &groups, passwd.as_deref()) {
            Some(group) => Known::Set(group),
            None => Known::Unset,
        }
    }

    /// The TLS file paths and the data root `/etc/docker/daemon.json` sets. The file may
    /// hold credentials (registry mirrors, proxies): its text is not kept.
    fn read_daemon_json(&mut self) -> DaemonFacts {
        let mut facts = DaemonFacts::default();
        let Ok(Some(text)) = self.read(DAEMON_JSON) else {
            return facts;
        };
        // The file id is never shown: no finding points into daemon.json.
        let (spec, errors) = lower_daemon_json(FileId(u32::MAX), &text);
        if let Some(error) = errors.first() {
            self.gap(
                DAEMON_JSON,
                format!(
                    "not read as dockerd would ({}); TLS files and data root are looked for at their defaults",
                    error.message
                ),
            );
            return facts;
        }
        facts.add(&spec);
        // DaemonSpec has no data-root field (no daemon rule reads it); the file is valid
        // JSON here, so the one string is taken from a plain parse.
        facts.data_root = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("data-root")?.as_str().map(absolute))
            .filter(|p| p != "/");
        facts
    }

    /// The dockerd command line `docker.service` runs: the last `ExecStart=` that starts
    /// dockerd, in the unit systemd uses (the first found) or its drop-ins
    /// (`docker.service.d/*.conf`, in name order). Its text is not kept (an
    /// `Environment=` line may hold credentials).
    fn read_unit_flags(&mut self) -> Option<DaemonSpec> {
        let unit = UNIT_DIRS
            .iter()
            .map(|d| format!("{d}/docker.service"))
            .find(|p| matches!(self.look(p).state, FileState::Present(_)));
        let mut drop_ins: Vec<(String, String)> = Vec::new();
        for dir in UNIT_DIRS {
            let dir = format!("{dir}/docker.service.d");
            let Ok(resolved) = self.resolve(&dir) else { continue };
            let Ok(entries) = std::fs::read_dir(self.on_disk(&resolved)) else {
                continue;
            };
            for entry in entries.filter_map(Result::ok) {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.ends_with(".conf") && !drop_ins.iter().any(|(n, _)| *n == name) {
                    drop_ins.push((name.clone(), format!("{dir}/{name}")));
                }
            }
        }
        drop_ins.sort();
        let mut last = None;
        for path in unit.into_iter().chain(drop_ins.into_iter().map(|(_, p)| p)) {
            let Ok(Some(text)) = self.read(&path) else { continue };
            // The file id is never shown: no finding points into the unit.
            let lines = run_lines(FileId(u32::MAX), &text, ScriptKind::SystemdUnit);
            if let Some(daemon) = lines.daemons.into_iter().last() {
                last = Some(daemon);
            }
        }
        last
    }

    /// Registry certificate files under `certs.d`, at any depth; links to files count,
    /// links to folders are not followed.
    fn walk_certs(&mut self, dir: &str, depth: usize, out: &mut Vec<HostFile>) {
        if depth > CERTS_D_MAX_DEPTH || out.len() >= CERTS_D_MAX_ENTRIES {
            return;
        }
        let resolved = match self.resolve(dir) {
            Ok(resolved) => resolved,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            Err(e) => return self.gap(dir, reason(&e)),
        };
        let entries = match std::fs::read_dir(self.on_disk(&resolved)) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return,
            // Not a folder: nothing to walk (a file named certs.d is not a certificate).
            Err(e) if e.raw_os_error() == Some(libc::ENOTDIR) => return,
            Err(e) => return self.gap(dir, reason(&e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            if out.len() >= CERTS_D_MAX_ENTRIES {
                self.gap(
                    CERTS_D,
                    format!("more than {CERTS_D_MAX_ENTRIES} files; the rest were not looked at"),
                );
                return;
            }
            let path = format!("{dir}/{name}");
            let is_dir = std::fs::symlink_metadata(self.on_disk(&format!("{resolved}/{name}")))
                .is_ok_and(|m| m.file_type().is_dir());
            if is_dir {
                self.walk_certs(&path, depth + 1, out);
                continue;
            }
            let found = self.look(&path);
            let is_file = matches!(&found.state, FileState::Present(s) if s.kind == FileKind::File);
            if is_file || matches!(found.state, FileState::Unreadable(_)) {
                // Docker reads `*.key` there as the private key of a client certificate.
                let target = if name.ends_with(".key") {
                    FileTarget::RegistryKey
                } else {
                    FileTarget::RegistryCert
                };
                out.push(found.host_file(target));
            }
        }
    }

    /// The data root and whether it is a file system of its own.
    fn data_root(&mut self, path: &str) -> DataRoot {
        let path = normalize_path(path);
        let found = self.look(&path);
        let at = at_path(&path, found.resolved.as_deref());
        let mount = match &found.state {
            FileState::Absent => MountState::Absent,
            FileState::Unreadable(why) => MountState::Unknown(why.clone()),
            FileState::Present(_) => {
                let resolved = found.resolved.clone().unwrap_or_else(|| path.clone());
                self.mount_state(&resolved)
            }
        };
        DataRoot { path, at, mount }
    }

    /// On this machine the kernel's mount table says it; in a copy of a host, a device
    /// change between the folder and its parent, or the host's `/etc/fstab` (its disks are
    /// usually not mounted where the copy is).
    fn mount_state(&mut self, resolved: &str) -> MountState {
        let mount_points = if self.live {
            match read_text(Path::new("/proc/self/mountinfo"), MAX_FILE_BYTES) {
                Ok(text) => Some(parse_mountinfo(&text)),
                Err(e) => {
                    self.gap("/proc/self/mountinfo", e.to_string());
                    None
                }
            }
        } else {
            match self.read("/etc/fstab") {
                Ok(Some(text)) => Some(parse_fstab(&text)),
                _ => None,
            }
        };
        let listed = mount_points
            .as_ref()
            .is_some_and(|points| points.iter().any(|p| normalize_path(p) == resolved));
        if listed {
            return MountState::Separate;
        }
        // Without the kernel's table, a device change at the folder says it is mounted.
        if !self.live || mount_points.is_none() {
            let device = |p: &str| std::fs::metadata(self.on_disk(p)).map(|m| m.dev());
            let parent = resolved
                .rsplit_once('/')
                .map_or("/", |(p, _)| if p.is_empty() { "/" } else { p });
            match (device(resolved), device(parent)) {
                (Ok(a), Ok(b)) if a != b => return MountState::Separate,
                (Ok(_), Ok(_)) => {}
                (Err(e), _) | (_, Err(e)) => return MountState::Unknown(reason(&e)),
            }
        }
        // The file system it is on: the longest listed mount point above it, else the
        // highest folder on the same device.
        let on = mount_points
            .iter()
            .flatten()
            .map(|p| normalize_path(p))
            .filter(|p| p == "/" || resolved.starts_with(&format!("{p}/")))
            .max_by_key(String::len)
            .unwrap_or_else(|| "/".to_string());
        MountState::Shared { on }
    }

    /// CIS 1.1.3–1.1.18: each of Docker's files and binaries that is there.
    fn audit_targets(&mut self, data_root: &str) -> Vec<AuditTarget> {
        let in_bins = |name: &str| -> Vec<String> { BIN_DIRS.iter().map(|d| format!("{d}/{name}")).collect() };
        let units = |name: &str| -> Vec<String> { UNIT_DIRS.iter().map(|d| format!("{d}/{name}")).collect() };
        let one = |path: &str| vec![path.to_string()];
        let wanted: Vec<(AuditItem, Vec<String>)> = vec![
            (AuditItem::Dockerd, in_bins("dockerd")),
            (AuditItem::RunContainerd, one("/run/containerd")),
            (AuditItem::DataRoot, one(data_root)),
            (AuditItem::EtcDocker, one("/etc/docker")),
            (AuditItem::DockerService, units("docker.service")),
            (AuditItem::ContainerdSocket, one("/run/containerd/containerd.sock")),
            (AuditItem::DockerSocketUnit, units("docker.socket")),
            (AuditItem::EtcDefaultDocker, one("/etc/default/docker")),
            (AuditItem::DaemonJson, one(DAEMON_JSON)),
            (AuditItem::ContainerdConfig, one("/etc/containerd/config.toml")),
            (AuditItem::EtcSysconfigDocker, one("/etc/sysconfig/docker")),
            (AuditItem::Containerd, in_bins("containerd")),
            (AuditItem::ContainerdShim, in_bins("containerd-shim")),
            (AuditItem::ContainerdShimRuncV1, in_bins("containerd-shim-runc-v1")),
            (AuditItem::ContainerdShimRuncV2, in_bins("containerd-shim-runc-v2")),
            (AuditItem::Runc, in_bins("runc")),
        ];
        let mut targets = Vec::new();
        for (item, candidates) in wanted {
            for found in self.find(&candidates) {
                targets.push(AuditTarget {
                    item,
                    at: at_path(&found.path, found.resolved.as_deref()),
                    resolved: found.resolved,
                    path: found.path,
                    aliases: found.aliases,
                    state: found.state,
                });
            }
        }
        targets
    }

    /// The loaded rules (`auditctl -l`) when asked for and available, else the rules files.
    fn read_audit_rules(&mut self, run_auditctl: bool) -> Known<AuditRules> {
        if run_auditctl && let Some(auditctl) = AUDITCTL.iter().find(|p| Path::new(p).is_file()) {
            match run_query(auditctl, &["-l"]) {
                Ok(output) => {
                    let file = self.add_source("auditctl -l", output.clone());
                    let mut rules = AuditRules::new(AuditSource::Loaded);
                    rules.read(file, &output);
                    return Known::Set(rules);
                }
                Err(message) => self.gap("auditctl -l", format!("{message}; the rules files are read instead")),
            }
        }
        // augenrules loads rules.d/*.rules in name order as one stream; audit.rules is what
        // it last generated (or what an older setup loads itself): both are read, each as
        // its own stream, and a path either watches counts.
        let mut from_dir = AuditRules::new(AuditSource::Files);
        let mut complete = true;
        match self.rules_d_files("/etc/audit/rules.d") {
            Ok(files) => {
                for path in files {
                    match self.read(&path) {
                        Ok(Some(text)) => {
                            let file = self.add_source(&path, text.clone());
                            from_dir.read(file, &text);
                        }
                        Ok(None) => {}
                        Err(_) => complete = false,
                    }
                }
            }
            Err(()) => complete = false,
        }
        let mut from_file = AuditRules::new(AuditSource::Files);
        match self.read("/etc/audit/audit.rules") {
            Ok(Some(text)) => {
                let file = self.add_source("/etc/audit/audit.rules", text.clone());
                from_file.read(file, &text);
            }
            Ok(None) => {}
            Err(_) => complete = false,
        }
        if !complete {
            // A partial view would report rules as missing that an unread file has.
            return Known::Unknown;
        }
        from_dir.rules.extend(from_file.rules);
        Known::Set(from_dir)
    }

    /// `*.rules` files in a rules folder, sorted by name as augenrules reads them; an
    /// absent folder has none.
    fn rules_d_files(&mut self, dir: &str) -> Result<Vec<String>, ()> {
        let resolved = match self.resolve(dir) {
            Ok(resolved) => resolved,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                self.gap(dir, reason(&e));
                return Err(());
            }
        };
        match std::fs::read_dir(self.on_disk(&resolved)) {
            Ok(entries) => {
                let mut names: Vec<String> = entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".rules"))
                    .map(|n| format!("{dir}/{n}"))
                    .collect();
                names.sort();
                Ok(names)
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => {
                self.gap(dir, reason(&e));
                Err(())
            }
        }
    }

    /// `DOCKER_CONTENT_TRUST` from the environment when given, else from the host's
    /// `/etc/environment`; unset points at `/etc/environment`, where a host sets it for
    /// every login.
    fn content_trust(&mut self, env: Option<&str>) -> Sourced<String> {
        if let Some(value) = env {
            return Sourced::set(value.to_string(), host_at("environment", Some(CONTENT_TRUST_VARIABLE)));
        }
        let at = host_at(ENVIRONMENT_FILE, Some(CONTENT_TRUST_VARIABLE));
        match self.read(ENVIRONMENT_FILE) {
            // /etc/environment may hold other secrets: its text is not kept, only the value.
            Ok(Some(text)) => match environment_value(&text, CONTENT_TRUST_VARIABLE) {
                Some((value, _)) => Sourced::set(value, at),
                None => Sourced::unset(at),
            },
            Ok(None) => Sourced::unset(at),
            Err(_) => Sourced::unknown(at),
        }
    }
}

/// Path components, without empty ones and `.`.
fn components(path: &str) -> impl DoubleEndedIterator<Item = String> + '_ {
    path.split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_string)
}

fn join(done: &[String], next: &str) -> String {
    if done.is_empty() {
        next.to_string()
    } else {
        format!("{}/{next}", done.join("/"))
    }
}

/// dockerd reads a relative path from its working folder, `/`.
fn absolute(path: &str) -> String {
    normalize_path(&format!("/{}", path.trim_start_matches('/')))
}

/// Mount points of `/etc/fstab` (second field; swap and comments skipped).
fn parse_fstab(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_whitespace().nth(1))
        .filter(|p| p.starts_with('/'))
        .map(|p| p.replace("\\040", " "))
        .collect()
}

/// Runs a read-only query command with no input, a time limit and an output cap; its
/// standard output, or why it failed.
fn run_query(program: &str, args: &[&str]) -> Result<String, String> {
    use std::io::Read;
    use std::process::{Command, Stdio};
    const MAX_OUTPUT: u64 = 4 * 1024 * 1024;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    // Read in threads so that a full pipe cannot block the child while we wait for it.
    let mut stdout = child.stdout.take().ok_or("no standard output")?;
    let mut stderr = child.stderr.take().ok_or("no standard error")?;
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = (&mut stdout).take(MAX_OUTPUT).read_to_end(&mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = (&mut stderr).take(64 * 1024).read_to_end(&mut bytes);
        bytes
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() < AUDITCTL_TIMEOUT => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{program} did not answer within {}s",
                    AUDITCTL_TIMEOUT.as_secs()
                ));
            }
            Err(e) => return Err(e.to_string()),
        }
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if !status.success() {
        let message = String::from_utf8_lossy(&stderr);
        let first = message.lines().find(|l| !l.trim().is_empty()).unwrap_or("no message");
        return Err(format!("{program} -l failed ({status}): {first}"));
    }
    Ok(String::from_utf8_lossy(&stdout).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{PermissionsExt, symlink};

    fn write(root: &Path, path: &str, text: &str, mode: u32) {
        let on_disk = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(on_disk.parent().unwrap()).unwrap();
        std::fs::write(&on_disk, text).unwrap();
        std::fs::set_permissions(&on_disk, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    fn read(root: &Path) -> (HostSpec, SourceDb) {
        let sources = SourceDb::new();
        let options = HostOptions {
            root: root.to_path_buf(),
            content_trust_env: None,
            run_auditctl: false,
        };
        (read_host(&options, &sources), sources)
    }

    fn file(spec: &HostSpec, target: FileTarget) -> &HostFile {
        spec.files.iter().find(|f| f.target == target).unwrap()
    }

    #[test]
    fn links_resolve_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("run")).unwrap();
        std::fs::create_dir_all(root.join("var")).unwrap();
        symlink("/run", root.join("var/run")).unwrap();
        write(root, "/run/docker.sock", "", 0o666);
        // An absolute link to /etc/shadow means the copy's /etc/shadow, which is absent.
        std::fs::create_dir_all(root.join("etc/docker")).unwrap();
        symlink("/etc/shadow", root.join("etc/docker/daemon.json")).unwrap();
        // `..` stops at the root.
        symlink("../../../../../../etc/group", root.join("etc/docker/key.pem")).unwrap();
        write(root, "/etc/group", "root:x:0:\n", 0o644);
        let (spec, _) = read(root);
        let socket = file(&spec, FileTarget::DockerSocket);
        assert_eq!(socket.resolved.as_deref(), Some("/run/docker.sock"));
        let FileState::Present(stat) = &socket.state else {
            panic!("{socket:?}")
        };
        assert_eq!((stat.kind, stat.mode), (FileKind::File, 0o666));
        assert_eq!(
            socket.at,
            host_at("/var/run/docker.sock", Some("resolves to /run/docker.sock"))
        );
        assert_eq!(file(&spec, FileTarget::DaemonJson).state, FileState::Absent);
        let reader = Reader {
            root: root.to_path_buf(),
            live: false,
            sources: &SourceDb::new(),
            gaps: Vec::new(),
            users: HashMap::new(),
            groups: HashMap::new(),
        };
        assert_eq!(reader.resolve("/etc/docker/key.pem").unwrap(), "/etc/group");
        symlink("loop", root.join("loop")).unwrap();
        assert!(reader.resolve("/loop").is_err());
    }

    #[test]
    fn units_found_twice_through_a_link_are_one_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "/usr/lib/systemd/system/docker.service", "[Service]\n", 0o644);
        symlink("usr/lib", root.join("lib")).unwrap();
        let (spec, _) = read(root);
        let units: Vec<&HostFile> = spec
            .files
            .iter()
            .filter(|f| f.target == FileTarget::DockerService)
            .collect();
        assert_eq!(units.len(), 1, "{units:?}");
        assert_eq!(units[0].path, "/usr/lib/systemd/system/docker.service");
        let target = spec
            .audit_targets
            .iter()
            .find(|t| t.item == AuditItem::DockerService)
            .unwrap();
        assert!(
            target
                .aliases
                .contains(&"/lib/systemd/system/docker.service".to_string()),
            "{target:?}"
        );
        // Nothing else is there: every other target is absent, not a pass.
        assert_eq!(file(&spec, FileTarget::DockerSocket).state, FileState::Absent);
        assert!(
            spec.audit_targets
                .iter()
                .filter(|t| t.item != AuditItem::DockerService)
                .all(|t| t.state == FileState::Absent)
        );
        assert_eq!(spec.data_root.mount, MountState::Absent);
        // No audit configuration at all: a set, empty list of rules.
        assert_eq!(spec.audit_rules.as_set().map(|r| r.rules.len()), Some(0));
    }

    #[test]
    fn daemon_json_names_tls_files_and_data_root_and_certs_d_is_walked() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            DAEMON_JSON,
            r#"{"tlsverify": true, "tlscacert": "/etc/docker/tls/ca.pem", "tlskey": "etc/docker/tls/key.pem", "data-root": "/srv/docker"}"#,
            0o644,
        );
        write(root, "/etc/docker/tls/ca.pem", "", 0o444);
        write(root, "/etc/docker/tls/key.pem", "", 0o640);
        write(root, "/etc/docker/certs.d/registry:5000/ca.crt", "", 0o644);
        write(root, "/etc/docker/certs.d/registry:5000/client.key", "", 0o400);
        std::fs::create_dir_all(root.join("srv/docker")).unwrap();
        let (spec, _) = read(root);
        assert_eq!(file(&spec, FileTarget::TlsCaCert).path, "/etc/docker/tls/ca.pem");
        assert_eq!(file(&spec, FileTarget::TlsKey).path, "/etc/docker/tls/key.pem");
        let cert = file(&spec, FileTarget::TlsCert);
        assert_eq!(
            (cert.path.as_str(), &cert.state),
            ("/root/.docker/cert.pem", &FileState::Absent)
        );
        let certs: Vec<(&str, FileTarget)> = spec
            .files
            .iter()
            .filter(|f| matches!(f.target, FileTarget::RegistryCert | FileTarget::RegistryKey))
            .map(|f| (f.path.as_str(), f.target))
            .collect();
        assert_eq!(
            certs,
            [
                ("/etc/docker/certs.d/registry:5000/ca.crt", FileTarget::RegistryCert),
                ("/etc/docker/certs.d/registry:5000/client.key", FileTarget::RegistryKey)
            ]
        );
        assert_eq!(spec.data_root.path, "/srv/docker");
        // A folder of the tree, on the same device as its parent, not in the copy's fstab.
        assert_eq!(spec.data_root.mount, MountState::Shared { on: "/".to_string() });
        write(
            root,
            "/etc/fstab",
            "# <fs> <mount>\n/dev/vdb1 /srv/docker ext4 defaults 0 2\n",
            0o644,
        );
        let (spec, _) = read(root);
        assert_eq!(spec.data_root.mount, MountState::Separate);
    }

    #[test]
    fn tls_files_come_from_the_units_flags_and_defaults_only_when_tls_is_on() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "/root/.docker/key.pem", "", 0o644);
        let tls_files = |spec: &HostSpec| -> Vec<String> {
            spec.files
                .iter()
                .filter(|f| {
                    matches!(
                        f.target,
                        FileTarget::TlsCaCert | FileTarget::TlsCert | FileTarget::TlsKey
                    )
                })
                .map(|f| f.path.clone())
                .collect()
        };
        // No TLS: root's ~/.docker files are its client's, not the daemon's.
        let (spec, _) = read(root);
        assert!(tls_files(&spec).is_empty(), "{:?}", tls_files(&spec));
        write(
            root,
            "/usr/lib/systemd/system/docker.service",
            "[Service]\nExecStart=/usr/bin/dockerd -H fd://\n",
            0o644,
        );
        write(
            root,
            "/etc/systemd/system/docker.service.d/tls.conf",
            "[Service]\nExecStart=\nExecStart=/usr/bin/dockerd -H tcp://0.0.0.0:2376 --tlsverify --tlscert=/etc/docker/server.pem\n",
            0o644,
        );
        let (spec, _) = read(root);
        assert_eq!(
            tls_files(&spec),
            [
                "/root/.docker/ca.pem",
                "/etc/docker/server.pem",
                "/root/.docker/key.pem"
            ]
        );
        let key = file(&spec, FileTarget::TlsKey);
        assert!(matches!(key.state, FileState::Present(_)));
        assert_eq!(
            key.at,
            host_at("/root/.docker/key.pem", Some("dockerd's default location"))
        );
    }

    #[test]
    fn group_rules_and_environment_are_read_with_provenance() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "/etc/group", "root:x:0:\ndocker:x:998:alice\n", 0o644);
        write(
            root,
            "/etc/passwd",
            "root:x:0:0::/root:/bin/sh\nbob:x:1000:998::/home/bob:/bin/sh\n",
            0o644,
        );
        write(
            root,
            "/etc/audit/rules.d/10-docker.rules",
            "-w /usr/bin/dockerd -k docker\n",
            0o640,
        );
        write(root, "/etc/audit/rules.d/README", "-w /etc/docker\n", 0o640);
        write(
            root,
            "/etc/audit/audit.rules",
            "-D\n-a always,exit -F path=/etc/docker -k docker\n",
            0o640,
        );
        write(
            root,
            "/etc/environment",
            "SECRET=hunter2\nDOCKER_CONTENT_TRUST=1\n",
            0o644,
        );
        let (spec, sources) = read(root);
        let Known::Set(group) = &spec.docker_group else {
            panic!("{:?}", spec.docker_group)
        };
        let members: Vec<(&str, bool)> = group.members.iter().map(|m| (m.name.as_str(), m.primary)).collect();
        assert_eq!(members, [("alice", false), ("bob", true)]);
        let (id, range) = group.at.as_text().unwrap();
        let source = sources.get(id).unwrap();
        assert_eq!(
            (source.path.to_str(), range.slice(&source.text)),
            (Some("/etc/group"), "docker:x:998:alice")
        );
        let rules = spec.audit_rules.as_set().unwrap();
        let paths: Vec<&str> = rules.rules.iter().map(|r| r.path.as_str()).collect();
        // README is not a .rules file; audit.rules' -D clears only its own stream.
        assert_eq!(paths, ["/usr/bin/dockerd", "/etc/docker"]);
        let (id, _) = rules.rules[0].at.as_text().unwrap();
        assert_eq!(
            sources.get(id).unwrap().path.to_str(),
            Some("/etc/audit/rules.d/10-docker.rules")
        );
        assert_eq!(spec.content_trust.get().map(String::as_str), Some("1"));
        // /etc/environment's text is never kept (it may hold secrets).
        for i in 0..8 {
            if let Some(source) = sources.get(FileId(i)) {
                assert!(!source.text.contains("hunter2"));
            }
        }
    }

    #[test]
    fn owners_are_named_from_the_roots_own_files() {
        if !is_root() {
            eprintln!("skipped: chown needs root");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "/etc/group", "root:x:0:\ndocker:x:4242:\n", 0o644);
        write(
            root,
            "/etc/passwd",
            "root:x:0:0::/root:/bin/sh\nmallory:x:4343:4343::/:/bin/sh\n",
            0o644,
        );
        std::fs::create_dir_all(root.join("var/run")).unwrap();
        write(root, "/var/run/docker.sock", "", 0o660);
        std::os::unix::fs::chown(root.join("var/run/docker.sock"), Some(4343), Some(4242)).unwrap();
        let (spec, _) = read(root);
        let FileState::Present(stat) = &file(&spec, FileTarget::DockerSocket).state else {
            panic!()
        };
        assert_eq!(stat.owner_text(), "mallory:docker");
    }

    fn is_root() -> bool {
        std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
    }
}
