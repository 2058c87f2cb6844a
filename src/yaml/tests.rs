use super::*;

fn value_text<'a>(text: &'a str, yaml: &Yaml, id: NodeId) -> &'a str {
    &text[yaml.range(id).as_range()]
}

#[test]
fn keeps_byte_ranges_for_non_ascii_text() {
    let text = "a: \"é😀\"\nb: !Ref x\n";
    let yaml = Yaml::parse(text);
    assert!(yaml.errors().is_empty());
    let root = yaml.root().unwrap();
    let a = yaml.get_value(root, "a").unwrap();
    assert_eq!(value_text(text, &yaml, a), "\"é😀\"");
    assert_eq!(yaml.str(a), Some("é😀"));
    let b = yaml.get_value(root, "b").unwrap();
    assert_eq!(value_text(text, &yaml, b), "!Ref x");
    assert_eq!(yaml.node(b).tag.as_deref(), Some("!Ref"));
}

#[test]
fn reports_duplicate_keys_with_the_first_one() {
    let text = "a: 1\nb: 2\na: 3\n";
    let yaml = Yaml::parse(text);
    let [error] = yaml.errors() else {
        panic!("{:?}", yaml.errors())
    };
    assert_eq!(error.range, TextRange::new(10, 11));
    assert_eq!(
        error.kind,
        YamlErrorKind::DuplicateKey {
            first: TextRange::new(0, 1)
        }
    );
}

#[test]
fn reports_duplicate_keys_in_large_mappings_too() {
    // Past 16 entries keys are looked up in a map: the same findings, first occurrence first.
    let mut text = String::new();
    for i in 0..40 {
        text.push_str(&format!("k{i}: {i}\n"));
    }
    text.push_str("<<: {x: 1}\n<<: {y: 2}\n'<<': a\nk3: again\n'<<': b\nk30: again\n");
    let yaml = Yaml::parse(&text);
    let found: Vec<(&str, usize)> = yaml
        .errors()
        .iter()
        .map(|e| match e.kind {
            YamlErrorKind::DuplicateKey { first } => (&text[e.range.as_range()], first.start),
            _ => panic!("{e:?}"),
        })
        .collect();
    let k3 = text.find("k3:").unwrap();
    let k30 = text.find("k30:").unwrap();
    let quoted = text.find("'<<': a").unwrap();
    // Plain `<<` may repeat; a quoted one is an ordinary key.
    assert_eq!(found, [("k3", k3), ("'<<'", quoted), ("k30", k30)]);
}

#[test]
fn aliases_and_merge_keys_are_followed_by_reference() {
    let text = "base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nalias: *b\n";
    let yaml = Yaml::parse(text);
    assert!(yaml.errors().is_empty(), "{:?}", yaml.errors());
    let root = yaml.root().unwrap();
    let used = yaml.get_value(root, "use").unwrap();
    assert_eq!(yaml.str(yaml.get_value(used, "x").unwrap()), Some("1"));
    assert_eq!(yaml.str(yaml.get_value(used, "y").unwrap()), Some("3"));
    let keys: Vec<_> = yaml
        .entries(used)
        .iter()
        .map(|e| yaml.str(e.key).unwrap().to_string())
        .collect();
    assert_eq!(keys, ["y", "x"]);
    let alias = yaml.get_value(root, "alias").unwrap();
    assert!(yaml.is_alias(alias));
    assert_eq!(
        yaml.str(yaml.path(root, &["alias", "x"]).unwrap()),
        Some("1")
    );
}

#[test]
fn alias_bomb_stays_small() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for level in 1..12 {
        let prev = level - 1;
        text.push_str(&format!(
            "a{level}: &a{level} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    let yaml = Yaml::parse(&text);
    assert!(yaml.errors().is_empty());
    assert!(yaml.len() < 200, "{} nodes", yaml.len());
}

#[test]
fn syntax_errors_keep_the_partial_tree() {
    let text = "service: x\nprovider:\n  name: aws\n  bad: \"unclosed\n";
    let yaml = Yaml::parse(text);
    assert_eq!(yaml.errors().len(), 1);
    assert_eq!(yaml.errors()[0].kind, YamlErrorKind::Syntax);
    let root = yaml.root().unwrap();
    assert_eq!(
        yaml.str(yaml.path(root, &["provider", "name"]).unwrap()),
        Some("aws")
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing() {
    let text = "[".repeat(100_000) + &"]".repeat(100_000);
    let yaml = Yaml::parse(&text);
    assert!(yaml.errors().iter().any(|e| e.message.contains("nesting")));
    let block: String = (0..3000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    let yaml = Yaml::parse(&block);
    assert!(!yaml.errors().is_empty());
}

#[test]
fn several_documents_are_an_error() {
    let yaml = Yaml::parse("a: 1\n---\nb: 2\n");
    assert_eq!(yaml.errors().len(), 1);
    assert!(yaml.errors()[0].message.contains("single document"));
    assert!(Yaml::parse("---\na: 1\n").errors().is_empty());
}

#[test]
fn node_ranges_cover_block_collections() {
    let text = "f:\n  - a: 1\n    b: [1, 2]\n  - x\nnext: 1\n";
    let yaml = Yaml::parse(text);
    let root = yaml.root().unwrap();
    let f = yaml.get_value(root, "f").unwrap();
    assert_eq!(value_text(text, &yaml, f), "- a: 1\n    b: [1, 2]\n  - x");
    let node = yaml.node_at(text.find("2]").unwrap()).unwrap();
    assert_eq!(yaml.str(node), Some("2"));
}

#[test]
fn quoted_scalars_and_flow_collections_end_at_their_closing_character() {
    let text = "a: \"x\\\"y\"   # c\nb: 'it''s'  # c\nc: [] # c\nd: {k: v}  # c\ne:\n  - \"z\" # c\n  - [1, 2]\nf: 'multi\n  line' # c\n";
    let yaml = Yaml::parse(text);
    assert!(yaml.errors().is_empty(), "{:?}", yaml.errors());
    let root = yaml.root().unwrap();
    let at = |path: &[&str]| value_text(text, &yaml, yaml.path(root, path).unwrap());
    assert_eq!(at(&["a"]), "\"x\\\"y\"");
    assert_eq!(at(&["b"]), "'it''s'");
    assert_eq!(at(&["c"]), "[]");
    assert_eq!(at(&["d"]), "{k: v}");
    assert_eq!(at(&["f"]), "'multi\n  line'");
    let e = yaml
        .items(yaml.path(root, &["e"]).unwrap())
        .unwrap()
        .to_vec();
    assert_eq!(value_text(text, &yaml, e[0]), "\"z\"");
    assert_eq!(value_text(text, &yaml, e[1]), "[1, 2]");
}

#[test]
fn merge_bombs_stay_linear() {
    let mut text = String::from("m0: &m0 {k: v}\n");
    for i in 1..16 {
        let refs = vec![format!("*m{}", i - 1); 8].join(", ");
        text.push_str(&format!("m{i}: &m{i}\n  <<: [{refs}]\n"));
    }
    let yaml = Yaml::parse(&text);
    let root = yaml.root().unwrap();
    let top = yaml.get_value(root, "m15").unwrap();
    assert!(yaml.get(top, "nope").is_none());
    assert!(yaml.get(top, "k").is_some());
    assert_eq!(yaml.entries(top).len(), 1);
}

#[test]
fn a_large_text_parses_the_same_on_two_threads_as_on_one() {
    let service = crate::synthetic::service(40_000);
    assert!(
        service.len() > 2 * super::PIPELINE_FROM,
        "{}",
        service.len()
    );
    let middle = service.len() / 2;
    let at = middle + service[middle..].find("\n  action").unwrap() + 1;
    let mut cases = vec![service.clone()];
    // Errors early, in the middle (so the parser thread stops mid-batch) and at the end.
    for (offset, inserted) in [
        (24, "x: \"open\n"),
        (at, "\tbad: [\n"),
        (service.len(), "x: {"),
    ] {
        let mut text = service.clone();
        text.insert_str(offset, inserted);
        cases.push(text);
    }
    // Duplicate keys are found by the builder, past the first batch.
    cases.push(service.replacen("  action900:", "  action899:", 1));
    for text in &cases {
        let two = Yaml::parse(text);
        let one = Yaml::parse_on_one_thread(text);
        assert!(two == one, "{:?} / {:?}", two.errors(), one.errors());
    }
    assert!(Yaml::parse(&cases[0]).errors().is_empty());
    for (i, text) in cases.iter().enumerate().skip(1) {
        assert!(!Yaml::parse(text).errors().is_empty(), "case {i}");
    }
}
