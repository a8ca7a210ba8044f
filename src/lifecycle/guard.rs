//! Guards: checks that can veto a stage change, built in or your own.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use crate::model::{AgreementId, Event, InstrumentKind, Parties, Precision, Stage, SubjectArea};

use super::error::PolicyError;

/// A check that may veto a stage change, attached to a [`Policy`](crate::Policy)
/// with a [`Trigger`](crate::Trigger).
///
/// A guard sees the change being made (the [`Proposal`]: the agreement as
/// it is, the event, the stage before and after) and either lets it through
/// or returns a [`Veto`] with a reason. Guards judge the change being made,
/// not the history already accepted: they run for the event being recorded
/// or corrected, at its place in the history.
///
/// A guard has a name, which is how it appears in serialised policies,
/// diagrams and refusals: a refusal ends `under policy "think-tank" guard
/// "cites-source" refused it: <reason>`. Names are lower-case ASCII
/// letters, digits and `-`.
///
/// Implement the trait for your own type, or wrap a closure with
/// [`guard_fn`]; attach it with
/// [`PolicyBuilder::guard`](crate::lifecycle::PolicyBuilder::guard), and register it in
/// a [`Guards`] registry to load policies that name it from data.
///
/// ```
/// use bilateral::{Guard, Proposal, SubjectArea, Veto};
///
/// /// Only logistics agreements may skip the MoI.
/// #[derive(Debug)]
/// struct LogisticsOnly;
///
/// impl Guard for LogisticsOnly {
///     fn name(&self) -> &str {
///         "logistics-only"
///     }
///
///     fn check(&self, proposal: &Proposal<'_>) -> Result<(), Veto> {
///         if proposal.covers(&SubjectArea::Logistics) {
///             Ok(())
///         } else {
///             Err(Veto::new("only logistics agreements may skip the MoI"))
///         }
///     }
/// }
/// ```
pub trait Guard: Send + Sync + fmt::Debug {
    /// The guard's name, unique in a policy and a registry.
    fn name(&self) -> &str;

    /// Lets the change through, or vetoes it with a reason.
    ///
    /// # Errors
    ///
    /// A [`Veto`] with the reason the change is refused.
    fn check(&self, proposal: &Proposal<'_>) -> Result<(), Veto>;
}

/// The stage change a [`Guard`] is asked about: the agreement as it is
/// before the change (header and history, read-only), the event, and the
/// stages before and after it.
///
/// To unit-test a guard, make a proposal with
/// [`Agreement::proposal`](crate::Agreement::proposal).
#[derive(Clone, Copy)]
pub struct Proposal<'a> {
    agreement: &'a dyn View,
    event: &'a Event,
    from: Option<Stage>,
    to: Stage,
}

/// What a guard may read of an agreement: implemented by the agreement
/// layer, so that this layer needs nothing above it.
pub(crate) trait View {
    fn id(&self) -> AgreementId;
    fn title(&self) -> &str;
    fn parties(&self) -> &Parties;
    fn subjects(&self) -> &[SubjectArea];
    fn instrument(&self) -> InstrumentKind;
    /// The events in force, in history order; empty while the record is
    /// being opened.
    fn events(&self) -> Box<dyn DoubleEndedIterator<Item = &Event> + '_>;
}

impl<'a> Proposal<'a> {
    /// The proposal of `event` moving `agreement` from `from` (`None`: the
    /// record opens with it) to `to`.
    pub(crate) fn new(
        agreement: &'a dyn View,
        event: &'a Event,
        from: Option<Stage>,
        to: Stage,
    ) -> Self {
        Proposal {
            agreement,
            event,
            from,
            to,
        }
    }

    /// The agreement's id.
    pub fn agreement_id(&self) -> AgreementId {
        self.agreement.id()
    }

    /// The agreement's title.
    pub fn title(&self) -> &'a str {
        self.agreement.title()
    }

    /// The agreement's parties.
    pub fn parties(&self) -> &'a Parties {
        self.agreement.parties()
    }

    /// The agreement's subject areas, sorted.
    pub fn subjects(&self) -> &'a [SubjectArea] {
        self.agreement.subjects()
    }

    /// Whether the agreement covers `area`.
    pub fn covers(&self, area: &SubjectArea) -> bool {
        self.subjects().binary_search(area).is_ok()
    }

    /// The agreement's kind of instrument.
    pub fn instrument(&self) -> InstrumentKind {
        self.agreement.instrument()
    }

    /// The events in force before the change, in history order; empty when
    /// the change opens the record.
    pub fn history(&self) -> impl DoubleEndedIterator<Item = &'a Event> + 'a {
        self.agreement.events()
    }

    /// The event being recorded, or the corrected version of an event.
    pub const fn event(&self) -> &'a Event {
        self.event
    }

    /// The stage just before the event at its place in the history; `None`
    /// when no stage is recorded before it.
    pub const fn from(&self) -> Option<Stage> {
        self.from
    }

    /// The stage the event moves to.
    pub const fn to(&self) -> Stage {
        self.to
    }
}

impl fmt::Debug for Proposal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proposal")
            .field("agreement", &self.agreement.id())
            .field("title", &self.title())
            .field("event", &self.event)
            .field("from", &self.from)
            .field("to", &self.to)
            .finish()
    }
}

/// A guard's refusal, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Veto {
    reason: String,
}

impl Veto {
    /// A veto with this reason (lower case, no trailing period, like every
    /// error message of this crate).
    pub fn new(reason: impl Into<String>) -> Self {
        Veto {
            reason: reason.into(),
        }
    }

    /// The reason.
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for Veto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

/// A [`Guard`] made from a name and a closure; see [`guard_fn`].
pub struct FnGuard<F> {
    name: String,
    check: F,
}

impl<F> fmt::Debug for FnGuard<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnGuard").field("name", &self.name).finish()
    }
}

impl<F> Guard for FnGuard<F>
where
    F: Fn(&Proposal<'_>) -> Result<(), Veto> + Send + Sync,
{
    fn name(&self) -> &str {
        &self.name
    }

    fn check(&self, proposal: &Proposal<'_>) -> Result<(), Veto> {
        (self.check)(proposal)
    }
}

/// A guard from a name and a closure.
///
/// ```
/// use bilateral::{Veto};
/// use bilateral::lifecycle::{guard_fn};
/// let needs_summary = guard_fn("needs-summary", |proposal| {
///     if proposal.event().summary().is_empty() {
///         Err(Veto::new("a stage change needs a summary"))
///     } else {
///         Ok(())
///     }
/// });
/// # use bilateral::Guard;
/// assert_eq!(needs_summary.name(), "needs-summary");
/// ```
pub fn guard_fn<F>(name: impl Into<String>, check: F) -> FnGuard<F>
where
    F: Fn(&Proposal<'_>) -> Result<(), Veto> + Send + Sync,
{
    FnGuard {
        name: name.into(),
        check,
    }
}

/// Built-in guard `both-parties-represented`: the event must have among its
/// participants at least one representative of each party.
///
/// Meant for finalisation: a signature needs both signatories.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BothPartiesRepresented;

impl Guard for BothPartiesRepresented {
    fn name(&self) -> &str {
        "both-parties-represented"
    }

    fn check(&self, proposal: &Proposal<'_>) -> Result<(), Veto> {
        let missing: Vec<String> = proposal
            .parties()
            .iter()
            .filter(|party| {
                !proposal
                    .event()
                    .participants()
                    .iter()
                    .any(|person| person.party() == party.code())
            })
            .map(|party| party.code().to_string())
            .collect();
        match missing.as_slice() {
            [] => Ok(()),
            [one] => Err(Veto::new(format!(
                "a representative of each party must take part, and {one} has none among the participants"
            ))),
            _ => Err(Veto::new(format!(
                "a representative of each party must take part, and neither {} has one among the participants",
                missing.join(" nor ")
            ))),
        }
    }
}

/// Built-in guard `cites-source`: the event must cite at least one source.
///
/// For trackers that publish: no stage change without a reference.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CitesSource;

impl Guard for CitesSource {
    fn name(&self) -> &str {
        "cites-source"
    }

    fn check(&self, proposal: &Proposal<'_>) -> Result<(), Veto> {
        if proposal.event().sources().is_empty() {
            Err(Veto::new(
                "it cites no source, and every such change must cite one",
            ))
        } else {
            Ok(())
        }
    }
}

/// Built-in guard `exact-date`: the event must be dated to the day, and not
/// marked uncertain or approximate.
///
/// Treaty registers record signatures and entries into force to the day;
/// a tracker that feeds one can refuse a stage change known only to the
/// month or the year, or whose date is qualified (`?`, `~`, `%`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExactDate;

impl Guard for ExactDate {
    fn name(&self) -> &str {
        "exact-date"
    }

    fn check(&self, proposal: &Proposal<'_>) -> Result<(), Veto> {
        let date = proposal.event().date();
        if date.precision() != Precision::Day || date.is_qualified() {
            Err(Veto::new(format!(
                "its date {date} is not an exact day, and such a change must be dated to the day"
            )))
        } else {
            Ok(())
        }
    }
}

/// Guards by name, to load policies that name them from data.
///
/// [`Guards::builtin`] holds the built-in guards; [`Guards::register`] adds
/// your own.
///
/// ```
/// use bilateral::{Veto};
/// use bilateral::document::{PolicyDocument};
/// use bilateral::lifecycle::{guard_fn, Guards};
/// let mut guards = Guards::builtin();
/// guards.register(guard_fn("never", |_| Err(Veto::new("closed for the summer"))))?;
/// assert!(guards.get("never").is_some());
/// assert!(guards.get("cites-source").is_some());
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Guards {
    by_name: BTreeMap<String, Arc<dyn Guard>>,
}

impl Guards {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// The built-in guards: `both-parties-represented`, `cites-source` and
    /// `exact-date`.
    pub fn builtin() -> Self {
        let mut guards = Self::new();
        for guard in [
            Arc::new(BothPartiesRepresented) as Arc<dyn Guard>,
            Arc::new(CitesSource),
            Arc::new(ExactDate),
        ] {
            guards.by_name.insert(guard.name().to_owned(), guard);
        }
        guards
    }

    /// Adds a guard.
    ///
    /// # Errors
    ///
    /// [`PolicyError::GuardName`] when the name is not lower-case ASCII letters,
    /// digits and `-`, or another guard already has it.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::lifecycle::{guard_fn, Guards};
    /// let mut guards = Guards::new();
    /// guards.register(guard_fn("always", |_| Ok(())))?;
    /// assert!(guards.register(guard_fn("always", |_| Ok(()))).is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn register(&mut self, guard: impl Guard + 'static) -> Result<(), PolicyError> {
        self.register_arc(Arc::new(guard))
    }

    /// Adds a shared guard; as [`Guards::register`].
    ///
    /// # Errors
    ///
    /// As [`Guards::register`].
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use bilateral::lifecycle::{CitesSource, Guards};
    /// let mut guards = Guards::new();
    /// guards.register_arc(Arc::new(CitesSource))?;
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn register_arc(&mut self, guard: Arc<dyn Guard>) -> Result<(), PolicyError> {
        let name = guard.name().to_owned();
        check_name(&name)?;
        if self.by_name.contains_key(&name) {
            return Err(PolicyError::GuardName {
                name,
                rule: "another guard is registered under that name",
            });
        }
        self.by_name.insert(name, guard);
        Ok(())
    }

    /// The guard with this name.
    pub fn get(&self, name: &str) -> Option<Arc<dyn Guard>> {
        self.by_name.get(name).cloned()
    }

    /// The registered names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.by_name.keys().map(String::as_str)
    }
}

impl fmt::Debug for Guards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.by_name.keys()).finish()
    }
}

/// Checks a guard name: lower-case ASCII letters, digits and `-`, 1 to 64
/// characters.
pub(crate) fn check_name(name: &str) -> Result<(), PolicyError> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(PolicyError::GuardName {
            name: name.to_owned(),
            rule: "a guard name holds 1 to 64 lower-case ASCII letters, digits and '-'",
        })
    }
}
