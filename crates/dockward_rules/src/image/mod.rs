//! Rules that read a built image (`ImageSpec`): its configuration, its build history and
//! the files of its layers as a container sees them (`dockward image`).
//!
//! Where the concern is one a Dockerfile can show too (runs as root, no health check,
//! secrets in ENV, sensitive ports, setuid files, sudo, secret files, downloaded code run
//! unverified, package caches), the image rule reports under the Dockerfile rule's code:
//! one code per concern, whichever artifact shows it. Those files hold only the image
//! detector and name the shared metadata.
//!
//! Rules judge what the image holds; where the reader could not read every layer
//! (`ImageFiles::complete` is false), rules that report a *missing* file stay silent.

mod add_url_in_history;
mod apk_cache_left;
mod apt_lists_left;
mod dnf_cache_left;
mod duplicate_account_ids;
mod empty_password;
mod git_folder;
mod missing_healthcheck;
mod package_cache_left;
mod pip_cache_left;
mod remote_script_in_history;
mod runs_as_root;
mod secret_file;
mod secret_in_env_or_history;
mod sensitive_port;
mod setuid_files;
mod sudo_installed;
mod world_writable;
mod yarn_cache_left;
mod yum_cache_left;
mod zypper_cache_left;

pub use secret_file::{SecretProbe, worth_scanning};

use dockward_core::{Finding, Provenance, RuleMeta, Settings};
use dockward_model::image::{ImageFile, ImageFiles, ImageSpec};

/// How many links are followed to resolve a path inside the image.
const MAX_HOPS: u32 = 40;

/// What an image rule sees: one image and the run's settings.
pub struct ImageCx<'a> {
    pub spec: &'a ImageSpec,
    pub settings: &'a Settings,
}

impl<'a> ImageCx<'a> {
    pub fn finding(&self, meta: &'static RuleMeta, at: &Provenance, message: impl Into<String>) -> Finding {
        Finding::new(meta, at.clone(), message)
    }

    /// A finding about a file of the merged index.
    pub fn file_finding(
        &self,
        meta: &'static RuleMeta,
        path: &str,
        file: &ImageFile,
        message: impl Into<String>,
    ) -> Finding {
        Finding::new(meta, self.spec.file_at(path, file), message)
    }

    pub fn files(&self) -> Option<&'a ImageFiles> {
        self.spec.files.as_ref()
    }

    /// A file's kept content, following links inside the image.
    pub fn content(&self, path: &str) -> Option<&'a [u8]> {
        self.files()?.content(path, MAX_HOPS)
    }
}

/// A rule that reads an image: its metadata and its detector.
pub struct ImageRule {
    pub meta: &'static RuleMeta,
    pub check: fn(&ImageCx<'_>, &mut Vec<Finding>),
}

macro_rules! image_rules {
    ($($module:ident),* $(,)?) => {
        static RULES: &[ImageRule] = &[
            $(ImageRule { meta: &$module::META, check: $module::check },)*
        ];
    };
}

image_rules![
    runs_as_root,
    missing_healthcheck,
    setuid_files,
    sudo_installed,
    remote_script_in_history,
    add_url_in_history,
    apt_lists_left,
    apk_cache_left,
    pip_cache_left,
    yum_cache_left,
    dnf_cache_left,
    zypper_cache_left,
    yarn_cache_left,
    world_writable,
    empty_password,
    duplicate_account_ids,
    git_folder,
    secret_in_env_or_history,
    secret_file,
    sensitive_port,
];

/// Every image rule. Some share their metadata with a build rule (one code per concern).
pub fn rules() -> impl Iterator<Item = &'static ImageRule> {
    RULES.iter()
}

/// Runs the enabled image rules (before per-path configuration and severity overrides,
/// which the driver applies).
pub fn check_image(spec: &ImageSpec, settings: &Settings, out: &mut Vec<Finding>) {
    let cx = ImageCx { spec, settings };
    for rule in rules() {
        if settings.is_enabled(rule.meta) {
            (rule.check)(&cx, out);
        }
    }
}

/// The commands a history entry ran: the `created_by` text without BuildKit's and the
/// classic builder's wrapping (`RUN |2 A=b /bin/sh -c …  # buildkit`, `/bin/sh -c #(nop) …`).
pub(crate) fn history_command(created_by: &str) -> &str {
    let s = created_by.trim();
    let s = s.strip_suffix("# buildkit").unwrap_or(s).trim_end();
    let s = s.strip_prefix("RUN ").unwrap_or(s);
    // `|N K=V …`: build arguments in scope, skipped here (see `history_build_args`).
    let s = match s.strip_prefix('|') {
        Some(rest) => {
            let (n, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
            // The count is the archive's word: `|99999999999999999` must not loop that
            // often. Each turn consumes a word, so the text's length bounds the loop.
            for _ in 0..n.parse::<usize>().unwrap_or(0) {
                if rest.is_empty() {
                    break;
                }
                rest = rest.split_once(' ').map_or("", |(_, r)| r);
            }
            rest
        }
        None => s,
    };
    let s = s.strip_prefix("/bin/sh -c ").unwrap_or(s);
    s.trim_start()
}

/// The build arguments BuildKit and the classic builder record before a RUN
/// (`|2 NPM_TOKEN=abc HTTP_PROXY= /bin/sh -c …`), as (name, value). Values with spaces
/// are recorded unquoted and cannot be told apart: such a value ends at its first space.
pub(crate) fn history_build_args(created_by: &str) -> Vec<(&str, &str)> {
    let s = created_by.trim();
    let s = s.strip_prefix("RUN ").unwrap_or(s);
    let Some(rest) = s.strip_prefix('|') else {
        return Vec::new();
    };
    let (n, mut rest) = rest.split_once(' ').unwrap_or((rest, ""));
    let mut out = Vec::new();
    for _ in 0..n.parse::<usize>().unwrap_or(0).min(256) {
        let (word, r) = rest.split_once(' ').unwrap_or((rest, ""));
        rest = r;
        if let Some((k, v)) = word.split_once('=') {
            out.push((k, v));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_text_is_unwrapped() {
        let bk = "RUN |2 NPM_TOKEN=abc X= /bin/sh -c npm ci # buildkit";
        assert_eq!(history_command(bk), "npm ci");
        assert_eq!(history_build_args(bk), [("NPM_TOKEN", "abc"), ("X", "")]);
        assert_eq!(
            history_command("/bin/sh -c #(nop)  CMD [\"sh\"]"),
            "#(nop)  CMD [\"sh\"]"
        );
        assert_eq!(history_command("|1 A=b /bin/sh -c apk add x"), "apk add x");
    }

    /// Found by the `image` fuzzer: a huge argument count looped that many times (a
    /// hang). The count is now bounded by the words there are.
    #[test]
    fn a_huge_argument_count_is_bounded_by_the_text() {
        let created_by = format!("|{} A=b /bin/sh -c true", usize::MAX);
        assert_eq!(history_command(&created_by), "");
        assert_eq!(history_command("|88888888888888888 x"), "");
        assert_eq!(history_build_args(&created_by), [("A", "b")]);
    }
}
