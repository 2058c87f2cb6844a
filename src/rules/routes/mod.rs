//! WS1xx: routes.
//!
//! The rules here share one view of the service's routes ([`routes`]): every websocket event
//! whose route key is known, with the key as the framework sees it after type coercion and the
//! place where that event gets its route (which differs from the route's own node when the
//! event reaches it through a YAML alias or merge key).

use rustc_hash::FxHashMap;

use super::Rule;
use crate::diagnostics::Edit;
use crate::model::{Service, WebsocketEvent};
use crate::rules::edits::replace_scalar;
use crate::rules::Context;
use crate::span::TextRange;
use crate::yaml::{NodeId, ScalarStyle, Yaml};

mod duplicate_route;
mod invalid_route_characters;
mod no_default_route;
mod reserved_route_without_dollar;
mod route_count_limit;
mod route_id_collision;
mod route_response_value;
mod unknown_reserved_route;

pub(super) static RULES: &[&Rule] = &[
    &unknown_reserved_route::RULE,
    &reserved_route_without_dollar::RULE,
    &duplicate_route::RULE,
    &route_id_collision::RULE,
    &invalid_route_characters::RULE,
    &route_response_value::RULE,
    &no_default_route::RULE,
    &route_count_limit::RULE,
];

pub(crate) use crate::model::RESERVED_ROUTES as RESERVED;

/// One websocket event's route, as the framework will deploy it.
pub(crate) struct RouteUse<'a> {
    pub event: &'a WebsocketEvent,
    /// The route key after the framework's type coercion (`route: 1.0` is `"1"`).
    pub key: String,
    /// The route's scalar (an alias node when written `route: *name`).
    pub node: NodeId,
    /// Where this event gets its route: the route's value when it is written in the event
    /// itself, otherwise the alias or merge key through which the event reaches it.
    pub site: TextRange,
    /// The name of the function the event belongs to.
    pub function: &'a str,
}

impl RouteUse<'_> {
    /// True when the event reaches its route through an alias or merge key.
    pub fn through_alias(&self, yaml: &Yaml) -> bool {
        self.site != yaml.range(self.node)
    }
}

/// Every websocket event whose route key is known and not blank (blank and missing routes are
/// the shape rules' business), in the framework's processing order. Computed once per analysis.
pub(crate) fn routes<'c, 'a>(ctx: &'c Context<'a>) -> &'c [RouteUse<'a>] {
    ctx.shared.routes.get_or_init(|| collect_routes(ctx))
}

fn collect_routes<'a>(ctx: &Context<'a>) -> Vec<RouteUse<'a>> {
    let service: &'a Service = ctx.service;
    let mut out = Vec::new();
    for event in &service.events {
        let Some(route) = &event.route else {
            continue;
        };
        if !route.known {
            continue;
        }
        let key = route.key.clone();
        if key.trim().is_empty() {
            continue;
        }
        let Some(function) = service.functions.get(event.function) else {
            continue;
        };
        out.push(RouteUse {
            event,
            key,
            node: route.node,
            site: use_site(ctx, event, route.node),
            function: &function.name,
        });
    }
    out
}

/// True when some websocket event has a route this file cannot know: a variable, or a route
/// that is missing or of the wrong type (the shape rules report those; it may yet become any
/// route once fixed). Worked out once per analysis, for the rules that ask.
pub(crate) fn has_unknown_route(ctx: &Context) -> bool {
    *ctx.shared
        .unknown_route
        .get_or_init(|| find_unknown_route(ctx))
}

fn find_unknown_route(ctx: &Context) -> bool {
    let unknown_event = ctx
        .service
        .events
        .iter()
        .any(|e| e.route.as_ref().is_none_or(|r| !r.known));
    unknown_event || has_included_functions_or_events(ctx)
}

/// True when functions or events come from variables (`- ${file(functions/ws.yml)}`,
/// `events: ${file(...)}`): they may hold websocket events this file does not show.
fn has_included_functions_or_events(ctx: &Context) -> bool {
    let yaml = ctx.yaml;
    let is_variable = |node: NodeId| {
        yaml.scalar(node)
            .is_some_and(|s| crate::variables::has_variable(&s.value))
    };
    let Some(functions) = ctx
        .service
        .root
        .and_then(|r| yaml.get_value(r, "functions"))
    else {
        return false;
    };
    if is_variable(functions) {
        return true;
    }
    let lists = yaml.items(functions).unwrap_or_default();
    if lists.iter().any(|&item| is_variable(item)) {
        return true;
    }
    ctx.service.functions.iter().any(|function| {
        if is_variable(function.node) {
            return true;
        }
        let Some(events) = yaml.get_value(function.node, "events") else {
            return false;
        };
        is_variable(events)
            || yaml
                .items(events)
                .unwrap_or_default()
                .iter()
                .any(|&item| is_variable(item))
    })
}

/// True when two events come from two list items of `functions` that define the same function
/// name: the framework deep-merges those (`_.merge`, lists merged index by index), so what
/// survives cannot be told from here.
pub(crate) fn from_merged_functions(ctx: &Context, a: &WebsocketEvent, b: &WebsocketEvent) -> bool {
    let functions = &ctx.service.functions;
    a.function != b.function
        && functions.get(a.function).map(|f| &f.name) == functions.get(b.function).map(|f| &f.name)
}

/// Where `event` gets its route from, following the chain function → `events` → item →
/// `websocket` → `route`: the first link that is an alias (`*name`) or that comes in through a
/// merge key (`<<: *name`) is where this event is configured; otherwise the route itself.
fn use_site(ctx: &Context, event: &WebsocketEvent, route: NodeId) -> TextRange {
    let yaml = ctx.yaml;
    let mut chain: Vec<(Option<NodeId>, NodeId)> = Vec::new();
    if let Some(function) = ctx.service.functions.get(event.function) {
        chain.push((yaml.node(function.key).parent(), function.node));
        if let Some(events) = yaml.get_value(function.node, "events") {
            chain.push((Some(function.node), events));
            chain.push((Some(events), event.item));
        }
    }
    chain.push((Some(event.item), event.value));
    if route != event.value {
        chain.push((Some(event.value), route));
    }
    for (parent, child) in chain {
        if yaml.is_alias(child) {
            return yaml.range(child);
        }
        let Some(parent) = parent.map(|p| yaml.resolve(p)) else {
            continue;
        };
        if !within(yaml.range(child), yaml.range(parent)) {
            return merge_source(yaml, parent, child).unwrap_or_else(|| yaml.range(child));
        }
    }
    yaml.range(route)
}

fn within(inner: TextRange, outer: TextRange) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The merge value (`*name` after `<<:`, or one item of `<<: [*a, *b]`) in `map` through which
/// `child` comes in.
fn merge_source(yaml: &Yaml, map: NodeId, child: NodeId) -> Option<TextRange> {
    let target = yaml.range(child);
    for entry in yaml.own_entries(map)? {
        let is_merge = yaml
            .scalar(entry.key)
            .is_some_and(|s| &*s.value == "<<" && s.style == ScalarStyle::Plain);
        if !is_merge {
            continue;
        }
        let sources: Vec<NodeId> = match yaml.items(entry.value) {
            Some(items) if !yaml.is_alias(entry.value) => items.to_vec(),
            _ => vec![entry.value],
        };
        for source in sources {
            if within(target, yaml.range(yaml.resolve(source))) {
                return Some(yaml.range(source));
            }
        }
    }
    None
}

/// An edit that replaces a route-like scalar, or `None` where a one-place edit would change more
/// than this value: an alias, or an anchored scalar that other places may use.
pub(crate) fn scalar_edit(ctx: &Context, node: NodeId, new_value: &str) -> Option<Edit> {
    if ctx.yaml.is_alias(node) {
        return None;
    }
    let written = ctx.text.get(ctx.yaml.range(node).as_range())?;
    if written.starts_with('&') || written.contains(" &") {
        return None;
    }
    replace_scalar(ctx, node, new_value)
}

/// Groups `items` by a key, keeping first-seen order of the groups.
pub(crate) fn group_by<T, K: std::hash::Hash + Eq + Clone>(
    items: impl IntoIterator<Item = T>,
    key: impl Fn(&T) -> K,
) -> Vec<Vec<T>> {
    let mut index: FxHashMap<K, usize> = FxHashMap::default();
    let mut groups: Vec<Vec<T>> = Vec::new();
    for item in items {
        let k = key(&item);
        match index.get(&k) {
            Some(&i) => groups[i].push(item),
            None => {
                index.insert(k, groups.len());
                groups.push(vec![item]);
            }
        }
    }
    groups
}

/// `text` with `$`, `/`, `-`, `_` and `.` spelled out, as the framework names the route's
/// CloudFormation resources (`getNormalizedWebsocketsRouteKey` in its `naming.js`).
pub(crate) fn normalized_route(key: &str) -> String {
    crate::model::generated::normalized_route(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_like_the_framework() {
        assert_eq!(normalized_route("$connect"), "Sconnect");
        assert_eq!(
            normalized_route("a-b_c.d/e"),
            "aDashbUnderscorecPerioddSlashe"
        );
        assert_eq!(normalized_route("Foo"), "Foo");
    }
}
