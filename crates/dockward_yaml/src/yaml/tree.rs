//! The span tree: YAML values that remember exactly where they were written.
//!
//! A [`Node`] is a resolved YAML value (aliases expanded, `<<` merge keys applied) plus the
//! byte range and file it came from. Rules read values through the typed accessors and
//! report at `range`; fixes replace `range` and use `style` to keep the author's quoting.

use dockward_core::TextRange;

/// Index of a source file. For a lone [`parse_yaml`](crate::parse_yaml) it is `0`; in a
/// [`ComposeProject`](crate::ComposeProject) it indexes `project.files`.
pub type FileId = u32;

/// How a node was written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum NodeStyle {
    /// A plain (unquoted) scalar, or a node that was not written at all (synthetic).
    #[default]
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// `|` block scalar.
    Literal,
    /// `>` block scalar.
    Folded,
    /// An indentation-based sequence or mapping.
    Block,
    /// A `[…]` or `{…}` collection.
    Flow,
}

impl NodeStyle {
    pub fn is_quoted(self) -> bool {
        matches!(self, NodeStyle::SingleQuoted | NodeStyle::DoubleQuoted)
    }
}

/// The value of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    /// `null`, `~`, `Null`, `NULL` or an empty plain scalar (without a `!!str` tag).
    Null,
    /// Any other scalar, as its string content (quotes and escapes resolved). Typed views
    /// are on [`Node`] (`as_bool`, `as_i64`, …): YAML decides types late, Compose later still.
    Scalar(String),
    Seq(Vec<Node>),
    /// Entries in source order. Keys are nodes too, so a finding can point at a key.
    Map(Vec<(Node, Node)>),
}

/// Set on nodes that were copied from an anchor (through `*alias` or a `<<` merge key).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AliasOrigin {
    /// The anchor name, without `&`.
    pub name: String,
    /// Where the `*name` alias was used (for a `<<: *name` merge: the alias in the merge).
    pub alias: TextRange,
    /// The range of the anchored node (the definition the value was copied from).
    pub anchor: TextRange,
}

/// Set by the Compose loader on scalars that contained `$` substitutions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interpolation {
    /// The scalar text before substitution.
    pub raw: String,
    /// Variables that had no value (and no default): the value is *unknown*, and the node's
    /// scalar keeps the raw text. Empty when every variable resolved.
    pub unknown: Vec<String>,
    /// What `docker compose` itself would use: unset variables as empty strings (it warns
    /// and carries on). For display and for comparing with `docker compose config`; rules
    /// should treat an unknown value as unknown.
    pub compose_value: String,
}

/// One YAML value with its provenance.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: NodeValue,
    /// The bytes that produced this value: a scalar's token (quotes included, for block
    /// scalars from the `|`/`>` indicator to the last content line), a flow collection from
    /// bracket to bracket, a block collection from its first to its last entry. For an alias
    /// node, the `*name` use. Anchors and tags written before a node are not included.
    pub range: TextRange,
    pub file: FileId,
    /// The tag as written: `!reset`, `!!str`, `!` …; `None` when untagged.
    pub tag: Option<String>,
    pub style: NodeStyle,
    /// The anchor defined on this node (`&name`), without `&`.
    pub anchor: Option<String>,
    /// Present when this node is a copy of an anchored node.
    pub alias: Option<Box<AliasOrigin>>,
    /// Present when the Compose loader substituted variables in this scalar.
    pub interpolation: Option<Box<Interpolation>>,
    /// True when the node does not appear literally at `range` (the Compose loader built it,
    /// e.g. `KEY=value` from a `KEY: value` map entry while merging list and map forms).
    /// `range` still points at the text that produced it; fixes must not rewrite it.
    pub synthetic: bool,
}

impl Node {
    /// A node with no tag, anchor, alias or interpolation.
    pub fn new(value: NodeValue, range: TextRange, file: FileId, style: NodeStyle) -> Node {
        Node {
            value,
            range,
            file,
            tag: None,
            style,
            anchor: None,
            alias: None,
            interpolation: None,
            synthetic: false,
        }
    }

    /// A plain scalar.
    pub fn scalar(text: impl Into<String>, range: TextRange, file: FileId) -> Node {
        Node::new(NodeValue::Scalar(text.into()), range, file, NodeStyle::Plain)
    }

    // ---- navigation -------------------------------------------------------------------

    /// The value of `key` in a mapping (the last one when a key is repeated, which is also
    /// reported as an error at parse time).
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.get_entry(key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match &mut self.value {
            NodeValue::Map(entries) => entries
                .iter_mut()
                .rev()
                .find(|(k, _)| k.key_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The `(key, value)` entry for `key` in a mapping.
    pub fn get_entry(&self, key: &str) -> Option<(&Node, &Node)> {
        self.entries()?
            .iter()
            .rev()
            .find(|(k, _)| k.key_str() == Some(key))
            .map(|(k, v)| (k, v))
    }

    /// Where `key` is written in a mapping (to point at `privileged:` rather than `true`).
    pub fn key_range(&self, key: &str) -> Option<TextRange> {
        self.get_entry(key).map(|(k, _)| k.range)
    }

    /// Follows a path of mapping keys and sequence indices (`"0"`, `"1"` …).
    pub fn pointer(&self, path: &[&str]) -> Option<&Node> {
        let mut node = self;
        for segment in path {
            node = match &node.value {
                NodeValue::Map(_) => node.get(segment)?,
                NodeValue::Seq(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }

    pub fn entries(&self) -> Option<&[(Node, Node)]> {
        match &self.value {
            NodeValue::Map(entries) => Some(entries),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, NodeValue::Map(_))
    }

    pub fn is_seq(&self) -> bool {
        matches!(self.value, NodeValue::Seq(_))
    }

    pub fn is_scalar(&self) -> bool {
        matches!(self.value, NodeValue::Scalar(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, NodeValue::Null)
    }

    /// "mapping", "sequence", "scalar" or "null", for messages.
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "null",
            NodeValue::Scalar(_) => "scalar",
            NodeValue::Seq(_) => "sequence",
            NodeValue::Map(_) => "mapping",
        }
    }

    // ---- typed views --------------------------------------------------------------------

    /// True when interpolation left this scalar without a known value.
    pub fn is_unknown(&self) -> bool {
        self.interpolation.as_ref().is_some_and(|i| !i.unknown.is_empty())
    }

    /// The scalar's string, whatever it holds (for an unknown value, the raw `${…}` text).
    pub fn scalar_text(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar's string when it is known. `None` for collections, null and values that
    /// interpolation could not resolve: present-but-unreadable is `Unknown`, not absent.
    pub fn as_str(&self) -> Option<&str> {
        if self.is_unknown() {
            return None;
        }
        self.scalar_text()
    }

    /// A mapping key as a string. Keys are not interpolated by Compose, so this ignores
    /// interpolation state; a null key reads as `""`.
    pub fn key_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar(s) => Some(s),
            NodeValue::Null => Some(""),
            _ => None,
        }
    }

    /// A boolean, as Compose reads one. YAML 1.2 core `true`/`false` in any case, plus the
    /// YAML 1.1 words `yes`/`no`/`on`/`off`/`y`/`n`: compose-go casts the string values of
    /// boolean fields (`privileged`, `read_only`, …) with exactly that table, and go-yaml v3
    /// leaves those words as strings, so `privileged: yes` is `true` to `docker compose`.
    /// Quoting does not matter for the same reason.
    pub fn as_bool(&self) -> Option<bool> {
        parse_bool(self.as_str()?)
    }

    /// An integer: decimal, `0x` hex, `0o`/leading-`0` octal, `0b` binary, `_` separators,
    /// optional sign (go-yaml v3 resolves plain integers with Go's `ParseInt(s, 0, 64)`).
    pub fn as_i64(&self) -> Option<i64> {
        parse_int(self.as_str()?)
    }

    /// A float (YAML 1.2 core forms, plus integers).
    pub fn as_f64(&self) -> Option<f64> {
        let s = self.as_str()?.trim();
        if let Some(i) = parse_int(s) {
            return Some(i as f64);
        }
        match s.to_ascii_lowercase().as_str() {
            ".inf" | "+.inf" => return Some(f64::INFINITY),
            "-.inf" => return Some(f64::NEG_INFINITY),
            ".nan" => return Some(f64::NAN),
            _ => {}
        }
        if s.is_empty() || !s.bytes().any(|b| b.is_ascii_digit()) {
            return None;
        }
        s.replace('_', "").parse().ok()
    }

    /// Items of a sequence, or the single scalar when Compose also accepts a lone string
    /// (`cap_add: ALL` is an error to Compose, but `env_file: .env` is not): callers decide.
    pub fn seq_or_single(&self) -> Vec<&Node> {
        match &self.value {
            NodeValue::Seq(items) => items.iter().collect(),
            NodeValue::Null => Vec::new(),
            _ => vec![self],
        }
    }

    /// Visits this node and every node below it (keys included), depth first.
    pub fn walk<'a>(&'a self, f: &mut impl FnMut(&'a Node)) {
        f(self);
        match &self.value {
            NodeValue::Seq(items) => items.iter().for_each(|n| n.walk(f)),
            NodeValue::Map(entries) => entries.iter().for_each(|(k, v)| {
                k.walk(f);
                v.walk(f);
            }),
            _ => {}
        }
    }

    /// Mutable depth-first visit (keys included).
    pub fn walk_mut(&mut self, f: &mut impl FnMut(&mut Node)) {
        f(self);
        match &mut self.value {
            NodeValue::Seq(items) => items.iter_mut().for_each(|n| n.walk_mut(f)),
            NodeValue::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
                k.walk_mut(f);
                v.walk_mut(f);
            }),
            _ => {}
        }
    }

    /// Number of nodes in this subtree (keys included) and its height (a scalar is 1).
    pub(crate) fn size_and_height(&self) -> (usize, usize) {
        match &self.value {
            NodeValue::Seq(items) => items.iter().fold((1, 1), |(s, h), n| {
                let (ns, nh) = n.size_and_height();
                (s + ns, h.max(nh + 1))
            }),
            NodeValue::Map(entries) => entries.iter().fold((1, 1), |(s, h), (k, v)| {
                let (ks, kh) = k.size_and_height();
                let (vs, vh) = v.size_and_height();
                (s + ks + vs, h.max(kh.max(vh) + 1))
            }),
            _ => (1, 1),
        }
    }
}

/// Compose's boolean table (see [`Node::as_bool`]).
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "on" => Some(true),
        "false" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// Integer forms accepted by go-yaml v3 / Go's `ParseInt(s, 0, 64)` (see [`Node::as_i64`]).
pub fn parse_int(s: &str) -> Option<i64> {
    let s = s.trim();
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    let digits: String = digits.chars().filter(|&c| c != '_').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(&digits, radix).ok()?;
    let value = if neg { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// A comment recovered from the text: its range covers `#` to the end of the line (line
/// break excluded); `text` is what follows the `#`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub range: TextRange,
    pub text: String,
}

/// A YAML problem at a place in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub range: TextRange,
    pub kind: YamlErrorKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum YamlErrorKind {
    /// The text is not valid YAML; the trees hold what was read before the error.
    Syntax,
    /// A budget was exceeded (size, depth, alias expansion).
    Budget,
    /// Valid YAML with a meaning problem: duplicate key, bad merge key, recursive alias.
    Semantic,
}

impl std::fmt::Display for YamlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (bytes {:?})", self.message, self.range)
    }
}

/// Everything read from one YAML text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct YamlDocument {
    /// One root per `---` document (an empty text has none).
    pub docs: Vec<Node>,
    pub comments: Vec<Comment>,
    pub errors: Vec<YamlError>,
}

impl YamlDocument {
    /// The first document's root.
    pub fn root(&self) -> Option<&Node> {
        self.docs.first()
    }

    /// Whether the text was read completely and without any problem.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_follow_go_parse_int_base_zero() {
        assert_eq!(parse_int("42"), Some(42));
        assert_eq!(parse_int("-0x1F"), Some(-31));
        assert_eq!(parse_int("0440"), Some(0o440));
        assert_eq!(parse_int("0o17"), Some(15));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("08"), None);
        assert_eq!(parse_int("1.5"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("99999999999999999999"), None);
    }

    #[test]
    fn booleans_accept_yaml_1_1_words() {
        for t in ["true", "True", "YES", "on", "y"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["false", "No", "OFF", "n"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        assert_eq!(parse_bool("1"), None);
    }
}
