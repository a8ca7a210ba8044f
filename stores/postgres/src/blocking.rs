//! The PostgreSQL store for code that does not run on an async runtime:
//! the async store on a runtime of its own, implementing
//! [`bilateral_store::Store`].

use std::sync::Arc;
use std::time::Duration;

use bilateral::{
    AgreementBuilder, AgreementId, Change, Clock, Event, Occasion, Policy, SystemClock, Tracker,
};
use bilateral_store::{Store, StoreError};

/// [`crate::PostgresStore`] on a runtime of its own; see the crate docs.
#[derive(Debug)]
pub struct PostgresStore {
    runtime: tokio::runtime::Runtime,
    inner: crate::PostgresStore,
}

impl PostgresStore {
    /// Connects with `config` and opens the store under `policy`; see
    /// [`crate::PostgresStore::connect`].
    ///
    /// # Errors
    ///
    /// As [`crate::PostgresStore::connect`], and [`StoreError::Database`]
    /// when the runtime cannot start.
    pub fn connect(config: &str, policy: Policy) -> Result<Self, StoreError> {
        Self::connect_with_clock(config, policy, Arc::new(SystemClock))
    }

    /// As [`connect`](PostgresStore::connect), reading time from `clock`.
    ///
    /// # Errors
    ///
    /// As [`connect`](PostgresStore::connect).
    pub fn connect_with_clock(
        config: &str,
        policy: Policy,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StoreError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(StoreError::database)?;
        let inner = runtime.block_on(crate::PostgresStore::connect_with_clock(
            config, policy, clock,
        ))?;
        Ok(PostgresStore { runtime, inner })
    }

    /// The async store inside.
    pub fn inner(&self) -> &crate::PostgresStore {
        &self.inner
    }

    /// Waits for another writer's notification (or `timeout`), then
    /// catches up; see [`crate::PostgresStore::wait_for_changes`].
    ///
    /// # Errors
    ///
    /// As [`Store::refresh`].
    pub fn wait_for_changes(&mut self, timeout: Duration) -> Result<usize, StoreError> {
        self.runtime.block_on(self.inner.wait_for_changes(timeout))
    }

    /// Runs `query` on the store's client: for reports, and for tests that
    /// edit the database by hand.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] when PostgreSQL fails.
    pub fn batch_execute(&self, query: &str) -> Result<(), StoreError> {
        self.runtime
            .block_on(self.inner.client().batch_execute(query))
            .map_err(StoreError::database)
    }
}

impl Store for PostgresStore {
    fn tracker(&self) -> &Tracker {
        self.inner.tracker()
    }

    fn create(
        &mut self,
        builder: AgreementBuilder,
        first: Event,
    ) -> Result<AgreementId, StoreError> {
        self.runtime.block_on(self.inner.create(builder, first))
    }

    fn apply(&mut self, id: AgreementId, expected: u64, change: Change) -> Result<u64, StoreError> {
        self.runtime
            .block_on(self.inner.apply(id, expected, change))
    }

    fn remove(&mut self, id: AgreementId, expected: u64) -> Result<(), StoreError> {
        self.runtime.block_on(self.inner.remove(id, expected))
    }

    fn add_occasion(&mut self, occasion: Occasion) -> Result<(), StoreError> {
        self.runtime.block_on(self.inner.add_occasion(occasion))
    }

    fn refresh(&mut self) -> Result<usize, StoreError> {
        self.runtime.block_on(self.inner.refresh())
    }
}
