//! Maven's version ordering (`ComparableVersion`, Maven 3), for the `Maven` ecosystem.
//!
//! A version is split into items at `.`, at `-` (which opens a sub-list) and where digits
//! and letters meet (which opens a sub-list too). Numbers compare as numbers and are newer
//! than qualifiers; qualifiers order `alpha` < `beta` < `milestone` < `rc` (= `cr`) <
//! `snapshot` < release (`""`, `ga`, `final`, `release`) < `sp` < any other word
//! (alphabetically); `a1`/`b1`/`m1` mean `alpha-1`/`beta-1`/`milestone-1`. Trailing zeros
//! and release qualifiers are dropped, so `1.0.0` = `1` = `1-ga`.

use std::cmp::Ordering;

#[derive(Clone, Debug, PartialEq)]
enum Item {
    Int(Vec<u8>),
    Str(String),
    List(Vec<Item>),
}

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];

/// The sortable key of a qualifier: its rank as a digit, or `7-word` after all of them.
fn qualifier_key(q: &str) -> String {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => i.to_string(),
        None => format!("7-{q}"),
    }
}

fn string_item(value: &str, followed_by_digit: bool) -> Item {
    let value = match (value, followed_by_digit) {
        ("a", true) => "alpha",
        ("b", true) => "beta",
        ("m", true) => "milestone",
        ("ga" | "final" | "release", _) => "",
        ("cr", _) => "rc",
        (v, _) => v,
    };
    Item::Str(value.to_string())
}

fn int_item(digits: &str) -> Item {
    Item::Int(digits.trim_start_matches('0').as_bytes().to_vec())
}

fn item(digit: bool, text: &str) -> Item {
    if digit {
        int_item(text)
    } else {
        string_item(text, false)
    }
}

fn is_null(item: &Item) -> bool {
    match item {
        Item::Int(v) => v.is_empty(),
        Item::Str(s) => s.is_empty(),
        Item::List(l) => l.is_empty(),
    }
}

fn normalize(list: &mut Vec<Item>) {
    // Maven walks back from the end: null items go, a non-null list is stepped over, any
    // other non-null item stops the walk.
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if is_null(&list[i]) {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
}

/// Parses into nested lists: each `-` or digit/letter boundary opens a list inside the
/// current one, as Maven does (a path of indices stands for Maven's stack of lists).
fn parse(version: &str) -> Item {
    let version = version.trim().to_ascii_lowercase();
    let chars: Vec<char> = version.chars().collect();
    // The lists being filled, outermost first.
    let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
    let mut digit = false;
    let mut start = 0;
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    for (i, &c) in chars.iter().enumerate() {
        let current = stack.last_mut().expect("the root list");
        match c {
            '.' | '-' => {
                if i == start {
                    current.push(Item::Int(Vec::new()));
                } else {
                    current.push(item(digit, &text(start, i)));
                }
                start = i + 1;
                if c == '-' {
                    stack.push(Vec::new());
                }
            }
            c if c.is_ascii_digit() => {
                if !digit && i > start {
                    current.push(string_item(&text(start, i), true));
                    start = i;
                    stack.push(Vec::new());
                }
                digit = true;
            }
            _ => {
                if digit && i > start {
                    current.push(int_item(&text(start, i)));
                    start = i;
                    stack.push(Vec::new());
                }
                digit = false;
            }
        }
    }
    if chars.len() > start {
        let last = item(digit, &text(start, chars.len()));
        stack.last_mut().expect("the root list").push(last);
    }
    // Close the lists innermost first, each normalised and added to its parent.
    while stack.len() > 1 {
        let mut list = stack.pop().expect("a nested list");
        normalize(&mut list);
        stack.last_mut().expect("a parent list").push(Item::List(list));
    }
    let mut root = stack.pop().unwrap_or_default();
    normalize(&mut root);
    Item::List(root)
}

fn compare_int(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// `a` against a missing item (`None`).
fn compare_to_null(a: &Item) -> Ordering {
    match a {
        Item::Int(v) => {
            if v.is_empty() {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        Item::Str(s) => qualifier_key(s).cmp(&qualifier_key("")),
        Item::List(l) => l.first().map_or(Ordering::Equal, compare_to_null),
    }
}

fn compare_items(a: Option<&Item>, b: Option<&Item>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (Some(a), None) => compare_to_null(a),
        (None, Some(b)) => compare_to_null(b).reverse(),
        (Some(a), Some(b)) => match (a, b) {
            (Item::Int(x), Item::Int(y)) => compare_int(x, y),
            (Item::Int(_), _) => Ordering::Greater,
            (Item::Str(_), Item::Int(_)) => Ordering::Less,
            (Item::Str(x), Item::Str(y)) => qualifier_key(x).cmp(&qualifier_key(y)),
            (Item::Str(_), Item::List(_)) => Ordering::Less,
            (Item::List(_), Item::Int(_)) => Ordering::Less,
            (Item::List(_), Item::Str(_)) => Ordering::Greater,
            (Item::List(x), Item::List(y)) => {
                for i in 0..x.len().max(y.len()) {
                    match compare_items(x.get(i), y.get(i)) {
                        Ordering::Equal => {}
                        other => return other,
                    }
                }
                Ordering::Equal
            }
        },
    }
}

/// Orders two Maven versions (every string is a Maven version).
pub fn compare(a: &str, b: &str) -> Ordering {
    compare_items(Some(&parse(a)), Some(&parse(b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Orderings Maven documents for `ComparableVersion` (and its own tests), re-typed as
    /// facts.
    #[test]
    fn maven_orderings() {
        let ascending = [
            "1-alpha-1",
            "1-alpha-2",
            "1-beta-1",
            "1-milestone-1",
            "1-rc-1",
            "1-snapshot",
            "1",
            "1-sp-1",
            "1-abc",
            "1.0.1",
            "1.1",
            "1.2-alpha",
            "1.2",
            "2.0-rc1",
            "2.0",
            "2.14.1",
            "2.15.0",
            "2.17.1",
            "10.0",
        ];
        for pair in ascending.windows(2) {
            assert_eq!(compare(pair[0], pair[1]), Ordering::Less, "{} < {}", pair[0], pair[1]);
            assert_eq!(
                compare(pair[1], pair[0]),
                Ordering::Greater,
                "{} > {}",
                pair[1],
                pair[0]
            );
        }
        for (a, b) in [
            ("1", "1.0"),
            ("1", "1.0.0"),
            ("1", "1-ga"),
            ("1", "1.final"),
            ("1-release", "1"),
            ("1.0-CR1", "1.0-rc1"),
            ("1.0a1", "1.0-alpha-1"),
            ("1.0b2", "1.0-beta-2"),
            ("1.0M3", "1.0-milestone-3"),
            ("1.0-RC1", "1.0-rc-1"),
        ] {
            assert_eq!(compare(a, b), Ordering::Equal, "{a} = {b}");
        }
        assert_eq!(compare("1-foo2", "1-foo10"), Ordering::Less);
        assert_eq!(compare("1-1", "1"), Ordering::Greater);
        assert_eq!(compare("2.0.0.Final", "2.0.0"), Ordering::Equal);
    }
}
