//! saphyr-parser's markers count characters; the engine counts bytes. This converts, in O(1) for
//! ASCII text and in at most 63 character steps otherwise, with 1/64 of a word per character.

const STRIDE: usize = 64;

pub(crate) struct CharOffsets<'t> {
    text: &'t str,
    ascii: bool,
    /// Byte offset of every `STRIDE`th character.
    checkpoints: Vec<usize>,
}

impl<'t> CharOffsets<'t> {
    pub(crate) fn new(text: &'t str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii {
            Vec::new()
        } else {
            text.char_indices()
                .step_by(STRIDE)
                .map(|(byte, _)| byte)
                .collect()
        };
        CharOffsets {
            text,
            ascii,
            checkpoints,
        }
    }

    /// Byte offset of the character with index `chars` (the text's length past the end).
    pub(crate) fn byte(&self, chars: usize) -> usize {
        if self.ascii {
            return chars.min(self.text.len());
        }
        let Some(&base) = self.checkpoints.get(chars / STRIDE) else {
            return self.text.len();
        };
        let rest = chars % STRIDE;
        self.text[base..]
            .char_indices()
            .nth(rest)
            .map_or(self.text.len(), |(byte, _)| base + byte)
    }
}

#[cfg(test)]
mod tests {
    use super::CharOffsets;

    #[test]
    fn maps_char_indices_to_bytes() {
        let text = "é".repeat(100) + "x";
        let offsets = CharOffsets::new(&text);
        assert_eq!(offsets.byte(0), 0);
        assert_eq!(offsets.byte(65), 130);
        assert_eq!(offsets.byte(100), 200);
        assert_eq!(offsets.byte(101), 201);
        assert_eq!(offsets.byte(500), 201);
    }
}
