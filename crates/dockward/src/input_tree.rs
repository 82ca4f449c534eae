//! What `dockward sbom` and `dockward vulns` read packages from: a folder (a container's
//! root file system copied out), or an image — a `docker save` archive or an OCI layout,
//! whose layers the image reader merges in memory. The image reader keeps the content of
//! the files the package inventory reads (package databases, release files, Python and
//! npm metadata); binaries and jars inside images are listed by the reader but not kept,
//! so Go, Rust and Java packages of images are not inventoried.

use dockward_model::image::{FileKind, ImageFiles};
use dockward_vuln::tree::{DirTree, FileMeta, FileTree, Listing, TreeError};
use std::path::Path;

/// A folder or an image's merged file system.
pub enum InputTree {
    Dir(DirTree),
    Image { name: String, files: Box<ImageFiles> },
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
        let images = dockward_image::read_path(path, &dockward_image::ReadOptions::default())
            .map_err(|e| format!("{}: {e}", path.display()))?;
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
        let name = first.spec.name.clone();
        let files = first
            .spec
            .files
            .ok_or_else(|| format!("{}: the image's layers were not read", path.display()))?;
        Ok((
            InputTree::Image {
                name,
                files: Box::new(files),
            },
            warnings,
        ))
    }

    /// The SBOM's subject: the image's name, or the folder's.
    pub fn image_name(&self) -> Option<&str> {
        match self {
            InputTree::Image { name, .. } => Some(name),
            InputTree::Dir(_) => None,
        }
    }
}

impl FileTree for InputTree {
    fn list(&self, prefix: &str) -> Listing {
        match self {
            InputTree::Dir(dir) => dir.list(prefix),
            // Only files whose content the reader kept: the others could not be read.
            InputTree::Image { files, .. } => Listing {
                files: files
                    .under(prefix)
                    .filter(|(_, f)| f.kind == FileKind::Regular && f.content.is_some())
                    .map(|(path, f)| FileMeta {
                        path: path.to_string(),
                        size: f.size,
                        mode: f.mode,
                    })
                    .collect(),
                truncated: !files.complete,
                errors: Vec::new(),
            },
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
