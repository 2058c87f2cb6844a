//! Synthetic services for benchmarks and scale tests: `serverless.yml` text of a given number of
//! lines that looks like the real services in `fuzz/corpus/analyze`, so a benchmark pays what a
//! real file costs: variables in every function's environment, IAM statements with `!GetAtt` and
//! `!Sub`, per-function descriptions, tags and package patterns, an authorizer on `$connect`,
//! several route forms, other event kinds, CloudFormation resources, and a few deliberate
//! mistakes so that diagnostics are produced (see [`MISTAKES`]).
//!
//! The variety comes from a fixed seed: the same size gives the same text on every run, so
//! anyone can reproduce a measurement.
//! `cargo run --release --features bench-tools --bin ws-lint-gen -- 200000 > big.yml` writes one.

use std::fmt::Write;

/// The handler modules a synthetic service names (each with a `.js` source), so a service
/// written to disk with them is free of WS702 findings.
pub const HANDLER_MODULES: [&str; 5] = [
    "src/auth",
    "src/connect",
    "src/disconnect",
    "src/default",
    "src/actions",
];

/// The rules the deliberate mistakes trip, in the order the functions carry them (one function
/// in every [`MISTAKE_EVERY`] has one): a `routeResponseSelectionExpression` other than
/// `$default`, a misspelt `${self:...}` path, an authorizer on a custom route, an HTTP key on a
/// websocket event, a timeout above API Gateway's 29 seconds, a one-item list as route.
pub const MISTAKES: [&str; 6] = ["WS106", "WS602", "WS201", "WS003", "WS701", "WS005"];

/// One function in this many carries a mistake: a few per thousand lines.
pub const MISTAKE_EVERY: usize = 31;

/// The DynamoDB tables of the service: each a `custom.tables` entry, a resource, and what the
/// functions' IAM statements and environments point to.
const TABLES: [&str; 5] = ["Connections", "Messages", "Rooms", "Users", "Audit"];

/// A pseudo-random sequence (xorshift64*) with a fixed seed: variety without irreproducibility.
struct Sequence(u64);

impl Sequence {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

const SEED: u64 = 0x5EED_0FC4_A75E_55AA;

/// A service of at most `lines` lines (and within one function of it, when `lines` is more than
/// the fixed parts): the service settings and provider, then functions `action0`, `action1`...
/// with websocket events, then the resources. Every function ends on a whole line.
pub fn service(lines: usize) -> String {
    let mut out = String::with_capacity(lines * 36);
    out.push_str(HEAD);
    let resources = resources();
    let mut count = out.lines().count() + resources.lines().count();
    let mut sequence = Sequence(SEED);
    let mut function = String::new();
    for i in 0.. {
        function.clear();
        action(&mut function, i, &mut sequence);
        let more = function.lines().count();
        if count + more > lines {
            break;
        }
        count += more;
        out.push_str(&function);
    }
    out.push_str(&resources);
    out
}

/// The byte offset just after a plain `route: actionN` (the object form, no mistake) of a
/// function at or after the middle of `text`, a service from [`service`]: where the benchmarks
/// type inside a function.
pub fn route_end_near_middle(text: &str) -> Option<usize> {
    let functions = text.matches("\n  action").count();
    (functions / 2..functions).find_map(|i| {
        let marker = format!("\n          route: action{i}\n");
        text.find(&marker).map(|at| at + marker.len() - 1)
    })
}

/// The byte offset just after the value of `provider.tags.team` in a service from [`service`]:
/// where the benchmarks type in the provider, which every function's analysis depends on.
pub fn provider_tag_end(text: &str) -> Option<usize> {
    let marker = "\n    team: realtime\n";
    text.find(marker).map(|at| at + marker.len() - 1)
}

const HEAD: &str = r#"service: synthetic-chat
frameworkVersion: "3"
useDotenv: true

plugins:
  - serverless-iam-roles-per-function
  - serverless-prune-plugin

package:
  individually: true
  patterns:
    - '!node_modules/.cache/**'
    - '!test/**'
    - '!*.md'

custom:
  stage: ${opt:stage, 'dev'}
  logLevel: ${env:LOG_LEVEL, 'info'}
  tableName: ${self:service}-connections-${sls:stage}
  tables:
    connections: ${self:service}-connections-${sls:stage}
    messages: ${self:service}-messages-${sls:stage}
    rooms: ${self:service}-rooms-${sls:stage}
    users: ${self:service}-users-${sls:stage}
    audit: ${self:service}-audit-${sls:stage}
  owners:
    chat: team-chat@example.com
    rooms: team-rooms@example.com
    platform: team-platform@example.com
  memory:
    small: 256
    large: 1024
  prune:
    automatic: true
    number: 3

provider:
  name: aws
  runtime: nodejs20.x
  architecture: arm64
  stage: ${opt:stage, 'dev'}
  region: ${opt:region, 'eu-west-1'}
  memorySize: ${self:custom.memory.small}
  timeout: 10
  logRetentionInDays: 14
  websocketsApiName: synthetic-${sls:stage}
  websocketsApiRouteSelectionExpression: $request.body.action
  websocketsDescription: Chat messages for ${self:service} (${sls:stage})
  logs:
    websocket:
      level: INFO
      fullExecutionData: false
  websocket:
    useProviderTags: true
  tags:
    team: realtime
    service: ${self:service}
    stage: ${sls:stage}
  environment:
    STAGE: ${sls:stage}
    SERVICE: ${self:service}
    CONNECTIONS_TABLE: ${self:custom.tables.connections}
    WEBSOCKET_ENDPOINT: !Sub "https://${WebsocketsApi}.execute-api.${AWS::Region}.amazonaws.com/${sls:stage}"
    SIGNING_SECRET: ${ssm:/synthetic-chat/${sls:stage}/signing-secret}
  iam:
    role:
      statements:
        - Effect: Allow
          Action:
            - dynamodb:GetItem
            - dynamodb:PutItem
            - dynamodb:DeleteItem
            - dynamodb:Query
          Resource:
            - !GetAtt ConnectionsTable.Arn
            - !Sub "${ConnectionsTable.Arn}/index/*"
        - Effect: Allow
          Action:
            - execute-api:ManageConnections
          Resource:
            - !Sub "arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${WebsocketsApi}/*"
        - Effect: Allow
          Action:
            - ssm:GetParameter
          Resource:
            - !Sub "arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/synthetic-chat/*"

functions:
  auth:
    handler: src/auth.handler
    description: Checks the token of a connection (${sls:stage})
    environment:
      USERS_TABLE: ${self:custom.tables.users}
  connect:
    handler: src/connect.handler
    description: Stores a new connection
    events:
      - websocket:
          route: $connect
          authorizer:
            name: auth
            identitySource:
              - route.request.querystring.token
  disconnect:
    handler: src/disconnect.handler
    description: Forgets a connection
    events:
      - websocket: $disconnect
  default:
    handler: src/default.handler
    description: Answers messages no route selects
    events:
      - websocket:
          route: $default
          routeResponseSelectionExpression: $default
"#;

/// Function `action{i}`: its shape drawn from `sequence`, with a mistake when `i` says so.
fn action(out: &mut String, i: usize, sequence: &mut Sequence) {
    let mistake = (i % MISTAKE_EVERY == 7).then(|| MISTAKES[(i / MISTAKE_EVERY) % MISTAKES.len()]);
    let table = TABLES[sequence.below(TABLES.len())];
    let owner = ["chat", "rooms", "platform"][sequence.below(3)];
    let _ = writeln!(out, "  action{i}:");
    if sequence.below(3) == 0 {
        let _ = writeln!(out, "    # handles the action{i} message");
    }
    let _ = writeln!(out, "    handler: src/actions.action{i}");
    let _ = writeln!(
        out,
        "    description: Handles action{i} messages (${{sls:stage}})"
    );
    let timeout = if mistake == Some("WS701") { 60 } else { 10 };
    let _ = writeln!(out, "    timeout: {timeout}");
    let tables_path = if mistake == Some("WS602") {
        "custom.table"
    } else {
        "custom.tables"
    };
    let _ = write!(
        out,
        "    environment:\n      \
           TABLE: ${{self:custom.tableName}}\n      \
           DATA_TABLE: ${{self:{tables_path}.{}}}\n      \
           LOG_LEVEL: ${{self:custom.logLevel}}\n      \
           ROUTE: action{i}\n",
        table.to_lowercase()
    );
    let _ = write!(
        out,
        "    package:\n      \
           patterns:\n        \
             - src/actions/action{i}/**\n        \
             - '!src/actions/**/*.test.js'\n    \
         tags:\n      \
           route: action{i}\n      \
           owner: ${{self:custom.owners.{owner}}}\n"
    );
    let _ = write!(
        out,
        "    iamRoleStatements:\n      \
           - Effect: Allow\n        \
             Action:\n          \
               - dynamodb:GetItem\n          \
               - dynamodb:PutItem\n          \
               - dynamodb:Query\n        \
             Resource:\n          \
               - !GetAtt {table}Table.Arn\n          \
               - !Sub \"${{{table}Table.Arn}}/index/*\"\n"
    );
    if sequence.below(4) == 0 {
        let _ = write!(
            out,
            "      - Effect: Allow\n        \
               Action: execute-api:ManageConnections\n        \
               Resource: !Sub \"arn:aws:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{WebsocketsApi}}/*\"\n"
        );
    }
    out.push_str("    events:\n");
    match mistake {
        Some("WS106") => {
            let _ = write!(
                out,
                "      - websocket:\n          \
                   route: action{i}\n          \
                   routeResponseSelectionExpression: $request.body.reply\n"
            );
        }
        Some("WS201") => {
            let _ = write!(
                out,
                "      - websocket:\n          \
                   route: action{i}\n          \
                   authorizer: auth\n"
            );
        }
        Some("WS003") => {
            let _ = write!(
                out,
                "      - websocket:\n          \
                   route: action{i}\n          \
                   cors: true\n"
            );
        }
        Some("WS005") => {
            let _ = write!(out, "      - websocket:\n          route: [action{i}]\n");
        }
        // The other forms a route takes in real services.
        _ => match sequence.below(4) {
            0 => {
                let _ = writeln!(out, "      - websocket: action{i}");
            }
            1 => {
                let _ = write!(
                    out,
                    "      - websocket:\n          \
                       route: rooms/action{i}\n"
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "      - websocket:\n          \
                       route: action{i}\n          \
                       routeResponseSelectionExpression: $default\n"
                );
            }
        },
    }
    match sequence.below(6) {
        0 => {
            let _ = writeln!(out, "      - http: POST /action{i}");
        }
        1 => {
            let _ = writeln!(out, "      - schedule: rate(10 minutes)");
        }
        _ => {}
    }
    out.push('\n');
}

/// `resources:`: the tables the IAM statements and environments name.
fn resources() -> String {
    let mut out = String::from("resources:\n  Resources:\n");
    for table in TABLES {
        let _ = write!(
            out,
            "    {table}Table:\n      \
               Type: AWS::DynamoDB::Table\n      \
               Properties:\n        \
                 TableName: ${{self:custom.tables.{}}}\n        \
                 BillingMode: PAY_PER_REQUEST\n        \
                 AttributeDefinitions:\n          \
                   - AttributeName: id\n            \
                     AttributeType: S\n        \
                 KeySchema:\n          \
                   - AttributeName: id\n            \
                     KeyType: HASH\n",
            table.to_lowercase()
        );
    }
    out.push_str(
        "  Outputs:\n    \
           WebsocketUrl:\n      \
             Value: !Sub \"wss://${WebsocketsApi}.execute-api.${AWS::Region}.amazonaws.com/${sls:stage}\"\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Severity;

    fn codes(text: &str) -> Vec<&'static str> {
        let analysis = crate::analyze(text, "serverless.yml", &Default::default());
        let mut codes: Vec<&str> = analysis.diagnostics.iter().map(|d| d.code).collect();
        codes.sort();
        codes.dedup();
        codes
    }

    #[test]
    fn generates_the_requested_size_and_the_same_text_every_time() {
        for lines in [2_000, 20_000] {
            let text = service(lines);
            let got = text.lines().count();
            // Within one function of the target, never over it.
            assert!((lines - 50..=lines).contains(&got), "{lines}: {got}");
            assert_eq!(text, service(lines));
        }
        // Below the fixed parts: those alone.
        assert!(service(10).contains("\nresources:\n"));
    }

    #[test]
    fn looks_like_a_real_service() {
        let text = service(2_000);
        let functions = text.matches("\n  action").count();
        assert!(functions > 30, "{functions}");
        // Every function's environment reads the custom section, and every function has its
        // own IAM statements, description, tags and package patterns.
        for needle in [
            "TABLE: ${self:custom.tableName}",
            "    iamRoleStatements:",
            "    description: Handles action",
            "    tags:",
            "    package:",
        ] {
            assert_eq!(text.matches(needle).count(), functions, "{needle}");
        }
        for needle in [
            "!GetAtt ",
            "!Sub \"",
            "authorizer:\n            name: auth",
            "- websocket: action",
            "route: rooms/action",
            "- http: POST",
        ] {
            assert!(text.contains(needle), "{needle}");
        }
    }

    #[test]
    fn reports_exactly_its_deliberate_mistakes() {
        // Large enough for every kind of mistake, and for more than 300 routes (AWS's quota).
        let text = service(20_000);
        let mut want: Vec<&str> = MISTAKES.to_vec();
        want.push("WS108");
        want.sort();
        assert_eq!(codes(&text), want);
        // A small service has some of them, and nothing else above a hint.
        let small = service(2_000);
        let analysis = crate::analyze(&small, "serverless.yml", &Default::default());
        assert!(analysis.diagnostics.len() >= 2);
        for d in &analysis.diagnostics {
            assert!(
                MISTAKES.contains(&d.code) || d.severity < Severity::Warning,
                "{} {}",
                d.code,
                d.message
            );
        }
    }

    #[test]
    fn the_benchmarks_find_where_to_type() {
        let text = service(2_000);
        let at = route_end_near_middle(&text).expect("a plain route");
        assert!(text[..at].ends_with(char::is_numeric));
        assert_eq!(&text[at..at + 1], "\n");
        let at = provider_tag_end(&text).expect("the provider's tag");
        assert!(text[..at].ends_with("team: realtime"));
    }
}
