//! An engine image's history, from `GET /images/{id}/history`: the build steps the history
//! rules read (ADD of URLs, downloaded scripts piped into a shell, secrets in build
//! arguments), without exporting the image.
//!
//! The engine lists the steps newest first, with `CreatedBy` and `Comment`, but does not
//! say which steps made a layer; the entries are returned oldest first (as an image
//! configuration lists them), none tied to a layer. Each points at its own entry of the
//! engine's answer: `image NAME` + `/history/{i}/CreatedBy`, `i` counted as the engine
//! counts (newest first, as `docker history` prints them).

use dockward_core::Provenance;
use dockward_model::image::{HistoryEntry, image_object};
use serde_json::Value;

/// At most this many steps are kept (an image has a few dozen; the engine caps layers at
/// 127, but empty steps are not layers).
const MAX_ENTRIES: usize = 4_096;
/// A step's command beyond this many bytes is cut (at a character boundary): a RUN script
/// is rarely more than a few kilobytes.
const MAX_COMMAND_BYTES: usize = 64 * 1024;

/// Lowers the engine's history answer for the image findings name `name`.
pub fn lower_image_history(history: &Value, name: &str) -> Vec<HistoryEntry> {
    let object = image_object(name);
    let Some(entries) = history.as_array() else {
        return Vec::new();
    };
    let text = |e: &Value, k: &str| {
        let s = e.get(k).and_then(Value::as_str).unwrap_or_default();
        let mut end = s.len().min(MAX_COMMAND_BYTES);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].to_string()
    };
    entries
        .iter()
        .enumerate()
        .take(MAX_ENTRIES)
        .rev()
        .map(|(i, e)| HistoryEntry {
            created_by: text(e, "CreatedBy"),
            comment: text(e, "Comment"),
            // The engine does not say; a zero size is not the same thing.
            empty_layer: false,
            layer: None,
            at: Provenance::Engine {
                object: object.clone(),
                pointer: format!("/history/{i}/CreatedBy"),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_come_oldest_first_and_point_at_the_engines_index() {
        let history = json!([
            {"Id": "sha256:b", "CreatedBy": "/bin/sh -c curl -fsSL https://x/i.sh | sh", "Comment": ""},
            {"Id": "<missing>", "CreatedBy": "/bin/sh -c #(nop) ADD file:abc in / ", "Comment": "base"},
        ]);
        let entries = lower_image_history(&history, "acme/web:1");
        assert_eq!(entries.len(), 2);
        assert!(entries[0].created_by.contains("ADD file:abc"));
        assert_eq!(entries[0].comment, "base");
        assert!(entries[1].created_by.contains("curl"));
        assert_eq!(
            entries[1].at,
            Provenance::Engine {
                object: "image acme/web:1".to_string(),
                pointer: "/history/0/CreatedBy".to_string()
            }
        );
        assert!(lower_image_history(&json!({"message": "no"}), "x").is_empty());
    }

    #[test]
    fn long_commands_are_cut_at_a_character_boundary() {
        let long = "é".repeat(MAX_COMMAND_BYTES);
        let entries = lower_image_history(&json!([{ "CreatedBy": long }]), "x");
        assert!(entries[0].created_by.len() <= MAX_COMMAND_BYTES);
    }
}
