//! The whole analysis on arbitrary text (seeded with the real corpus): never a panic, every
//! diagnostic and fix range inside the text, and applying the safe fixes yields text that
//! analyses again without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ws_lint::config::Settings;
use ws_lint::diagnostics::apply_fixes;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let settings = Settings::default();
    let analysis = ws_lint::analyze(&text, "serverless.yml", &settings);
    for d in &analysis.diagnostics {
        assert!(d.range.end <= text.len(), "{d:?}");
        assert!(text.is_char_boundary(d.range.start) && text.is_char_boundary(d.range.end));
        if let Some(fix) = &d.fix {
            for edit in &fix.edits {
                assert!(edit.range.end <= text.len());
            }
        }
        let _ = analysis.line_index.line_col(&text, d.range.start);
    }
    let fixed = apply_fixes(&text, &analysis.diagnostics, true);
    let _ = ws_lint::analyze(&fixed.text, "serverless.yml", &settings);
    let _ = ws_lint::analyze(&text, "serverless.json", &settings);
});
