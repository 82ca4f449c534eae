//! Build-time variables as BuildKit resolves them: ARG and ENV per stage.
//!
//! Global ARGs (declared before the first FROM) are visible to FROM lines only; inside a
//! stage an ARG must be re-declared (`ARG NAME`, taking the global default) to be seen. ENV
//! values and ARG defaults may themselves use earlier variables. Substitution understands
//! `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` and `${VAR+alt}`; a
//! variable with no known value makes the result *unknown*, never silently empty.

use std::cell::Cell;
use std::cmp::Ordering;
use std::rc::Rc;

/// A variable's value: known text, or declared without a value we can know (an ARG with no
/// default, which the builder may pass with `--build-arg`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarValue {
    Known(String),
    Unknown,
}

/// Bytes that substitution may add, over one Dockerfile's lowering and every rule that
/// expands its words afterwards. Each `$VAR` copies VAR's value, so an `ENV` that doubles
/// the previous variable on each of 40 lines asks for a terabyte; past this budget a
/// substitution is refused and its result is unknown, never truncated.
pub const MAX_EXPANSION_BYTES: usize = 16 * 1024 * 1024;

/// Deepest nesting of `${A:-${B:-…}}` expanded; deeper references are unknown. Real files
/// nest two or three levels; the bound keeps recursion (and the rescans of each level) small.
pub const MAX_EXPANSION_DEPTH: usize = 32;

/// Which expansion limit a result ran into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExpansionLimit {
    /// [`MAX_EXPANSION_BYTES`].
    Bytes,
    /// [`MAX_EXPANSION_DEPTH`].
    Depth,
}

impl ExpansionLimit {
    /// What to tell the user, for a diagnostic at the value that ran into the limit.
    pub fn message(self) -> String {
        match self {
            ExpansionLimit::Bytes => format!(
                "expanding variables here would take this Dockerfile over its {MAX_EXPANSION_BYTES}-byte \
                 expansion budget: the value is treated as unknown, as are later ones that need more"
            ),
            ExpansionLimit::Depth => format!(
                "variable references nested more than {MAX_EXPANSION_DEPTH} deep: the value is treated as unknown"
            ),
        }
    }
}

/// What is left of [`MAX_EXPANSION_BYTES`], shared by every [`Vars`] of one build.
#[derive(Debug)]
pub struct ExpansionBudget {
    remaining: Cell<usize>,
}

impl Default for ExpansionBudget {
    fn default() -> Self {
        ExpansionBudget::new(MAX_EXPANSION_BYTES)
    }
}

impl ExpansionBudget {
    pub fn new(bytes: usize) -> Self {
        ExpansionBudget {
            remaining: Cell::new(bytes),
        }
    }

    /// Takes the growth of replacing a reference of `reference_len` bytes by a value of
    /// `value_len` bytes; `false` (nothing taken) when it does not fit.
    fn take(&self, reference_len: usize, value_len: usize) -> bool {
        let growth = value_len.saturating_sub(reference_len);
        match self.remaining.get().checked_sub(growth) {
            Some(rest) => {
                self.remaining.set(rest);
                true
            }
            None => false,
        }
    }
}

/// The variables visible at one point of a Dockerfile.
///
/// Lowering keeps a snapshot per instruction, so cloning must be cheap however many
/// variables are in scope (a chain of 20,000 stages each adding an ENV would otherwise hold
/// 20,000²/2 entries): the map is persistent, and a clone shares it.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    values: Map,
    budget: Rc<ExpansionBudget>,
}

/// The result of substituting variables into a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expanded {
    pub text: String,
    /// Some part depended on a variable whose value is unknown (or undeclared).
    pub unknown: bool,
    /// Some part was left unknown because it ran into an expansion limit.
    pub limit: Option<ExpansionLimit>,
}

/// What a `$` reference stands for.
enum Reference<'v> {
    /// The `$` starts no reference: it is kept as written.
    None,
    /// A variable's value, to be copied (and charged to the budget).
    Value(&'v str),
    /// A default or alternative word, already expanded (and charged).
    Word(String),
    Unknown,
}

impl Vars {
    /// Variables whose expansions (in these variables and every clone of them) draw on
    /// `budget`.
    pub fn with_budget(budget: Rc<ExpansionBudget>) -> Self {
        Vars {
            values: Map::default(),
            budget,
        }
    }

    pub fn set(&mut self, name: &str, value: VarValue) {
        self.values = self.values.insert(name, value);
    }

    pub fn get(&self, name: &str) -> Option<&VarValue> {
        self.values.get(name)
    }

    pub fn is_declared(&self, name: &str) -> bool {
        self.values.get(name).is_some()
    }

    /// Substitutes variables into `text`. Quotes are left in place (callers unquote words);
    /// `\$` escapes a dollar as BuildKit's lexer does.
    pub fn expand(&self, text: &str) -> Expanded {
        self.expand_nested(text, 0)
    }

    fn expand_nested(&self, text: &str, depth: usize) -> Expanded {
        let mut result = Expanded {
            text: String::new(),
            unknown: false,
            limit: None,
        };
        if !text.contains('$') {
            result.text = text.to_string();
            return result;
        }
        let mut out = String::with_capacity(text.len());
        let bytes = text.as_bytes();
        // Where each `{` closes, found in one pass (searching from each `${` would rescan
        // the rest of the text for every one of thousands of unclosed `${`).
        let braces = if text.contains("${") {
            brace_pairs(text)
        } else {
            Vec::new()
        };
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if bytes.get(i + 1) == Some(&b'$') => {
                    out.push('$');
                    i += 2;
                }
                b'$' => {
                    let (consumed, reference) = self.expand_at(text, i, &braces, depth, &mut result);
                    match reference {
                        Reference::None => out.push('$'),
                        Reference::Value(v) if self.budget.take(1 + consumed, v.len()) => out.push_str(v),
                        Reference::Value(_) => {
                            result.unknown = true;
                            result.limit.get_or_insert(ExpansionLimit::Bytes);
                        }
                        Reference::Word(w) => out.push_str(&w),
                        Reference::Unknown => result.unknown = true,
                    }
                    i += 1 + consumed;
                }
                _ => {
                    let next = text[i..].find(['$', '\\']).map_or(text.len(), |n| i + n.max(1));
                    out.push_str(&text[i..next]);
                    i = next;
                }
            }
        }
        result.text = out;
        result
    }

    /// Expands the reference after the `$` at `dollar` in `text`. Returns bytes consumed
    /// after the `$` and what the reference stands for; limits met in a nested word are
    /// recorded in `result`. `braces` are `text`'s [`brace_pairs`].
    fn expand_at(
        &self,
        text: &str,
        dollar: usize,
        braces: &[(usize, usize)],
        depth: usize,
        result: &mut Expanded,
    ) -> (usize, Reference<'_>) {
        let rest = &text[dollar + 1..];
        if rest.starts_with('{') {
            let open = dollar + 1;
            let Ok(found) = braces.binary_search_by_key(&open, |&(o, _)| o) else {
                return (0, Reference::None);
            };
            let close = braces[found].1;
            let consumed = close - dollar;
            let body = &text[open + 1..close];
            let name_len = body
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(body.len());
            let (name, modifier) = body.split_at(name_len);
            let current = self.lookup(name);
            if modifier.is_empty() {
                return (consumed, current.map_or(Reference::Unknown, Reference::Value));
            }
            if depth >= MAX_EXPANSION_DEPTH {
                result.limit.get_or_insert(ExpansionLimit::Depth);
                return (consumed, Reference::Unknown);
            }
            let (colon, op, word) = match modifier.strip_prefix(':') {
                Some(m) => (true, m.chars().next(), m.get(1..).unwrap_or("")),
                None => (false, modifier.chars().next(), modifier.get(1..).unwrap_or("")),
            };
            let is_set = current.is_some_and(|v| !(colon && v.is_empty()));
            let undeclared = !self.is_declared(name);
            let expanded = self.expand_nested(word, depth + 1);
            if let Some(limit) = expanded.limit {
                result.limit.get_or_insert(limit);
            }
            let word = if expanded.unknown {
                Reference::Unknown
            } else {
                Reference::Word(expanded.text)
            };
            let current = current.map_or(Reference::Unknown, Reference::Value);
            let reference = match op {
                Some('-') if is_set => current,
                // The default applies when the variable is undeclared or empty; an ARG
                // declared without value may still get one from --build-arg.
                Some('-') if undeclared || matches!(current, Reference::Value("")) => word,
                Some('+') if is_set => word,
                Some('+') if undeclared || matches!(current, Reference::Value(_)) => Reference::Word(String::new()),
                Some('-' | '+') => Reference::Unknown,
                // `${VAR?err}` and anything else: the value if known.
                _ => current,
            };
            (consumed, reference)
        } else {
            let name_len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            // A name starts with a letter or `_`; `$5` or `$ ` is left as written.
            if name_len == 0 || rest.starts_with(|c: char| c.is_ascii_digit()) {
                return (0, Reference::None);
            }
            let value = self.lookup(&rest[..name_len]);
            (name_len, value.map_or(Reference::Unknown, Reference::Value))
        }
    }

    /// The value of a variable that has a known one.
    fn lookup(&self, name: &str) -> Option<&str> {
        match self.values.get(name) {
            Some(VarValue::Known(v)) => Some(v),
            _ => None,
        }
    }
}

/// A persistent map from name to value: an AVL tree whose updates copy only the path to
/// the changed node (O(log n) new nodes), so every older version stays valid and a clone is
/// one reference count. Balanced by height, so no choice of names makes it deep.
#[derive(Clone, Debug, Default)]
struct Map {
    root: Link,
}

type Link = Option<Rc<MapNode>>;

#[derive(Debug)]
struct MapNode {
    /// Shared between versions: path copying never copies a value.
    entry: Rc<(Box<str>, VarValue)>,
    height: u8,
    left: Link,
    right: Link,
}

impl Map {
    fn get(&self, key: &str) -> Option<&VarValue> {
        let mut link = &self.root;
        while let Some(node) = link {
            link = match key.cmp(&node.entry.0) {
                Ordering::Less => &node.left,
                Ordering::Greater => &node.right,
                Ordering::Equal => return Some(&node.entry.1),
            };
        }
        None
    }

    fn insert(&self, key: &str, value: VarValue) -> Map {
        let entry = Rc::new((Box::from(key), value));
        Map {
            root: Some(insert(&self.root, entry)),
        }
    }
}

fn height(link: &Link) -> u8 {
    link.as_ref().map_or(0, |n| n.height)
}

fn node(entry: Rc<(Box<str>, VarValue)>, left: Link, right: Link) -> Rc<MapNode> {
    Rc::new(MapNode {
        height: 1 + height(&left).max(height(&right)),
        entry,
        left,
        right,
    })
}

fn insert(link: &Link, entry: Rc<(Box<str>, VarValue)>) -> Rc<MapNode> {
    let Some(n) = link else {
        return node(entry, None, None);
    };
    match entry.0.cmp(&n.entry.0) {
        Ordering::Less => balance(n.entry.clone(), Some(insert(&n.left, entry)), n.right.clone()),
        Ordering::Greater => balance(n.entry.clone(), n.left.clone(), Some(insert(&n.right, entry))),
        Ordering::Equal => node(entry, n.left.clone(), n.right.clone()),
    }
}

/// A node over `left` and `right`, whose heights differ by at most two, rotated so they
/// differ by at most one.
fn balance(entry: Rc<(Box<str>, VarValue)>, left: Link, right: Link) -> Rc<MapNode> {
    let (hl, hr) = (height(&left), height(&right));
    if hl > hr + 1 {
        if let Some(l) = &left {
            if height(&l.left) >= height(&l.right) {
                return node(
                    l.entry.clone(),
                    l.left.clone(),
                    Some(node(entry, l.right.clone(), right)),
                );
            }
            if let Some(lr) = &l.right {
                return node(
                    lr.entry.clone(),
                    Some(node(l.entry.clone(), l.left.clone(), lr.left.clone())),
                    Some(node(entry, lr.right.clone(), right)),
                );
            }
        }
    } else if hr > hl + 1
        && let Some(r) = &right
    {
        if height(&r.right) >= height(&r.left) {
            return node(
                r.entry.clone(),
                Some(node(entry, left, r.left.clone())),
                r.right.clone(),
            );
        }
        if let Some(rl) = &r.left {
            return node(
                rl.entry.clone(),
                Some(node(entry, left, rl.left.clone())),
                Some(node(r.entry.clone(), rl.right.clone(), r.right.clone())),
            );
        }
    }
    node(entry, left, right)
}

/// Every `{` of `text` that closes, with its `}`, sorted by the `{`: a `}` closes the
/// nearest `{` still open, as nested `${A:-${B}}` are read.
fn brace_pairs(text: &str) -> Vec<(usize, usize)> {
    let mut open = Vec::new();
    let mut pairs = Vec::new();
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'{' => open.push(i),
            b'}' => {
                if let Some(o) = open.pop() {
                    pairs.push((o, i));
                }
            }
            _ => {}
        }
    }
    pairs.sort_unstable();
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        let mut v = Vars::default();
        v.set("BASE", VarValue::Known("alpine".into()));
        v.set("EMPTY", VarValue::Known(String::new()));
        v.set("FREE", VarValue::Unknown);
        v
    }

    #[test]
    fn substitutes_every_form() {
        let v = vars();
        let cases = [
            ("$BASE:3", "alpine:3", false),
            ("${BASE}-x", "alpine-x", false),
            ("${NOPE:-debian}", "debian", false),
            ("${EMPTY:-debian}", "debian", false),
            ("${EMPTY-debian}", "", false),
            ("${BASE:+set}", "set", false),
            ("${NOPE:+set}", "", false),
            ("\\$BASE", "$BASE", false),
            ("cost $5", "cost $5", false),
            ("${BASE:-${NOPE:-z}}", "alpine", false),
            ("${NOPE:-${BASE}}", "alpine", false),
        ];
        for (input, text, unknown) in cases {
            assert_eq!(
                v.expand(input),
                Expanded {
                    text: text.into(),
                    unknown,
                    limit: None,
                },
                "{input}"
            );
        }
    }

    #[test]
    fn unknown_values_are_marked_not_emptied() {
        let v = vars();
        assert!(v.expand("$FREE").unknown);
        assert!(v.expand("${NOPE}").unknown);
        assert!(v.expand("${FREE:-x}").unknown, "a build arg may be passed");
        assert!(v.expand("${FREE:+x}").unknown);
    }

    #[test]
    fn growth_past_the_budget_is_unknown_with_the_limit_named() {
        let mut v = Vars::with_budget(Rc::new(ExpansionBudget::new(250)));
        v.set("BIG", VarValue::Known("x".repeat(100)));
        // `$BIG` is 4 bytes: each use adds 96.
        let two = v.expand("$BIG$BIG");
        assert_eq!((two.text.len(), two.unknown, two.limit), (200, false, None));
        let clone = v.clone();
        let over = clone.expand("a ${BIG} $BASE");
        assert!(over.unknown);
        assert_eq!(over.limit, Some(ExpansionLimit::Bytes));
        // The budget is shared by clones; values no longer than their reference cost nothing.
        v.set("S", VarValue::Known("ab".into()));
        assert_eq!(v.expand("$S").text, "ab");
        assert_eq!(v.expand("$BIG").limit, Some(ExpansionLimit::Bytes));
    }

    #[test]
    fn nesting_past_the_depth_limit_is_unknown() {
        let v = vars();
        let deep = |n: usize| format!("{}x{}", "${NOPE:-".repeat(n), "}".repeat(n));
        assert_eq!(v.expand(&deep(MAX_EXPANSION_DEPTH)).text, "x");
        let too_deep = v.expand(&deep(MAX_EXPANSION_DEPTH + 1));
        assert!(too_deep.unknown);
        assert_eq!(too_deep.limit, Some(ExpansionLimit::Depth));
    }

    #[test]
    fn unclosed_braces_are_kept_as_written() {
        let v = vars();
        let text = format!("{}$BASE", "${".repeat(50_000));
        let e = v.expand(&text);
        assert_eq!(e.text, format!("{}alpine", "${".repeat(50_000)));
        assert!(!e.unknown);
        // `}` closes the nearest open `{`, as nested references are read.
        assert_eq!(v.expand("${ {${BASE}").text, "${ {alpine");
        assert_eq!(v.expand("${BASE:-{x}}").text, "alpine");
    }

    #[test]
    fn snapshots_keep_their_values_and_the_tree_stays_shallow() {
        let mut v = Vars::default();
        let mut snapshots = Vec::new();
        let n = 20_000;
        for i in 0..n {
            v.set(&format!("V{i}"), VarValue::Known(i.to_string()));
            v.set("LAST", VarValue::Known(i.to_string()));
            snapshots.push(v.clone());
        }
        for i in [0, 1, n / 2, n - 1] {
            let s = &snapshots[i];
            assert_eq!(s.expand("$LAST").text, i.to_string());
            assert_eq!(s.expand(&format!("$V{i}")).text, i.to_string());
            assert!(!s.is_declared(&format!("V{}", i + 1)));
        }
        // An AVL tree of n keys is at most ~1.44·log2(n) high.
        let height = v.values.root.as_ref().map_or(0, |r| r.height);
        assert!(f64::from(height) <= 1.45 * (n as f64).log2() + 2.0, "height {height}");
    }
}
