//! `ws-lint rules --json` against the rule catalog (rules.md, the contract): every rule's code,
//! name and default severity. The table is copied here on purpose, so that a change to either
//! side is a visible decision.

use std::process::Command;

/// (code, name, default severity; `off` for opt-in rules), in catalog order.
const CATALOG: &[(&str, &str, &str)] = &[
    ("WS001", "yaml-syntax", "error"),
    ("WS002", "duplicate-key", "error"),
    ("WS003", "unknown-key", "warning"),
    ("WS004", "wrong-type", "warning"),
    ("WS005", "coerced-type", "hint"),
    ("WS010", "empty-websocket-event", "error"),
    ("WS011", "event-extra-key", "warning"),
    ("WS012", "missing-route", "error"),
    ("WS013", "empty-route", "error"),
    ("WS101", "unknown-reserved-route", "error"),
    ("WS102", "reserved-route-without-dollar", "warning"),
    ("WS103", "duplicate-route", "error"),
    ("WS104", "route-id-collision", "error"),
    ("WS105", "invalid-route-characters", "error"),
    ("WS106", "route-response-value", "warning"),
    ("WS107", "no-default-route", "info"),
    ("WS108", "route-count-limit", "info"),
    ("WS201", "authorizer-not-on-connect", "error"),
    ("WS202", "authorizer-function-missing", "error"),
    ("WS203", "authorizer-arn-needs-name", "error"),
    ("WS204", "authorizer-name-ignored", "warning"),
    ("WS205", "authorizer-arn-qualifier", "warning"),
    ("WS206", "authorizer-not-lambda", "error"),
    ("WS207", "invalid-identity-source", "error"),
    ("WS208", "identity-source-misplaced", "warning"),
    ("WS209", "invalid-authorizer-reference", "error"),
    ("WS210", "empty-identity-source", "info"),
    ("WS211", "authorizer-count-limit", "info"),
    ("WS212", "header-identity-source", "off"),
    ("WS213", "authorizer-without-function", "error"),
    ("WS301", "route-selection-expression", "warning"),
    ("WS302", "legacy-key", "warning"),
    ("WS303", "ignored-with-external-api", "warning"),
    ("WS304", "external-api-reserved-route", "info"),
    ("WS401", "invalid-log-level", "error"),
    ("WS402", "access-log-missing-request-id", "warning"),
    ("WS403", "access-log-format-shape", "warning"),
    ("WS404", "unknown-context-variable", "info"),
    ("WS405", "execution-data-logged", "info"),
    ("WS406", "log-level-ignored", "info"),
    ("WS501", "provider-tags-not-applied", "info"),
    ("WS502", "use-provider-tags-without-tags", "warning"),
    ("WS601", "variable-syntax", "error"),
    ("WS602", "unresolved-self-reference", "warning"),
    ("WS603", "unknown-variable-source", "warning"),
    ("WS604", "include-not-found", "warning"),
    ("WS605", "variable-budget", "warning"),
    ("WS606", "spaced-variable", "hint"),
    ("WS701", "integration-timeout", "info"),
    ("WS702", "handler-file-missing", "warning"),
    ("WS703", "custom-role-manage-connections", "info"),
    ("WS704", "unknown-websocket-resource", "error"),
    ("WS901", "unused-suppression", "warning"),
    ("WS902", "invalid-suppression", "warning"),
];

#[test]
fn rules_json_agrees_with_the_catalog() {
    let output = Command::new(env!("CARGO_BIN_EXE_ws-lint"))
        .args(["rules", "--json"])
        .output()
        .expect("ws-lint runs");
    assert!(output.status.success(), "{output:?}");
    let rules: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("`ws-lint rules --json` prints JSON");
    let reported: Vec<(String, String, String)> = rules
        .iter()
        .map(|rule| {
            let field = |name: &str| rule[name].as_str().unwrap_or_default().to_string();
            (field("code"), field("name"), field("severity"))
        })
        .collect();
    let expected: Vec<(String, String, String)> = CATALOG
        .iter()
        .map(|(code, name, severity)| (code.to_string(), name.to_string(), severity.to_string()))
        .collect();
    let missing: Vec<_> = expected.iter().filter(|r| !reported.contains(r)).collect();
    let extra: Vec<_> = reported.iter().filter(|r| !expected.contains(r)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "catalog rows not reported as such: {missing:?}\nreported but not in the catalog: {extra:?}"
    );
    assert_eq!(reported.len(), 54);
}
