//! The policy and clock a change is made under.

use std::fmt;

use crate::clock::{Clock, SystemClock};
use crate::policy::{Policy, STANDARD};

static STANDARD_POLICY: Policy = STANDARD;
static SYSTEM_CLOCK: SystemClock = SystemClock;

/// What a change to an agreement is checked against and stamped with: a
/// [`Policy`] and a [`Clock`].
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
}

impl Context<'static> {
    /// The standard policy and the system clock.
    pub fn standard() -> Self {
        Context {
            policy: &STANDARD_POLICY,
            clock: &SYSTEM_CLOCK,
        }
    }
}

impl<'a> Context<'a> {
    /// A context of your own.
    pub fn new(policy: &'a Policy, clock: &'a dyn Clock) -> Self {
        Context { policy, clock }
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
        }
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
            .finish()
    }
}
