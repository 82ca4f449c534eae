//! Compose's merge of one model layer over another (override files, `extends`).
//!
//! The rules are compose-go's (`override/merge.go`, `override/uncity.go`):
//! - mappings merge key by key, scalars are replaced, an explicit `null` keeps the base;
//! - sequences are appended, then de-duplicated where Compose gives elements an identity
//!   (`ports` by host ip/published/target/protocol, `volumes`/`devices` by container path,
//!   `secrets`/`configs` by target, `cap_add`, `dns`, `environment` … by value or key), the
//!   later element replacing the earlier one in place;
//! - `environment`, `labels`, `sysctls`, `build.args` … accept list and map forms: two maps
//!   merge by key, otherwise both become `KEY=value` lists and are appended;
//! - `command`, `entrypoint`, `healthcheck.test` and `ulimits.*` are replaced whole;
//! - `logging` merges only when the driver is the same (or one side has none);
//! - `depends_on`, `networks` accept list or map forms and merge as maps;
//! - `build: ctx` short form merges as `build: {context: ctx}`.
//!
//! Every node keeps its own provenance: the winner of a replacement points at the file and
//! bytes that produced it.

use std::collections::{HashMap, HashSet};

use dockward_core::TextRange;

use crate::yaml::{Interpolation, Node, NodeStyle, NodeValue};

/// A problem found while merging (Compose would refuse the project).
#[derive(Debug)]
pub(crate) struct MergeIssue {
    pub message: String,
    pub file: u32,
    pub range: TextRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Special {
    Override,
    ToSequence,
    ExtraHosts,
    Logging,
    Build,
    AsMapping,
    Ulimit,
    IpamConfig,
}

/// The special merge rule for a path (compose-go `mergeSpecials`).
fn special(path: &[String]) -> Option<Special> {
    const TABLE: &[(&str, Special)] = &[
        ("networks.*.ipam.config", Special::IpamConfig),
        ("networks.*.labels", Special::ToSequence),
        ("volumes.*.labels", Special::ToSequence),
        ("services.*.annotations", Special::ToSequence),
        ("services.*.build", Special::Build),
        ("services.*.build.args", Special::ToSequence),
        ("services.*.build.additional_contexts", Special::ToSequence),
        ("services.*.build.extra_hosts", Special::ExtraHosts),
        ("services.*.build.labels", Special::ToSequence),
        ("services.*.command", Special::Override),
        ("services.*.depends_on", Special::AsMapping),
        ("services.*.deploy.labels", Special::ToSequence),
        ("services.*.dns", Special::ToSequence),
        ("services.*.dns_opt", Special::ToSequence),
        ("services.*.dns_search", Special::ToSequence),
        ("services.*.entrypoint", Special::Override),
        ("services.*.env_file", Special::ToSequence),
        ("services.*.label_file", Special::ToSequence),
        ("services.*.environment", Special::ToSequence),
        ("services.*.extra_hosts", Special::ExtraHosts),
        ("services.*.healthcheck.test", Special::Override),
        ("services.*.labels", Special::ToSequence),
        ("services.*.volumes.*.volume.labels", Special::ToSequence),
        ("services.*.logging", Special::Logging),
        ("services.*.models", Special::AsMapping),
        ("services.*.networks", Special::AsMapping),
        ("services.*.sysctls", Special::ToSequence),
        ("services.*.tmpfs", Special::ToSequence),
        ("services.*.ulimits.*", Special::Ulimit),
    ];
    TABLE
        .iter()
        .find(|(pattern, _)| path_matches(path, pattern))
        .map(|(_, s)| *s)
}

/// Whether `path` matches a dotted pattern where `*` matches any one segment.
pub(crate) fn path_matches(path: &[String], pattern: &str) -> bool {
    let mut n = 0;
    for (i, seg) in pattern.split('.').enumerate() {
        match path.get(i) {
            Some(p) if seg == "*" || p == seg => n += 1,
            _ => return false,
        }
    }
    n == path.len()
}

/// Merges `over` onto `base` at `path` (segments from the model root, e.g.
/// `["services", "web"]`).
pub(crate) fn merge_nodes(base: Node, over: Node, path: &mut Vec<String>, issues: &mut Vec<MergeIssue>) -> Node {
    if let Some(rule) = special(path) {
        return merge_special(rule, base, over, path, issues);
    }
    if over.is_null() {
        return base;
    }
    match (base.is_map(), base.is_seq()) {
        (true, _) if over.is_map() => merge_mappings(base, over, path, issues),
        (_, true) if over.is_seq() => append(base, over),
        (true, _) | (_, true) => {
            issues.push(MergeIssue {
                message: format!(
                    "cannot override `{}`: a {} cannot replace a {}",
                    path.join("."),
                    over.kind_name(),
                    base.kind_name()
                ),
                file: over.file,
                range: over.range,
            });
            over
        }
        _ => over,
    }
}

fn merge_special(rule: Special, base: Node, over: Node, path: &mut Vec<String>, issues: &mut Vec<MergeIssue>) -> Node {
    match rule {
        Special::Override | Special::Ulimit => over,
        Special::ToSequence => {
            if base.is_map() && over.is_map() {
                // Both in map form: merging by key gives what Compose's list form gives after
                // de-duplication, and keeps the real key/value nodes.
                replace_by_key(base, over)
            } else {
                let mut merged = to_sequence(base);
                let extra = to_sequence(over);
                if let NodeValue::Seq(items) = &mut merged.value {
                    items.extend(extra_items(extra));
                }
                merged
            }
        }
        Special::ExtraHosts => {
            let mut merged = to_sequence(base);
            let extra = extra_items(to_sequence(over));
            if let NodeValue::Seq(items) = &mut merged.value {
                let mut present: HashSet<String> = items
                    .iter()
                    .filter_map(|i| i.scalar_text().map(str::to_string))
                    .collect();
                for e in extra {
                    match e.scalar_text() {
                        Some(t) if !present.insert(t.to_string()) => {}
                        _ => items.push(e),
                    }
                }
            }
            merged
        }
        Special::Logging => {
            let driver = |n: &Node| n.get("driver").and_then(|d| d.scalar_text().map(str::to_string));
            match (driver(&base), driver(&over)) {
                (Some(a), Some(b)) if a != b => over,
                _ if base.is_map() && over.is_map() => merge_mappings(base, over, path, issues),
                _ => over,
            }
        }
        Special::Build => {
            if base.is_scalar() && over.is_scalar() {
                return over;
            }
            let base = build_as_mapping(base);
            let over = build_as_mapping(over);
            if base.is_map() && over.is_map() {
                merge_mappings(base, over, path, issues)
            } else {
                over
            }
        }
        Special::AsMapping => {
            let base = to_mapping(base);
            let over = to_mapping(over);
            if base.is_map() && over.is_map() {
                merge_mappings(base, over, path, issues)
            } else {
                over
            }
        }
        Special::IpamConfig => merge_ipam(base, over, path, issues),
    }
}

fn merge_mappings(mut base: Node, over: Node, path: &mut Vec<String>, issues: &mut Vec<MergeIssue>) -> Node {
    let NodeValue::Map(over_entries) = over.value else {
        return base;
    };
    let NodeValue::Map(entries) = &mut base.value else {
        return base;
    };
    // Indexed by key: models can have many thousands of entries.
    let mut index: HashMap<String, usize> = key_index(entries);
    for (key, value) in over_entries {
        let name = key.key_str().map(str::to_string);
        let found = name.as_ref().and_then(|n| index.get(n).copied());
        match found {
            None => {
                if let Some(n) = &name {
                    index.insert(n.clone(), entries.len());
                }
                entries.push((key, value));
            }
            Some(i) => {
                let (old_key, old_value) = std::mem::replace(
                    &mut entries[i],
                    (
                        key.clone(),
                        Node::new(NodeValue::Null, key.range, key.file, NodeStyle::Plain),
                    ),
                );
                path.push(name.unwrap_or_default());
                let (value_file, value_range) = (value.file, value.range);
                let merged = merge_nodes(old_value, value, path, issues);
                path.pop();
                // The key points where the winning value was written.
                let won = merged.file == value_file && merged.range == value_range;
                entries[i] = (if won { key } else { old_key }, merged);
            }
        }
    }
    base
}

fn append(mut base: Node, over: Node) -> Node {
    if let (NodeValue::Seq(items), NodeValue::Seq(more)) = (&mut base.value, over.value) {
        items.extend(more);
    }
    base
}

fn extra_items(node: Node) -> Vec<Node> {
    match node.value {
        NodeValue::Seq(items) => items,
        _ => Vec::new(),
    }
}

/// Position of each (first) key of a mapping.
fn key_index(entries: &[(Node, Node)]) -> HashMap<String, usize> {
    let mut index = HashMap::with_capacity(entries.len());
    for (i, (k, _)) in entries.iter().enumerate() {
        if let Some(name) = k.key_str() {
            index.entry(name.to_string()).or_insert(i);
        }
    }
    index
}

/// Two maps merged by key: a key in `over` replaces the base entry in place.
fn replace_by_key(mut base: Node, over: Node) -> Node {
    if let (NodeValue::Map(entries), NodeValue::Map(more)) = (&mut base.value, over.value) {
        let mut index = key_index(entries);
        for (k, v) in more {
            match k.key_str().and_then(|n| index.get(n).copied()) {
                Some(i) => entries[i] = (k, v),
                None => {
                    if let Some(n) = k.key_str() {
                        index.insert(n.to_string(), entries.len());
                    }
                    entries.push((k, v));
                }
            }
        }
    }
    base
}

/// List form of a list-or-map field: `KEY: value` entries become synthetic `KEY=value`
/// scalars (just `KEY` for a null value) whose range covers the entry.
pub(crate) fn to_sequence(node: Node) -> Node {
    match node.value {
        NodeValue::Seq(_) => node,
        NodeValue::Null => Node {
            value: NodeValue::Seq(Vec::new()),
            ..node
        },
        NodeValue::Scalar(_) => {
            let range = node.range;
            let file = node.file;
            let mut seq = Node::new(NodeValue::Seq(vec![node]), range, file, NodeStyle::Block);
            seq.synthetic = true;
            seq
        }
        NodeValue::Map(entries) => {
            let mut items = Vec::with_capacity(entries.len());
            for (k, v) in entries {
                let key = k.key_str().unwrap_or("").to_string();
                match &v.value {
                    NodeValue::Null => {
                        let mut item = Node::scalar(key, k.range, k.file);
                        item.synthetic = true;
                        items.push(item);
                    }
                    NodeValue::Seq(values) => {
                        for value in values {
                            items.push(key_value_item(&key, &k, value));
                        }
                    }
                    _ => items.push(key_value_item(&key, &k, &v)),
                }
            }
            Node {
                value: NodeValue::Seq(items),
                ..node
            }
        }
    }
}

fn key_value_item(key: &str, k: &Node, v: &Node) -> Node {
    let text = v.scalar_text().unwrap_or("");
    let range = if k.file == v.file {
        k.range.cover(v.range)
    } else {
        k.range
    };
    let mut item = Node::scalar(format!("{key}={text}"), range, k.file);
    item.synthetic = true;
    if let Some(i) = &v.interpolation {
        item.interpolation = Some(Box::new(Interpolation {
            raw: format!("{key}={}", i.raw),
            unknown: i.unknown.clone(),
            compose_value: format!("{key}={}", i.compose_value),
        }));
    }
    item.alias = v.alias.clone();
    item
}

/// Map form of `depends_on`, `networks`, `models`: list items become keys with null values.
fn to_mapping(node: Node) -> Node {
    match node.value {
        NodeValue::Seq(items) => {
            let entries = items
                .into_iter()
                .map(|item| {
                    let null = Node::new(
                        NodeValue::Null,
                        TextRange::empty(item.range.end),
                        item.file,
                        NodeStyle::Plain,
                    );
                    (item, null)
                })
                .collect();
            Node {
                value: NodeValue::Map(entries),
                ..node
            }
        }
        _ => node,
    }
}

fn build_as_mapping(node: Node) -> Node {
    if !node.is_scalar() {
        return node;
    }
    let mut key = Node::scalar("context", node.range, node.file);
    key.synthetic = true;
    let range = node.range;
    let file = node.file;
    let mut map = Node::new(NodeValue::Map(vec![(key, node)]), range, file, NodeStyle::Block);
    map.synthetic = true;
    map
}

/// `networks.*.ipam.config`: entries with the same `subnet` merge, others are added.
fn merge_ipam(base: Node, over: Node, path: &mut Vec<String>, issues: &mut Vec<MergeIssue>) -> Node {
    if !(base.is_seq() && over.is_seq()) {
        return over;
    }
    let subnet = |n: &Node| n.get("subnet").and_then(|s| s.scalar_text().map(str::to_string));
    let mut result = base;
    for item in extra_items(over) {
        let NodeValue::Seq(items) = &mut result.value else {
            break;
        };
        let key = subnet(&item);
        match items.iter().position(|i| key.is_some() && subnet(i) == key) {
            Some(i) if items[i].is_map() && item.is_map() => {
                let old = std::mem::replace(
                    &mut items[i],
                    Node::new(NodeValue::Null, TextRange::default(), 0, NodeStyle::Plain),
                );
                items[i] = merge_mappings(old, item, path, issues);
            }
            _ => items.push(item),
        }
    }
    result
}

// ---- de-duplication (compose-go `EnforceUnicity`) ------------------------------------------

#[derive(Clone, Copy)]
enum Identity {
    KeyValue,
    Volume,
    Device,
    Port,
    Expose,
    Mount(&'static str),
    EnvFile,
}

fn identity_rule(path: &[String]) -> Option<Identity> {
    const TABLE: &[(&str, Identity)] = &[
        ("networks.*.labels", Identity::KeyValue),
        ("networks.*.ipam.options", Identity::KeyValue),
        ("services.*.annotations", Identity::KeyValue),
        ("services.*.build.args", Identity::KeyValue),
        ("services.*.build.additional_contexts", Identity::KeyValue),
        ("services.*.build.platforms", Identity::KeyValue),
        ("services.*.build.tags", Identity::KeyValue),
        ("services.*.build.labels", Identity::KeyValue),
        ("services.*.cap_add", Identity::KeyValue),
        ("services.*.cap_drop", Identity::KeyValue),
        ("services.*.devices", Identity::Device),
        ("services.*.configs", Identity::Mount("")),
        ("services.*.deploy.labels", Identity::KeyValue),
        ("services.*.dns", Identity::KeyValue),
        ("services.*.dns_opt", Identity::KeyValue),
        ("services.*.dns_search", Identity::KeyValue),
        ("services.*.environment", Identity::KeyValue),
        ("services.*.env_file", Identity::EnvFile),
        ("services.*.expose", Identity::Expose),
        ("services.*.labels", Identity::KeyValue),
        ("services.*.links", Identity::KeyValue),
        ("services.*.networks.*.aliases", Identity::KeyValue),
        ("services.*.networks.*.link_local_ips", Identity::KeyValue),
        ("services.*.ports", Identity::Port),
        ("services.*.profiles", Identity::KeyValue),
        ("services.*.secrets", Identity::Mount("/run/secrets")),
        ("services.*.sysctls", Identity::KeyValue),
        ("services.*.tmpfs", Identity::KeyValue),
        ("services.*.volumes", Identity::Volume),
    ];
    TABLE
        .iter()
        .find(|(pattern, _)| path_matches(path, pattern))
        .map(|(_, r)| *r)
}

/// Removes re-definitions from sequences whose elements have an identity: the later
/// element replaces the earlier one at the earlier one's position.
pub(crate) fn enforce_unicity(node: &mut Node, path: &mut Vec<String>) {
    match &mut node.value {
        NodeValue::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                path.push(k.key_str().unwrap_or("").to_string());
                enforce_unicity(v, path);
                path.pop();
            }
        }
        NodeValue::Seq(items) => {
            if let Some(rule) = identity_rule(path) {
                let old = std::mem::take(items);
                let mut positions: HashMap<String, usize> = HashMap::with_capacity(old.len());
                for item in old {
                    match identity(rule, &item) {
                        Some(key) => match positions.get(&key) {
                            Some(&j) => items[j] = item,
                            None => {
                                positions.insert(key, items.len());
                                items.push(item);
                            }
                        },
                        None => items.push(item),
                    }
                }
            } else {
                for (i, item) in items.iter_mut().enumerate() {
                    path.push(i.to_string());
                    enforce_unicity(item, path);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

fn identity(rule: Identity, item: &Node) -> Option<String> {
    let text = item.scalar_text();
    let field = |name: &str| item.get(name).and_then(|n| n.scalar_text().map(str::to_string));
    match rule {
        Identity::KeyValue => text.map(|t| t.split_once('=').map_or(t, |(k, _)| k).to_string()),
        Identity::Expose => text.map(str::to_string),
        Identity::EnvFile => text.map(str::to_string).or_else(|| field("path")),
        Identity::Volume => match text {
            Some(t) => Some(volume_target(t)),
            None => field("target"),
        },
        Identity::Device => match text {
            Some(t) => {
                let mut parts = t.split(':');
                let first = parts.next().unwrap_or("");
                Some(parts.next().unwrap_or(first).to_string())
            }
            None => field("target"),
        },
        Identity::Mount(dir) => match text {
            Some(t) => Some(format!("{dir}/{t}")),
            None => field("target").or_else(|| field("source").map(|s| format!("{dir}/{s}"))),
        },
        Identity::Port => match text {
            Some(t) => Some(port_key_short(t)),
            None => {
                let target = field("target")?;
                let published = field("published").unwrap_or_default();
                let host = field("host_ip").unwrap_or_else(|| "0.0.0.0".to_string());
                let protocol = field("protocol").unwrap_or_else(|| "tcp".to_string());
                Some(format!("{host}:{published}:{target}/{protocol}"))
            }
        },
    }
}

/// The container path of a short-syntax volume (`[source:]target[:options]`), following
/// compose-go's `ParseVolume` (a one-letter first segment followed by `:` is a Windows
/// drive, not a separator).
pub(crate) fn volume_target(spec: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut buf = String::new();
    for c in spec.chars() {
        let drive = c == ':' && buf.chars().count() == 1 && buf.chars().all(|b| b.is_ascii_alphabetic());
        if c == ':' && !drive {
            parts.push(std::mem::take(&mut buf));
        } else {
            buf.push(c);
        }
    }
    parts.push(buf);
    match parts.len() {
        1 => parts.swap_remove(0),
        _ => parts.swap_remove(1),
    }
}

/// Identity of a short-syntax port (`[ip:][published:]target[/proto]`), in the same form
/// as the long syntax gets, so `80:80` and `{target: 80, published: 80}` collide as they do
/// once Compose has canonicalised both.
fn port_key_short(spec: &str) -> String {
    let (body, protocol) = spec.rsplit_once('/').unwrap_or((spec, "tcp"));
    // An IPv6 host is written in brackets: `[::1]:80:80`.
    let (host, rest) = if let Some(stripped) = body.strip_prefix('[') {
        match stripped.split_once("]:") {
            Some((h, r)) => (Some(h.to_string()), r.to_string()),
            None => (None, body.to_string()),
        }
    } else {
        (None, body.to_string())
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let (host, published, target) = match (host, parts.as_slice()) {
        (Some(h), [p, t]) => (h, p.to_string(), t.to_string()),
        (Some(h), [t]) => (h, String::new(), t.to_string()),
        (None, [t]) => ("0.0.0.0".to_string(), String::new(), t.to_string()),
        (None, [p, t]) => ("0.0.0.0".to_string(), p.to_string(), t.to_string()),
        (None, [h, p, t]) => (
            if h.is_empty() { "0.0.0.0" } else { h }.to_string(),
            p.to_string(),
            t.to_string(),
        ),
        _ => return spec.to_string(),
    };
    format!("{host}:{published}:{target}/{protocol}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn volume_targets() {
        assert_eq!(volume_target("/data"), "/data");
        assert_eq!(volume_target("./a:/data"), "/data");
        assert_eq!(volume_target("vol:/data:ro"), "/data");
        assert_eq!(volume_target("C:\\data:/data"), "/data");
    }

    #[test]
    fn port_keys() {
        assert_eq!(port_key_short("80"), "0.0.0.0::80/tcp");
        assert_eq!(port_key_short("8080:80"), "0.0.0.0:8080:80/tcp");
        assert_eq!(port_key_short("127.0.0.1:8080:80/udp"), "127.0.0.1:8080:80/udp");
        assert_eq!(port_key_short("[::1]:8080:80"), "::1:8080:80/tcp");
    }

    #[test]
    fn paths() {
        let p: Vec<String> = ["services", "web", "ulimits", "nofile"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert!(path_matches(&p, "services.*.ulimits.*"));
        assert!(!path_matches(&p, "services.*.ulimits"));
    }
}
