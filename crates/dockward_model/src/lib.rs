//! Semantic models that rules read: what a build produces, what a container runs with.
//! Adapters lower syntax (Dockerfile, Compose, `docker run` argv) into these; every field
//! carries its provenance so a finding points at the bytes that caused it.

pub mod base_image;
pub mod build;
pub mod compose;
pub mod compose_writer;
pub mod container;
pub mod daemon;
pub mod host;
pub mod image;
pub mod image_ref;
pub mod known;
pub mod run_line;
pub mod topology;
pub mod vars;

pub use image_ref::ImageRef;
pub use known::{Known, Sourced};
