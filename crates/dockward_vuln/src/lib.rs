//! dockward's offline vulnerability scanning.
//!
//! - [`tree`]: a read-only file tree (a folder; an image's merged layers elsewhere);
//! - [`inventory`]: the OS and installed packages of a tree;
//! - [`version`]: version orderings (dpkg, apk, rpm, SemVer, Go, PEP 440);
//! - [`db`]: the local vulnerability database built from osv.dev's OSV dumps
//!   (`import`, `update`, `status`), per-ecosystem [`index`] files;
//! - [`distro`]: which OSV ecosystems an OS's packages are looked up in;
//! - [`matching`]: OSV's range evaluation; [`scan`]: packages × database → findings;
//! - [`sbom`]: CycloneDX 1.6 and SPDX 2.3 JSON; [`vex`]: OpenVEX statements.
//!
//! Nothing here touches the network except [`db::update`], which only the user's
//! `dockward db update` calls.

mod codec;
pub mod cvss;
pub mod db;
pub mod distro;
pub mod ignore;
pub mod index;
pub mod inventory;
pub mod matching;
pub mod osv;
pub mod purl;
pub mod sbom;
pub mod scan;
#[cfg(feature = "testing")]
pub mod testing;
mod time;
pub mod tree;
pub mod version;
pub mod vex;

pub use time::{now_rfc3339, unix_seconds_of};
