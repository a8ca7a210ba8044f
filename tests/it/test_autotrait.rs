//! Public types are `Send + Sync` (and so usable across threads).

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn public_types_are_send_and_sync() {
    assert_send_sync::<bilateral::Agreement>();
    assert_send_sync::<bilateral::AgreementBuilder>();
    assert_send_sync::<bilateral::Event>();
    assert_send_sync::<bilateral::EventBuilder>();
    assert_send_sync::<bilateral::EventDate>();
    assert_send_sync::<bilateral::Error>();
    assert_send_sync::<bilateral::tracker::Bulk>();
    assert_send_sync::<bilateral::Parties>();
    assert_send_sync::<bilateral::Party>();
    assert_send_sync::<bilateral::PartyCode>();
    assert_send_sync::<bilateral::Policy>();
    assert_send_sync::<bilateral::Refusal>();
    assert_send_sync::<bilateral::Representative>();
    assert_send_sync::<bilateral::Source>();
    assert_send_sync::<bilateral::Stage>();
    assert_send_sync::<bilateral::StageSet>();
    assert_send_sync::<bilateral::SubjectArea>();
    assert_send_sync::<bilateral::Tracker>();
    assert_send_sync::<bilateral::tracker::Query<'static>>();
    assert_send_sync::<bilateral::Context<'static>>();
    assert_send_sync::<bilateral::lifecycle::Guards>();
}

#[test]
fn values_held_by_the_million_stay_small() {
    // Trackers hold millions of these: keep them compact.
    assert!(
        std::mem::size_of::<bilateral::Event>() <= 56,
        "{}",
        std::mem::size_of::<bilateral::Event>()
    );
    assert!(
        std::mem::size_of::<bilateral::Entry>() <= 72,
        "{}",
        std::mem::size_of::<bilateral::Entry>()
    );
    assert_eq!(std::mem::size_of::<bilateral::EventDate>(), 8);
    assert_eq!(std::mem::size_of::<bilateral::PartyCode>(), 16);
    // The header and the state the change engine keeps beside the log.
    assert!(
        std::mem::size_of::<bilateral::Agreement>() <= 240,
        "{}",
        std::mem::size_of::<bilateral::Agreement>()
    );
}
