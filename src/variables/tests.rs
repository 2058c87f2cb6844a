use super::*;
use crate::span::TextRange;

/// What one version does with a value.
#[derive(Debug, PartialEq)]
enum V3 {
    /// Resolves this many top-level variables (0: the value is text).
    Vars(usize),
    Error(ErrorCode),
}

/// `(value, what v3 does, what v4 does with v3's error)`. The v3 column is what the real
/// parser (v3.40) does; the v4 column is what sf-core's placeholder extraction does
/// (`packages/sf-core/src/lib/resolvers/placeholders.js`): `None` where v3 accepts.
const CASES: &[(&str, V3, Option<V4>)] = &[
    // Plain variables, adjacency, escapes.
    ("${self:custom.route}", V3::Vars(1), None),
    ("pre-${opt:stage, 'dev'}-post", V3::Vars(1), None),
    ("${self:x}:${self:y}", V3::Vars(2), None),
    ("${self:}", V3::Vars(1), None),
    ("${self:a b}", V3::Vars(1), None),
    ("${file(./x.yml):a}", V3::Vars(1), None),
    ("${file(./x.yml)}", V3::Vars(1), None),
    ("${ssm(us-east-1, raw):/a}", V3::Vars(1), None),
    ("${file(${self:custom.f}.yml)}", V3::Vars(1), None),
    ("${self:custom.${opt:stage}}", V3::Vars(1), None),
    ("${strToBool(${ssm:/a, 'false'})}", V3::Vars(1), None),
    ("${bref-extra:imagick-php-81}", V3::Vars(1), None),
    ("\\${self:x}", V3::Vars(0), None),
    ("\\\\${self:x}", V3::Vars(1), None),
    ("$${self:x}", V3::Vars(1), None),
    // Foreign forms are text in v3.
    ("${AWS::Region}", V3::Vars(0), None),
    ("${Foo:bar}", V3::Vars(0), None),
    ("${ self:x }", V3::Vars(0), None),
    ("${}", V3::Vars(0), None),
    ("${foo}", V3::Vars(0), None),
    ("${request.body.action}", V3::Vars(0), None),
    ("${!Literal}", V3::Vars(0), None),
    ("#{AWS::AccountId}", V3::Vars(0), None),
    ("${aws::x}", V3::Vars(0), None),
    ("$request.body.action", V3::Vars(0), None),
    ("${WebsocketsApi}/${self:provider.stage}", V3::Vars(1), None),
    ("${Foo ${self:x}}", V3::Vars(1), None),
    ("${self", V3::Vars(0), None),
    // Fallbacks.
    (
        "${opt:stage, self:provider.stage, 'dev'}",
        V3::Vars(1),
        None,
    ),
    ("${opt:x, 'a,b'}", V3::Vars(1), None),
    ("${opt:stage, \"a,b\"}", V3::Vars(1), None),
    ("${opt:x, 12}", V3::Vars(1), None),
    ("${opt:x, -1.5}", V3::Vars(1), None),
    ("${opt:x, true}", V3::Vars(1), None),
    ("${opt:x, null}", V3::Vars(1), None),
    ("${opt:x, 0x10}", V3::Vars(1), None),
    (
        "${self:a:b}",
        V3::Error(ErrorCode::InvalidVariableAddress),
        Some(V4::Accepts),
    ),
    // Errors both versions reject.
    (
        "${opt:stage, dev}",
        V3::Error(ErrorCode::InvalidVariableLiteralSource),
        Some(V4::Rejects),
    ),
    (
        "${opt:stage, dev ops}",
        V3::Error(ErrorCode::InvalidVariableLiteralSource),
        Some(V4::Rejects),
    ),
    (
        "${opt:x,}",
        V3::Error(ErrorCode::InvalidVariableSource),
        Some(V4::Rejects),
    ),
    (
        "${opt:x, @y}",
        V3::Error(ErrorCode::InvalidVariableSource),
        Some(V4::Rejects),
    ),
    (
        "${opt:x, 'a' b}",
        V3::Error(ErrorCode::InvalidVariableSource),
        Some(V4::Rejects),
    ),
    (
        "${file(x)y}",
        V3::Error(ErrorCode::InvalidVariableAddress),
        Some(V4::Rejects),
    ),
    (
        "${opt:x, \"\\q\"}",
        V3::Error(ErrorCode::InvalidVariableStringLiteral),
        Some(V4::Rejects),
    ),
    // Errors v3 reports and v4 leaves as text.
    (
        "${self:x",
        V3::Error(ErrorCode::UnterminatedVariable),
        Some(V4::KeepsText),
    ),
    (
        "${file(x",
        V3::Error(ErrorCode::UnterminatedVariable),
        Some(V4::KeepsText),
    ),
    (
        "${file(x}",
        V3::Error(ErrorCode::InvalidVariableParam),
        Some(V4::KeepsText),
    ),
    (
        "${self:${Foo}}",
        V3::Error(ErrorCode::InvalidVariableType),
        Some(V4::KeepsText),
    ),
    (
        "${self:a.${foo}}",
        V3::Error(ErrorCode::InvalidVariableType),
        Some(V4::KeepsText),
    ),
    // An unterminated variable after a complete one is text in v3 (no error) and in v4.
    ("${self:a} ${self:b", V3::Vars(1), None),
    // Errors only v3 reports: v4 resolves these (the file param is the raw text `'a' b`).
    (
        "${file('a' b)}",
        V3::Error(ErrorCode::InvalidVariableParam),
        Some(V4::Accepts),
    ),
    (
        "${opt:x, ${env:Y}}",
        V3::Error(ErrorCode::InvalidVariableSource),
        Some(V4::Accepts),
    ),
    (
        "${opt:x, 'a', env:Y}",
        V3::Error(ErrorCode::InvalidVariableSource),
        Some(V4::Accepts),
    ),
    (
        "${opt:x, 12, env:Y}",
        V3::Error(ErrorCode::InvalidVariableSource),
        Some(V4::Accepts),
    ),
    (
        "${ssm:arn:aws:ssm:us-east-1:1:parameter/a}",
        V3::Error(ErrorCode::InvalidVariableAddress),
        Some(V4::Accepts),
    ),
];

#[test]
fn grammar_table() {
    let mut failures = Vec::new();
    for (value, v3, v4) in CASES {
        let parsed = parse(value);
        let got_v3 = match &parsed.error {
            Some(e) => V3::Error(e.code),
            None => V3::Vars(parsed.variables().count()),
        };
        let got_v4 = parsed.error.as_ref().map(|e| e.v4);
        if &got_v3 != v3 || &got_v4 != v4 {
            failures.push(format!(
                "{value:?}: expected {v3:?} / {v4:?}, got {got_v3:?} / {got_v4:?}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_error_code_is_covered() {
    let codes = [
        ErrorCode::UnterminatedVariable,
        ErrorCode::InvalidVariableType,
        ErrorCode::InvalidVariableSource,
        ErrorCode::InvalidVariableParam,
        ErrorCode::InvalidVariableAddress,
        ErrorCode::InvalidVariableLiteralSource,
        ErrorCode::InvalidVariableStringLiteral,
    ];
    for code in codes {
        assert!(
            CASES.iter().any(|(_, v3, _)| *v3 == V3::Error(code)),
            "{code:?}"
        );
    }
}

#[test]
fn sources_params_addresses_and_spans() {
    let value = "a-${file(./c.yml, 'x'):${opt:stage}, self:b.c, 'd'}-e";
    let parsed = parse(value);
    assert!(parsed.error.is_none());
    let vars: Vec<_> = parsed.variables().collect();
    assert_eq!(vars.len(), 1);
    let var = vars[0];
    assert_eq!(&value[var.span.as_range()], &value[2..value.len() - 2]);
    assert_eq!(var.sources.len(), 3);
    let Source::Variable {
        kind,
        params,
        address,
        ..
    } = &var.sources[0]
    else {
        panic!("{:?}", var.sources[0]);
    };
    assert_eq!(kind, "file");
    let params = params.as_ref().unwrap();
    assert_eq!(
        params[0].value,
        ArgValue::Literal(Literal::Str("./c.yml".into()))
    );
    assert_eq!(params[1].value, ArgValue::Literal(Literal::Str("x".into())));
    let address = address.as_ref().unwrap();
    let ArgValue::Template { variables, .. } = &address.value else {
        panic!("{address:?}");
    };
    assert_eq!(&value[variables[0].span.as_range()], "${opt:stage}");
    assert_eq!(var.sources[1].kind(), Some("self"));
    assert_eq!(&value[var.sources[1].span().as_range()], "self:b.c");
    assert!(matches!(
        &var.sources[2],
        Source::Literal { value: Literal::Str(s), .. } if s == "d"
    ));
    assert_eq!(var.fallbacks().len(), 2);
    // Text segments around it.
    assert_eq!(
        parsed.segments.first(),
        Some(&Segment::Text(TextRange::new(0, 2)))
    );
}

#[test]
fn literal_error_points_at_the_word() {
    let value = "${opt:stage, dev}";
    let error = parse(value).error.unwrap();
    assert_eq!(&value[error.at.as_range()], "dev");
    assert_eq!(&value[error.variable.as_range()], value);
    assert_eq!(
        error.message,
        "Invalid literal source \"dev\" at index 13 in \"${opt:stage, dev}\""
    );
}

#[test]
fn has_variable_keeps_its_meaning() {
    assert!(has_variable("${self:custom.route}"));
    assert!(has_variable("pre-${opt:stage, 'dev'}-post"));
    assert!(has_variable("${file(./x.yml):a}"));
    assert!(has_variable("${Foo:bar}"), "v4 resolves it (and fails)");
    assert!(has_variable("${ self:x }"), "v4 trims and resolves it");
    assert!(has_variable("${self:x"), "v3 fails on it");
    assert!(!has_variable("${AWS::Region}"));
    assert!(!has_variable("${request.body.action}"));
    assert!(!has_variable("#{AWS::AccountId}"));
    assert!(!has_variable("\\${self:x}"));
    assert!(has_variable("\\\\${self:x}"));
    assert!(!has_variable("$request.body.action"));
    assert!(!has_variable("${!Literal}"));
    assert!(!has_variable("plain"));
}

#[test]
fn deep_nesting_stays_cheap() {
    let deep = "${self:".repeat(10_000) + &"}".repeat(10_000);
    let parsed = parse(&deep);
    assert!(parsed.too_deep);
    assert!(has_variable(&deep));
}

#[test]
fn maps_value_offsets_to_the_text() {
    let text = "a: pre-${self:x}\nb: 'it''s ${self:y}'\nc: \"\\t${self:z}\"\nd: !Sub '${AWS::Region}${self:w}'\ne: >\n  ${self:v}\n";
    let yaml = Yaml::parse(text);
    let found = scan(&yaml, None);
    assert_eq!(found.len(), 5);
    let ranges: Vec<&str> = found
        .iter()
        .map(|v| {
            let var = v.parsed.variables().next().unwrap();
            &text[source_range(text, &yaml, v.node, var.span).as_range()]
        })
        .collect();
    assert_eq!(
        ranges,
        [
            "${self:x}",
            "${self:y}",
            "${self:z}",
            "${self:w}",
            ">\n  ${self:v}"
        ]
    );
}

#[test]
fn self_lookup_follows_anchors_merges_and_indexes() {
    let text = "base: &base\n  region: eu-west-1\ncustom:\n  <<: *base\n  list: [a, {b: 1}]\n  inc: ${file(./x.yml)}\n  ref: !Ref Thing\n  alias: *base\n";
    let yaml = Yaml::parse(text);
    let found = |address: &str| match lookup_self(&yaml, address) {
        SelfLookup::Found(node) => Some(node),
        _ => None,
    };
    let str_at = |address: &str| found(address).and_then(|n| yaml.str(n));
    assert_eq!(str_at("custom.region"), Some("eu-west-1"));
    assert_eq!(str_at("custom.alias.region"), Some("eu-west-1"));
    assert_eq!(str_at("custom.list.0"), Some("a"));
    assert_eq!(str_at("custom.list.1.b"), Some("1"));
    assert!(found("").is_some());
    assert!(matches!(
        lookup_self(&yaml, "custom.nope"),
        SelfLookup::Missing { missing: 1, .. }
    ));
    assert!(matches!(
        lookup_self(&yaml, "custom.list.5"),
        SelfLookup::Missing { missing: 2, .. }
    ));
    assert_eq!(lookup_self(&yaml, "custom.inc.a"), SelfLookup::Unknown);
    assert_eq!(lookup_self(&yaml, "custom.ref.x"), SelfLookup::Unknown);
    assert_eq!(lookup_self(&yaml, "custom.list.first"), SelfLookup::Unknown);
}

#[test]
fn never_panics_on_odd_text() {
    let alphabet: Vec<char> = "${}():,'\"\\ .-aZs€é!#\n0".chars().collect();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..50_000 {
        let mut text = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 24) as usize;
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        for prefix in ["", "${", "${self:", "${file(", "${opt:x, "] {
            let text = format!("{prefix}{text}");
            let parsed = parse(&text);
            for segment in &parsed.segments {
                let range = match segment {
                    Segment::Text(r) => *r,
                    Segment::Variable(v) => v.span,
                };
                assert!(text.get(range.as_range()).is_some(), "{text:?}");
            }
            let _ = has_variable(&text);
        }
    }
}
