//! Handler tests in rust-analyzer's style: a service text with the cursor marked `$0`, the
//! handler called directly on its analysis (no server, no JSON-RPC), and what an editor would
//! show written out in an `expect!` block. `UPDATE_EXPECT=1 cargo test --lib lsp::tests`
//! rewrites the blocks; read the diff before committing it.

use std::str::FromStr;

use expect_test::{expect, Expect};
use tower_lsp_server::ls_types::{self as lsp, Uri};

use super::convert::Converter;
use super::documents::Snapshot;
use super::{completion, definition, hover, references, rename};
use crate::config::Settings;
use crate::span::ColumnEncoding;

const CURSOR: &str = "$0";

/// The text without its cursor marker, analysed as `serverless.yml`, and the cursor's offset.
fn fixture(text_with_cursor: &str) -> (Snapshot, usize) {
    let offset = text_with_cursor
        .find(CURSOR)
        .expect("the fixture marks the cursor with $0");
    let text = text_with_cursor.replacen(CURSOR, "", 1);
    let analysis = crate::analyze(&text, "serverless.yml", &Settings::default());
    let snapshot = Snapshot {
        version: 0,
        generation: 0,
        text,
        analysis,
        included: Vec::new(),
    };
    (snapshot, offset)
}

fn uri() -> Uri {
    Uri::from_str("file:///project/serverless.yml").expect("a valid URI")
}

fn converter(snapshot: &Snapshot) -> Converter<'_> {
    Converter::new(
        &snapshot.text,
        &snapshot.analysis.line_index,
        ColumnEncoding::Utf16,
    )
}

/// `line:character-line:character "the text there"`, 0-based as in the protocol.
fn show_range(snapshot: &Snapshot, range: lsp::Range) -> String {
    let converter = converter(snapshot);
    let span = converter.text_range(range);
    format!(
        "{}:{}-{}:{} {:?}",
        range.start.line,
        range.start.character,
        range.end.line,
        range.end.character,
        &snapshot.text[span.start..span.end]
    )
}

fn check_hover(text_with_cursor: &str, expect: Expect) {
    let (snapshot, offset) = fixture(text_with_cursor);
    let model = snapshot.parsed().then_some(&snapshot);
    let actual = match hover::hover(&snapshot, model, &converter(&snapshot), offset) {
        None => "no hover".to_string(),
        Some(hover) => {
            let range = hover
                .range
                .map_or_else(|| "no range".to_string(), |r| show_range(&snapshot, r));
            let contents = match hover.contents {
                lsp::HoverContents::Markup(markup) => markup.value,
                other => format!("{other:?}"),
            };
            format!("{range}\n---\n{contents}\n")
        }
    };
    expect.assert_eq(&actual);
}

/// Each item: its label, the text it inserts when that differs, and its detail.
fn check_completion(text_with_cursor: &str, expect: Expect) {
    let (snapshot, offset) = fixture(text_with_cursor);
    let model = snapshot.parsed().then_some(&snapshot);
    let response = completion::completion(&snapshot.text, &converter(&snapshot), model, offset);
    let (items, incomplete) = match response {
        lsp::CompletionResponse::Array(items) => (items, false),
        lsp::CompletionResponse::List(list) => (list.items, list.is_incomplete),
    };
    let mut actual = String::new();
    if incomplete {
        actual.push_str("(incomplete)\n");
    }
    for item in items {
        actual.push_str(&item.label);
        let inserted = match &item.text_edit {
            Some(lsp::CompletionTextEdit::Edit(edit)) => Some(edit.new_text.clone()),
            Some(lsp::CompletionTextEdit::InsertAndReplace(edit)) => Some(edit.new_text.clone()),
            None => item.insert_text.clone(),
        };
        if let Some(inserted) = inserted.filter(|t| *t != item.label) {
            actual.push_str(&format!(" => {inserted:?}"));
        }
        if let Some(detail) = &item.detail {
            actual.push_str(&format!(" ({detail})"));
        }
        actual.push('\n');
    }
    expect.assert_eq(&actual);
}

fn show_locations(snapshot: &Snapshot, locations: &[lsp::Location]) -> String {
    locations
        .iter()
        .map(|l| format!("{}\n", show_range(snapshot, l.range)))
        .collect()
}

fn check_references(text_with_cursor: &str, include_declaration: bool, expect: Expect) {
    let (snapshot, offset) = fixture(text_with_cursor);
    let found = references::references(
        &uri(),
        &snapshot,
        &converter(&snapshot),
        offset,
        include_declaration,
    );
    let actual = match found {
        None => "nothing to find here\n".to_string(),
        Some(locations) => show_locations(&snapshot, &locations),
    };
    expect.assert_eq(&actual);
}

fn check_definition(text_with_cursor: &str, expect: Expect) {
    let (snapshot, offset) = fixture(text_with_cursor);
    let found = definition::definition(&uri(), &snapshot, &converter(&snapshot), offset);
    let actual = match found {
        None => "no definition\n".to_string(),
        Some(lsp::GotoDefinitionResponse::Scalar(location)) => {
            show_locations(&snapshot, &[location])
        }
        Some(other) => format!("{other:?}\n"),
    };
    expect.assert_eq(&actual);
}

/// The text after the rename's edits, or the refusal.
fn check_rename(text_with_cursor: &str, new_name: &str, expect: Expect) {
    let (snapshot, offset) = fixture(text_with_cursor);
    let converter = converter(&snapshot);
    let actual = match rename::rename(&uri(), &snapshot, &converter, offset, new_name) {
        Err(error) => format!("refused: {}\n", error.message),
        Ok(None) => "nothing to rename here\n".to_string(),
        Ok(Some(edit)) => {
            let mut edits: Vec<_> = edit
                .changes
                .unwrap_or_default()
                .remove(&uri())
                .unwrap_or_default()
                .into_iter()
                .map(|e| (converter.text_range(e.range), e.new_text))
                .collect();
            edits.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
            let mut text = snapshot.text.clone();
            for (range, new_text) in edits {
                text.replace_range(range.start..range.end, &new_text);
            }
            text
        }
    };
    expect.assert_eq(&actual);
}

const AUTHORIZED: &str = "service: chat
provider:
  name: aws
functions:
  auth:
    handler: handler.auth
  connect:
    handler: handler.connect
    events:
      - websocket:
          route: $connect
          authorizer: auth
  other:
    handler: handler.other
    events:
      - websocket:
          route: $disconnect
          authorizer:
            name: \"auth\"
";

/// `AUTHORIZED` with the cursor put after the first `marker`.
fn cursor_after(text: &str, marker: &str) -> String {
    let at = text.find(marker).expect("the marker is in the text") + marker.len();
    format!("{}{CURSOR}{}", &text[..at], &text[at..])
}

#[test]
fn hover_on_a_route_key() {
    check_hover(
        "service: chat
provider:
  name: aws
functions:
  connect:
    handler: handler.connect
    events:
      - websocket:
          ro$0ute: $connect
",
        expect![[r#"
            8:10-8:15 "route"
            ---
            **route**

            The route key: `$connect`, `$disconnect`, `$default`, or a custom key matched against the route selection expression (by default the `action` field of a JSON message). Custom keys must not start with `$`.
        "#]],
    );
}

#[test]
fn hover_on_a_built_in_route() {
    check_hover(
        "service: chat
provider:
  name: aws
functions:
  connect:
    handler: handler.connect
    events:
      - websocket:
          route: $con$0nect
",
        expect![[r#"
            8:17-8:25 "$connect"
            ---
            `$connect`

            Runs when a client opens a connection. The only route where an authorizer runs; returning a non-2xx status rejects the connection.

            ---

            CloudFormation logical IDs the framework generates:

            - `WebsocketsApi` (AWS::ApiGatewayV2::Api)
            - `WebsocketsDeploymentStage` (AWS::ApiGatewayV2::Stage)
            - `SconnectWebsocketsRoute` (AWS::ApiGatewayV2::Route)
            - `ConnectWebsocketsIntegration` (AWS::ApiGatewayV2::Integration)
            - `ConnectLambdaPermissionWebsockets` (AWS::Lambda::Permission)
        "#]],
    );
}

#[test]
fn hover_on_an_authorizer_name_shows_its_function() {
    check_hover(
        &cursor_after(AUTHORIZED, "authorizer: au"),
        expect![[r#"
        11:22-11:26 "auth"
        ---
        authorizer: function `auth` (line 5)

        handler: `handler.auth`
    "#]],
    );
}

#[test]
fn hover_on_a_route_shows_the_names_the_framework_generates() {
    check_hover(
        "service: chat
provider:
  name: aws
functions:
  sendMessage:
    handler: handler.sendMessage
    events:
      - websocket: sendMe$0ssage
      - websocket: $default
",
        expect![[r#"
            7:19-7:30 "sendMessage"
            ---
            CloudFormation logical IDs the framework generates:

            - `WebsocketsApi` (AWS::ApiGatewayV2::Api)
            - `WebsocketsDeploymentStage` (AWS::ApiGatewayV2::Stage)
            - `sendMessageWebsocketsRoute` (AWS::ApiGatewayV2::Route)
            - `SendMessageWebsocketsIntegration` (AWS::ApiGatewayV2::Integration)
            - `SendMessageLambdaPermissionWebsockets` (AWS::Lambda::Permission)
        "#]],
    );
}

#[test]
fn hover_on_an_authorizer_key_names_the_generated_authorizer() {
    check_hover(
        &cursor_after(AUTHORIZED, "          authori"),
        expect![[r#"
        11:10-11:20 "authorizer"
        ---
        **authorizer**

        A Lambda authorizer: a function name of this service, an ARN, or an object with `name` or `arn` and `identitySource`. API Gateway runs authorizers on `$connect` only.

        ---

        CloudFormation logical IDs the framework generates:

        - `AuthWebsocketsAuthorizer` (AWS::ApiGatewayV2::Authorizer)
        - `AuthLambdaPermissionWebsockets` (AWS::Lambda::Permission)
    "#]],
    );
}

#[test]
fn hover_outside_any_known_key_is_nothing() {
    check_hover("service: ch$0at\n", expect!["no hover"]);
}

#[test]
fn completion_of_a_route_offers_built_ins_and_routes_in_use() {
    check_completion(
        "service: chat
provider:
  name: aws
functions:
  message:
    handler: handler.message
    events:
      - websocket: sendMessage
      - websocket:
          route: $$0
",
        expect![[r#"
            $connect
            $disconnect
            $default
            sendMessage
        "#]],
    );
}

#[test]
fn completion_of_an_authorizer_offers_the_functions() {
    check_completion(
        "service: chat
provider:
  name: aws
functions:
  auth:
    handler: handler.auth
  connect:
    handler: handler.connect
    events:
      - websocket:
          route: $connect
          authorizer: $0
",
        expect![[r#"
            auth
            connect
        "#]],
    );
}

#[test]
fn completion_of_keys_leaves_out_those_present() {
    check_completion(
        "service: chat
provider:
  name: aws
functions:
  connect:
    handler: handler.connect
    events:
      - websocket:
          route: $connect
          $0
",
        expect![[r#"
            routeResponseSelectionExpression => "routeResponseSelectionExpression: "
            authorizer => "authorizer: "
        "#]],
    );
}

#[test]
fn completion_after_ref_offers_generated_ids() {
    check_completion(
        "service: chat
provider:
  name: aws
  environment:
    API_ID:
      Ref: $0
functions:
  connect:
    handler: handler.connect
    events:
      - websocket:
          route: $connect
",
        expect![[r#"
            WebsocketsApi
            WebsocketsDeploymentStage
            SconnectWebsocketsRoute
            ConnectWebsocketsIntegration
            ConnectLambdaPermissionWebsockets
        "#]],
    );
}

#[test]
fn references_of_an_authorizer_function() {
    check_references(
        &cursor_after(AUTHORIZED, "  au"),
        true,
        expect![[r#"
        4:2-4:6 "auth"
        11:22-11:26 "auth"
        18:19-18:23 "auth"
    "#]],
    );
    check_references(
        &cursor_after(AUTHORIZED, "  au"),
        false,
        expect![[r#"
        11:22-11:26 "auth"
        18:19-18:23 "auth"
    "#]],
    );
}

#[test]
fn references_from_a_use_of_the_authorizer() {
    check_references(
        &cursor_after(AUTHORIZED, "name: \"au"),
        true,
        expect![[r#"
            4:2-4:6 "auth"
            11:22-11:26 "auth"
            18:19-18:23 "auth"
        "#]],
    );
}

#[test]
fn references_elsewhere_find_nothing() {
    check_references(
        &cursor_after(AUTHORIZED, "servi"),
        true,
        expect![[r#"
        nothing to find here
    "#]],
    );
}

#[test]
fn rename_of_an_authorizer_renames_its_key_and_every_use() {
    check_rename(
        &cursor_after(AUTHORIZED, "authorizer: au"),
        "authorize",
        expect![[r#"
            service: chat
            provider:
              name: aws
            functions:
              authorize:
                handler: handler.auth
              connect:
                handler: handler.connect
                events:
                  - websocket:
                      route: $connect
                      authorizer: authorize
              other:
                handler: handler.other
                events:
                  - websocket:
                      route: $disconnect
                      authorizer:
                        name: "authorize"
        "#]],
    );
}

#[test]
fn rename_refuses_an_existing_name_and_a_name_yaml_reads_otherwise() {
    check_rename(
        &cursor_after(AUTHORIZED, "  au"),
        "connect",
        expect![[r#"
            refused: a function named `connect` already exists
        "#]],
    );
    check_rename(
        &cursor_after(AUTHORIZED, "  au"),
        "true",
        expect![[r#"
        refused: `true` cannot name a function: YAML reads it as a boolean, not a name
    "#]],
    );
}

#[test]
fn definition_of_an_authorizer_is_its_function() {
    check_definition(
        &cursor_after(AUTHORIZED, "name: \"au"),
        expect![[r#"
            4:2-4:6 "auth"
        "#]],
    );
}

#[test]
fn definition_of_a_self_variable_is_the_key_it_reads() {
    check_definition(
        "service: chat
provider:
  name: aws
  stage: ${self:custom.st$0age}
custom:
  stage: dev
",
        expect![[r#"
            5:2-5:7 "stage"
        "#]],
    );
}

#[test]
fn definition_of_a_generated_id_is_what_makes_the_framework_create_it() {
    check_definition(
        "service: chat
provider:
  name: aws
  environment:
    ROUTE:
      Fn::Sub: \"${sendMess$0ageWebsocketsRoute}\"
functions:
  sendMessage:
    handler: handler.sendMessage
    events:
      - websocket: sendMessage
",
        expect![[r#"
            10:19-10:30 "sendMessage"
        "#]],
    );
}
