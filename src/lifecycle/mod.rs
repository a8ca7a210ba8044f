//! The lifecycle: the rules as data.
//!
//! A [`Policy`] is a transition table (which stage may follow which), the
//! stages a record may open at, and [`Guard`]s that may veto a stage change
//! where a [`Trigger`] says. This layer judges a proposed change against a
//! read-only view of an agreement ([`Proposal`]) and says which [`Rule`]
//! refused it ([`Refusal`]); it draws policies as Mermaid and Graphviz DOT
//! diagrams. It knows nothing of how agreements store their history.
//!
//! Because a policy is data, it can also be checked as a whole: every
//! [`Path`] it allows ([`Policy::paths`]), what is reachable from where
//! ([`Policy::reachable_from`], [`Policy::shortest_path`]), a [`Property`]
//! over every history with the shortest [`Counterexample`] when it fails
//! ([`Policy::verify`]), and what changed between two policies
//! ([`Policy::diff`], [`PolicyDiff`]).
//!
//! ```
//! use bilateral::lifecycle::Property;
//! use bilateral::{Policy, Stage};
//! let strict = Policy::strict();
//! strict.verify(Property::EveryPathPasses { to: Stage::Finalised, through: Stage::MoiSigned })?;
//! strict.verify("finalised is unreachable from withdrawn".parse()?)?;
//! let no = strict.verify("moi-signed is reachable from finalised".parse()?).unwrap_err();
//! assert_eq!(no.story().to_string(), "proposed -> deliberated -> moi-signed -> finalised");
//! # Ok::<(), bilateral::Error>(())
//! ```
//!
//! The main types are re-exported at the crate root; this module also holds
//! the builder, the built-in guards, the guard registry and the errors.

mod diagram;
mod diff;
mod error;
mod explore;
mod guard;
mod policy;
mod refusal;
mod rule;
mod stamp;

pub use diagram::{PolicyDot, PolicyMermaid};
pub use diff::{PolicyDiff, PolicyDiffMermaid};
pub use error::PolicyError;
pub use explore::{Counterexample, Path, Paths, Property};
pub use guard::{
    BothPartiesRepresented, CitesSource, ExactDate, FnGuard, Guard, Guards, Proposal, Veto,
    guard_fn,
};
pub use policy::{Policy, PolicyBuilder};
pub use refusal::{Refusal, Step};
pub use rule::{Action, Rule, Trigger};
pub use stamp::PolicyStamp;
pub(crate) use stamp::Stamp;

pub(crate) use guard::View;
pub(crate) use policy::STANDARD;
pub(crate) use refusal::Judged;
pub(crate) use rule::Replay;
