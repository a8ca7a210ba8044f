//! The in-memory store passes the contract every store passes.

use std::sync::Arc;

use bilateral::{AgreementId, Clock, Policy};
use bilateral_store::contract::{self, Backend};
use bilateral_store::{MemoryStore, SharedMemory, StoreError};

struct Memory(SharedMemory);

impl Backend for Memory {
    type Store = MemoryStore;

    fn open(&self, policy: Policy, clock: Arc<dyn Clock>) -> Result<MemoryStore, StoreError> {
        self.0.open_with_clock(policy, clock)
    }

    fn edit_by_hand(&self, agreement: AgreementId, version: u64, entry: &str) {
        assert!(self.0.edit_by_hand(agreement, version, entry));
    }
}

#[test]
fn the_memory_store_keeps_the_contract() {
    contract::run(|| Memory(SharedMemory::new()));
}
