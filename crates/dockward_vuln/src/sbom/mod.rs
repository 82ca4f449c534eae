//! SBOMs of an inventory: CycloneDX 1.6 JSON and SPDX 2.3 JSON.
//!
//! Both list the OS (when known) and every package with its purl; neither ever holds a
//! `null` list or an empty name (common reasons SBOM consumers reject files).

mod cyclonedx;
mod spdx;

pub use cyclonedx::cyclonedx;
pub use spdx::spdx;

/// What the SBOM describes and when it was made.
#[derive(Clone, Debug)]
pub struct Subject {
    /// The folder or image name.
    pub name: String,
    /// RFC 3339 creation time.
    pub timestamp: String,
    /// A random UUID (CycloneDX serial number, SPDX document namespace).
    pub uuid: String,
    /// For an image: each layer's `(digest, created_by)`, bottom first, so that a
    /// package's layer ([`Package::layer`](crate::inventory::Package)) can be named.
    pub layers: Vec<(String, String)>,
    /// For an image whose digest is known: its purl, `pkg:oci/NAME@sha256%3A…` (what VEX
    /// statements about the image name as their product).
    pub image_purl: Option<String>,
}

impl Subject {
    /// A subject created now, with a fresh random UUID.
    pub fn new(name: impl Into<String>) -> Subject {
        Subject {
            name: name.into(),
            timestamp: crate::now_rfc3339(),
            uuid: random_uuid(),
            layers: Vec::new(),
            image_purl: None,
        }
    }
}

/// A version-4 UUID from the system's random source.
pub fn random_uuid() -> String {
    use ring::rand::SecureRandom;
    let mut b = [0u8; 16];
    if ring::rand::SystemRandom::new().fill(&mut b).is_err() {
        // No random source: a time-derived value keeps documents distinct enough.
        let t = crate::time::now_unix().to_le_bytes();
        b[..8].copy_from_slice(&t);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
