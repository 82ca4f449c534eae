//! Limits that keep untrusted YAML from exhausting memory, stack or time.
//!
//! YAML has two classic denial-of-service shapes: the "billion laughs" alias bomb (a few
//! hundred bytes of anchors that expand to billions of nodes) and pathological nesting
//! (`[[[[…` thousands deep, which overflows any recursive consumer). Every limit here turns
//! into a located error instead of a crash or a hang.

/// Resource limits for one YAML text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Largest text accepted, in bytes. Larger texts are rejected before parsing.
    pub max_bytes: usize,
    /// Deepest nesting of collections, counting nodes copied in by aliases. Consumers of the
    /// tree (merge, clone, drop) recurse, so this bound is also their stack bound.
    pub max_depth: usize,
    /// Total number of nodes that alias expansion may copy into one text's trees.
    pub max_alias_nodes: usize,
}

impl Budget {
    /// Defaults sized for configuration files: generous for any real Compose file, small
    /// enough that the worst accepted input costs milliseconds and a few tens of MiB.
    pub const DEFAULT: Budget = Budget {
        max_bytes: 8 * 1024 * 1024,
        max_depth: 128,
        max_alias_nodes: 200_000,
    };
}

impl Default for Budget {
    fn default() -> Self {
        Self::DEFAULT
    }
}
