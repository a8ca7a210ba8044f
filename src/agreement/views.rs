//! Views of a history: as of a date, as recorded at an instant, as a
//! timeline, as an audit trail.

use std::fmt;

use chrono::{DateTime, Utc};

use crate::model::{Event, EventDate, EventId, Stage, StageSet};

use super::Agreement;
use super::entry::Entry;

/// The stage of an agreement on a date, saying how certain it is.
///
/// Dates of month or year precision make some answers uncertain: an MoI
/// "signed in 2024" may or may not have been signed by 2024-06-01. `certain`
/// is the last stage certainly reached on the date, `possible` the furthest
/// stage possibly reached; they are equal when the answer is certain.
/// `None` means no stage was (certainly, or possibly) recorded by then.
///
/// Three questions a tracker asks of it, each a method and a
/// [`Query`](crate::tracker::Query) filter of the same name: was the
/// agreement [certainly at](StageOn::is_certainly_at) a stage on the date,
/// [possibly at](StageOn::is_possibly_at) it, or had it [certainly
/// reached](StageOn::has_certainly_reached) it by then (whether or not it
/// had moved on)?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct StageOn {
    /// The last stage certainly reached on the date.
    pub certain: Option<Stage>,
    /// The furthest stage possibly reached on the date.
    pub possible: Option<Stage>,
    /// Every stage certainly reached by the date: the stages of the history
    /// up to and including `certain`.
    pub reached: StageSet,
    /// Every stage the agreement may have been at on the date: `certain`
    /// and the stages after it up to `possible`.
    pub candidates: StageSet,
    /// Whether a stage change whose date is marked uncertain or approximate
    /// bears on the answer: one after the last certain stage change, up to
    /// and including the first that had not possibly happened. (Such a date
    /// never makes an answer certain.)
    pub qualified: bool,
    /// Whether sources disagree about the answer: an open
    /// [`Dispute`](crate::agreement::Dispute) has a rival claim that would
    /// give another. Then `candidates` holds every stage any claim allows,
    /// `reached` only the stages every claim agrees were reached, and
    /// `certain` the last of those.
    pub disputed: bool,
}

crate::model::serde_str::plain_struct! {
    /// The serialised form of a [`StageOn`]: `{"certain": …, "possible": …,
    /// "reached": […], "candidates": […], "qualified": …}`, a stage left out
    /// (or null) when none, and `qualified` left out when false.
    struct StageOnForm {
        opt certain: Stage as crate::model::schema::stage(),
        opt possible: Stage as crate::model::schema::stage(),
        opt reached: Vec<Stage> as crate::model::schema::list(crate::model::schema::stage(), Stage::COUNT),
        opt candidates: Vec<Stage> as crate::model::schema::list(crate::model::schema::stage(), Stage::COUNT),
        opt qualified: bool,
        opt disputed: bool,
    }
}

impl serde::Serialize for StageOn {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        StageOnForm {
            certain: self.certain,
            possible: self.possible,
            reached: Some(self.reached.iter().collect()),
            candidates: Some(self.candidates.iter().collect()),
            qualified: self.qualified.then_some(true),
            disputed: self.disputed.then_some(true),
        }
        .serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for StageOn {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let form = StageOnForm::deserialize(deserializer)?;
        let set = |stages: Option<Vec<Stage>>| stages.unwrap_or_default().into_iter().collect();
        Ok(StageOn {
            certain: form.certain,
            possible: form.possible,
            reached: set(form.reached),
            candidates: set(form.candidates),
            qualified: form.qualified.unwrap_or(false),
            disputed: form.disputed.unwrap_or(false),
        })
    }
}

impl StageOn {
    /// Whether the stage on that date is known for sure (no stage at all,
    /// before the first stage change possibly happened, is known too): at
    /// most one candidate stage, certainly reached, and no qualified date
    /// bearing on it.
    pub fn is_certain(&self) -> bool {
        self.certain == self.possible
            && self.candidates.len() <= 1
            && !self.qualified
            && !self.disputed
    }

    /// The answer for `date` from a history's events, in history order.
    /// (Inlined: the iterator of the common path, a history with no
    /// dispute, then costs nothing to pass.)
    #[inline(always)]
    pub(crate) fn from_events<'a>(
        events: impl Iterator<Item = &'a Event>,
        date: EventDate,
    ) -> StageOn {
        let (first, last) = (date.start(), date.end());
        let mut on = StageOn {
            certain: None,
            possible: None,
            reached: StageSet::EMPTY,
            candidates: StageSet::EMPTY,
            qualified: false,
            disputed: false,
        };
        let mut seen = StageSet::EMPTY;
        for event in events {
            let Some(stage) = event.stage() else {
                continue;
            };
            let when = event.date();
            if when.start() > last {
                // Not possibly happened, and so nothing after it: unless
                // its date is only an estimate or in doubt.
                on.qualified |= when.is_qualified();
                break;
            }
            seen = seen.with(stage);
            on.possible = Some(stage);
            if when.end() <= first && !when.is_qualified() {
                on.certain = Some(stage);
                on.reached = seen;
                on.candidates = StageSet::only(stage);
                on.qualified = false;
            } else {
                on.candidates = on.candidates.with(stage);
                on.qualified |= when.is_qualified();
            }
        }
        on
    }

    /// Whether the agreement was certainly at `stage` on the date.
    pub fn is_certainly_at(&self, stage: Stage) -> bool {
        self.is_certain() && self.certain == Some(stage)
    }

    /// Whether the agreement may have been at `stage` on the date.
    pub fn is_possibly_at(&self, stage: Stage) -> bool {
        self.candidates.contains(stage)
    }

    /// Whether the agreement had certainly reached `stage` by the date,
    /// whether or not it had moved on since.
    pub fn has_certainly_reached(&self, stage: Stage) -> bool {
        self.reached.contains(stage)
    }
}

impl Agreement {
    /// The stage of the agreement on `date` (valid time).
    ///
    /// A stage change has certainly happened on `date` when its last
    /// possible day is no later than the first day of `date` and its date
    /// is neither uncertain nor approximate; it has possibly happened when
    /// its first possible day is no later than the last day of `date`.
    /// Stage changes follow one another in the history as in the
    /// lifecycle, so a stage change that certainly happened vouches for
    /// every one before it, and one that had not possibly happened rules
    /// out every one after it. Events that change no stage (a meeting)
    /// have no say.
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut pact = Agreement::builder("Pact", parties)
    ///     .subject(SubjectArea::Trade)
    ///     .build(Event::new(EventKind::Deliberated, "2023-05-02".parse()?))?;
    /// pact.record(Event::new(EventKind::MoiSigned, "2024".parse()?))?;
    ///
    /// let on = |d: &str| pact.stage_on(d.parse().unwrap());
    /// assert_eq!((on("2023-01-01").certain, on("2023-01-01").possible), (None, None));
    /// assert!(on("2023-12-31").is_certainly_at(Stage::Deliberated));
    /// // Some time in 2024 the MoI was signed: on 2024-06-01 it may or may not have been.
    /// let june = on("2024-06-01");
    /// assert_eq!((june.certain, june.possible), (Some(Stage::Deliberated), Some(Stage::MoiSigned)));
    /// assert!(!june.is_certainly_at(Stage::Deliberated));
    /// assert!(june.is_possibly_at(Stage::Deliberated) && june.is_possibly_at(Stage::MoiSigned));
    /// assert!(june.has_certainly_reached(Stage::Deliberated));
    /// assert!(on("2025-01-01").is_certainly_at(Stage::MoiSigned));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn stage_on(&self, date: EventDate) -> StageOn {
        let on = StageOn::from_events(self.history(), date);
        if self.has_disputes() {
            self.widen_by_disputes(date, on)
        } else {
            on
        }
    }

    /// The agreement as it was known at `instant` (recorded time): the
    /// entries recorded by then, and nothing after. `None` before its first
    /// entry.
    ///
    /// ```
    /// use bilateral::{Agreement, Clock, Context, Event, EventKind, FixedClock, Parties, Party, Policy, Stage, SubjectArea};
    /// let policy = Policy::standard();
    /// let monday = FixedClock::new("2024-11-25T09:00:00Z".parse()?);
    /// let tuesday = FixedClock::new("2024-11-26T09:00:00Z".parse()?);
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut pact = Agreement::builder("Pact", parties)
    ///     .subject(SubjectArea::Logistics)
    ///     .build_with(&Context::new(&policy, &monday), Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// pact.record_with(&Context::new(&policy, &tuesday), Event::new(EventKind::Deliberated, "2024-11-22".parse()?))?;
    ///
    /// let known_monday = pact.as_recorded_at(monday.now()).unwrap();
    /// assert_eq!(known_monday.stage(), Stage::Proposed);
    /// assert_eq!(pact.as_recorded_at(tuesday.now()).unwrap().stage(), Stage::Deliberated);
    /// assert!(pact.as_recorded_at("2024-01-01T00:00:00Z".parse()?).is_none());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn as_recorded_at(&self, instant: DateTime<Utc>) -> Option<Agreement> {
        let count = self
            .entries()
            .iter()
            .take_while(|entry| entry.recorded_at() <= instant)
            .count();
        self.prefix(count)
    }

    /// The chronological timeline of the events in force.
    pub fn timeline(&self) -> Timeline<'_> {
        Timeline { agreement: self }
    }

    /// Every entry in recording order, for display.
    pub fn audit_trail(&self) -> AuditTrail<'_> {
        AuditTrail { agreement: self }
    }
}

/// One line of a [`Timeline`]: an event and the stage after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TimelineEntry<'a> {
    /// The event.
    pub event: &'a Event,
    /// The agreement's stage after the event (`None` before the first
    /// recorded stage change).
    pub stage: Option<Stage>,
    /// Whether rival claims about the event stand open beside it: see
    /// [`Agreement::dispute_about`] for them.
    pub disputed: bool,
}

/// The chronological timeline of an agreement: each event in force with its
/// date, kind, the stage after it, venue and occasion, participants,
/// summary and sources.
///
/// `Display` renders readable text; [`Timeline::mermaid`] renders a Mermaid
/// `timeline` diagram to paste into Markdown.
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea};
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let mut pact = Agreement::builder("Logistics pact", parties)
///     .subject(SubjectArea::Logistics)
///     .build(Event::new(EventKind::Proposed, "2024-06".parse()?))?;
/// pact.record(Event::builder(EventKind::Deliberated, "2024-11-22".parse()?).venue("Vientiane").build()?)?;
///
/// let stages: Vec<_> = pact.timeline().entries().map(|e| e.stage).collect();
/// assert_eq!(stages.len(), 2);
/// assert_eq!(
///     pact.timeline().mermaid().to_string(),
///     "timeline\n    title Logistics pact\n    2024-06 : proposed\n    2024-11-22 : deliberated at Vientiane\n"
/// );
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Timeline<'a> {
    agreement: &'a Agreement,
}

impl<'a> Timeline<'a> {
    /// The entries, in history order.
    pub fn entries(&self) -> impl Iterator<Item = TimelineEntry<'a>> + 'a {
        let mut stage = None;
        let disputed: Vec<EventId> = self
            .agreement
            .disputes()
            .map(|dispute| dispute.event_id())
            .collect();
        self.agreement.history().map(move |event| {
            stage = event.stage().or(stage);
            TimelineEntry {
                event,
                stage,
                disputed: disputed.contains(&event.id()),
            }
        })
    }

    /// The timeline as a Mermaid `timeline` diagram.
    pub fn mermaid(&self) -> MermaidTimeline<'a> {
        MermaidTimeline { timeline: *self }
    }
}

impl fmt::Display for Timeline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let agreement = self.agreement;
        writeln!(f, "{} ({})", agreement.title(), agreement.parties())?;
        let mut opened = false;
        for TimelineEntry {
            event,
            stage,
            disputed,
        } in self.entries()
        {
            write!(
                f,
                "{:<12} {}",
                event.date().to_string(),
                event.kind().label()
            )?;
            match stage {
                Some(stage) if event.kind().is_stage_change() && !opened => {
                    opened = true;
                    writeln!(f, " (opened at {})", stage.label())?
                }
                Some(stage) if event.kind().is_stage_change() => {
                    writeln!(f, " -> {}", stage.label())?
                }
                Some(stage) => writeln!(f, " (stage: {})", stage.label())?,
                None => writeln!(f, " (no stage recorded yet)")?,
            }
            match (event.venue(), event.occasion()) {
                (Some(venue), Some(occasion)) => writeln!(f, "{:13}at {venue}, {occasion}", "")?,
                (Some(venue), None) => writeln!(f, "{:13}at {venue}", "")?,
                (None, Some(occasion)) => writeln!(f, "{:13}on the occasion of {occasion}", "")?,
                (None, None) => {}
            }
            for person in event.participants() {
                writeln!(f, "{:13}with {person}", "")?;
            }
            if !event.summary().is_empty() {
                writeln!(f, "{:13}{}", "", event.summary())?;
            }
            for link in event.links() {
                writeln!(f, "{:13}{link}", "")?;
            }
            for source in event.sources() {
                writeln!(f, "{:13}source: {source}", "")?;
            }
            let rivals = disputed
                .then(|| agreement.dispute_about(event.id()))
                .flatten();
            for rival in rivals.iter().flat_map(|dispute| dispute.rivals()) {
                writeln!(
                    f,
                    "{:13}disputed: {} {} (entry {})",
                    "",
                    rival.event.date(),
                    rival.event.kind().label(),
                    rival.entry
                )?;
                for source in rival.event.sources() {
                    writeln!(f, "{:15}source: {source}", "")?;
                }
            }
        }
        Ok(())
    }
}

/// A [`Timeline`] rendered as a Mermaid `timeline` diagram; see
/// [`Timeline::mermaid`].
///
/// Events of the same date share one period. Text (always one line: no text
/// field holds a control character) is written with `:`, `;` and `#`
/// replaced by Mermaid's entity codes, so that no title or summary can
/// break the diagram.
#[derive(Debug, Clone, Copy)]
pub struct MermaidTimeline<'a> {
    timeline: Timeline<'a>,
}

impl fmt::Display for MermaidTimeline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "timeline")?;
        writeln!(f, "    title {}", Escaped(self.timeline.agreement.title()))?;
        let mut previous: Option<EventDate> = None;
        for TimelineEntry {
            event, disputed, ..
        } in self.timeline.entries()
        {
            if previous == Some(event.date()) {
                f.write_str("        : ")?;
            } else {
                write!(f, "    {} : ", event.date())?;
            }
            previous = Some(event.date());
            write!(f, "{}", Escaped(event.kind().label()))?;
            match (event.venue(), event.occasion()) {
                (Some(venue), Some(occasion)) => {
                    write!(f, " at {} ({})", Escaped(venue), Escaped(occasion))?
                }
                (Some(venue), None) => write!(f, " at {}", Escaped(venue))?,
                (None, Some(occasion)) => write!(f, " ({})", Escaped(occasion))?,
                (None, None) => {}
            }
            let rivals = disputed
                .then(|| self.timeline.agreement.dispute_about(event.id()))
                .flatten();
            for rival in rivals.iter().flat_map(|dispute| dispute.rivals()) {
                write!(
                    f,
                    " (disputed, other sources say {} {})",
                    rival.event.date(),
                    Escaped(rival.event.kind().label())
                )?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// Text made safe for one Mermaid line.
pub(crate) struct Escaped<'a>(pub(crate) &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                ':' => f.write_str("#58;")?,
                ';' => f.write_str("#59;")?,
                '#' => f.write_str("#35;")?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

/// Every entry of an agreement in recording order, with when it was
/// recorded, what it did and its sources; see [`Agreement::audit_trail`].
#[derive(Debug, Clone, Copy)]
pub struct AuditTrail<'a> {
    agreement: &'a Agreement,
}

impl<'a> AuditTrail<'a> {
    /// The entries, in recording order.
    pub fn entries(&self) -> &'a [Entry] {
        self.agreement.entries()
    }
}

impl fmt::Display for AuditTrail<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "audit trail of {} ({})",
            self.agreement.title(),
            self.agreement.id()
        )?;
        for entry in self.entries() {
            writeln!(f, "{entry}")?;
        }
        Ok(())
    }
}
