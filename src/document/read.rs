//! The one loader: every document becomes validated values here, field by
//! field, each refusal naming the field's path.
//!
//! An agreement is rebuilt by the same change engine the API uses: its first
//! entry opens it, and every later entry is applied as if recorded through
//! the API at its `recorded_at` instant (its stage changes may not be dated
//! after that day), under the policy's table and entry stages but not its
//! guards. Guards judge changes as they are made; a document records changes
//! already judged, and a guard added to a policy later must not make
//! yesterday's records unreadable.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::agreement::{Agreement, AgreementError, Areas, Change, Entry, Header};
use crate::lifecycle::{Guards, Policy, PolicyError, Trigger};
use crate::model::{
    AgreementId, Collection, Event, EventDate, Field, InstrumentKind, Link, Occasion, Parties,
    Party, PartyKind, Representative, Source, StageSet, ValueError, limits,
};

use super::FORMAT_VERSION;
use super::error::DocumentError;
use super::forms::{
    RawAgreement, RawEntry, RawEvent, RawOccasion, RawParty, RawPolicy, RawRemoved,
    RawRepresentative, RawSource, RawTracked,
};

/// A value's error, at `path`.
fn at<T>(result: Result<T, ValueError>, path: impl FnOnce() -> String) -> Result<T, DocumentError> {
    result.map_err(|source| DocumentError::Value {
        path: path(),
        source,
    })
}

/// Refuses a format this crate cannot read.
pub(crate) fn readable_format(found: u32) -> Result<(), DocumentError> {
    if found == 0 || found > FORMAT_VERSION {
        Err(DocumentError::UnsupportedFormat {
            found,
            supported: FORMAT_VERSION,
        })
    } else {
        Ok(())
    }
}

pub(crate) fn party(raw: RawParty<'_>) -> Result<Party, ValueError> {
    let kind = party_kind(raw.kind.as_deref())?;
    Party::new(&raw.code, raw.name, kind)
}

/// A party's kind as written: a state when absent.
fn party_kind(kind: Option<&str>) -> Result<PartyKind, ValueError> {
    kind.map_or(Ok(PartyKind::State), str::parse)
}

/// The most parties a [`PartyCache`] keeps: more than there are states and
/// organisations, and little memory.
const MAX_CACHED_PARTIES: usize = 1024;

/// The parties read so far, kept by one reader of many agreements (a
/// thread reading a store's rows with [`Tracked::read_with`]): an
/// agreement between parties read before shares them, with no party
/// validated or allocated again. What is read is the same with or without
/// one: a party is taken from the cache only when its code, name and kind
/// are written exactly as they were.
///
/// # Example
///
/// ```
/// use bilateral::document::{PartyCache, Tracked};
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, Tracker};
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let mut tracker = Tracker::new();
/// for title in ["Logistics", "Shipyards"] {
///     tracker.create(Agreement::builder(title, parties.clone()), Event::new(EventKind::Proposed, "2024-01".parse()?))?;
/// }
/// let document = serde_json::to_value(&tracker)?;
/// let mut cache = PartyCache::new();
/// let mut read = Vec::new();
/// for (position, element) in document["agreements"].as_array().unwrap().iter().enumerate() {
///     read.push(Tracked::read_with(element, &Policy::standard(), position, &mut cache)?);
/// }
/// assert_eq!(read[1].agreement().parties(), read[0].agreement().parties());
/// assert_eq!(cache.len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct PartyCache {
    /// Each party by its code as written.
    parties: std::collections::HashMap<Box<str>, Party>,
    /// How many parties it keeps at most.
    room: usize,
}

impl Default for PartyCache {
    fn default() -> Self {
        PartyCache {
            parties: std::collections::HashMap::new(),
            room: MAX_CACHED_PARTIES,
        }
    }
}

impl PartyCache {
    /// An empty cache.
    pub fn new() -> Self {
        PartyCache::default()
    }

    /// A cache that keeps no party, for reading one agreement alone:
    /// keeping its parties would cost more than it saves.
    pub(crate) fn unkept() -> Self {
        PartyCache {
            parties: std::collections::HashMap::new(),
            room: 0,
        }
    }

    /// How many parties it holds.
    pub fn len(&self) -> usize {
        self.parties.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.parties.is_empty()
    }

    /// The party `raw` writes: the one read before from the same code,
    /// name and kind where there is one, else read and kept while there is
    /// room (a party read again from the same code under another name
    /// takes its place).
    fn party(&mut self, raw: RawParty<'_>) -> Result<Party, ValueError> {
        let kind = party_kind(raw.kind.as_deref())?;
        if let Some(known) = self
            .parties
            .get(&*raw.code)
            .filter(|known| known.name() == &*raw.name && known.kind() == kind)
        {
            return Ok(known.clone());
        }
        let code = raw.code;
        let party = Party::new(&code, raw.name, kind)?;
        let room = self.parties.len() < self.room;
        match self.parties.get_mut(&*code) {
            Some(kept) => *kept = party.clone(),
            None if room => {
                self.parties.insert((*code).into(), party.clone());
            }
            None => {}
        }
        Ok(party)
    }
}

pub(crate) fn representative(raw: RawRepresentative<'_>) -> Result<Representative, ValueError> {
    Representative::new(raw.name, raw.office, raw.party.parse()?)
}

/// A date as a document of `format` writes it: format 1 wrote `?` for
/// approximate, which is `~` since format 2.
fn date(text: &str, format: u32) -> Result<EventDate, ValueError> {
    if format == 1 {
        EventDate::parse_format_1(text)
    } else {
        text.parse()
    }
}

pub(crate) fn source(raw: RawSource<'_>, format: u32) -> Result<Source, ValueError> {
    let source = Source::new(raw.publisher, raw.title)?;
    let source = match raw.address {
        Some(address) => source.with_address(address)?,
        None => source,
    };
    Ok(match raw.published {
        Some(published) => source.published(date(&published, format)?),
        None => source,
    })
}

/// An event of a document of `format`, each field at its path under `path`
/// (made only for an error).
pub(crate) fn event(
    raw: RawEvent<'_>,
    format: u32,
    path: &dyn Fn() -> String,
) -> Result<Event, DocumentError> {
    let id = at(raw.id.parse(), || format!("{}.id", path()))?;
    let date = at(date(&raw.date, format), || format!("{}.date", path()))?;
    let kind = at(raw.kind.parse(), || format!("{}.kind", path()))?;
    let mut builder = Event::builder(kind, date)
        .id(id)
        .summary(raw.summary.unwrap_or_default());
    if let Some(venue) = raw.venue {
        builder = builder.venue(venue);
    }
    if let Some(occasion) = raw.occasion {
        builder = builder.occasion(occasion);
    }
    let participants = raw.participants.unwrap_or_default();
    let sources = raw.sources.unwrap_or_default();
    let links = raw.links.unwrap_or_default();
    at(
        limits::at_most(
            Collection::Participants,
            participants.len(),
            limits::MAX_PARTICIPANTS,
        ),
        || format!("{}.participants", path()),
    )?;
    at(
        limits::at_most(Collection::Sources, sources.len(), limits::MAX_SOURCES),
        || format!("{}.sources", path()),
    )?;
    at(
        limits::at_most(Collection::Links, links.len(), limits::MAX_LINKS),
        || format!("{}.links", path()),
    )?;
    for (i, link) in links.into_iter().enumerate() {
        let kind = at(link.kind.parse(), || format!("{}.links[{i}].kind", path()))?;
        let target = at(link.target.parse(), || {
            format!("{}.links[{i}].target", path())
        })?;
        builder = builder.link(Link::new(kind, target));
    }
    for (i, person) in participants.into_iter().enumerate() {
        builder = builder.participant(at(representative(person), || {
            format!("{}.participants[{i}]", path())
        })?);
    }
    for (i, cited) in sources.into_iter().enumerate() {
        builder = builder.source(at(source(cited, format), || {
            format!("{}.sources[{i}]", path())
        })?);
    }
    at(builder.build(), path)
}

/// An entry of a document of `format`, each field at its path under `path`
/// (made only for an error).
pub(crate) fn entry(
    raw: RawEntry<'_>,
    format: u32,
    path: &dyn Fn() -> String,
) -> Result<Entry, DocumentError> {
    let recorded_at = at(crate::model::instant::parse(&raw.recorded_at), || {
        format!("{}.recorded_at", path())
    })?;
    let change = match (
        raw.record,
        raw.correct,
        raw.retract,
        raw.dispute,
        raw.resolve,
    ) {
        (Some(recorded), None, None, None, None) => {
            Change::Record(event(*recorded, format, &|| format!("{}.record", path()))?)
        }
        (None, Some(corrected), None, None, None) => {
            Change::Correct(event(*corrected, format, &|| {
                format!("{}.correct", path())
            })?)
        }
        (None, None, None, Some(rival), None) => {
            Change::Dispute(event(*rival, format, &|| format!("{}.dispute", path()))?)
        }
        (None, None, Some(retraction), None, None) => at(
            Change::Retract {
                id: at(retraction.id.parse(), || format!("{}.retract.id", path()))?,
                reason: retraction.reason.into_string().into_boxed_str(),
            }
            .checked(),
            || format!("{}.retract.reason", path()),
        )?,
        (None, None, None, None, Some(resolution)) => at(
            Change::Resolve {
                id: at(resolution.id.parse(), || format!("{}.resolve.id", path()))?,
                chosen: resolution.chosen as usize,
                reason: resolution.reason.into_string().into_boxed_str(),
            }
            .checked(),
            || format!("{}.resolve.reason", path()),
        )?,
        _ => {
            return Err(DocumentError::MalformedEntry {
                path: path(),
                recorded_at: raw.recorded_at.into_string(),
            });
        }
    };
    Ok(Entry::new(recorded_at, change))
}

/// An agreement, validated under `policy`; paths start with `prefix`
/// (written out only for a refusal).
pub(crate) fn agreement(
    raw: RawAgreement<'_>,
    policy: &Policy,
    prefix: &dyn fmt::Display,
    known: &mut PartyCache,
) -> Result<Agreement, DocumentError> {
    readable_format(raw.format)?;
    let format = raw.format;
    let path = |field: &str| format!("{prefix}{field}");
    at(
        limits::at_most(Collection::Entries, raw.entries.len(), limits::MAX_ENTRIES),
        || path("entries"),
    )?;
    at(
        limits::at_most(
            Collection::Subjects,
            raw.subjects.len(),
            limits::MAX_SUBJECTS,
        ),
        || path("subjects"),
    )?;
    let id = at(raw.id.parse(), || path("id"))?;
    let instrument = match raw.instrument {
        Some(instrument) => at(instrument.parse(), || path("instrument"))?,
        None => InstrumentKind::Agreement,
    };
    let mut parties = Vec::with_capacity(raw.parties.len().min(2));
    for (i, one) in raw.parties.into_iter().enumerate() {
        parties.push(at(known.party(one), || path(&format!("parties[{i}]")))?);
    }
    let parties = at(Parties::try_from(parties), || path("parties"))?;
    let mut subjects = Vec::with_capacity(raw.subjects.len());
    for (i, area) in raw.subjects.iter().enumerate() {
        subjects.push(at(area.parse(), || path(&format!("subjects[{i}]")))?);
    }
    let header = Header::new(
        id,
        raw.title.into_string(),
        instrument,
        parties,
        Areas::listed(subjects),
    )
    .map_err(|source| agreement_error(path("title"), source))?;
    if let Some(stamp) = raw.policy {
        let written = at(
            crate::model::text::required(stamp.name, Field::PolicyName, limits::MAX_NAME),
            || path("policy.name"),
        )?;
        if *stamp.fingerprint != *policy.stamp().fingerprint() {
            return Err(DocumentError::OtherPolicy {
                path: path("policy"),
                title: header.title().to_owned(),
                written,
                // A real fingerprint has eleven characters; keep no more
                // of a hostile one than an error needs.
                fingerprint: stamp.fingerprint.chars().take(32).collect(),
                given: Box::new(policy.stamp().clone()),
            });
        }
    }
    let mut entries = raw.entries.into_iter().enumerate();
    let Some((_, first)) = entries.next() else {
        return Err(DocumentError::NoEvents {
            path: path("entries"),
            title: header.title().to_owned(),
        });
    };
    let entry_path = |i: usize| path(&format!("entries[{i}]"));
    let (recorded_at, change) = split(entry(first, format, &|| entry_path(0))?);
    let Change::Record(first) = change else {
        return Err(DocumentError::FirstEntryNotRecord {
            path: entry_path(0),
            title: header.title().to_owned(),
        });
    };
    let (mut agreement, _) = header
        .open(policy, recorded_at, first, false)
        .map_err(|source| agreement_error(entry_path(0), source))?;
    let mut previous = recorded_at;
    for (position, raw) in entries {
        let (recorded_at, change) = split(entry(raw, format, &|| entry_path(position))?);
        if recorded_at < previous {
            return Err(DocumentError::EntryOrder {
                path: entry_path(position),
                title: agreement.title().to_owned(),
                position,
                recorded_at,
                previous,
            });
        }
        previous = recorded_at;
        agreement
            .apply_change(policy, recorded_at, change, false)
            .map_err(|source| agreement_error(entry_path(position), source))?;
    }
    Ok(agreement)
}

/// An agreement error at `path`; a mere invalid value is reported as one.
fn agreement_error(path: String, source: AgreementError) -> DocumentError {
    match source {
        AgreementError::Value(source) => DocumentError::Value { path, source },
        source => DocumentError::Agreement { path, source },
    }
}

fn split(entry: Entry) -> (DateTime<Utc>, Change) {
    (entry.recorded_at(), entry.into_change())
}

/// A policy, with guard names resolved in `guards`; paths start with
/// `prefix`.
pub(crate) fn policy(
    raw: RawPolicy<'_>,
    guards: &Guards,
    prefix: &str,
) -> Result<Policy, DocumentError> {
    readable_format(raw.format.unwrap_or(1))?;
    let path = |field: &str| format!("{prefix}{field}");
    let raw_guards = raw.guards.unwrap_or_default();
    let policy_error = |path: String, source: PolicyError| match source {
        PolicyError::Value(source) => DocumentError::Value { path, source },
        source => DocumentError::Policy { path, source },
    };
    at(
        limits::at_most(
            Collection::Transitions,
            raw.transitions.len(),
            limits::MAX_TRANSITIONS,
        ),
        || path("transitions"),
    )?;
    at(
        limits::at_most(Collection::Guards, raw_guards.len(), limits::MAX_GUARDS),
        || path("guards"),
    )?;
    let mut entry = StageSet::EMPTY;
    for (i, stage) in raw.entry.iter().enumerate() {
        entry = entry.with(at(stage.parse(), || path(&format!("entry[{i}]")))?);
    }
    let mut builder = Policy::builder(raw.name)
        .entry_stages(entry)
        .implementing_across_parties(raw.implementing_across_parties.unwrap_or(false));
    for (i, transition) in raw.transitions.iter().enumerate() {
        let from = at(transition.from.parse(), || {
            path(&format!("transitions[{i}].from"))
        })?;
        let to = at(transition.to.parse(), || {
            path(&format!("transitions[{i}].to"))
        })?;
        builder = builder.allow(from, to);
    }
    for (i, attached) in raw_guards.iter().enumerate() {
        let on: Trigger = at(attached.on.parse(), || path(&format!("guards[{i}].on")))?;
        let guard = guards.get(&attached.guard).ok_or_else(|| {
            policy_error(
                path(&format!("guards[{i}].guard")),
                PolicyError::UnknownGuard {
                    name: attached.guard.to_string(),
                    known: guards.names().collect::<Vec<_>>().join(", "),
                },
            )
        })?;
        builder = builder.guard_arc(on, guard);
    }
    builder.build().map_err(|source| {
        let field = match source {
            PolicyError::Value(_) => "name",
            _ => "transitions",
        };
        policy_error(path(field), source)
    })
}

/// One agreement of a tracker document, read and validated: the agreement,
/// its version, and its place in the document. [`Tracked::read`] reads one
/// apart from the rest of its document (on another thread, from a row of a
/// database); a [`Loader`](crate::tracker::Loader) takes it in.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracked {
    pub(crate) agreement: Agreement,
    pub(crate) version: u64,
    pub(crate) position: usize,
}

impl Tracked {
    /// Reads one element of a tracker document's `agreements`
    /// (`{"version": 3, "agreement": {...}}`), the one at `position`,
    /// validated under `policy` exactly as [`Tracker::load`] validates the
    /// agreements of a whole document: the same rules, the same errors, with
    /// paths from `agreements[position]`. Strings are borrowed from the
    /// text where the deserializer allows, as the whole document's loader
    /// borrows them.
    ///
    /// Reading many apart, on as many threads, and taking them in with a
    /// [`Loader`](crate::tracker::Loader) in order, gives the tracker
    /// [`Tracker::load`] gives for the document they make up.
    ///
    /// [`Tracker::load`]: crate::Tracker::load
    ///
    /// # Errors
    ///
    /// The first rule the element breaks, as a [`DocumentError`] naming the
    /// field's path; text the deserializer cannot read is
    /// [`DocumentError::Syntax`].
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::document::Tracked;
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Policy, Tracker};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut tracker = Tracker::new();
    /// tracker.create(Agreement::builder("Logistics", parties), Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// // One element of the tracker's document, as a database row might hold it.
    /// let element = serde_json::to_value(&tracker)?["agreements"][0].to_string();
    /// let mut json = serde_json::Deserializer::from_str(&element);
    /// let tracked = Tracked::read(&mut json, &Policy::standard(), 7)?;
    /// assert_eq!((tracked.version(), tracked.position()), (1, 7));
    /// assert_eq!(tracked.agreement().title(), "Logistics");
    /// // The first event must open the record with a stage change.
    /// let meeting = element.replace("proposed", "meeting");
    /// let refused = Tracked::read(&mut serde_json::Deserializer::from_str(&meeting), &Policy::standard(), 7);
    /// assert_eq!(refused.unwrap_err().path(), Some("agreements[7].agreement.entries[0]"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn read<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
        policy: &Policy,
        position: usize,
    ) -> Result<Tracked, DocumentError> {
        Tracked::read_with(deserializer, policy, position, &mut PartyCache::unkept())
    }

    /// [`Tracked::read`], sharing the parties `parties` read before and
    /// keeping those it reads: one cache for every element a thread
    /// reads saves validating and allocating each party again. What is
    /// read is the same as without it.
    ///
    /// # Errors
    ///
    /// As [`Tracked::read`].
    ///
    /// # Example
    ///
    /// See [`PartyCache`].
    pub fn read_with<'de, D: serde::Deserializer<'de>>(
        deserializer: D,
        policy: &Policy,
        position: usize,
        parties: &mut PartyCache,
    ) -> Result<Tracked, DocumentError> {
        use serde::Deserialize;
        let raw = RawTracked::deserialize(deserializer).map_err(|error| DocumentError::Syntax {
            message: error.to_string(),
        })?;
        tracked(raw, policy, position, parties)
    }

    /// The agreement.
    pub fn agreement(&self) -> &Agreement {
        &self.agreement
    }

    /// Its version.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Its place in the document's `agreements`.
    pub fn position(&self) -> usize {
        self.position
    }

    /// The agreement, its version left behind.
    pub fn into_agreement(self) -> Agreement {
        self.agreement
    }
}

/// The agreement at `position` of a tracker document, validated under
/// `policy`; a refusal names the agreement and the field.
pub(crate) fn tracked(
    raw: RawTracked<'_>,
    policy: &Policy,
    position: usize,
    parties: &mut PartyCache,
) -> Result<Tracked, DocumentError> {
    let id = raw.agreement.id.clone();
    let invalid = |source: DocumentError| DocumentError::InvalidAgreement {
        position,
        id: id.to_string(),
        source: Box::new(source),
    };
    if raw.version == 0 || raw.version > limits::MAX_VERSION {
        return Err(invalid(DocumentError::Version {
            path: format!("agreements[{position}].version"),
            version: raw.version,
        }));
    }
    // The prefix of every path in the agreement, written out only for a
    // refusal.
    struct Within(usize);
    impl fmt::Display for Within {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "agreements[{}].agreement.", self.0)
        }
    }
    let agreement =
        agreement(raw.agreement, policy, &Within(position), parties).map_err(invalid)?;
    Ok(Tracked {
        agreement,
        version: raw.version,
        position,
    })
}

/// The occasions of a tracker document, each at its path.
pub(crate) fn occasions(
    raw: Vec<RawOccasion<'_>>,
    format: u32,
) -> Result<Vec<Occasion>, DocumentError> {
    at(
        limits::at_most(Collection::Occasions, raw.len(), limits::MAX_OCCASIONS),
        || "occasions".to_owned(),
    )?;
    raw.into_iter()
        .enumerate()
        .map(|(i, raw)| occasion(raw, format, &|| format!("occasions[{i}]")))
        .collect()
}

/// An occasion, each field at its path under `path` (made only for an
/// error).
pub(crate) fn occasion(
    raw: RawOccasion<'_>,
    format: u32,
    path: &dyn Fn() -> String,
) -> Result<Occasion, DocumentError> {
    let from = at(date(&raw.from, format), || format!("{}.from", path()))?;
    let to = at(date(&raw.to, format), || format!("{}.to", path()))?;
    let occasion = at(Occasion::new(raw.name.into_string(), from, to), path)?;
    match raw.venue {
        Some(venue) => at(occasion.with_venue(venue.into_string()), || {
            format!("{}.venue", path())
        }),
        None => Ok(occasion),
    }
}

/// The last versions of removed agreements, each id read and each version
/// within 1 to [`MAX_VERSION`](limits::MAX_VERSION).
pub(crate) fn removed(raw: Vec<RawRemoved<'_>>) -> Result<Vec<(AgreementId, u64)>, DocumentError> {
    at(
        limits::at_most(Collection::Agreements, raw.len(), limits::MAX_AGREEMENTS),
        || "removed".to_owned(),
    )?;
    raw.into_iter()
        .enumerate()
        .map(|(i, removed)| {
            let id = at(removed.id.parse(), || format!("removed[{i}].id"))?;
            if removed.version == 0 || removed.version > limits::MAX_VERSION {
                return Err(DocumentError::Version {
                    path: format!("removed[{i}].version"),
                    version: removed.version,
                });
            }
            Ok((id, removed.version))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::serde_str::Text;

    fn raw<'a>(code: &'a str, name: &'a str, kind: Option<&'a str>) -> RawParty<'a> {
        RawParty {
            code: Text::borrowed(code),
            name: Text::borrowed(name),
            kind: kind.map(Text::borrowed),
        }
    }

    /// A party is shared only when its code, name and kind are written as
    /// they were; any other is read afresh, as without a cache.
    #[test]
    fn a_cached_party_is_shared_only_when_written_just_so() {
        let mut cache = PartyCache::new();
        assert!(cache.is_empty());
        let india = cache.party(raw("IND", "India", None)).unwrap();
        let again = cache.party(raw("IND", "India", Some("state"))).unwrap();
        assert!(again.shares_with(&india));
        assert_eq!(cache.len(), 1);
        assert!(!cache.is_empty());
        // Another name under the same code: read afresh, and kept instead.
        let bharat = cache.party(raw("IND", "Bharat", None)).unwrap();
        assert_eq!(bharat, party(raw("IND", "Bharat", None)).unwrap());
        assert!(!bharat.shares_with(&india));
        assert_eq!(cache.len(), 1);
        assert!(
            cache
                .party(raw("IND", "Bharat", None))
                .unwrap()
                .shares_with(&bharat)
        );
        let india_again = cache.party(raw("IND", "India", None)).unwrap();
        assert!(!india_again.shares_with(&india));
        // Another kind, another spelling of the code, a name with spaces.
        let organisation = cache
            .party(raw("IND", "India", Some("organisation")))
            .unwrap();
        assert_eq!(organisation.kind(), PartyKind::Organisation);
        let lower = cache.party(raw("ind", "India", None)).unwrap();
        assert_eq!(lower, india);
        assert_eq!(cache.len(), 2);
        let spaced = cache.party(raw("ind", " India ", None)).unwrap();
        assert_eq!(spaced.name(), "India");
        // Refusals as without a cache.
        for (code, name, kind) in [
            ("I N D", "India", None),
            ("IND", " ", None),
            ("IND", "India", Some("club")),
        ] {
            assert_eq!(
                cache.party(raw(code, name, kind)).unwrap_err(),
                party(raw(code, name, kind)).unwrap_err()
            );
        }
    }

    /// No more parties are kept than the cache's room, but a code kept
    /// already is kept under its latest name.
    #[test]
    fn a_cache_keeps_at_most_its_room() {
        let mut cache = PartyCache::new();
        let codes: Vec<String> = (0..MAX_CACHED_PARTIES + 10)
            .map(|n| format!("P{n}"))
            .collect();
        for code in &codes {
            cache.party(raw(code, "Party", None)).unwrap();
        }
        assert_eq!(cache.len(), MAX_CACHED_PARTIES);
        let last = codes.last().unwrap();
        let read = cache.party(raw(last, "Party", None)).unwrap();
        assert!(
            !cache
                .party(raw(last, "Party", None))
                .unwrap()
                .shares_with(&read)
        );
        let first = cache.party(raw(&codes[0], "Renamed", None)).unwrap();
        assert!(
            cache
                .party(raw(&codes[0], "Renamed", None))
                .unwrap()
                .shares_with(&first)
        );
        assert_eq!(cache.len(), MAX_CACHED_PARTIES);
        // One that keeps none reads the same.
        let mut unkept = PartyCache::unkept();
        let india = unkept.party(raw("IND", "India", None)).unwrap();
        assert_eq!(india, party(raw("IND", "India", None)).unwrap());
        assert!(unkept.is_empty());
    }
}
