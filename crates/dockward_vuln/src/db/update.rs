//! `dockward db update`: download osv.dev's per-ecosystem dumps (`<base>/<Ecosystem>/all.zip`)
//! from the OSV bucket or a mirror, and import them. A download is conditional on the
//! validators (`ETag`, `Last-Modified`) of the previous one, so an unchanged dump costs one
//! request and no transfer.

use super::import::{Collector, sha256_file};
use super::{EcosystemMeta, read_meta};
use std::io::{Read, Write};
use std::path::Path;
use std::time::Duration;

/// osv.dev's public bucket.
pub const DEFAULT_MIRROR: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Families fetched when none are named and the database holds none yet: the OS
/// distributions and language ecosystems the inventory reads.
pub const DEFAULT_ECOSYSTEMS: &[&str] = &["Alpine", "Debian", "Ubuntu", "PyPI", "npm", "Go", "crates.io", "Maven"];

/// A dump is at most this large (Debian's is the largest, well under it).
const MAX_DOWNLOAD: u64 = 4 * 1024 * 1024 * 1024;

#[derive(Clone, Debug)]
pub struct UpdateOptions {
    /// Base URL: the bucket or a mirror with the same layout.
    pub base_url: String,
    /// Families to fetch; empty: those already in the database, else [`DEFAULT_ECOSYSTEMS`].
    pub ecosystems: Vec<String>,
    pub timeout: Duration,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        UpdateOptions {
            base_url: DEFAULT_MIRROR.into(),
            ecosystems: Vec::new(),
            timeout: Duration::from_secs(600),
        }
    }
}

/// What an update did, per family.
#[derive(Clone, Debug, Default)]
pub struct UpdateReport {
    /// Downloaded and imported: (records, packages).
    pub updated: Vec<(String, usize, usize)>,
    /// Not modified since the last download.
    pub unchanged: Vec<String>,
    /// Could not be fetched or imported, with the reason.
    pub failed: Vec<(String, String)>,
    pub warnings: Vec<String>,
}

fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Downloads and imports each family's dump into `dir`.
pub fn update(dir: &Path, options: &UpdateOptions) -> Result<UpdateReport, String> {
    let meta = read_meta(dir)?.unwrap_or_default();
    let families: Vec<String> = if !options.ecosystems.is_empty() {
        options.ecosystems.clone()
    } else if !meta.ecosystems.is_empty() {
        meta.ecosystems.keys().cloned().collect()
    } else {
        DEFAULT_ECOSYSTEMS.iter().map(|s| s.to_string()).collect()
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    // As the engine client: ring's provider (deprecated in rustls for lacking post-quantum
    // key exchange) until aws-lc-rs's build cost is measured; a second install is refused
    // harmlessly.
    #[allow(deprecated)]
    let provider = rustls::crypto::ring::default_provider();
    let _ = provider.install_default();
    let client = reqwest::blocking::Client::builder()
        .timeout(options.timeout)
        .user_agent(concat!("dockward/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot set up HTTP: {e}"))?;
    let base = options.base_url.trim_end_matches('/');
    let mut report = UpdateReport::default();
    for family in families {
        let url = format!("{base}/{}/all.zip", encode_segment(&family));
        let previous = meta.ecosystems.get(&family);
        match fetch(&client, &url, previous, dir, &family) {
            Ok(None) => report.unchanged.push(family),
            Ok(Some((tmp, etag, last_modified))) => {
                let result = import_download(dir, &family, &url, &tmp, etag, last_modified);
                let _ = std::fs::remove_file(&tmp);
                match result {
                    Ok((records, packages, warnings)) => {
                        report.updated.push((family, records, packages));
                        report.warnings.extend(warnings);
                    }
                    Err(e) => report.failed.push((family, e)),
                }
            }
            Err(e) => report.failed.push((family, e)),
        }
    }
    Ok(report)
}

type Download = (std::path::PathBuf, Option<String>, Option<String>);

fn fetch(
    client: &reqwest::blocking::Client,
    url: &str,
    previous: Option<&EcosystemMeta>,
    dir: &Path,
    family: &str,
) -> Result<Option<Download>, String> {
    let mut request = client.get(url);
    if let Some(previous) = previous {
        if let Some(etag) = &previous.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(last_modified) = &previous.last_modified {
            request = request.header("If-Modified-Since", last_modified);
        }
    }
    let mut response = request.send().map_err(|e| format!("{url}: {e}"))?;
    let status = response.status();
    if status == reqwest::StatusCode::NOT_MODIFIED {
        return Ok(None);
    }
    if !status.is_success() {
        return Err(format!("{url}: HTTP {status}"));
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (etag, last_modified) = (header("etag"), header("last-modified"));
    let tmp = dir.join(format!(
        ".download-{}-{}.zip",
        super::file_name(family),
        std::process::id()
    ));
    let mut file = std::fs::File::create(&tmp).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    let copied = std::io::copy(&mut (&mut response).take(MAX_DOWNLOAD + 1), &mut file);
    let result = match copied {
        Ok(n) if n > MAX_DOWNLOAD => Err(format!("{url}: larger than {MAX_DOWNLOAD} bytes")),
        Ok(_) => file.flush().map_err(|e| e.to_string()),
        Err(e) => Err(format!("{url}: {e}")),
    };
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(Some((tmp, etag, last_modified)))
}

fn import_download(
    dir: &Path,
    family: &str,
    url: &str,
    zip: &Path,
    etag: Option<String>,
    last_modified: Option<String>,
) -> Result<(usize, usize, Vec<String>), String> {
    let mut collector = Collector::default();
    collector.add_zip(zip, url, Some(family))?;
    let digest = sha256_file(zip).ok();
    let report = collector.write(dir, |_, info| {
        info.sha256.clone_from(&digest);
        info.etag.clone_from(&etag);
        info.last_modified.clone_from(&last_modified);
    })?;
    let (records, packages) = report.written.get(family).copied().unwrap_or((0, 0));
    Ok((records, packages, report.warnings))
}
