//! Building an agreement: its header, validated, opened with a first event.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::clock::Clock;
use crate::lifecycle::Policy;
use crate::model::{
    AgreementId, Collection, Event, Field, InstrumentKind, Parties, SubjectArea, limits,
};

use super::change::Receipt;
use super::context::{Context, Kept};
use super::entry::Change;
use super::error::AgreementError;
use super::order::InForce;
use super::{Agreement, Summary};

/// Builds an [`Agreement`]; see [`Agreement::builder`].
///
/// Set the header (id, kind of instrument, subject areas) and, if you like,
/// the policy and clock the agreement keeps, then open the record with its
/// first event, which must be a stage change.
///
/// ```
/// use bilateral::{Agreement, AgreementId, Event, EventKind, FixedClock, InstrumentKind, Parties, Party, Policy, Stage, SubjectArea};
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let id: AgreementId = "0193592c-8a2e-7c4e-9a53-3f1d2b6c0001".parse()?;
/// let pact = Agreement::builder("UNICORN mast", parties)
///     .id(id)
///     .instrument(InstrumentKind::MemorandumOfImplementation)
///     .subjects([SubjectArea::CoDevelopment, SubjectArea::DefenceTechnology])
///     .policy(Policy::strict())
///     .clock(FixedClock::new("2024-11-20T00:00:00Z".parse()?))
///     .build(Event::new(EventKind::Proposed, "2024-11-15".parse()?))?;
/// assert_eq!((pact.id(), pact.stage(), pact.subjects().len()), (id, Stage::Proposed, 2));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct AgreementBuilder {
    id: Option<AgreementId>,
    title: String,
    instrument: InstrumentKind,
    parties: Parties,
    subjects: Areas,
    kept: Option<Arc<Kept>>,
}

impl AgreementBuilder {
    pub(crate) fn new(title: String, parties: Parties) -> Self {
        AgreementBuilder {
            id: None,
            title,
            instrument: InstrumentKind::default(),
            parties,
            subjects: Areas::default(),
            kept: None,
        }
    }

    /// Sets the policy [`build`](Self::build) judges the first event under,
    /// and the agreement keeps for its plain methods (by default the
    /// standard policy); see [`Agreement::with_policy`].
    pub fn policy(mut self, policy: Policy) -> Self {
        self.kept = Kept::with_policy(self.kept.as_ref(), policy);
        self
    }

    /// Sets the clock [`build`](Self::build) reads "today" from, and the
    /// agreement keeps for its plain methods (by default the system clock);
    /// see [`Agreement::with_clock`].
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, FixedClock, Parties, Party};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let builder = Agreement::builder("Pact", parties).clock(FixedClock::new("2020-01-01T00:00:00Z".parse()?));
    /// // A proposal dated after the clock's today is refused.
    /// assert!(builder.clone().build(Event::new(EventKind::Proposed, "2021".parse()?)).is_err());
    /// assert!(builder.build(Event::new(EventKind::Proposed, "2019".parse()?)).is_ok());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.kept = Kept::with_clock(self.kept.as_ref(), Arc::new(clock));
        self
    }

    /// Sets the id (by default a fresh UUID v7 is made by `build`).
    pub fn id(mut self, id: AgreementId) -> Self {
        self.id = Some(id);
        self
    }

    /// Sets the kind of instrument (by default [`InstrumentKind::Agreement`]).
    pub fn instrument(mut self, instrument: InstrumentKind) -> Self {
        self.instrument = instrument;
        self
    }

    /// Adds a subject area.
    pub fn subject(mut self, area: SubjectArea) -> Self {
        self.subjects.adding().push(area);
        self
    }

    /// Adds subject areas.
    pub fn subjects(mut self, areas: impl IntoIterator<Item = SubjectArea>) -> Self {
        self.subjects.adding().extend(areas);
        self
    }

    /// Adds the subject areas of a list shared with other agreements. When
    /// they are the builder's only areas, in order and without repeats (as
    /// [`Agreement::subjects`] gives them), the agreement holds that list
    /// itself rather than a copy: an import building a million agreements
    /// on a few lists makes a few lists, and a tracker taking the
    /// agreements in finds them already shared. Otherwise as
    /// [`subjects`](Self::subjects).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let areas: Arc<[SubjectArea]> = Arc::from([SubjectArea::Logistics, SubjectArea::Trade]);
    /// let proposed = Event::new(EventKind::Proposed, "2024".parse()?);
    /// let first = Agreement::builder("First", parties.clone()).subject_list(Arc::clone(&areas)).build(proposed.clone())?;
    /// let second = Agreement::builder("Second", parties).subject_list(Arc::clone(&areas)).build(proposed)?;
    /// assert_eq!(first.subjects(), [SubjectArea::Logistics, SubjectArea::Trade]);
    /// assert!(std::ptr::eq(first.subjects(), second.subjects()));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn subject_list(mut self, areas: Arc<[SubjectArea]>) -> Self {
        self.subjects.share(areas);
        self
    }

    /// Creates the agreement with its first event, under the policy and
    /// clock set on the builder ([`policy`](Self::policy),
    /// [`clock`](Self::clock); by default the standard policy and the
    /// system clock), which the agreement keeps.
    ///
    /// # Errors
    ///
    /// - [`AgreementError::Value`] for a blank or overlong title, or more
    ///   than [`MAX_SUBJECTS`](crate::limits::MAX_SUBJECTS) subject areas;
    /// - [`AgreementError::NotAStageChange`] when `first` is informational:
    ///   an agreement opens with a stage change, so it always has a stage;
    /// - [`AgreementError::FutureDate`] when `first` is dated after today.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Parties, Party, SubjectArea};
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let builder = Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics);
    /// let pact = builder.clone().build(Event::new(EventKind::Proposed, "2024".parse()?))?;
    /// assert!(builder.build(Event::new(EventKind::Meeting, "2024".parse()?)).is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn build(self, first: Event) -> Result<Agreement, AgreementError> {
        let kept = self.kept.clone();
        self.build_with(&Kept::context(kept.as_deref()), first)
    }

    /// Creates the agreement with its first event, under the policy (which
    /// decides the stages a record may open at) and clock of `context`.
    /// The agreement keeps what the builder sets
    /// ([`policy`](Self::policy), [`clock`](Self::clock)), not the
    /// context's.
    ///
    /// # Errors
    ///
    /// As [`AgreementBuilder::build`], and [`AgreementError::Refused`] when
    /// the policy does not let a record open at the first event's stage, or
    /// one of its guards refuses it.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Context, Event, EventKind, Parties, Party, Policy, SubjectArea};
    /// let strict = Policy::strict();
    /// let context = Context::standard().with_policy(&strict);
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let builder = Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics);
    /// assert!(builder.clone().build_with(&context, Event::new(EventKind::Finalised, "2024".parse()?)).is_err());
    /// builder.build_with(&context, Event::new(EventKind::Proposed, "2024".parse()?))?;
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn build_with(
        self,
        context: &Context<'_>,
        first: Event,
    ) -> Result<Agreement, AgreementError> {
        let now = context.clock().now();
        let tried = context.observer().map(|_| Change::Record(first.clone()));
        let kept = self.kept.clone();
        match self
            .header()
            .and_then(|header| header.open(context.policy(), now, first, true))
        {
            Ok((mut agreement, receipt)) => {
                agreement.keep(kept);
                context.notify(&agreement, &receipt);
                Ok(agreement)
            }
            Err(error) => {
                if let Some(tried) = &tried {
                    context.notify_refused(None, tried, &error);
                }
                Err(error)
            }
        }
    }

    /// The header, validated.
    pub(crate) fn header(self) -> Result<Header, AgreementError> {
        Header::new(
            self.id.unwrap_or_else(AgreementId::new),
            self.title,
            self.instrument,
            self.parties,
            self.subjects,
        )
    }
}

/// The subject areas given to a builder: listed one by one, or a list
/// shared with other agreements (kept as it is while nothing is added).
#[derive(Debug, Clone, Default)]
pub(crate) struct Areas {
    listed: Vec<SubjectArea>,
    shared: Option<Arc<[SubjectArea]>>,
}

impl Areas {
    /// Areas listed one by one.
    pub(crate) fn listed(listed: Vec<SubjectArea>) -> Self {
        Areas {
            listed,
            shared: None,
        }
    }

    /// The areas as a list to add to (a shared list copied into it first).
    fn adding(&mut self) -> &mut Vec<SubjectArea> {
        if let Some(shared) = self.shared.take() {
            self.listed.extend(shared.iter().cloned());
        }
        &mut self.listed
    }

    /// Adds a shared list: kept as it is when it is the only one.
    fn share(&mut self, list: Arc<[SubjectArea]>) {
        if self.listed.is_empty() && self.shared.is_none() {
            self.shared = Some(list);
        } else {
            self.adding().extend(list.iter().cloned());
        }
    }
}

/// The header fields of an agreement, validated.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    id: AgreementId,
    title: Box<str>,
    instrument: InstrumentKind,
    parties: Parties,
    subjects: Arc<[SubjectArea]>,
}

/// A list of subject areas as an agreement holds it: within the limit,
/// in order, without repeats. An empty list is the standard library's
/// shared one: no allocation for the many records that name no area.
fn sorted(mut areas: Areas) -> Result<Arc<[SubjectArea]>, AgreementError> {
    let subjects = areas.adding();
    limits::at_most(Collection::Subjects, subjects.len(), limits::MAX_SUBJECTS)?;
    subjects.sort_unstable();
    subjects.dedup();
    Ok(if subjects.is_empty() {
        Arc::default()
    } else {
        Arc::from(std::mem::take(subjects))
    })
}

impl Header {
    pub(crate) fn new(
        id: AgreementId,
        title: String,
        instrument: InstrumentKind,
        parties: Parties,
        subjects: Areas,
    ) -> Result<Self, AgreementError> {
        let title = crate::model::text::required(title, Field::Title, limits::MAX_TITLE)?;
        let subjects = match subjects {
            Areas {
                shared: Some(shared),
                listed,
            } if listed.is_empty()
                && shared.len() <= limits::MAX_SUBJECTS
                && shared.is_sorted_by(|a, b| a < b) =>
            {
                shared
            }
            areas => sorted(areas)?,
        };
        Ok(Header {
            id,
            title: title.into_boxed_str(),
            instrument,
            parties,
            subjects,
        })
    }

    /// The title, for errors about the agreement before it exists.
    pub(crate) fn title(&self) -> &str {
        &self.title
    }

    /// The agreement opened with `first` at `now` under `policy` (its
    /// guards too, when `guards`).
    #[inline(always)]
    pub(crate) fn open(
        self,
        policy: &Policy,
        now: DateTime<Utc>,
        first: Event,
        guards: bool,
    ) -> Result<(Agreement, Receipt), AgreementError> {
        if !first.kind().is_stage_change() {
            return Err(AgreementError::NotAStageChange {
                title: self.title.into(),
                kind: first.kind(),
                date: first.date(),
            });
        }
        let mut agreement = Agreement {
            id: self.id,
            title: self.title,
            instrument: self.instrument,
            parties: self.parties,
            subjects: self.subjects,
            log: Vec::new(),
            in_force: InForce::default(),
            summary: Summary::default(),
            ids: None::<Box<HashMap<_, _>>>,
            policy: policy.shared_stamp().clone(),
            kept: None,
        };
        let receipt = agreement.apply_change(policy, now, Change::Record(first), guards)?;
        Ok((agreement, receipt))
    }
}
