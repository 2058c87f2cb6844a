//! Synthetic services for benchmarks and scale tests: realistic `serverless.yml` text of a given
//! size, the same for a given size on every run (no randomness), so anyone can reproduce the
//! numbers in the README. `cargo run --release --bin ws-lint-gen -- 200000 > big.yml` writes one.

/// The handler modules a synthetic service names (each with a `.js` source), so a service
/// written to disk with them is free of WS702 findings.
pub const HANDLER_MODULES: [&str; 5] = [
    "src/auth",
    "src/connect",
    "src/disconnect",
    "src/default",
    "src/actions",
];

/// A service of about `lines` lines: a provider with websocket settings, then functions with
/// websocket events (custom routes, a `$connect` authorizer, variables, comments).
pub fn service(lines: usize) -> String {
    let mut out = String::with_capacity(lines * 28);
    out.push_str(
        "service: synthetic-chat\n\
         frameworkVersion: \"3\"\n\
         \n\
         provider:\n  \
           name: aws\n  \
           runtime: nodejs20.x\n  \
           stage: ${opt:stage, 'dev'}\n  \
           websocketsApiName: synthetic-${sls:stage}\n  \
           websocketsApiRouteSelectionExpression: $request.body.action\n  \
           logs:\n    \
             websocket:\n      \
               level: INFO\n      \
               fullExecutionData: false\n  \
           websocket:\n    \
             useProviderTags: true\n  \
           tags:\n    \
             team: realtime\n\
         \n\
         custom:\n  \
           tableName: connections-${sls:stage}\n\
         \n\
         functions:\n  \
           auth:\n    \
             handler: src/auth.handler\n  \
           connect:\n    \
             handler: src/connect.handler\n    \
             events:\n      \
               - websocket:\n          \
                   route: $connect\n          \
                   authorizer:\n            \
                     name: auth\n            \
                     identitySource:\n              \
                       - route.request.querystring.token\n  \
           disconnect:\n    \
             handler: src/disconnect.handler\n    \
             events:\n      \
               - websocket: $disconnect\n  \
           default:\n    \
             handler: src/default.handler\n    \
             events:\n      \
               - websocket: $default\n",
    );
    let mut i = 0;
    let mut count = out.lines().count();
    while count < lines {
        // 12 lines a function.
        count += 12;
        {
            out.push_str(&format!(
                "  action{i}:\n    \
                   # handles action{i} messages\n    \
                   handler: src/actions.action{i}\n    \
                   timeout: 10\n    \
                   environment:\n      \
                     TABLE: ${{self:custom.tableName}}\n    \
                   events:\n      \
                     - websocket:\n          \
                         route: action{i}\n          \
                         routeResponseSelectionExpression: $default\n      \
                     - http: POST /action{i}\n\
                   \n"
            ));
            i += 1;
        }
    }
    let keep: usize = out.split_inclusive('\n').take(lines).map(str::len).sum();
    out.truncate(keep);
    // Never end inside a function: drop the trailing partial one.
    if let Some(last) = out.rfind("\n  action") {
        if out[last..].lines().count() < 12 {
            out.truncate(last + 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn generates_the_requested_size_without_findings() {
        let text = super::service(2_000);
        let lines = text.lines().count();
        assert!((1_980..=2_000).contains(&lines), "{lines}");
        let analysis = crate::analyze(&text, "serverless.yml", &Default::default());
        // Below 300 routes (the AWS quota) a synthetic service is clean; larger ones cross it.
        let errors: Vec<_> = analysis
            .diagnostics
            .iter()
            .filter(|d| d.severity >= crate::diagnostics::Severity::Warning)
            .map(|d| (d.code, &d.message))
            .collect();
        assert!(errors.is_empty(), "{errors:?}");
    }
}
