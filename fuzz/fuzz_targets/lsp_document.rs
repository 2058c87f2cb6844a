//! The language server's document model: arbitrary sequences of `didChange` edits (ranges in
//! UTF-16, UTF-8 or UTF-32 positions, possibly out of range, with multi-byte text, CRLF and lone
//! CR) applied through the server's own code must give exactly the text an independent, naive
//! implementation gives; `ws_lint::analyze` of it must not panic; and `Yaml::reparse` after each
//! edit must equal `Yaml::parse` of the new text.
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use ws_lint::span::{ColumnEncoding, TextRange};
use ws_lint::yaml::Yaml;

const SEEDS: &[&str] = &[
    "",
    "service: chat\nprovider:\n  name: aws\n  websocketsRouteSelectionExpression: $request.body.action\nfunctions:\n  connect:\n    handler: h.connect\n    events:\n      - websocket: $connect\n  msg:\n    handler: h.msg\n    events:\n      - websocket:\n          route: send\n          routeResponseSelectionExpression: $default\n",
    "service: é😀\r\nprovider:\r\n  name: aws\r\nfunctions:\r\n  f:\r\n    handler: h.f # 中\r\n    events:\r\n      - websocket: $default\r\n",
    "a: 1\rb: [x, y]\r\nc: {d: '😀'}\n\u{2028}e: \"\\u00e9\"\n",
];

/// Pieces edits insert: multi-byte characters, every line break, YAML punctuation.
const PIECES: &[&str] = &[
    "a", "é", "😀", "中", "\n", "\r\n", "\r", "\u{2028}", " ", "  ", ":", "- ", "#", "${self:x}",
    "websocket: ", "$connect", "{", "}", "[", "]", "&a ", "*a", "'", "\"", "\t", "functions:\n",
];

fn piece_text(u: &mut Unstructured) -> Result<String> {
    let n = u.int_in_range(0..=4)?;
    let mut s = String::new();
    for _ in 0..n {
        if u.ratio(1, 8)? {
            s.push(u.arbitrary::<char>()?);
        } else {
            s.push_str(u.choose(PIECES)?);
        }
    }
    Ok(s)
}

fn coordinate(u: &mut Unstructured) -> Result<u32> {
    Ok(match u.int_in_range(0..=9)? {
        0 => u32::MAX,
        1 => 1_000_000,
        _ => u.int_in_range(0..=12)?,
    })
}

/// Lines as the server counts them: ending at `\n`, `\r\n` or `\r`. Each is (start, content end)
/// in bytes.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push((start, i));
                start = i + 1;
            }
            b'\r' => {
                out.push((start, i));
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push((start, text.len()));
    out
}

/// The byte offset of a position, naively: lines past the end go to the end of the text,
/// columns past a line's end to the line's end, a column inside a character to its start.
fn offset(text: &str, line: u32, character: u32, encoding: ColumnEncoding) -> usize {
    let lines = lines(text);
    let Some(&(start, end)) = lines.get(line as usize) else {
        return text.len();
    };
    let mut column = 0u64;
    for (i, c) in text[start..end].char_indices() {
        let width = match encoding {
            ColumnEncoding::Utf8 => c.len_utf8(),
            ColumnEncoding::Utf16 => c.len_utf16(),
            ColumnEncoding::Utf32 => 1,
        } as u64;
        if column + width > character as u64 {
            return start + i;
        }
        column += width;
    }
    end
}

fn run(u: &mut Unstructured) -> Result<()> {
    let encoding = *u.choose(&[ColumnEncoding::Utf16, ColumnEncoding::Utf8, ColumnEncoding::Utf32])?;
    let mut text = if u.ratio(1, 4)? {
        u.arbitrary::<String>()?
    } else {
        u.choose(SEEDS)?.to_string()
    };
    let mut yaml = Yaml::parse(&text);
    let mut changes: Vec<(Option<(u32, u32, u32, u32)>, String)> = Vec::new();
    let start_text = text.clone();
    let steps = u.int_in_range(1..=12)?;
    for _ in 0..steps {
        let new_piece = piece_text(u)?;
        let (range, old_range) = if u.ratio(1, 20)? {
            (None, TextRange::new(0, text.len()))
        } else {
            let (l1, c1, l2, c2) = (coordinate(u)?, coordinate(u)?, coordinate(u)?, coordinate(u)?);
            let a = offset(&text, l1, c1, encoding);
            let b = offset(&text, l2, c2, encoding).max(a);
            (Some((l1, c1, l2, c2)), TextRange::new(a, b))
        };
        let mut new_text = String::with_capacity(text.len() + new_piece.len());
        new_text.push_str(&text[..old_range.start]);
        new_text.push_str(&new_piece);
        new_text.push_str(&text[old_range.end..]);

        // One change at a time through the server's code: the same text.
        let served = ws_lint::lsp::apply_changes(&text, &[(range, &new_piece)], encoding);
        assert_eq!(served, new_text, "change {range:?} {new_piece:?} in {text:?}");

        let (incremental, _) = yaml.reparse(&text, &new_text, old_range, new_piece.len());
        let fresh = Yaml::parse(&new_text);
        assert!(incremental == fresh, "reparse differs after {old_range:?} {new_piece:?} in {text:?}");
        yaml = fresh;

        changes.push((range, new_piece));
        text = new_text;
    }
    // The whole sequence in one `didChange`, as a client batching edits sends it.
    let batched: Vec<(Option<(u32, u32, u32, u32)>, &str)> =
        changes.iter().map(|(r, t)| (*r, t.as_str())).collect();
    assert_eq!(ws_lint::lsp::apply_changes(&start_text, &batched, encoding), text);

    let settings = ws_lint::config::Settings::default();
    let analysis = ws_lint::analyze(&text, "serverless.yml", &settings);
    for d in &analysis.diagnostics {
        assert!(d.range.start <= d.range.end && d.range.end <= text.len());
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});
