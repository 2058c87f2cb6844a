//! `provider.logs.websocket` as the websocket compiler's `lib/stage.js` reads it: whether logs are on, and
//! each setting with its default, after AJV's coercion and the compiler's truthiness tests.

use super::coerce;
use crate::yaml::{Entry, NodeId, ScalarValue, Yaml};

#[derive(Clone, Debug)]
pub struct WebsocketLogs {
    /// The `websocket` entry under `logs`.
    pub entry: Entry,
    /// Its value when it is a mapping.
    pub mapping: Option<NodeId>,
    /// `Some(true)`: a truthy value (`true`, any mapping, `{}` too, a string such as `'no'`);
    /// `Some(false)`: `false`, `0`, null; `None`: unknown.
    pub enabled: Option<bool>,
    /// The service's framework major version, for the variable syntax of its values.
    major: Option<u64>,
}

impl WebsocketLogs {
    pub(super) fn lower(yaml: &Yaml, entry: Entry, major: Option<u64>) -> WebsocketLogs {
        let mapping = Some(entry.value).filter(|v| yaml.is_mapping(*v));
        WebsocketLogs {
            entry,
            mapping,
            enabled: coerce::truthy(yaml, entry.value, major),
            major,
        }
    }

    /// An entry of the mapping form.
    pub fn get(&self, yaml: &Yaml, key: &str) -> Option<Entry> {
        yaml.get(self.mapping?, key)
    }

    /// A boolean setting with its default (`true` for all of them): `None` when unknown.
    /// `accessLogging` and `executionLogging` are tested for truthiness; `fullExecutionData` is
    /// copied into `DataTraceEnabled` as AJV leaves it, so only a real boolean is known.
    pub fn flag(&self, yaml: &Yaml, key: &str) -> Option<bool> {
        match self.get(yaml, key) {
            None => Some(true),
            Some(entry) if yaml.is_null(entry.value) => Some(true),
            Some(entry) if key == "fullExecutionData" => {
                coerce::to_bool(yaml, entry.value, self.major)
            }
            Some(entry) => coerce::truthy(yaml, entry.value, self.major),
        }
    }

    /// `executionLogging: false` turns the level off (`LoggingLevel: OFF`), and then `level` is
    /// neither used nor validated.
    pub fn execution_logging_off(&self, yaml: &Yaml) -> Option<Entry> {
        let entry = self.get(yaml, "executionLogging")?;
        (coerce::truthy(yaml, entry.value, self.major) == Some(false)).then_some(entry)
    }

    /// The custom access log `format` entry, when access logs are written with it: logs enabled,
    /// `accessLogging` not false, no external API (`external_api`: it gets no log settings at
    /// all), and a non-empty string (an empty one means the default format).
    pub fn used_format(&self, yaml: &Yaml, external_api: bool) -> Option<Entry> {
        if self.enabled != Some(true)
            || self.flag(yaml, "accessLogging") == Some(false)
            || external_api
        {
            return None;
        }
        let entry = self.get(yaml, "format")?;
        let is_string = yaml.scalar_value(entry.value) == Some(ScalarValue::Str);
        let value = yaml.str(entry.value)?;
        (is_string && !value.is_empty()).then_some(entry)
    }
}

#[cfg(test)]
mod tests {
    use crate::model::Service;
    use crate::yaml::Yaml;

    fn logs(value: &str) -> (Yaml, Service) {
        let yaml = Yaml::parse(&format!("provider:\n  logs:\n    websocket: {value}\n"));
        let service = Service::lower(&yaml);
        (yaml, service)
    }

    #[test]
    fn logs_are_on_for_any_truthy_value() {
        for (value, enabled) in [
            ("true", Some(true)),
            ("'false'", Some(false)),
            ("0", Some(false)),
            ("'0'", Some(true)),
            ("no", Some(true)),
            ("{}", Some(true)),
            ("${opt:logs}", None),
        ] {
            let (_, service) = logs(value);
            let logs = service.websocket_logs.expect("logs.websocket");
            assert_eq!(logs.enabled, enabled, "{value}");
        }
    }

    #[test]
    fn settings_default_to_true_and_full_data_is_copied_as_is() {
        let (yaml, service) =
            logs("{executionLogging: 'off', accessLogging: 0, fullExecutionData: no}");
        let logs = service.websocket_logs.expect("logs.websocket");
        assert_eq!(logs.flag(&yaml, "executionLogging"), Some(true));
        assert_eq!(logs.execution_logging_off(&yaml), None);
        assert_eq!(logs.flag(&yaml, "accessLogging"), Some(false));
        // `DataTraceEnabled: "no"`: not a boolean the framework chose.
        assert_eq!(logs.flag(&yaml, "fullExecutionData"), None);
        assert_eq!(logs.flag(&yaml, "level"), Some(true));
    }
}
