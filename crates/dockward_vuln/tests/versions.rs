//! Every ordering pair of `shared/corpus/versions/` (dpkg, apk, PEP 440, SemVer).

use dockward_core::testing::corpus_subdir;
use dockward_vuln::version::{Scheme, apk};
use std::cmp::Ordering;

fn lines(name: &str) -> Option<Vec<String>> {
    let dir = corpus_subdir("versions")?;
    let text = std::fs::read_to_string(dir.join(name)).unwrap();
    Some(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
    )
}

fn op(op: &str) -> Ordering {
    match op {
        "<" => Ordering::Less,
        ">" => Ordering::Greater,
        "=" => Ordering::Equal,
        other => panic!("unknown operator {other}"),
    }
}

/// `A op B` pairs of a corpus file, checked both ways round.
fn check_pairs(file: &str, scheme: Scheme) {
    let Some(lines) = lines(file) else { return };
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in &lines {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let [a, o, b] = parts[..] else {
            panic!("{file}: cannot read `{line}`")
        };
        let want = op(o);
        let got = scheme.compare(a, b);
        let back = scheme.compare(b, a);
        if got != Some(want) || back != Some(want.reverse()) {
            failures.push(format!("{line}: got {got:?} / reversed {back:?}"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "{file}:\n{}", failures.join("\n"));
    assert!(checked >= 10, "{file}: only {checked} pairs");
}

#[test]
fn dpkg_pairs() {
    check_pairs("dpkg.txt", Scheme::Dpkg);
}

#[test]
fn pep440_pairs() {
    check_pairs("pep440.txt", Scheme::Pep440);
}

#[test]
fn semver_pairs() {
    check_pairs("semver.txt", Scheme::Semver);
}

/// apk's file also has validity lines (`version` valid, `!version` invalid) and fuzzy
/// operators (`~`, `!~`, `<~`, `>~`).
#[test]
fn apk_pairs() {
    let Some(lines) = lines("apk.txt") else { return };
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in &lines {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let ok = match parts[..] {
            [single] => match single.strip_prefix('!') {
                Some(invalid) => !apk::is_valid(invalid),
                None => apk::is_valid(single),
            },
            [a, o, b] => match o {
                "~" => apk::compare_fuzzy(a, b, true) == Ordering::Equal,
                "!~" => apk::compare_fuzzy(a, b, true) != Ordering::Equal,
                "<~" => apk::compare_fuzzy(a, b, true) == Ordering::Less,
                ">~" => apk::compare_fuzzy(a, b, true) == Ordering::Greater,
                o => {
                    let want = op(o);
                    apk::compare(a, b) == want && apk::compare(b, a) == want.reverse()
                }
            },
            _ => panic!("apk.txt: cannot read `{line}`"),
        };
        if !ok {
            failures.push(line.clone());
        }
        checked += 1;
    }
    // The lone `!` line (an empty version must be invalid) reads as one token.
    assert!(!apk::is_valid(""));
    assert!(failures.is_empty(), "apk.txt failures:\n{}", failures.join("\n"));
    assert!(checked >= 100, "only {checked} lines");
}

/// Random strings over the characters versions are made of: every ordering answers the
/// same both ways round and is transitive on triples (a sort of events relies on both).
#[test]
fn orderings_are_consistent_on_random_strings() {
    const ALPHABET: &[u8] = b"0123456789..--~_+:^abrpv";
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut random = || {
        let len = (next() % 9) as usize;
        (0..len)
            .map(|_| ALPHABET[(next() % ALPHABET.len() as u64) as usize] as char)
            .collect::<String>()
    };
    let schemes = [
        Scheme::Dpkg,
        Scheme::Apk,
        Scheme::Rpm,
        Scheme::Semver,
        Scheme::Go,
        Scheme::Pep440,
        Scheme::Maven,
    ];
    for _ in 0..20_000 {
        let (a, b, c) = (random(), random(), random());
        for scheme in schemes {
            let ab = scheme.compare(&a, &b);
            assert_eq!(
                ab.map(Ordering::reverse),
                scheme.compare(&b, &a),
                "{scheme:?} {a:?} {b:?}"
            );
            // Maven's own algorithm is not transitive on malformed versions (`""` = `-.^a`
            // but `""` < `p` < `-.^a`); matching does not rely on it (no sorting).
            if scheme == Scheme::Maven {
                continue;
            }
            if let (Some(ab), Some(bc), Some(ac)) = (ab, scheme.compare(&b, &c), scheme.compare(&a, &c))
                && ab == bc
                && ab != Ordering::Equal
            {
                assert_eq!(ac, ab, "{scheme:?} not transitive: {a:?} {b:?} {c:?}");
            }
        }
    }
}
