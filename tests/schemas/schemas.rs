//! The JSON Schemas of the documents: generated from the types (feature
//! `schemars`), checked in under `schemas/`, and tested to accept what the
//! crate writes and the examples of FORMAT.md, and to refuse what breaks
//! the form.
//!
//! After a change to a document's form, write the schemas anew with
//! `BILATERAL_BLESS=1 cargo test -p bilateral-schema-tests`.

use std::path::PathBuf;

use bilateral::Policy;
use bilateral::document::{AgreementDocument, PolicyDocument, TrackerDocument};
use bilateral::testing::fixtures;
use serde_json::{Value, json};

/// The three schemas, as checked in: (file, generated text).
fn generated() -> [(&'static str, String); 3] {
    let text = |schema: schemars::Schema| serde_json::to_string_pretty(&schema).unwrap() + "\n";
    [
        (
            "agreement.schema.json",
            text(schemars::schema_for!(AgreementDocument)),
        ),
        (
            "tracker.schema.json",
            text(schemars::schema_for!(TrackerDocument)),
        ),
        (
            "policy.schema.json",
            text(schemars::schema_for!(PolicyDocument)),
        ),
    ]
}

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas")
}

fn validator(file: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(schemas_dir().join(file)).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn assert_valid(validator: &jsonschema::Validator, document: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

#[test]
fn the_checked_in_schemas_are_generated_from_the_types() {
    let bless = std::env::var_os("BILATERAL_BLESS").is_some();
    for (file, text) in generated() {
        let path = schemas_dir().join(file);
        if bless {
            std::fs::write(&path, &text).unwrap();
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == text,
            "schemas/{file} differs from the one the types generate; \
             run `BILATERAL_BLESS=1 cargo test -p bilateral-schema-tests` and commit it"
        );
    }
}

/// The policy document's schema is the tracker's `policy`, and the
/// agreement's is each tracked `agreement`: one form, one schema.
#[test]
fn the_schemas_share_their_parts() {
    let tracker: Value = serde_json::from_str(
        &std::fs::read_to_string(schemas_dir().join("tracker.schema.json")).unwrap(),
    )
    .unwrap();
    let defs = &tracker["$defs"];
    assert_eq!(
        tracker["properties"]["policy"],
        json!({"$ref": "#/$defs/Policy"})
    );
    assert_eq!(
        defs["Tracked"]["properties"]["agreement"],
        json!({"$ref": "#/$defs/Agreement"})
    );
    let policy: Value = serde_json::from_str(
        &std::fs::read_to_string(schemas_dir().join("policy.schema.json")).unwrap(),
    )
    .unwrap();
    for key in ["properties", "required", "additionalProperties"] {
        assert_eq!(defs["Policy"][key], policy[key], "{key}");
    }
    assert_eq!(policy["title"], "policy document");
    assert_eq!(policy["required"], json!(["name", "entry", "transitions"]));
}

#[test]
fn what_the_crate_writes_is_valid() {
    let agreements = validator("agreement.schema.json");
    for agreement in [
        fixtures::rpss(),
        fixtures::unicorn_moi(),
        fixtures::india_philippines(),
    ] {
        let document = serde_json::to_value(&agreement).unwrap();
        assert_valid(&agreements, &document, agreement.title());
    }
    // A dispute, resolved by keeping the rival claim, and another left open.
    let mut memo = fixtures::india_philippines();
    let first = memo.history().next().unwrap().clone();
    // A year before the first event's: an earlier first event always fits.
    let year: i32 = first
        .date()
        .start()
        .format("%Y")
        .to_string()
        .parse()
        .unwrap();
    let rival = first
        .to_builder()
        .date((year - 1).to_string().parse().unwrap())
        .clear_sources()
        .source(bilateral::Source::new("Embassy", "Relations").unwrap())
        .build()
        .unwrap();
    memo.dispute(rival).unwrap();
    let chosen = memo.dispute_about(first.id()).unwrap().rivals()[0].entry;
    memo.resolve(first.id(), chosen, "the embassy's year")
        .unwrap();
    let again = first
        .to_builder()
        .source(bilateral::Source::new("Archive", "File").unwrap())
        .build()
        .unwrap();
    memo.dispute(again).unwrap();
    assert!(
        memo.entries().len() >= 4,
        "the sample holds a dispute and a resolution"
    );
    let document = serde_json::to_value(&memo).unwrap();
    assert_valid(&agreements, &document, "an agreement with disputes");
    let policies = validator("policy.schema.json");
    for policy in [Policy::standard(), Policy::strict()] {
        let document = serde_json::to_value(&policy).unwrap();
        assert_valid(&policies, &document, policy.name());
    }
    // 368 real treaties, with every kind of date they hold.
    let trackers = validator("tracker.schema.json");
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/data/treaties-sample.csv"),
    )
    .unwrap();
    let (tracker, _) = import_treaties::import(text.as_bytes()).unwrap();
    let mut document = serde_json::to_value(tracker.export()).unwrap();
    assert_valid(&trackers, &document, "the treaty sample");
    // A tracker that removed an agreement lists its last version.
    let id = tracker.iter().next().unwrap().id();
    let mut smaller = tracker.clone();
    smaller.remove(id).unwrap();
    document = serde_json::to_value(smaller.export()).unwrap();
    assert!(document["removed"].is_array());
    assert_valid(&trackers, &document, "a tracker with a removal");
}

#[test]
fn the_examples_of_format_md_are_valid() {
    let text = include_str!("../../FORMAT.md");
    let mut blocks = 0;
    for block in text.split("```json").skip(1) {
        let json = block.split("```").next().unwrap();
        let document: Value = serde_json::from_str(json).unwrap();
        let file = if document.get("agreements").is_some() {
            "tracker.schema.json"
        } else if document.get("transitions").is_some() {
            "policy.schema.json"
        } else {
            "agreement.schema.json"
        };
        assert_valid(&validator(file), &document, file);
        blocks += 1;
    }
    assert!(blocks >= 2, "{blocks} JSON blocks");
}

/// Each change breaks one rule of the form, which the schema refuses.
#[test]
fn the_schemas_refuse_what_breaks_the_form() {
    let agreements = validator("agreement.schema.json");
    let good = serde_json::to_value(fixtures::rpss()).unwrap();
    assert_valid(&agreements, &good, "the fixture");
    type Break = fn(&mut Value);
    let broken: [(&str, Break); 19] = [
        ("an unknown field", |d| d["colour"] = json!("blue")),
        ("no title", |d| {
            d.as_object_mut().unwrap().remove("title");
        }),
        ("a blank title", |d| d["title"] = json!("   ")),
        ("a title too long", |d| d["title"] = json!("x".repeat(2001))),
        ("three parties", |d| {
            let third = d["parties"][0].clone();
            d["parties"].as_array_mut().unwrap().push(third);
        }),
        ("a lower-case code", |d| {
            d["parties"][0]["code"] = json!("ind")
        }),
        ("a party kind", |d| d["parties"][0]["kind"] = json!("city")),
        ("no entries", |d| d["entries"] = json!([])),
        ("a malformed date", |d| {
            d["entries"][0]["record"]["date"] = json!("2024-13-01");
        }),
        ("a padded date", |d| {
            d["entries"][0]["record"]["date"] = json!("24-11-2024");
        }),
        ("an unknown kind", |d| {
            d["entries"][0]["record"]["kind"] = json!("signed");
        }),
        ("an id that is no UUID", |d| {
            d["entries"][0]["record"]["id"] = json!("7");
        }),
        ("a format from the future", |d| d["format"] = json!(5)),
        ("a link of an unknown kind", |d| {
            d["entries"][0]["record"]["links"] =
                json!([{"kind": "implies", "target": "0191e2a0-0000-7000-8000-000000000009"}]);
        }),
        ("a link without a target", |d| {
            d["entries"][0]["record"]["links"] = json!([{"kind": "implements"}]);
        }),
        ("an instant without a zone", |d| {
            d["entries"][0]["recorded_at"] = json!("2024-11-23T09:30:00");
        }),
        ("a resolution without a reason", |d| {
            d["entries"][0] = json!({
                "recorded_at": "2024-11-23T09:30:00Z",
                "resolve": {"id": "0191e2a0-0000-7000-8000-000000000002", "chosen": 0}
            });
        }),
        ("a resolution keeping a negative entry", |d| {
            d["entries"][0] = json!({
                "recorded_at": "2024-11-23T09:30:00Z",
                "resolve": {"id": "0191e2a0-0000-7000-8000-000000000002", "chosen": -1, "reason": "r"}
            });
        }),
        ("a dispute without a date", |d| {
            let mut rival = d["entries"][0]["record"].clone();
            rival.as_object_mut().unwrap().remove("date");
            d["entries"][0] = json!({"recorded_at": "2024-11-23T09:30:00Z", "dispute": rival});
        }),
    ];
    for (what, break_it) in broken {
        let mut document = good.clone();
        break_it(&mut document);
        assert!(!agreements.is_valid(&document), "accepted {what}");
    }
    // Optional fields may be left out or be null.
    let mut nulls = good.clone();
    nulls["instrument"] = Value::Null;
    nulls["entries"][0]["record"]["venue"] = Value::Null;
    assert_valid(&agreements, &nulls, "nulls");
    let policies = validator("policy.schema.json");
    let mut policy = serde_json::to_value(Policy::standard()).unwrap();
    policy["guards"] = json!([{"on": "deliberated->finalised", "guard": "cites-source"}]);
    assert_valid(&policies, &policy, "a guarded policy");
    for (on, guard) in [
        ("signed", "cites-source"),
        ("*", "Cites Source"),
        ("->", "x"),
    ] {
        policy["guards"] = json!([{"on": on, "guard": guard}]);
        assert!(!policies.is_valid(&policy), "accepted {on} {guard}");
    }
}
