//! Which images an archive or layout holds: `manifest.json` (every `docker save`), else
//! `index.json` (OCI layouts), whose indexes may nest and list several platforms.

use crate::store::Store;
use crate::{Budgets, ImageError};
use serde_json::Value;

/// A platform: `linux/amd64`, `linux/arm64/v8`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl Platform {
    /// `os/arch[/variant]`.
    pub fn parse(s: &str) -> Option<Platform> {
        let mut parts = s.split('/');
        let os = parts.next().filter(|p| !p.is_empty())?.to_ascii_lowercase();
        let architecture = parts.next().filter(|p| !p.is_empty())?.to_ascii_lowercase();
        let variant = parts.next().filter(|p| !p.is_empty()).map(str::to_ascii_lowercase);
        parts.next().is_none().then_some(Platform {
            os,
            architecture,
            variant,
        })
    }

    /// The platform dockward runs on, in Go's names.
    pub fn host() -> Platform {
        let architecture = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "powerpc64" => "ppc64le",
            "riscv64" => "riscv64",
            "s390x" => "s390x",
            "arm" => "arm",
            other => other,
        };
        Platform {
            os: "linux".to_string(),
            architecture: architecture.to_string(),
            variant: None,
        }
    }

    fn from_json(v: &Value) -> Option<Platform> {
        let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_ascii_lowercase);
        Some(Platform {
            os: s("os")?,
            architecture: s("architecture")?,
            variant: s("variant").filter(|v| !v.is_empty()),
        })
    }

    /// Whether an image for `self` runs where `wanted` is asked for: a missing variant
    /// matches any, and arm64 without a variant is v8.
    fn satisfies(&self, wanted: &Platform) -> bool {
        let norm = |p: &Platform| match (p.architecture.as_str(), p.variant.as_deref()) {
            ("arm64", None) => Some("v8".to_string()),
            (_, v) => v.map(str::to_string),
        };
        self.os == wanted.os
            && self.architecture == wanted.architecture
            && (wanted.variant.is_none() || norm(self) == norm(wanted))
    }
}

impl std::fmt::Display for Platform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// One image of an archive: its name, configuration member and layer members.
#[derive(Clone, Debug)]
pub(crate) struct Listed {
    pub name: Option<String>,
    pub config: String,
    /// (member, blob digest when the member name or descriptor says).
    pub layers: Vec<(String, Option<String>)>,
    /// The digests of the manifest and of the indexes above it, outermost first (OCI
    /// layouts; a `docker save` manifest names none).
    pub digests: Vec<String>,
}

fn json(store: &Store, name: &str, label: &str, budgets: &Budgets) -> Result<Value, ImageError> {
    let bytes = store
        .read_small(name, budgets.max_json_bytes)
        .map_err(|e| ImageError::new(format!("{label}: {name}"), e))?;
    // Manifests and indexes under blobs/ are named by their digest.
    if let Some(want) = digest_of_member(name).filter(|d| crate::digest::sha256_hex(d).is_some())
        && crate::digest::sha256_of(&bytes) != want
    {
        return Err(ImageError::new(
            format!("{label}: {name}"),
            "the manifest does not match its digest: the archive was altered or truncated",
        ));
    }
    serde_json::from_slice(&bytes)
        .map_err(|e| ImageError::new(format!("{label}: {name}"), format!("invalid JSON: {e}")))
}

/// `sha256:ab…` → `blobs/sha256/ab…`, for well-formed digests only.
fn blob_path(digest: &str) -> Option<String> {
    let (alg, hex) = digest.split_once(':')?;
    let ok = !alg.is_empty()
        && alg.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && !hex.is_empty()
        && hex.bytes().all(|b| b.is_ascii_hexdigit());
    ok.then(|| format!("blobs/{alg}/{hex}"))
}

/// `blobs/sha256/ab…` → `sha256:ab…`.
pub(crate) fn digest_of_member(member: &str) -> Option<String> {
    let rest = member.strip_prefix("blobs/")?;
    let (alg, hex) = rest.split_once('/')?;
    Some(format!("{alg}:{hex}"))
}

/// The images in the archive; for indexes, the ones for `platform`.
pub(crate) fn list(
    store: &Store,
    label: &str,
    platform: &Platform,
    budgets: &Budgets,
) -> Result<Vec<Listed>, ImageError> {
    if store.has("manifest.json") {
        return docker_manifest(store, label, budgets);
    }
    if store.has("index.json") {
        let index = json(store, "index.json", label, budgets)?;
        let mut leaves = Vec::new();
        walk_index(store, &index, "index.json", label, budgets, None, &[], &mut leaves)?;
        return pick_platform(leaves, platform, label);
    }
    Err(ImageError::new(
        label,
        "neither manifest.json (docker save) nor index.json (OCI image layout): not an image archive",
    ))
}

fn docker_manifest(store: &Store, label: &str, budgets: &Budgets) -> Result<Vec<Listed>, ImageError> {
    let manifest = json(store, "manifest.json", label, budgets)?;
    let here = || format!("{label}: manifest.json");
    let entries = manifest
        .as_array()
        .ok_or_else(|| ImageError::new(here(), "expected an array of images"))?;
    entries
        .iter()
        .map(|e| {
            let config = e
                .get("Config")
                .and_then(Value::as_str)
                .ok_or_else(|| ImageError::new(here(), "an image without Config"))?;
            let layers = e
                .get("Layers")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(Value::as_str)
                        .map(|m| (m.to_string(), digest_of_member(m)))
                        .collect()
                })
                .unwrap_or_default();
            let name = e
                .get("RepoTags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str)
                .map(str::to_string);
            Ok(Listed {
                name,
                config: config.to_string(),
                layers,
                digests: Vec::new(),
            })
        })
        .collect()
}

/// A manifest found under an index, with the platform its descriptor declared.
struct Leaf {
    listed: Listed,
    platform: Option<Platform>,
}

#[allow(clippy::too_many_arguments)]
fn walk_index(
    store: &Store,
    index: &Value,
    at: &str,
    label: &str,
    budgets: &Budgets,
    name: Option<String>,
    above: &[String],
    out: &mut Vec<Leaf>,
) -> Result<(), ImageError> {
    if above.len() > 4 {
        return Err(ImageError::new(
            format!("{label}: {at}"),
            "indexes nested more than 4 deep",
        ));
    }
    let Some(manifests) = index.get("manifests").and_then(Value::as_array) else {
        return Err(ImageError::new(format!("{label}: {at}"), "an index without manifests"));
    };
    for descriptor in manifests {
        let annotation = |k: &str| {
            descriptor
                .get("annotations")
                .and_then(|a| a.get(k))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        // BuildKit attestations (SBOM, provenance) are manifests too; they are no image.
        if annotation("vnd.docker.reference.type").is_some() {
            continue;
        }
        let platform = descriptor.get("platform").and_then(Platform::from_json);
        if platform.as_ref().is_some_and(|p| p.os == "unknown") {
            continue;
        }
        let Some(digest) = descriptor.get("digest").and_then(Value::as_str) else {
            continue;
        };
        let Some(member) = blob_path(digest) else {
            return Err(ImageError::new(format!("{label}: {at}"), "a malformed digest"));
        };
        let name = annotation("io.containerd.image.name")
            .or_else(|| annotation("org.opencontainers.image.ref.name").filter(|n| n.contains([':', '/'])))
            .or_else(|| name.clone());
        let media_type = descriptor.get("mediaType").and_then(Value::as_str).unwrap_or_default();
        if !store.has(&member) {
            // A layout may leave out the manifests of platforms it did not keep.
            continue;
        }
        let doc = json(store, &member, label, budgets)?;
        let is_index =
            media_type.contains("index") || media_type.contains("manifest.list") || doc.get("manifests").is_some();
        let digests: Vec<String> = above.iter().cloned().chain([digest.to_string()]).collect();
        if is_index {
            walk_index(store, &doc, &member, label, budgets, name, &digests, out)?;
            continue;
        }
        let Some(config) = doc
            .get("config")
            .and_then(|c| c.get("digest"))
            .and_then(Value::as_str)
            .and_then(blob_path)
        else {
            return Err(ImageError::new(
                format!("{label}: {member}"),
                "a manifest without a config",
            ));
        };
        let config_type = doc
            .get("config")
            .and_then(|c| c.get("mediaType"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        // Signatures and other artifacts use manifests with other config types.
        if !config_type.is_empty() && !config_type.contains("image.config") && !config_type.contains("container.image")
        {
            continue;
        }
        let layers = doc
            .get("layers")
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(|d| d.get("digest").and_then(Value::as_str))
                    .filter_map(|d| blob_path(d).map(|m| (m, Some(d.to_string()))))
                    .collect()
            })
            .unwrap_or_default();
        out.push(Leaf {
            listed: Listed {
                name,
                config,
                layers,
                digests,
            },
            platform,
        });
    }
    Ok(())
}

/// With one platform (or none declared), every image; with several, those for `wanted`.
fn pick_platform(leaves: Vec<Leaf>, wanted: &Platform, label: &str) -> Result<Vec<Listed>, ImageError> {
    let mut platforms: Vec<&Platform> = Vec::new();
    for p in leaves.iter().filter_map(|l| l.platform.as_ref()) {
        if !platforms.contains(&p) {
            platforms.push(p);
        }
    }
    if platforms.len() <= 1 {
        return Ok(leaves.into_iter().map(|l| l.listed).collect());
    }
    let offered = platforms.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    let chosen: Vec<Listed> = leaves
        .into_iter()
        .filter(|l| l.platform.as_ref().is_none_or(|p| p.satisfies(wanted)))
        .map(|l| l.listed)
        .collect();
    if chosen.is_empty() {
        return Err(ImageError::new(
            label,
            format!("no image for platform {wanted} (the index offers {offered}); choose one with --platform"),
        ));
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platforms_parse_and_match() {
        let arm = Platform::parse("linux/arm64").unwrap();
        assert!(Platform::parse("linux/arm64/v8").unwrap().satisfies(&arm));
        assert!(arm.satisfies(&Platform::parse("linux/arm64/v8").unwrap()));
        assert!(!arm.satisfies(&Platform::parse("linux/amd64").unwrap()));
        assert_eq!(Platform::parse("linux"), None);
        assert_eq!(blob_path("sha256:../x"), None);
    }
}
