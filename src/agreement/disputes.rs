//! Disputed claims: rival versions of an event, kept beside the version in
//! force until a resolution keeps one.
//!
//! A correction says "the earlier record was wrong" and replaces it; a
//! dispute says "sources disagree and we do not know", and replaces
//! nothing. Each claim keeps its own sources; the answers that depend on
//! the disputed event ([`Agreement::stage_on`], the
//! [timeline](Agreement::timeline)) say that they are disputed.

use std::collections::HashMap;

use crate::model::{EventDate, EventId};

use super::Agreement;
use super::change::Receipt;
use super::context::{Context, Kept};
use super::entry::Change;
use super::error::AgreementError;
use super::order::{Slot, history_order};
use super::views::StageOn;
use crate::model::Event;

/// One claim about an event: the version in force, or a rival claim of an
/// open [`Dispute`], with the entry of the audit trail that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Claim<'a> {
    /// The position in the audit trail of the entry holding the claim: the
    /// value to give [`Change::Resolve`] to keep it.
    pub entry: usize,
    /// The event as this claim tells it: its date, its kind, its sources.
    pub event: &'a Event,
}

/// An open dispute about an event in force: the version in force and the
/// rival claims about it not yet resolved, each with its sources.
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Source, Stage};
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("PHL", "Philippines")?)?;
/// let signed = Event::builder(EventKind::MoiSigned, "2017".parse()?)
///     .source(Source::new("Ministry of Defence", "Annual report 2017-18")?)
///     .build()?;
/// let mut memo = Agreement::builder("Defence industry memorandum", parties).build(signed.clone())?;
/// // Other sources date the signing to 2018.
/// let rival = Event::builder(EventKind::MoiSigned, "2018".parse()?)
///     .id(signed.id())
///     .source(Source::new("Embassy of India, Manila", "Bilateral relations")?)
///     .build()?;
/// memo.dispute(rival)?;
///
/// let dispute = memo.disputes().next().unwrap();
/// assert_eq!(dispute.in_force().event.date().to_string(), "2017");
/// assert_eq!(dispute.rivals()[0].event.date().to_string(), "2018");
/// // In 2017-07 the memorandum was signed by one account and not by the other.
/// let on = memo.stage_on("2017-07".parse()?);
/// assert!(on.disputed && !on.is_certain());
/// assert!(on.is_possibly_at(Stage::MoiSigned));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dispute<'a> {
    in_force: Claim<'a>,
    rivals: Vec<Claim<'a>>,
}

impl<'a> Dispute<'a> {
    /// The disputed event's id.
    pub fn event_id(&self) -> EventId {
        self.in_force.event.id()
    }

    /// The version in force: what the record says while the dispute is
    /// open.
    pub fn in_force(&self) -> Claim<'a> {
        self.in_force
    }

    /// The rival claims, in the order they were recorded.
    pub fn rivals(&self) -> &[Claim<'a>] {
        &self.rivals
    }

    /// Every claim: the version in force, then the rivals.
    pub fn claims(&self) -> impl Iterator<Item = Claim<'a>> + '_ {
        std::iter::once(self.in_force).chain(self.rivals.iter().copied())
    }

    /// Whether any claim changes the stage: only then can the stage on a
    /// date depend on which claim is right.
    pub fn bears_on_stage(&self) -> bool {
        self.claims()
            .any(|claim| claim.event.kind().is_stage_change())
    }
}

impl Agreement {
    /// Sets a rival claim about a recorded event beside the version in
    /// force, under the agreement's context ([`Agreement::context`]):
    /// `rival` carries the event's id, the date or kind another source
    /// gives, and that source.
    ///
    /// Nothing in force changes: the history, the stage and every view but
    /// those that say a claim is disputed answer as before. A later
    /// [`resolve`](Agreement::resolve) keeps one claim. Several rival
    /// claims may stand at once; each is kept with its sources.
    ///
    /// # Errors
    ///
    /// - [`AgreementError::UnknownEvent`] or
    ///   [`AgreementError::AlreadyRetracted`] when no such event is in force;
    /// - [`AgreementError::UnsourcedClaim`] when the claim names no source;
    /// - [`AgreementError::SameClaim`] when it gives the date and kind in force;
    /// - [`AgreementError::FutureDate`] for a stage change dated after today;
    /// - [`AgreementError::SelfLink`] for a claim linking the agreement to itself.
    ///
    /// On error the agreement is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Source, Stage};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let signed = Event::builder(EventKind::Finalised, "2020-09-09".parse()?)
    ///     .source(Source::new("Ministry of External Affairs", "Signing of the agreement")?)
    ///     .build()?;
    /// let mut pact = Agreement::builder("Reciprocal supplies", parties).build(signed.clone())?;
    /// let still_talking = signed.to_builder()
    ///     .kind(EventKind::Deliberated)
    ///     .date("2024-11-23".parse()?)
    ///     .clear_sources()
    ///     .source(Source::new("Press report", "Talks after the Vientiane meeting")?)
    ///     .build()?;
    /// pact.dispute(still_talking)?;
    /// assert_eq!(pact.stage(), Stage::Finalised); // the record stands
    /// assert!(pact.stage_on("2022-01-01".parse()?).disputed);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dispute(&mut self, rival: Event) -> Result<Receipt, AgreementError> {
        let kept = self.kept.clone();
        self.dispute_with(&Kept::context(kept.as_deref()), rival)
    }

    /// Sets a rival claim under the policy and clock of `context`;
    /// otherwise as [`Agreement::dispute`].
    ///
    /// # Errors
    ///
    /// As [`Agreement::dispute`].
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Context, Event, EventKind, Parties, Party, Source};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let first = Event::new(EventKind::Proposed, "2020".parse()?);
    /// let mut pact = Agreement::builder("Pact", parties).build(first.clone())?;
    /// let rival = first.to_builder().date("2019".parse()?).source(Source::new("Archive", "File 12")?).build()?;
    /// pact.dispute_with(&Context::standard(), rival)?;
    /// assert!(pact.is_disputed());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn dispute_with(
        &mut self,
        context: &Context<'_>,
        rival: Event,
    ) -> Result<Receipt, AgreementError> {
        self.apply_with(context, Change::Dispute(rival))
    }

    /// Resolves the dispute about the event `id` by keeping one claim,
    /// with a reason, under the agreement's context: `chosen` is the
    /// [`Claim::entry`] of the claim kept. Keeping the version in force
    /// changes no history; keeping a rival brings it into force in place of
    /// the version in force, judged by the lifecycle as a correction is.
    /// Either way the resolution is an entry of the audit trail, and every
    /// claim stays there with its sources.
    ///
    /// # Errors
    ///
    /// - [`AgreementError::UnknownEvent`] or
    ///   [`AgreementError::AlreadyRetracted`] when no such event is in force;
    /// - [`AgreementError::NotDisputed`] when nothing about it is disputed;
    /// - [`AgreementError::UnknownClaim`] when `chosen` is not one of its claims;
    /// - [`AgreementError::Value`] for a blank or overlong reason;
    /// - [`AgreementError::Refused`] when the rival kept does not fit the
    ///   history.
    ///
    /// On error the agreement is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, Source};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("PHL", "Philippines")?)?;
    /// let signed = Event::new(EventKind::MoiSigned, "2017".parse()?);
    /// let mut memo = Agreement::builder("Memorandum", parties).build(signed.clone())?;
    /// let rival = signed.to_builder().date("2018".parse()?).source(Source::new("Embassy", "Relations")?).build()?;
    /// memo.dispute(rival)?;
    /// let chosen = memo.dispute_about(signed.id()).unwrap().rivals()[0].entry;
    /// memo.resolve(signed.id(), chosen, "the signed text is dated 2018")?;
    /// assert_eq!(memo.event(signed.id()).unwrap().date().to_string(), "2018");
    /// assert!(!memo.is_disputed());
    /// assert_eq!(memo.entries().len(), 3); // record, dispute, resolution
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve(
        &mut self,
        id: EventId,
        chosen: usize,
        reason: impl Into<String>,
    ) -> Result<Receipt, AgreementError> {
        let kept = self.kept.clone();
        self.resolve_with(&Kept::context(kept.as_deref()), id, chosen, reason)
    }

    /// Resolves a dispute under the policy and clock of `context`;
    /// otherwise as [`Agreement::resolve`].
    ///
    /// # Errors
    ///
    /// As [`Agreement::resolve`].
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Context, Event, EventKind, Parties, Party, Source};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let first = Event::new(EventKind::Proposed, "2020".parse()?);
    /// let mut pact = Agreement::builder("Pact", parties).build(first.clone())?;
    /// pact.dispute(first.to_builder().date("2019".parse()?).source(Source::new("Archive", "File 12")?).build()?)?;
    /// // Keep the record: entry 0 holds the version in force.
    /// pact.resolve_with(&Context::standard(), first.id(), 0, "the archive file is misdated")?;
    /// assert_eq!(pact.event(first.id()).unwrap().date().to_string(), "2020");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn resolve_with(
        &mut self,
        context: &Context<'_>,
        id: EventId,
        chosen: usize,
        reason: impl Into<String>,
    ) -> Result<Receipt, AgreementError> {
        self.apply_with(
            context,
            Change::Resolve {
                id,
                chosen,
                reason: reason.into().into_boxed_str(),
            },
        )
    }

    /// The open disputes about events in force, in history order.
    ///
    /// See [`Dispute`] for an example.
    pub fn disputes(&self) -> impl Iterator<Item = Dispute<'_>> + '_ {
        let mut open = self.open_disputes();
        let found: Vec<Dispute<'_>> = if open.is_empty() {
            Vec::new()
        } else {
            self.history_positions()
                .filter_map(|(version, event)| {
                    let rivals = open.remove(&event.id())?;
                    Some(Dispute {
                        in_force: Claim {
                            entry: version as usize,
                            event,
                        },
                        rivals: rivals
                            .into_iter()
                            .filter_map(|entry| {
                                Some(Claim {
                                    entry,
                                    event: self.entries().get(entry)?.event()?,
                                })
                            })
                            .collect(),
                    })
                })
                .collect()
        };
        found.into_iter()
    }

    /// The open dispute about the event with this id, if it is in force
    /// and disputed.
    pub fn dispute_about(&self, id: EventId) -> Option<Dispute<'_>> {
        self.disputes().find(|dispute| dispute.event_id() == id)
    }

    /// Whether any event in force is disputed.
    pub fn is_disputed(&self) -> bool {
        self.disputes().next().is_some()
    }

    /// The log positions of the open rival claims about `id`: its dispute
    /// entries since its last resolution.
    pub(crate) fn open_rivals(&self, id: EventId) -> Vec<usize> {
        self.open_disputes().remove(&id).unwrap_or_default()
    }

    /// The log positions of the open rival claims of every event that has
    /// any. (A scan of the log, made only when it holds a dispute.)
    fn open_disputes(&self) -> HashMap<EventId, Vec<usize>> {
        let mut open: HashMap<EventId, Vec<usize>> = HashMap::new();
        if !self.has_disputes() {
            return open;
        }
        for (position, entry) in self.entries().iter().enumerate() {
            match entry.change() {
                Change::Dispute(event) => open.entry(event.id()).or_default().push(position),
                Change::Resolve { id, .. } => {
                    open.remove(id);
                }
                _ => {}
            }
        }
        open
    }

    /// [`stage_on`](Agreement::stage_on) of the history in force, widened
    /// by every open dispute that bears on it: each rival claim is put in
    /// place of the version in force in turn, and where the answers differ
    /// the result is `disputed`, with every stage any claim allows as a
    /// candidate and only what every claim agrees on as reached.
    pub(crate) fn widen_by_disputes(&self, date: EventDate, mut on: StageOn) -> StageOn {
        for dispute in self.disputes().filter(Dispute::bears_on_stage) {
            for rival in dispute.rivals() {
                let other = self.stage_on_with(rival, date);
                if other.certain == on.certain
                    && other.possible == on.possible
                    && other.reached == on.reached
                    && other.candidates == on.candidates
                {
                    continue;
                }
                on.disputed = true;
                on.reached = on.reached.intersection(other.reached);
                on.candidates = on.candidates.union(other.candidates);
                on.certain = on.reached.iter().last();
                on.possible = on.possible.max(other.possible);
                on.qualified |= other.qualified;
            }
        }
        on
    }

    /// [`stage_on`](Agreement::stage_on) of the history with `rival` in
    /// place of the version in force of its event, in the order a
    /// resolution keeping it would give the history: the history's own
    /// rule (of the events no other is certainly before, the first in the
    /// lifecycle, then the earliest, then the first recorded), so that a
    /// year-precision claim beside a day of that year is ordered as it
    /// would be once kept.
    fn stage_on_with(&self, rival: &Claim<'_>, date: EventDate) -> StageOn {
        let mut changes: Vec<(Slot, &Event)> = self
            .in_force
            .slots()
            .iter()
            .zip(self.history())
            .map(|(&slot, event)| {
                if event.id() == rival.event.id() {
                    let entry = u32::try_from(rival.entry).unwrap_or(u32::MAX);
                    let kept = Slot::new(entry, u32::from(slot.seq()), rival.event);
                    (kept, rival.event)
                } else {
                    (slot, event)
                }
            })
            .filter(|(slot, _)| slot.is_stage_change())
            .collect();
        let slots: Vec<Slot> = changes.iter().map(|(slot, _)| *slot).collect();
        let order = history_order(&slots);
        // Each slot's event, found by the log position of its version
        // (no two share one).
        changes.sort_unstable_by_key(|(slot, _)| slot.version());
        let events = order.iter().filter_map(|slot| {
            let at = changes
                .binary_search_by_key(&slot.version(), |(slot, _)| slot.version())
                .ok()?;
            changes.get(at).map(|(_, event)| *event)
        });
        StageOn::from_events(events, date)
    }
}
