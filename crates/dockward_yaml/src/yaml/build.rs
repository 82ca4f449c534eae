//! Builds [`Node`] trees from events: anchors, aliases, `<<` merge keys, budgets.
//!
//! The builder keeps an explicit stack (never recursion over the input), so nesting depth
//! costs heap, and the depth budget bounds every recursive consumer of the finished tree.

use std::collections::{HashMap, HashSet};

use dockward_core::{LineIndex, TextRange};

use super::budget::Budget;
use super::comments::recover_comments;
use super::events::{EventReader, Spanned, YamlEvent};
use super::tree::{AliasOrigin, FileId, Node, NodeStyle, NodeValue, YamlDocument, YamlError, YamlErrorKind};

/// Parses `text` into trees (one per document), comments and located errors.
///
/// Never panics and always terminates: invalid YAML yields the trees read so far plus a
/// [`YamlErrorKind::Syntax`] error; exceeded budgets yield a [`YamlErrorKind::Budget`] error.
pub fn parse_yaml(text: &str, budget: &Budget) -> YamlDocument {
    parse_yaml_file(text, 0, budget)
}

/// [`parse_yaml`] for a text that is file `file` of a larger set (every node records it).
pub fn parse_yaml_file(text: &str, file: FileId, budget: &Budget) -> YamlDocument {
    if text.len() > budget.max_bytes {
        return YamlDocument {
            docs: Vec::new(),
            comments: Vec::new(),
            errors: vec![YamlError {
                message: format!(
                    "file is {} bytes, more than the {} bytes allowed for YAML",
                    text.len(),
                    budget.max_bytes
                ),
                range: TextRange::empty(0),
                kind: YamlErrorKind::Budget,
            }],
        };
    }
    // Lines that saphyr (strictly following the spec) rejects as under-indented inside a
    // flow collection, but that go-yaml, and so Compose, accept:
    //     command: [
    //       "start"
    //     ]
    // We re-parse with one more space before such a line and map offsets back.
    let mut inserted: Vec<usize> = Vec::new();
    let mut work = std::borrow::Cow::Borrowed(text);
    // Each fix costs a re-parse: only small texts (every real Compose file) get them.
    let fixes = if text.len() <= LENIENT_MAX_BYTES {
        MAX_INDENT_FIXES
    } else {
        0
    };
    for _ in 0..fixes {
        let doc = parse_once(&work, text, &inserted, file, budget);
        let Some(line_start) = lenient_indent_fix(&work, &doc) else {
            return if inserted.is_empty() {
                doc
            } else {
                remap(doc, &inserted)
            };
        };
        let original = to_original(line_start, &inserted);
        let at = inserted.partition_point(|&o| o <= original);
        inserted.insert(at, original);
        work = std::borrow::Cow::Owned(with_insertions(text, &inserted));
    }
    remap(parse_once(&work, text, &inserted, file, budget), &inserted)
}

/// Bound on lenient re-parses of one text.
const MAX_INDENT_FIXES: usize = 32;
/// Texts larger than this get no lenient re-parse.
const LENIENT_MAX_BYTES: usize = 512 * 1024;

/// Parses `text`, which is `original` with a space inserted before each offset of `inserted`
/// (see [`parse_yaml_file`]); ranges stay in `text`'s coordinates.
fn parse_once(text: &str, original: &str, inserted: &[usize], file: FileId, budget: &Budget) -> YamlDocument {
    // The parser is a dependency; a bug in it must not take the whole scan down. Inputs are
    // owned by this call, so nothing observable is left half-updated by an unwind.
    let result = std::panic::catch_unwind(|| Builder::new(text, Original { original, inserted }, file, budget).run());
    result.unwrap_or_else(|_| YamlDocument {
        docs: Vec::new(),
        comments: Vec::new(),
        errors: vec![YamlError {
            message: "internal error in the YAML parser".to_string(),
            range: TextRange::empty(0),
            kind: YamlErrorKind::Syntax,
        }],
    })
}

/// For an "invalid indentation" error on the first character of a line, the start of that
/// line (where one more space would satisfy saphyr).
fn lenient_indent_fix(text: &str, doc: &YamlDocument) -> Option<usize> {
    let err = doc
        .errors
        .iter()
        .find(|e| e.kind == YamlErrorKind::Syntax && e.message == "invalid indentation")?;
    let at = err.range.start as usize;
    let line_start = text[..at.min(text.len())].rfind('\n').map_or(0, |p| p + 1);
    text[line_start..at].bytes().all(|b| b == b' ').then_some(line_start)
}

/// `text` with one space inserted before each original offset in `inserted` (sorted).
fn with_insertions(text: &str, inserted: &[usize]) -> String {
    let mut out = String::with_capacity(text.len() + inserted.len());
    let mut prev = 0;
    for &o in inserted {
        out.push_str(&text[prev..o]);
        out.push(' ');
        prev = o;
    }
    out.push_str(&text[prev..]);
    out
}

/// Maps an offset in the text-with-insertions back to the original text.
fn to_original(work: usize, inserted: &[usize]) -> usize {
    let mut shift = 0;
    for &o in inserted {
        let space_at = o + shift;
        if work > space_at {
            shift += 1;
        } else if work == space_at {
            return o;
        } else {
            break;
        }
    }
    work - shift
}

fn remap(mut doc: YamlDocument, inserted: &[usize]) -> YamlDocument {
    let map = |r: TextRange| {
        TextRange::from_usize(
            to_original(r.start as usize, inserted),
            to_original(r.end as usize, inserted),
        )
    };
    for root in &mut doc.docs {
        root.walk_mut(&mut |n| {
            n.range = map(n.range);
            if let Some(a) = &mut n.alias {
                a.alias = map(a.alias);
                a.anchor = map(a.anchor);
            }
        });
    }
    for c in &mut doc.comments {
        c.range = map(c.range);
    }
    for e in &mut doc.errors {
        e.range = map(e.range);
    }
    doc
}

enum Frame {
    Seq {
        items: Vec<Node>,
        open: TextRange,
        flow: bool,
        tag: Option<String>,
        anchor: Option<(usize, String)>,
    },
    Map {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        open: TextRange,
        flow: bool,
        tag: Option<String>,
        anchor: Option<(usize, String)>,
    },
}

struct AnchorDef {
    node: Node,
    size: usize,
    height: usize,
}

/// The text as written, for messages that quote positions (the builder may be reading a
/// copy with spaces inserted).
struct Original<'a> {
    original: &'a str,
    inserted: &'a [usize],
}

impl Original<'_> {
    /// `line L, column C` (1-based, columns in characters) of an offset in the parsed text.
    fn line_col(&self, index: &mut Option<LineIndex>, offset: u32) -> String {
        let offset = to_original(offset as usize, self.inserted);
        let at = index
            .get_or_insert_with(|| LineIndex::new(self.original))
            .line_col(to_u32(offset), self.original);
        format!("line {}, column {}", at.line, at.column)
    }
}

struct Builder<'a> {
    text: &'a str,
    original: Original<'a>,
    /// Built on the first message that needs a line number.
    line_index: Option<LineIndex>,
    file: FileId,
    budget: &'a Budget,
    reader: EventReader<'a>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, AnchorDef>,
    alias_nodes: usize,
    docs: Vec<Node>,
    root: Option<Node>,
    errors: Vec<YamlError>,
    /// Byte offset where reading stopped early (syntax error or budget), if it did.
    stopped_at: Option<usize>,
}

impl<'a> Builder<'a> {
    fn new(text: &'a str, original: Original<'a>, file: FileId, budget: &'a Budget) -> Self {
        Self {
            text,
            original,
            line_index: None,
            file,
            budget,
            reader: EventReader::new(text),
            stack: Vec::new(),
            anchors: HashMap::new(),
            alias_nodes: 0,
            docs: Vec::new(),
            root: None,
            errors: Vec::new(),
            stopped_at: None,
        }
    }

    fn run(mut self) -> YamlDocument {
        while let Some(next) = self.reader.next_event() {
            match next {
                Ok(ev) => {
                    if let Err(stop) = self.on_event(ev) {
                        self.stopped_at = Some(stop.range.start as usize);
                        self.errors.push(stop);
                        break;
                    }
                }
                Err(e) => {
                    self.stopped_at = Some(e.range.start as usize);
                    self.errors.push(e);
                    break;
                }
            }
        }
        // Close whatever was open so the partial tree is still usable.
        while !self.stack.is_empty() {
            let end = self.stopped_at.unwrap_or(self.text.len());
            let node = self.close_frame(TextRange::empty(to_u32(end)));
            self.push_node(node);
        }
        if let Some(root) = self.root.take() {
            self.docs.push(root);
        }
        let comments = recover_comments(self.text, &self.reader.scalar_extents, self.stopped_at);
        YamlDocument {
            docs: self.docs,
            comments,
            errors: self.errors,
        }
    }

    /// Handles one event; `Err` stops reading (a budget was exceeded).
    fn on_event(&mut self, ev: Spanned) -> Result<(), YamlError> {
        let range = ev.range;
        match ev.event {
            YamlEvent::DocumentStart => {}
            YamlEvent::DocumentEnd | YamlEvent::StreamEnd => {
                if let Some(root) = self.root.take() {
                    self.docs.push(root);
                }
                // Anchors are scoped to their document.
                self.anchors.clear();
            }
            YamlEvent::Scalar {
                value,
                style,
                anchor,
                tag,
            } => {
                // `!!str` and the non-specific `!` force a string; other tags (Compose's
                // `!reset`, `!override`) do not change how the value resolves.
                let is_null = style == NodeStyle::Plain
                    && !matches!(tag.as_deref(), Some("!!str" | "!"))
                    && matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL");
                let value = if is_null {
                    NodeValue::Null
                } else {
                    NodeValue::Scalar(value)
                };
                let mut node = Node::new(value, range, self.file, style);
                node.tag = tag;
                self.finish_node(node, anchor);
            }
            YamlEvent::Alias { id, name } => {
                let node = self.expand_alias(id, name, range)?;
                self.push_node(node);
            }
            YamlEvent::SeqStart { anchor, tag, flow } => {
                self.check_depth(range)?;
                self.stack.push(Frame::Seq {
                    items: Vec::new(),
                    open: range,
                    flow,
                    tag,
                    anchor,
                });
            }
            YamlEvent::MapStart { anchor, tag, flow } => {
                self.check_depth(range)?;
                self.stack.push(Frame::Map {
                    entries: Vec::new(),
                    key: None,
                    open: range,
                    flow,
                    tag,
                    anchor,
                });
            }
            YamlEvent::SeqEnd | YamlEvent::MapEnd => {
                if self.stack.is_empty() {
                    return Ok(());
                }
                let anchor = match self.stack.last() {
                    Some(Frame::Seq { anchor, .. } | Frame::Map { anchor, .. }) => anchor.clone(),
                    None => None,
                };
                let node = self.close_frame(range);
                self.finish_node(node, anchor);
            }
        }
        Ok(())
    }

    fn check_depth(&self, at: TextRange) -> Result<(), YamlError> {
        if self.stack.len() >= self.budget.max_depth {
            return Err(YamlError {
                message: format!("nesting deeper than {} levels (budget exceeded)", self.budget.max_depth),
                range: at,
                kind: YamlErrorKind::Budget,
            });
        }
        Ok(())
    }

    /// Registers the anchor a finished node defines, then attaches the node to its parent.
    fn finish_node(&mut self, mut node: Node, anchor: Option<(usize, String)>) {
        if let Some((id, name)) = anchor {
            node.anchor = Some(name);
            let (size, height) = node.size_and_height();
            self.anchors.insert(
                id,
                AnchorDef {
                    node: node.clone(),
                    size,
                    height,
                },
            );
        }
        self.push_node(node);
    }

    /// A copy of the anchored node, checked against the alias and depth budgets.
    fn expand_alias(&mut self, id: usize, name: String, at: TextRange) -> Result<Node, YamlError> {
        let Some(def) = self.anchors.get(&id) else {
            // saphyr rejects unknown anchors itself; an id it knows that we have not finished
            // is an alias used inside its own anchor (a recursive structure).
            self.errors.push(YamlError {
                message: format!("alias *{name} refers to its own enclosing anchor"),
                range: at,
                kind: YamlErrorKind::Semantic,
            });
            return Ok(Node::new(NodeValue::Null, at, self.file, NodeStyle::Plain));
        };
        self.alias_nodes = self.alias_nodes.saturating_add(def.size);
        if self.alias_nodes > self.budget.max_alias_nodes {
            return Err(YamlError {
                message: format!(
                    "aliases expand to more than {} nodes (budget exceeded; alias bomb?)",
                    self.budget.max_alias_nodes
                ),
                range: at,
                kind: YamlErrorKind::Budget,
            });
        }
        if self.stack.len() + def.height > self.budget.max_depth {
            return Err(YamlError {
                message: format!(
                    "alias *{name} nests deeper than {} levels (budget exceeded)",
                    self.budget.max_depth
                ),
                range: at,
                kind: YamlErrorKind::Budget,
            });
        }
        let origin = AliasOrigin {
            name,
            alias: at,
            anchor: def.node.range,
        };
        let mut copy = def.node.clone();
        copy.walk_mut(&mut |n| {
            n.alias = Some(Box::new(origin.clone()));
            n.anchor = None;
        });
        copy.range = at;
        Ok(copy)
    }

    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if let Some(previous) = self.root.replace(node) {
                    self.docs.push(previous);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => entries.push((k, node)),
            },
        }
    }

    /// Pops the top frame into a node. `close` is the end event's range (the closing
    /// bracket of a flow collection).
    fn close_frame(&mut self, close: TextRange) -> Node {
        let file = self.file;
        match self.stack.pop() {
            Some(Frame::Seq {
                items, open, flow, tag, ..
            }) => {
                let range = if flow {
                    open.cover(close)
                } else {
                    block_range(
                        self.text,
                        items.first().map(|n| n.range),
                        items.last().map(|n| n.range),
                        open,
                        true,
                    )
                };
                let style = if flow { NodeStyle::Flow } else { NodeStyle::Block };
                let mut node = Node::new(NodeValue::Seq(items), range, file, style);
                node.tag = tag;
                node
            }
            Some(Frame::Map {
                mut entries,
                key,
                open,
                flow,
                tag,
                ..
            }) => {
                if let Some(k) = key {
                    // A key whose value never came (input ended early).
                    let at = TextRange::empty(k.range.end);
                    entries.push((k, Node::new(NodeValue::Null, at, file, NodeStyle::Plain)));
                }
                // The range is the written entries', before `<<` brings in entries that
                // live elsewhere (in the anchor).
                let range = if flow {
                    open.cover(close)
                } else {
                    block_range(
                        self.text,
                        entries.first().map(|(k, _)| k.range),
                        entries.last().map(|(_, v)| v.range),
                        open,
                        false,
                    )
                };
                let entries = self.resolve_merge_keys(entries);
                self.check_duplicate_keys(&entries);
                let style = if flow { NodeStyle::Flow } else { NodeStyle::Block };
                let mut node = Node::new(NodeValue::Map(entries), range, file, style);
                node.tag = tag;
                node
            }
            None => Node::new(NodeValue::Null, close, file, NodeStyle::Plain),
        }
    }

    /// Applies `<<` merge keys (YAML 1.1 merge type, which go-yaml and Compose honour):
    /// entries of the merged mapping(s) are inserted where the `<<` key was, unless the
    /// mapping sets the key explicitly (explicit keys win wherever they are written); in a
    /// list of mappings, earlier mappings win over later ones.
    fn resolve_merge_keys(&mut self, entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
        let is_merge_key = |k: &Node| {
            k.style == NodeStyle::Plain
                && matches!(k.tag.as_deref(), None | Some("!!merge"))
                && k.scalar_text() == Some("<<")
        };
        if !entries.iter().any(|(k, _)| is_merge_key(k)) {
            return entries;
        }
        let explicit: HashSet<String> = entries
            .iter()
            .filter(|(k, _)| !is_merge_key(k))
            .filter_map(|(k, _)| k.key_str().map(str::to_string))
            .collect();
        let mut seen: HashSet<String> = HashSet::new();
        let mut out = Vec::with_capacity(entries.len());
        for (k, v) in entries {
            if !is_merge_key(&k) {
                out.push((k, v));
                continue;
            }
            let sources: Vec<Node> = match v.value {
                NodeValue::Map(_) => vec![v],
                NodeValue::Seq(items) if items.iter().all(Node::is_map) => items,
                _ => {
                    self.errors.push(YamlError {
                        message: "a `<<` merge key needs a mapping or a list of mappings".to_string(),
                        range: k.range,
                        kind: YamlErrorKind::Semantic,
                    });
                    continue;
                }
            };
            for source in sources {
                let NodeValue::Map(source_entries) = source.value else {
                    continue;
                };
                for (mk, mv) in source_entries {
                    let Some(name) = mk.key_str() else { continue };
                    if explicit.contains(name) || !seen.insert(name.to_string()) {
                        continue;
                    }
                    out.push((mk, mv));
                }
            }
        }
        out
    }

    /// go-yaml (and so Compose) rejects a mapping that repeats a key; we report it and keep
    /// both entries (lookups see the last one).
    fn check_duplicate_keys(&mut self, entries: &[(Node, Node)]) {
        if entries.len() < 2 {
            return;
        }
        let mut seen: HashMap<&str, TextRange> = HashMap::with_capacity(entries.len());
        for (k, _) in entries {
            // Copies from a `<<` merge were already deduplicated against explicit keys.
            let Some(name) = k.key_str() else { continue };
            if let Some(first) = seen.insert(name, k.range)
                && k.alias.is_none()
            {
                self.errors.push(YamlError {
                    message: format!(
                        "duplicate key `{name}` (first defined at {})",
                        self.original.line_col(&mut self.line_index, first.start)
                    ),
                    range: k.range,
                    kind: YamlErrorKind::Semantic,
                });
            }
        }
    }
}

/// Range of a block collection: from its first entry (for a sequence, the `-` before it) to
/// the end of its last entry; an empty collection sits at `open`.
fn block_range(
    text: &str,
    first: Option<TextRange>,
    last: Option<TextRange>,
    open: TextRange,
    dash: bool,
) -> TextRange {
    let (Some(first), Some(last)) = (first, last) else {
        return open;
    };
    let mut start = first.start.min(open.start) as usize;
    if dash {
        // Walk back over spaces and properties to the `-` that introduces the first item.
        let bytes = text.as_bytes();
        let mut i = first.start as usize;
        while i > 0 {
            match bytes[i - 1] {
                b'-' => {
                    start = i - 1;
                    break;
                }
                b' ' | b'\t' | b'\n' | b'\r' => i -= 1,
                _ => {
                    // Anchors or tags before the item: skip the token.
                    let token_start = text[..i].rfind([' ', '\t', '\n']).map_or(0, |p| p + 1);
                    if matches!(bytes.get(token_start), Some(b'&' | b'!')) && token_start < i {
                        i = token_start;
                    } else {
                        break;
                    }
                }
            }
        }
    }
    TextRange::new(to_u32(start), last.end.max(to_u32(start)))
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
