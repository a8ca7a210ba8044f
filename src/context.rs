//! The policy and clock a change is made under.

use std::fmt;

use crate::clock::{Clock, SystemClock};
use crate::observer::Observer;
use crate::policy::{Policy, STANDARD};

static STANDARD_POLICY: Policy = STANDARD;
static SYSTEM_CLOCK: SystemClock = SystemClock;

/// What a change to an agreement is checked against and stamped with: a
/// [`Policy`] and a [`Clock`], and optionally an [`Observer`] told of every
/// accepted stage change.
///
/// The plain methods ([`Agreement::record`](crate::Agreement::record) and
/// friends) use [`Context::standard`]: the standard policy and the system
/// clock. The `_with` methods take a context, so rules and time are yours to
/// choose.
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
