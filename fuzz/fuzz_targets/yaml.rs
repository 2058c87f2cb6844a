//! The YAML layer on arbitrary text: never a panic, ranges always inside the text and on
//! character boundaries, every lookup safe.
#![no_main]

use libfuzzer_sys::fuzz_target;
use ws_lint::yaml::Yaml;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let yaml = Yaml::parse(&text);
    for (id, node) in yaml.nodes() {
        let range = node.range();
        assert!(range.start <= range.end && range.end <= text.len());
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        let _ = yaml.entries(id);
        let _ = yaml.resolve(id);
        let _ = yaml.scalar_value(id);
    }
    for error in yaml.errors() {
        assert!(error.range.end <= text.len());
    }
});
