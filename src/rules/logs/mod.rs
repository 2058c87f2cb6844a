//! WS4xx: `provider.logs.websocket`, the stage's execution and access logs.

use super::Rule;
use crate::model::coerce;
use crate::rules::provider::external_api;
use crate::rules::Context;
use crate::yaml::{Entry, NodeId, ScalarValue};

mod access_log_format_shape;
mod access_log_missing_request_id;
mod execution_data_logged;
mod invalid_log_level;
mod log_level_ignored;
mod unknown_context_variable;

pub(super) static RULES: &[&Rule] = &[
    &invalid_log_level::RULE,
    &access_log_missing_request_id::RULE,
    &access_log_format_shape::RULE,
    &unknown_context_variable::RULE,
    &execution_data_logged::RULE,
    &log_level_ignored::RULE,
];

/// `provider.logs.websocket` as `lib/stage.js` reads it (facts §3.4).
pub(crate) struct WebsocketLogs {
    /// The `websocket` entry under `logs`.
    pub entry: Entry,
    /// Its value when it is a mapping.
    pub mapping: Option<NodeId>,
    /// `Some(true)`: `true` or any mapping (`{}` too); `Some(false)`: `false`; `None`: unknown.
    pub enabled: Option<bool>,
}

impl WebsocketLogs {
    pub fn find(ctx: &Context) -> Option<WebsocketLogs> {
        let entry = ctx
            .service
            .provider_entry(ctx.yaml, &["logs", "websocket"])?;
        let mapping = Some(entry.value).filter(|v| ctx.yaml.is_mapping(*v));
        let enabled = if mapping.is_some() {
            Some(true)
        } else if ctx.yaml.is_null(entry.value) {
            Some(false)
        } else {
            coerce::truthy(ctx.yaml, entry.value, ctx.service.framework_major)
        };
        Some(WebsocketLogs {
            entry,
            mapping,
            enabled,
        })
    }

    /// An entry of the mapping form.
    pub fn get(&self, ctx: &Context, key: &str) -> Option<Entry> {
        ctx.yaml.get(self.mapping?, key)
    }

    /// A boolean setting with its default (`true` for all of them): `None` when unknown.
    pub fn flag(&self, ctx: &Context, key: &str) -> Option<bool> {
        match self.get(ctx, key) {
            None => Some(true),
            Some(entry) if ctx.yaml.is_null(entry.value) => Some(true),
            Some(entry) => coerce::truthy(ctx.yaml, entry.value, ctx.service.framework_major),
        }
    }

    /// `executionLogging: false` turns the level off (`LoggingLevel: OFF`), and then `level` is
    /// neither used nor validated.
    pub fn execution_logging_off(&self, ctx: &Context) -> Option<Entry> {
        let entry = self.get(ctx, "executionLogging")?;
        (coerce::truthy(ctx.yaml, entry.value, ctx.service.framework_major) == Some(false))
            .then_some(entry)
    }

    /// The custom access log `format` entry, when access logs are written with it: logs enabled,
    /// `accessLogging` not false, no external API (which gets no log settings at all), and a
    /// non-empty string (an empty one means the default format).
    pub fn used_format(&self, ctx: &Context) -> Option<Entry> {
        if self.enabled != Some(true)
            || self.flag(ctx, "accessLogging") == Some(false)
            || external_api(ctx).is_some()
        {
            return None;
        }
        let entry = self.get(ctx, "format")?;
        let is_string = ctx.yaml.scalar_value(entry.value) == Some(ScalarValue::Str);
        let value = ctx.yaml.str(entry.value)?;
        (is_string && !value.is_empty()).then_some(entry)
    }
}
