//! OSV records (schema 1.7), read leniently: unknown keys are ignored, `null` reads as
//! absent, and only what matching and reporting need is kept.

use serde::{Deserialize, Deserializer};

fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// One OSV record.
#[derive(Debug, Default, Deserialize)]
pub struct Record {
    pub id: String,
    #[serde(default, deserialize_with = "nullable")]
    pub modified: String,
    #[serde(default, deserialize_with = "nullable")]
    pub published: String,
    /// Set when the record was withdrawn: such a record matches nothing.
    #[serde(default, deserialize_with = "nullable")]
    pub withdrawn: String,
    #[serde(default, deserialize_with = "nullable")]
    pub aliases: Vec<String>,
    /// (1.7.0) Records this one derives from (`DEBIAN-CVE-…` → `CVE-…`).
    #[serde(default, deserialize_with = "nullable")]
    pub upstream: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub summary: String,
    #[serde(default, deserialize_with = "nullable")]
    pub details: String,
    #[serde(default, deserialize_with = "nullable")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "nullable")]
    pub affected: Vec<Affected>,
    #[serde(default, deserialize_with = "nullable")]
    pub references: Vec<Reference>,
    #[serde(default, deserialize_with = "nullable")]
    pub database_specific: serde_json::Value,
}

#[derive(Debug, Default, Deserialize)]
pub struct SeverityEntry {
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub kind: String,
    #[serde(default, deserialize_with = "nullable")]
    pub score: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Reference {
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub kind: String,
    #[serde(default, deserialize_with = "nullable")]
    pub url: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Affected {
    #[serde(default, deserialize_with = "nullable")]
    pub package: Package,
    #[serde(default, deserialize_with = "nullable")]
    pub severity: Vec<SeverityEntry>,
    #[serde(default, deserialize_with = "nullable")]
    pub ranges: Vec<Range>,
    #[serde(default, deserialize_with = "nullable")]
    pub versions: Vec<String>,
    #[serde(default, deserialize_with = "nullable")]
    pub ecosystem_specific: serde_json::Value,
    #[serde(default, deserialize_with = "nullable")]
    pub database_specific: serde_json::Value,
}

#[derive(Debug, Default, Deserialize)]
pub struct Package {
    #[serde(default, deserialize_with = "nullable")]
    pub ecosystem: String,
    #[serde(default, deserialize_with = "nullable")]
    pub name: String,
    #[serde(default, deserialize_with = "nullable")]
    pub purl: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct Range {
    #[serde(rename = "type", default, deserialize_with = "nullable")]
    pub kind: String,
    #[serde(default, deserialize_with = "nullable")]
    pub events: Vec<Event>,
}

/// One event; the schema allows exactly one key, and an event with none is skipped.
#[derive(Debug, Default, Deserialize)]
pub struct Event {
    #[serde(default)]
    pub introduced: Option<String>,
    #[serde(default)]
    pub fixed: Option<String>,
    #[serde(default)]
    pub last_affected: Option<String>,
    #[serde(default)]
    pub limit: Option<String>,
}

/// Reads one record from JSON text.
pub fn parse_record(bytes: &[u8]) -> Result<Record, String> {
    let record: Record = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if record.id.is_empty() {
        return Err("the record has no `id`".into());
    }
    Ok(record)
}

/// The name an ecosystem keys packages by, as the index stores it: PyPI names are
/// normalised (PEP 503); every other ecosystem is exact.
pub fn index_name(ecosystem: &str, name: &str) -> String {
    if ecosystem == "PyPI" {
        crate::version::pep440::normalize_name(name)
    } else {
        name.to_string()
    }
}
