//! The change engine: one path for every record, correction and
//! retraction.
//!
//! A change is checked against the state the agreement keeps beside its
//! entries, planned as an edit of the history in force, judged by the
//! lifecycle where the edit can matter, then applied. Nothing is written
//! until everything (limits, ids, dates, rules, guards) has passed, so a
//! refused change, or a guard that panics, leaves the agreement as it was.
//!
//! What the judgement looks at is local: the stage just before the edited
//! part of the history, the edited part, and what follows it up to the next
//! stage change. An append looks at the stage at the end; an event dated in
//! the past is checked from its place on; a note that moves no stage is not
//! replayed at all.

use chrono::{DateTime, NaiveDate, Utc};

use crate::lifecycle::{Action, Judged, Policy, Proposal, Refusal, Replay, Rule};
use crate::model::{Collection, Event, EventDate, EventId, EventKind, Stage, limits};

use super::context::{Context, Kept};
use super::entry::{Change, Entry};
use super::error::AgreementError;
use super::order::{Edit, Slot};
use super::{Agreement, Status, Summary, maps_ids};

/// What an accepted change did: returned by every change to an agreement
/// and by a tracker, so that whoever keeps indexes or listens learns what
/// moved without looking inside the agreement.
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Stage, SubjectArea};
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let mut pact = Agreement::builder("Pact", parties)
///     .subject(SubjectArea::Trade)
///     .build(Event::new(EventKind::Proposed, "2024-01".parse()?))?;
/// let receipt = pact.record(Event::new(EventKind::Deliberated, "2024-03".parse()?))?;
/// assert_eq!((receipt.before, receipt.after), (Some(Stage::Proposed), Stage::Deliberated));
/// assert_eq!(receipt.entry, 1);
/// assert_eq!(receipt.arrived.map(|placed| placed.kind), Some(EventKind::Deliberated));
/// assert!(receipt.left.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Receipt {
    /// What was done.
    pub action: Action,
    /// The event the change was about.
    pub event: EventId,
    /// The position of the new entry in the audit trail.
    pub entry: usize,
    /// The stage before the change; `None` when it opened the record.
    pub before: Option<Stage>,
    /// The stage after the change.
    pub after: Stage,
    /// The version that entered the history: the event recorded, or the
    /// corrected version.
    pub arrived: Option<Placed>,
    /// The version that left the history: the one corrected or retracted.
    pub left: Option<Placed>,
}

/// An event version entering or leaving the history, in a [`Receipt`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Placed {
    /// The position in the audit trail of the entry holding the version.
    pub entry: usize,
    /// Its date.
    pub date: EventDate,
    /// Its kind.
    pub kind: EventKind,
}

/// A change checked and planned, ready to apply.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    action: Action,
    event: EventId,
    edit: Edit,
    summary: Summary,
    arrived: Option<Placed>,
    left: Option<Placed>,
}

impl Plan {
    /// The stage the agreement will be at.
    pub(crate) fn stage(&self) -> Stage {
        self.summary.stage.unwrap_or(Stage::Proposed)
    }

    /// The receipt the change will give once applied.
    pub(crate) fn receipt(&self, agreement: &Agreement) -> Receipt {
        Receipt {
            action: self.action,
            event: self.event,
            entry: agreement.log.len(),
            before: agreement.summary.stage,
            after: self.summary.stage.unwrap_or(Stage::Proposed),
            arrived: self.arrived,
            left: self.left,
        }
    }
}

/// A change as the engine checks it, borrowed: checking needs no copy of
/// the event.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Attempt<'a> {
    Record(&'a Event),
    Correct(&'a Event),
    Retract(EventId),
    Dispute(&'a Event),
    Resolve { id: EventId, chosen: usize },
}

impl<'a> From<&'a Change> for Attempt<'a> {
    fn from(change: &'a Change) -> Self {
        match change {
            Change::Record(event) => Attempt::Record(event),
            Change::Correct(event) => Attempt::Correct(event),
            Change::Retract { id, .. } => Attempt::Retract(*id),
            Change::Dispute(event) => Attempt::Dispute(event),
            Change::Resolve { id, chosen, .. } => Attempt::Resolve {
                id: *id,
                chosen: *chosen,
            },
        }
    }
}

/// What the lifecycle says of an edited history.
struct Judgement {
    /// The stage after the whole history.
    stage: Option<Stage>,
    /// The stage just before the new version, and its position.
    pending: Option<(Option<Stage>, usize)>,
}

/// Makes room for one more entry. Trackers hold millions of agreements,
/// most of them with a handful of entries (a whole lifecycle, from the
/// proposal to the entry into force, is five): a log starts with room for
/// four and grows by exactly one entry up to [`SHORT_LOG`]. A log past
/// that is one being recorded on, and grows by half, so that recording
/// moves it to a fresh allocation every few entries rather than at each.
/// (Memory and speed only: no answer depends on it.)
fn reserve_one_entry(log: &mut Vec<Entry>) {
    if log.len() == log.capacity() {
        let more = match log.len() {
            0 => 4,
            len if len < SHORT_LOG => 1,
            len => len / 2,
        };
        log.reserve_exact(more);
    }
}

/// The longest log that grows by exactly one entry at a time.
const SHORT_LOG: usize = 5;

fn is_lifecycle(slot: &Slot) -> bool {
    slot.is_lifecycle()
}

fn is_entry_into_force(slot: &Slot) -> bool {
    slot.kind() == EventKind::EnteredIntoForce
}

impl Agreement {
    /// Applies a change (a record, a correction or a retraction) under
    /// `context`, then tells its observer: what
    /// [`record_with`](Agreement::record_with),
    /// [`correct_with`](Agreement::correct_with) and
    /// [`retract_with`](Agreement::retract_with) do, for a change held as a
    /// value (one read from a store's log, say).
    ///
    /// # Errors
    ///
    /// The errors of the method for the change's kind. On error the
    /// agreement is unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Change, Context, Event, EventKind, Parties, Party, Stage};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let mut pact = Agreement::builder("Pact", parties).build(Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// let change = Change::Record(Event::new(EventKind::Deliberated, "2024-02".parse()?));
    /// let receipt = pact.apply_with(&Context::standard(), change)?;
    /// assert_eq!((receipt.after, pact.entries()[receipt.entry].recorded_at() <= chrono::Utc::now()), (Stage::Deliberated, true));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply_with(
        &mut self,
        context: &Context<'_>,
        change: Change,
    ) -> Result<Receipt, AgreementError> {
        let now = context.clock().now();
        if context.observer().is_none() {
            let receipt = self.apply_change(context.policy(), now, change, true)?;
            context.notify(self, &receipt);
            return Ok(receipt);
        }
        // An observer hears of a refusal too, with the change tried.
        let tried = change.clone();
        match self.apply_change(context.policy(), now, change, true) {
            Ok(receipt) => {
                context.notify(self, &receipt);
                Ok(receipt)
            }
            Err(error) => {
                context.notify_refused(Some(self), &tried, &error);
                Err(error)
            }
        }
    }

    /// Checks a change under `policy` (with its guards when `guards`) as of
    /// `now`, and applies it. On error nothing has changed.
    #[inline(always)]
    pub(crate) fn apply_change(
        &mut self,
        policy: &Policy,
        now: DateTime<Utc>,
        change: Change,
        guards: bool,
    ) -> Result<Receipt, AgreementError> {
        let change = change.checked()?;
        let now = crate::model::instant::in_range(now)?;
        if !self.policy.get().same_table(policy.stamp()) {
            return self.apply_under_another_table(policy, now, change, guards);
        }
        let plan = self.plan(policy, (&change).into(), now.naive_utc().date(), guards)?;
        Ok(self.commit(change, now, plan))
    }

    /// [`apply_change`](Self::apply_change) under a policy whose table is
    /// not the one the history was judged under: the history so far must
    /// hold under it too (the judgement of a change looks only where the
    /// change is), and once the change is made the agreement is kept under
    /// it. Rare, so kept off the common path.
    #[cold]
    #[inline(never)]
    fn apply_under_another_table(
        &mut self,
        policy: &Policy,
        now: DateTime<Utc>,
        change: Change,
        guards: bool,
    ) -> Result<Receipt, AgreementError> {
        self.check_history(policy)?;
        let plan = self.plan(policy, (&change).into(), now.naive_utc().date(), guards)?;
        let receipt = self.commit(change, now, plan);
        self.keep_under(policy);
        Ok(receipt)
    }

    /// Records `event` under the agreement's own context
    /// ([`Agreement::context`]) if it leaves the agreement at `stage`: a
    /// typed move. `Ok(Err(actual))` when it would leave it at `actual`
    /// instead (dated before later stage changes); then, as on error,
    /// nothing has changed.
    pub(crate) fn record_landing_at(
        &mut self,
        event: Event,
        stage: Stage,
    ) -> Result<Result<Receipt, Stage>, AgreementError> {
        let kept = self.kept.clone();
        let context = Kept::context(kept.as_deref());
        let policy = context.policy();
        let now = crate::model::instant::in_range(context.clock().now())?;
        let change = Change::Record(event).checked()?;
        let other_table = !self.policy.get().same_table(policy.stamp());
        if other_table {
            self.check_history(policy)?;
        }
        let plan = self.plan(policy, (&change).into(), now.naive_utc().date(), true)?;
        if plan.stage() != stage {
            return Ok(Err(plan.stage()));
        }
        let receipt = self.commit(change, now, plan);
        if other_table {
            self.keep_under(policy);
        }
        Ok(Ok(receipt))
    }

    /// Refuses an event that links the agreement to itself.
    #[inline]
    fn check_links(&self, action: Action, event: &Event) -> Result<(), AgreementError> {
        let links = event.links();
        if links.is_empty() {
            return Ok(());
        }
        match links.iter().find(|link| link.target() == self.id) {
            Some(link) => Err(AgreementError::SelfLink {
                action,
                agreement: self.id,
                title: self.title.to_string(),
                kind: link.kind(),
            }),
            None => Ok(()),
        }
    }

    /// Checks a change and plans it, changing nothing.
    pub(crate) fn plan(
        &self,
        policy: &Policy,
        change: Attempt<'_>,
        today: NaiveDate,
        guards: bool,
    ) -> Result<Plan, AgreementError> {
        limits::at_most(Collection::Entries, self.log.len() + 1, limits::MAX_ENTRIES)?;
        let pending = u32::try_from(self.log.len()).unwrap_or(u32::MAX);
        let (action, id) = match change {
            Attempt::Record(event) => (Action::Record, event.id()),
            Attempt::Correct(event) => (Action::Correct, event.id()),
            Attempt::Retract(id) => (Action::Retract, id),
            Attempt::Dispute(event) => (Action::Dispute, event.id()),
            Attempt::Resolve { id, .. } => (Action::Resolve, id),
        };
        // The log position of the version coming in: a new entry's, or the
        // rival claim a resolution keeps.
        let mut incoming = self.log.len();
        let (remove, insert, attempted, new) = match change {
            Attempt::Record(event) => {
                if !matches!(self.status(id), Status::Unknown) {
                    return Err(AgreementError::DuplicateEvent {
                        agreement: self.id,
                        title: self.title.to_string(),
                        id,
                    });
                }
                self.check_date(action, event, today)?;
                self.check_links(action, event)?;
                (
                    None,
                    Some(Slot::new(pending, pending, event)),
                    event,
                    Some(event),
                )
            }
            Attempt::Correct(event) => {
                let (old, _) = self.live(action, id)?;
                self.check_date(action, event, today)?;
                self.check_links(action, event)?;
                (
                    Some(old),
                    Some(Slot::new(pending, u32::from(old.seq()), event)),
                    event,
                    Some(event),
                )
            }
            Attempt::Retract(_) => {
                let (old, retracted) = self.live(action, id)?;
                (Some(old), None, retracted, None)
            }
            Attempt::Dispute(rival) => return self.plan_dispute(rival, today),
            Attempt::Resolve { chosen, .. } => {
                let (old, _) = self.live(action, id)?;
                let Some(rival) = self.resolution(id, old, chosen)? else {
                    // The version in force is kept: the history stays.
                    return Ok(self.unchanged_plan(action, id));
                };
                incoming = chosen;
                let version = u32::try_from(chosen).unwrap_or(u32::MAX);
                (
                    Some(old),
                    Some(Slot::new(version, u32::from(old.seq()), rival)),
                    rival,
                    Some(rival),
                )
            }
        };
        let stage_changes = self
            .summary
            .stage_changes
            .saturating_sub(u16::from(remove.is_some_and(|slot| slot.is_stage_change())))
            .saturating_add(u16::from(insert.is_some_and(|slot| slot.is_stage_change())));
        if stage_changes == 0 {
            return Err(AgreementError::NoStageLeft {
                action,
                agreement: self.id,
                title: self.title.to_string(),
                id,
            });
        }
        let edit = self.in_force.edit(remove, insert);
        let judged = Judged {
            agreement: self.id,
            title: &self.title,
            action,
            attempted: Some(attempted),
            policy: policy.shared_stamp(),
        };
        let judgement = self.judge(policy, &edit, judged, attempted, new, incoming)?;
        if let (true, Some(event), Some(to), Some((from, position))) =
            (guards, new, new.and_then(Event::stage), judgement.pending)
        {
            let proposal = Proposal::new(self, event, from, to);
            if let Err(rule) = policy.run_guards(&proposal) {
                let last = position + 1 >= edit.len_after(self.in_force.slots());
                return Err(self
                    .refusal(&edit, insert, new, judged, event, from, last, rule)
                    .into());
            }
        }
        let entries_into_force = self
            .summary
            .entries_into_force
            .saturating_sub(u8::from(
                remove.is_some_and(|slot| is_entry_into_force(&slot)),
            ))
            .saturating_add(u8::from(
                insert.is_some_and(|slot| is_entry_into_force(&slot)),
            ));
        let placed = |slot: Slot, event: &Event| Placed {
            entry: slot.version() as usize,
            date: event.date(),
            kind: event.kind(),
        };
        Ok(Plan {
            action,
            event: id,
            edit,
            summary: Summary {
                stage: judgement.stage,
                stage_changes,
                entries_into_force,
                disputes: self.summary.disputes,
            },
            arrived: insert.zip(new).map(|(slot, event)| placed(slot, event)),
            left: remove.and_then(|slot| Some(placed(slot, self.entry_event(slot.version())?))),
        })
    }

    /// Plans a dispute: a rival claim about a live event, from its own
    /// sources, differing from the version in force in date or kind. The
    /// history does not change.
    fn plan_dispute(&self, rival: &Event, today: NaiveDate) -> Result<Plan, AgreementError> {
        let action = Action::Dispute;
        let id = rival.id();
        let (_, in_force) = self.live(action, id)?;
        self.check_date(action, rival, today)?;
        self.check_links(action, rival)?;
        if rival.sources().is_empty() {
            return Err(AgreementError::UnsourcedClaim {
                agreement: self.id,
                title: self.title.to_string(),
                id,
            });
        }
        if rival.date() == in_force.date() && rival.kind() == in_force.kind() {
            return Err(AgreementError::SameClaim {
                agreement: self.id,
                title: self.title.to_string(),
                id,
                date: rival.date(),
                kind: rival.kind(),
            });
        }
        let mut plan = self.unchanged_plan(action, id);
        plan.summary.disputes = plan.summary.disputes.saturating_add(1);
        Ok(plan)
    }

    /// A plan that leaves the history as it is.
    fn unchanged_plan(&self, action: Action, event: EventId) -> Plan {
        Plan {
            action,
            event,
            edit: Edit::unchanged(),
            summary: self.summary,
            arrived: None,
            left: None,
        }
    }

    /// The claim a resolution of the dispute about `id` keeps: `None` for
    /// the version in force (at `old`), the rival claim for an open
    /// dispute entry; an error when nothing about the event is disputed or
    /// `chosen` is not one of its claims.
    fn resolution(
        &self,
        id: EventId,
        old: Slot,
        chosen: usize,
    ) -> Result<Option<&Event>, AgreementError> {
        let rivals = self.open_rivals(id);
        if rivals.is_empty() {
            return Err(AgreementError::NotDisputed {
                agreement: self.id,
                title: self.title.to_string(),
                id,
            });
        }
        if chosen == old.version() as usize {
            return Ok(None);
        }
        match self.log.get(chosen) {
            Some(entry) if rivals.contains(&chosen) => Ok(entry.event()),
            _ => Err(AgreementError::UnknownClaim {
                agreement: self.id,
                title: self.title.to_string(),
                id,
                chosen,
                claims: std::iter::once(old.version() as usize)
                    .chain(rivals)
                    .collect(),
            }),
        }
    }

    /// Applies a planned change.
    pub(crate) fn commit(&mut self, change: Change, now: DateTime<Utc>, plan: Plan) -> Receipt {
        let receipt = plan.receipt(self);
        // Entries stay in recording order even if the clock steps back.
        let now = now.timestamp_micros();
        let recorded_at = self.log.last().map_or(now, |last| last.micros().max(now));
        let position = u32::try_from(self.log.len()).unwrap_or(u32::MAX);
        let id = receipt.event;
        reserve_one_entry(&mut self.log);
        self.log.push(Entry::at_micros(recorded_at, change));
        self.in_force.apply(plan.edit);
        self.summary = plan.summary;
        // A dispute, or a resolution keeping the version in force, leaves
        // the version in force where it was.
        let version = match receipt.action {
            Action::Dispute | Action::Resolve => receipt
                .arrived
                .and_then(|placed| u32::try_from(placed.entry).ok()),
            _ => Some(position),
        };
        match (&mut self.ids, version) {
            (Some(ids), Some(version)) => {
                ids.entry(id).or_insert((position, version)).1 = version;
            }
            (Some(_), None) => {}
            (None, _) if maps_ids(self.log.len()) => self.ids = Some(Box::new(self.id_map())),
            (None, _) => {}
        }
        receipt
    }

    /// The slot and the version in force of the event with this id, or the
    /// error for an unknown or retracted one.
    fn live(&self, action: Action, id: EventId) -> Result<(Slot, &Event), AgreementError> {
        let unknown = || AgreementError::UnknownEvent {
            action,
            agreement: self.id,
            title: self.title.to_string(),
            id,
        };
        match self.status(id) {
            Status::Live { record, version } => {
                let event = self.entry_event(version).ok_or_else(unknown)?;
                Ok((Slot::new(version, record, event), event))
            }
            Status::Unknown => Err(unknown()),
            Status::Retracted(reason) => Err(AgreementError::AlreadyRetracted {
                action,
                agreement: self.id,
                title: self.title.to_string(),
                id,
                reason: reason.to_owned(),
            }),
        }
    }

    /// The refusal of `event` (at `slot` in the history after `edit`),
    /// which came when the agreement was at `stage`, by `rule`, naming the
    /// stage changes either side of it. Only a refusal pays for it.
    #[cold]
    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn refusal(
        &self,
        edit: &Edit,
        slot: Option<Slot>,
        new: Option<&Event>,
        judged: Judged<'_>,
        event: &Event,
        stage: Option<Stage>,
        last: bool,
        rule: Rule,
    ) -> Box<Refusal> {
        let (before, next) = self.around(edit, slot, new);
        Box::new(Refusal::new(judged, event, stage, last, rule).around(before, next))
    }

    /// The stage changes just before and just after `slot` in the history
    /// after `edit`, where `new` is the version not yet in the log: what a
    /// refusal weighs the refused event against. (Only a refusal asks, so
    /// it may take the length of the history.)
    fn around<'a>(
        &'a self,
        edit: &Edit,
        slot: Option<Slot>,
        new: Option<&'a Event>,
    ) -> (Option<&'a Event>, Option<&'a Event>) {
        let old = self.in_force.slots();
        let after: Vec<Slot> = match edit {
            Edit::Splice { start, end, with } => {
                let (start, end) = ((*start).min(old.len()), (*end).min(old.len()));
                let mut after = Vec::with_capacity(old.len() + with.as_slice().len());
                after.extend(old.range(0..start));
                after.extend_from_slice(with.as_slice());
                after.extend(old.range(end.max(start)..old.len()));
                after
            }
            Edit::Move { .. } => old.iter().copied().collect(),
        };
        let pending = self.log.len();
        let event_of = |slot: &Slot| -> Option<&'a Event> {
            if slot.version() as usize == pending {
                new
            } else {
                self.entry_event(slot.version())
            }
        };
        let Some(at) = slot.and_then(|slot| after.iter().position(|other| *other == slot)) else {
            return (None, None);
        };
        let stage_change = |slot: &&Slot| slot.is_stage_change();
        let before = after
            .get(..at)
            .and_then(|before| before.iter().rev().find(stage_change).and_then(event_of));
        let next = after
            .get(at + 1..)
            .and_then(|next| next.iter().find(stage_change).and_then(event_of));
        (before, next)
    }

    /// Stage changes cannot be dated after today.
    fn check_date(
        &self,
        action: Action,
        event: &Event,
        today: NaiveDate,
    ) -> Result<(), AgreementError> {
        if event.kind().is_stage_change() && event.date().start() > today {
            return Err(AgreementError::FutureDate {
                action,
                agreement: self.id,
                title: self.title.to_string(),
                kind: event.kind(),
                date: event.date(),
                today,
            });
        }
        Ok(())
    }

    /// Judges the history after `edit` where it can differ from the history
    /// now, which was valid: from the stage before the edited part, through
    /// it, to the next stage change after it. `new` is the version the edit
    /// brings in, not yet in the log.
    fn judge(
        &self,
        policy: &Policy,
        edit: &Edit,
        judged: Judged<'_>,
        attempted: &Event,
        new: Option<&Event>,
        incoming: usize,
    ) -> Result<Judgement, Box<Refusal>> {
        let old = self.in_force.slots();
        let (start, end, with) = match edit {
            Edit::Splice { start, end, with } => (*start, *end, with.as_slice()),
            // An informational event moved: nothing to judge.
            Edit::Move { .. } => {
                return Ok(Judgement {
                    stage: self.summary.stage,
                    pending: None,
                });
            }
        };
        let pending = incoming;
        // (`start` is at most `end`, and `end` at most the length.)
        if let ([slot], Some(event)) = (with, new)
            && start == old.len()
        {
            // An append: one step from the stage at the end.
            if !is_lifecycle(slot) {
                return Ok(Judgement {
                    stage: self.summary.stage,
                    pending: None,
                });
            }
            let in_force = if is_entry_into_force(slot) {
                self.entry_into_force().map(Event::date)
            } else {
                None
            };
            let mut replay = Replay {
                stage: self.summary.stage,
                in_force,
            };
            if let Err(rule) = replay.step(policy, event) {
                let stage = self.summary.stage;
                return Err(self.refusal(edit, Some(*slot), new, judged, event, stage, true, rule));
            }
            return Ok(Judgement {
                stage: replay.stage,
                pending: Some((self.summary.stage, start)),
            });
        }
        let event_of = |slot: &Slot| -> Option<&Event> {
            if slot.version() as usize == pending {
                new
            } else {
                self.entry_event(slot.version())
            }
        };
        let total = edit.len_after(old);
        // `last` when the refused event is the last of the history after
        // the edit, which decides only the words of a refusal of the event
        // attempted ("it is" against "by then it was").
        let refusal = |slot: &Slot, stage: Option<Stage>, last: bool, rule: Rule| {
            let event = event_of(slot).unwrap_or(attempted);
            self.refusal(edit, Some(*slot), new, judged, event, stage, last, rule)
        };
        let refuse = |position: usize, slot: &Slot, stage: Option<Stage>, rule: Rule| {
            refusal(slot, stage, position + 1 >= total, rule)
        };
        let range = |from: usize, to: usize| {
            let to = to.min(old.len());
            old.range(from.min(to)..to)
        };
        let window_had_stage = range(start, end).any(|slot| slot.is_stage_change());
        if !window_had_stage && !with.iter().any(is_lifecycle) {
            // Only informational events come or go: nothing the lifecycle
            // looks at moves, and no guard applies.
            return Ok(Judgement {
                stage: self.summary.stage,
                pending: None,
            });
        }
        let stage_before = |at: usize| range(0, at).rev().find_map(|slot| slot.kind().stage());
        // At the end of the history, the stage before is the stage now.
        let before = if start >= old.len() {
            self.summary.stage
        } else {
            stage_before(start)
        };
        // An entry into force outside the edited part matters when the edit
        // brings one in: only one may stand.
        let outside = if with.iter().any(is_entry_into_force) {
            self.entry_into_force_outside(start, end)
        } else {
            None
        };
        let mut replay = Replay {
            stage: before,
            in_force: outside
                .filter(|(i, _)| *i < start)
                .and_then(|(_, slot)| event_of(&slot))
                .map(Event::date),
        };
        let mut pending_at = None;
        for (k, slot) in with.iter().enumerate() {
            let position = start + k;
            if slot.version() as usize == pending {
                pending_at = Some((replay.stage, position));
            }
            let Some(event) = event_of(slot) else {
                continue;
            };
            let stage = replay.stage;
            replay
                .step(policy, event)
                .map_err(|rule| refuse(position, slot, stage, rule))?;
        }
        let old_window_end = range(start, end)
            .rev()
            .find_map(|slot| slot.kind().stage())
            .or(before);
        // A refusal of an event after the edited part says when it was, not
        // "it is": it is not the event attempted, whatever its place.
        let refuse_later =
            |slot: &Slot, stage: Option<Stage>, rule: Rule| refusal(slot, stage, false, rule);
        let mut stage = self.summary.stage;
        let later_entry_into_force = outside.filter(|(i, _)| *i >= end);
        let mut later_replayed = false;
        if replay.stage != old_window_end || later_entry_into_force.is_some() {
            // What follows the edit, up to the next stage change, now comes
            // after another stage.
            let mut reached = false;
            for (i, slot) in (end..).zip(range(end, old.len())) {
                if later_entry_into_force.is_some_and(|(at, _)| at == i) {
                    later_replayed = true;
                }
                if !is_lifecycle(slot) {
                    continue;
                }
                let Some(event) = event_of(slot) else {
                    continue;
                };
                let before_step = replay.stage;
                replay
                    .step(policy, event)
                    .map_err(|rule| refuse_later(slot, before_step, rule))?;
                if slot.is_stage_change() {
                    reached = true;
                    break;
                }
            }
            if !reached {
                stage = replay.stage;
            }
        }
        if let Some((i, slot)) = later_entry_into_force
            && !later_replayed
        {
            // Beyond the next stage change: the earlier entry into force is
            // now the one brought in, so this one is the second.
            let since = with
                .iter()
                .find(|slot| is_entry_into_force(slot))
                .and_then(event_of)
                .map(Event::date);
            if let Some(since) = since {
                return Err(refuse_later(
                    &slot,
                    stage_before(i),
                    Rule::AlreadyInForce { since },
                ));
            }
        }
        Ok(Judgement {
            stage,
            pending: pending_at,
        })
    }

    /// The entry into force in force outside the history's `start..end`,
    /// with its position. (A scan, made only when an edit brings in an
    /// entry into force.)
    fn entry_into_force_outside(&self, start: usize, end: usize) -> Option<(usize, Slot)> {
        if self.summary.entries_into_force == 0 {
            return None;
        }
        let slots = self.in_force.slots();
        let after = || {
            slots
                .range(end..slots.len())
                .position(is_entry_into_force)
                .map(|i| end + i)
        };
        let at = slots
            .range(0..start)
            .position(is_entry_into_force)
            .or_else(after)?;
        Some((at, *slots.get(at)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::{Parties, Party, SubjectArea};
    use crate::test_support::Lcg;

    #[test]
    fn a_log_grows_by_one_entry_up_to_five_then_by_half() {
        let mut log = Vec::new();
        let mut capacities = Vec::new();
        for n in 0..16_u64 {
            reserve_one_entry(&mut log);
            capacities.push(log.capacity());
            log.push(Entry::at_micros(
                0,
                Change::Retract {
                    id: EventId::from_uuid(uuid::Uuid::from_u128(u128::from(n))),
                    reason: Box::from(""),
                },
            ));
        }
        assert_eq!(
            capacities,
            [4, 4, 4, 4, 5, 7, 7, 10, 10, 10, 15, 15, 15, 15, 15, 22]
        );
    }

    fn random_event(random: &mut Lcg, n: u128, years: u64) -> Event {
        let date = random.date(years);
        let kind = EventKind::ALL[random.below(EventKind::ALL.len() as u64) as usize];
        Event::with_id(EventId::from_uuid(uuid::Uuid::from_u128(n)), kind, date)
    }

    /// The stage a replay ends at, or the step, stage and rule it refuses.
    type Verdict = Result<Option<Stage>, (EventId, Option<Stage>, Rule)>;

    /// The history the change would leave, by the rule from scratch, and
    /// the first step the policy refuses in it.
    fn reference(
        agreement: &Agreement,
        policy: &Policy,
        change: &Change,
    ) -> (Vec<EventId>, Verdict) {
        let mut trial = agreement.clone();
        trial.log.push(Entry::new(Utc::now(), change.clone()));
        trial.rebuild();
        let ids: Vec<EventId> = trial.history().map(Event::id).collect();
        let verdict = match policy.replay(trial.history()) {
            Ok(replay) => Ok(replay.stage),
            Err(violation) => Err((violation.event.id(), violation.stage, violation.rule)),
        };
        (ids, verdict)
    }

    fn policies() -> Vec<Policy> {
        vec![
            Policy::standard(),
            Policy::strict(),
            Policy::standard()
                .to_builder()
                .name("loose")
                .allow(Stage::Deliberated, Stage::Finalised)
                .allow(Stage::MoiSigned, Stage::Deliberated)
                .allow(Stage::Finalised, Stage::Deliberated)
                .build()
                .unwrap(),
        ]
    }

    /// Every change the engine accepts or refuses, it accepts or refuses as
    /// replaying the whole resulting history would, naming the same step,
    /// stage and rule; and what it keeps equals what rebuilding from the log
    /// gives.
    #[test]
    fn the_engine_judges_as_a_full_replay_would() {
        let now: DateTime<Utc> = "2100-01-01T00:00:00Z".parse().unwrap();
        let parties = Parties::new(
            Party::state("IND", "India").unwrap(),
            Party::state("JPN", "Japan").unwrap(),
        )
        .unwrap();
        let mut random = Lcg::new(11);
        let mut accepted = 0;
        let mut refused = 0;
        for round in 0..240 {
            let policy = &policies()[round % 3];
            let years = [1, 3, 30][round % 3];
            let steps = if round % 16 == 0 { 400 } else { 30 };
            let mut n = 1u128;
            let first = loop {
                let event = random_event(&mut random, n, years);
                if event.kind().is_stage_change()
                    && policy
                        .entry_stages()
                        .contains(event.kind().stage().unwrap())
                {
                    break event;
                }
            };
            let header = Agreement::builder("Pact", parties.clone())
                .subject(SubjectArea::Trade)
                .header()
                .unwrap();
            let (mut agreement, _) = header.open(policy, now, first, true).unwrap();
            let mut ids = vec![agreement.history().next().unwrap().id()];
            for _ in 0..steps {
                n += 1;
                let change = match random.below(10) {
                    0..=6 => Change::Record(random_event(&mut random, n, years)),
                    7 | 8 => {
                        let id = ids[random.below(ids.len() as u64) as usize];
                        let event = random_event(&mut random, n, years);
                        Change::Correct(Event::with_id(id, event.kind(), event.date()))
                    }
                    _ => Change::Retract {
                        id: ids[random.below(ids.len() as u64) as usize],
                        reason: "generated".into(),
                    },
                };
                if let Change::Record(event) = &change {
                    ids.push(event.id());
                }
                let expected = reference(&agreement, policy, &change);
                let before = agreement.clone();
                match agreement.apply_change(policy, now, change.clone(), true) {
                    Ok(receipt) => {
                        accepted += 1;
                        let (history, verdict) = expected;
                        assert_eq!(
                            agreement.history().map(Event::id).collect::<Vec<_>>(),
                            history,
                            "{change:?}"
                        );
                        assert_eq!(verdict, Ok(agreement.summary.stage), "{change:?}");
                        assert_eq!(receipt.after, agreement.stage());
                        let mut rebuilt = agreement.clone();
                        rebuilt.rebuild();
                        assert_eq!(rebuilt.in_force.slots(), agreement.in_force.slots());
                        assert_eq!(rebuilt.summary, agreement.summary);
                    }
                    Err(AgreementError::Refused(refusal)) => {
                        refused += 1;
                        let (_, verdict) = expected;
                        let (id, stage, rule) =
                            verdict.expect_err("refused, but a replay accepts it");
                        assert_eq!(
                            (refusal.refused().id, refusal.stage(), refusal.rule()),
                            (id, stage, &rule),
                            "{change:?}"
                        );
                        assert_eq!(agreement, before);
                    }
                    Err(AgreementError::NoStageLeft { .. }) => {
                        assert_eq!(agreement, before);
                    }
                    Err(
                        AgreementError::UnknownEvent { .. }
                        | AgreementError::AlreadyRetracted { .. },
                    ) => {
                        assert_eq!(agreement, before);
                    }
                    Err(other) => panic!("unexpected {other}"),
                }
            }
        }
        eprintln!("{accepted} accepted, {refused} refused");
        assert!(
            accepted > 1000 && refused > 1000,
            "{accepted} accepted, {refused} refused"
        );
    }
}
