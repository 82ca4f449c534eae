//! `extends`: a service starts from another service's definition.
//!
//! `extends: base` or `extends: {service: base}` takes `base` from the same file;
//! `extends: {file: other.yaml, service: base}` loads `other.yaml` (relative to the file
//! that says `extends`, interpolated with the same environment) and takes `base` from it.
//! Bases may extend further; a chain that comes back to a service already on it is a cycle.
//! The base loses `depends_on` and `volumes_from` (they name services of the other
//! context), then the extending service is merged over it with the override rules, and
//! `!reset` / `!override` in the extending service apply to the base.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::interpolate::Env;
use super::loader::{Flags, Loader, MAX_CHAIN, delete_paths, file_key, remove_key};
use super::merge::{MergeIssue, merge_nodes};
use super::{ComposeErrorKind, SourceKind};
use crate::yaml::{FileId, Node, NodeValue};

/// `!reset` / `!override` paths of a layer, grouped by the service they are under (the part
/// after `services.<name>.`).
type ResetsByService = HashMap<String, Vec<Vec<String>>>;

/// An extends source as loaded once per project: its layers merged, and an index of its
/// services.
pub(crate) struct ExtendsSource {
    id: FileId,
    model: Node,
    dir: PathBuf,
    index: Rc<HashMap<String, usize>>,
}

/// Where resolved services go.
enum Store<'a> {
    /// The layer being loaded: each resolved service replaces its definition in place.
    Layer(&'a mut Node),
    /// An extends source, shared by every service that extends into it: resolved services
    /// go to [`Loader::extends_resolved`], so each is resolved once per project.
    Source(Rc<ExtendsSource>),
}

/// A services mapping with an index from name to entry position (files can define many
/// thousands of services; lookups must not be linear).
struct Services<'a> {
    store: Store<'a>,
    /// Shared with the [`ExtendsSource`]: it is the same for every service extending it.
    index: Rc<HashMap<String, usize>>,
}

/// Name → position of each service (the last definition wins, as with `Node::get`).
fn index_services(services: &Node) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    if let Some(entries) = services.entries() {
        for (i, (k, _)) in entries.iter().enumerate() {
            if let Some(name) = k.key_str() {
                index.insert(name.to_string(), i);
            }
        }
    }
    index
}

impl Services<'_> {
    fn contains(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The service as written, or as already resolved.
    fn get(&self, loader: &Loader<'_>, name: &str) -> Option<Node> {
        let i = *self.index.get(name)?;
        let services = match &self.store {
            Store::Layer(node) => &**node,
            Store::Source(source) => {
                if let Some(done) = loader.extends_resolved.get(&(source.id, name.to_string())) {
                    return Some(done.clone());
                }
                source.model.get("services")?
            }
        };
        services.entries().and_then(|e| e.get(i)).map(|(_, v)| v.clone())
    }

    fn set(&mut self, loader: &mut Loader<'_>, name: &str, value: Node) {
        match &mut self.store {
            Store::Layer(node) => {
                if let (Some(&i), NodeValue::Map(entries)) = (self.index.get(name), &mut node.value)
                    && let Some(slot) = entries.get_mut(i)
                {
                    slot.1 = value;
                }
            }
            Store::Source(source) => {
                loader.extends_resolved.insert((source.id, name.to_string()), value);
            }
        }
    }
}

/// Resolves `extends` for every service of a layer, in place.
pub(crate) fn apply_extends(
    loader: &mut Loader<'_>,
    root: &mut Node,
    file: FileId,
    dir: &Path,
    env: &Env,
    resets: &[Vec<String>],
) {
    let Some(services) = root.get_mut("services") else {
        return;
    };
    let mut by_service: ResetsByService = HashMap::new();
    for path in resets {
        if path.len() > 2 && path[0] == "services" {
            by_service.entry(path[1].clone()).or_default().push(path[2..].to_vec());
        }
    }
    let names: Vec<String> = services
        .entries()
        .map(|e| {
            e.iter()
                .filter(|(_, v)| v.get("extends").is_some())
                .filter_map(|(k, _)| k.key_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if names.is_empty() {
        return;
    }
    let index = Rc::new(index_services(services));
    let mut services = Services {
        store: Store::Layer(services),
        index,
    };
    for name in names {
        let mut chain = Vec::new();
        let ctx = Context {
            file,
            dir,
            env,
            resets: &by_service,
        };
        resolve(loader, &mut services, &name, &ctx, &mut chain);
    }
}

/// Where the services being resolved live.
struct Context<'c> {
    file: FileId,
    dir: &'c Path,
    env: &'c Env,
    resets: &'c ResetsByService,
}

/// Resolves one service (and, recursively, its bases); stores and returns the result.
fn resolve(
    loader: &mut Loader<'_>,
    services: &mut Services<'_>,
    name: &str,
    ctx: &Context<'_>,
    chain: &mut Vec<(FileId, String)>,
) -> Option<Node> {
    let mut service = services.get(loader, name)?;
    if !service.is_map() {
        return Some(service);
    }
    let Some(extends) = remove_key(&mut service, "extends") else {
        return Some(service);
    };
    let (reference, file_node) = match &extends.value {
        NodeValue::Scalar(_) => (extends.as_str().map(str::to_string), None),
        NodeValue::Map(_) => (
            extends.get("service").and_then(|s| s.as_str().map(str::to_string)),
            extends.get("file").cloned(),
        ),
        _ => (None, None),
    };
    let Some(reference) = reference else {
        loader.error(
            Some(extends.file),
            extends.range,
            ComposeErrorKind::Extends,
            format!("extends of service `{name}` needs a known `service` name"),
        );
        return store(loader, services, name, service);
    };
    if chain.iter().any(|(f, n)| *f == ctx.file && n == name) {
        loader.error(
            Some(extends.file),
            extends.range,
            ComposeErrorKind::Extends,
            format!("circular reference: service `{name}` extends itself through `{reference}`"),
        );
        return store(loader, services, name, service);
    }
    if chain.len() >= MAX_CHAIN {
        loader.error(
            Some(extends.file),
            extends.range,
            ComposeErrorKind::Extends,
            "extends chain too long",
        );
        return store(loader, services, name, service);
    }
    chain.push((ctx.file, name.to_string()));
    let base = match &file_node {
        Some(file_node) => base_from_file(loader, file_node, &reference, name, ctx, chain),
        None => {
            if !services.contains(&reference) {
                loader.error(
                    Some(extends.file),
                    extends.range,
                    ComposeErrorKind::Extends,
                    format!("cannot extend service `{name}`: service `{reference}` not found"),
                );
                None
            } else {
                resolve(loader, services, &reference, ctx, chain)
            }
        }
    };
    chain.pop();
    let Some(mut base) = base else {
        return store(loader, services, name, service);
    };
    // `!reset` / `!override` written in the extending service remove from the base.
    if let Some(paths) = ctx.resets.get(name) {
        delete_paths(&mut base, paths);
    }
    remove_key(&mut base, "depends_on");
    remove_key(&mut base, "volumes_from");
    let (file_id, range) = (service.file, service.range);
    let mut issues: Vec<MergeIssue> = Vec::new();
    let mut path = vec!["services".to_string(), "x".to_string()];
    let mut merged = if base.is_map() {
        merge_nodes(base, service, &mut path, &mut issues)
    } else {
        service
    };
    for issue in issues {
        loader.error(Some(issue.file), issue.range, ComposeErrorKind::Merge, issue.message);
    }
    // The merged service is the extending service (its place in its file).
    merged.file = file_id;
    merged.range = range;
    store(loader, services, name, merged)
}

fn store(loader: &mut Loader<'_>, services: &mut Services<'_>, name: &str, node: Node) -> Option<Node> {
    services.set(loader, name, node.clone());
    Some(node)
}

/// The resolved base service `reference` from the file named by `file_node`.
fn base_from_file(
    loader: &mut Loader<'_>,
    file_node: &Node,
    reference: &str,
    name: &str,
    ctx: &Context<'_>,
    chain: &mut Vec<(FileId, String)>,
) -> Option<Node> {
    let Some(relative) = file_node.as_str() else {
        loader.error(
            Some(file_node.file),
            file_node.range,
            ComposeErrorKind::Extends,
            format!("extends of service `{name}`: `file` is not a known string"),
        );
        return None;
    };
    let path = ctx.dir.join(relative);
    let source = load_source(loader, &path, file_node, ctx.env)?;
    if source.model.get("services").is_none() {
        loader.error(
            Some(file_node.file),
            file_node.range,
            ComposeErrorKind::Extends,
            format!("cannot extend service `{name}`: {} has no services", path.display()),
        );
        return None;
    }
    if !source.index.contains_key(reference) {
        loader.error(
            Some(file_node.file),
            file_node.range,
            ComposeErrorKind::Extends,
            format!(
                "cannot extend service `{name}`: service `{reference}` not found in {}",
                path.display()
            ),
        );
        return None;
    }
    let no_resets = ResetsByService::new();
    let other_dir = source.dir.clone();
    let other_ctx = Context {
        file: source.id,
        dir: &other_dir,
        env: ctx.env,
        resets: &no_resets,
    };
    let mut services = Services {
        index: source.index.clone(),
        store: Store::Source(source),
    };
    resolve(loader, &mut services, reference, &other_ctx, chain)
}

/// Reads an extends source once per project (by canonical path): its layers merged
/// (interpolated, `!reset` applied), with `extends` left for [`resolve`] and `include` not
/// processed (as compose-go does).
fn load_source(loader: &mut Loader<'_>, path: &Path, from: &Node, env: &Env) -> Option<Rc<ExtendsSource>> {
    let key = file_key(path);
    match loader.extends_cache.get(&key) {
        Some(Ok(source)) => return Some(source.clone()),
        Some(Err(reason)) => {
            let reason = reason.clone();
            loader.error(Some(from.file), from.range, ComposeErrorKind::Extends, reason);
            return None;
        }
        None => {}
    }
    let dir = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let errors_before = loader.errors.len();
    let loaded = match loader.read_yaml(path, SourceKind::Extends, &dir, Some((from.file, from.range))) {
        Some(id) => {
            let flags = Flags {
                include: false,
                extends: false,
            };
            let model = loader.load_files(&[id], env, &dir, flags);
            let index = Rc::new(model.get("services").map(index_services).unwrap_or_default());
            Ok(Rc::new(ExtendsSource { id, model, dir, index }))
        }
        // `read_yaml` reported why; the next services extending this file get the same.
        None => Err(loader.errors[errors_before..]
            .last()
            .map_or_else(|| format!("cannot read {}", path.display()), |e| e.message.clone())),
    };
    loader.extends_cache.insert(key, loaded.clone());
    loaded.ok()
}
