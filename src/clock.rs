//! Where "now" comes from: injectable clocks.

use std::fmt;

use chrono::{DateTime, Utc};

/// A source of the current instant.
///
/// The crate never reads the time by itself: every change is stamped with
/// the instant a `Clock` gives, and stage changes dated after that instant's
/// day are refused. Pass [`SystemClock`] (the default in
/// [`Context::standard`](crate::Context::standard)), a [`FixedClock`], or
/// your own.
///
/// ```
/// use bilateral::{Clock, FixedClock};
/// let clock = FixedClock::new("2024-11-23T09:30:00Z".parse()?);
/// assert_eq!(clock.now().to_rfc3339(), "2024-11-23T09:30:00+00:00");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

/// The operating system's clock.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that always gives the same instant: for imports that know when
/// a fact was recorded, and for tests.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FixedClock(DateTime<Utc>);

impl FixedClock {
    /// A clock stopped at `instant`.
    pub const fn new(instant: DateTime<Utc>) -> Self {
        Self(instant)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

impl fmt::Debug for FixedClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FixedClock({})", self.0.to_rfc3339())
    }
}
