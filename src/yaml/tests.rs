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
    assert_eq!(yaml.tag(b), Some("!Ref"));
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

#[test]
fn nodes_stay_small() {
    // 366,000 nodes for a 200,000-line file: every byte here is 366 kB there.
    assert!(std::mem::size_of::<NodeKind>() <= 32);
    assert!(std::mem::size_of::<Node>() <= 48);
}

#[test]
fn a_text_too_long_for_u32_offsets_is_refused_not_wrapped() {
    let yaml = Yaml::too_large("a: 1\n");
    assert_eq!(yaml.root(), None);
    assert_eq!(yaml.len(), 0);
    let [error] = yaml.errors() else {
        panic!("{:?}", yaml.errors())
    };
    assert_eq!(error.kind, YamlErrorKind::Syntax);
    assert!(error.message.contains("too large"), "{}", error.message);
}

#[test]
fn offsets_past_u32_saturate() {
    let mut node = Node::new(
        NodeKind::Alias { target: None },
        TextRange::new(5, usize::MAX),
        Some(usize::MAX),
    );
    assert_eq!(node.range(), TextRange::new(5, u32::MAX as usize));
    assert_eq!(node.parent(), None);
    node.set_parent(Some(7));
    assert_eq!(node.parent(), Some(7));
}

#[test]
fn tags_follow_their_nodes_through_append_and_parser_tree() {
    let main = "a: !Ref x\nb: 1\n";
    let mut yaml = Yaml::parse(main);
    let parsed = yaml.clone();
    let other = Yaml::parse("c: !GetAtt y.z\n");
    let other_c = other.get_value(other.root().unwrap(), "c").unwrap();
    let root = yaml.append(other, 100).unwrap();
    let c = yaml.get_value(root, "c").unwrap();
    assert_eq!(c, other_c + parsed.len());
    assert_eq!(yaml.tag(c), Some("!GetAtt"));
    assert_eq!(yaml.range(c), TextRange::new(103, 114));
    let a = yaml.get_value(yaml.root().unwrap(), "a").unwrap();
    assert_eq!(yaml.tag(a), Some("!Ref"));
    assert_eq!(yaml.tag(yaml.root().unwrap()), None);
    // What resolution appended, tags included, is left out of the parser's tree.
    assert!(yaml.parser_tree() == Some(parsed));
}

#[test]
fn tags_are_renumbered_by_an_incremental_reparse() {
    let old_text = "a:\n  x:\n    p: !Ref one\nb:\n  y: !Sub two\nc: !GetAtt three.arn\n";
    let yaml = Yaml::parse(old_text);
    let p = old_text.find("    p").unwrap();
    // `p: !Ref one`, leaving a blank line (deleting the line break too would reach `b`'s line).
    let p_entry = TextRange::new(p + 4, old_text.find("\nb:").unwrap());
    // Blocks that grow, shrink and keep their node count; the tags after them move along.
    for (edit, inserted) in [
        (TextRange::empty(p), "    q: !Ref new\n"),
        (TextRange::empty(p), "    w: 1\n"),
        (p_entry, ""),
        (TextRange::new(p + 8, p + 11), "Sub"),
    ] {
        let new_text = format!(
            "{}{inserted}{}",
            &old_text[..edit.start],
            &old_text[edit.end..]
        );
        let (borrowed, how) = yaml.reparse(old_text, &new_text, edit, inserted.len());
        assert_eq!(how, Reparse::Incremental, "{inserted:?}");
        assert!(borrowed == Yaml::parse(&new_text), "{inserted:?}");
        let plan = yaml.plan_reparse(old_text, &new_text, edit, inserted.len());
        let (owned, how) = yaml.clone().reparse_owned(plan.unwrap(), &new_text);
        assert_eq!(how, Reparse::Incremental, "{inserted:?}");
        assert!(owned == Yaml::parse(&new_text), "{inserted:?}");
        let c = owned.get_value(owned.root().unwrap(), "c").unwrap();
        assert_eq!(owned.tag(c), Some("!GetAtt"));
    }
}

/// Verdicts of the framework's loader (js-yaml 4.3.2 with the CloudFormation schema, asked
/// through `tests/tools/framework-yaml.js`) on the forms where saphyr-parser and js-yaml used
/// to differ: `true` when it loads.
#[test]
fn accepts_and_refuses_what_the_framework_loader_does() {
    let cases = [
        ("Resources:\n  Url:\n    Fn::Join: [\n    '', [\n    'wss://', Ref: Api\n    ]\n    ]\n", true),
        ("a:\n  b: [\nx,\ny\n]\n", true),
        ("a:\n  b: {\nx: 1,\n}\n", true),
        ("a:\n  - [\nx]\n", true),
        ("a:\n  b: \"x\ny\"\n", true),
        ("a:\n  b: 'x\n\ty'\n", true),
        ("a: \u{feff}b\n", true),
        ("a: b\n\u{feff}c: d\n", true),
        ("\u{feff}a: 1\n", true),
        ("a: b\n# \u{1b} comment\n", true),
        ("a: b # \u{7f}\u{85}\n", true),
        ("a: \"\u{7f}\"\n", true),
        ("a: '\u{85}'\n", true),
        ("a: x\u{1b}\n", false),
        ("a: \"\u{1b}\"\n", false),
        ("a: |\n  x\u{7}\n", false),
        ("\u{1b}: 1\n", false),
        ("a: b\u{0}\n", false),
        ("- \tkey: v\n", false),
        ("-\t- x\n", false),
        ("a:\n  \tb: 1\n", false),
        ("a:\t1\nb: 2\n", true),
        ("a:\n  b: 1\n  \t\n  c: 2\n", true),
        (": b\n", false),
        ("- : b\n", false),
        ("? a\n: b\n", true),
        ("{: b}\n", true),
        ("s: [s\ns]\n", false),
        ("s: [s\n s]\n", true),
        ("a:\n  s: [s\n  s]\n", false),
        ("a:\n  s: [s\n   s]\n", true),
        ("[s\ns]\n", true),
        ("a: !Rf x\n", false),
        ("a: !!WebsocketsApi x\n", false),
        ("a: !Ref x\nb: !GetAtt [a, b]\nc: !Sub {x: 1}\n", true),
        ("a: !!str 1\nb: !!int 0x1\nc: !!float 1\nd: !!timestamp 2001-12-14\ne: !!binary aGVsbG8=\n", true),
        // js-yaml 4.3.2 (a fresh install of serverless@3.40.0): no `_` separators, no overflow.
        ("b: !!int 0x_1\n", false),
        ("b: !!int 1e999\n", false),
        ("b: !!float 1e999\n", false),
        ("a: !!int 1.5\n", false),
        ("a: !!null x\n", false),
        ("a: !!str [a]\n", false),
        ("a: !!map [a]\n", false),
        ("a: !!seq [a]\n", true),
        ("a: ! x\n", true),
        ("a: !<tag:yaml.org,2002:str> x\n", true),
        ("a: !<!Ref> x\n", true),
        ("a: !!binary \"a b\"\n", false),
        ("e: \"\"#x\n", true),
        ("e: [a]#x\n", true),
        ("\"a\"#: 1\n", true),
        ("a: 1\n]\n", false),
        ("        T\n] #\n", false),
        (" s\n]\n", false),
        // js-yaml 4.3.2 reads properties before an implicit key on their line as the key's, and
        // starts a mapping at them (4.1.0 refused these).
        ("- !GetAtt to: x\n", true),
        ("&a b: c\n", true),
        ("x:\n  &a b: c\n", true),
        ("I: !Sub $:\n", true),
        ("I: &x a: b\n   c: d\nJ: *x\n", true),
        ("I: !Sub \"a\": b\n", true),
        ("I: !Sub\n  !Ref a: b\n", true),
        // ... but not before a flow collection key, nor a key alone after `:`.
        ("I: !Sub [a]: b\n", false),
        ("- !Sub {a: 1}: b\n", false),
        ("I: a: b\n", false),
        ("I: !Sub a: b\n     c: d\n", false),
        ("I: !Sub a: b: c\n", false),
        ("e: [?]\n", false),
        ("{a: ?}\n", false),
        ("[?a]\n", true),
        ("|\nfoo\n", false),
        ("--- >-\n\nfoo\n", false),
        ("|\n", false),
        ("|\n  foo\n", true),
        ("a: |\n  foo\n", true),
        ("x: 1\n&a b: c\n", true),
        ("x:\n  y: 1\n  &a b: c\n", true),
        ("- &a\n  b: c\n", true),
        ("x: &a\n  b: c\n", true),
        ("[>]\n", false),
        ("{a: |}\n", false),
        ("[a>]\n", true),
        (">#\n", false),
        ("a: > #x\n  b\n", true),
        ("n: [\n\tm]\n", true),
        ("n:\n  - [a,\n\tb]\n", true),
        ("e: \"\"\n: 1\n", false),
        ("~: 1\nnull: 2\n", false),
        ("true: 1\nTrue: 2\n", false),
        ("1: 1\n'1': 2\n", false),
        ("1: 1\n0x1: 2\n", false),
        ("1: 1\n1.0: 2\n", false),
        ("a: 1\n'a ': 2\n", true),
        ("?", true),
        ("a: [!Ref]\n", false),
        ("a: {b: !Ref}\n", false),
        ("a: [!Ref x, !Sub y]\n", true),
        ("s: [4\n\t]\n", true),
        ("s: [t\n\tu]\n", false),
    ];
    let mut wrong = Vec::new();
    for (text, loads) in cases {
        let yaml = Yaml::parse(text);
        if yaml.errors().is_empty() != loads {
            wrong.push(format!(
                "{text:?}: loads={loads}, ws-lint: {:?}",
                yaml.errors()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn core_tags_give_their_type() {
    let text = "a: !!str 1\nb: !!int 0x1\nc: !!float 1\nd: !!timestamp 2001-12-14\ne: !!bool True\nf: !!null ''\n";
    let yaml = Yaml::parse(text);
    assert!(yaml.errors().is_empty(), "{:?}", yaml.errors());
    let root = yaml.root().unwrap();
    let value = |key| yaml.scalar_value(yaml.get_value(root, key).unwrap());
    assert_eq!(value("a"), Some(ScalarValue::Str));
    assert_eq!(value("b"), Some(ScalarValue::Int));
    assert_eq!(value("c"), Some(ScalarValue::Float));
    assert_eq!(value("d"), Some(ScalarValue::Timestamp));
    assert_eq!(value("e"), Some(ScalarValue::Bool(true)));
    assert_eq!(value("f"), Some(ScalarValue::Null));
}

#[test]
fn a_flow_sequence_closed_under_its_key_keeps_its_items() {
    let text = "Url:\n  Fn::Join: [\n  '', [\n  'wss://', x\n  ]\n  ]\n";
    let yaml = Yaml::parse(text);
    assert!(yaml.errors().is_empty(), "{:?}", yaml.errors());
    let join = yaml
        .path(yaml.root().unwrap(), &["Url", "Fn::Join"])
        .unwrap();
    let items = yaml.items(join).unwrap();
    assert_eq!(items.len(), 2);
    let parts: Vec<_> = yaml
        .items(items[1])
        .unwrap()
        .iter()
        .map(|i| yaml.str(*i).unwrap())
        .collect();
    assert_eq!(parts, ["wss://", "x"]);
    assert_eq!(
        &text[yaml.range(join).as_range()],
        "[\n  '', [\n  'wss://', x\n  ]\n  ]"
    );
}
