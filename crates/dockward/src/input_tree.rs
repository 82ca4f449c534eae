//! What `dockward sbom` and `dockward vulns` read packages from: a folder (a container's
//! root file system copied out), or an image — a `docker save` archive or an OCI layout,
//! whose layers the image reader merges in memory. The image reader keeps the content of
//! the files the package inventory reads (package databases, release files, Python and
//! npm metadata, Java archives within their budget); executables are not kept, only what
//! the reader found in them while they streamed (Go build information, cargo-auditable
//! data), which the tree hands to the inventory in their place.
//!
//! An image tree also answers which layer wrote a file and every layer's version of the
//! package databases, so that the inventory can tell which layer added each package.

use dockward_model::image::{FileKind, ImageFiles, ImageSpec};
use dockward_vuln::tree::{DirTree, FileMeta, FileTree, Listing, TreeError};
use std::path::Path;

/// A folder or an image's merged file system.
pub enum InputTree {
    Dir(DirTree),
    Image {
        name: String,
        /// The digests that name the image (`ImageSpec::digests`).
        digests: Vec<String>,
        files: Box<ImageFiles>,
        layers: Vec<LayerLabel>,
    },
}

/// How findings name a layer: its digest, and the build step that made it.
#[derive(Clone, Debug, Default)]
pub struct LayerLabel {
    pub digest: String,
    /// The history's `created_by`, shortened to one line (empty when unknown).
    pub created_by: String,
}

/// A history `created_by` as a short line: the shell prefix Docker writes dropped (`/bin/sh
/// -c #(nop) ` before instructions, `/bin/sh -c ` before RUN commands), BuildKit's `#
/// buildkit` marker dropped, whitespace folded, control characters escaped, and cut at 100
/// characters.
pub fn short_created_by(created_by: &str) -> String {
    let text = created_by.trim();
    let text = text.strip_suffix("# buildkit").unwrap_or(text).trim_end();
    let text = if let Some(rest) = text.strip_prefix("/bin/sh -c #(nop)") {
        rest.trim_start().to_string()
    } else if let Some(rest) = text.strip_prefix("/bin/sh -c ") {
        format!("RUN {}", rest.trim_start())
    } else if let Some(rest) = text.strip_prefix("RUN /bin/sh -c ") {
        format!("RUN {}", rest.trim_start())
    } else {
        text.to_string()
    };
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    dockward_core::text::printable(&folded, 100)
}

impl LayerLabel {
    /// The labels of an image's layers, bottom first.
    pub fn of(spec: &ImageSpec) -> Vec<LayerLabel> {
        spec.layers
            .iter()
            .map(|layer| LayerLabel {
                digest: layer.digest.clone(),
                created_by: layer
                    .history
                    .and_then(|h| spec.history.get(h))
                    .map(|h| short_created_by(&h.created_by))
                    .unwrap_or_default(),
            })
            .collect()
    }
}

impl InputTree {
    /// A folder that is not an image layout is read as a folder; a file, or a folder
    /// holding `oci-layout` or `manifest.json`, as an image (the first image of an archive
    /// that holds several, for the host's platform).
    pub fn open(path: &Path) -> Result<(InputTree, Vec<String>), String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let is_layout = meta.is_dir() && (path.join("oci-layout").is_file() || path.join("manifest.json").is_file());
        if meta.is_dir() && !is_layout {
            return Ok((InputTree::Dir(DirTree::new(path)), Vec::new()));
        }
        let options = dockward_image::ReadOptions {
            inventory: true,
            ..dockward_image::ReadOptions::default()
        };
        let images = dockward_image::read_path(path, &options).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut images = images.into_iter();
        let Some(first) = images.next() else {
            return Err(format!("{}: no image in it", path.display()));
        };
        let mut warnings: Vec<String> = first.errors.iter().map(ToString::to_string).collect();
        if images.next().is_some() {
            warnings.push(format!(
                "{} holds several images; only {} is read",
                path.display(),
                first.spec.name
            ));
        }
        let tree = InputTree::from_image(first.spec)
            .ok_or_else(|| format!("{}: the image's layers were not read", path.display()))?;
        Ok((tree, warnings))
    }

    /// An image read by the image reader; `None` when its layers were not read.
    pub fn from_image(mut spec: ImageSpec) -> Option<InputTree> {
        let layers = LayerLabel::of(&spec);
        let files = spec.files.take()?;
        Some(InputTree::Image {
            name: spec.name,
            digests: spec.digests,
            files: Box::new(files),
            layers,
        })
    }

    /// The layer `index` of an image.
    pub fn layer(&self, index: u32) -> Option<&LayerLabel> {
        match self {
            InputTree::Image { layers, .. } => layers.get(index as usize),
            InputTree::Dir(_) => None,
        }
    }

    /// The SBOM's subject: the image's name, or the folder's.
    pub fn image_name(&self) -> Option<&str> {
        match self {
            InputTree::Image { name, .. } => Some(name),
            InputTree::Dir(_) => None,
        }
    }

    /// The image, as VEX statements about `pkg:oci/…` products are matched against it.
    pub fn vex_image(&self) -> Option<dockward_vuln::vex::VexImage<'_>> {
        match self {
            InputTree::Image { name, digests, .. } => Some(dockward_vuln::vex::VexImage { name, digests }),
            InputTree::Dir(_) => None,
        }
    }
}

impl FileTree for InputTree {
    fn list(&self, prefix: &str) -> Listing {
        match self {
            InputTree::Dir(dir) => dir.list(prefix),
            // Only files whose content the reader kept, or executables it found Go build
            // information or cargo-auditable data in: the others could not be read.
            InputTree::Image { files, .. } => Listing {
                files: files
                    .under(prefix)
                    .filter(|(path, f)| {
                        f.kind == FileKind::Regular
                            && (f.content.is_some()
                                || files.build_info_of(path).is_some()
                                || files.cargo_auditable_of(path).is_some())
                    })
                    .map(|(path, f)| FileMeta {
                        path: path.to_string(),
                        size: f.size,
                        mode: f.mode,
                    })
                    .collect(),
                truncated: !files.complete,
                errors: (files.java_archives_over_budget > 0)
                    .then(|| TreeError {
                        path: "Java archives".to_string(),
                        message: format!(
                            "{} not kept (over the image's {} MiB budget for them): their packages are not listed",
                            files.java_archives_over_budget,
                            dockward_image::Budgets::default().max_java_archive_bytes >> 20
                        ),
                    })
                    .into_iter()
                    .collect(),
            },
        }
    }

    fn db_versions(&self, path: &str) -> Option<Vec<(u32, Option<Vec<u8>>)>> {
        match self {
            // A layer that could not be read may have held a version: no attribution.
            InputTree::Image { files, .. } if files.complete => Some(
                files
                    .db_versions
                    .of(path)?
                    .into_iter()
                    .map(|v| (v.layer, v.content.as_ref().map(|c| c.to_vec())))
                    .collect(),
            ),
            _ => None,
        }
    }

    fn go_build_info(&self, path: &str) -> Option<Vec<u8>> {
        match self {
            InputTree::Image { files, .. } => files.build_info_of(path).map(<[u8]>::to_vec),
            InputTree::Dir(_) => None,
        }
    }

    fn cargo_auditable(&self, path: &str) -> Option<Vec<u8>> {
        match self {
            InputTree::Image { files, .. } => files.cargo_auditable_of(path).map(<[u8]>::to_vec),
            InputTree::Dir(_) => None,
        }
    }

    fn layer_of(&self, path: &str) -> Option<u32> {
        match self {
            InputTree::Image { files, .. } => files.get(path).map(|f| f.layer),
            InputTree::Dir(_) => None,
        }
    }

    fn read(&self, path: &str, max_bytes: u64) -> Result<Vec<u8>, TreeError> {
        let error = |message: &str| TreeError {
            path: path.to_string(),
            message: message.to_string(),
        };
        match self {
            InputTree::Dir(dir) => dir.read(path, max_bytes),
            InputTree::Image { files, .. } => {
                let (_, file) = files
                    .resolve(path, 40)
                    .map_err(|e| error(&e.to_string()))?
                    .ok_or_else(|| error("not in the image"))?;
                let content = file
                    .content
                    .as_ref()
                    .ok_or_else(|| error("its content is not kept by the image reader"))?;
                if content.len() as u64 > max_bytes {
                    return Err(error("larger than the limit"));
                }
                Ok(content.to_vec())
            }
        }
    }
}
