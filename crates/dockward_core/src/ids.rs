//! Rule ids as users and peer tools write them, and the rules they name.
//!
//! This is the one place that reads every id form; `dockward rule`, configuration selectors
//! and suppression pragmas all go through it:
//!
//! - a dockward code (`DW101`) or rule name (`final-stage-runs-as-root`);
//! - a peer id, with or without its scheme: `DL3002`, `hadolint:DL3002`; trivy's
//!   `DS-0002`, `DS002` and `AVD-DS-0002`; `CKV_DOCKER_3`; KICS query uuids; dockle's
//!   `CIS-DI-0001`;
//! - a CWE id: `CWE-250`, `cwe:250`, or a bare `250` (only where one rule cites it);
//! - a CIS Docker Benchmark id: `cis-1.6:5.5` (what dockward cites), `cis-1.5:5.4` (the
//!   older numbering), or without a version (`cis:5.4`, `5.4`), which is ambiguous.
//!
//! Matching compares without case and without allocating: selectors and pragmas are
//! matched against every rule for every file.
//!
//! # CIS numbering
//!
//! CIS v1.6.0 inserted 5.1 "swarm mode" (formerly 7.1), so every section-5 id of v1.2–v1.5
//! (and of docker-bench-security up to its v1.6.0 tag) is one lower than its v1.6 id, and
//! section 7 lost its first item. Sections 4 and 6 are numbered alike everywhere; sections
//! 1–3 agree from v1.5 on. Ids are compared in v1.6 numbering after conversion.

use crate::RuleMeta;
use std::fmt;

/// How a bare `cis:` reference in rule metadata would be numbered. Every rule now cites
/// `cis-1.6:` (v1.6 numbering); a bare reference, should one be written again, is read the
/// way docker-bench-security printed section 5 until v1.6.1 (v1.2–v1.5 numbering).
const BARE_CIS_IN_REFERENCES: CisNumbering = CisNumbering::V1_5;

/// A CIS Docker Benchmark recommendation number such as `5.5` or `1.1.1`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct CisItem {
    parts: [u16; 3],
    len: u8,
}

impl CisItem {
    /// `5.5`, `1.1.1`: two or three dot-separated numbers.
    fn parse(text: &str) -> Option<Self> {
        let mut parts = [0u16; 3];
        let mut len = 0;
        for part in text.split('.') {
            if len == parts.len() || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            parts[len] = part.parse().ok()?;
            len += 1;
        }
        (len >= 2).then_some(Self { parts, len: len as u8 })
    }

    fn with(self, index: usize, value: u16) -> Self {
        let mut parts = self.parts;
        parts[index] = value;
        Self { parts, ..self }
    }

    /// The same recommendation in v1.6 numbering; `None` where `numbering` has it at a
    /// place this table does not map (sections 1–3 before v1.5) or has no such item.
    fn to_v16(self, numbering: CisNumbering) -> Option<Self> {
        let [section, item, _] = self.parts;
        match (numbering, section) {
            (CisNumbering::V1_6, _) | (_, 4 | 6) | (CisNumbering::V1_5, 1..=3) => Some(self),
            (_, 5) if self.len == 2 && item >= 1 => Some(self.with(1, item + 1)),
            (_, 7) if self.len == 2 && item == 1 => Some(Self {
                parts: [5, 1, 0],
                len: 2,
            }),
            (_, 7) if self.len == 2 && item >= 2 => Some(self.with(1, item - 1)),
            _ => None,
        }
    }
}

impl fmt::Display for CisItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.parts[..self.len as usize].iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "{part}")?;
        }
        Ok(())
    }
}

/// The numbering a CIS id is written in.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum CisNumbering {
    /// v1.6.0, and docker-bench-security from v1.6.1 on.
    V1_6,
    /// v1.5.0, and docker-bench-security up to its v1.6.0 tag.
    V1_5,
    /// v1.2.0–v1.4.0: like v1.5 in sections 4–7; sections 1–3 differ and are not mapped.
    V1_2,
}

impl CisNumbering {
    /// `1.6`, `v1.6`, `1.6.0` → v1.6, and so on.
    fn parse(version: &str) -> Option<Self> {
        let version = version.strip_prefix(['v', 'V']).unwrap_or(version);
        let version = version.strip_suffix(".0").unwrap_or(version);
        match version {
            "1.6" => Some(Self::V1_6),
            "1.5" => Some(Self::V1_5),
            "1.2" | "1.3" | "1.4" => Some(Self::V1_2),
            _ => None,
        }
    }
}

/// A scheme of equivalent checks, as written before the `:` of a reference.
#[derive(Clone, Copy, Debug)]
enum Scheme<'a> {
    Hadolint,
    Trivy,
    Checkov,
    Kics,
    Dockle,
    Cwe,
    Cis,
    Other(&'a str),
}

impl PartialEq for Scheme<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Scheme::Other(a), Scheme::Other(b)) => a.eq_ignore_ascii_case(b),
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

/// The comparable part of an id.
#[derive(Clone, Copy, Debug)]
enum Key<'a> {
    /// Compared without ASCII case (`DL3002`, `CKV_DOCKER_3`, a KICS uuid).
    Text(&'a str),
    /// trivy's `DS-0002` = `DS002` = 2; `CWE-250` = 250.
    Number(u32),
    /// In v1.6 numbering.
    Cis(CisItem),
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Key::Text(a), Key::Text(b)) => a.eq_ignore_ascii_case(b),
            (Key::Number(a), Key::Number(b)) => a == b,
            (Key::Cis(a), Key::Cis(b)) => a == b,
            _ => false,
        }
    }
}

/// An equivalent check: a scheme and an id within it, normalised for comparison.
#[derive(Clone, Copy, Debug, PartialEq)]
struct PeerId<'a> {
    scheme: Scheme<'a>,
    key: Key<'a>,
}

impl PeerId<'_> {
    const fn cwe(number: u32) -> Self {
        Self {
            scheme: Scheme::Cwe,
            key: Key::Number(number),
        }
    }

    const fn cis(item: CisItem) -> Self {
        Self {
            scheme: Scheme::Cis,
            key: Key::Cis(item),
        }
    }
}

/// The id spelled without ambiguity, as references write it (`trivy:DS-0002`, `cis-1.6:5.5`).
impl fmt::Display for PeerId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.scheme {
            Scheme::Hadolint => "hadolint",
            Scheme::Trivy => "trivy",
            Scheme::Checkov => "checkov",
            Scheme::Kics => "kics",
            Scheme::Dockle => "dockle",
            Scheme::Cwe => "cwe",
            Scheme::Cis => "cis-1.6",
            Scheme::Other(s) => s,
        };
        match (self.scheme, self.key) {
            (_, Key::Text(id)) => write!(f, "{scheme}:{id}"),
            (Scheme::Trivy, Key::Number(n)) => write!(f, "{scheme}:DS-{n:04}"),
            (_, Key::Number(n)) => write!(f, "{scheme}:{n}"),
            (_, Key::Cis(item)) => write!(f, "{scheme}:{item}"),
        }
    }
}

/// Reads one entry of a rule's `references` (`scheme:id`).
fn parse_reference(reference: &str) -> Option<PeerId<'_>> {
    let (scheme, id) = reference.split_once(':')?;
    if scheme == "cis" {
        let item = CisItem::parse(id)?.to_v16(BARE_CIS_IN_REFERENCES)?;
        return Some(PeerId::cis(item));
    }
    scheme_qualified(scheme, id).ok()
}

/// `scheme:id` as a user or a reference writes it; `Err` for a CIS version whose numbering
/// is not mapped, or a CIS item it does not map. A bare `cis:` is the caller's business.
fn scheme_qualified<'a>(scheme: &'a str, id: &'a str) -> Result<PeerId<'a>, Unmapped> {
    let id = id.trim();
    let is = |name: &str| scheme.eq_ignore_ascii_case(name);
    let known = [
        ("hadolint", Scheme::Hadolint),
        ("checkov", Scheme::Checkov),
        ("kics", Scheme::Kics),
        ("dockle", Scheme::Dockle),
    ];
    if let Some((_, scheme)) = known.into_iter().find(|(name, _)| is(name)) {
        return Ok(PeerId {
            scheme,
            key: Key::Text(id),
        });
    }
    let key = if is("trivy") {
        trivy_number(id).map(Key::Number)
    } else if is("cwe") {
        cwe_number(id).or_else(|| number(id)).map(Key::Number)
    } else if let Some(version) = cis_version(scheme) {
        let numbering = CisNumbering::parse(version).ok_or(Unmapped::CisVersion)?;
        let item = CisItem::parse(id).ok_or(Unmapped::CisItem)?;
        return Ok(PeerId::cis(item.to_v16(numbering).ok_or(Unmapped::CisItem)?));
    } else {
        return Ok(PeerId {
            scheme: Scheme::Other(scheme),
            key: Key::Text(id),
        });
    };
    let scheme = if is("trivy") { Scheme::Trivy } else { Scheme::Cwe };
    Ok(PeerId {
        scheme,
        key: key.unwrap_or(Key::Text(id)),
    })
}

/// The version of a versioned CIS scheme: `cis-1.6` → `1.6`, `cis-v1.6` → `v1.6`.
fn cis_version(scheme: &str) -> Option<&str> {
    let rest = strip_prefix_ci(scheme, "cis")?;
    let version = rest.strip_prefix('-').unwrap_or(rest);
    let digits = version.strip_prefix(['v', 'V']).unwrap_or(version);
    digits.starts_with(|c: char| c.is_ascii_digit()).then_some(version)
}

/// Why a recognisable id names nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unmapped {
    CisVersion,
    CisItem,
}

fn number(s: &str) -> Option<u32> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `DS-0002`, `DS002`, `AVD-DS-0002` → 2.
fn trivy_number(id: &str) -> Option<u32> {
    let id = strip_prefix_ci(id, "AVD-").unwrap_or(id);
    let rest = strip_prefix_ci(id, "DS")?;
    number(rest.strip_prefix('-').unwrap_or(rest))
}

/// `CWE-250` → 250.
fn cwe_number(id: &str) -> Option<u32> {
    number(strip_prefix_ci(id, "CWE-")?)
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

/// A KICS query id: a uuid (8-4-4-4-12 hex digits).
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// An id as a user wrote it, read once.
#[derive(Clone, Copy, Debug)]
enum Query<'a> {
    /// A code, a rule name, or an id of no recognised form (compared with the id part of
    /// every reference, so a scheme dockward does not know still works).
    Word(&'a str),
    /// A peer, CWE or versioned CIS id.
    Peer(PeerId<'a>),
    /// A bare number: CWE-n, where one rule cites it.
    Number(u32),
    /// A CIS id without a benchmark version: either numbering.
    BareCis(CisItem),
    /// A well-formed id that cannot name a rule.
    Unmapped(Unmapped),
}

impl<'a> Query<'a> {
    fn parse(id: &'a str) -> Self {
        let id = id.trim();
        if let Some((scheme, rest)) = id.split_once(':') {
            if scheme.eq_ignore_ascii_case("cis") {
                return CisItem::parse(rest.trim()).map_or(Query::Unmapped(Unmapped::CisItem), Query::BareCis);
            }
            return scheme_qualified(scheme, rest).map_or_else(Query::Unmapped, Query::Peer);
        }
        if let Some(n) = number(id) {
            return Query::Number(n);
        }
        if let Some(item) = CisItem::parse(id) {
            return Query::BareCis(item);
        }
        if let Some(n) = cwe_number(id) {
            return Query::Peer(PeerId::cwe(n));
        }
        if let Some(n) = trivy_number(id) {
            return Query::Peer(PeerId {
                scheme: Scheme::Trivy,
                key: Key::Number(n),
            });
        }
        let scheme = if ["DL", "SC"]
            .iter()
            .any(|p| strip_prefix_ci(id, p).is_some_and(|rest| number(rest).is_some()))
        {
            Scheme::Hadolint
        } else if strip_prefix_ci(id, "CKV").is_some() {
            Scheme::Checkov
        } else if is_uuid(id) {
            Scheme::Kics
        } else if ["CIS-DI-", "DKL-DI-", "DKL-LI-"]
            .iter()
            .any(|p| strip_prefix_ci(id, p).is_some())
        {
            Scheme::Dockle
        } else {
            return Query::Word(id);
        };
        Query::Peer(PeerId {
            scheme,
            key: Key::Text(id),
        })
    }

    fn matches(&self, rule: &RuleMeta) -> bool {
        match *self {
            Query::Word(word) => {
                word.eq_ignore_ascii_case(rule.code)
                    || word.eq_ignore_ascii_case(rule.name)
                    || rule.references.iter().any(|reference| {
                        let id = reference.split_once(':').map_or(*reference, |(_, id)| id);
                        id.eq_ignore_ascii_case(word)
                    })
            }
            Query::Peer(peer) => cites(rule, peer),
            Query::Number(n) => cites(rule, PeerId::cwe(n)),
            Query::BareCis(item) => {
                let (v16, older) = bare_cis_readings(item);
                cites(rule, v16) || older.is_some_and(|older| cites(rule, older))
            }
            Query::Unmapped(_) => false,
        }
    }
}

fn cites(rule: &RuleMeta, peer: PeerId<'_>) -> bool {
    rule.references
        .iter()
        .any(|reference| parse_reference(reference) == Some(peer))
}

/// A bare CIS id read as v1.6, and as v1.2–v1.5 when that reads differently.
fn bare_cis_readings(item: CisItem) -> (PeerId<'static>, Option<PeerId<'static>>) {
    let older = item.to_v16(CisNumbering::V1_5).filter(|&v16| v16 != item);
    (PeerId::cis(item), older.map(PeerId::cis))
}

/// Whether `id` names `rule` (see the module documentation for the forms).
pub fn answers_to(rule: &RuleMeta, id: &str) -> bool {
    Query::parse(id).matches(rule)
}

/// What an id names among a set of rules.
#[derive(Debug)]
pub enum Resolution<'r> {
    /// The id names these rules: one for a code or a name, possibly several for a peer,
    /// CWE or CIS id that several rules cite. `note` says how an id without a scheme or
    /// version was read, when that took a choice.
    Rules {
        rules: Vec<&'r RuleMeta>,
        note: Option<String>,
    },
    /// The id is too vague to choose: a CIS id without a version whose readings name
    /// different rules, or a bare number that several rules cite as a CWE. Each reading
    /// comes with the rules it names.
    Ambiguous(Vec<Reading<'r>>),
    /// No rule answers; `reason` says more when the id's form explains it.
    NoRule { reason: Option<String> },
}

/// One way to read an ambiguous id.
#[derive(Debug)]
pub struct Reading<'r> {
    /// The id spelled without ambiguity (`cis-1.6:5.4`, `cwe:250`).
    pub id: String,
    /// What it means, in words.
    pub meaning: String,
    pub rules: Vec<&'r RuleMeta>,
}

/// Finds the rules `id` names among `rules`, in their order.
pub fn resolve<'r>(id: &str, rules: &[&'r RuleMeta]) -> Resolution<'r> {
    let query = Query::parse(id);
    let id = id.trim();
    let citing = |peer: PeerId<'_>| -> Vec<&'r RuleMeta> { rules.iter().copied().filter(|r| cites(r, peer)).collect() };
    let found = |rules: Vec<&'r RuleMeta>, reason: String, note: Option<String>| {
        if rules.is_empty() {
            Resolution::NoRule { reason: Some(reason) }
        } else {
            Resolution::Rules { rules, note }
        }
    };
    match query {
        Query::Word(word) => {
            // A code or a name is exact; only then is the word compared with peer ids.
            let exact = rules
                .iter()
                .find(|r| word.eq_ignore_ascii_case(r.code) || word.eq_ignore_ascii_case(r.name));
            let rules: Vec<_> = match exact {
                Some(rule) => vec![*rule],
                None => rules.iter().copied().filter(|r| query.matches(r)).collect(),
            };
            if rules.is_empty() {
                Resolution::NoRule { reason: None }
            } else {
                Resolution::Rules { rules, note: None }
            }
        }
        Query::Peer(peer) => found(citing(peer), format!("no dockward rule cites {peer}"), None),
        Query::Number(n) => {
            let peer = PeerId::cwe(n);
            let cwe_rules = citing(peer);
            if cwe_rules.len() > 1 {
                return Resolution::Ambiguous(vec![Reading {
                    id: peer.to_string(),
                    meaning: format!("CWE-{n}"),
                    rules: cwe_rules,
                }]);
            }
            found(
                cwe_rules,
                format!("a bare number is read as a CWE id, and no dockward rule cites CWE-{n}"),
                Some(format!("`{id}` read as CWE-{n}")),
            )
        }
        Query::BareCis(item) => {
            let (v16, older) = bare_cis_readings(item);
            let Some(older) = older else {
                // Sections numbered alike in every version: no ambiguity.
                return found(citing(v16), format!("no dockward rule cites CIS {item}"), None);
            };
            let new_rules = citing(v16);
            let old_rules = citing(older);
            let old_meaning = format!(
                "CIS Docker Benchmark v1.2–v1.5 {item}, which is v1.6 {}",
                older_item(older)
            );
            let new_meaning = format!("CIS Docker Benchmark v1.6 {item}");
            match (new_rules.is_empty(), old_rules.is_empty()) {
                (true, true) => Resolution::NoRule {
                    reason: Some(format!(
                        "no dockward rule cites {new_meaning} or {old_meaning}; `cis:` without a version is ambiguous"
                    )),
                },
                (false, true) => Resolution::Rules {
                    rules: new_rules,
                    note: Some(format!(
                        "`{id}` read as {new_meaning} ({v16}); no rule cites {old_meaning}"
                    )),
                },
                (true, false) => Resolution::Rules {
                    rules: old_rules,
                    note: Some(format!(
                        "`{id}` read as {old_meaning} ({older}); no rule cites {new_meaning}"
                    )),
                },
                (false, false) if new_rules.iter().map(|r| r.code).eq(old_rules.iter().map(|r| r.code)) => {
                    Resolution::Rules {
                        rules: new_rules,
                        note: None,
                    }
                }
                (false, false) => Resolution::Ambiguous(vec![
                    Reading {
                        id: v16.to_string(),
                        meaning: new_meaning,
                        rules: new_rules,
                    },
                    Reading {
                        id: format!("cis-1.5:{item}"),
                        meaning: old_meaning,
                        rules: old_rules,
                    },
                ]),
            }
        }
        Query::Unmapped(Unmapped::CisVersion) => Resolution::NoRule {
            reason: Some(
                "dockward maps CIS Docker Benchmark ids of v1.2 to v1.6 (it cites v1.6: `cis-1.6:5.5`)".into(),
            ),
        },
        Query::Unmapped(Unmapped::CisItem) => Resolution::NoRule {
            reason: Some(
                "not a CIS recommendation dockward can map (write `cis-1.6:` and the v1.6 number, such as 5.5)".into(),
            ),
        },
    }
}

fn older_item(peer: PeerId<'_>) -> String {
    match peer.key {
        Key::Cis(item) => item.to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, FixAvailability, ModelKind, Severity};

    const fn rule(code: &'static str, name: &'static str, references: &'static [&'static str]) -> RuleMeta {
        RuleMeta {
            code,
            name,
            category: Category::Runtime,
            severity: Severity::High,
            summary: "",
            explanation: "",
            references,
            fix: FixAvailability::None,
            models: &[ModelKind::Container],
            opt_in: false,
        }
    }

    static ROOT: RuleMeta = rule(
        "DW101",
        "final-stage-runs-as-root",
        &[
            "cis:4.1",
            "cwe:250",
            "hadolint:DL3002",
            "trivy:DS-0002",
            "checkov:CKV_DOCKER_3",
            "dockle:CIS-DI-0001",
        ],
    );
    // Written in the older CIS numbering, as the rules' metadata is: v1.6 5.5.
    static PRIVILEGED: RuleMeta = rule(
        "DW301",
        "privileged-container",
        &["cis:5.4", "cwe:250", "kics:ae5b6871-7f45-42e0-bb4c-ab300c4d2026"],
    );
    // v1.6 5.4.
    static CAPS: RuleMeta = rule(
        "DW303",
        "capabilities-not-dropped",
        &["cis:5.3", "cwe:269", "kics:ce76b7d0-9e77-464d-b86f-c5c48e03e22d"],
    );
    static SOCKET: RuleMeta = rule("DW312", "docker-socket-mounted", &["cis-1.6:5.32", "cwe:668"]);
    static RULES: &[&RuleMeta] = &[&ROOT, &PRIVILEGED, &CAPS, &SOCKET];

    fn codes(resolution: &Resolution<'_>) -> Vec<&'static str> {
        match resolution {
            Resolution::Rules { rules, .. } => rules.iter().map(|r| r.code).collect(),
            other => panic!("expected rules, got {other:?}"),
        }
    }

    #[test]
    fn every_form_of_a_peer_id_names_the_rule() {
        for id in [
            "DW101",
            "dw101",
            "final-stage-runs-as-root",
            "Final-Stage-Runs-As-Root",
            "DL3002",
            "dl3002",
            "hadolint:DL3002",
            "HADOLINT:dl3002",
            "DS-0002",
            "DS002",
            "ds2",
            "AVD-DS-0002",
            "trivy:DS-0002",
            "trivy:AVD-DS-0002",
            "trivy:DS002",
            "CKV_DOCKER_3",
            "checkov:ckv_docker_3",
            "CIS-DI-0001",
            "dockle:CIS-DI-0001",
            " DW101 ",
        ] {
            assert_eq!(codes(&resolve(id, RULES)), ["DW101"], "{id}");
            assert!(answers_to(&ROOT, id), "{id}");
            assert!(!answers_to(&PRIVILEGED, id), "{id}");
        }
        for id in [
            "KICS:AE5B6871-7F45-42E0-BB4C-AB300C4D2026",
            "ae5b6871-7f45-42e0-bb4c-ab300c4d2026",
        ] {
            assert_eq!(codes(&resolve(id, RULES)), ["DW301"], "{id}");
        }
    }

    #[test]
    fn near_misses_name_nothing() {
        for id in [
            "DL3003",
            "DS-0003",
            "DS0020",
            "CKV_DOCKER_30",
            "DW10",
            "root",
            "cwe:251",
            "trivy:DL3002",
        ] {
            assert!(matches!(resolve(id, RULES), Resolution::NoRule { .. }), "{id}");
            assert!(!RULES.iter().any(|r| answers_to(r, id)), "{id}");
        }
    }

    #[test]
    fn versioned_cis_ids_are_compared_in_v16_numbering() {
        // The metadata's bare `cis:5.4` is the older numbering of v1.6 5.5.
        assert_eq!(codes(&resolve("cis-1.6:5.5", RULES)), ["DW301"]);
        assert_eq!(codes(&resolve("CIS-1.6.0:5.5", RULES)), ["DW301"]);
        assert_eq!(codes(&resolve("cis-v1.6:5.5", RULES)), ["DW301"]);
        assert_eq!(codes(&resolve("cis-1.5:5.4", RULES)), ["DW301"]);
        assert_eq!(codes(&resolve("cis-1.2:5.4", RULES)), ["DW301"]);
        assert_eq!(codes(&resolve("cis-1.6:5.4", RULES)), ["DW303"]);
        // A reference already in v1.6 numbering is found under both spellings.
        assert_eq!(codes(&resolve("cis-1.6:5.32", RULES)), ["DW312"]);
        assert_eq!(codes(&resolve("cis-1.5:5.31", RULES)), ["DW312"]);
        // Section 4 is numbered alike everywhere.
        assert_eq!(codes(&resolve("cis-1.2:4.1", RULES)), ["DW101"]);
        // v1.5's 7.1 became v1.6's 5.1.
        assert_eq!(
            CisItem::parse("7.1").unwrap().to_v16(CisNumbering::V1_5),
            CisItem::parse("5.1")
        );
        assert_eq!(
            CisItem::parse("7.3").unwrap().to_v16(CisNumbering::V1_5),
            CisItem::parse("7.2")
        );
        assert_eq!(CisItem::parse("2.14").unwrap().to_v16(CisNumbering::V1_2), None);
    }

    #[test]
    fn bare_cis_ids_list_both_readings_when_they_differ() {
        let Resolution::Ambiguous(readings) = resolve("cis:5.4", RULES) else {
            panic!("cis:5.4 names different rules in v1.6 and older numbering")
        };
        let summary: Vec<(&str, Vec<&str>)> = readings
            .iter()
            .map(|r| (r.id.as_str(), r.rules.iter().map(|r| r.code).collect()))
            .collect();
        assert_eq!(
            summary,
            [("cis-1.6:5.4", vec!["DW303"]), ("cis-1.5:5.4", vec!["DW301"])]
        );
        // Without a scheme, a dotted number is the same bare CIS id.
        assert!(matches!(resolve("5.4", RULES), Resolution::Ambiguous(_)));
        // Only one reading is cited: it is taken, and the note says so.
        let Resolution::Rules { rules, note } = resolve("cis:5.31", RULES) else {
            panic!("cis:5.31 read as the older numbering names DW312")
        };
        assert_eq!(rules.iter().map(|r| r.code).collect::<Vec<_>>(), ["DW312"]);
        assert!(note.unwrap().contains("v1.2–v1.5"));
        // Section 4 has one reading and no note.
        let Resolution::Rules { rules, note } = resolve("cis:4.1", RULES) else {
            panic!("cis:4.1 names DW101")
        };
        assert_eq!((rules.len(), note), (1, None));
    }

    #[test]
    fn cwe_ids_name_every_rule_that_cites_them_and_a_bare_number_only_one() {
        assert_eq!(codes(&resolve("CWE-250", RULES)), ["DW101", "DW301"]);
        assert_eq!(codes(&resolve("cwe:250", RULES)), ["DW101", "DW301"]);
        assert_eq!(codes(&resolve("cwe:CWE-250", RULES)), ["DW101", "DW301"]);
        let Resolution::Ambiguous(readings) = resolve("250", RULES) else {
            panic!("two rules cite CWE-250")
        };
        assert_eq!(readings[0].id, "cwe:250");
        assert_eq!(readings[0].rules.len(), 2);
        let Resolution::Rules { rules, note } = resolve("269", RULES) else {
            panic!("one rule cites CWE-269")
        };
        assert_eq!(rules[0].code, "DW303");
        assert!(note.is_some());
    }

    #[test]
    fn unmapped_cis_ids_say_why() {
        for id in ["cis-1.8:5.5", "cis:abc", "cis-1.2:2.14"] {
            let Resolution::NoRule { reason: Some(reason) } = resolve(id, RULES) else {
                panic!("{id} names no rule, with a reason")
            };
            assert!(reason.contains("CIS"), "{id}: {reason}");
        }
    }

    #[test]
    fn unknown_schemes_still_compare_their_id() {
        static OTHER: RuleMeta = rule("DW900", "x", &["docker-bench:C.5.3.3"]);
        assert!(answers_to(&OTHER, "docker-bench:c.5.3.3"));
        assert!(answers_to(&OTHER, "C.5.3.3"));
        assert!(!answers_to(&OTHER, "kics:C.5.3.3"));
    }
}
