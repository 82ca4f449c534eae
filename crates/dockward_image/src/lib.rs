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
mod error;
mod layer;
mod manifest;
mod store;
#[cfg(feature = "testing")]
pub mod testing;

pub use budget::Budgets;
pub use error::ImageError;
pub use manifest::Platform;

use dockward_model::image::{ImageFiles, ImageSpec, Layer, image_object, lower_config, lower_history};
use serde_json::Value;
use std::io::Read;
use std::path::Path;
use store::Store;

/// How to read.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    pub budgets: Budgets,
    /// The platform to pick from a multi-platform index; the host's when `None`.
    pub platform: Option<Platform>,
    /// The name findings give an image the archive does not name (an untagged save, an
    /// engine export of `sha256:…`); the archive's file name when `None`.
    pub name: Option<String>,
    /// Read only configuration and history, not the layers.
    pub config_only: bool,
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
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i >= 200 {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
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
    Ok(listed
        .into_iter()
        .map(|image| read_one(store, label, fallback, &image, options))
        .collect())
}

fn read_one(store: &Store, label: &str, fallback: &str, image: &manifest::Listed, options: &ReadOptions) -> ImageRead {
    let budgets = &options.budgets;
    let name = image.name.clone().unwrap_or_else(|| fallback.to_string());
    let object = image_object(&name);
    let mut errors = Vec::new();
    let config: Value = match store.read_small(&image.config, budgets.max_json_bytes) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            errors.push(ImageError::new(
                format!("{label}: {}", image.config),
                format!("invalid image configuration: {e}"),
            ));
            Value::Null
        }),
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
        for (i, (member, _)) in image.layers.iter().enumerate() {
            let place_label = format!("{object} layer {}", layers[i].digest);
            let place = layer::LayerPlace {
                label: &place_label,
                index: i as u32,
            };
            let result = match store.open_member(member) {
                Ok((blob, _)) => layer::read_layer(blob, &place, budgets, &mut spent, &mut files, &mut errors),
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
    ImageRead {
        spec: ImageSpec {
            name,
            platform,
            config: image_config,
            history,
            layers,
            files,
        },
        errors,
    }
}
