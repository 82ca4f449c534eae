//! Errors that say where: the archive, the blob or the layer, and the entry.

use std::fmt;

/// An error reading an image, with the place it happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageError {
    /// `web.tar`, `web.tar: blobs/sha256/ab…`, `image web:1 layer sha256:ab… /etc/x`.
    pub location: String,
    pub message: String,
}

impl ImageError {
    pub fn new(location: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for ImageError {}
