//! Refusals: a change refused by a lifecycle rule or a guard, with
//! everything needed to say why.

use std::fmt;

use crate::model::{AgreementId, Event, EventDate, EventId, EventKind, Stage};

use super::rule::{Action, Rule};
use super::stamp::Stamp;

/// One event of a history, as named in a [`Refusal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Step {
    /// The event's id.
    pub id: EventId,
    /// What it is.
    pub kind: EventKind,
    /// Its date.
    pub date: EventDate,
}

impl Step {
    fn of(event: &Event) -> Self {
        Step {
            id: event.id(),
            kind: event.kind(),
            date: event.date(),
        }
    }
}

/// A change refused by a lifecycle rule, with everything needed to say why.
///
/// It names the agreement, the event being recorded, the step of the history
/// that broke a rule (the event itself, or an existing event that would no
/// longer fit once the new one is placed before it), the stage the agreement
/// was in at that step, the stage changes on either side of it, and the
/// [`Rule`]. Its message names every event and date it weighs: "the
/// \"finalised\" of 2002-06-28 would then come after the \"terminated\" of
/// 2001-01-01", "it would come before the \"finalised\" of 2002-06-28, the
/// first recorded stage".
///
/// ```
/// use bilateral::{Agreement, Event, EventKind, Parties, Party, Rule, Stage, SubjectArea};
///
/// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
/// let mut rpss = Agreement::builder("Reciprocal Provision of Supplies and Services", parties)
///     .subject(SubjectArea::Logistics)
///     .build(Event::new(EventKind::Proposed, "2024-06".parse()?))?;
///
/// let err = rpss.record(Event::new(EventKind::MoiSigned, "2024-11-20".parse()?)).unwrap_err();
/// let refusal = err.refusal().unwrap();
/// assert_eq!(refusal.stage(), Some(Stage::Proposed));
/// assert!(matches!(refusal.rule(), Rule::Transition { to: Stage::MoiSigned, .. }));
/// assert_eq!(refusal.before().map(|step| step.kind), Some(EventKind::Proposed));
/// assert!(err.to_string().ends_with("it is proposed since 2024-06, and under policy \"standard\" an MoI can only follow deliberation"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    agreement: AgreementId,
    title: String,
    action: Action,
    attempted: Option<Step>,
    refused: Step,
    stage: Option<Stage>,
    before: Option<Step>,
    next: Option<Step>,
    last: bool,
    /// Shared with the policy: a refusal copies no name.
    policy: Stamp,
    rule: Rule,
}

/// The change being judged, for [`Refusal::new`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Judged<'a> {
    pub(crate) agreement: AgreementId,
    pub(crate) title: &'a str,
    pub(crate) action: Action,
    /// The event recorded, corrected or retracted; `None` when a whole
    /// history is checked.
    pub(crate) attempted: Option<&'a Event>,
    pub(crate) policy: &'a Stamp,
}

impl Refusal {
    /// The refusal of `judged` because `refused`, which came when the
    /// agreement was at `stage`, broke `rule`; `last` when `refused` is the
    /// last event of the history.
    pub(crate) fn new(
        judged: Judged<'_>,
        refused: &Event,
        stage: Option<Stage>,
        last: bool,
        rule: Rule,
    ) -> Self {
        Refusal {
            agreement: judged.agreement,
            title: judged.title.to_owned(),
            action: judged.action,
            attempted: judged.attempted.map(Step::of),
            refused: Step::of(refused),
            stage,
            before: None,
            next: None,
            last,
            policy: judged.policy.clone(),
            rule,
        }
    }

    /// The same refusal, naming the stage changes just before and just
    /// after the refused step in the history it was judged in.
    pub(crate) fn around(mut self, before: Option<&Event>, next: Option<&Event>) -> Self {
        self.before = before.map(Step::of);
        self.next = next.map(Step::of);
        self
    }

    /// The agreement's id.
    pub const fn agreement(&self) -> AgreementId {
        self.agreement
    }

    /// The agreement's title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// What the refused call was trying to do.
    pub const fn action(&self) -> Action {
        self.action
    }

    /// The event whose recording, correction (in its corrected form) or
    /// retraction was refused; `None` when a whole history was being checked
    /// (loading a document).
    pub const fn attempted(&self) -> Option<Step> {
        self.attempted
    }

    /// The step of the history that broke the rule. It is the attempted
    /// event itself unless placing that event made a later one invalid.
    pub const fn refused(&self) -> Step {
        self.refused
    }

    /// The stage the agreement was in just before the refused step, or `None`
    /// when no stage was recorded before it.
    pub const fn stage(&self) -> Option<Stage> {
        self.stage
    }

    /// The stage change just before the refused step, whose stage
    /// [`stage`](Self::stage) is; `None` when no stage was recorded before it.
    pub const fn before(&self) -> Option<Step> {
        self.before
    }

    /// The first stage change after the refused step, if any.
    pub const fn next(&self) -> Option<Step> {
        self.next
    }

    /// The name of the policy whose rule or guard refused it.
    pub fn policy(&self) -> &str {
        self.policy.get().name()
    }

    /// The rule that refused it.
    pub const fn rule(&self) -> &Rule {
        &self.rule
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let refused = self.refused;
        let conflict = match self.attempted {
            Some(attempted) => {
                write!(
                    f,
                    "cannot {} \"{}\" on {} for agreement {:?} ({}): ",
                    self.action, attempted.kind, attempted.date, self.title, self.agreement
                )?;
                if attempted.id == refused.id && self.action != Action::Retract {
                    false
                } else {
                    write!(
                        f,
                        "the \"{}\" of {} would then come ",
                        refused.kind, refused.date
                    )?;
                    true
                }
            }
            None => {
                write!(
                    f,
                    "invalid history for agreement {:?} ({}): \"{}\" on {} (event {}) comes ",
                    self.title, self.agreement, refused.kind, refused.date, refused.id
                )?;
                true
            }
        };
        let since = |f: &mut fmt::Formatter<'_>| match self.before {
            Some(before) => write!(f, " since {}", before.date),
            None => Ok(()),
        };
        match (self.stage, conflict, self.last) {
            // The stage before a step is the one its last stage change
            // set, so `before` names it whenever there is one.
            (_, true, _) => match self.before {
                Some(before) => write!(f, "after the \"{}\" of {}", before.kind, before.date)?,
                None => f.write_str("before any recorded stage")?,
            },
            (Some(stage), false, true) => {
                write!(f, "it is {}", stage.label())?;
                since(f)?;
            }
            (Some(stage), false, false) => {
                write!(f, "by then it was {}", stage.label())?;
                since(f)?;
            }
            (None, false, true) => f.write_str("it has no recorded stage")?,
            (None, false, false) => match self.next {
                Some(next) => write!(
                    f,
                    "it would come before the \"{}\" of {}, the first recorded stage",
                    next.kind, next.date
                )?,
                None => f.write_str("by then it had no recorded stage")?,
            },
        }
        write!(f, ", and under policy {:?} {}", self.policy(), self.rule)
    }
}

impl std::error::Error for Refusal {}
