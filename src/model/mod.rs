//! The model: values that validate themselves.
//!
//! Parties and their codes, representatives, subject areas, kinds of
//! instrument, stages, dates of day, month or year precision, sources,
//! events and identifiers. Every constructor validates, so an invalid value
//! cannot exist, and every refusal is a [`ValueError`] naming the value and
//! the rule it broke. This layer knows nothing of lifecycles, agreements or
//! trackers; everything else in the crate is built on it.
//!
//! The main types are re-exported at the crate root (`bilateral::Party`,
//! `bilateral::EventDate`); this module also holds the helpers: the rules a
//! value can break, [`PartyKind`], [`CustomArea`] and [`StageSetIter`].

#[cfg(feature = "iso3166")]
mod country;
mod date;
mod error;
mod event;
mod id;
pub(crate) mod instant;
mod instrument;
pub mod limits;
mod link;
mod occasion;
mod party;
mod representative;
#[cfg(feature = "schemars")]
pub(crate) mod schema;
pub(crate) mod serde_str;
mod source;
mod stage;
mod subject;
pub(crate) mod text;

#[cfg(feature = "iso3166")]
#[cfg_attr(docsrs, doc(cfg(feature = "iso3166")))]
pub use country::Country;
pub use date::{EventDate, Precision, Qualifier};
pub(crate) use date::{MAX_YEAR, period_end};
pub use error::{
    CodeRule, Collection, DateRule, Excerpt, Field, SubjectRule, ValueError, Vocabulary,
};
pub use event::{Event, EventBuilder, EventKind};
pub use id::{AgreementId, EventId};
pub use instrument::InstrumentKind;
pub use link::{Link, LinkKind};
pub use occasion::Occasion;
pub use party::{Parties, Party, PartyCode, PartyKind};
pub use representative::Representative;
pub use source::Source;
pub use stage::{Stage, StageSet, StageSetIter};
pub use subject::{CustomArea, SubjectArea};

serde_str::try_from_str!(
    AgreementId,
    EventDate,
    EventId,
    EventKind,
    InstrumentKind,
    PartyCode,
    PartyKind,
    Precision,
    Stage,
    SubjectArea,
);
