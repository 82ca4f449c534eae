//! `ImageSpec`: what a built image is — its configuration (user, health check, environment,
//! ports, volumes), its build history, and the files of its layers merged as a container
//! would see them.
//!
//! Configuration fields and history entries point into the image's configuration document
//! with a JSON pointer (`Provenance::Engine { object: "image acme/web:1.2", pointer:
//! "/config/User" }`), whether the document came from an archive or from the engine's
//! `GET /images/{name}/json` (whose `Config` has the same shape: pass `"/Config"` as the
//! base pointer). Files point at the image, the layer that last wrote them, and their path
//! (`Provenance::Image`).

use crate::Sourced;
use dockward_core::Provenance;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A built image.
#[derive(Clone, Debug)]
pub struct ImageSpec {
    /// How findings name the image: `acme/web:1.2`, or the archive's name when untagged.
    pub name: String,
    /// `linux/amd64`, when the configuration says.
    pub platform: Option<String>,
    pub config: ImageConfig,
    pub history: Vec<HistoryEntry>,
    /// Layers, bottom to top.
    pub layers: Vec<Layer>,
    /// The merged files; `None` when only the configuration is known (an engine image that
    /// was inspected, not exported).
    pub files: Option<ImageFiles>,
    /// Content digests that name this image (`sha256:…`): its manifest's and the indexes'
    /// above it, its configuration's (the image id), and for an engine image its repository
    /// digests. What a VEX statement about `pkg:oci/NAME@DIGEST` is matched against.
    pub digests: Vec<String>,
}

/// One layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layer {
    /// The digest findings name: the uncompressed layer's diff id when the configuration
    /// lists it, else the blob's digest.
    pub digest: String,
    /// The history entry that made the layer, when history maps onto layers.
    pub history: Option<usize>,
}

impl ImageSpec {
    /// The object name configuration findings carry: `image acme/web:1.2`.
    pub fn object(&self) -> String {
        image_object(&self.name)
    }

    /// Where a finding about a file points.
    pub fn file_at(&self, path: &str, file: &ImageFile) -> Provenance {
        Provenance::Image {
            image: self.name.clone(),
            layer: self.layers.get(file.layer as usize).map(|l| l.digest.clone()),
            path: path.to_string(),
        }
    }

    /// Where a finding about a file of layer `layer` points.
    pub fn layer_at(&self, layer: u32, path: &str) -> Provenance {
        Provenance::Image {
            image: self.name.clone(),
            layer: self.layers.get(layer as usize).map(|l| l.digest.clone()),
            path: path.to_string(),
        }
    }
}

/// `image NAME`: the engine-object name of an image.
pub fn image_object(name: &str) -> String {
    format!("image {name}")
}

/// The parts of an image configuration the rules read.
#[derive(Clone, Debug)]
pub struct ImageConfig {
    /// The configuration object itself: where a missing setting is reported.
    pub origin: Provenance,
    /// `Unset` when absent or empty (the image runs as root).
    pub user: Sourced<String>,
    pub healthcheck: Sourced<ImageHealthcheck>,
    pub env: Vec<Sourced<ImageEnv>>,
    pub exposed_ports: Vec<Sourced<ExposedPort>>,
    pub volumes: Vec<Sourced<String>>,
    pub entrypoint: Sourced<Vec<String>>,
    pub cmd: Sourced<Vec<String>>,
    pub working_dir: Sourced<String>,
    pub labels: Vec<Sourced<(String, String)>>,
}

/// `Healthcheck.Test`: `["NONE"]` disables a base image's check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageHealthcheck {
    pub test: Vec<String>,
}

impl ImageHealthcheck {
    pub fn is_disabled(&self) -> bool {
        self.test.first().is_some_and(|t| t == "NONE")
    }
}

/// One `Env` entry, `NAME=value` split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageEnv {
    pub name: String,
    pub value: String,
}

/// One `ExposedPorts` key: `80/tcp`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExposedPort {
    pub port: u16,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
}

/// One `history` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    pub created_by: String,
    pub comment: String,
    pub empty_layer: bool,
    /// The layer it made (index into `ImageSpec::layers`), when it made one.
    pub layer: Option<usize>,
    /// `/history/N/created_by`.
    pub at: Provenance,
}

fn pointer_escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn at(object: &str, pointer: String) -> Provenance {
    Provenance::Engine {
        object: object.to_string(),
        pointer,
    }
}

fn strings(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
}

/// Lowers an image configuration's `config` object (the `config` of an image config blob,
/// or `Config` of the engine's `GET /images/{name}/json`: the same shape) into
/// [`ImageConfig`]. `object` names the image (`image acme/web:1.2`, [`image_object`]);
/// `base` is the object's pointer (`/config` or `/Config`). A missing or `null` object
/// lowers to every field `Unset`: the image sets nothing.
pub fn lower_config(config: Option<&Value>, object: &str, base: &str) -> ImageConfig {
    let origin = at(object, base.to_string());
    let field = |name: &str| config.and_then(|c| c.get(name)).filter(|v| !v.is_null());
    let ptr = |name: &str| format!("{base}/{name}");
    let user = match field("User").and_then(Value::as_str) {
        Some(u) if !u.trim().is_empty() => Sourced::set(u.trim().to_string(), at(object, ptr("User"))),
        _ => Sourced::unset(origin.clone()),
    };
    let healthcheck = match field("Healthcheck").and_then(|h| h.get("Test")).and_then(strings) {
        Some(test) if !test.is_empty() => Sourced::set(ImageHealthcheck { test }, at(object, ptr("Healthcheck/Test"))),
        _ => Sourced::unset(origin.clone()),
    };
    let env = field("Env")
        .and_then(Value::as_array)
        .map(|entries| {
            entries
                .iter()
                .enumerate()
                .filter_map(|(i, e)| {
                    let e = e.as_str()?;
                    let (name, value) = e.split_once('=').unwrap_or((e, ""));
                    Some(Sourced::set(
                        ImageEnv {
                            name: name.to_string(),
                            value: value.to_string(),
                        },
                        at(object, format!("{base}/Env/{i}")),
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let keys = |name: &str| -> Vec<(String, Provenance)> {
        field(name)
            .and_then(Value::as_object)
            .map(|m| {
                m.keys()
                    .map(|k| (k.clone(), at(object, format!("{base}/{name}/{}", pointer_escape(k)))))
                    .collect()
            })
            .unwrap_or_default()
    };
    let exposed_ports = keys("ExposedPorts")
        .into_iter()
        .filter_map(|(k, at)| {
            let (port, protocol) = k.split_once('/').unwrap_or((&k, "tcp"));
            let port = port.parse().ok()?;
            Some(Sourced::set(
                ExposedPort {
                    port,
                    protocol: protocol.to_ascii_lowercase(),
                },
                at,
            ))
        })
        .collect();
    let volumes = keys("Volumes").into_iter().map(|(k, at)| Sourced::set(k, at)).collect();
    let list = |name: &str| match field(name).and_then(strings) {
        Some(v) => Sourced::set(v, at(object, ptr(name))),
        None => Sourced::unset(origin.clone()),
    };
    let working_dir = match field("WorkingDir").and_then(Value::as_str) {
        Some(w) if !w.is_empty() => Sourced::set(w.to_string(), at(object, ptr("WorkingDir"))),
        _ => Sourced::unset(origin.clone()),
    };
    let labels = field("Labels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    Sourced::set(
                        (k.clone(), v.as_str().unwrap_or_default().to_string()),
                        at(object, format!("{base}/Labels/{}", pointer_escape(k))),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    ImageConfig {
        user,
        healthcheck,
        env,
        exposed_ports,
        volumes,
        entrypoint: list("Entrypoint"),
        cmd: list("Cmd"),
        working_dir,
        labels,
        origin,
    }
}

/// An image of the engine, from `GET /images/{name}/json`: its `Config` lowered with
/// pointers into that document (`image NAME` + `/Config/User`), its layers from
/// `RootFS.Layers`; no history (the engine serves it separately) and no files (`None`:
/// file rules stay silent). `name` is how findings name the image (`acme/web:1.2`).
pub fn lower_engine_image(inspect: &Value, name: &str) -> ImageSpec {
    let object = image_object(name);
    let text = |k: &str| inspect.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
    let platform = match (text("Os"), text("Architecture")) {
        (Some(os), Some(arch)) => Some(match text("Variant") {
            Some(v) => format!("{os}/{arch}/{v}"),
            None => format!("{os}/{arch}"),
        }),
        _ => None,
    };
    let layers = inspect
        .pointer("/RootFS/Layers")
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(|d| Layer {
                    digest: d.to_string(),
                    history: None,
                })
                .collect()
        })
        .unwrap_or_default();
    ImageSpec {
        name: name.to_string(),
        platform,
        config: lower_config(inspect.get("Config"), &object, "/Config"),
        history: Vec::new(),
        layers,
        files: None,
        digests: engine_digests(inspect),
    }
}

/// `Id` and the digests of `RepoDigests` (`acme/web@sha256:…`) of an engine image.
fn engine_digests(inspect: &Value) -> Vec<String> {
    let repo_digests = inspect
        .get("RepoDigests")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|r| r.rsplit_once('@').map(|(_, d)| d));
    let mut digests: Vec<String> = inspect
        .get("Id")
        .and_then(Value::as_str)
        .into_iter()
        .chain(repo_digests)
        .filter(|d| d.starts_with("sha256:"))
        .map(str::to_string)
        .collect();
    digests.dedup();
    digests
}

/// Lowers the `history` array of an image configuration (`base` is its pointer,
/// `/history`). Entries that made a layer (`empty_layer` not true) are numbered in order,
/// as `rootfs.diff_ids` lists layers; `layers` is how many there are, and when the counts
/// disagree no entry is tied to a layer.
pub fn lower_history(history: Option<&Value>, object: &str, base: &str, layers: usize) -> Vec<HistoryEntry> {
    let Some(entries) = history.and_then(Value::as_array) else {
        return Vec::new();
    };
    let text = |e: &Value, k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let made = entries
        .iter()
        .filter(|e| !e.get("empty_layer").and_then(Value::as_bool).unwrap_or(false))
        .count();
    let mut next = 0;
    entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let empty_layer = e.get("empty_layer").and_then(Value::as_bool).unwrap_or(false);
            let layer = (!empty_layer && made == layers).then(|| {
                next += 1;
                next - 1
            });
            HistoryEntry {
                created_by: text(e, "created_by"),
                comment: text(e, "comment"),
                empty_layer,
                layer,
                at: at(object, format!("{base}/{i}/created_by")),
            }
        })
        .collect()
}

/// Files of this size or less whose content the model keeps when [`wants_content`] says so.
pub const CONTENT_CAP: u64 = 64 * 1024;

/// Whether the image model keeps a file's content: account databases and the files whose
/// content decides whether they hold credentials. Everything else is kept as metadata only.
pub fn wants_content(path: &str, size: u64) -> bool {
    if size > CONTENT_CAP {
        return false;
    }
    if matches!(
        path,
        "/etc/passwd" | "/etc/shadow" | "/etc/group" | "/etc/master.passwd" | "/etc/os-release" | "/usr/lib/os-release"
    ) {
        return true;
    }
    let file = path.rsplit('/').next().unwrap_or(path);
    let parent = path[..path.len() - file.len()].trim_end_matches('/');
    let parent = parent.rsplit('/').next().unwrap_or(parent);
    matches!(
        file,
        ".npmrc" | ".pypirc" | ".netrc" | ".git-credentials" | ".pgpass" | ".env" | "credentials.json"
    ) || file.starts_with(".env.")
        || (parent == ".aws" && file == "credentials")
        || (parent == ".docker" && file == "config.json")
        || (parent == ".ssh" && file.starts_with("id_") && !file.ends_with(".pub"))
        || file.ends_with(".pem")
        || file.ends_with(".key")
}

/// The largest package database whose content the model keeps (`/var/lib/dpkg/status`,
/// rpm's `rpmdb.sqlite`, `Packages`, `Packages.db`); package metadata files are kept up to
/// 1 MiB.
pub const INVENTORY_DB_CAP: u64 = 64 * 1024 * 1024;

/// Whether the image model keeps a file's content for the package inventory (what
/// `dockward vulns` and `dockward sbom` read): the OS release files, dpkg, apk and rpm
/// databases, Python package metadata and npm package manifests. Binaries and archives are
/// not kept here: what the inventory needs of executables is (Go build information in
/// [`ImageFiles::go_build_info`], cargo-auditable data in [`ImageFiles::cargo_auditable`]),
/// and Java archives are when the reader's budget for them allows.
pub fn keeps_inventory_content(path: &str, size: u64) -> bool {
    if is_package_db(path) {
        return size <= INVENTORY_DB_CAP;
    }
    let mut parts = path.rsplit('/');
    let (Some(file), Some(dir)) = (parts.next(), parts.next()) else {
        return false;
    };
    let small = matches!(
        path,
        "/etc/alpine-release" | "/etc/debian_version" | "/etc/os-release" | "/usr/lib/os-release"
    ) || (file == "METADATA" && dir.ends_with(".dist-info"))
        || (file == "PKG-INFO" && (dir.ends_with(".egg-info") || dir == "EGG-INFO"))
        || (file == "package.json" && path.contains("/node_modules/"));
    small && size <= 1024 * 1024
}

/// Regular files up to this size are offered to a [`ContentProbe`]; larger ones are not
/// read (secrets live in configuration and source files, not in multi-megabyte blobs).
pub const PROBE_CAP: u64 = 1024 * 1024;

/// Files with probe hits kept per image, at most (each with at most
/// [`MAX_HITS_PER_FILE`] hits): a tree full of tokens is reported, not hoarded.
pub const MAX_PROBED_FILES: usize = 10_000;

/// Hits kept per file, at most.
pub const MAX_HITS_PER_FILE: usize = 20;

/// Something a [`ContentProbe`] found in a file: what kind of thing and where, never the
/// value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentHit {
    /// What it looks like: `a GitHub token`.
    pub kind: String,
    /// 1-based line and column (in bytes) of its first character.
    pub line: u32,
    pub column: u32,
}

/// The hits in one file as one layer wrote it. Kept whatever later layers do to the path:
/// a file deleted or replaced later is still in the layer that wrote it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LayerFileHits {
    pub path: String,
    /// The layer that wrote this version of the file.
    pub layer: u32,
    pub hits: Vec<ContentHit>,
}

/// Looks into the content of a layer's files while the layer streams (the image reader
/// knows nothing of rules: the caller hands it a probe, e.g. a secret detector). The
/// content is lent, never kept.
pub trait ContentProbe: Send + Sync {
    /// Whether a regular file of this path and size is worth reading, judged before
    /// anything is read (noise folders, binary extensions).
    fn wants(&self, path: &str, size: u64) -> bool;
    /// What the content of a text file holds (the reader skips files with a NUL byte in
    /// their first block and files over [`PROBE_CAP`]).
    fn probe(&self, path: &str, content: &[u8]) -> Vec<ContentHit>;
}

/// Whether `path` names a Java archive (`.jar`, `.war`, `.ear`), whose `pom.properties`
/// files the package inventory reads.
pub fn is_java_archive(path: &str) -> bool {
    [".jar", ".war", ".ear"].iter().any(|ext| path.ends_with(ext))
}

/// What kind of file an entry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileKind {
    Regular,
    Directory,
    /// The link's target as written.
    Symlink(String),
    /// A hard link to another path of the image (absolute, normalised).
    Hardlink(String),
    CharDevice,
    BlockDevice,
    Fifo,
}

/// One file of the merged index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageFile {
    pub kind: FileKind,
    /// Permission and special bits (`0o4755`).
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub size: u64,
    /// The layer that last wrote it (index into `ImageSpec::layers`).
    pub layer: u32,
    /// The content, for the files [`wants_content`] names.
    pub content: Option<Arc<[u8]>>,
}

/// A file a later layer deleted: still in the earlier layer, so still in the image for
/// anyone who unpacks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedFile {
    pub path: String,
    pub file: ImageFile,
    /// The layer whose whiteout hid it.
    pub deleted_in: u32,
}

/// Why a path could not be resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolveError {
    /// More links than the budget allows: a loop, or a chain too long to be honest.
    TooManyHops { path: String, hops: u32 },
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::TooManyHops { path, hops } => {
                write!(f, "{path}: more than {hops} symbolic links (a loop?)")
            }
        }
    }
}

impl std::error::Error for ResolveError {}

/// Deleted files kept for the rules, at most.
pub const MAX_DELETED: usize = 10_000;

/// The files of all layers merged, keyed by absolute normalised path (`/etc/shadow`).
/// Whiteouts and opaque folders are applied by the reader as it goes; what is here is what
/// a container started from the image sees.
#[derive(Clone, Debug, Default)]
pub struct ImageFiles {
    entries: BTreeMap<String, ImageFile>,
    /// Files with kept content (or credential-looking names) that a later layer deleted.
    pub deleted: Vec<DeletedFile>,
    /// What the content probe found, per file and layer (layers in order).
    pub content_hits: Vec<LayerFileHits>,
    /// False when a layer could not be read to its end: absence proves nothing then.
    pub complete: bool,
    /// Every version of each package database, in layer order, for layer attribution.
    pub db_versions: DbVersions,
    /// Go build information found in executables (the blob from its magic on, at most
    /// [`BUILD_INFO_CAP`] bytes), by path, with the layer and size of the file it was read
    /// from: an entry counts only while that file is the one at the path.
    pub go_build_info: BTreeMap<String, BuildInfo>,
    /// cargo-auditable data found in ELF executables (the zlib stream of their `.dep-v0`
    /// section, at most [`AUDIT_DATA_CAP`] bytes), by path, under the same rule as
    /// `go_build_info`.
    pub cargo_auditable: BTreeMap<String, BuildInfo>,
    /// Bytes of Java archive content kept so far (against
    /// `Budgets::max_java_archive_bytes`); a replaced archive's bytes still count.
    pub java_archive_bytes: u64,
    /// Java archives not kept because that budget was spent (counted when the reader keeps
    /// them for the inventory).
    pub java_archives_over_budget: u64,
}

/// What the reader kept of an executable for the inventory ([`ImageFiles::go_build_info`],
/// [`ImageFiles::cargo_auditable`]), with the layer and size of the file it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildInfo {
    pub layer: u32,
    pub size: u64,
    pub bytes: Arc<[u8]>,
}

/// The most bytes of Go build information kept per executable: module lists are a few
/// kilobytes, large ones tens.
pub const BUILD_INFO_CAP: usize = 1024 * 1024;

/// The most bytes of cargo-auditable data kept per executable: the compressed crate lists
/// are a few kilobytes.
pub const AUDIT_DATA_CAP: usize = 1024 * 1024;

/// The largest executable searched for Go build information and cargo-auditable data.
pub const BUILD_INFO_MAX_FILE: u64 = 256 * 1024 * 1024;

/// One layer's version of a package database ([`is_package_db`]): what that layer wrote,
/// or `None` when its whiteout deleted the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbVersion {
    pub path: String,
    pub layer: u32,
    pub content: Option<Arc<[u8]>>,
}

/// Total bytes of package-database versions kept across layers (the current versions
/// included, though they share their bytes with the merged index).
pub const DB_VERSIONS_BUDGET: u64 = 256 * 1024 * 1024;

/// The versions of the package databases, layer after layer, within a byte budget. A path
/// with a version that could not be kept (over the budget, or a database over
/// [`INVENTORY_DB_CAP`]) is in `unknown`: its history has a hole, and whoever attributes
/// packages to layers must say "unknown" for it rather than guess.
#[derive(Clone, Debug)]
pub struct DbVersions {
    pub versions: Vec<DbVersion>,
    pub unknown: Vec<String>,
    pub bytes: u64,
    pub budget: u64,
}

impl Default for DbVersions {
    fn default() -> Self {
        Self {
            versions: Vec::new(),
            unknown: Vec::new(),
            bytes: 0,
            budget: DB_VERSIONS_BUDGET,
        }
    }
}

impl DbVersions {
    /// Records what layer `layer` did to database `path`: wrote `Some(content)` (`None`
    /// content: a version the reader did not keep) or deleted it (`deleted`).
    pub fn record(&mut self, path: &str, layer: u32, content: Option<Arc<[u8]>>, deleted: bool) {
        if self.unknown.iter().any(|p| p == path) {
            return;
        }
        let size = content.as_ref().map_or(0, |c| c.len() as u64);
        if (content.is_none() && !deleted) || self.bytes.saturating_add(size) > self.budget {
            self.versions.retain(|v| v.path != path);
            self.unknown.push(path.to_string());
            return;
        }
        self.bytes += size;
        self.versions.push(DbVersion {
            path: path.to_string(),
            layer,
            content,
        });
    }

    /// The versions of `path`, oldest first; `None` when its history is incomplete.
    pub fn of(&self, path: &str) -> Option<Vec<&DbVersion>> {
        if self.unknown.iter().any(|p| p == path) {
            return None;
        }
        Some(self.versions.iter().filter(|v| v.path == path).collect())
    }
}

/// Whether `path` is a package database whose versions [`DbVersions`] tracks: the dpkg
/// status file and distroless `status.d` entries, apk's `installed`, rpm's databases
/// (`rpmdb.sqlite`, Berkeley DB `Packages`, NDB `Packages.db`).
pub fn is_package_db(path: &str) -> bool {
    matches!(
        path,
        "/var/lib/dpkg/status"
            | "/lib/apk/db/installed"
            | "/usr/lib/apk/db/installed"
            | "/var/lib/rpm/rpmdb.sqlite"
            | "/usr/lib/sysimage/rpm/rpmdb.sqlite"
            | "/var/lib/rpm/Packages"
            | "/usr/lib/sysimage/rpm/Packages"
            | "/var/lib/rpm/Packages.db"
            | "/usr/lib/sysimage/rpm/Packages.db"
    ) || path.starts_with("/var/lib/dpkg/status.d/")
}

/// `/a/b/../c/./d` → `/a/c/d`, `..` clamped at the root.
pub fn normalize_path(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = String::with_capacity(path.len() + 1);
    for p in &parts {
        out.push('/');
        out.push_str(p);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

impl ImageFiles {
    pub fn new() -> Self {
        Self {
            complete: true,
            ..Self::default()
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The Go build information of the executable now at `path`, if it has some.
    pub fn build_info_of(&self, path: &str) -> Option<&[u8]> {
        self.current(self.go_build_info.get(path)?, path)
    }

    /// The cargo-auditable data of the ELF executable now at `path`, if it has some.
    pub fn cargo_auditable_of(&self, path: &str) -> Option<&[u8]> {
        self.current(self.cargo_auditable.get(path)?, path)
    }

    /// What was read out of the file at `path`, while that file is still the one there (not
    /// replaced by a later layer).
    fn current<'a>(&'a self, info: &'a BuildInfo, path: &str) -> Option<&'a [u8]> {
        let file = self.entries.get(path)?;
        (file.kind == FileKind::Regular && file.layer == info.layer && file.size == info.size).then_some(&*info.bytes)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, path: &str) -> Option<&ImageFile> {
        self.entries.get(path)
    }

    /// Records what the content probe found in `path` as `layer` wrote it, within
    /// [`MAX_PROBED_FILES`] and [`MAX_HITS_PER_FILE`].
    pub fn add_hits(&mut self, path: &str, layer: u32, mut hits: Vec<ContentHit>) {
        if hits.is_empty() || self.content_hits.len() >= MAX_PROBED_FILES {
            return;
        }
        hits.truncate(MAX_HITS_PER_FILE);
        self.content_hits.push(LayerFileHits {
            path: path.to_string(),
            layer,
            hits,
        });
    }

    /// Every file, in path order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ImageFile)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The files strictly below folder `dir` (`/var/lib/apt/lists`), in path order.
    pub fn under<'a>(&'a self, dir: &str) -> impl Iterator<Item = (&'a str, &'a ImageFile)> + 'a {
        let (start, end) = subtree_bounds(dir);
        self.entries.range(start..end).map(|(k, v)| (k.as_str(), v))
    }

    /// Adds or replaces a file. A non-folder replacing a folder hides what was below it.
    pub fn insert(&mut self, path: String, file: ImageFile) {
        if file.kind != FileKind::Directory && self.entries.get(&path).is_some_and(|f| f.kind == FileKind::Directory) {
            self.remove_below(&path, u32::MAX, None);
        }
        self.entries.insert(path, file);
    }

    /// Removes `path` and everything below it (a whiteout in layer `by`).
    pub fn remove(&mut self, path: &str, by: u32) {
        if let Some(file) = self.entries.remove(path) {
            self.keep_deleted(path, file, by);
        }
        self.remove_below(path, u32::MAX, Some(by));
    }

    /// Removes what layers below `layer` put under folder `dir` (an opaque whiteout in
    /// `layer`), keeping what `layer` itself already wrote there.
    pub fn make_opaque(&mut self, dir: &str, layer: u32) {
        self.remove_below(dir, layer, Some(layer));
    }

    fn remove_below(&mut self, dir: &str, below_layer: u32, by: Option<u32>) {
        let (start, end) = subtree_bounds(dir);
        let doomed: Vec<String> = self
            .entries
            .range(start..end)
            .filter(|(_, f)| f.layer < below_layer)
            .map(|(k, _)| k.clone())
            .collect();
        for key in doomed {
            if let Some(file) = self.entries.remove(&key)
                && let Some(by) = by
            {
                self.keep_deleted(&key, file, by);
            }
        }
    }

    fn keep_deleted(&mut self, path: &str, file: ImageFile, by: u32) {
        if self.deleted.len() < MAX_DELETED
            && file.kind == FileKind::Regular
            // Secret-relevant files only: package databases kept for the inventory are not.
            && wants_content(path, 0)
        {
            self.deleted.push(DeletedFile {
                path: path.to_string(),
                file,
                deleted_in: by,
            });
        }
    }

    /// Follows symbolic links (and hard links) inside the image, never outside it: `..`
    /// stops at the image's root and absolute targets start there. `Ok(None)` when a
    /// component is missing.
    pub fn resolve(&self, path: &str, max_hops: u32) -> Result<Option<(String, &ImageFile)>, ResolveError> {
        let mut hops = 0;
        let mut pending: Vec<String> = normalize_path(path)
            .split('/')
            .filter(|p| !p.is_empty())
            .rev()
            .map(str::to_string)
            .collect();
        let mut current = String::new();
        while let Some(part) = pending.pop() {
            if part == ".." {
                if let Some(i) = current.rfind('/') {
                    current.truncate(i);
                }
                continue;
            }
            if part == "." {
                continue;
            }
            let candidate = format!("{current}/{part}");
            let Some(file) = self.entries.get(&candidate) else {
                // Layers need not list the folders above their files: a folder is there
                // when something is under it.
                if !pending.is_empty() && self.under(&candidate).next().is_some() {
                    current = candidate;
                    continue;
                }
                return Ok(None);
            };
            match &file.kind {
                FileKind::Symlink(target) | FileKind::Hardlink(target) => {
                    hops += 1;
                    if hops > max_hops {
                        return Err(ResolveError::TooManyHops {
                            path: path.to_string(),
                            hops: max_hops,
                        });
                    }
                    if target.starts_with('/') || matches!(file.kind, FileKind::Hardlink(_)) {
                        current.clear();
                    }
                    pending.extend(target.split('/').filter(|p| !p.is_empty()).rev().map(str::to_string));
                }
                _ => current = candidate,
            }
        }
        if current.is_empty() {
            return Ok(None);
        }
        Ok(self.entries.get(&current).map(|f| (current.clone(), f)))
    }

    /// The content of a file, following links: `None` when missing, not kept, or not
    /// resolvable within `max_hops`.
    pub fn content(&self, path: &str, max_hops: u32) -> Option<&[u8]> {
        self.resolve(path, max_hops).ok().flatten()?.1.content.as_deref()
    }
}

/// The key range of everything strictly below `dir`: `"/a/"` up to `"/a0"` ('0' follows '/').
fn subtree_bounds(dir: &str) -> (String, String) {
    let dir = dir.trim_end_matches('/');
    (format!("{dir}/"), format!("{dir}0"))
}

/// Whether a configured user is root: empty, `root`, `0`, with or without a group; a name
/// is looked up in the image's `/etc/passwd` when there is one.
pub fn user_is_root(user: &str, passwd: Option<&[u8]>) -> bool {
    let name = user.split(':').next().unwrap_or(user).trim();
    if name.is_empty() || name == "root" || name == "0" {
        return true;
    }
    if name.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    passwd.is_some_and(|p| {
        String::from_utf8_lossy(p).lines().any(|l| {
            let mut fields = l.split(':');
            fields.next() == Some(name) && fields.nth(1) == Some("0")
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn file(kind: FileKind, layer: u32) -> ImageFile {
        ImageFile {
            kind,
            mode: 0o644,
            uid: 0,
            gid: 0,
            size: 0,
            layer,
            content: None,
        }
    }

    #[test]
    fn config_fields_point_into_the_document() {
        let config = json!({"User": "app", "Env": ["A=1", "DB_PASSWORD=x"], "ExposedPorts": {"22/tcp": {}},
            "Healthcheck": {"Test": ["NONE"]}, "Volumes": {"/data/x": {}}});
        let c = lower_config(Some(&config), "image web:1", "/config");
        assert_eq!(c.user.get().map(String::as_str), Some("app"));
        assert_eq!(
            c.env[1].at,
            Provenance::Engine {
                object: "image web:1".into(),
                pointer: "/config/Env/1".into()
            }
        );
        assert_eq!(c.exposed_ports[0].get().unwrap().port, 22);
        assert!(c.healthcheck.get().unwrap().is_disabled());
        assert_eq!(
            c.volumes[0].at,
            Provenance::Engine {
                object: "image web:1".into(),
                pointer: "/config/Volumes/~1data~1x".into()
            }
        );
        let empty = lower_config(None, "image web:1", "/Config");
        assert!(empty.user.value.is_unset() && empty.healthcheck.value.is_unset());
    }

    #[test]
    fn engine_inspect_lowers_to_a_configuration_only_image() {
        let inspect = json!({"Os": "linux", "Architecture": "amd64", "Config": {"User": "0", "Env": ["A=b"]},
            "RootFS": {"Layers": ["sha256:aa", "sha256:bb"]}});
        let spec = lower_engine_image(&inspect, "nginx:1.27");
        assert_eq!(spec.platform.as_deref(), Some("linux/amd64"));
        assert_eq!(spec.layers.len(), 2);
        assert!(spec.files.is_none());
        assert_eq!(
            spec.config.user.at,
            Provenance::Engine {
                object: "image nginx:1.27".into(),
                pointer: "/Config/User".into()
            }
        );
    }

    #[test]
    fn history_ties_entries_to_layers_only_when_counts_agree() {
        let h =
            json!([{"created_by": "ADD x /"}, {"created_by": "ENV A=1", "empty_layer": true}, {"created_by": "RUN y"}]);
        let entries = lower_history(Some(&h), "image a", "/history", 2);
        assert_eq!(
            entries.iter().map(|e| e.layer).collect::<Vec<_>>(),
            [Some(0), None, Some(1)]
        );
        let entries = lower_history(Some(&h), "image a", "/history", 3);
        assert!(entries.iter().all(|e| e.layer.is_none()));
    }

    #[test]
    fn whiteouts_opaque_folders_and_links() {
        let mut files = ImageFiles::new();
        files.insert("/a".into(), file(FileKind::Directory, 0));
        files.insert("/a/x".into(), file(FileKind::Regular, 0));
        files.insert("/a/y/z".into(), file(FileKind::Regular, 0));
        files.insert("/ab".into(), file(FileKind::Regular, 0));
        files.insert("/a/new".into(), file(FileKind::Regular, 1));
        files.make_opaque("/a", 1);
        assert_eq!(
            files.iter().map(|(p, _)| p).collect::<Vec<_>>(),
            ["/a", "/a/new", "/ab"]
        );
        files.insert("/l".into(), file(FileKind::Symlink("../../a/./new".into()), 1));
        assert_eq!(files.resolve("/l", 8).unwrap().unwrap().0, "/a/new");
        files.insert("/loop1".into(), file(FileKind::Symlink("/loop2".into()), 1));
        files.insert("/loop2".into(), file(FileKind::Symlink("loop1".into()), 1));
        assert!(files.resolve("/loop1/x", 8).is_err());
        files.remove("/a", 2);
        assert_eq!(files.len(), 4);
        assert_eq!(normalize_path("./x/../../y//z/"), "/y/z");
    }

    #[test]
    fn user_names_are_looked_up() {
        let passwd = b"root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/bin/sh\n";
        assert!(user_is_root("", None) && user_is_root("0:0", None) && user_is_root("toor", Some(passwd)));
        assert!(!user_is_root("app", Some(passwd)) && !user_is_root("1000", None));
    }

    #[test]
    fn db_versions_keep_layer_order_and_give_up_on_a_hole() {
        let mut v = DbVersions {
            budget: 10,
            ..DbVersions::default()
        };
        let bytes = |s: &str| Some(Arc::<[u8]>::from(s.as_bytes()));
        v.record("/var/lib/dpkg/status", 0, bytes("a"), false);
        v.record("/lib/apk/db/installed", 0, bytes("b"), false);
        v.record("/var/lib/dpkg/status", 2, None, true);
        v.record("/var/lib/dpkg/status", 3, bytes("abc"), false);
        let layers: Vec<u32> = v.of("/var/lib/dpkg/status").unwrap().iter().map(|d| d.layer).collect();
        assert_eq!(layers, [0, 2, 3]);
        // Over the budget: that database's history is unknown, the other one's is not.
        v.record("/var/lib/dpkg/status", 4, bytes("0123456789"), false);
        assert!(v.of("/var/lib/dpkg/status").is_none());
        assert_eq!(v.of("/lib/apk/db/installed").unwrap().len(), 1);
        // A version that was not kept (over the per-file cap) is a hole too.
        v.record("/lib/apk/db/installed", 1, None, false);
        assert!(v.of("/lib/apk/db/installed").is_none());
        // Every tracked database is a file whose content the inventory keeps.
        for path in [
            "/var/lib/dpkg/status",
            "/var/lib/dpkg/status.d/base",
            "/usr/lib/sysimage/rpm/rpmdb.sqlite",
            "/var/lib/rpm/Packages",
            "/usr/lib/sysimage/rpm/Packages.db",
        ] {
            assert!(is_package_db(path) && keeps_inventory_content(path, 1), "{path}");
        }
        assert!(!is_package_db("/var/lib/dpkg/available"));
    }
}
