//! Findings about dockward's own inputs.

mod invalid_suppression;
mod syntax_error;
mod unused_suppression;

pub use invalid_suppression::INVALID_SUPPRESSION;
pub use syntax_error::SYNTAX_ERROR;
pub use unused_suppression::UNUSED_SUPPRESSION;
