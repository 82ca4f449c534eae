//! Comment recovery.
//!
//! saphyr does not report comments, and dockward needs them (inline suppressions, peer
//! pragmas). A `#` starts a comment when it is at the start of a line or after whitespace
//! and is not inside a scalar token, so one pass over the text with the scalar extents the
//! parser reported finds them all. Past a syntax error the extents are unknown; there only
//! whole-line comments are trusted.

use dockward_core::TextRange;

use super::tree::Comment;

pub(crate) fn recover_comments(
    text: &str,
    scalar_extents: &[(usize, usize)],
    stopped_at: Option<usize>,
) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut extents: Vec<(usize, usize)> = scalar_extents.iter().copied().filter(|(s, e)| e > s).collect();
    extents.sort_unstable();
    let mut next_extent = 0;
    let mut comments = Vec::new();
    let mut line_start = 0;
    while line_start < bytes.len() {
        let line_end = memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |i| line_start + i);
        let mut i = line_start;
        let mut only_space = true;
        while i < line_end {
            let b = bytes[i];
            if b == b'#' && (i == line_start || matches!(bytes[i - 1], b' ' | b'\t')) {
                // Skip extents that end before this point, then see if one covers it.
                while next_extent < extents.len() && extents[next_extent].1 <= i {
                    next_extent += 1;
                }
                let inside = extents.get(next_extent).is_some_and(|&(s, e)| s <= i && i < e);
                let trusted = match stopped_at {
                    Some(stop) if i >= stop => only_space,
                    _ => true,
                };
                if !inside && trusted {
                    let mut end = line_end;
                    if end > i && bytes[end - 1] == b'\r' {
                        end -= 1;
                    }
                    comments.push(Comment {
                        range: TextRange::from_usize(i, end),
                        text: text.get(i + 1..end).unwrap_or("").to_string(),
                    });
                    break;
                }
            }
            if !matches!(b, b' ' | b'\t') {
                only_space = false;
            }
            i += 1;
        }
        line_start = line_end + 1;
    }
    comments
}
