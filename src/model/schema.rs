//! JSON Schemas of the model's text forms (feature `schemars`), for the
//! documents' schemas: each describes what this crate writes.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::{Value, json};

use super::limits;
use super::{EventKind, InstrumentKind, PartyKind, Stage};

/// Non-blank text of at most `max` characters.
pub(crate) fn text(max: usize) -> Schema {
    json_schema!({"type": "string", "minLength": 1, "maxLength": max, "pattern": "\\S"})
}

/// A title.
pub(crate) fn title() -> Schema {
    text(limits::MAX_TITLE)
}

/// A name: of a party, a person, an office, a venue, a publisher.
pub(crate) fn name() -> Schema {
    text(limits::MAX_NAME)
}

/// An event's summary.
pub(crate) fn summary() -> Schema {
    text(limits::MAX_SUMMARY)
}

/// A source's address.
pub(crate) fn address() -> Schema {
    text(limits::MAX_ADDRESS)
}

/// A retraction's reason.
pub(crate) fn reason() -> Schema {
    text(limits::MAX_REASON)
}

/// A date of day, month or year precision, with an EDTF qualifier.
pub(crate) fn date() -> Schema {
    json_schema!({
        "type": "string",
        "description": "a date known to the day, the month or the year (2024-11-22, 2024-11, 2024), \
                        with `?` (uncertain), `~` (approximate) or `%` (both) after it",
        "pattern": "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?[?~%]?$"
    })
}

/// An instant, RFC 3339 in UTC.
pub(crate) fn instant() -> Schema {
    json_schema!({
        "type": "string",
        "format": "date-time",
        "description": "an instant, RFC 3339 in UTC: 2024-11-23T09:30:00Z",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$"
    })
}

/// An agreement's or an event's id.
pub(crate) fn uuid() -> Schema {
    json_schema!({
        "type": "string",
        "format": "uuid",
        "pattern": "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    })
}

/// A party's code, upper case.
pub(crate) fn party_code() -> Schema {
    json_schema!({
        "type": "string",
        "description": "a party's code: an ISO 3166 code such as IND, or a code of your own such as CASTILE",
        "pattern": "^[A-Z0-9_-]{2,16}$"
    })
}

/// One of `values`.
fn one_of(values: impl IntoIterator<Item = &'static str>) -> Schema {
    let values: Vec<Value> = values.into_iter().map(Value::from).collect();
    json_schema!({"type": "string", "enum": values})
}

/// A stage.
pub(crate) fn stage() -> Schema {
    one_of(Stage::ALL.map(Stage::as_str))
}

/// A kind of event.
pub(crate) fn event_kind() -> Schema {
    one_of(EventKind::ALL.map(EventKind::as_str))
}

/// A kind of link between instruments.
pub(crate) fn link_kind() -> Schema {
    one_of(crate::model::LinkKind::ALL.map(crate::model::LinkKind::as_str))
}

/// A kind of instrument.
pub(crate) fn instrument() -> Schema {
    one_of(InstrumentKind::ALL.map(InstrumentKind::as_str))
}

/// A kind of party.
pub(crate) fn party_kind() -> Schema {
    one_of([PartyKind::State, PartyKind::Organisation].map(PartyKind::as_str))
}

/// A subject area: a well-known one or one of your own, in kebab case.
pub(crate) fn subject() -> Schema {
    json_schema!({
        "type": "string",
        "description": "a subject area in kebab case: logistics, maritime-security, or one of your own",
        "minLength": 1,
        "maxLength": 64,
        "pattern": "^[^\\sA-Z]+$"
    })
}

/// What a guard is attached to: every stage change, changes into a stage,
/// or one transition.
pub(crate) fn trigger() -> Schema {
    let stage = "(proposed|deliberated|moi-signed|finalised|withdrawn|terminated)";
    let pattern = format!("^(\\*|{stage}|{stage}->{stage})$");
    json_schema!({"type": "string", "pattern": pattern})
}

/// A guard's name.
pub(crate) fn guard_name() -> Schema {
    json_schema!({"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": limits::MAX_NAME})
}

/// A policy's fingerprint: its transition table in 11 hexadecimal digits.
pub(crate) fn fingerprint() -> Schema {
    json_schema!({"type": "string", "pattern": "^[0-9a-f]{11}$"})
}

/// A document format version, from 1 to `newest`.
pub(crate) fn format(newest: u32) -> Schema {
    json_schema!({"type": "integer", "minimum": 1, "maximum": newest})
}

/// A position in an agreement's audit trail.
pub(crate) fn entry_position() -> Schema {
    json_schema!({"type": "integer", "minimum": 0, "maximum": limits::MAX_ENTRIES - 1})
}

/// A version of an agreement in a tracker.
pub(crate) fn version() -> Schema {
    json_schema!({"type": "integer", "minimum": 1, "maximum": limits::MAX_VERSION})
}

/// A field's schema: given, or made with the generator (for a list of
/// documented objects, which the generator lists once and refers to).
pub(crate) trait FieldSchema {
    fn schema(self, generator: &mut SchemaGenerator) -> Schema;
}

impl FieldSchema for Schema {
    fn schema(self, _: &mut SchemaGenerator) -> Schema {
        self
    }
}

impl<F: FnOnce(&mut SchemaGenerator) -> Schema> FieldSchema for F {
    fn schema(self, generator: &mut SchemaGenerator) -> Schema {
        self(generator)
    }
}

/// A list of `item`s, at most `max` of them.
pub(crate) fn list(item: Schema, max: usize) -> Schema {
    json_schema!({"type": "array", "items": item, "maxItems": max})
}

/// A list of at most `max` `T`s.
pub(crate) fn list_of<T: JsonSchema>(max: usize) -> impl FnOnce(&mut SchemaGenerator) -> Schema {
    move |generator| list(generator.subschema_for::<T>(), max)
}

/// A list of at least one and at most `max` `T`s.
pub(crate) fn non_empty_list_of<T: JsonSchema>(
    max: usize,
) -> impl FnOnce(&mut SchemaGenerator) -> Schema {
    move |generator| {
        let item = generator.subschema_for::<T>();
        json_schema!({"type": "array", "items": item, "minItems": 1, "maxItems": max})
    }
}

/// Exactly two `T`s.
pub(crate) fn pair_of<T: JsonSchema>() -> impl FnOnce(&mut SchemaGenerator) -> Schema {
    move |generator| {
        let item = generator.subschema_for::<T>();
        json_schema!({"type": "array", "items": item, "minItems": 2, "maxItems": 2})
    }
}

/// A list of at least one distinct `item`.
pub(crate) fn non_empty_set(item: Schema) -> Schema {
    json_schema!({"type": "array", "items": item, "minItems": 1, "uniqueItems": true})
}

/// An object with these properties (each optional one may also be null),
/// those `required`, and no other.
pub(crate) fn object(title: &str, properties: Vec<(&'static str, Schema, bool)>) -> Schema {
    let required: Vec<&str> = properties
        .iter()
        .filter(|(_, _, required)| *required)
        .map(|(name, _, _)| *name)
        .collect();
    let properties: serde_json::Map<String, Value> = properties
        .into_iter()
        .map(|(name, schema, required)| {
            let schema = if required {
                schema.to_value()
            } else {
                json!({"anyOf": [schema.to_value(), {"type": "null"}]})
            };
            (name.to_owned(), schema)
        })
        .collect();
    json_schema!({
        "title": title,
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}
