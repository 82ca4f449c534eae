//! Lowering a Compose project into [`ContainerSpec`]s (one per service) and a
//! [`Topology`], and linking services that `build:` an image to the Dockerfile they build.
//!
//! Every field points at the exact node that set it: the value of `privileged: true`, the
//! item of `- "8080:80"`, the `KEY: value` entry of an environment map. A setting Compose
//! could have expressed and the service does not is `Unset`, pointing at the service's key
//! (where "missing X" findings go). A value that interpolation could not resolve (`${VAR}`
//! without a value or default) is `Unknown`; a list item that is unknown is an `Unknown`
//! entry of the list. `extends` and override files are already merged by the loader, so a
//! field's provenance is the file and bytes of the layer that won.
//!
//! Specs are in `project.services` order: `specs[i]` is `project.services[i]`, and so is
//! `topology.services[i]`. Services of profiles that are not enabled are lowered too (they
//! are configuration a user can start with `--profile`).
//!
//! ```
//! use dockward_core::FileId;
//! use dockward_model::compose::{lower_compose, load_compose_files, LoadOptions};
//!
//! let dir = std::env::temp_dir().join(format!("dockward-compose-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("compose.yaml");
//! std::fs::write(&path, "services:\n  web:\n    image: nginx:1.27\n    privileged: true\n").unwrap();
//! let project = load_compose_files(&[path], &LoadOptions::default());
//! let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
//! let (specs, topology) = lower_compose(&project, &ids);
//! assert_eq!(specs[0].privileged.get(), Some(&true));
//! assert!(specs[0].memory.value.is_unset());
//! assert_eq!(topology.services[0].name, "web");
//! # std::fs::remove_dir_all(&dir).ok();
//! ```

use crate::build::lower_build;
use crate::compose_writer::ComposeWriter;
use crate::container::{
    ContainerSource, ContainerSpec, EnvVar, Healthcheck, ImageFacts, Mount, MountKind, PortBinding, SecurityOpt,
};
use crate::image_ref::ImageRef;
use crate::known::Sourced;
use crate::run_line::normalize_capability;
use crate::topology::{self, Topology};
use dockward_core::{FileId, Provenance, TextRange};
use dockward_dockerfile::{Arguments, Keyword};
use dockward_shell::values::{self, PortRange, VolumeKind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use dockward_yaml::{
    Budget, Comment, ComposeError, ComposeErrorKind, ComposeProject, ComposeService, LoadOptions, Node, NodeStyle,
    NodeValue, SourceFile, SourceKind, load_compose, load_compose_files, parse_yaml, parse_yaml_file,
};

/// Lowers every service of `project`. `file_ids[i]` is the run's id of `project.files[i]`
/// (the caller adds the project's files to its source database first, in order); a node of
/// a file without an id keeps its project index as id.
pub fn lower_compose(project: &ComposeProject, file_ids: &[FileId]) -> (Vec<ContainerSpec>, Topology) {
    let cx = Cx { file_ids };
    let mut trees = FileTrees::default();
    let extends_errors = ExtendsErrors::new(project);
    let specs: Vec<ContainerSpec> = project
        .services
        .iter()
        .map(|service| {
            let mut spec = lower_service(&cx, service, &extends_errors);
            spec.writer = ComposeWriter::for_service(project, service, &spec, &mut trees)
                .map(|w| Arc::new(w) as Arc<dyn crate::container::SettingWriter>);
            spec
        })
        .collect();
    let topology = topology::lower_topology(project, file_ids, &specs, &mut trees);
    (specs, topology)
}

/// Fills [`ContainerSpec::image_facts`] for services that `build:` their image from a
/// Dockerfile dockward can read: its final stage's user and whether it (or a stage it is
/// built on) defines a healthcheck. `specs` must be [`lower_compose`]'s output for
/// `project`.
///
/// `read` is given the Dockerfile's path (the build context and `dockerfile:` resolved
/// against [`ComposeProject::base_dir`]) and returns the run's id for that file and its
/// text, or `None` when it cannot be read: the caller owns I/O and its source database.
/// `build.dockerfile_inline` is read from the Compose file itself. Remote contexts (git
/// URLs) and contexts with unknown variables are left alone.
pub fn link_dockerfiles(
    project: &ComposeProject,
    file_ids: &[FileId],
    specs: &mut [ContainerSpec],
    read: &dyn Fn(&Path) -> Option<(FileId, String)>,
) {
    link_dockerfiles_with_bases(project, file_ids, specs, read, &dockward_core::Settings::default());
}

/// [`link_dockerfiles`], with what `settings` knows of base images (`[image] base-images`,
/// the engine lookup): a Dockerfile that sets no USER or HEALTHCHECK takes its base
/// image's when known ([`crate::base_image::known_base_image`]), and says which base is
/// unknown otherwise ([`ImageFacts::unknown_base`]). A service without `build:` takes its
/// `image:`'s user and healthcheck when that lookup knows the image.
pub fn link_dockerfiles_with_bases(
    project: &ComposeProject,
    file_ids: &[FileId],
    specs: &mut [ContainerSpec],
    read: &dyn Fn(&Path) -> Option<(FileId, String)>,
    settings: &dockward_core::Settings,
) {
    let cx = Cx { file_ids };
    // Services often share a Dockerfile: read each one once.
    let mut read_once: rustc_hash::FxHashMap<PathBuf, Option<(FileId, String)>> = Default::default();
    for (service, spec) in project.services.iter().zip(specs.iter_mut()) {
        let Some(build) = service.get("build") else {
            spec.image_facts = looked_up_image_facts(spec, settings);
            continue;
        };
        let Some(source) = dockerfile_source(project, build) else {
            continue;
        };
        let target = build.get("target").and_then(Node::as_str);
        spec.image_facts = match source {
            DockerfileSource::Path(path) => read_once
                .entry(path)
                .or_insert_with_key(|p| read(p))
                .as_ref()
                .and_then(|(file, text)| image_facts(*file, text, target, settings, |r| Provenance::text(*file, r))),
            DockerfileSource::Inline(node) => node.as_str().and_then(|text| {
                let at = cx.at(node);
                image_facts(FileId(u32::MAX), text, target, settings, |_| at.clone())
            }),
        };
    }
}

/// For a service that runs an image it does not build: what `[image] base-images` or the
/// engine lookup (`--base-images engine`) says of that image, when the user asked for one.
/// The short list of documented images ([`crate::base_image::well_known`]) is not used
/// here: without a lookup, an image-only service keeps its low-confidence findings.
fn looked_up_image_facts(spec: &ContainerSpec, settings: &dockward_core::Settings) -> Option<ImageFacts> {
    let image = spec.image.value.as_set()?;
    if image.has_variables || image.raw.is_empty() {
        return None;
    }
    let known = settings.base_image(&image.raw)?;
    Some(ImageFacts {
        user: known.user.clone().filter(|_| !known.runs_as_root()),
        user_is_root: known.runs_as_root(),
        has_healthcheck: known.healthcheck,
        dockerfile: spec.image.at.clone(),
        unknown_base: None,
    })
}

/// Where a service's Dockerfile is.
enum DockerfileSource<'n> {
    Path(PathBuf),
    Inline(&'n Node),
}

/// The Dockerfile a `build:` value names, when it is knowable and local.
fn dockerfile_source<'n>(project: &ComposeProject, build: &'n Node) -> Option<DockerfileSource<'n>> {
    let (context_node, dockerfile) = match &build.value {
        NodeValue::Scalar(_) => (Some(build), None),
        NodeValue::Map(_) => {
            if let Some(inline) = build.get("dockerfile_inline") {
                return Some(DockerfileSource::Inline(inline));
            }
            (build.get("context"), build.get("dockerfile"))
        }
        _ => return None,
    };
    let context = match context_node {
        Some(node) => node.as_str()?,
        None => ".",
    };
    if is_remote_context(context) {
        return None;
    }
    let base = project.base_dir(context_node.unwrap_or(build));
    let context_dir = base.join(context);
    let dockerfile = match dockerfile {
        Some(node) => node.as_str()?,
        None => "Dockerfile",
    };
    Some(DockerfileSource::Path(context_dir.join(dockerfile)))
}

fn is_remote_context(context: &str) -> bool {
    let lower = context.to_ascii_lowercase();
    lower.starts_with("http://")
        || lower.starts_with("https://")
        || lower.starts_with("git://")
        || lower.starts_with("git@")
        || lower.starts_with("ssh://")
        || lower.starts_with("github.com/")
        || lower.contains(".git#")
        || lower.ends_with(".git")
}

/// Parses and lowers a Dockerfile and reads what the container inherits from it: its own
/// USER and HEALTHCHECK, else its base image's when known.
fn image_facts(
    file: FileId,
    text: &str,
    target: Option<&str>,
    settings: &dockward_core::Settings,
    at: impl Fn(TextRange) -> Provenance,
) -> Option<ImageFacts> {
    let dockerfile = dockward_dockerfile::parse(text);
    let build = lower_build(file, &dockerfile, target);
    let stage = build.final_stage()?;
    // The chain of stages the final one is built on, final first; its last one starts
    // from an image (or an unresolved variable).
    let mut chain = vec![stage.index];
    let mut current = stage;
    while let Some(base) = current.base_stage.and_then(|i| build.stages.get(i)) {
        if chain.contains(&base.index) {
            break;
        }
        chain.push(base.index);
        current = base;
    }
    let root = current;
    let base = (!root.implicit && root.base_stage.is_none() && !root.base_unknown)
        .then(|| crate::base_image::known_base_image(settings, &root.base))
        .flatten();
    let unknown_base = (base.is_none() && !root.implicit && root.base_stage.is_none()).then(|| {
        if root.base_unknown {
            root.base_raw.clone()
        } else {
            root.base.raw.clone()
        }
    });
    let (user, user_is_root, at_range) = match &stage.user {
        Some(u) if u.value.unknown => (None, false, u.range),
        Some(u) => (Some(u.value.text.clone()), u.is_root(), u.range),
        None => match &base {
            Some(b) => (
                b.user.clone().filter(|_| !b.runs_as_root()),
                b.runs_as_root(),
                stage.from.range,
            ),
            None => (None, true, stage.from.range),
        },
    };
    // The last HEALTHCHECK along the chain, else the base image's.
    let mut has_healthcheck = base.as_ref().is_some_and(|b| b.healthcheck);
    'stages: for index in &chain {
        for si in build.stages[*index].instructions.iter().rev() {
            if si.instruction.keyword == Keyword::Healthcheck {
                has_healthcheck = !matches!(
                    &si.instruction.args,
                    Arguments::Healthcheck { subcommand: Some(sub), .. } if sub.text.eq_ignore_ascii_case("none")
                );
                break 'stages;
            }
        }
    }
    Some(ImageFacts {
        user,
        user_is_root,
        has_healthcheck,
        dockerfile: at(at_range),
        unknown_base,
    })
}

/// Maps nodes to provenance.
pub(crate) struct Cx<'p> {
    pub file_ids: &'p [FileId],
}

impl Cx<'_> {
    pub fn file_id(&self, file: u32) -> FileId {
        self.file_ids.get(file as usize).copied().unwrap_or(FileId(file))
    }

    pub fn at(&self, node: &Node) -> Provenance {
        Provenance::text(self.file_id(node.file), node.range)
    }

    /// A `key: value` entry: from the key to the end of the value (the key alone when the
    /// value came from another file).
    pub fn at_entry(&self, key: &Node, value: &Node) -> Provenance {
        let range = if key.file == value.file && !value.range.is_empty() && value.range.start >= key.range.start {
            key.range.cover(value.range)
        } else {
            key.range
        };
        Provenance::text(self.file_id(key.file), range)
    }

    /// A scalar setting: `Set` when known, `Unset` for null, `Unknown` otherwise.
    fn string(&self, node: &Node) -> Sourced<String> {
        let at = self.at(node);
        if node.is_unknown() {
            return Sourced::unknown(at);
        }
        match &node.value {
            NodeValue::Scalar(s) => Sourced::set(s.trim().to_string(), at),
            NodeValue::Null => Sourced::unset(at),
            _ => Sourced::unknown(at),
        }
    }

    fn boolean(&self, node: &Node) -> Sourced<bool> {
        let at = self.at(node);
        if node.is_null() {
            return Sourced::unset(at);
        }
        match node.as_bool() {
            Some(b) => Sourced::set(b, at),
            None => Sourced::unknown(at),
        }
    }
}

/// Items of a list field; a lone scalar counts as one item, an unknown scalar too.
fn items(node: &Node) -> Vec<&Node> {
    node.seq_or_single()
}

fn lower_service(cx: &Cx<'_>, service: &ComposeService, extends_errors: &ExtendsErrors) -> ContainerSpec {
    let origin = cx.at(&service.key);
    let mut spec = ContainerSpec::unset(
        ContainerSource::ComposeService {
            name: service.name.clone(),
        },
        origin.clone(),
    );
    let s = &service.node;

    if let Some(n) = s.get("image") {
        spec.image = match n.scalar_text() {
            // An image with unknown variables is kept as written: `ImageRef::has_variables`
            // tells rules its parts are unknown.
            Some(text) if !text.trim().is_empty() => Sourced::set(ImageRef::parse(text), cx.at(n)),
            _ if n.is_null() => Sourced::unset(cx.at(n)),
            _ => Sourced::unknown(cx.at(n)),
        };
    }
    if let Some(n) = s.get("build") {
        spec.build = Some(build_description(cx, n));
    }
    if let Some(n) = s.get("privileged") {
        spec.privileged = cx.boolean(n);
    }
    if let Some(n) = s.get("user") {
        spec.user = cx.string(n);
    }
    for (key, add) in [("cap_add", true), ("cap_drop", false)] {
        let Some(list) = s.get(key) else { continue };
        let out = if add { &mut spec.cap_add } else { &mut spec.cap_drop };
        for item in items(list) {
            out.push(match item.as_str() {
                Some(cap) if !cap.trim().is_empty() => Sourced::set(normalize_capability(cap), cx.at(item)),
                _ => Sourced::unknown(cx.at(item)),
            });
        }
    }
    if let Some(list) = s.get("security_opt") {
        for item in items(list) {
            spec.security_opts.push(match item.as_str() {
                Some(v) => Sourced::set(security_opt(v.trim()), cx.at(item)),
                None => Sourced::unknown(cx.at(item)),
            });
        }
    }
    if let Some(n) = s.get("read_only") {
        spec.read_only = cx.boolean(n);
    }
    if let Some(n) = s.get("network_mode") {
        spec.network_mode = cx.string(n);
    }
    for (key, field) in [
        ("pid", &mut spec.pid),
        ("ipc", &mut spec.ipc),
        ("uts", &mut spec.uts),
        ("userns_mode", &mut spec.userns),
        ("cgroup", &mut spec.cgroupns),
    ] {
        if let Some(n) = s.get(key) {
            *field = cx.string(n);
        }
    }
    if let Some(list) = s.get("volumes") {
        for item in items(list) {
            spec.mounts.push(volume(cx, item));
        }
    }
    if let Some(list) = s.get("tmpfs") {
        for item in items(list) {
            spec.mounts.push(tmpfs(cx, item));
        }
    }
    if let Some(list) = s.get("devices") {
        for item in items(list) {
            spec.devices.push(device(cx, item));
        }
    }
    if let Some(list) = s.get("ports") {
        for item in items(list) {
            spec.ports.push(port(cx, item));
        }
    }
    let limits = s.pointer(&["deploy", "resources", "limits"]);
    spec.memory = memory(
        cx,
        limits.and_then(|l| l.get("memory")).or_else(|| s.get("mem_limit")),
        &origin,
    );
    spec.cpus = cpus(cx, s, limits, &origin);
    if let Some(n) = limits.and_then(|l| l.get("pids")).or_else(|| s.get("pids_limit")) {
        spec.pids_limit = integer(cx, n);
    }
    if let Some(map) = s.get("ulimits") {
        ulimits(cx, map, &mut spec.ulimits);
    }
    if let Some(n) = s.get("restart") {
        spec.restart = cx.string(n);
    } else if let Some(policy) = s.pointer(&["deploy", "restart_policy"]) {
        spec.restart = restart_policy(cx, policy);
    }
    if let Some(n) = s.get("healthcheck") {
        spec.healthcheck = healthcheck(cx, n, &origin);
    }
    if let Some(n) = s.get("environment") {
        environment(cx, n, &mut spec.env);
    }
    if let Some(n) = s.get("env_file") {
        // The files are runtime input, often not in the repository: their variables are
        // unknown, so the environment is partial.
        for item in items(n) {
            spec.env.push(Sourced::unknown(cx.at(item)));
        }
    }
    if let Some(n) = s.get("sysctls") {
        sysctls(cx, n, &mut spec.sysctls);
    }
    if let Some(n) = s.get("oom_kill_disable") {
        spec.oom_kill_disable = cx.boolean(n);
    }
    if let Some(n) = s.pointer(&["logging", "driver"]).or_else(|| s.get("log_driver")) {
        spec.log_driver = cx.string(n);
    }
    if let Some(list) = s.get("secrets") {
        for item in items(list) {
            let name = match &item.value {
                NodeValue::Map(_) => item.get("source").and_then(Node::as_str),
                _ => item.as_str(),
            };
            spec.secrets.push(match name {
                Some(n) => Sourced::set(n.to_string(), cx.at(item)),
                None => Sourced::unknown(cx.at(item)),
            });
        }
    }

    if extends_errors.failed(service) {
        // The base service could not be read: it may hold any setting.
        spec.mark_unset_as_unknown();
        spec.image.unknown_if_unset();
    }
    spec
}

/// Where `extends` failed, per file, sorted: a project of 64,000 services each with a
/// broken `extends` would otherwise compare every service with every error.
struct ExtendsErrors(rustc_hash::FxHashMap<u32, Vec<TextRange>>);

impl ExtendsErrors {
    fn new(project: &ComposeProject) -> Self {
        let mut by_file: rustc_hash::FxHashMap<u32, Vec<TextRange>> = Default::default();
        for e in &project.errors {
            if let (ComposeErrorKind::Extends, Some(file)) = (e.kind, e.file) {
                by_file.entry(file).or_default().push(e.range);
            }
        }
        for ranges in by_file.values_mut() {
            ranges.sort_unstable();
        }
        ExtendsErrors(by_file)
    }

    /// Whether loading this service's `extends` failed (its base's settings are missing):
    /// an extends error lies inside the service's definition.
    fn failed(&self, service: &ComposeService) -> bool {
        let Some(ranges) = self.0.get(&service.node.file) else {
            return false;
        };
        let within = service.node.range;
        let first = ranges.partition_point(|r| r.start < within.start);
        ranges[first..]
            .iter()
            .take_while(|r| r.start <= within.end)
            .any(|r| within.contains_range(*r))
    }
}

/// `./web`, or `./web (Dockerfile.prod, target prod)`.
fn build_description(cx: &Cx<'_>, node: &Node) -> Sourced<String> {
    let at = cx.at(node);
    match &node.value {
        NodeValue::Scalar(_) => match node.scalar_text() {
            Some(ctx) => Sourced::set(ctx.to_string(), at),
            None => Sourced::unknown(at),
        },
        NodeValue::Map(_) => {
            let text = |k: &str| node.get(k).and_then(Node::scalar_text);
            let mut desc = text("context").unwrap_or(".").to_string();
            let mut extra = Vec::new();
            if let Some(d) = text("dockerfile") {
                extra.push(d.to_string());
            }
            if node.get("dockerfile_inline").is_some() {
                extra.push("inline Dockerfile".to_string());
            }
            if let Some(t) = text("target") {
                extra.push(format!("target {t}"));
            }
            if !extra.is_empty() {
                desc = format!("{desc} ({})", extra.join(", "));
            }
            Sourced::set(desc, at)
        }
        _ => Sourced::set(".".to_string(), at),
    }
}

/// The docker CLI's parse of a security option, in the model's terms.
fn security_opt(v: &str) -> SecurityOpt {
    match values::parse_security_opt(v) {
        Ok(values::SecurityOpt::NoNewPrivileges(b)) => SecurityOpt::NoNewPrivileges(b),
        Ok(values::SecurityOpt::Seccomp(p)) => SecurityOpt::Seccomp(p),
        Ok(values::SecurityOpt::Apparmor(p)) => SecurityOpt::AppArmor(p),
        Ok(values::SecurityOpt::Label(l)) => SecurityOpt::Label(l),
        Ok(values::SecurityOpt::SystemPaths(p)) => SecurityOpt::SystemPaths(p),
        Ok(values::SecurityOpt::Other { key, value }) if key == "unmask" && value.eq_ignore_ascii_case("ALL") => {
            SecurityOpt::SystemPaths("unconfined".to_string())
        }
        Ok(values::SecurityOpt::Other { key, value }) => SecurityOpt::Other(format!("{key}={value}")),
        Err(_) => SecurityOpt::Other(v.to_string()),
    }
}

/// Whether any scalar below `node` is unknown.
fn has_unknown(node: &Node) -> bool {
    let mut unknown = false;
    node.walk(&mut |n| unknown |= n.is_unknown());
    unknown
}

/// A `volumes:` item: short syntax (`./data:/data:ro`, `name:/x`, `/x`) or long syntax.
fn volume(cx: &Cx<'_>, item: &Node) -> Sourced<Mount> {
    let at = cx.at(item);
    if has_unknown(item) {
        return Sourced::unknown(at);
    }
    match &item.value {
        NodeValue::Scalar(text) => match values::parse_volume(text.trim()) {
            Ok(v) => Sourced::set(
                Mount {
                    kind: match v.kind {
                        VolumeKind::Bind => MountKind::Bind,
                        VolumeKind::Named | VolumeKind::Anonymous => MountKind::Volume,
                    },
                    source: v.source,
                    target: v.target,
                    read_only: v.read_only,
                    propagation: v.propagation,
                },
                at,
            ),
            Err(_) => Sourced::unknown(at),
        },
        NodeValue::Map(_) => {
            let text = |k: &str| item.get(k).and_then(Node::as_str).map(|s| s.trim().to_string());
            let Some(target) = text("target") else {
                return Sourced::unknown(at);
            };
            let kind = match text("type").as_deref().map(str::to_ascii_lowercase).as_deref() {
                Some("bind") => MountKind::Bind,
                Some("volume") | None => MountKind::Volume,
                Some("tmpfs") => MountKind::Tmpfs,
                Some(_) => MountKind::Other,
            };
            let source = text("source").filter(|s| !s.is_empty());
            let read_only = item.get("read_only").and_then(Node::as_bool).unwrap_or(false);
            let propagation = item
                .pointer(&["bind", "propagation"])
                .and_then(Node::as_str)
                .map(|p| p.trim().to_string());
            Sourced::set(
                Mount {
                    kind,
                    source,
                    target,
                    read_only,
                    propagation,
                },
                at,
            )
        }
        _ => Sourced::unknown(at),
    }
}

/// A `tmpfs:` item: `/run` or `/run:size=64m,mode=1777`.
fn tmpfs(cx: &Cx<'_>, item: &Node) -> Sourced<Mount> {
    let at = cx.at(item);
    let Some(text) = item.as_str() else {
        return Sourced::unknown(at);
    };
    let (target, opts) = text.trim().split_once(':').unwrap_or((text.trim(), ""));
    Sourced::set(
        Mount {
            kind: MountKind::Tmpfs,
            source: None,
            target: target.to_string(),
            read_only: opts.split(',').any(|o| o == "ro"),
            propagation: None,
        },
        at,
    )
}

/// A `devices:` item: `/dev/x[:/dev/y[:rwm]]`, or the long syntax `{source, target,
/// permissions}`, as the CLI's `--device` value.
fn device(cx: &Cx<'_>, item: &Node) -> Sourced<String> {
    let at = cx.at(item);
    if has_unknown(item) {
        return Sourced::unknown(at);
    }
    match &item.value {
        NodeValue::Scalar(text) => Sourced::set(text.trim().to_string(), at),
        NodeValue::Map(_) => {
            let text = |k: &str| item.get(k).and_then(Node::as_str).map(str::trim);
            let Some(source) = text("source") else {
                return Sourced::unknown(at);
            };
            let mut value = source.to_string();
            if let Some(target) = text("target") {
                value = format!("{value}:{target}");
                if let Some(p) = text("permissions") {
                    value = format!("{value}:{p}");
                }
            }
            Sourced::set(value, at)
        }
        _ => Sourced::unknown(at),
    }
}

fn range_text(r: PortRange) -> String {
    if r.start == r.end {
        r.start.to_string()
    } else {
        format!("{}-{}", r.start, r.end)
    }
}

/// A `ports:` item: short syntax (`8080:80`, `127.0.0.1:80:80`, `80`, `8000-8010:8000-8010/udp`)
/// or long syntax (`{target, published, host_ip, protocol, mode}`).
fn port(cx: &Cx<'_>, item: &Node) -> Sourced<PortBinding> {
    let at = cx.at(item);
    if has_unknown(item) {
        return Sourced::unknown(at);
    }
    match &item.value {
        NodeValue::Scalar(text) => {
            let text = text.trim();
            if text.contains('=') {
                return Sourced::unknown(at);
            }
            match values::parse_publish(text) {
                Ok(m) => Sourced::set(
                    PortBinding {
                        host_ip: m.host_ip,
                        host_port: m.host_port.map(range_text),
                        container_port: range_text(m.container_port),
                        protocol: m.protocol,
                    },
                    at,
                ),
                Err(_) => Sourced::unknown(at),
            }
        }
        NodeValue::Map(_) => {
            let text = |k: &str| {
                item.get(k)
                    .and_then(Node::as_str)
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
            };
            let Some(target) = text("target").and_then(|t| values::parse_port_range(t).ok()) else {
                return Sourced::unknown(at);
            };
            let host_port = match text("published") {
                Some(p) => match values::parse_port_range(p) {
                    Ok(r) => Some(range_text(r)),
                    Err(_) => return Sourced::unknown(at),
                },
                None => None,
            };
            let host_ip = text("host_ip").map(|ip| ip.trim_start_matches('[').trim_end_matches(']').to_string());
            Sourced::set(
                PortBinding {
                    host_ip,
                    host_port,
                    container_port: range_text(target),
                    protocol: text("protocol").unwrap_or("tcp").to_ascii_lowercase(),
                },
                at,
            )
        }
        _ => Sourced::unknown(at),
    }
}

/// `mem_limit` / `deploy.resources.limits.memory`: bytes (`1073741824`) or a size (`512m`).
fn memory(cx: &Cx<'_>, node: Option<&Node>, origin: &Provenance) -> Sourced<u64> {
    let Some(node) = node else {
        return Sourced::unset(origin.clone());
    };
    let at = cx.at(node);
    if node.is_null() {
        return Sourced::unset(origin.clone());
    }
    match node.as_str().map(|s| values::parse_memory_size(s.trim())) {
        Some(Ok(bytes)) => Sourced::set(bytes, at),
        _ => Sourced::unknown(at),
    }
}

/// `cpus` / `deploy.resources.limits.cpus` (a number of CPUs); failing those, any other
/// setting that bounds or weighs the container's CPU, written as `name=value` like the
/// run-line adapter does.
fn cpus(cx: &Cx<'_>, s: &Node, limits: Option<&Node>, origin: &Provenance) -> Sourced<String> {
    if let Some(n) = limits.and_then(|l| l.get("cpus")).or_else(|| s.get("cpus")) {
        return cx.string(n);
    }
    for (key, name) in [
        ("cpu_quota", "cpu-quota"),
        ("cpuset", "cpuset-cpus"),
        ("cpu_shares", "cpu-shares"),
        ("cpu_count", "cpu-count"),
        ("cpu_percent", "cpu-percent"),
    ] {
        if let Some(n) = s.get(key) {
            return match n.as_str() {
                Some(v) => Sourced::set(format!("{name}={}", v.trim()), cx.at(n)),
                None => Sourced::unknown(cx.at(n)),
            };
        }
    }
    Sourced::unset(origin.clone())
}

fn integer(cx: &Cx<'_>, node: &Node) -> Sourced<i64> {
    let at = cx.at(node);
    if node.is_null() {
        return Sourced::unset(at);
    }
    match node.as_i64() {
        Some(n) => Sourced::set(n, at),
        None => Sourced::unknown(at),
    }
}

/// `ulimits: {nofile: {soft: 1024, hard: 2048}, nproc: 512}` as `name=soft:hard` values.
fn ulimits(cx: &Cx<'_>, map: &Node, out: &mut Vec<Sourced<String>>) {
    let Some(entries) = map.entries() else {
        out.push(Sourced::unknown(cx.at(map)));
        return;
    };
    for (key, value) in entries {
        let at = cx.at_entry(key, value);
        let name = key.key_str().unwrap_or("").trim();
        let limit = match &value.value {
            NodeValue::Map(_) => {
                let soft = value.get("soft").and_then(Node::as_i64);
                let hard = value.get("hard").and_then(Node::as_i64);
                match (soft, hard) {
                    (Some(s), Some(h)) => Some(format!("{name}={s}:{h}")),
                    (Some(v), None) | (None, Some(v)) => Some(format!("{name}={v}")),
                    _ => None,
                }
            }
            _ => value.as_i64().map(|v| format!("{name}={v}")),
        };
        out.push(match limit {
            Some(l) => Sourced::set(l, at),
            None => Sourced::unknown(at),
        });
    }
}

/// `deploy.restart_policy` in `restart:` terms, as Compose applies it to containers.
fn restart_policy(cx: &Cx<'_>, policy: &Node) -> Sourced<String> {
    let at = policy.get("condition").map_or_else(|| cx.at(policy), |c| cx.at(c));
    if has_unknown(policy) {
        return Sourced::unknown(at);
    }
    let condition = policy
        .get("condition")
        .and_then(Node::as_str)
        .map_or_else(|| "any".to_string(), |c| c.trim().to_ascii_lowercase());
    let attempts = policy.get("max_attempts").and_then(Node::as_i64).filter(|n| *n > 0);
    let value = match (condition.as_str(), attempts) {
        ("none", _) => "no".to_string(),
        ("on-failure", Some(n)) => format!("on-failure:{n}"),
        ("on-failure", None) => "on-failure".to_string(),
        (_, Some(n)) => format!("on-failure:{n}"),
        _ => "always".to_string(),
    };
    Sourced::set(value, at)
}

/// `healthcheck:`. A mapping without `test` only tunes the image's check (which the
/// container then inherits): that is `Unset` here.
fn healthcheck(cx: &Cx<'_>, node: &Node, origin: &Provenance) -> Sourced<Healthcheck> {
    if let Some(disable) = node.get("disable") {
        match disable.as_bool() {
            Some(true) => return Sourced::set(Healthcheck::Disabled, cx.at(disable)),
            Some(false) => {}
            None if disable.is_null() => {}
            None => return Sourced::unknown(cx.at(disable)),
        }
    }
    let Some(test) = node.get("test") else {
        return Sourced::unset(origin.clone());
    };
    let at = cx.at(test);
    let first = match &test.value {
        NodeValue::Seq(items) => match items.first() {
            Some(first) => first.as_str().map(str::trim),
            None => return Sourced::unset(origin.clone()),
        },
        // A string runs as `CMD-SHELL`: even `NONE` is a (failing) command then.
        NodeValue::Scalar(_) if test.is_unknown() => return Sourced::unknown(at),
        NodeValue::Scalar(_) => return Sourced::set(Healthcheck::Defined, at),
        NodeValue::Null => return Sourced::unset(origin.clone()),
        NodeValue::Map(_) => return Sourced::unknown(at),
    };
    match first {
        Some(f) if f.eq_ignore_ascii_case("NONE") => Sourced::set(Healthcheck::Disabled, at),
        Some("") => Sourced::unset(origin.clone()),
        _ => Sourced::set(Healthcheck::Defined, at),
    }
}

/// `environment:` in list (`- KEY=value`, `- KEY`) or map (`KEY: value`, `KEY:`) form. A
/// value that came from a variable (`${TOKEN}`, even with a default) is marked
/// `value_unknown`: it is not written in the file.
fn environment(cx: &Cx<'_>, node: &Node, out: &mut Vec<Sourced<EnvVar>>) {
    match &node.value {
        NodeValue::Map(entries) => {
            for (key, value) in entries {
                let at = cx.at_entry(key, value);
                let name = key.key_str().unwrap_or("").trim().to_string();
                let var = match &value.value {
                    NodeValue::Null => EnvVar {
                        name,
                        value: None,
                        value_unknown: false,
                    },
                    NodeValue::Scalar(text) => EnvVar {
                        name,
                        value: Some(text.clone()),
                        value_unknown: value.interpolation.as_ref().is_some_and(|i| refers_to_variable(&i.raw)),
                    },
                    _ => {
                        out.push(Sourced::unknown(at));
                        continue;
                    }
                };
                out.push(Sourced::set(var, at));
            }
        }
        NodeValue::Seq(items) => {
            for item in items {
                let at = cx.at(item);
                let Some(text) = item.scalar_text() else {
                    out.push(Sourced::unknown(at));
                    continue;
                };
                let (name, value) = match text.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (text, None),
                };
                // A `${VAR}` in the name: which variable it sets is unknown.
                let name_interpolated = item
                    .interpolation
                    .as_ref()
                    .is_some_and(|i| refers_to_variable(i.raw.split_once('=').map_or(i.raw.as_str(), |(n, _)| n)));
                if name.trim().is_empty() || name_interpolated {
                    out.push(Sourced::unknown(at));
                    continue;
                }
                let value_from_variable = item
                    .interpolation
                    .as_ref()
                    .is_some_and(|i| i.raw.split_once('=').is_some_and(|(_, v)| refers_to_variable(v)));
                out.push(Sourced::set(
                    EnvVar {
                        name: name.trim().to_string(),
                        value: value.map(str::to_string),
                        value_unknown: value_from_variable,
                    },
                    at,
                ));
            }
        }
        NodeValue::Null => {}
        NodeValue::Scalar(_) => out.push(Sourced::unknown(cx.at(node))),
    }
}

/// Whether raw Compose text substitutes a variable (`$$` is an escaped `$`, not one).
fn refers_to_variable(raw: &str) -> bool {
    raw.replace("$$", "").contains('$')
}

/// `sysctls:` in map (`net.core.somaxconn: 1024`) or list (`- net.core.somaxconn=1024`) form.
fn sysctls(cx: &Cx<'_>, node: &Node, out: &mut Vec<Sourced<(String, String)>>) {
    match &node.value {
        NodeValue::Map(entries) => {
            for (key, value) in entries {
                let at = cx.at_entry(key, value);
                out.push(match value.as_str() {
                    Some(v) => Sourced::set(
                        (key.key_str().unwrap_or("").trim().to_string(), v.trim().to_string()),
                        at,
                    ),
                    None if value.is_null() => {
                        Sourced::set((key.key_str().unwrap_or("").trim().to_string(), String::new()), at)
                    }
                    None => Sourced::unknown(at),
                });
            }
        }
        NodeValue::Seq(items) => {
            for item in items {
                let at = cx.at(item);
                out.push(match item.as_str().and_then(|t| t.split_once('=')) {
                    Some((k, v)) => Sourced::set((k.trim().to_string(), v.trim().to_string()), at),
                    None => Sourced::unknown(at),
                });
            }
        }
        _ => out.push(Sourced::unknown(cx.at(node))),
    }
}

/// Indexes into each file's own YAML trees (the loader's parse, kept in
/// [`SourceFile::docs`]: the fix writer needs each file's own layout, which the merged
/// model no longer shows), built once per file for what the writer asks per service or
/// network: a project can have 64,000 services, and searching the file's entries (or its
/// text) for each was quadratic.
#[derive(Default)]
pub(crate) struct FileTrees {
    files: rustc_hash::FxHashMap<u32, FileTree>,
}

/// One file's indexes into [`ComposeProject::file_docs`].
struct FileTree {
    /// Literal keys of `services:` entries (and of top-level entries, where legacy v1 files
    /// keep their services) → where their entry is.
    services: rustc_hash::FxHashMap<TextRange, EntryAt>,
    /// Literal keys of top-level `networks:` entries → where their entry is.
    networks: rustc_hash::FxHashMap<TextRange, EntryAt>,
    crlf: bool,
}

/// An entry of a mapping: document, position of the section in the document's top-level
/// mapping (`None`: the entry is top-level itself), position of the entry.
#[derive(Clone, Copy)]
struct EntryAt {
    doc: usize,
    section: Option<usize>,
    entry: usize,
}

impl FileTree {
    fn new(project: &ComposeProject, file: u32) -> FileTree {
        let docs = project.file_docs(file);
        let crlf = project.file(file).is_some_and(|f| f.text.contains("\r\n"));
        let mut services = rustc_hash::FxHashMap::default();
        let mut networks = rustc_hash::FxHashMap::default();
        for (doc, root) in docs.iter().enumerate() {
            let top = root.entries().unwrap_or_default();
            let index = |into: &mut rustc_hash::FxHashMap<TextRange, EntryAt>, section: Option<usize>| {
                let entries = match section {
                    Some(s) => top[s].1.entries().unwrap_or_default(),
                    None => top,
                };
                for (entry, (k, _)) in entries.iter().enumerate() {
                    if k.alias.is_none() {
                        // The first document that has the key wins, as a search in order would.
                        into.entry(k.range).or_insert(EntryAt { doc, section, entry });
                    }
                }
            };
            // Like `Node::get`, the last `services:` / `networks:` key of a document counts.
            if let Some(s) = top.iter().rposition(|(k, _)| k.key_str() == Some("services")) {
                index(&mut services, Some(s));
            }
            index(&mut services, None);
            if let Some(s) = top.iter().rposition(|(k, _)| k.key_str() == Some("networks")) {
                index(&mut networks, Some(s));
            }
        }
        FileTree {
            services,
            networks,
            crlf,
        }
    }

    fn value(project: &ComposeProject, file: u32, at: EntryAt) -> Option<&Node> {
        let top = project.file_docs(file).get(at.doc)?.entries()?;
        let entries = match at.section {
            Some(s) => top.get(s)?.1.entries()?,
            None => top,
        };
        entries.get(at.entry).map(|(_, v)| v)
    }
}

impl FileTrees {
    fn file(&mut self, project: &ComposeProject, file: u32) -> &FileTree {
        self.files.entry(file).or_insert_with(|| FileTree::new(project, file))
    }

    /// The value of the service whose key is at `key` in `file`'s own text (under
    /// `services:`, or at the top level of a legacy v1 file).
    pub fn service<'p>(&mut self, project: &'p ComposeProject, file: u32, key: TextRange) -> Option<&'p Node> {
        let at = *self.file(project, file).services.get(&key)?;
        FileTree::value(project, file, at)
    }

    /// The value of the top-level network whose key is at `key` in `file`'s own text.
    pub fn network<'p>(&mut self, project: &'p ComposeProject, file: u32, key: TextRange) -> Option<&'p Node> {
        let at = *self.file(project, file).networks.get(&key)?;
        FileTree::value(project, file, at)
    }

    /// The line break `file` uses: `\r\n` when it has any, else `\n`.
    pub fn newline(&mut self, project: &ComposeProject, file: u32) -> &'static str {
        if self.file(project, file).crlf { "\r\n" } else { "\n" }
    }
}

#[cfg(test)]
pub(crate) mod tests_support {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static NEXT: AtomicUsize = AtomicUsize::new(0);

    /// A number unique in this test process (for scratch directories).
    pub fn next_id() -> usize {
        NEXT.fetch_add(1, Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (ComposeProject, Vec<ContainerSpec>, Topology) {
        let dir = std::env::temp_dir().join(format!(
            "dockward-compose-test-{}-{}",
            std::process::id(),
            tests_support::next_id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("compose.yaml");
        std::fs::write(&path, text).unwrap();
        let project = load_compose_files(&[path], &LoadOptions::default());
        std::fs::remove_dir_all(&dir).ok();
        let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
        let (specs, topology) = lower_compose(&project, &ids);
        (project, specs, topology)
    }

    fn slice<'t>(text: &'t str, at: &Provenance) -> &'t str {
        at.as_text().unwrap().1.slice(text)
    }

    #[test]
    fn every_field_is_lowered_with_its_bytes() {
        let text = r#"services:
  web:
    image: nginx:1.27
    privileged: true
    user: root
    cap_add: [cap_sys_admin]
    cap_drop:
      - NET_RAW
    security_opt:
      - seccomp:unconfined
      - no-new-privileges:true
    read_only: yes
    network_mode: host
    pid: host
    ipc: host
    uts: host
    userns_mode: host
    cgroup: host
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - data:/data
      - ./src:/src
      - type: bind
        source: /etc
        target: /host-etc
        bind:
          propagation: rshared
    tmpfs: /run:ro
    devices: ["/dev/sda:/dev/xvda:rwm"]
    ports:
      - "127.0.0.1:80:80"
      - 8443:443/udp
      - 9000
      - "8000-8010:8000-8010"
      - target: 5432
        published: "5432"
        host_ip: 0.0.0.0
    mem_limit: 512m
    cpus: 1.5
    pids_limit: 100
    ulimits:
      nofile: {soft: 1024, hard: 2048}
      nproc: 512
    restart: always
    healthcheck:
      test: ["NONE"]
    environment:
      A: "1"
      DB_PASSWORD:
    env_file: .env.web
    sysctls:
      net.ipv4.ip_forward: 1
    oom_kill_disable: true
    logging:
      driver: none
    secrets: [db_password]
"#;
        let (_, specs, _) = load(text);
        let s = &specs[0];
        assert_eq!(s.image.get().unwrap().raw, "nginx:1.27");
        assert_eq!(s.privileged.get(), Some(&true));
        assert_eq!(slice(text, &s.privileged.at), "true");
        assert_eq!(slice(text, &s.origin), "web");
        assert_eq!(s.user.get().map(String::as_str), Some("root"));
        assert_eq!(s.cap_add[0].get().map(String::as_str), Some("SYS_ADMIN"));
        assert_eq!(slice(text, &s.cap_add[0].at), "cap_sys_admin");
        assert_eq!(s.cap_drop[0].get().map(String::as_str), Some("NET_RAW"));
        assert_eq!(
            s.security_opts[0].get(),
            Some(&SecurityOpt::Seccomp("unconfined".into()))
        );
        assert_eq!(s.security_opts[1].get(), Some(&SecurityOpt::NoNewPrivileges(true)));
        assert_eq!(s.read_only.get(), Some(&true));
        for ns in [&s.network_mode, &s.pid, &s.ipc, &s.uts, &s.userns, &s.cgroupns] {
            assert_eq!(ns.get().map(String::as_str), Some("host"));
        }
        assert_eq!(s.mounts.len(), 5);
        let m0 = s.mounts[0].get().unwrap();
        assert_eq!(
            (m0.kind, m0.source.as_deref(), m0.read_only),
            (MountKind::Bind, Some("/var/run/docker.sock"), true)
        );
        assert_eq!(s.mounts[1].get().unwrap().kind, MountKind::Volume);
        assert_eq!(s.mounts[2].get().unwrap().kind, MountKind::Bind);
        let m3 = s.mounts[3].get().unwrap();
        assert_eq!(
            (m3.source.as_deref(), m3.propagation.as_deref()),
            (Some("/etc"), Some("rshared"))
        );
        let m4 = s.mounts[4].get().unwrap();
        assert_eq!(
            (m4.kind, m4.target.as_str(), m4.read_only),
            (MountKind::Tmpfs, "/run", true)
        );
        assert_eq!(s.devices[0].get().map(String::as_str), Some("/dev/sda:/dev/xvda:rwm"));
        let ports: Vec<_> = s.ports.iter().map(|p| p.get().unwrap().clone()).collect();
        assert_eq!(ports[0].host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(
            (ports[1].host_port.as_deref(), ports[1].protocol.as_str()),
            (Some("8443"), "udp")
        );
        assert_eq!(
            (ports[2].host_port.as_deref(), ports[2].container_port.as_str()),
            (None, "9000")
        );
        assert_eq!(ports[3].container_port, "8000-8010");
        assert_eq!(
            (ports[4].host_ip.as_deref(), ports[4].host_port.as_deref()),
            (Some("0.0.0.0"), Some("5432"))
        );
        assert_eq!(slice(text, &s.ports[1].at), "8443:443/udp");
        assert_eq!(s.memory.get(), Some(&(512 << 20)));
        assert_eq!(s.cpus.get().map(String::as_str), Some("1.5"));
        assert_eq!(s.pids_limit.get(), Some(&100));
        let ulimits: Vec<_> = s.ulimits.iter().map(|u| u.get().unwrap().as_str()).collect();
        assert_eq!(ulimits, ["nofile=1024:2048", "nproc=512"]);
        assert_eq!(slice(text, &s.ulimits[1].at), "nproc: 512");
        assert_eq!(s.restart.get().map(String::as_str), Some("always"));
        assert_eq!(s.healthcheck.get(), Some(&Healthcheck::Disabled));
        assert_eq!(s.env.len(), 3);
        assert_eq!(s.env[0].get().unwrap().value.as_deref(), Some("1"));
        assert_eq!(slice(text, &s.env[0].at), "A: \"1\"");
        assert_eq!(s.env[1].get().unwrap().value, None);
        assert!(s.env[2].value.is_unknown(), "env_file makes the environment partial");
        assert_eq!(
            s.sysctls[0].get(),
            Some(&("net.ipv4.ip_forward".to_string(), "1".to_string()))
        );
        assert_eq!(s.oom_kill_disable.get(), Some(&true));
        assert_eq!(s.log_driver.get().map(String::as_str), Some("none"));
        assert_eq!(s.secrets[0].get().map(String::as_str), Some("db_password"));
    }

    #[test]
    fn missing_settings_are_unset_at_the_service_and_unknown_values_are_unknown() {
        let text = "services:\n  app:\n    image: ${IMAGE}\n    privileged: ${PRIV}\n    ports: [\"${PORT}:80\"]\n    environment:\n      - TOKEN=${TOKEN}\n      - PASSWORD=${PASSWORD:-changeme}\n      - LITERAL=$$HOME\n    deploy:\n      resources:\n        limits:\n          memory: 1g\n          cpus: '0.5'\n      restart_policy:\n        condition: on-failure\n        max_attempts: 3\n";
        let (_, specs, _) = load(text);
        let s = &specs[0];
        assert!(s.image.get().unwrap().has_variables);
        assert!(s.privileged.value.is_unknown());
        assert!(s.ports[0].value.is_unknown());
        assert!(s.user.value.is_unset() && s.read_only.value.is_unset() && s.pids_limit.value.is_unset());
        assert_eq!(slice(text, &s.user.at), "app");
        let token = s.env[0].get().unwrap();
        assert!(token.value_unknown);
        let password = s.env[1].get().unwrap();
        assert_eq!(password.value.as_deref(), Some("changeme"));
        assert!(password.value_unknown, "a default is still a variable's value");
        let literal = s.env[2].get().unwrap();
        assert_eq!(literal.value.as_deref(), Some("$HOME"));
        assert!(!literal.value_unknown, "`$$` is an escaped dollar");
        assert_eq!(s.memory.get(), Some(&(1 << 30)));
        assert_eq!(s.cpus.get().map(String::as_str), Some("0.5"));
        assert_eq!(s.restart.get().map(String::as_str), Some("on-failure:3"));
    }

    #[test]
    fn healthcheck_forms() {
        let text = "services:\n  a:\n    healthcheck:\n      disable: true\n  b:\n    healthcheck:\n      test: curl -f http://localhost\n  c:\n    healthcheck:\n      interval: 5s\n  d:\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n";
        let (_, specs, _) = load(text);
        assert_eq!(specs[0].healthcheck.get(), Some(&Healthcheck::Disabled));
        assert_eq!(specs[1].healthcheck.get(), Some(&Healthcheck::Defined));
        assert!(specs[2].healthcheck.value.is_unset());
        assert_eq!(specs[3].healthcheck.get(), Some(&Healthcheck::Defined));
    }

    #[test]
    fn dockerfile_facts_follow_the_target_and_base_stages() {
        let settings = dockward_core::Settings::default();
        let at = |r| Provenance::text(FileId(7), r);
        let text =
            "FROM alpine AS base\nHEALTHCHECK CMD true\nUSER app\nFROM base AS prod\nFROM alpine AS debug\nUSER root\n";
        let facts = image_facts(FileId(7), text, Some("prod"), &settings, at).unwrap();
        assert_eq!(facts.user.as_deref(), Some("app"));
        assert!(!facts.user_is_root && facts.has_healthcheck);
        let facts = image_facts(FileId(7), text, None, &settings, at).unwrap();
        assert!(facts.user_is_root && !facts.has_healthcheck);
        let facts = image_facts(FileId(7), "FROM alpine\nHEALTHCHECK NONE\n", None, &settings, at).unwrap();
        assert!(facts.user.is_none() && facts.user_is_root && !facts.has_healthcheck);
        // `alpine` is known to set no USER; an unknown base is said to be unknown.
        assert_eq!(facts.unknown_base, None);
        let facts = image_facts(FileId(7), "FROM acme/base:1 AS b\nFROM b\n", None, &settings, at).unwrap();
        assert!(facts.user_is_root && facts.user.is_none());
        assert_eq!(facts.unknown_base.as_deref(), Some("acme/base:1"));
        // A base known to run as a non-root user decides when the Dockerfile sets none.
        let facts = image_facts(
            FileId(7),
            "FROM gcr.io/distroless/static:nonroot\n",
            None,
            &settings,
            at,
        )
        .unwrap();
        assert!(!facts.user_is_root && facts.unknown_base.is_none());
        assert_eq!(facts.user.as_deref(), Some("65532"));
    }

    #[test]
    fn link_reads_the_dockerfile_of_the_build_context() {
        let dir = std::env::temp_dir().join(format!("dockward-compose-link-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("web")).unwrap();
        let path = dir.join("compose.yaml");
        std::fs::write(
            &path,
            "services:\n  web:\n    build:\n      context: ./web\n      dockerfile: Dockerfile.prod\n  remote:\n    build: https://github.com/a/b.git\n",
        )
        .unwrap();
        let project = load_compose_files(&[path], &LoadOptions::default());
        let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
        let (mut specs, _) = lower_compose(&project, &ids);
        let asked = std::sync::Mutex::new(Vec::new());
        link_dockerfiles(&project, &ids, &mut specs, &|p| {
            asked.lock().unwrap().push(p.to_path_buf());
            Some((FileId(9), "FROM python:3.12\nUSER 10001\n".to_string()))
        });
        std::fs::remove_dir_all(&dir).ok();
        let asked = asked.into_inner().unwrap();
        assert_eq!(asked.len(), 1);
        assert!(asked[0].ends_with("web/Dockerfile.prod"), "{asked:?}");
        let facts = specs[0].image_facts.as_ref().unwrap();
        assert_eq!(facts.user.as_deref(), Some("10001"));
        assert_eq!(facts.dockerfile.as_text().unwrap().0, FileId(9));
        assert!(specs[1].image_facts.is_none());
        assert_eq!(
            specs[0].build.as_ref().unwrap().get().map(String::as_str),
            Some("./web (Dockerfile.prod)")
        );
    }

    /// An `image:` service takes its image's facts only from a lookup the user asked for
    /// (here `[image] base-images`), never from the list of documented images.
    #[test]
    fn image_services_take_looked_up_facts_only() {
        let dir = std::env::temp_dir().join(format!("dockward-compose-image-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("compose.yaml");
        std::fs::write(
            &path,
            "services:\n  api:\n    image: acme/api:1\n  py:\n    image: python:3.12\n  var:\n    image: acme/${TAG:?}\n",
        )
        .unwrap();
        let project = load_compose_files(&[path], &LoadOptions::default());
        std::fs::remove_dir_all(&dir).ok();
        let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
        let mut settings = dockward_core::Settings::default();
        settings.base_images.insert(
            "acme/api:1".to_string(),
            dockward_core::BaseImage {
                user: Some("app".to_string()),
                healthcheck: true,
                source: "api.tar".to_string(),
            },
        );
        let (mut specs, _) = lower_compose(&project, &ids);
        link_dockerfiles_with_bases(&project, &ids, &mut specs, &|_| None, &settings);
        let facts = specs[0].image_facts.as_ref().expect("looked up");
        assert_eq!(facts.user.as_deref(), Some("app"));
        assert!(!facts.user_is_root && facts.has_healthcheck && facts.unknown_base.is_none());
        assert!(specs[1].image_facts.is_none(), "a documented image is not a lookup");
        assert!(specs[2].image_facts.is_none());
    }

    #[test]
    fn services_whose_extends_failed_have_unknown_settings() {
        // Half of many services extend a file that does not exist: only those may hold any
        // setting (a sorted index replaced comparing every service with every error).
        let n = 5_000;
        let mut text = String::from("services:\n");
        for i in 0..n {
            if i % 2 == 0 {
                text.push_str(&format!(
                    "  s{i}:\n    image: x\n    extends:\n      file: missing.yaml\n      service: b\n"
                ));
            } else {
                text.push_str(&format!("  s{i}:\n    image: x\n"));
            }
        }
        let (project, specs, _) = load(&text);
        assert_eq!(
            project
                .errors
                .iter()
                .filter(|e| e.kind == ComposeErrorKind::Extends)
                .count(),
            n / 2
        );
        for (i, spec) in specs.iter().enumerate() {
            assert_eq!(spec.memory.value.is_unknown(), i % 2 == 0, "s{i}");
            assert_eq!(spec.memory.value.is_unset(), i % 2 == 1, "s{i}");
        }
    }
}
