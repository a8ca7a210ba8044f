//! Why a store refused or failed.

use bilateral::AgreementId;
use bilateral::document::DocumentError;

/// Why a store refused a change, or could not open or read its database.
/// Match on the variant; each names what it is about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The core refused the change (a lifecycle rule, a guard, a date, an
    /// unknown agreement or event, a limit): nothing was written. The
    /// error says which rule, as it would without a store.
    #[error(transparent)]
    Refused(#[from] bilateral::Error),
    /// The agreement is not at the version the change expected: another
    /// writer (or this one, earlier) changed it. Nothing was written;
    /// [`refresh`](crate::Store::refresh), look again, and retry if the
    /// change still makes sense.
    #[error(
        "agreement {agreement} was changed by another writer: the change expected version {expected}, the store holds version {actual}"
    )]
    #[non_exhaustive]
    Conflict {
        /// The agreement.
        agreement: AgreementId,
        /// The version the change expected.
        expected: u64,
        /// The version the store holds.
        actual: u64,
    },
    /// The store holds no agreement with this id, and never did.
    #[error("the store holds no agreement {agreement}")]
    #[non_exhaustive]
    UnknownAgreement {
        /// The id asked for.
        agreement: AgreementId,
    },
    /// The store holds, or once held, an agreement with this id: ids are
    /// never used twice.
    #[error("the store already holds, or once held, agreement {agreement}")]
    #[non_exhaustive]
    DuplicateAgreement {
        /// The id.
        agreement: AgreementId,
    },
    /// A row another writer wrote breaks the history this view holds (a
    /// row edited by hand): the rows before it are applied.
    #[error("the row of version {version} of agreement {agreement} is refused: {source}")]
    #[non_exhaustive]
    InvalidRow {
        /// The agreement.
        agreement: AgreementId,
        /// The row's version.
        version: u64,
        /// Why the core refuses it.
        source: bilateral::Error,
    },
    /// An occasion another writer wrote is refused by this view's tracker
    /// (a row edited by hand): the rows before it are applied.
    #[error("the store's occasion {name:?} is refused: {source}")]
    #[non_exhaustive]
    InvalidOccasion {
        /// The occasion's name, as written.
        name: String,
        /// Why the core refuses it.
        source: bilateral::Error,
    },
    /// The database holds what the core refuses to load: an entry edited
    /// by hand into an invalid history, a broken row. The document error
    /// names the agreement (its position and id) and the entry's path.
    #[error("the store holds an invalid history: {0}")]
    Invalid(#[source] DocumentError),
    /// A row the loader cannot even read as a document.
    #[error("the store holds an unreadable row for agreement {agreement}: {reason}")]
    #[non_exhaustive]
    Unreadable {
        /// The agreement whose row it is (as written, if it is no id).
        agreement: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The database was written by a newer release, with a schema this one
    /// does not know: upgrade the store crate rather than risk the data.
    #[error(
        "the database's schema is version {found}, newer than version {supported}, the newest this release knows: upgrade the store crate"
    )]
    #[non_exhaustive]
    NewerSchema {
        /// The schema version the database records.
        found: u32,
        /// The newest this release knows.
        supported: u32,
    },
    /// The database holds a policy other than the one the store was opened
    /// with (another transition table): opening it would judge its history
    /// under other rules.
    #[error(
        "the database was written under policy {found:?}, not {given:?} (another transition table): open it with that policy"
    )]
    #[non_exhaustive]
    OtherPolicy {
        /// The policy the database records.
        found: String,
        /// The policy given.
        given: String,
    },
    /// The database failed (I/O, locking, a lost connection).
    #[error("database: {0}")]
    Database(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl StoreError {
    /// The database's error, boxed.
    pub fn database(error: impl std::error::Error + Send + Sync + 'static) -> Self {
        StoreError::Database(Box::new(error))
    }

    /// A conflict: `agreement` was expected at `expected`, the store holds
    /// `actual`.
    pub fn conflict(agreement: AgreementId, expected: u64, actual: u64) -> Self {
        StoreError::Conflict {
            agreement,
            expected,
            actual,
        }
    }

    /// The store holds or once held `agreement`.
    pub fn duplicate(agreement: AgreementId) -> Self {
        StoreError::DuplicateAgreement { agreement }
    }

    /// The database records schema version `found`, newer than this
    /// release's.
    pub fn newer_schema(found: u32) -> Self {
        StoreError::NewerSchema {
            found,
            supported: crate::SCHEMA_VERSION,
        }
    }

    /// A row of `agreement` (as written) the loader cannot read.
    pub fn unreadable(agreement: impl Into<String>, reason: impl Into<String>) -> Self {
        StoreError::Unreadable {
            agreement: agreement.into(),
            reason: reason.into(),
        }
    }

    /// Whether another writer's change came first: refresh and retry.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}
