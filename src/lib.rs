//! bilateral
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod agreement;
mod date;
mod error;
mod event;
mod id;
mod instrument;
mod order;
mod party;
mod policy;
mod representative;
mod serde_str;
mod source;
mod stage;
mod subject;
mod text;

pub use agreement::{Agreement, AgreementBuilder, FORMAT_VERSION, History};
pub use date::{EventDate, Precision};
pub use error::{CodeRule, DateRule, Error, Field, Refusal, Step, SubjectRule, Vocabulary};
pub use event::{Event, EventBuilder, EventKind};
pub use id::{AgreementId, EventId};
pub use instrument::InstrumentKind;
pub use party::{Parties, Party, PartyCode, PartyKind};
pub use policy::{Policy, Rule};
pub use representative::Representative;
pub use source::Source;
pub use stage::{Stage, StageSet, StageSetIter};
pub use subject::{CustomArea, SubjectArea};
pub use uuid;
