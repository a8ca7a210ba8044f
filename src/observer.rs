//! Observers: being told of every accepted stage change.

use crate::agreement::Agreement;
use crate::error::Action;
use crate::event::Event;
use crate::stage::Stage;

/// An accepted change that involved a stage change, as told to an
/// [`Observer`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct StageChange<'a> {
    /// The agreement after the change.
    pub agreement: &'a Agreement,
    /// What was done: a record, a correction or a retraction.
    pub action: Action,
    /// The event recorded, the corrected version, or the retracted event.
    pub event: &'a Event,
    /// The agreement's stage before the change (`None` when the change
    /// opened the record).
    pub before: Option<Stage>,
    /// The agreement's stage after the change. It equals `before` when a
    /// stage change was inserted into the past without changing where the
    /// agreement stands now.
    pub after: Stage,
}

/// Told of every accepted change that involves a stage-changing event: a
/// record, a correction to or from a stage change, a retraction of one, and
/// the opening of a record.
///
/// Observers are called after the change is complete, with shared
/// references: they cannot change the agreement, and since the change is
/// already applied when they run, they cannot leave it half-applied. Refused
/// changes are not observed. Pass one in a [`Context`](crate::Context).
///
/// Closures implement the trait:
///
/// ```
/// use std::sync::Mutex;
/// use bilateral::{Agreement, Context, Event, EventKind, Parties, Party, StageChange, SubjectArea};
///
/// let log = Mutex::new(Vec::new());
/// let observer = |change: &StageChange<'_>| {
///     log.lock().unwrap().push(format!("{:?} -> {}", change.before, change.after));
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
}

impl<F> Observer for F
where
    F: Fn(&StageChange<'_>) + Send + Sync,
{
    fn stage_changed(&self, change: &StageChange<'_>) {
        self(change);
    }
}
