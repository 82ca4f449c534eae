//! Limits on what an image may cost to read. Every one is a located error when exceeded,
//! never a hang, a crash or unbounded memory.

/// What reading one image may cost.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budgets {
    /// Decompressed bytes of one layer.
    pub max_layer_bytes: u64,
    /// Decompressed bytes of all layers of an image together.
    pub max_image_bytes: u64,
    /// Entries of all layers together (the merged index holds at most this many files).
    pub max_entries: u64,
    /// Bytes of one entry's path or link target.
    pub max_path_len: usize,
    /// Symbolic links followed to resolve one path inside the image.
    pub max_symlink_hops: u32,
    /// Bytes of a JSON document (manifest, index, configuration).
    pub max_json_bytes: u64,
    /// Members of an archive's outer tar.
    pub max_archive_members: u64,
    /// Bytes a compressed archive (`docker save | gzip`) or an engine export may take once
    /// written to a temporary file.
    pub max_spool_bytes: u64,
    /// Bytes of Java archives (`.jar`, `.war`, `.ear`) whose content is kept for the package
    /// inventory (`ReadOptions::inventory`), all of an image's together: a jar is read
    /// whole.
    pub max_java_archive_bytes: u64,
}

impl Default for Budgets {
    fn default() -> Self {
        Self {
            max_layer_bytes: 8 << 30,
            max_image_bytes: 32 << 30,
            max_entries: 1_000_000,
            max_path_len: 4096,
            max_symlink_hops: 40,
            max_json_bytes: 8 << 20,
            max_archive_members: 100_000,
            max_spool_bytes: 64 << 30,
            max_java_archive_bytes: 512 << 20,
        }
    }
}
