//! The per-file pipeline, in compose-go's order.
//!
//! For each file, for each YAML document in it (a "layer"):
//! 1. parse; the top level must be a mapping;
//! 2. record `!reset` / `!override` paths (`!reset` values are dropped from the layer);
//! 3. legacy v1 layout (services at the top level) is moved under `services`;
//! 4. interpolate every value (not keys);
//! 5. `include:` imports other projects' resources into the layer;
//! 6. the recorded paths are deleted from the model merged so far (that is how `!reset`
//!    and `!override` beat the merge);
//! 7. `extends` is resolved within the layer;
//! 8. the layer is merged over the model, then sequences are de-duplicated.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use dockward_core::TextRange;

use super::dotenv::parse_dotenv;
use super::extends::{ExtendsSource, apply_extends};
use super::interpolate::{Env, ExpansionBudget, has_dollar, interpolate};
use super::merge::{MergeIssue, enforce_unicity, merge_nodes};
use super::profiles::{enabled_profiles, is_active, service_profiles};
use super::{ComposeError, ComposeErrorKind, ComposeProject, ComposeService, LoadOptions, SourceFile, SourceKind};
use crate::yaml::{FileId, Interpolation, Node, NodeStyle, NodeValue, YamlErrorKind, parse_yaml_file};

/// Bound on nested `include` / `extends` chains (each level recurses).
pub(crate) const MAX_CHAIN: usize = 64;

/// Bound on the `include` entries one project loads. An entry met again with the same
/// files, directory and environment reuses the first load, so a diamond-shaped include
/// graph costs one load per file; but each included project gets its parent's environment
/// plus its own `.env`, so a graph whose every path gives a different environment cannot
/// share loads, and would double its work with each level without this bound.
pub(crate) const MAX_INCLUDE_LOADS: usize = 256;

/// Top-level keys of the Compose specification (anything else at the top of a file without
/// `services:` suggests the legacy v1 layout).
const TOP_LEVEL_KEYS: [&str; 9] = [
    "version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models",
];

/// One YAML document of a file, ready to merge.
pub(crate) struct Layer {
    pub root: Node,
    /// Paths (map keys from the root) tagged `!reset` or `!override` in this layer.
    pub resets: Vec<Vec<String>>,
}

/// What a load of a set of files may do (extends sources skip `include` and `extends`,
/// which the caller resolves itself).
#[derive(Clone, Copy)]
pub(crate) struct Flags {
    pub include: bool,
    pub extends: bool,
}

pub(crate) struct Loader<'o> {
    pub opts: &'o LoadOptions,
    pub files: Vec<SourceFile>,
    pub errors: Vec<ComposeError>,
    pub legacy_v1: bool,
    /// Parsed documents per file id (`None` for files that are not YAML or failed to read).
    docs: Vec<Option<Vec<Node>>>,
    by_path: HashMap<PathBuf, FileId>,
    /// Files currently being included, by [`file_key`] (cycle detection); the main file
    /// first, as compose-go does.
    include_chain: Vec<PathBuf>,
    /// `include` entries already loaded, with the environment each was loaded with.
    include_cache: HashMap<IncludeKey, Vec<(Env, Node)>>,
    /// How many `include` entries were loaded (not served from the cache).
    include_loads: usize,
    /// Extends sources already loaded, by [`file_key`]: (file id, merged model, directory).
    /// A file that could not be read keeps the reason, reported again for each service that
    /// extends it (each one's settings are then unknown).
    pub extends_cache: HashMap<PathBuf, Result<Rc<ExtendsSource>, String>>,
    /// Services of extends sources already resolved (their own `extends` applied), by file
    /// and name: a file that many services extend is resolved once per base service.
    pub extends_resolved: HashMap<(FileId, String), Node>,
    /// What substitution may still add to this project's text.
    pub expansion: ExpansionBudget,
}

/// What an `include` entry loads: its files, its project directory and env files, all by
/// [`file_key`].
#[derive(Debug, PartialEq, Eq, Hash)]
struct IncludeKey {
    files: Vec<PathBuf>,
    dir: PathBuf,
    env_files: Option<Vec<PathBuf>>,
}

/// The name a file is known by for "read once" and cycle checks: its canonical path, so
/// `d/../x.yaml`, `./x.yaml` and a symbolic link to it are one file; a path that does not
/// resolve (a missing file) is normalised lexically.
pub(crate) fn file_key(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| {
        let mut out = PathBuf::new();
        for component in path.components() {
            match component {
                Component::CurDir => {}
                Component::ParentDir => match out.components().next_back() {
                    Some(Component::Normal(_)) => {
                        out.pop();
                    }
                    Some(Component::RootDir | Component::Prefix(_)) => {}
                    _ => out.push(".."),
                },
                other => out.push(other),
            }
        }
        out
    })
}

pub(crate) fn load(paths: &[PathBuf], opts: &LoadOptions, second_is_override: bool) -> ComposeProject {
    let mut loader = Loader {
        opts,
        files: Vec::new(),
        errors: Vec::new(),
        legacy_v1: false,
        docs: Vec::new(),
        by_path: HashMap::new(),
        include_chain: paths.first().map(|p| file_key(p)).into_iter().collect(),
        include_cache: HashMap::new(),
        include_loads: 0,
        extends_cache: HashMap::new(),
        extends_resolved: HashMap::new(),
        expansion: ExpansionBudget::default(),
    };
    let working_dir = opts.project_dir.clone().unwrap_or_else(|| {
        paths
            .first()
            .and_then(|p| p.parent())
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    });

    // Read and parse first: the project name (which interpolation may use) comes from them.
    let mut config_files = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let kind = if i > 0 && second_is_override {
            SourceKind::Override
        } else {
            SourceKind::Compose
        };
        if let Some(id) = loader.read_yaml(path, kind, &working_dir, None) {
            config_files.push(id);
        }
    }

    let mut env = loader.environment(&working_dir, &opts.env, opts.env_files.as_deref());
    let name = loader.project_name(&config_files, &working_dir, &env);
    env.vars
        .entry("COMPOSE_PROJECT_NAME".to_string())
        .or_insert_with(|| name.clone());

    let flags = Flags {
        include: true,
        extends: true,
    };
    let model = loader.load_files(&config_files, &env, &working_dir, flags);
    loader.project(name, working_dir, config_files, model, env)
}

impl Loader<'_> {
    pub(crate) fn error(
        &mut self,
        file: Option<FileId>,
        range: TextRange,
        kind: ComposeErrorKind,
        message: impl Into<String>,
    ) {
        self.errors.push(ComposeError {
            file,
            range,
            message: message.into(),
            kind,
        });
    }

    fn add_file(&mut self, path: &Path, text: String, kind: SourceKind, base_dir: &Path) -> FileId {
        let id = FileId::try_from(self.files.len()).unwrap_or(FileId::MAX);
        self.files.push(SourceFile {
            path: path.to_path_buf(),
            text,
            kind,
            base_dir: base_dir.to_path_buf(),
            comments: Vec::new(),
            docs: Vec::new(),
        });
        self.docs.push(None);
        self.by_path.insert(file_key(path), id);
        id
    }

    /// Reads a file as text, within the size budget. Only regular files are read (a path
    /// to `/dev/zero` or a FIFO is an error, not a hang). `from` locates the error when the
    /// file was named by another file (`extends.file`, `include`).
    fn read_text(&mut self, path: &Path, from: Option<(FileId, TextRange)>, kind: ComposeErrorKind) -> Option<String> {
        let (file, range) = from.map_or((None, TextRange::default()), |(f, r)| (Some(f), r));
        let max = self.opts.budget.max_bytes as u64;
        if let Some(text) = self.opts.overlay.get(path) {
            return Some(text.clone());
        }
        match dockward_core::fs::read_regular_file(path, max) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Some(text),
                Err(e) => {
                    // Keep going with a lossy copy; positions stay valid for the prefix.
                    let at = e.utf8_error().valid_up_to();
                    let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    self.error(
                        file,
                        range,
                        ComposeErrorKind::Io,
                        format!("{} is not valid UTF-8 (byte {at})", path.display()),
                    );
                    Some(text)
                }
            },
            Err(e) => {
                self.error(file, range, kind, format!("cannot read {}: {e}", path.display()));
                None
            }
        }
    }

    /// Reads and parses a YAML file once (later calls return the same id).
    pub(crate) fn read_yaml(
        &mut self,
        path: &Path,
        kind: SourceKind,
        base_dir: &Path,
        from: Option<(FileId, TextRange)>,
    ) -> Option<FileId> {
        if let Some(&id) = self.by_path.get(&file_key(path)) {
            return Some(id);
        }
        let error_kind = match kind {
            SourceKind::Extends => ComposeErrorKind::Extends,
            SourceKind::Include => ComposeErrorKind::Include,
            _ => ComposeErrorKind::Io,
        };
        let text = self.read_text(path, from, error_kind)?;
        let id = self.add_file(path, text, kind, base_dir);
        let doc = parse_yaml_file(&self.files[id as usize].text, id, &self.opts.budget);
        for e in &doc.errors {
            // Duplicate keys and similar are reported but the tree is sound; syntax and
            // budget errors leave a partial tree (still scanned: what was read is real).
            let message = match e.kind {
                YamlErrorKind::Syntax => format!("invalid YAML: {}", e.message),
                _ => e.message.clone(),
            };
            self.error(Some(id), e.range, ComposeErrorKind::Yaml, message);
        }
        self.files[id as usize].comments = doc.comments;
        self.docs[id as usize] = Some(doc.docs);
        Some(id)
    }

    /// The interpolation environment: the caller's variables, plus the env files' (the
    /// caller's win).
    fn environment(
        &mut self,
        dir: &Path,
        outer: &std::collections::BTreeMap<String, String>,
        env_files: Option<&[PathBuf]>,
    ) -> Env {
        let mut env = Env {
            vars: outer.clone(),
            unknown: Default::default(),
        };
        let files: Vec<PathBuf> = match env_files {
            Some(files) => files.to_vec(),
            None => {
                // Any `.env` that exists is read (and refused with a message if it is not a
                // regular file): skipping a FIFO or a link to a device silently would hide
                // why the project's variables are unknown.
                let default = dir.join(".env");
                let present = std::fs::metadata(&default).is_ok_and(|m| !m.is_dir());
                if present { vec![default] } else { Vec::new() }
            }
        };
        for path in files {
            let Some(text) = self.read_text(&path, None, ComposeErrorKind::DotEnv) else {
                continue;
            };
            let parsed = parse_dotenv(&text, outer, &mut self.expansion);
            let parent = path.parent().unwrap_or(Path::new(".")).to_path_buf();
            let id = self.add_file(&path, text, SourceKind::DotEnv, &parent);
            for (message, range) in parsed.errors {
                self.error(Some(id), range, ComposeErrorKind::DotEnv, message);
            }
            for (k, v, _) in parsed.vars {
                if !outer.contains_key(&k) {
                    env.vars.insert(k, v);
                }
            }
            for k in parsed.unknown {
                if !outer.contains_key(&k) {
                    env.unknown.insert(k);
                }
            }
        }
        env
    }

    /// `--project-name`, else `COMPOSE_PROJECT_NAME`, else the last `name:` in the files
    /// (interpolated), else the directory name; normalised as Compose does.
    fn project_name(&mut self, files: &[FileId], dir: &Path, env: &Env) -> String {
        if let Some(name) = &self.opts.project_name {
            return normalize_project_name(name);
        }
        if let Some(name) = env.vars.get("COMPOSE_PROJECT_NAME").filter(|n| !n.is_empty()) {
            return normalize_project_name(name);
        }
        let mut from_files = None;
        for &id in files {
            for doc in self.docs[id as usize].iter().flatten() {
                if let Some(name) = doc.get("name").and_then(Node::scalar_text) {
                    let o = interpolate(name, env, &mut self.expansion);
                    if o.errors.is_empty() && o.unknown.is_empty() && !o.value.is_empty() {
                        from_files = Some(o.value);
                    }
                }
            }
        }
        if let Some(name) = from_files {
            return normalize_project_name(&name);
        }
        let base = std::fs::canonicalize(dir)
            .ok()
            .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
            .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        normalize_project_name(&base)
    }

    /// Loads and merges files (already read) into one model.
    pub(crate) fn load_files(&mut self, files: &[FileId], env: &Env, working_dir: &Path, flags: Flags) -> Node {
        let first = files.first().copied().unwrap_or(0);
        let mut model = Node::new(NodeValue::Map(Vec::new()), TextRange::empty(0), first, NodeStyle::Block);
        for &id in files {
            let layers = self.layers(id, env);
            let dir = self.files[id as usize]
                .path
                .parent()
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
            for layer in layers {
                model = self.merge_layer(model, layer, id, &dir, working_dir, env, flags);
            }
        }
        model
    }

    /// Steps 1–4 for every document of a file.
    pub(crate) fn layers(&mut self, id: FileId, env: &Env) -> Vec<Layer> {
        let docs = self.docs[id as usize].clone().unwrap_or_default();
        let mut layers = Vec::new();
        for mut root in docs {
            match root.value {
                NodeValue::Null => continue,
                NodeValue::Map(_) => {}
                _ => {
                    self.error(
                        Some(id),
                        root.range,
                        ComposeErrorKind::Structure,
                        format!(
                            "the top level of a Compose file must be a mapping, not a {}",
                            root.kind_name()
                        ),
                    );
                    continue;
                }
            }
            let mut resets = Vec::new();
            collect_resets(&mut root, &mut Vec::new(), &mut resets);
            if convert_legacy_v1(&mut root) {
                self.legacy_v1 = true;
            }
            self.interpolate_values(&mut root, env);
            layers.push(Layer { root, resets });
        }
        layers
    }

    /// Steps 5–8: merges one layer over the model.
    #[allow(clippy::too_many_arguments)]
    fn merge_layer(
        &mut self,
        mut model: Node,
        mut layer: Layer,
        id: FileId,
        dir: &Path,
        working_dir: &Path,
        env: &Env,
        flags: Flags,
    ) -> Node {
        if flags.include
            && let Some(include) = remove_key(&mut layer.root, "include")
        {
            self.apply_include(&mut layer.root, &include, id, working_dir, env);
        }
        delete_paths(&mut model, &layer.resets);
        if flags.extends {
            apply_extends(self, &mut layer.root, id, dir, env, &layer.resets);
        }
        let mut issues: Vec<MergeIssue> = Vec::new();
        let model_file = model.file;
        model = if model.entries().is_some_and(<[_]>::is_empty) {
            // First layer: it *is* the model (its own ranges and file).
            layer.root
        } else {
            let mut merged = merge_nodes(model, layer.root, &mut Vec::new(), &mut issues);
            merged.file = model_file;
            merged
        };
        for issue in issues {
            self.error(Some(issue.file), issue.range, ComposeErrorKind::Merge, issue.message);
        }
        enforce_unicity(&mut model, &mut Vec::new());
        remove_key(&mut model, "version");
        model
    }

    /// Interpolates every scalar value below `node` (keys are left alone, as in Compose).
    fn interpolate_values(&mut self, node: &mut Node, env: &Env) {
        match &mut node.value {
            NodeValue::Scalar(text) if has_dollar(text) => {
                let already_exceeded = self.expansion.exceeded;
                let o = interpolate(text, env, &mut self.expansion);
                if let (Some(name), false) = (&o.over_budget, already_exceeded) {
                    self.errors.push(ComposeError {
                        file: Some(node.file),
                        range: node.range,
                        message: ExpansionBudget::message(name),
                        kind: ComposeErrorKind::Interpolation,
                    });
                }
                for message in &o.errors {
                    self.errors.push(ComposeError {
                        file: Some(node.file),
                        range: node.range,
                        message: message.clone(),
                        kind: ComposeErrorKind::Interpolation,
                    });
                }
                let raw = std::mem::take(text);
                if o.unknown.is_empty() && o.errors.is_empty() {
                    text.clone_from(&o.value);
                } else {
                    // Unknown (or refused by Compose): keep the raw text.
                    text.clone_from(&raw);
                }
                node.interpolation = Some(Box::new(Interpolation {
                    raw,
                    unknown: o.unknown,
                    compose_value: o.value,
                }));
            }
            NodeValue::Seq(items) => {
                for item in items {
                    self.interpolate_values(item, env);
                }
            }
            NodeValue::Map(entries) => {
                for (_, value) in entries {
                    self.interpolate_values(value, env);
                }
            }
            _ => {}
        }
    }

    /// `include:` — each entry is loaded as its own project (its own `.env`), and its
    /// services, networks, volumes, secrets and configs are added to the including layer.
    /// A name the including file also defines is a conflict (reported; the including file
    /// wins).
    fn apply_include(&mut self, root: &mut Node, include: &Node, id: FileId, working_dir: &Path, env: &Env) {
        if self.include_chain.len() >= MAX_CHAIN {
            self.error(
                Some(id),
                include.range,
                ComposeErrorKind::Include,
                "include nested too deeply",
            );
            return;
        }
        for entry in include.seq_or_single() {
            let (paths, project_dir, env_files) = match &entry.value {
                NodeValue::Scalar(_) => (vec![entry], None, Vec::new()),
                NodeValue::Map(_) => (
                    entry.get("path").map(Node::seq_or_single).unwrap_or_default(),
                    entry.get("project_directory").and_then(Node::as_str),
                    entry.get("env_file").map(Node::seq_or_single).unwrap_or_default(),
                ),
                _ => (Vec::new(), None, Vec::new()),
            };
            if paths.is_empty() {
                self.error(
                    Some(id),
                    entry.range,
                    ComposeErrorKind::Include,
                    "include entry without a path",
                );
                continue;
            }
            let mut files = Vec::new();
            for p in &paths {
                let Some(text) = p.as_str() else {
                    self.error(
                        Some(id),
                        p.range,
                        ComposeErrorKind::Include,
                        "include path is not a known string",
                    );
                    continue;
                };
                let path = working_dir.join(text);
                let key = file_key(&path);
                if self.include_chain.contains(&key) {
                    self.error(
                        Some(id),
                        p.range,
                        ComposeErrorKind::Include,
                        format!("include cycle through {}", path.display()),
                    );
                    continue;
                }
                let dir = project_dir.map_or_else(
                    || path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
                    |d| working_dir.join(d),
                );
                if let Some(f) = self.read_yaml(&path, SourceKind::Include, &dir, Some((id, p.range))) {
                    files.push((f, path, key));
                }
            }
            let Some((_, first_path, _)) = files.first().cloned() else {
                continue;
            };
            let sub_dir = project_dir.map_or_else(
                || {
                    first_path
                        .parent()
                        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
                },
                |d| working_dir.join(d),
            );
            let env_paths: Option<Vec<PathBuf>> = if env_files.is_empty() {
                None
            } else {
                Some(
                    env_files
                        .iter()
                        .filter_map(|n| n.as_str())
                        .map(|p| working_dir.join(p))
                        .collect(),
                )
            };
            let cache_key = IncludeKey {
                files: files.iter().map(|(_, _, key)| key.clone()).collect(),
                dir: file_key(&sub_dir),
                env_files: env_paths
                    .as_ref()
                    .map(|paths| paths.iter().map(|p| file_key(p)).collect()),
            };
            let cached = self
                .include_cache
                .get(&cache_key)
                .and_then(|loads| loads.iter().find(|(loaded_with, _)| loaded_with == env))
                .map(|(_, model)| model.clone());
            if let Some(sub) = cached {
                self.import_resources(root, sub, id, entry.range);
                continue;
            }
            if self.include_loads >= MAX_INCLUDE_LOADS {
                self.error(
                    Some(id),
                    entry.range,
                    ComposeErrorKind::Include,
                    format!(
                        "include of {} skipped: this project already loaded {MAX_INCLUDE_LOADS} includes",
                        first_path.display()
                    ),
                );
                continue;
            }
            self.include_loads += 1;
            let mut sub_env = self.environment(&sub_dir, &env.vars, env_paths.as_deref());
            sub_env.unknown.extend(env.unknown.iter().cloned());
            self.include_chain.extend(files.iter().map(|(_, _, key)| key.clone()));
            let ids: Vec<FileId> = files.iter().map(|(f, _, _)| *f).collect();
            let flags = Flags {
                include: true,
                extends: true,
            };
            let sub = self.load_files(&ids, &sub_env, &sub_dir, flags);
            for _ in &files {
                self.include_chain.pop();
            }
            self.include_cache
                .entry(cache_key)
                .or_default()
                .push((env.clone(), sub.clone()));
            self.import_resources(root, sub, id, entry.range);
        }
    }

    fn import_resources(&mut self, root: &mut Node, imported: Node, id: FileId, at: TextRange) {
        let NodeValue::Map(sections) = imported.value else {
            return;
        };
        for (section_key, section) in sections {
            let Some(section_name) = section_key.key_str().map(str::to_string) else {
                continue;
            };
            if !matches!(
                section_name.as_str(),
                "services" | "networks" | "volumes" | "secrets" | "configs" | "models"
            ) {
                continue;
            }
            let NodeValue::Map(resources) = section.value else {
                continue;
            };
            if root.get(&section_name).is_none()
                && let NodeValue::Map(entries) = &mut root.value
            {
                let key = Node {
                    synthetic: true,
                    ..section_key.clone()
                };
                let empty = Node::new(
                    NodeValue::Map(Vec::new()),
                    section.range,
                    section.file,
                    NodeStyle::Block,
                );
                entries.push((key, empty));
            }
            let Some(target) = root.get_mut(&section_name) else {
                continue;
            };
            if target.is_null() {
                target.value = NodeValue::Map(Vec::new());
            }
            let mut conflicts = Vec::new();
            if let NodeValue::Map(existing) = &mut target.value {
                let mut names: HashMap<String, usize> = existing
                    .iter()
                    .enumerate()
                    .filter_map(|(i, (k, _))| k.key_str().map(|k| (k.to_string(), i)))
                    .collect();
                for (k, v) in resources {
                    let name = k.key_str().unwrap_or("").to_string();
                    match names.get(&name) {
                        // The same definition imported twice (a file included along two
                        // paths of a diamond) is no conflict, as in compose-go.
                        Some(&i) if existing[i].1 == v => {}
                        Some(_) => conflicts.push(name),
                        None => {
                            names.insert(name, existing.len());
                            existing.push((k, v));
                        }
                    }
                }
            }
            for name in conflicts {
                self.error(
                    Some(id),
                    at,
                    ComposeErrorKind::Include,
                    format!("included file defines {section_name} `{name}`, which this file also defines"),
                );
            }
        }
    }

    fn project(
        self,
        name: String,
        working_dir: PathBuf,
        config_files: Vec<FileId>,
        model: Node,
        env: Env,
    ) -> ComposeProject {
        let enabled = enabled_profiles(&self.opts.profiles, &env.vars);
        let mut services = Vec::new();
        let mut errors = self.errors;
        if let Some(section) = model.get("services") {
            match &section.value {
                NodeValue::Map(entries) => {
                    for (key, value) in entries {
                        let node = match &value.value {
                            NodeValue::Map(_) => value.clone(),
                            NodeValue::Null => Node::new(
                                NodeValue::Map(Vec::new()),
                                TextRange::empty(value.range.start),
                                value.file,
                                NodeStyle::Block,
                            ),
                            _ => {
                                errors.push(ComposeError {
                                    file: Some(value.file),
                                    range: value.range,
                                    message: format!(
                                        "service `{}` must be a mapping, not a {}",
                                        key.key_str().unwrap_or(""),
                                        value.kind_name()
                                    ),
                                    kind: ComposeErrorKind::Structure,
                                });
                                continue;
                            }
                        };
                        let profiles = service_profiles(&node);
                        services.push(ComposeService {
                            name: key.key_str().unwrap_or("").to_string(),
                            key: key.clone(),
                            active: is_active(&profiles, &enabled),
                            profiles,
                            node,
                        });
                    }
                }
                NodeValue::Null => {}
                _ => errors.push(ComposeError {
                    file: Some(section.file),
                    range: section.range,
                    message: format!("`services` must be a mapping, not a {}", section.kind_name()),
                    kind: ComposeErrorKind::Structure,
                }),
            }
        }
        let section = |key: &str| model.get(key).cloned();
        let mut files = self.files;
        for (file, docs) in files.iter_mut().zip(self.docs) {
            file.docs = docs.unwrap_or_default();
        }
        ComposeProject {
            name,
            working_dir,
            networks: section("networks"),
            volumes: section("volumes"),
            secrets: section("secrets"),
            configs: section("configs"),
            config_files,
            services,
            environment: env.vars,
            enabled_profiles: enabled,
            legacy_v1: self.legacy_v1,
            files,
            errors,
            model,
        }
    }
}

/// Compose's project name normalisation: lower case, `[a-z0-9_-]` only, no leading `_`/`-`.
pub(crate) fn normalize_project_name(name: &str) -> String {
    let lowered = name.to_lowercase();
    let kept: String = lowered
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '-')
        .collect();
    kept.trim_start_matches(['_', '-']).to_string()
}

/// Records paths tagged `!reset` (and drops those values) or `!override` (kept).
pub(crate) fn collect_resets(node: &mut Node, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    match &mut node.value {
        NodeValue::Map(entries) => {
            entries.retain_mut(|(k, v)| {
                path.push(k.key_str().unwrap_or("").to_string());
                let keep = match v.tag.as_deref() {
                    Some("!reset") => {
                        out.push(path.clone());
                        false
                    }
                    Some("!override") => {
                        out.push(path.clone());
                        true
                    }
                    _ => {
                        collect_resets(v, path, out);
                        true
                    }
                };
                path.pop();
                keep
            });
        }
        NodeValue::Seq(items) => {
            // Compose drops `!reset` items from a sequence; paths into sequences are not
            // applied to the base (compose-go only deletes mapping keys).
            items.retain(|item| item.tag.as_deref() != Some("!reset"));
            for (i, item) in items.iter_mut().enumerate() {
                path.push(i.to_string());
                collect_resets(item, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

/// Deletes the mapping entries at `paths` (map keys from the root), in one walk that only
/// descends into prefixes of the paths (compose-go's `applyNullOverrides`).
pub(crate) fn delete_paths(node: &mut Node, paths: &[Vec<String>]) {
    if paths.is_empty() {
        return;
    }
    let targets: HashSet<&[String]> = paths.iter().map(Vec::as_slice).collect();
    let prefixes: HashSet<&[String]> = paths.iter().flat_map(|p| (1..p.len()).map(move |n| &p[..n])).collect();
    let mut path = Vec::new();
    delete_walk(node, &mut path, &targets, &prefixes);
}

fn delete_walk(node: &mut Node, path: &mut Vec<String>, targets: &HashSet<&[String]>, prefixes: &HashSet<&[String]>) {
    let NodeValue::Map(entries) = &mut node.value else {
        return;
    };
    entries.retain_mut(|(k, v)| {
        path.push(k.key_str().unwrap_or("").to_string());
        let keep = if targets.contains(path.as_slice()) {
            false
        } else {
            if prefixes.contains(path.as_slice()) {
                delete_walk(v, path, targets, prefixes);
            }
            true
        };
        path.pop();
        keep
    });
}

/// Removes `key` from a mapping and returns its value.
pub(crate) fn remove_key(node: &mut Node, key: &str) -> Option<Node> {
    let NodeValue::Map(entries) = &mut node.value else {
        return None;
    };
    let mut found = None;
    entries.retain_mut(|(k, v)| {
        if k.key_str() == Some(key) {
            found = Some(std::mem::replace(
                v,
                Node::new(NodeValue::Null, TextRange::default(), 0, NodeStyle::Plain),
            ));
            false
        } else {
            true
        }
    });
    found
}

/// Legacy v1 files have no `services:` and no `version:`; their top-level keys are the
/// services. We move them under a synthetic `services` key (and read v1's `net:` as
/// `network_mode:`), so they are checked like any other file. Returns whether it did.
fn convert_legacy_v1(root: &mut Node) -> bool {
    let NodeValue::Map(entries) = &root.value else {
        return false;
    };
    let looks_v1 = !entries.is_empty()
        && entries
            .iter()
            .all(|(k, _)| k.key_str().is_some_and(|k| !TOP_LEVEL_KEYS.contains(&k)))
        && entries.iter().any(|(k, v)| {
            !k.key_str().unwrap_or("").starts_with("x-") && (v.get("image").is_some() || v.get("build").is_some())
        });
    if !looks_v1 {
        return false;
    }
    let NodeValue::Map(entries) = std::mem::replace(&mut root.value, NodeValue::Null) else {
        return false;
    };
    let (extensions, mut services): (Vec<_>, Vec<_>) = entries
        .into_iter()
        .partition(|(k, _)| k.key_str().unwrap_or("").starts_with("x-"));
    for (_, service) in &mut services {
        if let NodeValue::Map(fields) = &mut service.value {
            let has_network_mode = fields.iter().any(|(k, _)| k.key_str() == Some("network_mode"));
            for (k, _) in fields.iter_mut() {
                if k.key_str() == Some("net") && !has_network_mode {
                    k.value = NodeValue::Scalar("network_mode".to_string());
                    k.synthetic = true;
                }
            }
        }
    }
    let mut key = Node::scalar("services", TextRange::empty(root.range.start), root.file);
    key.synthetic = true;
    let services = Node::new(NodeValue::Map(services), root.range, root.file, NodeStyle::Block);
    let mut top = extensions;
    top.insert(0, (key, services));
    root.value = NodeValue::Map(top);
    true
}

#[cfg(test)]
mod tests {
    use super::normalize_project_name;

    #[test]
    fn project_names() {
        assert_eq!(normalize_project_name("My App_1"), "myapp_1");
        assert_eq!(normalize_project_name("-_x"), "x");
    }
}
