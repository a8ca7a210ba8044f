//! Reading a tracker document as a stream: each agreement is read,
//! validated and handed over before the next is read, so that memory holds
//! the loaded values and one agreement's text, never the whole document's,
//! and reading stops at the first refusal or exceeded limit.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::lifecycle::{Guards, Policy};
use crate::model::{AgreementId, Collection, Occasion, ValueError, limits};

use super::FORMAT_VERSION;
use super::error::DocumentError;
use super::forms::{RawOccasion, RawPolicy, RawRemoved, RawTracked};
use super::read::{self, Tracked};

/// What a streamed tracker document is handed to, piece by piece.
pub(crate) trait Sink {
    /// The document's policy, before any agreement.
    fn policy(&mut self, policy: Policy);

    /// The agreement at `position`, validated under the policy.
    ///
    /// # Errors
    ///
    /// The refusal of the agreement by the receiver (a duplicate id).
    fn agreement(&mut self, position: usize, tracked: Tracked) -> Result<(), DocumentError>;

    /// The last versions of removed agreements.
    ///
    /// # Errors
    ///
    /// The refusal by the receiver (an id also in force).
    fn removed(&mut self, removed: Vec<(AgreementId, u64)>) -> Result<(), DocumentError>;

    /// The occasions the document names.
    ///
    /// # Errors
    ///
    /// The refusal by the receiver (a name twice).
    fn occasions(&mut self, occasions: Vec<Occasion>) -> Result<(), DocumentError>;
}

/// Reads a tracker document from `deserializer` into `sink`.
///
/// When the document's `format` and `policy` come before its `agreements`
/// (as this crate writes them), each agreement is checked as it is read.
/// Otherwise (a JSON value with sorted keys, say) the agreements are read
/// whole first and checked once the policy is known.
///
/// # Errors
///
/// The first refusal, as a [`DocumentError`]; text the deserialiser cannot
/// read is [`DocumentError::Syntax`].
pub(crate) fn tracker<'de, D, S>(
    deserializer: D,
    guards: &Guards,
    sink: &mut S,
) -> Result<(), DocumentError>
where
    D: Deserializer<'de>,
    S: Sink,
{
    tracker_within(deserializer, guards, sink, limits::MAX_AGREEMENTS)
}

/// As [`tracker`], with at most `max` agreements.
fn tracker_within<'de, D, S>(
    deserializer: D,
    guards: &Guards,
    sink: &mut S,
    max: usize,
) -> Result<(), DocumentError>
where
    D: Deserializer<'de>,
    S: Sink,
{
    let refusal = RefCell::new(None);
    let visitor = TrackerVisitor {
        guards,
        sink: RefCell::new(sink),
        refusal: &refusal,
        max,
        parties: RefCell::default(),
    };
    let outcome = deserializer.deserialize_map(visitor);
    // A refusal found while reading stops the deserialiser with a message;
    // the typed refusal is kept aside and wins.
    if let Some(refusal) = refusal.into_inner() {
        return Err(refusal);
    }
    outcome.map_err(|error| DocumentError::Syntax {
        message: error.to_string(),
    })
}

struct TrackerVisitor<'a, S> {
    guards: &'a Guards,
    sink: RefCell<&'a mut S>,
    refusal: &'a RefCell<Option<DocumentError>>,
    max: usize,
    /// The parties of the agreements read so far, shared by those after.
    parties: RefCell<read::PartyCache>,
}

impl<S: Sink> TrackerVisitor<'_, S> {
    /// Keeps a refusal aside and stops the deserialiser.
    fn refuse<E: de::Error>(&self, refusal: DocumentError) -> E {
        let message = refusal.to_string();
        *self.refusal.borrow_mut() = Some(refusal);
        E::custom(message)
    }

    /// Validates the agreement at `position` and hands it over.
    fn accept<E: de::Error>(
        &self,
        position: usize,
        raw: RawTracked<'_>,
        policy: &Policy,
    ) -> Result<(), E> {
        let tracked = read::tracked(raw, policy, position, &mut self.parties.borrow_mut())
            .map_err(|e| self.refuse(e))?;
        self.sink
            .borrow_mut()
            .agreement(position, tracked)
            .map_err(|e| self.refuse(e))
    }
}

impl<'de, S: Sink> Visitor<'de> for TrackerVisitor<'_, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tracker document: format, policy, agreements")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut format = None;
        let mut policy: Option<Policy> = None;
        let mut agreements_seen = false;
        let mut early: Option<Vec<RawTracked<'de>>> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let found: u32 = map.next_value()?;
                    read::readable_format(found).map_err(|e| self.refuse(e))?;
                    format = Some(found);
                }
                "policy" => {
                    let raw: RawPolicy<'de> = map.next_value()?;
                    let read =
                        read::policy(raw, self.guards, "policy.").map_err(|e| self.refuse(e))?;
                    self.sink.borrow_mut().policy(read.clone());
                    policy = Some(read);
                }
                "agreements" => {
                    if agreements_seen {
                        return Err(de::Error::duplicate_field("agreements"));
                    }
                    agreements_seen = true;
                    match (format, policy.as_ref()) {
                        (Some(_), Some(rules)) => map.next_value_seed(AgreementsSeed {
                            visitor: &self,
                            policy: Some(rules),
                            held: None,
                        })?,
                        _ => {
                            let mut held = Vec::new();
                            map.next_value_seed(AgreementsSeed {
                                visitor: &self,
                                policy: None,
                                held: Some(&mut held),
                            })?;
                            early = Some(held);
                        }
                    }
                }
                "occasions" => {
                    let raw: Option<Vec<RawOccasion<'de>>> = map.next_value()?;
                    let occasions =
                        read::occasions(raw.unwrap_or_default(), format.unwrap_or(FORMAT_VERSION))
                            .map_err(|e| self.refuse(e))?;
                    self.sink
                        .borrow_mut()
                        .occasions(occasions)
                        .map_err(|e| self.refuse(e))?;
                }
                "removed" => {
                    let raw: Option<Vec<RawRemoved<'de>>> = map.next_value()?;
                    let removed =
                        read::removed(raw.unwrap_or_default()).map_err(|e| self.refuse(e))?;
                    self.sink
                        .borrow_mut()
                        .removed(removed)
                        .map_err(|e| self.refuse(e))?;
                }
                other => {
                    let _: IgnoredAny = map.next_value()?;
                    return Err(de::Error::unknown_field(
                        other,
                        &["format", "policy", "occasions", "agreements", "removed"],
                    ));
                }
            }
        }
        for (present, field) in [
            (format.is_some(), "format"),
            (policy.is_some(), "policy"),
            (agreements_seen, "agreements"),
        ] {
            if !present {
                return Err(de::Error::missing_field(field));
            }
        }
        if let (Some(held), Some(rules)) = (early, policy.as_ref()) {
            for (position, raw) in held.into_iter().enumerate() {
                self.accept(position, raw, rules)?;
            }
        }
        Ok(())
    }
}

/// The `agreements` array, read one agreement at a time: each checked and
/// handed over at once when the policy is known, held otherwise.
struct AgreementsSeed<'v, 'a, 'de, S> {
    visitor: &'v TrackerVisitor<'a, S>,
    policy: Option<&'v Policy>,
    held: Option<&'v mut Vec<RawTracked<'de>>>,
}

impl<'de, S: Sink> DeserializeSeed<'de> for AgreementsSeed<'_, '_, 'de, S> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, S: Sink> Visitor<'de> for AgreementsSeed<'_, '_, 'de, S> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of agreements with their versions")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut position = 0;
        while let Some(raw) = seq.next_element::<RawTracked<'de>>()? {
            if position >= self.visitor.max {
                // Refused at the first agreement past the limit, before
                // reading the rest.
                return Err(self.visitor.refuse(DocumentError::Value {
                    path: "agreements".to_owned(),
                    source: ValueError::TooMany {
                        what: Collection::Agreements,
                        count: position + 1,
                        max: self.visitor.max,
                    },
                }));
            }
            match (self.policy, self.held.as_deref_mut()) {
                (Some(policy), _) => self.visitor.accept(position, raw, policy)?,
                (None, Some(held)) => held.push(raw),
                (None, None) => {}
            }
            position += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Counting {
        policy: bool,
        agreements: usize,
    }

    impl Sink for Counting {
        fn policy(&mut self, _: Policy) {
            self.policy = true;
        }

        fn agreement(&mut self, _: usize, _: Tracked) -> Result<(), DocumentError> {
            self.agreements += 1;
            Ok(())
        }

        fn removed(&mut self, _: Vec<(AgreementId, u64)>) -> Result<(), DocumentError> {
            Ok(())
        }

        fn occasions(&mut self, _: Vec<Occasion>) -> Result<(), DocumentError> {
            Ok(())
        }
    }

    fn document(agreements: usize, tail: &str) -> String {
        let agreement = |n: usize| {
            format!(
                r#"{{"version": 1, "agreement": {{"format": 1, "id": "00000000-0000-0000-0000-{n:012}",
                "title": "Pact {n}", "parties": [{{"code": "IND", "name": "India"}}, {{"code": "JPN", "name": "Japan"}}],
                "subjects": ["trade"], "entries": [{{"recorded_at": "2024-01-01T00:00:00Z",
                "record": {{"id": "00000000-0000-0000-0001-{n:012}", "date": "2023", "kind": "proposed"}}}}]}}}}"#
            )
        };
        let list: Vec<String> = (0..agreements).map(agreement).collect();
        format!(
            r#"{{"format": 1, "policy": {}, "agreements": [{}{tail}"#,
            serde_json::to_string(&Policy::standard()).unwrap(),
            list.join(",")
        )
    }

    #[test]
    fn reading_stops_at_the_first_agreement_past_the_limit() {
        // The rest of the text is not even valid JSON: it is never read.
        let text = document(5, ", garbage that is never read");
        let mut sink = Counting::default();
        let err = tracker_within(
            &mut serde_json::Deserializer::from_str(&text),
            &Guards::builtin(),
            &mut sink,
            3,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "at agreements: too many agreements for one document: 4, and the limit is 3"
        );
        assert_eq!(sink.agreements, 3);
        // Within the limit, everything is read.
        let text = document(3, "]}");
        let mut sink = Counting::default();
        tracker_within(
            &mut serde_json::Deserializer::from_str(&text),
            &Guards::builtin(),
            &mut sink,
            3,
        )
        .unwrap();
        assert_eq!((sink.policy, sink.agreements), (true, 3));
    }
}
