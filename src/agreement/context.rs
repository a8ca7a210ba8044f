//! What a change is made under: a policy, a clock and an observer.

use std::fmt;
use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::lifecycle::{Policy, STANDARD};
use crate::model::Event;

use super::Agreement;
use super::change::Receipt;
use super::entry::Change;
use super::error::AgreementError;

static STANDARD_POLICY: Policy = STANDARD;
static SYSTEM_CLOCK: SystemClock = SystemClock;

/// What a change to an agreement is checked against and stamped with: a
/// [`Policy`] and a [`Clock`], and optionally an [`Observer`] told of every
/// accepted stage change.
///
/// The plain methods ([`Agreement::record`](crate::Agreement::record) and
/// friends) use the context the agreement keeps
/// ([`Agreement::context`](crate::Agreement::context)): the policy and
/// clock given to its builder or to
/// [`Agreement::with_policy`](crate::Agreement::with_policy) and
/// [`with_clock`](crate::Agreement::with_clock), by default
/// [`Context::standard`], the standard policy and the system clock. The
/// `_with` methods take a context for one call, with an observer if you
/// like.
///
/// ```
/// use bilateral::{Context, FixedClock, Policy};
/// let policy = Policy::standard();
/// let clock = FixedClock::new("2024-11-23T00:00:00Z".parse()?);
/// let context = Context::new(&policy, &clock);
/// assert_eq!(context.policy().name(), "standard");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct Context<'a> {
    policy: &'a Policy,
    clock: &'a dyn Clock,
    observer: Option<&'a dyn Observer>,
}

impl Context<'static> {
    /// The standard policy and the system clock.
    pub fn standard() -> Self {
        Context {
            policy: &STANDARD_POLICY,
            clock: &SYSTEM_CLOCK,
            observer: None,
        }
    }
}

impl<'a> Context<'a> {
    /// A context of your own.
    pub fn new(policy: &'a Policy, clock: &'a dyn Clock) -> Self {
        Context {
            policy,
            clock,
            observer: None,
        }
    }

    /// The same context with another policy.
    #[must_use]
    pub fn with_policy<'b>(self, policy: &'b Policy) -> Context<'b>
    where
        'a: 'b,
    {
        Context {
            policy,
            clock: self.clock,
            observer: self.observer,
        }
    }

    /// The same context with another clock.
    #[must_use]
    pub fn with_clock<'b>(self, clock: &'b dyn Clock) -> Context<'b>
    where
        'a: 'b,
    {
        Context {
            policy: self.policy,
            clock,
            observer: self.observer,
        }
    }

    /// The same context with an observer, told of every accepted stage
    /// change made under it.
    #[must_use]
    pub fn with_observer<'b>(self, observer: &'b dyn Observer) -> Context<'b>
    where
        'a: 'b,
    {
        Context {
            policy: self.policy,
            clock: self.clock,
            observer: Some(observer),
        }
    }

    /// The observer, if any.
    pub const fn observer(&self) -> Option<&'a dyn Observer> {
        self.observer
    }

    /// The policy.
    pub const fn policy(&self) -> &'a Policy {
        self.policy
    }

    /// The clock.
    pub const fn clock(&self) -> &'a dyn Clock {
        self.clock
    }

    /// Tells the observer, if any, of an accepted change that involves a
    /// stage change: the record or correction of one, or its retraction.
    pub(crate) fn notify(&self, agreement: &Agreement, receipt: &Receipt) {
        if let Some(observer) = self.observer {
            notify(observer, agreement, receipt);
        }
    }

    /// Tells the observer, if any, of a refused change.
    pub(crate) fn notify_refused(
        &self,
        agreement: Option<&Agreement>,
        change: &Change,
        error: &AgreementError,
    ) {
        if let Some(observer) = self.observer {
            observer.change_refused(&RefusedChange {
                agreement,
                change,
                error,
            });
        }
    }
}

/// Tells `observer` of `receipt` if the change involves a stage change.
pub(crate) fn notify(observer: &dyn Observer, agreement: &Agreement, receipt: &Receipt) {
    let involves_stage = [receipt.arrived, receipt.left]
        .iter()
        .flatten()
        .any(|placed| placed.kind.is_stage_change());
    // The event the entry is about: the version recorded or corrected, or
    // the version that was in force when retracted.
    let event = receipt
        .arrived
        .or(receipt.left)
        .and_then(|placed| agreement.entries().get(placed.entry))
        .and_then(|entry| entry.event());
    if let (true, Some(event)) = (involves_stage, event) {
        observer.stage_changed(&StageChange {
            agreement,
            event,
            receipt,
        });
    }
}

/// The policy and clock an agreement keeps for its plain methods (each
/// `None` for the standard policy, the system clock).
#[derive(Clone, Default)]
pub(crate) struct Kept {
    pub(crate) policy: Option<Policy>,
    pub(crate) clock: Option<Arc<dyn Clock>>,
}

impl Kept {
    /// The context of these, or of the defaults.
    pub(crate) fn context(kept: Option<&Kept>) -> Context<'_> {
        let Some(kept) = kept else {
            return Context::standard();
        };
        Context {
            policy: kept.policy.as_ref().unwrap_or(&STANDARD_POLICY),
            clock: match &kept.clock {
                Some(clock) => &**clock,
                None => &SYSTEM_CLOCK,
            },
            observer: None,
        }
    }

    /// `kept` with another policy: none kept when both are the defaults.
    pub(crate) fn with_policy(kept: Option<&Arc<Kept>>, policy: Policy) -> Option<Arc<Kept>> {
        let clock = kept.and_then(|kept| kept.clock.clone());
        let policy = (policy != STANDARD_POLICY).then_some(policy);
        Kept::of(policy, clock)
    }

    /// `kept` with another clock.
    pub(crate) fn with_clock(kept: Option<&Arc<Kept>>, clock: Arc<dyn Clock>) -> Option<Arc<Kept>> {
        let policy = kept.and_then(|kept| kept.policy.clone());
        Kept::of(policy, Some(clock))
    }

    fn of(policy: Option<Policy>, clock: Option<Arc<dyn Clock>>) -> Option<Arc<Kept>> {
        (policy.is_some() || clock.is_some()).then(|| Arc::new(Kept { policy, clock }))
    }
}

impl fmt::Debug for Kept {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Kept")
            .field("policy", &self.policy.as_ref().map(Policy::name))
            .field("clock", &self.clock.as_ref().map(|clock| clock.now()))
            .finish()
    }
}

impl Default for Context<'static> {
    fn default() -> Self {
        Self::standard()
    }
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("policy", &self.policy.name())
            .field("now", &self.clock.now())
            .field("observer", &self.observer.is_some())
            .finish()
    }
}

/// An accepted change that involved a stage change, as told to an
/// [`Observer`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct StageChange<'a> {
    /// The agreement after the change.
    pub agreement: &'a Agreement,
    /// The event recorded, the corrected version, or the retracted event.
    pub event: &'a Event,
    /// What the change did: the action, the stage before and after (equal
    /// when a stage change was inserted into the past without changing
    /// where the agreement stands now), what entered and left the history.
    pub receipt: &'a Receipt,
}

/// A change refused, as told to an [`Observer`]: what was tried, on what,
/// and why it was refused.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RefusedChange<'a> {
    /// The agreement, unchanged by the attempt; `None` when the change
    /// would have opened it (its first event was refused).
    pub agreement: Option<&'a Agreement>,
    /// The change tried (an opening is the record of its first event).
    pub change: &'a Change,
    /// Why it was refused.
    pub error: &'a AgreementError,
}

/// Told of every accepted change that involves a stage-changing event: a
/// record, a correction to or from a stage change, a retraction of one, and
/// the opening of a record; and, if it implements
/// [`change_refused`](Observer::change_refused), of every change refused.
///
/// Observers are called after the change is complete (in a tracker, after
/// its versions and indexes too), with shared references: they cannot
/// change the agreement, and since the change is already applied (or
/// refused) when they run, not even a panicking observer can leave it
/// half-applied. Pass one in a [`Context`](crate::Context), or to
/// [`Tracker::observe`](crate::Tracker::observe).
///
/// Closures implement the trait:
///
/// ```
/// use std::sync::Mutex;
/// use bilateral::{Agreement, Context, Event, EventKind, Parties, Party, StageChange, SubjectArea};
///
/// let log = Mutex::new(Vec::new());
/// let observer = |change: &StageChange<'_>| {
///     log.lock().unwrap().push(format!("{:?} -> {}", change.receipt.before, change.receipt.after));
/// };
/// let context = Context::standard().with_observer(&observer);
///
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let mut pact = Agreement::builder("Pact", parties)
///     .subject(SubjectArea::Trade)
///     .build_with(&context, Event::new(EventKind::Proposed, "2024-01".parse()?))?;
/// pact.record_with(&context, Event::new(EventKind::Deliberated, "2024-02".parse()?))?;
/// pact.record_with(&context, Event::new(EventKind::Meeting, "2024-03".parse()?))?; // no stage change
/// assert!(pact.record_with(&context, Event::new(EventKind::Finalised, "2024-04".parse()?)).is_err());
///
/// assert_eq!(*log.lock().unwrap(), ["None -> proposed", "Some(Proposed) -> deliberated"]);
/// # Ok::<(), bilateral::Error>(())
/// ```
pub trait Observer: Send + Sync {
    /// Called once for each accepted change that involves a stage change.
    fn stage_changed(&self, change: &StageChange<'_>);

    /// Called once for each change refused (by the policy, a guard, a
    /// limit or a rule of the record), with the error the caller gets: an
    /// audit of who tried what. Does nothing unless implemented.
    ///
    /// A tracker tells its observers of the changes its agreements refuse;
    /// what only the tracker refuses (a stale version, an unknown or
    /// duplicate id) is the caller's mistake and is only returned.
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use bilateral::{Agreement, Event, EventKind, Observer, Parties, Party, RefusedChange, StageChange, Tracker};
    ///
    /// #[derive(Default)]
    /// struct Audit(Mutex<Vec<String>>);
    ///
    /// impl Observer for Audit {
    ///     fn stage_changed(&self, change: &StageChange<'_>) {
    ///         self.0.lock().unwrap().push(format!("accepted {}", change.event.kind()));
    ///     }
    ///     fn change_refused(&self, refused: &RefusedChange<'_>) {
    ///         self.0.lock().unwrap().push(format!("refused: {}", refused.error));
    ///     }
    /// }
    ///
    /// let audit = std::sync::Arc::new(Audit::default());
    /// let mut tracker = Tracker::new();
    /// tracker.observe_shared(audit.clone());
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let id = tracker.create(Agreement::builder("Pact", parties), Event::new(EventKind::Proposed, "2024-01".parse()?))?;
    /// assert!(tracker.record(id, Event::new(EventKind::Finalised, "2024-02".parse()?)).is_err());
    /// let log = audit.0.lock().unwrap();
    /// assert_eq!(log[0], "accepted proposed");
    /// assert!(log[1].contains("finalisation can only follow"), "{}", log[1]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn change_refused(&self, refused: &RefusedChange<'_>) {
        let _ = refused;
    }
}

impl<F> Observer for F
where
    F: Fn(&StageChange<'_>) + Send + Sync,
{
    fn stage_changed(&self, change: &StageChange<'_>) {
        self(change);
    }
}
