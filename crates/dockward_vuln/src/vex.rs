//! OpenVEX documents (`--vex FILE.json`): statements by a supplier or by the user that a
//! vulnerability does or does not affect a product.
//!
//! A statement names a vulnerability (`vulnerability.name`, its `aliases`; a bare string
//! in 0.0.x documents), products (`@id` purls, or `identifiers.purl`; a product may list
//! `subcomponents`), and a `status`. A finding is suppressed when the last statement that
//! matches it says `not_affected` (which needs a `justification` or an
//! `impact_statement`) or `fixed`; `affected` and `under_investigation` keep it.
//!
//! A product matches a package when their purls agree on type, namespace and name, and on
//! the version when the product gives one (qualifiers are ignored: `?arch=amd64` does not
//! make a different package). A product that is the image itself (`pkg:oci/NAME…`, NAME
//! the last part of the image's repository) matches every package of the image, or only
//! its `subcomponents` when it lists some. When that product gives a version, the image's
//! digest (`pkg:oci/web@sha256%3A…`), it must be one of the image's own digests (manifest,
//! an index above it, configuration, repository digest): a statement about one build of
//! `web` says nothing about another.
//!
//! The file is untrusted: it is read with a size cap, the number of statements is capped,
//! and a statement with a missing or mistyped field is skipped with a warning naming it.

use crate::scan::VulnFinding;
use serde_json::Value;
use std::path::Path;

/// Largest VEX file read.
pub const MAX_VEX_BYTES: u64 = 16 * 1024 * 1024;
/// Most statements kept from all files together.
pub const MAX_STATEMENTS: usize = 100_000;

/// What a statement says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VexStatus {
    NotAffected,
    Affected,
    Fixed,
    UnderInvestigation,
}

impl VexStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VexStatus::NotAffected => "not_affected",
            VexStatus::Affected => "affected",
            VexStatus::Fixed => "fixed",
            VexStatus::UnderInvestigation => "under_investigation",
        }
    }

    /// Whether a finding this statement matches is left out.
    pub fn suppresses(self) -> bool {
        matches!(self, VexStatus::NotAffected | VexStatus::Fixed)
    }
}

/// One product: its purl, and the purls of its subcomponents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VexProduct {
    pub id: String,
    pub subcomponents: Vec<String>,
}

/// One usable statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VexStatement {
    /// The vulnerability's name and aliases.
    pub vulnerabilities: Vec<String>,
    pub products: Vec<VexProduct>,
    pub status: VexStatus,
    pub justification: Option<String>,
    /// `FILE#N`: where it was read, for messages.
    pub origin: String,
}

/// The statements of every `--vex` file, in the order given.
#[derive(Clone, Debug, Default)]
pub struct Vex {
    statements: Vec<VexStatement>,
    /// Statement numbers by vulnerability name or alias: a finding looks only at the
    /// statements about its own ids, not at all of them.
    by_name: std::collections::HashMap<String, Vec<usize>>,
}

/// Reads one OpenVEX file. A file that is not a JSON object with a `statements` array is
/// an error; statements that cannot be used are warnings (pushed to `warnings`).
pub fn load(path: &Path, vex: &mut Vex, warnings: &mut Vec<String>) -> Result<(), String> {
    let shown = path.display().to_string();
    let bytes = dockward_core::fs::read_regular_file(path, MAX_VEX_BYTES).map_err(|e| format!("{shown}: {e}"))?;
    let doc: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{shown}: not JSON: {e}"))?;
    parse(&doc, &shown, vex, warnings)
}

/// Reads the statements of a parsed document (see [`load`]).
pub fn parse(doc: &Value, shown: &str, vex: &mut Vex, warnings: &mut Vec<String>) -> Result<(), String> {
    let statements = doc
        .get("statements")
        .and_then(Value::as_array)
        .ok_or_else(|| format!("{shown}: not an OpenVEX document (no `statements` array)"))?;
    for (n, statement) in statements.iter().enumerate() {
        if vex.statements.len() >= MAX_STATEMENTS {
            warnings.push(format!(
                "{shown}: more than {MAX_STATEMENTS} VEX statements (budget); the rest are ignored"
            ));
            break;
        }
        let origin = format!("{shown}#{}", n + 1);
        match statement_of(statement, origin.clone()) {
            Ok(s) => {
                let at = vex.statements.len();
                for name in &s.vulnerabilities {
                    let list = vex.by_name.entry(name.clone()).or_default();
                    if list.last() != Some(&at) {
                        list.push(at);
                    }
                }
                vex.statements.push(s);
            }
            Err(why) => warnings.push(format!("{origin}: VEX statement skipped: {why}")),
        }
    }
    Ok(())
}

fn text(value: &Value, what: &str) -> Result<String, String> {
    match value.as_str() {
        Some(s) if !s.trim().is_empty() => Ok(s.trim().chars().take(1000).collect()),
        _ => Err(format!("`{what}` is not a non-empty string")),
    }
}

fn statement_of(s: &Value, origin: String) -> Result<VexStatement, String> {
    if !s.is_object() {
        return Err("not an object".into());
    }
    let mut vulnerabilities = Vec::new();
    match s.get("vulnerability") {
        Some(v @ Value::String(_)) => vulnerabilities.push(text(v, "vulnerability")?),
        Some(Value::Object(v)) => {
            vulnerabilities.push(text(v.get("name").unwrap_or(&Value::Null), "vulnerability.name")?);
            match v.get("aliases") {
                None | Some(Value::Null) => {}
                Some(Value::Array(aliases)) => {
                    for alias in aliases.iter().take(100) {
                        vulnerabilities.push(text(alias, "vulnerability.aliases[]")?);
                    }
                }
                Some(_) => return Err("`vulnerability.aliases` is not an array".into()),
            }
        }
        _ => return Err("no `vulnerability` name".into()),
    }
    let products = match s.get("products") {
        Some(Value::Array(products)) if !products.is_empty() => products
            .iter()
            .take(10_000)
            .map(product_of)
            .collect::<Result<Vec<_>, _>>()?,
        _ => return Err("`products` is not a non-empty array".into()),
    };
    let status = match s.get("status").and_then(Value::as_str) {
        Some("not_affected") => VexStatus::NotAffected,
        Some("affected") => VexStatus::Affected,
        Some("fixed") => VexStatus::Fixed,
        Some("under_investigation") => VexStatus::UnderInvestigation,
        Some(other) => {
            return Err(format!(
                "unknown status `{}`",
                other.chars().take(40).collect::<String>()
            ));
        }
        None => return Err("no `status`".into()),
    };
    let justification = s.get("justification").map(|j| text(j, "justification")).transpose()?;
    let impact = s
        .get("impact_statement")
        .map(|j| text(j, "impact_statement"))
        .transpose()?;
    if status == VexStatus::NotAffected && justification.is_none() && impact.is_none() {
        return Err("`not_affected` without a `justification` or `impact_statement`".into());
    }
    Ok(VexStatement {
        vulnerabilities,
        products,
        status,
        justification: justification.or(impact),
        origin,
    })
}

fn product_id(p: &Value) -> Result<String, String> {
    match p {
        Value::String(_) => text(p, "products[]"),
        Value::Object(o) => match (o.get("@id"), o.get("identifiers").and_then(|i| i.get("purl"))) {
            (Some(id), _) => text(id, "products[].@id"),
            (None, Some(purl)) => text(purl, "products[].identifiers.purl"),
            (None, None) => Err("a product without `@id`".into()),
        },
        _ => Err("a product is neither a string nor an object".into()),
    }
}

fn product_of(p: &Value) -> Result<VexProduct, String> {
    let id = product_id(p)?;
    let subcomponents = match p.get("subcomponents") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(subs)) => subs.iter().take(10_000).map(product_id).collect::<Result<_, _>>()?,
        Some(_) => return Err("`subcomponents` is not an array".into()),
    };
    Ok(VexProduct { id, subcomponents })
}

/// A purl's `type/namespace/name` (decoded, lower-cased for the types whose names are
/// case-insensitive) and version, qualifiers and subpath dropped.
fn purl_key(purl: &str) -> Option<(String, Option<String>)> {
    let rest = purl.strip_prefix("pkg:")?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (name, version) = match rest.rsplit_once('@') {
        // `@` of an npm scope is percent-encoded in a purl, but tolerate it written raw.
        Some((n, v)) if !n.ends_with('/') && !n.is_empty() => (n, Some(v)),
        _ => (rest, None),
    };
    let decode = |s: &str| s.replace("%40", "@").replace("%2B", "+").replace("%3A", ":");
    let name = decode(name);
    let kind = name.split('/').next().unwrap_or("");
    let name = if matches!(kind, "deb" | "apk" | "npm" | "pypi" | "oci") {
        name.to_ascii_lowercase()
    } else {
        name
    };
    Some((name, version.map(decode).filter(|v| !v.is_empty())))
}

fn purl_matches(product: &str, package: &str) -> bool {
    match (purl_key(product), purl_key(package)) {
        (Some((pn, pv)), Some((n, v))) => pn == n && (pv.is_none() || pv == v),
        _ => false,
    }
}

/// The image a finding was made in: how it is named, and the digests that name it.
#[derive(Clone, Copy, Debug)]
pub struct VexImage<'a> {
    /// `acme/web:1.2`.
    pub name: &'a str,
    /// `sha256:…` digests of its manifest, indexes, configuration, repository.
    pub digests: &'a [String],
}

/// Whether `product` is `image` (`acme/web:1.2` → `pkg:oci/web…`, and the digest when the
/// product gives one).
fn is_image(product: &str, image: VexImage<'_>) -> bool {
    let own = format!("oci/{}", crate::purl::oci_name(image.name));
    purl_key(product).is_some_and(|(name, digest)| {
        name == own && digest.is_none_or(|d| image.digests.iter().any(|own| own.eq_ignore_ascii_case(&d)))
    })
}

impl Vex {
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// How many usable statements were read.
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// The last statement about `finding`'s vulnerability and package, when any. `purl` is
    /// the package's purl; `image` the image when the tree is one.
    pub fn statement_for(
        &self,
        finding: &VulnFinding,
        purl: Option<&str>,
        image: Option<VexImage<'_>>,
    ) -> Option<&VexStatement> {
        let mut candidates: Vec<usize> = std::iter::once(&finding.vuln.id)
            .chain(&finding.vuln.aliases)
            .filter_map(|name| self.by_name.get(name))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .rev()
            .filter_map(|i| self.statements.get(i))
            .find(|s| {
                s.products.iter().any(|p| {
                    let package = |id: &str| purl.is_some_and(|purl| purl_matches(id, purl));
                    if image.is_some_and(|image| is_image(&p.id, image)) {
                        p.subcomponents.is_empty() || p.subcomponents.iter().any(|c| package(c))
                    } else {
                        package(&p.id)
                    }
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn finding(id: &str, aliases: &[&str]) -> VulnFinding {
        let vuln = crate::index::VulnData {
            id: id.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            ..Default::default()
        };
        VulnFinding {
            package: crate::inventory::Package {
                kind: crate::inventory::PackageKind::Deb,
                name: "libssl3".into(),
                version: "3.0.11-1~deb12u2".into(),
                source_name: Some("openssl".into()),
                source_version: None,
                arch: None,
                license: None,
                location: crate::inventory::Location {
                    path: "/var/lib/dpkg/status".into(),
                    range: None,
                },
                layer: None,
            },
            ecosystem: "Debian:12".into(),
            matched_name: "openssl".into(),
            matched_version: "3.0.11-1~deb12u2".into(),
            vuln,
            fixed: None,
            severity: dockward_core::Severity::High,
            data: Default::default(),
            urgency: String::new(),
        }
    }

    const PURL: &str = "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12";

    fn vex_of(doc: Value) -> (Vex, Vec<String>) {
        let mut vex = Vex::default();
        let mut warnings = Vec::new();
        parse(&doc, "vex.json", &mut vex, &mut warnings).unwrap();
        (vex, warnings)
    }

    #[test]
    fn statements_match_by_alias_and_purl_and_the_last_one_wins() {
        let (vex, warnings) = vex_of(json!({"@context": "https://openvex.dev/ns/v0.2.0", "statements": [
            {"vulnerability": {"name": "CVE-2024-1"}, "products": [{"@id": "pkg:deb/debian/libssl3"}],
             "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path"},
            {"vulnerability": {"name": "CVE-2024-2", "aliases": ["DSA-9"]},
             "products": [{"@id": "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=arm64"}], "status": "fixed"},
            {"vulnerability": "CVE-2024-3", "products": ["pkg:deb/debian/libssl3@9.9"], "status": "fixed"},
            {"vulnerability": {"name": "CVE-2024-4"}, "products": [{"@id": "pkg:deb/debian/libssl3"}],
             "status": "not_affected", "impact_statement": "not built with it"},
            {"vulnerability": {"name": "CVE-2024-4"}, "products": [{"@id": "pkg:deb/debian/libssl3"}],
             "status": "affected"},
        ]}));
        assert!(warnings.is_empty(), "{warnings:?}");
        let status = |id: &str, aliases: &[&str]| {
            vex.statement_for(&finding(id, aliases), Some(PURL), None)
                .map(|s| s.status)
        };
        assert_eq!(status("DSA-1", &["CVE-2024-1"]), Some(VexStatus::NotAffected));
        assert_eq!(status("DSA-9", &[]), Some(VexStatus::Fixed), "qualifiers do not matter");
        assert_eq!(status("CVE-2024-3", &[]), None, "another version");
        assert_eq!(
            status("CVE-2024-4", &[]),
            Some(VexStatus::Affected),
            "the later statement wins"
        );
        assert_eq!(status("CVE-2024-5", &[]), None);
        assert!(!VexStatus::Affected.suppresses() && VexStatus::Fixed.suppresses());
    }

    #[test]
    fn image_products_cover_their_packages_or_listed_subcomponents() {
        let (vex, _) = vex_of(json!({"statements": [
            {"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "pkg:oci/web@sha256%3Aab?tag=1"}],
             "status": "not_affected", "justification": "component_not_present"},
            {"vulnerability": {"name": "CVE-2"}, "products": [{"@id": "pkg:oci/web",
             "subcomponents": [{"@id": "pkg:deb/debian/zlib1g"}]}], "status": "fixed"},
            {"vulnerability": {"name": "CVE-3"}, "products": [{"@id": "pkg:oci/web"}], "status": "fixed"},
        ]}));
        let digests = ["sha256:AB".to_string(), "sha256:cd".to_string()];
        let image = |name| {
            Some(VexImage {
                name,
                digests: &digests,
            })
        };
        let f1 = finding("CVE-1", &[]);
        assert!(vex.statement_for(&f1, Some(PURL), image("acme/web:1")).is_some());
        assert!(vex.statement_for(&f1, Some(PURL), image("acme/api:1")).is_none());
        assert!(
            vex.statement_for(&f1, Some(PURL), None).is_none(),
            "a folder is no image"
        );
        let other_build = Some(VexImage {
            name: "acme/web:1",
            digests: &digests[1..],
        });
        assert!(
            vex.statement_for(&f1, Some(PURL), other_build).is_none(),
            "another build of web"
        );
        assert!(
            vex.statement_for(&finding("CVE-3", &[]), Some(PURL), other_build)
                .is_some(),
            "no digest: every build"
        );
        let f2 = finding("CVE-2", &[]);
        assert!(
            vex.statement_for(&f2, Some(PURL), image("acme/web:1")).is_none(),
            "not a subcomponent"
        );
    }

    #[test]
    fn hostile_documents_are_errors_or_skipped_statements() {
        let mut vex = Vex::default();
        let mut warnings = Vec::new();
        for bad in [
            json!([]),
            json!({"statements": {"a": 1}}),
            json!(null),
            json!({"statements": "x"}),
        ] {
            assert!(parse(&bad, "v.json", &mut vex, &mut warnings).is_err(), "{bad}");
        }
        let (vex, warnings) = vex_of(json!({"statements": [
            1, "x", null,
            {"vulnerability": 5, "products": ["pkg:deb/debian/a"], "status": "fixed"},
            {"vulnerability": {"name": ["x"]}, "products": ["pkg:deb/debian/a"], "status": "fixed"},
            {"vulnerability": {"name": "CVE-1", "aliases": "CVE-2"}, "products": ["pkg:deb/debian/a"], "status": "fixed"},
            {"vulnerability": "CVE-1", "products": [], "status": "fixed"},
            {"vulnerability": "CVE-1", "products": [{"subcomponents": []}], "status": "fixed"},
            {"vulnerability": "CVE-1", "products": [7], "status": "fixed"},
            {"vulnerability": "CVE-1", "products": ["pkg:deb/debian/a"], "status": "gone"},
            {"vulnerability": "CVE-1", "products": ["pkg:deb/debian/a"], "status": "not_affected"},
            {"vulnerability": "CVE-1", "products": ["pkg:deb/debian/a"], "status": "not_affected", "justification": 3},
            {"vulnerability": "CVE-1", "products": ["pkg:deb/debian/a"], "status": "fixed"},
        ]}));
        assert_eq!(vex.statements.len(), 1, "{warnings:?}");
        assert_eq!(warnings.len(), 12, "{warnings:?}");
        assert!(warnings.iter().all(|w| w.starts_with("vex.json#")), "{warnings:?}");
        // Many statements: capped, not grown without bound.
        let many: Vec<Value> = (0..MAX_STATEMENTS + 5)
            .map(|i| json!({"vulnerability": format!("CVE-{i}"), "products": ["pkg:npm/a"], "status": "fixed"}))
            .collect();
        let (vex, warnings) = vex_of(json!({ "statements": many }));
        assert_eq!(vex.len(), MAX_STATEMENTS);
        assert_eq!(warnings.len(), 1);
        // Looked up by name, not by walking every statement for every finding.
        for _ in 0..10_000 {
            let found = vex.statement_for(&finding("CVE-99999", &[]), Some("pkg:npm/a@1"), None);
            assert_eq!(found.map(|s| s.origin.as_str()), Some("vex.json#100000"));
        }
        // Deep nesting is refused by the JSON parser's recursion limit, not a crash.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(serde_json::from_str::<Value>(&deep).is_err());
    }
}
