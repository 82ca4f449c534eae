//! Writing [`Setting`]s into a Compose file as byte edits that keep the author's layout.
//!
//! New keys go on a new line after the service's last key, at the indentation of its
//! first key (or, for a flow mapping `{…}`, after its last entry). A list that already
//! exists gets one more item in its own style: a block item at the indentation and dash
//! prefix of the last item, a flow item after the last one, quoted like it. A published
//! port gets a `127.0.0.1` host address inside its own quotes. Comments, blank lines and
//! every other byte stay as they are. Nodes copied from anchors (`<<: *defaults`,
//! `*alias`) and nodes the loader built are never rewritten: the writer then offers no
//! edit rather than a wrong one.
//!
//! Edits are computed when the service is lowered; a writer owns them and no text.

use crate::compose::{ComposeProject, ComposeService, FileTrees, Node, NodeStyle, NodeValue};
use crate::container::{ContainerSpec, Setting, SettingWriter};
use dockward_core::{Edit, TextRange};

/// The edits for one service. Each edit applies to the file of the finding that offers it:
/// new keys and list items to the file that defines the service (where "missing X"
/// findings point), a port's address to the file of that port.
#[derive(Debug, Default)]
pub struct ComposeWriter {
    no_new_privileges: Option<Vec<Edit>>,
    cap_drop_all: Option<Vec<Edit>>,
    read_only: Option<Vec<Edit>>,
    /// Per entry of `spec.ports`.
    ports: Vec<Option<Vec<Edit>>>,
}

impl SettingWriter for ComposeWriter {
    fn edits_for(&self, setting: &Setting) -> Option<Vec<Edit>> {
        match setting {
            Setting::NoNewPrivileges => self.no_new_privileges.clone(),
            Setting::CapDropAll => self.cap_drop_all.clone(),
            Setting::ReadOnlyRootfs => self.read_only.clone(),
            Setting::BindPortToLocalhost(i) => self.ports.get(*i).cloned().flatten(),
        }
    }
}

/// How new scalars are quoted.
#[derive(Clone, Copy)]
enum Quote {
    Plain,
    Double,
    Single,
}

impl Quote {
    fn of(style: NodeStyle) -> Quote {
        match style {
            NodeStyle::DoubleQuoted => Quote::Double,
            NodeStyle::SingleQuoted => Quote::Single,
            _ => Quote::Plain,
        }
    }

    fn write(self, s: &str) -> String {
        match self {
            Quote::Plain => s.to_string(),
            Quote::Double => format!("\"{s}\""),
            Quote::Single => format!("'{s}'"),
        }
    }
}

/// Whether a node appears literally at its range in `file`.
pub(crate) fn literal(node: &Node, file: u32) -> bool {
    node.file == file && node.alias.is_none() && !node.synthetic
}

impl ComposeWriter {
    /// The writer for `service`, or `None` when its definition cannot be located as text.
    pub(crate) fn for_service(
        project: &ComposeProject,
        service: &ComposeService,
        spec: &ContainerSpec,
        trees: &mut FileTrees,
    ) -> Option<ComposeWriter> {
        let mut writer = ComposeWriter {
            ports: port_edits(project, service, spec, trees),
            ..ComposeWriter::default()
        };
        if let Some(block) = ServiceBlock::find(project, service, trees) {
            writer.no_new_privileges = block.add_to_list("security_opt", "no-new-privileges:true", true);
            writer.cap_drop_all = block.add_to_list("cap_drop", "ALL", false);
            writer.read_only = block.add_key("read_only", "true");
        }
        let any = writer.no_new_privileges.is_some()
            || writer.cap_drop_all.is_some()
            || writer.read_only.is_some()
            || writer.ports.iter().any(Option::is_some);
        any.then_some(writer)
    }
}

/// A service's own mapping in the file that defines it.
struct ServiceBlock<'t> {
    text: &'t str,
    file: u32,
    map: Node,
    newline: &'static str,
    /// The quote style the service's strings use.
    quote: Quote,
}

impl<'t> ServiceBlock<'t> {
    fn find(project: &'t ComposeProject, service: &ComposeService, trees: &mut FileTrees) -> Option<Self> {
        if service.key.synthetic {
            return None;
        }
        let file = service.key.file;
        let text = project.file(file)?.text.as_str();
        let newline = trees.newline(project, file);
        let map = trees.service(project, file, service.key.range)?.clone();
        if !map.is_map() || map.alias.is_some() {
            return None;
        }
        let mut double = false;
        let mut single = false;
        map.walk(&mut |n| match n.style {
            NodeStyle::DoubleQuoted => double = true,
            NodeStyle::SingleQuoted => single = true,
            _ => {}
        });
        let quote = if single && !double {
            Quote::Single
        } else {
            Quote::Double
        };
        Some(ServiceBlock {
            text,
            file,
            map,
            newline,
            quote,
        })
    }

    /// Entries written in this mapping (not copied in by a `<<` merge key).
    fn own_entries(&self) -> Vec<&(Node, Node)> {
        self.map
            .entries()
            .into_iter()
            .flatten()
            .filter(|(k, _)| literal(k, self.file))
            .collect()
    }

    /// Adds `key: value` as the service's last key.
    fn add_key(&self, key: &str, value: &str) -> Option<Vec<Edit>> {
        let entries = self.own_entries();
        if self.map.get(key).is_some() {
            return None;
        }
        let first = entries.first()?;
        let last_end = entries.iter().map(|(k, v)| entry_end(k, v, self.file)).max()?;
        if self.map.style == NodeStyle::Flow {
            return Some(vec![Edit::insert(last_end, format!(", {key}: {value}"))]);
        }
        let indent = indentation(self.text, first.0.range.start)?;
        let at = line_end(self.text, last_end);
        Some(vec![Edit::insert(
            at,
            format!("{}{indent}{key}: {value}", self.newline),
        )])
    }

    /// Adds `item` to the list `key` (creating `key: [item]` when the service has none).
    fn add_to_list(&self, key: &str, item: &str, quote_new: bool) -> Option<Vec<Edit>> {
        let Some(list) = self.map.get(key) else {
            let quote = if quote_new { self.quote } else { Quote::Plain };
            return self.add_key(key, &format!("[{}]", quote.write(item)));
        };
        if !literal(list, self.file) {
            return None;
        }
        let items = list.items()?;
        if items.iter().any(|i| !literal(i, self.file)) {
            return None;
        }
        match (list.style, items.last()) {
            (NodeStyle::Flow, None) => Some(vec![Edit::insert(
                list.range.start + 1,
                if quote_new { self.quote } else { Quote::Plain }.write(item),
            )]),
            (NodeStyle::Flow, Some(last)) => Some(vec![Edit::insert(
                last.range.end,
                format!(", {}", Quote::of(last.style).write(item)),
            )]),
            (_, Some(last)) => {
                let line_start = line_start(self.text, last.range.start);
                let prefix = &self.text[line_start..last.range.start as usize];
                let dash = prefix.trim_end();
                if !dash.ends_with('-') || !dash[..dash.len() - 1].trim().is_empty() {
                    return None;
                }
                let at = line_end(self.text, last.range.end);
                Some(vec![Edit::insert(
                    at,
                    format!("{}{prefix}{}", self.newline, Quote::of(last.style).write(item)),
                )])
            }
            (_, None) => None,
        }
    }
}

/// Where a `key: value` entry's text ends.
pub(crate) fn entry_end(key: &Node, value: &Node, file: u32) -> u32 {
    if value.file == file && value.alias.is_none() && value.range.end >= key.range.end {
        value.range.end
    } else {
        key.range.end
    }
}

pub(crate) fn line_start(text: &str, offset: u32) -> usize {
    let offset = (offset as usize).min(text.len());
    text[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line where the content ending at `offset` ends (before `\r\n` / `\n`),
/// after any trailing comment. Block scalars' ranges may run over their trailing line
/// breaks into the next line: blanks before `offset` are skipped first.
pub(crate) fn line_end(text: &str, offset: u32) -> u32 {
    let mut offset = (offset as usize).min(text.len());
    while offset > 0 && text.as_bytes()[offset - 1].is_ascii_whitespace() {
        offset -= 1;
    }
    let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let end = if end > offset && text.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    };
    u32::try_from(end).unwrap_or(u32::MAX)
}

/// The blanks before `offset` on its line, when only blanks precede it.
pub(crate) fn indentation(text: &str, offset: u32) -> Option<String> {
    let start = line_start(text, offset);
    let before = &text[start..offset as usize];
    before.bytes().all(|b| b == b' ').then(|| before.to_string())
}

/// Edits binding each published port to 127.0.0.1, per entry of `spec.ports`.
fn port_edits(
    project: &ComposeProject,
    service: &ComposeService,
    spec: &ContainerSpec,
    trees: &mut FileTrees,
) -> Vec<Option<Vec<Edit>>> {
    let Some(list) = service.get("ports") else {
        return Vec::new();
    };
    let items = list.seq_or_single();
    if items.len() != spec.ports.len() {
        return vec![None; spec.ports.len()];
    }
    items
        .iter()
        .zip(&spec.ports)
        .map(|(node, port)| {
            let binding = port.get()?;
            let text = project.file(node.file)?.text.as_str();
            if !literal(node, node.file) {
                return None;
            }
            match &node.value {
                NodeValue::Scalar(value) => short_port_edit(text, node, value, binding.host_port.is_some()),
                NodeValue::Map(_) => long_port_edit(text, node, trees.newline(project, node.file)),
                _ => None,
            }
        })
        .collect()
}

/// `8080:80` → `127.0.0.1:8080:80`, `80` → `127.0.0.1::80`, `0.0.0.0:80:80` →
/// `127.0.0.1:80:80`; inside the scalar's own quotes, or quoting a plain scalar.
fn short_port_edit(text: &str, node: &Node, value: &str, has_host_port: bool) -> Option<Vec<Edit>> {
    let raw = node.range.slice(text);
    let (content_start, content) = match node.style {
        NodeStyle::DoubleQuoted | NodeStyle::SingleQuoted => (node.range.start + 1, raw.get(1..raw.len() - 1)?),
        NodeStyle::Plain => (node.range.start, raw),
        _ => return None,
    };
    if content != value {
        return None; // escapes or folding: the bytes are not the value
    }
    let (replace_len, new_prefix) = if let Some(rest) = content.strip_prefix("0.0.0.0:") {
        let _ = rest;
        (7, "127.0.0.1")
    } else if content.starts_with('[') || content.matches(':').count() > 1 {
        return None; // another address (IPv6 any, a specific IP): leave it to the author
    } else if has_host_port {
        (0, "127.0.0.1:")
    } else {
        (0, "127.0.0.1::")
    };
    if node.style == NodeStyle::Plain {
        let new_value = format!("{new_prefix}{}", &content[replace_len..]);
        return Some(vec![Edit::replace(node.range, format!("\"{new_value}\""))]);
    }
    Some(vec![Edit::replace(
        TextRange::new(content_start, content_start + replace_len as u32),
        new_prefix,
    )])
}

/// Long syntax: set `host_ip: 127.0.0.1`, replacing an all-interfaces address or adding the
/// key to the port's mapping.
fn long_port_edit(text: &str, node: &Node, newline: &str) -> Option<Vec<Edit>> {
    let entries: Vec<&(Node, Node)> = node.entries()?.iter().filter(|(k, _)| literal(k, node.file)).collect();
    if let Some((_, ip)) = node.get_entry("host_ip") {
        if !literal(ip, node.file) {
            return None;
        }
        let range = match ip.style {
            NodeStyle::DoubleQuoted | NodeStyle::SingleQuoted => TextRange::new(ip.range.start + 1, ip.range.end - 1),
            NodeStyle::Plain => ip.range,
            _ => return None,
        };
        return Some(vec![Edit::replace(range, "127.0.0.1")]);
    }
    let last_end = entries.iter().map(|(k, v)| entry_end(k, v, node.file)).max()?;
    if node.style == NodeStyle::Flow {
        return Some(vec![Edit::insert(last_end, ", host_ip: 127.0.0.1")]);
    }
    let first = entries.first()?;
    let start = line_start(text, first.0.range.start);
    let width = text[start..first.0.range.start as usize].chars().count();
    Some(vec![Edit::insert(
        line_end(text, last_end),
        format!("{newline}{}host_ip: 127.0.0.1", " ".repeat(width)),
    )])
}

/// Edits that make a top-level network declaration `internal: true`, keeping the layout;
/// `None` when the declaration is not literal text or its form is unusual.
pub(crate) fn make_network_internal(project: &ComposeProject, key: &Node, trees: &mut FileTrees) -> Option<Vec<Edit>> {
    if !literal(key, key.file) {
        return None;
    }
    let file = key.file;
    let text = project.file(file)?.text.as_str();
    let newline = trees.newline(project, file);
    let value = trees.network(project, file, key.range)?.clone();
    if value.alias.is_some() {
        return None;
    }
    match &value.value {
        NodeValue::Null => {
            let column = text[line_start(text, key.range.start)..key.range.start as usize].len();
            if !text[line_start(text, key.range.start)..key.range.start as usize]
                .bytes()
                .all(|b| b == b' ')
            {
                return None;
            }
            let step = if column == 0 { 2 } else { column };
            Some(vec![Edit::insert(
                line_end(text, key.range.end),
                format!("{newline}{}internal: true", " ".repeat(column + step)),
            )])
        }
        NodeValue::Map(entries) => {
            let own: Vec<&(Node, Node)> = entries.iter().filter(|(k, _)| literal(k, file)).collect();
            if own.len() != entries.len() {
                return None;
            }
            if let Some((_, internal)) = value.get_entry("internal") {
                if !literal(internal, file) || internal.style != NodeStyle::Plain {
                    return None;
                }
                return Some(vec![Edit::replace(internal.range, "true")]);
            }
            match (value.style, own.last()) {
                (NodeStyle::Flow, None) => Some(vec![Edit::replace(value.range, "{internal: true}")]),
                (NodeStyle::Flow, Some((k, v))) => Some(vec![Edit::insert(entry_end(k, v, file), ", internal: true")]),
                (_, Some(_)) => {
                    let first = own.first()?;
                    let indent = indentation(text, first.0.range.start)?;
                    let last_end = own.iter().map(|(k, v)| entry_end(k, v, file)).max()?;
                    Some(vec![Edit::insert(
                        line_end(text, last_end),
                        format!("{newline}{indent}internal: true"),
                    )])
                }
                (_, None) => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::compose::{LoadOptions, load_compose_files, lower_compose};
    use crate::container::Setting;
    use dockward_core::{FileId, Fix, apply_fixes};

    /// Applies the writer's edits for `setting` (on service `index`) and returns the text.
    fn apply(text: &str, index: usize, setting: &Setting) -> Option<String> {
        let (specs, _) = lower(text);
        let edits = specs[index].fix_for(setting)?;
        let fix = Fix::safe("t", edits);
        Some(apply_fixes(text, [&fix]).0)
    }

    #[test]
    fn adds_keys_after_the_last_key_at_the_service_indentation() {
        let text = "services:\n    web:\n        image: nginx   # pinned later\n        ports:\n            - \"8080:80\"\n    # trailing comment\n    db:\n        image: postgres\n";
        let out = apply(text, 0, &Setting::ReadOnlyRootfs).unwrap();
        assert_eq!(
            out,
            "services:\n    web:\n        image: nginx   # pinned later\n        ports:\n            - \"8080:80\"\n        read_only: true\n    # trailing comment\n    db:\n        image: postgres\n"
        );
        let out = apply(text, 0, &Setting::NoNewPrivileges).unwrap();
        assert!(
            out.contains("            - \"8080:80\"\n        security_opt: [\"no-new-privileges:true\"]\n"),
            "{out}"
        );
        let out = apply(text, 1, &Setting::CapDropAll).unwrap();
        assert!(
            out.ends_with("        image: postgres\n        cap_drop: [ALL]\n"),
            "{out}"
        );
    }

    #[test]
    fn appends_to_existing_lists_in_their_style() {
        let text = "services:\n  a:\n    image: x\n    security_opt:\n      - 'seccomp:profile.json'  # custom\n    cap_drop: [NET_RAW]\n  b:\n    image: y\n    security_opt: [\"apparmor:p\"]\n";
        let out = apply(text, 0, &Setting::NoNewPrivileges).unwrap();
        assert!(
            out.contains("      - 'seccomp:profile.json'  # custom\n      - 'no-new-privileges:true'\n"),
            "{out}"
        );
        let out = apply(text, 0, &Setting::CapDropAll).unwrap();
        assert!(out.contains("cap_drop: [NET_RAW, ALL]\n"), "{out}");
        let out = apply(text, 1, &Setting::NoNewPrivileges).unwrap();
        assert!(
            out.contains("security_opt: [\"apparmor:p\", \"no-new-privileges:true\"]\n"),
            "{out}"
        );
    }

    #[test]
    fn binds_ports_to_localhost() {
        let text = "services:\n  a:\n    image: x\n    ports:\n      - \"8080:80\"\n      - 9000\n      - '0.0.0.0:5432:5432'\n      - target: 6379\n        published: 6379\n      - {target: 53, published: 53, protocol: udp}\n      - target: 443\n        host_ip: \"0.0.0.0\"\n";
        let p = |i| apply(text, 0, &Setting::BindPortToLocalhost(i)).unwrap();
        assert!(p(0).contains("- \"127.0.0.1:8080:80\"\n"));
        assert!(p(1).contains("- \"127.0.0.1::9000\"\n"));
        assert!(p(2).contains("- '127.0.0.1:5432:5432'\n"));
        assert!(
            p(3).contains("      - target: 6379\n        published: 6379\n        host_ip: 127.0.0.1\n"),
            "{}",
            p(3)
        );
        assert!(p(4).contains("{target: 53, published: 53, protocol: udp, host_ip: 127.0.0.1}"));
        assert!(p(5).contains("host_ip: \"127.0.0.1\""));
    }

    #[test]
    fn block_scalars_do_not_pull_new_keys_into_the_next_service() {
        let text =
            "services:\n  a:\n    build:\n      dockerfile_inline: |\n        FROM alpine\n\n  b:\n    image: x\n";
        let out = apply(text, 0, &Setting::ReadOnlyRootfs).unwrap();
        assert_eq!(
            out,
            "services:\n  a:\n    build:\n      dockerfile_inline: |\n        FROM alpine\n    read_only: true\n\n  b:\n    image: x\n"
        );
    }

    #[test]
    fn flow_services_crlf_and_anchors() {
        let out = apply("services:\r\n  a: {image: x}\r\n", 0, &Setting::ReadOnlyRootfs).unwrap();
        assert_eq!(out, "services:\r\n  a: {image: x, read_only: true}\r\n");
        let out = apply("services:\r\n  a:\r\n    image: x\r\n", 0, &Setting::ReadOnlyRootfs).unwrap();
        assert_eq!(out, "services:\r\n  a:\r\n    image: x\r\n    read_only: true\r\n");
        // An inherited list is not overridden by a new key (that would drop its items).
        let text =
            "x-base: &base\n  security_opt: [\"seccomp:p.json\"]\nservices:\n  a:\n    <<: *base\n    image: x\n";
        assert!(apply(text, 0, &Setting::NoNewPrivileges).is_none());
        assert!(
            apply(text, 0, &Setting::ReadOnlyRootfs)
                .unwrap()
                .ends_with("    image: x\n    read_only: true\n")
        );
    }

    #[test]
    fn makes_networks_internal_in_every_form() {
        let text = "services:\n  db:\n    image: postgres:16\n    networks: [a, b, c, d, e]\nnetworks:\n  a: {}\n  b:\n  c:\n    driver: bridge  # local\n  d: {driver: bridge}\n  e:\n    internal: false\n";
        let dir = std::env::temp_dir().join(format!(
            "dockward-writer-net-{}-{}",
            std::process::id(),
            super::super::compose::tests_support::next_id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("compose.yaml");
        std::fs::write(&path, text).unwrap();
        let project = load_compose_files(&[path], &LoadOptions::default());
        std::fs::remove_dir_all(&dir).ok();
        let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
        let (_, topology) = lower_compose(&project, &ids);
        let fixes: Vec<Fix> = topology
            .networks
            .iter()
            .map(|n| Fix::safe("t", n.make_internal.clone().expect(&n.name)))
            .collect();
        let (out, applied) = apply_fixes(text, &fixes);
        assert_eq!(applied, 5);
        assert_eq!(
            out,
            "services:\n  db:\n    image: postgres:16\n    networks: [a, b, c, d, e]\nnetworks:\n  a: {internal: true}\n  b:\n    internal: true\n  c:\n    driver: bridge  # local\n    internal: true\n  d: {driver: bridge, internal: true}\n  e:\n    internal: true\n"
        );
    }

    /// Loads `text` as a project and lowers it.
    fn lower(text: &str) -> (Vec<crate::container::ContainerSpec>, crate::topology::Topology) {
        let dir = std::env::temp_dir().join(format!(
            "dockward-writer-{}-{}",
            std::process::id(),
            super::super::compose::tests_support::next_id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("compose.yaml");
        std::fs::write(&path, text).unwrap();
        let project = load_compose_files(&[path], &LoadOptions::default());
        std::fs::remove_dir_all(&dir).ok();
        let ids: Vec<FileId> = (0..project.files.len() as u32).map(FileId).collect();
        lower_compose(&project, &ids)
    }

    #[test]
    fn every_service_and_network_of_a_large_crlf_file_gets_its_own_edit() {
        // Each service used to search the file's entries (and its whole text, for the line
        // break) to find itself: 64,000 services took 15 s.
        let n = 20_000;
        let mut text = String::from("services:\r\n");
        let mut expected = text.clone();
        for i in 0..n {
            text.push_str(&format!("  s{i}:\r\n    image: x\r\n"));
            expected.push_str(&format!("  s{i}:\r\n    image: x\r\n    read_only: true\r\n"));
        }
        text.push_str("networks:\r\n");
        expected.push_str("networks:\r\n");
        for i in 0..n {
            text.push_str(&format!("  n{i}:\r\n    driver: bridge\r\n"));
            expected.push_str(&format!("  n{i}:\r\n    driver: bridge\r\n    internal: true\r\n"));
        }
        let (specs, topology) = lower(&text);
        let mut fixes: Vec<Fix> = specs
            .iter()
            .map(|s| Fix::safe("t", s.fix_for(&Setting::ReadOnlyRootfs).expect("a writer per service")))
            .collect();
        fixes.extend(
            topology
                .networks
                .iter()
                // The implicit `default` network is not written in the file.
                .filter(|n| n.name != "default")
                .map(|n| Fix::safe("t", n.make_internal.clone().expect(&n.name))),
        );
        let (out, applied) = apply_fixes(&text, &fixes);
        assert_eq!(applied, 2 * n);
        assert!(out == expected, "edits landed in the wrong places");
    }
}
