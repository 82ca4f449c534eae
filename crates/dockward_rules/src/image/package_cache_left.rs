//! What the package-cache rules share: a cache folder that still holds files in the image.
//! Each cache is its own rule file (`apt_lists_left.rs`, …), reporting under the code of
//! the Dockerfile rule that asks for the same clean-up (one code per concern).

use super::ImageCx;
use dockward_core::{Finding, RuleMeta};
use dockward_model::image::FileKind;

/// Reports `dir` when it holds non-empty regular files other than `not_cache`, at the
/// newest layer that wrote into it (where the clean-up belongs).
pub(crate) fn report_cache(
    cx: &ImageCx<'_>,
    out: &mut Vec<Finding>,
    meta: &'static RuleMeta,
    dir: &str,
    what: &str,
    not_cache: &[&str],
) {
    let Some(files) = cx.files() else { return };
    let mut count = 0u64;
    let mut bytes = 0u64;
    let mut newest: Option<u32> = None;
    for (path, file) in files.under(dir) {
        let name = path.rsplit('/').next().unwrap_or(path);
        if file.kind != FileKind::Regular || not_cache.contains(&name) || file.size == 0 {
            continue;
        }
        count += 1;
        bytes += file.size;
        newest = newest.max(Some(file.layer));
    }
    let Some(layer) = newest else { return };
    out.push(
        cx.finding(
            meta,
            &cx.spec.layer_at(layer, dir),
            format!("the image keeps {what}: {count} files, {bytes} bytes in {dir}"),
        )
        .with_help("remove the cache in the same RUN that fills it"),
    );
}
