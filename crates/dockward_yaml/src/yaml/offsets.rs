//! Character index → byte offset conversion.
//!
//! saphyr reports positions as *character* indices; everything in dockward speaks bytes.
//! ASCII texts (the common case) convert by identity; otherwise we keep one entry per
//! non-ASCII character and binary-search it, so memory stays proportional to the number
//! of multi-byte characters rather than to the text.

pub(crate) struct OffsetMap {
    /// `(char_index, extra_bytes_through_this_char)` for every non-ASCII character, in order.
    /// `extra` is the number of bytes beyond one-per-character accumulated up to and
    /// including that character.
    wide: Vec<(usize, usize)>,
    len_bytes: usize,
}

impl OffsetMap {
    pub(crate) fn new(text: &str) -> Self {
        let mut wide = Vec::new();
        if !text.is_ascii() {
            let mut extra = 0;
            for (char_index, ch) in text.chars().enumerate() {
                let n = ch.len_utf8();
                if n > 1 {
                    extra += n - 1;
                    wide.push((char_index, extra));
                }
            }
        }
        Self {
            wide,
            len_bytes: text.len(),
        }
    }

    /// Byte offset of the character at `char_index` (or of the end of text past it).
    pub(crate) fn byte(&self, char_index: usize) -> usize {
        if self.wide.is_empty() {
            return char_index.min(self.len_bytes);
        }
        // Extra bytes contributed by the wide characters strictly before `char_index`.
        let before = self.wide.partition_point(|&(ci, _)| ci < char_index);
        let extra = if before == 0 { 0 } else { self.wide[before - 1].1 };
        (char_index + extra).min(self.len_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::OffsetMap;

    #[test]
    fn ascii_is_identity() {
        let m = OffsetMap::new("abc");
        assert_eq!(m.byte(0), 0);
        assert_eq!(m.byte(2), 2);
        assert_eq!(m.byte(9), 3);
    }

    #[test]
    fn multibyte_characters_shift_later_offsets() {
        let text = "é: ü😀x";
        let m = OffsetMap::new(text);
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            assert_eq!(m.byte(ci), bi, "char {ci}");
        }
        assert_eq!(m.byte(text.chars().count()), text.len());
    }
}
