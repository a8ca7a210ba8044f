//! Dated events: stage changes and informational entries.

use std::fmt;
use std::str::FromStr;

use super::date::EventDate;
use super::error::{Collection, Excerpt, Field, ValueError, Vocabulary};
use super::id::EventId;
use super::link::Link;
use super::representative::Representative;
use super::source::Source;
use super::stage::Stage;
use crate::model::limits;

/// What an event is: a stage change, or an informational entry.
///
/// The six stage-change kinds move an agreement to the [`Stage`] of the same
/// name. The informational kinds leave the stage as it is; of them, only
/// [`EventKind::EnteredIntoForce`] is constrained by the lifecycle (it can
/// only follow finalisation, once).
///
/// Text form: kebab case (`moi-signed`, `entered-into-force`).
///
/// ```
/// use bilateral::{EventKind, Stage};
/// assert_eq!(EventKind::from(Stage::MoiSigned), EventKind::MoiSigned);
/// assert_eq!(EventKind::Meeting.stage(), None);
/// assert_eq!("entered into force".parse::<EventKind>()?, EventKind::EnteredIntoForce);
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum EventKind {
    /// The agreement was put forward.
    Proposed,
    /// A round of deliberation took place.
    Deliberated,
    /// A memorandum of implementation was signed.
    MoiSigned,
    /// The agreement was concluded.
    Finalised,
    /// The track was abandoned.
    Withdrawn,
    /// The agreement was ended.
    Terminated,
    /// The agreement entered into force (informational; only after
    /// finalisation).
    EnteredIntoForce,
    /// A meeting about the agreement that changed no stage.
    Meeting,
    /// A public statement about the agreement.
    Statement,
    /// Any other note for the record.
    Note,
}

impl EventKind {
    /// Every kind, in declaration order.
    pub const ALL: [EventKind; 10] = [
        EventKind::Proposed,
        EventKind::Deliberated,
        EventKind::MoiSigned,
        EventKind::Finalised,
        EventKind::Withdrawn,
        EventKind::Terminated,
        EventKind::EnteredIntoForce,
        EventKind::Meeting,
        EventKind::Statement,
        EventKind::Note,
    ];

    /// The stage this kind moves an agreement to, or `None` for an
    /// informational kind.
    pub const fn stage(self) -> Option<Stage> {
        match self {
            EventKind::Proposed => Some(Stage::Proposed),
            EventKind::Deliberated => Some(Stage::Deliberated),
            EventKind::MoiSigned => Some(Stage::MoiSigned),
            EventKind::Finalised => Some(Stage::Finalised),
            EventKind::Withdrawn => Some(Stage::Withdrawn),
            EventKind::Terminated => Some(Stage::Terminated),
            EventKind::EnteredIntoForce
            | EventKind::Meeting
            | EventKind::Statement
            | EventKind::Note => None,
        }
    }

    /// Whether this kind changes the stage.
    pub const fn is_stage_change(self) -> bool {
        self.stage().is_some()
    }

    /// The kebab-case code, as written by `Display` and serde.
    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::EnteredIntoForce => "entered-into-force",
            EventKind::Meeting => "meeting",
            EventKind::Statement => "statement",
            EventKind::Note => "note",
            EventKind::Proposed => Stage::Proposed.as_str(),
            EventKind::Deliberated => Stage::Deliberated.as_str(),
            EventKind::MoiSigned => Stage::MoiSigned.as_str(),
            EventKind::Finalised => Stage::Finalised.as_str(),
            EventKind::Withdrawn => Stage::Withdrawn.as_str(),
            EventKind::Terminated => Stage::Terminated.as_str(),
        }
    }

    /// The kind as written in prose: "MoI signed", "entered into force".
    pub const fn label(self) -> &'static str {
        match self {
            EventKind::EnteredIntoForce => "entered into force",
            other => match other.stage() {
                Some(stage) => stage.label(),
                None => other.as_str(),
            },
        }
    }

    /// Place among events of overlapping dates: the lifecycle order, with
    /// entry into force after finalisation, and the purely informational
    /// kinds after the stage changes.
    pub(crate) const fn rank(self) -> u8 {
        match self {
            EventKind::Proposed => 0,
            EventKind::Deliberated => 1,
            EventKind::MoiSigned => 2,
            EventKind::Finalised => 3,
            EventKind::EnteredIntoForce => 4,
            EventKind::Withdrawn | EventKind::Terminated => 5,
            EventKind::Meeting | EventKind::Statement | EventKind::Note => 6,
        }
    }
}

impl From<Stage> for EventKind {
    fn from(stage: Stage) -> Self {
        match stage {
            Stage::Proposed => EventKind::Proposed,
            Stage::Deliberated => EventKind::Deliberated,
            Stage::MoiSigned => EventKind::MoiSigned,
            Stage::Finalised => EventKind::Finalised,
            Stage::Withdrawn => EventKind::Withdrawn,
            Stage::Terminated => EventKind::Terminated,
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for EventKind {
    type Err = ValueError;

    fn from_str(input: &str) -> Result<Self, ValueError> {
        // The canonical name, as documents write it, needs no normalising.
        if let Some(kind) = EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == input)
        {
            return Ok(kind);
        }
        if let Ok(stage) = input.parse::<Stage>() {
            return Ok(stage.into());
        }
        let key = crate::model::text::kebab_key(input);
        EventKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == key)
            .ok_or_else(|| ValueError::Unknown {
                what: Vocabulary::EventKind,
                input: Excerpt::new(input),
            })
    }
}

crate::model::serde_str::serde_via_str!(
    EventKind,
    "an event kind such as \"deliberated\" or \"meeting\""
);

/// Something dated that happened to an agreement.
///
/// An event is plain, validated data: its kind and date, where and on what
/// occasion it happened, who took part, a summary, and the sources that
/// report it. Whether it fits an agreement's history is decided when it is
/// recorded ([`Agreement::record`](crate::Agreement::record)).
///
/// Build one with [`Event::builder`], or [`Event::new`] when only the kind
/// and date are known.
///
/// ```
/// use bilateral::{Event, EventKind, Representative, Source};
///
/// let talks = Event::builder(EventKind::Deliberated, "2024-11-22".parse()?)
///     .venue("Vientiane")
///     .occasion("11th ADMM-Plus")
///     .participant(Representative::new("Rajnath Singh", "Minister of Defence", "IND".parse()?)?)
///     .participant(Representative::new("Gen Nakatani", "Minister of Defense", "JPN".parse()?)?)
///     .summary("Reciprocal use of bases for repair and replenishment discussed")
///     .source(Source::new("The Hindu", "Rajnath meets Japanese counterpart")?.published("2024-11-23".parse()?))
///     .build()?;
///
/// assert_eq!(talks.venue(), Some("Vientiane"));
/// assert_eq!(talks.participants().len(), 2);
/// assert_eq!(talks.sources()[0].published_on().unwrap().to_string(), "2024-11-23");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Event {
    id: EventId,
    date: EventDate,
    kind: EventKind,
    /// The summary and the optional parts, kept so that the common event
    /// (a short summary and nothing else) allocates nothing.
    notes: Notes,
}

/// The longest summary an event keeps inline, in bytes: an event stays 56
/// bytes, the size it had when every summary was allocated.
const INLINE: usize = 22;

/// An event's summary and optional parts. A tracker holds millions of
/// events, most with a short summary and nothing else: such a summary is
/// kept inline, where an allocation of its own would cost its length and
/// the allocator's 32-byte minimum. Each value has one form only (the
/// first that fits, in the order below), so that the derived equality and
/// hash compare what the event says.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Notes {
    /// A summary of at most [`INLINE`] bytes (zeros after it), and no
    /// details.
    Inline { len: u8, bytes: [u8; INLINE] },
    /// A longer summary, and no details.
    Summary(Box<str>),
    /// Details, with a summary of any length.
    Full(Box<Full>),
}

/// The summary of an event that has details, boxed with them.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Full {
    summary: Box<str>,
    details: Details,
}

impl Notes {
    /// No summary, no details.
    const EMPTY: Notes = Notes::Inline {
        len: 0,
        bytes: [0; INLINE],
    };

    fn new(summary: String, details: Details) -> Notes {
        if !details.is_empty() {
            return Notes::Full(Box::new(Full {
                summary: summary.into_boxed_str(),
                details,
            }));
        }
        match (u8::try_from(summary.len()), summary.len() <= INLINE) {
            (Ok(len), true) => {
                let mut bytes = [0; INLINE];
                bytes
                    .iter_mut()
                    .zip(summary.as_bytes())
                    .for_each(|(to, from)| *to = *from);
                Notes::Inline { len, bytes }
            }
            _ => Notes::Summary(summary.into_boxed_str()),
        }
    }

    fn summary(&self) -> &str {
        match self {
            // The bytes were copied from a `str` cut at its end, so they
            // are always UTF-8; the empty string is never reached.
            Notes::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|bytes| std::str::from_utf8(bytes).ok())
                .unwrap_or_default(),
            Notes::Summary(summary) => summary,
            Notes::Full(full) => &full.summary,
        }
    }

    fn details(&self) -> Option<&Details> {
        match self {
            Notes::Full(full) => Some(&full.details),
            Notes::Inline { .. } | Notes::Summary(_) => None,
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Event")
            .field("id", &self.id)
            .field("date", &self.date)
            .field("kind", &self.kind)
            .field("summary", &self.summary())
            .field("venue", &self.venue())
            .field("occasion", &self.occasion())
            .field("participants", &self.participants())
            .field("sources", &self.sources())
            .field("links", &self.links())
            .finish()
    }
}

/// The optional parts of an [`Event`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
struct Details {
    venue: Option<Box<str>>,
    occasion: Option<Box<str>>,
    participants: Box<[Representative]>,
    sources: Box<[Source]>,
    links: Box<[Link]>,
}

impl Details {
    fn is_empty(&self) -> bool {
        self.venue.is_none()
            && self.occasion.is_none()
            && self.participants.is_empty()
            && self.sources.is_empty()
            && self.links.is_empty()
    }
}

impl Event {
    /// An event with only a kind and a date, and a fresh id.
    pub fn new(kind: EventKind, date: EventDate) -> Self {
        Self::with_id(EventId::new(), kind, date)
    }

    /// An event with only a kind, a date and the id you give it.
    pub fn with_id(id: EventId, kind: EventKind, date: EventDate) -> Self {
        Self {
            id,
            date,
            kind,
            notes: Notes::EMPTY,
        }
    }

    /// A builder for an event of `kind` on `date`.
    pub fn builder(kind: EventKind, date: EventDate) -> EventBuilder {
        EventBuilder {
            id: None,
            date,
            kind,
            venue: None,
            occasion: None,
            summary: String::new(),
            participants: Vec::new(),
            sources: Vec::new(),
            links: Vec::new(),
        }
    }

    /// The event's identifier.
    pub const fn id(&self) -> EventId {
        self.id
    }

    /// When it happened.
    pub const fn date(&self) -> EventDate {
        self.date
    }

    /// What happened.
    pub const fn kind(&self) -> EventKind {
        self.kind
    }

    /// The stage it moves the agreement to, if it is a stage change.
    pub const fn stage(&self) -> Option<Stage> {
        self.kind.stage()
    }

    /// The place it happened, such as "Vientiane".
    pub fn venue(&self) -> Option<&str> {
        self.notes.details()?.venue.as_deref()
    }

    /// The occasion it happened on, such as "11th ADMM-Plus".
    pub fn occasion(&self) -> Option<&str> {
        self.notes.details()?.occasion.as_deref()
    }

    /// A short summary; empty when none was given.
    pub fn summary(&self) -> &str {
        self.notes.summary()
    }

    /// The people who took part, each acting for a party.
    pub fn participants(&self) -> &[Representative] {
        self.notes
            .details()
            .map_or(&[], |details| &details.participants)
    }

    /// The sources that report the event.
    pub fn sources(&self) -> &[Source] {
        self.notes.details().map_or(&[], |details| &details.sources)
    }

    /// The links to other agreements this event made, in order and without
    /// repeats: the signing of a memorandum that implements an agreement
    /// links to it.
    ///
    /// ```
    /// use bilateral::{AgreementId, Event, EventKind, Link, LinkKind};
    /// let framework = AgreementId::new();
    /// let signed = Event::builder(EventKind::MoiSigned, "2024-11-15".parse()?)
    ///     .link(Link::new(LinkKind::Implements, framework))
    ///     .build()?;
    /// assert_eq!(signed.links(), [Link::new(LinkKind::Implements, framework)]);
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn links(&self) -> &[Link] {
        self.notes.details().map_or(&[], |details| &details.links)
    }

    /// A builder holding this event's id and every field, to make a
    /// corrected version (see [`Agreement::correct`](crate::Agreement::correct)).
    ///
    /// ```
    /// use bilateral::{Event, EventKind};
    /// let signed = Event::new(EventKind::MoiSigned, "2017-06".parse()?);
    /// let fixed = signed.to_builder().date("2018".parse()?).build()?;
    /// assert_eq!(fixed.id(), signed.id());
    /// assert_eq!(fixed.date().to_string(), "2018");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn to_builder(&self) -> EventBuilder {
        EventBuilder {
            id: Some(self.id),
            date: self.date,
            kind: self.kind,
            venue: self.venue().map(String::from),
            occasion: self.occasion().map(String::from),
            summary: self.summary().to_owned(),
            participants: self.participants().to_vec(),
            sources: self.sources().to_vec(),
            links: self.links().to_vec(),
        }
    }
}

impl fmt::Display for Event {
    /// One line: `2024-11-22 deliberated at Vientiane (11th ADMM-Plus): summary`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.date, self.kind.label())?;
        match (self.venue(), self.occasion()) {
            (Some(venue), Some(occasion)) => write!(f, " at {venue} ({occasion})")?,
            (Some(venue), None) => write!(f, " at {venue}")?,
            (None, Some(occasion)) => write!(f, " ({occasion})")?,
            (None, None) => {}
        }
        let summary = self.summary();
        if !summary.is_empty() {
            write!(f, ": {summary}")?;
        }
        Ok(())
    }
}

/// Builds an [`Event`]; see [`Event::builder`].
///
/// Every setter takes and returns the builder by value, and the builder is
/// `Clone`, so a partly filled builder can be kept and reused.
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct EventBuilder {
    id: Option<EventId>,
    date: EventDate,
    kind: EventKind,
    venue: Option<String>,
    occasion: Option<String>,
    summary: String,
    participants: Vec<Representative>,
    sources: Vec<Source>,
    links: Vec<Link>,
}

impl EventBuilder {
    /// Sets the id (by default a fresh one is made by `build`).
    pub fn id(mut self, id: EventId) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets the place.
    pub fn venue(mut self, venue: impl Into<String>) -> Self {
        self.venue = Some(venue.into());
        self
    }

    /// Sets the occasion.
    pub fn occasion(mut self, occasion: impl Into<String>) -> Self {
        self.occasion = Some(occasion.into());
        self
    }

    /// Sets the summary.
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = summary.into();
        self
    }

    /// Adds a participant.
    pub fn participant(mut self, representative: Representative) -> Self {
        self.participants.push(representative);
        self
    }

    /// Adds participants.
    pub fn participants(
        mut self,
        representatives: impl IntoIterator<Item = Representative>,
    ) -> Self {
        self.participants.extend(representatives);
        self
    }

    /// Adds a source.
    pub fn source(mut self, source: Source) -> Self {
        self.sources.push(source);
        self
    }

    /// Adds sources.
    pub fn sources(mut self, sources: impl IntoIterator<Item = Source>) -> Self {
        self.sources.extend(sources);
        self
    }

    /// Sets the date.
    pub fn date(mut self, date: EventDate) -> Self {
        self.date = date;
        self
    }

    /// Sets the kind.
    pub fn kind(mut self, kind: EventKind) -> Self {
        self.kind = kind;
        self
    }

    /// Removes every source added so far (useful on a builder made by
    /// [`Event::to_builder`], for a correction that cites only the new
    /// source).
    pub fn clear_sources(mut self) -> Self {
        self.sources.clear();
        self
    }

    /// Adds a link to another agreement (a repeat of one already added is
    /// kept once).
    pub fn link(mut self, link: Link) -> Self {
        self.links.push(link);
        self
    }

    /// Adds links to other agreements.
    pub fn links(mut self, links: impl IntoIterator<Item = Link>) -> Self {
        self.links.extend(links);
        self
    }

    /// Removes every link added so far.
    pub fn clear_links(mut self) -> Self {
        self.links.clear();
        self
    }

    /// Removes every participant added so far.
    pub fn clear_participants(mut self) -> Self {
        self.participants.clear();
        self
    }

    /// Validates and builds the event. Venue, occasion and summary are
    /// trimmed.
    ///
    /// # Errors
    ///
    /// - [`ValueError::Blank`] when a venue or occasion was given but is empty
    ///   after trimming;
    /// - [`ValueError::TooLong`] or [`ValueError::TooMany`] when a text or a list
    ///   exceeds its [limit](crate::limits).
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Event, EventKind};
    /// let date = "2024-11-15".parse()?;
    /// let signed = Event::builder(EventKind::MoiSigned, date).venue("Tokyo").build()?;
    /// assert_eq!(signed.venue(), Some("Tokyo"));
    /// assert!(Event::builder(EventKind::MoiSigned, date).venue("  ").build().is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn build(self) -> Result<Event, ValueError> {
        let name = |text: Option<String>, field| -> Result<Option<Box<str>>, ValueError> {
            text.map(|text| {
                crate::model::text::required(text, field, limits::MAX_NAME)
                    .map(String::into_boxed_str)
            })
            .transpose()
        };
        limits::at_most(
            Collection::Participants,
            self.participants.len(),
            limits::MAX_PARTICIPANTS,
        )?;
        limits::at_most(Collection::Sources, self.sources.len(), limits::MAX_SOURCES)?;
        // A repeat is kept once, the first in place. An event makes a
        // handful of links at most (and most make none), so each is looked
        // for among those kept before it, with no set to build.
        let mut links: Vec<Link> = Vec::with_capacity(self.links.len());
        for link in self.links {
            if !links.contains(&link) {
                links.push(link);
            }
        }
        limits::at_most(Collection::Links, links.len(), limits::MAX_LINKS)?;
        let details = Details {
            venue: name(self.venue, Field::Venue)?,
            occasion: name(self.occasion, Field::Occasion)?,
            participants: self.participants.into_boxed_slice(),
            sources: self.sources.into_boxed_slice(),
            links: links.into_boxed_slice(),
        };
        Ok(Event {
            id: self.id.unwrap_or_else(EventId::new),
            date: self.date,
            kind: self.kind,
            notes: Notes::new(
                crate::model::text::optional(self.summary, Field::Summary, limits::MAX_SUMMARY)?,
                details,
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_summary(summary: &str) -> Event {
        Event::builder(EventKind::Meeting, "2024-11-22".parse().unwrap())
            .summary(summary)
            .build()
            .unwrap()
    }

    #[test]
    fn a_summary_is_kept_inline_up_to_its_limit_and_boxed_past_it() {
        let at_limit = "a".repeat(INLINE);
        let past = "a".repeat(INLINE + 1);
        // Two-byte characters: 22 bytes fit, 24 do not.
        let wide_fits = "é".repeat(INLINE / 2);
        let wide_past = "é".repeat(INLINE / 2 + 1);
        for (text, inline) in [
            ("", true),
            ("Announced", true),
            (at_limit.as_str(), true),
            (past.as_str(), false),
            (wide_fits.as_str(), true),
            (wide_past.as_str(), false),
        ] {
            let event = with_summary(text);
            assert_eq!(event.summary(), text);
            assert_eq!(
                matches!(event.notes, Notes::Inline { .. }),
                inline,
                "{text:?}"
            );
            assert!(event.notes.details().is_none());
            assert_eq!(event.to_builder().build().unwrap(), event);
        }
    }

    #[test]
    fn details_keep_the_summary_beside_them() {
        let event = Event::builder(EventKind::Meeting, "2024-11-22".parse().unwrap())
            .venue("Vientiane")
            .summary("Talks")
            .build()
            .unwrap();
        assert!(matches!(event.notes, Notes::Full(_)));
        assert_eq!(event.summary(), "Talks");
        assert_eq!(event.venue(), Some("Vientiane"));
        // Dropping the details brings the short summary back inline, so that
        // equal events compare equal whatever they were built from.
        let plain = event.to_builder().venue("x").build().unwrap();
        assert_ne!(plain, event);
        let mut bare = event.to_builder();
        bare.venue = None;
        let bare = bare.build().unwrap();
        assert!(matches!(bare.notes, Notes::Inline { .. }));
        assert_eq!(
            bare,
            with_summary("Talks")
                .to_builder()
                .id(event.id())
                .build()
                .unwrap()
        );
    }

    #[test]
    fn debug_shows_what_the_event_says() {
        let text = format!("{:?}", with_summary("Officials met"));
        assert!(text.contains("summary: \"Officials met\""), "{text}");
        assert!(text.contains("venue: None"), "{text}");
        assert!(text.contains("kind: Meeting"), "{text}");
    }
}
