//! dockward's image reader: `docker save` archives (the legacy layout and the OCI layout
//! Docker ≥ 25 writes), OCI image layouts (a folder or a tar), compressed or not, and
//! engine exports (a stream, spooled to a temporary file).
//!
//! Each layer is streamed once, decompressed by what its first bytes say, and applied to a
//! merged file index in memory (whiteouts, opaque folders, links kept as links); nothing
//! is extracted. What it may cost is bounded by [`Budgets`]; a budget that runs out is an
//! error naming the image, the layer and the entry. The result is an
//! [`ImageSpec`](dockward_model::image::ImageSpec) per image; this crate knows nothing of
//! rules.

mod budget;
mod cargo_auditable;
mod digest;
mod error;
mod go_build_info;
mod layer;
mod manifest;
mod store;
#[cfg(feature = "testing")]
pub mod testing;

pub use budget::Budgets;
pub use error::ImageError;
pub use manifest::Platform;

pub use dockward_model::image::{ContentHit, ContentProbe};

use dockward_model::image::{ImageFiles, ImageSpec, Layer, image_object, lower_config, lower_history};
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;
use store::Store;

/// Where the reader is, for a progress display: reported when a layer starts and then
/// every few MiB of the layer's blob.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress<'a> {
    /// The image's name, as findings give it.
    pub image: &'a str,
    /// 1-based number of the layer being read, and how many the image has.
    pub layer: usize,
    pub layers: usize,
    /// Bytes of the layer's blob (as stored, compressed or not) read so far, and its size.
    pub read: u64,
    pub size: u64,
}

/// Called with the reader's progress.
pub type ProgressFn = Arc<dyn Fn(&Progress<'_>) + Send + Sync>;

/// How to read.
#[derive(Clone, Default)]
pub struct ReadOptions {
    pub budgets: Budgets,
    /// The platform to pick from a multi-platform index; the host's when `None`.
    pub platform: Option<Platform>,
    /// The name findings give an image the archive does not name (an untagged save, an
    /// engine export of `sha256:…`); the archive's file name when `None`.
    pub name: Option<String>,
    /// Read only configuration and history, not the layers.
    pub config_only: bool,
    /// Offered the content of every regular text file of every layer (within
    /// [`PROBE_CAP`](dockward_model::image::PROBE_CAP)) as the layer streams; its hits go
    /// to `ImageFiles::content_hits`. `None`: only the files the model keeps are read.
    pub content_probe: Option<Arc<dyn ContentProbe>>,
    /// Told where the reader is (`dockward image` draws a progress line with it).
    pub progress: Option<ProgressFn>,
    /// Keep what the package inventory reads besides the package databases: the Go build
    /// information and cargo-auditable data of executables, and Java archives whole (within
    /// `budgets.max_java_archive_bytes`). For `vulns`, `sbom` and `image --vulns`.
    pub inventory: bool,
}

impl std::fmt::Debug for ReadOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadOptions")
            .field("budgets", &self.budgets)
            .field("platform", &self.platform)
            .field("name", &self.name)
            .field("config_only", &self.config_only)
            .field("content_probe", &self.content_probe.is_some())
            .field("progress", &self.progress.is_some())
            .field("inventory", &self.inventory)
            .finish()
    }
}

/// One image read: its model, and what went wrong while reading it without stopping it
/// (a layer that ran over a budget, an entry skipped). When `errors` is not empty,
/// `spec.files` is marked incomplete.
#[derive(Debug)]
pub struct ImageRead {
    pub spec: ImageSpec,
    pub errors: Vec<ImageError>,
}

/// A name safe to put in a message: control characters escaped, long names cut.
pub(crate) fn safe_name(s: &str) -> String {
    dockward_core::text::printable(s, 200)
}

/// Reads every image of an archive file or layout folder (for an index, the images for
/// the chosen platform).
pub fn read_path(path: &Path, options: &ReadOptions) -> Result<Vec<ImageRead>, ImageError> {
    let store = Store::open(path, &options.budgets)?;
    let label = path.display().to_string();
    let fallback = options.name.clone().unwrap_or_else(|| {
        path.file_name()
            .map_or_else(|| label.clone(), |n| n.to_string_lossy().into_owned())
    });
    read_store(&store, &label, &fallback, options)
}

/// Reads the images of a `docker save`-format stream (`GET /images/{name}/get`). The
/// stream is written to a temporary file first (within `max_spool_bytes`): an archive's
/// manifest comes after the blobs it names.
pub fn read_stream(stream: impl Read, label: &str, options: &ReadOptions) -> Result<Vec<ImageRead>, ImageError> {
    let store = Store::spool(stream, label, &options.budgets)?;
    let fallback = options.name.clone().unwrap_or_else(|| label.to_string());
    read_store(&store, label, &fallback, options)
}

fn read_store(store: &Store, label: &str, fallback: &str, options: &ReadOptions) -> Result<Vec<ImageRead>, ImageError> {
    let platform = options.platform.clone().unwrap_or_else(Platform::host);
    let listed = manifest::list(store, label, &platform, &options.budgets)?;
    if listed.is_empty() {
        return Err(ImageError::new(label, "the archive holds no image"));
    }
    let mut shared = SharedLayers::plan(&listed);
    Ok(listed
        .iter()
        .map(|image| read_one(store, label, fallback, image, options, &mut shared))
        .collect())
}

/// Images of one archive often share their lower layers (a base image and the images built
/// on it, saved together). Their merged index after the shared layers is the same, so it is
/// kept once read and the next image starts from it: each shared layer is read once.
struct SharedLayers {
    /// Layer member lists (prefixes) a later image starts with, longest first per image.
    wanted: Vec<Vec<String>>,
    kept: Vec<Kept>,
}

/// For a wanted prefix of layers: the index after it, the budget spent, and the errors its
/// layers gave (located with the first image's object name, `object`).
struct Kept {
    prefix: Vec<String>,
    files: ImageFiles,
    spent: layer::Spent,
    errors: Vec<ImageError>,
    object: String,
}

impl SharedLayers {
    fn plan(listed: &[manifest::Listed]) -> Self {
        let members = |l: &manifest::Listed| l.layers.iter().map(|(m, _)| m.clone()).collect::<Vec<_>>();
        let mut wanted: Vec<Vec<String>> = Vec::new();
        for (i, image) in listed.iter().enumerate() {
            let mine = members(image);
            let longest = listed[..i]
                .iter()
                .map(|earlier| mine.iter().zip(&members(earlier)).take_while(|(a, b)| a == b).count())
                .max()
                .unwrap_or(0);
            if longest > 0 && !wanted.iter().any(|w| w[..] == mine[..longest]) {
                wanted.push(mine[..longest].to_vec());
            }
        }
        Self {
            wanted,
            kept: Vec::new(),
        }
    }

    fn wants(&self, prefix: &[String]) -> bool {
        self.wanted.iter().any(|w| w[..] == *prefix) && !self.kept.iter().any(|k| k.prefix[..] == *prefix)
    }

    /// The longest kept prefix of `members`.
    fn best(&self, members: &[String]) -> Option<&Kept> {
        self.kept
            .iter()
            .filter(|k| members.starts_with(&k.prefix))
            .max_by_key(|k| k.prefix.len())
    }
}

/// The digest a configuration member is named by: `blobs/sha256/HEX` (OCI layouts,
/// Docker ≥ 25) or `HEX.json` (the legacy `docker save` layout names it by the image id,
/// the configuration's sha256).
fn config_digest(member: &str) -> Option<String> {
    let digest = manifest::digest_of_member(member)
        .or_else(|| member.strip_suffix(".json").map(|hex| format!("sha256:{hex}")))?;
    digest::sha256_hex(&digest).is_some().then_some(digest)
}

fn read_one(
    store: &Store,
    label: &str,
    fallback: &str,
    image: &manifest::Listed,
    options: &ReadOptions,
    shared: &mut SharedLayers,
) -> ImageRead {
    let budgets = &options.budgets;
    let name = image.name.clone().unwrap_or_else(|| fallback.to_string());
    let object = image_object(&name);
    let mut errors = Vec::new();
    let config: Value = match store.read_small(&image.config, budgets.max_json_bytes) {
        Ok(bytes) => {
            if let Some(want) = config_digest(&image.config)
                && digest::sha256_of(&bytes) != want
            {
                errors.push(ImageError::new(
                    format!("{label}: {}", image.config),
                    format!("the configuration does not match its digest {want}: the archive was altered or truncated"),
                ));
            }
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                errors.push(ImageError::new(
                    format!("{label}: {}", image.config),
                    format!("invalid image configuration: {e}"),
                ));
                Value::Null
            })
        }
        Err(e) => {
            errors.push(ImageError::new(format!("{label}: {}", image.config), e));
            Value::Null
        }
    };
    let diff_ids: Vec<String> = config
        .pointer("/rootfs/diff_ids")
        .and_then(Value::as_array)
        .map(|d| d.iter().filter_map(Value::as_str).map(str::to_string).collect())
        .unwrap_or_default();
    let use_diff_ids = diff_ids.len() == image.layers.len();
    let history = lower_history(config.get("history"), &object, "/history", image.layers.len());
    let mut layers: Vec<Layer> = image
        .layers
        .iter()
        .enumerate()
        .map(|(i, (member, digest))| Layer {
            digest: if use_diff_ids {
                diff_ids[i].clone()
            } else {
                digest.clone().unwrap_or_else(|| member.clone())
            },
            history: None,
        })
        .collect();
    for (i, entry) in history.iter().enumerate() {
        if let Some(layer) = entry.layer.and_then(|l| layers.get_mut(l)) {
            layer.history = Some(i);
        }
    }
    let platform = match (
        config.get("os").and_then(Value::as_str),
        config.get("architecture").and_then(Value::as_str),
    ) {
        (Some(os), Some(arch)) => Some(match config.get("variant").and_then(Value::as_str) {
            Some(v) if !v.is_empty() => format!("{os}/{arch}/{v}"),
            _ => format!("{os}/{arch}"),
        }),
        _ => None,
    };
    let files = (!options.config_only).then(|| {
        let mut files = ImageFiles::new();
        let mut spent = layer::Spent::default();
        let members: Vec<String> = image.layers.iter().map(|(m, _)| m.clone()).collect();
        let layer_errors_from = errors.len();
        let mut start = 0;
        if let Some(kept) = shared.best(&members) {
            start = kept.prefix.len();
            files = kept.files.clone();
            spent = kept.spent.clone();
            // The errors of those layers, located in this image.
            errors.extend(kept.errors.iter().map(|e| {
                let location = match e.location.strip_prefix(kept.object.as_str()) {
                    Some(rest) => format!("{object}{rest}"),
                    None => e.location.clone(),
                };
                ImageError::new(location, e.message.clone())
            }));
        }
        for (i, (member, blob_digest)) in image.layers.iter().enumerate().skip(start) {
            let place_label = format!("{object} layer {}", layers[i].digest);
            let place = layer::LayerPlace {
                label: &place_label,
                index: i as u32,
                blob_digest: blob_digest.as_deref(),
                diff_id: use_diff_ids.then(|| diff_ids[i].as_str()),
            };
            let result = match store.open_member(member) {
                Ok((blob, size)) => {
                    let progress = |read: u64| {
                        if let Some(progress) = &options.progress {
                            progress(&Progress {
                                image: &name,
                                layer: i + 1,
                                layers: image.layers.len(),
                                read,
                                size,
                            });
                        }
                    };
                    progress(0);
                    let watchers = layer::Watchers {
                        probe: options.content_probe.as_deref(),
                        tick: options.progress.is_some().then_some(&progress as &dyn Fn(u64)),
                        inventory: options.inventory,
                    };
                    layer::read_layer(blob, &place, budgets, &mut spent, &mut files, &mut errors, &watchers)
                }
                Err(e) => Err(ImageError::new(
                    format!("{label}: {member}"),
                    format!("cannot open the layer: {e}"),
                )),
            };
            if let Err(e) = result {
                files.complete = false;
                errors.push(e);
                // Over the entry or byte budget for the whole image: later layers would
                // only fail the same way.
                if spent.entries > budgets.max_entries || spent.bytes >= budgets.max_image_bytes {
                    break;
                }
            }
            if shared.wants(&members[..=i]) {
                shared.kept.push(Kept {
                    prefix: members[..=i].to_vec(),
                    files: files.clone(),
                    spent: spent.clone(),
                    errors: errors[layer_errors_from..].to_vec(),
                    object: object.clone(),
                });
            }
        }
        files
    });
    let mut files = files;
    if let Some(files) = &mut files
        && !errors.is_empty()
    {
        // Skipped entries: what is missing may be what a rule looks for.
        files.complete = false;
    }
    let mut image_config = lower_config(config.get("config"), &object, "/config");
    if config.is_null() {
        // The configuration could not be read: what it would have said is unknown, not
        // Docker's default (no "runs as root" for an image whose User is unreadable).
        for field in [&mut image_config.user, &mut image_config.working_dir] {
            field.unknown_if_unset();
        }
        image_config.healthcheck.unknown_if_unset();
        image_config.entrypoint.unknown_if_unset();
        image_config.cmd.unknown_if_unset();
    }
    let digests = image
        .digests
        .iter()
        .cloned()
        .chain(config_digest(&image.config))
        .collect();
    ImageRead {
        spec: ImageSpec {
            name,
            platform,
            config: image_config,
            history,
            layers,
            files,
            digests,
        },
        errors,
    }
}
