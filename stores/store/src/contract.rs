//! The suite every store passes (feature `contract`): one contract, one
//! behaviour, for the in-memory store and each database.
//!
//! A store's tests give a [`Backend`]: a fresh database each call, on
//! which writers open. [`run`] runs every check; each is also public, to
//! run alone. The checks panic with a message on failure, as tests do.

#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use bilateral::testing::ManualClock;
use bilateral::{
    Agreement, AgreementId, Change, Clock, ErrorKind, Event, EventId, EventKind, Link, LinkKind,
    Occasion, Parties, Party, Policy, Source, Stage, SubjectArea,
};

use crate::{Store, StoreError};

/// A database to test a store on.
pub trait Backend {
    /// The store.
    type Store: Store + std::fmt::Debug;

    /// A writer on this database under `policy`, reading time from `clock`.
    ///
    /// # Errors
    ///
    /// What opening the store refuses.
    fn open(&self, policy: Policy, clock: Arc<dyn Clock>) -> Result<Self::Store, StoreError>;

    /// Replaces the entry of `agreement`'s row of `version` with `entry`,
    /// as someone editing the database by hand would.
    fn edit_by_hand(&self, agreement: AgreementId, version: u64, entry: &str);
}

/// Runs every check on fresh databases from `fresh`.
pub fn run<B: Backend>(fresh: impl Fn() -> B) {
    what_is_written_is_read_back(&fresh());
    a_refused_change_writes_nothing(&fresh());
    a_stale_writer_is_told_of_the_conflict(&fresh());
    refresh_catches_up_with_other_writers(&fresh());
    a_removal_is_recorded_and_ids_are_never_reused(&fresh());
    a_history_edited_by_hand_is_refused_on_open(&fresh());
    another_policy_is_refused_on_open(&fresh());
    links_are_kept_and_checked(&fresh());
    disputes_are_kept_and_resolved(&fresh());
    occasions_are_kept_and_checked(&fresh());
    a_writer_judges_against_what_others_wrote(&fresh());
    many_agreements_written_in_turn_are_read_back_in_order(&fresh());
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new("2025-01-01T00:00:00Z".parse().unwrap()))
}

fn parties() -> Parties {
    Parties::new(
        Party::state("IND", "India").unwrap(),
        Party::state("JPN", "Japan").unwrap(),
    )
    .unwrap()
}

fn id(n: u128) -> AgreementId {
    AgreementId::from_uuid(uuid_of(n))
}

fn uuid_of(n: u128) -> bilateral::uuid::Uuid {
    bilateral::uuid::Uuid::from_u128(n)
}

fn event(n: u128, kind: EventKind, date: &str) -> Event {
    Event::with_id(EventId::from_uuid(uuid_of(n)), kind, date.parse().unwrap())
}

/// Opens a writer, creates the Vientiane agreement with a few changes.
fn founding<S: Store>(store: &mut S) -> AgreementId {
    let rpss = store
        .create(
            Agreement::builder("Reciprocal Provision of Supplies and Services", parties())
                .id(id(1))
                .subject(SubjectArea::Logistics),
            event(10, EventKind::Proposed, "2024-06"),
        )
        .unwrap();
    assert_eq!(
        store
            .record(rpss, 1, event(11, EventKind::Deliberated, "2024-11-22"))
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .record(rpss, 2, event(12, EventKind::Meeting, "2024-11-23"))
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .correct(rpss, 3, event(12, EventKind::Meeting, "2024-11-22"))
            .unwrap(),
        4
    );
    assert_eq!(
        store
            .retract(rpss, 4, EventId::from_uuid(uuid_of(12)), "a duplicate")
            .unwrap(),
        5
    );
    rpss
}

/// Records, corrections and retractions are read back as written, with
/// their versions and recorded instants.
pub fn what_is_written_is_read_back<B: Backend>(backend: &B) {
    let clock = clock();
    let mut writer = backend.open(Policy::standard(), clock.clone()).unwrap();
    let rpss = founding(&mut writer);
    clock.advance(bilateral::chrono::Duration::hours(1));
    let mast = writer
        .create(
            Agreement::builder("UNICORN mast", parties()).id(id(2)),
            event(20, EventKind::MoiSigned, "2024-11-15"),
        )
        .unwrap();
    let reader = backend.open(Policy::standard(), clock.clone()).unwrap();
    for agreement in [rpss, mast] {
        assert_eq!(
            reader.tracker().get(agreement),
            writer.tracker().get(agreement),
            "agreement {agreement} read back"
        );
        assert_eq!(
            reader.tracker().version(agreement),
            writer.tracker().version(agreement)
        );
    }
    assert_eq!(reader.tracker().version(rpss), Some(5));
    assert_eq!(reader.tracker().len(), 2);
    let read = reader.tracker().get(mast).unwrap();
    assert_eq!(read.entries()[0].recorded_at(), clock.now());
    assert_eq!(read.stage(), Stage::MoiSigned);
    // The order agreements were created in is kept.
    let ids: Vec<AgreementId> = reader.tracker().iter().map(Agreement::id).collect();
    assert_eq!(ids, [rpss, mast]);
}

/// Agreements written in turn, more than opening reads in one batch (so
/// that it reads them on several threads where the machine has cores), one
/// in seven removed: read back as the writer holds them, in the order they
/// were created, the removed ones gone for good.
pub fn many_agreements_written_in_turn_are_read_back_in_order<B: Backend>(backend: &B) {
    let mut writer = backend.open(Policy::standard(), clock()).unwrap();
    let count = 600;
    for n in 0..count {
        writer
            .create(
                Agreement::builder(format!("Agreement {n}"), parties()).id(id(1_000 + n)),
                event(10_000 + n, EventKind::Proposed, "2024-01"),
            )
            .unwrap();
    }
    // Recorded on last first: each agreement's rows lie apart in the log.
    for n in (0..count).rev().step_by(2) {
        writer
            .record(
                id(1_000 + n),
                1,
                event(20_000 + n, EventKind::Deliberated, "2024-02"),
            )
            .unwrap();
    }
    for n in (0..count).step_by(7) {
        let version = writer.tracker().version(id(1_000 + n)).unwrap();
        writer.remove(id(1_000 + n), version).unwrap();
    }
    let mut reader = backend.open(Policy::standard(), clock()).unwrap();
    assert_eq!(reader.tracker(), writer.tracker());
    let order = |store: &B::Store| -> Vec<AgreementId> {
        store.tracker().iter().map(Agreement::id).collect()
    };
    let kept: Vec<AgreementId> = (0..count)
        .filter(|n| n % 7 != 0)
        .map(|n| id(1_000 + n))
        .collect();
    assert_eq!(order(&reader), kept);
    assert_eq!(reader.tracker().version(id(1_002)), Some(1));
    assert_eq!(reader.tracker().version(id(1_001)), Some(2));
    assert_eq!(reader.tracker().version(id(1_599)), Some(2));
    assert!(matches!(
        reader.create(
            Agreement::builder("Again", parties()).id(id(1_007)),
            event(31, EventKind::Proposed, "2024-01")
        ),
        Err(StoreError::DuplicateAgreement { .. })
    ));
}

/// A change the core refuses is not written: read back, the store is as
/// it was, and the error says why.
pub fn a_refused_change_writes_nothing<B: Backend>(backend: &B) {
    let mut writer = backend.open(Policy::standard(), clock()).unwrap();
    let rpss = founding(&mut writer);
    let refused = writer
        .record(rpss, 5, event(13, EventKind::Finalised, "2024-12-01"))
        .unwrap_err();
    match &refused {
        StoreError::Refused(error) => assert!(error.refusal().is_some(), "{error}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // A duplicate event id, an unknown agreement, a refused opening.
    assert!(matches!(
        writer.record(rpss, 5, event(11, EventKind::Meeting, "2024-12-01")),
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        writer.record(id(99), 1, event(14, EventKind::Meeting, "2024-12-01")),
        Err(StoreError::UnknownAgreement { .. })
    ));
    assert!(matches!(
        writer.create(
            Agreement::builder("Notes", parties()).id(id(3)),
            event(30, EventKind::Meeting, "2024-01")
        ),
        Err(StoreError::Refused(_))
    ));
    // The same id twice.
    assert!(matches!(
        writer.create(
            Agreement::builder("Again", parties()).id(rpss),
            event(31, EventKind::Proposed, "2024-01")
        ),
        Err(StoreError::DuplicateAgreement { .. })
    ));
    assert_eq!(writer.tracker().version(rpss), Some(5));
    let reader = backend.open(Policy::standard(), clock()).unwrap();
    assert_eq!(reader.tracker().len(), 1);
    assert_eq!(reader.tracker().version(rpss), Some(5));
    assert_eq!(reader.tracker().get(rpss), writer.tracker().get(rpss));
}

/// Two writers race on one agreement: the one whose version is stale is
/// told of the conflict with both versions, nothing is overwritten, its
/// view has caught up with the winner's row, and its retry on the new
/// version goes through.
pub fn a_stale_writer_is_told_of_the_conflict<B: Backend>(backend: &B) {
    let mut first = backend.open(Policy::standard(), clock()).unwrap();
    let rpss = founding(&mut first);
    let mut second = backend.open(Policy::standard(), clock()).unwrap();
    assert_eq!(
        first
            .record(rpss, 5, event(13, EventKind::MoiSigned, "2024-12-01"))
            .unwrap(),
        6
    );
    let lost = second
        .record(rpss, 5, event(14, EventKind::Withdrawn, "2024-12-02"))
        .unwrap_err();
    match lost {
        StoreError::Conflict {
            agreement,
            expected,
            actual,
            ..
        } => assert_eq!((agreement, expected, actual), (rpss, 5, 6)),
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Its own view is stale too: a change expecting its old version is a
    // conflict with what it holds.
    assert!(
        second
            .record(rpss, 4, event(14, EventKind::Withdrawn, "2024-12-02"))
            .unwrap_err()
            .is_conflict()
    );
    // The write that lost caught up first: the view holds the winner's
    // row already, and a refresh finds nothing new.
    assert_eq!(
        second.tracker().get(rpss).unwrap().stage(),
        Stage::MoiSigned
    );
    assert_eq!(second.refresh().unwrap(), 0);
    assert_eq!(
        second
            .record(rpss, 6, event(14, EventKind::Finalised, "2024-12-02"))
            .unwrap(),
        7
    );
    let reader = backend.open(Policy::standard(), clock()).unwrap();
    let kinds: Vec<EventKind> = reader
        .tracker()
        .get(rpss)
        .unwrap()
        .history()
        .map(Event::kind)
        .collect();
    assert_eq!(
        kinds,
        [
            EventKind::Proposed,
            EventKind::Deliberated,
            EventKind::MoiSigned,
            EventKind::Finalised
        ]
    );
}

/// A writer catches up with what another wrote: creations, changes and
/// removals, in the order written, each once.
pub fn refresh_catches_up_with_other_writers<B: Backend>(backend: &B) {
    let mut writer = backend.open(Policy::standard(), clock()).unwrap();
    let mut reader = backend.open(Policy::standard(), clock()).unwrap();
    let rpss = founding(&mut writer);
    assert_eq!(reader.refresh().unwrap(), 5);
    assert_eq!(reader.tracker().get(rpss), writer.tracker().get(rpss));
    assert_eq!(reader.refresh().unwrap(), 0);
    // Its own writes are not applied twice.
    reader
        .record(rpss, 5, event(13, EventKind::MoiSigned, "2024-12-01"))
        .unwrap();
    writer.refresh().unwrap();
    writer.remove(rpss, 6).unwrap();
    let mast = writer
        .create(
            Agreement::builder("UNICORN mast", parties()).id(id(2)),
            event(20, EventKind::MoiSigned, "2024-11-15"),
        )
        .unwrap();
    assert_eq!(reader.refresh().unwrap(), 2);
    assert!(reader.tracker().get(rpss).is_none());
    assert_eq!(reader.tracker().version(mast), Some(1));
    assert_eq!(reader.tracker().len(), 1);
}

/// A removal is a row of its own: the agreement is gone when read back,
/// a change to it is a conflict, and its id is never used again.
pub fn a_removal_is_recorded_and_ids_are_never_reused<B: Backend>(backend: &B) {
    let mut writer = backend.open(Policy::standard(), clock()).unwrap();
    let rpss = founding(&mut writer);
    assert!(writer.remove(rpss, 4).unwrap_err().is_conflict());
    writer.remove(rpss, 5).unwrap();
    assert!(writer.tracker().get(rpss).is_none());
    assert!(
        writer
            .record(rpss, 5, event(13, EventKind::Meeting, "2024-12-01"))
            .unwrap_err()
            .is_conflict()
    );
    let mut reader = backend.open(Policy::standard(), clock()).unwrap();
    assert!(reader.tracker().is_empty());
    assert!(matches!(
        reader.create(
            Agreement::builder("Again", parties()).id(rpss),
            event(31, EventKind::Proposed, "2024-01")
        ),
        Err(StoreError::DuplicateAgreement { .. })
    ));
}

/// A history edited by hand into one the core refuses is refused on
/// open, naming the agreement and the entry.
pub fn a_history_edited_by_hand_is_refused_on_open<B: Backend>(backend: &B) {
    let mut writer = backend.open(Policy::standard(), clock()).unwrap();
    let rpss = founding(&mut writer);
    // The deliberation (version 2) becomes a finalisation.
    let entry = serde_json::json!({
        "recorded_at": "2025-01-01T00:00:00Z",
        "record": {"id": uuid_of(11).to_string(), "date": "2024-11-22", "kind": "finalised"}
    });
    backend.edit_by_hand(rpss, 2, &entry.to_string());
    let refused = backend.open(Policy::standard(), clock()).unwrap_err();
    let StoreError::Invalid(error) = &refused else {
        panic!("expected an invalid history, got {refused:?}");
    };
    assert_eq!(error.path(), Some("agreements[0].agreement.entries[1]"));
    assert!(error.refusal().is_some(), "{error}");
    assert!(refused.to_string().contains(&rpss.to_string()), "{refused}");
    // A row that is no entry at all.
    backend.edit_by_hand(rpss, 2, "not json");
    assert!(matches!(
        backend.open(Policy::standard(), clock()),
        Err(StoreError::Unreadable { .. })
    ));
}

/// A database written under one policy is not opened under a policy with
/// another transition table.
pub fn another_policy_is_refused_on_open<B: Backend>(backend: &B) {
    let mut writer = backend.open(Policy::standard(), clock()).unwrap();
    founding(&mut writer);
    let skip_moi = Policy::standard()
        .to_builder()
        .name("skip-moi")
        .allow(Stage::Deliberated, Stage::Finalised)
        .build()
        .unwrap();
    assert!(matches!(
        backend.open(skip_moi, clock()),
        Err(StoreError::OtherPolicy { .. })
    ));
    // A policy with the same table (renamed) is fine.
    let renamed = Policy::standard()
        .to_builder()
        .name("ours")
        .build()
        .unwrap();
    assert!(backend.open(renamed, clock()).is_ok());
}

/// Links between agreements are written with their events, rebuilt on
/// open and caught up with; a link the core refuses (to an agreement the
/// store never held, across parties) is not written.
pub fn links_are_kept_and_checked<B: Backend>(backend: &B) {
    let mut writer = backend.open(Policy::standard(), clock()).unwrap();
    let mut reader = backend.open(Policy::standard(), clock()).unwrap();
    let framework = writer
        .create(
            Agreement::builder("Transfer of Defence Equipment and Technology", parties()).id(id(5)),
            event(50, EventKind::Finalised, "2015-12-12"),
        )
        .unwrap();
    let signed = |n: u128, link: Link| {
        Event::builder(EventKind::MoiSigned, "2024-11-15".parse().unwrap())
            .id(EventId::from_uuid(uuid_of(n)))
            .link(link)
            .build()
            .unwrap()
    };
    let mast = writer
        .create(
            Agreement::builder("UNICORN mast", parties()).id(id(6)),
            signed(60, Link::new(LinkKind::Implements, framework)),
        )
        .unwrap();
    // Refused: a link to an agreement never held, at creation and after.
    let stray = Link::new(LinkKind::Amends, id(99));
    let refused = writer
        .create(
            Agreement::builder("Stray", parties()).id(id(7)),
            signed(70, stray),
        )
        .unwrap_err();
    match &refused {
        StoreError::Refused(error) => assert_eq!(error.kind(), ErrorKind::UnknownLinkTarget),
        other => panic!("expected a refusal, got {other:?}"),
    }
    let note = Event::builder(EventKind::Note, "2024-12".parse().unwrap())
        .id(EventId::from_uuid(uuid_of(61)))
        .link(stray)
        .build()
        .unwrap();
    assert!(matches!(
        writer.record(mast, 1, note),
        Err(StoreError::Refused(error)) if error.kind() == ErrorKind::UnknownLinkTarget
    ));
    // Refused: an implementing instrument between other parties.
    let other_parties = Parties::new(
        Party::state("IND", "India").unwrap(),
        Party::state("PHL", "Philippines").unwrap(),
    )
    .unwrap();
    assert!(matches!(
        writer.create(
            Agreement::builder("Across", other_parties).id(id(8)),
            signed(80, Link::new(LinkKind::Implements, framework)),
        ),
        Err(StoreError::Refused(error)) if error.kind() == ErrorKind::LinkParties
    ));
    // A correction moves a link: the mast extends the framework instead.
    writer
        .apply(
            mast,
            1,
            Change::Correct(signed(60, Link::new(LinkKind::Extends, framework))),
        )
        .unwrap();
    let opened = backend.open(Policy::standard(), clock()).unwrap();
    assert_eq!(reader.refresh().unwrap(), 3);
    for view in [&opened, &reader] {
        let tracker = view.tracker();
        assert_eq!(tracker.len(), 2, "only accepted rows were written");
        assert!(tracker.implemented_by(framework).is_empty());
        let extending: Vec<AgreementId> = tracker
            .linked_by(framework, LinkKind::Extends)
            .iter()
            .map(|linked| linked.agreement.id())
            .collect();
        assert_eq!(extending, [mast]);
        assert_eq!(tracker.get(mast), writer.tracker().get(mast));
    }
}

/// A rival claim (another date, from its own source) is written as a
/// dispute beside the version in force, and a resolution keeping it as an
/// entry of its own; every claim is read back, and a refused dispute
/// writes nothing.
pub fn disputes_are_kept_and_resolved<B: Backend>(backend: &B) {
    let mut writer = backend.open(Policy::standard(), clock()).unwrap();
    let mut reader = backend.open(Policy::standard(), clock()).unwrap();
    let signed = Event::builder(EventKind::MoiSigned, "2017".parse().unwrap())
        .id(EventId::from_uuid(uuid_of(90)))
        .source(Source::new("Ministry of Defence", "Annual report").unwrap())
        .build()
        .unwrap();
    let memo = writer
        .create(
            Agreement::builder("Defence industry memorandum", parties()).id(id(9)),
            signed.clone(),
        )
        .unwrap();
    let rival = signed
        .to_builder()
        .date("2018".parse().unwrap())
        .clear_sources()
        .source(Source::new("Embassy", "Bilateral relations").unwrap())
        .build()
        .unwrap();
    // Refused, and nothing written: a rival claim with no source.
    let unsourced = rival.to_builder().clear_sources().build().unwrap();
    assert!(matches!(
        writer.dispute(memo, 1, unsourced),
        Err(StoreError::Refused(error)) if error.kind() == ErrorKind::UnsourcedClaim
    ));
    assert_eq!(writer.dispute(memo, 1, rival.clone()).unwrap(), 2);
    let opened = backend.open(Policy::standard(), clock()).unwrap();
    assert_eq!(reader.refresh().unwrap(), 2);
    for view in [&opened, &reader] {
        let kept = view.tracker().get(memo).unwrap();
        assert_eq!(kept.event(signed.id()), Some(&signed), "the record stands");
        let dispute = kept.dispute_about(signed.id()).expect("an open dispute");
        assert_eq!(dispute.rivals()[0].event, &rival);
        assert!(kept.stage_on("2017-07".parse().unwrap()).disputed);
        assert_eq!(kept, writer.tracker().get(memo).unwrap());
    }
    // Refused: a resolution keeping what is no claim.
    assert!(matches!(
        writer.resolve(memo, 2, signed.id(), 5, "no such claim"),
        Err(StoreError::Refused(error)) if error.kind() == ErrorKind::UnknownClaim
    ));
    assert_eq!(
        writer
            .resolve(memo, 2, signed.id(), 1, "the signed text is dated 2018")
            .unwrap(),
        3
    );
    let opened = backend.open(Policy::standard(), clock()).unwrap();
    assert_eq!(reader.refresh().unwrap(), 1);
    for view in [&opened, &reader] {
        let kept = view.tracker().get(memo).unwrap();
        assert_eq!(kept.event(signed.id()), Some(&rival));
        assert!(!kept.is_disputed());
        assert_eq!(kept.entries().len(), 3, "every claim stays");
        assert_eq!(kept, writer.tracker().get(memo).unwrap());
    }
}

fn admm() -> Occasion {
    Occasion::new(
        "11th ADMM-Plus",
        "2024-11-20".parse().unwrap(),
        "2024-11-22".parse().unwrap(),
    )
    .unwrap()
    .with_venue("Vientiane")
    .unwrap()
}

fn at_admm(n: u128, kind: EventKind, date: &str) -> Event {
    Event::builder(kind, date.parse().unwrap())
        .id(EventId::from_uuid(uuid_of(n)))
        .occasion("11th ADMM-Plus")
        .build()
        .unwrap()
}

/// An occasion is written once and read back; events are checked against
/// it (refused outside its dates, nothing written), an occasion against
/// the events already naming it, and a name only once.
pub fn occasions_are_kept_and_checked<B: Backend>(backend: &B) {
    let mut writer = backend.open(Policy::standard(), clock()).unwrap();
    let mut reader = backend.open(Policy::standard(), clock()).unwrap();
    // An event names the occasion before the store knows it.
    let talks = writer
        .create(
            Agreement::builder("Co-development", parties()).id(id(11)),
            at_admm(110, EventKind::Proposed, "2024-11-21"),
        )
        .unwrap();
    // Refused: an occasion that leaves out an event already at it.
    let too_short = Occasion::new(
        "11th ADMM-Plus",
        "2024-11-22".parse().unwrap(),
        "2024-11-22".parse().unwrap(),
    )
    .unwrap();
    assert!(matches!(
        writer.add_occasion(too_short),
        Err(StoreError::Refused(error)) if error.kind() == ErrorKind::OutsideOccasion
    ));
    writer.add_occasion(admm()).unwrap();
    assert!(matches!(
        writer.add_occasion(admm()),
        Err(StoreError::Refused(error)) if error.kind() == ErrorKind::DuplicateOccasion
    ));
    // Refused: an event dated outside it.
    assert!(matches!(
        writer.record(talks, 1, at_admm(111, EventKind::Meeting, "2024-11-25")),
        Err(StoreError::Refused(error)) if error.kind() == ErrorKind::OutsideOccasion
    ));
    writer
        .record(talks, 1, at_admm(112, EventKind::Meeting, "2024-11-22"))
        .unwrap();
    let opened = backend.open(Policy::standard(), clock()).unwrap();
    assert_eq!(reader.refresh().unwrap(), 3, "one occasion, two rows");
    for view in [&opened, &reader] {
        let tracker = view.tracker();
        assert_eq!(tracker.occasion("11th ADMM-Plus"), Some(&admm()));
        assert_eq!(tracker.occasions().count(), 1);
        assert_eq!(tracker.at_occasion("11th ADMM-Plus").len(), 2);
        assert_eq!(tracker.get(talks), writer.tracker().get(talks));
    }
}

/// Two writers, each unaware of the other's latest write: a write is
/// judged against everything written before it, not only against what its
/// writer had read, so the store never holds what a fresh open would
/// refuse.
pub fn a_writer_judges_against_what_others_wrote<B: Backend>(backend: &B) {
    let mut first = backend.open(Policy::standard(), clock()).unwrap();
    let mut second = backend.open(Policy::standard(), clock()).unwrap();
    let talks = first
        .create(
            Agreement::builder("Co-development", parties()).id(id(12)),
            event(120, EventKind::Proposed, "2024-06"),
        )
        .unwrap();
    // The second writer has read the first's agreement but not, next, its
    // occasion (nothing else it has not read): its event outside the
    // occasion is refused all the same.
    second.refresh().unwrap();
    first.add_occasion(admm()).unwrap();
    assert!(second.tracker().occasion("11th ADMM-Plus").is_none());
    assert!(matches!(
        second.record(talks, 1, at_admm(121, EventKind::Meeting, "2024-11-25")),
        Err(StoreError::Refused(error)) if error.kind() == ErrorKind::OutsideOccasion
    ));
    // Having caught up in that write, it knows both now.
    assert!(second.tracker().occasion("11th ADMM-Plus").is_some());
    assert_eq!(second.tracker().version(talks), Some(1));
    // An occasion is judged against the events others wrote.
    let other = Occasion::new(
        "Defence policy dialogue",
        "2024-12-01".parse().unwrap(),
        "2024-12-01".parse().unwrap(),
    )
    .unwrap();
    let mut third = backend.open(Policy::standard(), clock()).unwrap();
    let named = Event::builder(EventKind::Note, "2024-12-02".parse().unwrap())
        .id(EventId::from_uuid(uuid_of(123)))
        .occasion("Defence policy dialogue")
        .build()
        .unwrap();
    first.record(talks, 1, named).unwrap();
    assert!(matches!(
        third.add_occasion(other),
        Err(StoreError::Refused(error)) if error.kind() == ErrorKind::OutsideOccasion
    ));
    // A circle of amendments by two writers is refused too.
    let amends = |n: u128, target: AgreementId| {
        Event::builder(EventKind::Note, "2024-12".parse().unwrap())
            .id(EventId::from_uuid(uuid_of(n)))
            .link(Link::new(LinkKind::Amends, target))
            .build()
            .unwrap()
    };
    let protocol = second
        .create(
            Agreement::builder("Protocol", parties()).id(id(13)),
            event(130, EventKind::Proposed, "2024-06"),
        )
        .unwrap();
    first.refresh().unwrap();
    second.refresh().unwrap();
    first.record(talks, 2, amends(124, protocol)).unwrap();
    assert!(matches!(
        second.record(protocol, 1, amends(131, talks)),
        Err(StoreError::Refused(error)) if error.kind() == ErrorKind::LinkCycle
    ));
    let opened = backend.open(Policy::standard(), clock()).unwrap();
    assert_eq!(opened.tracker().len(), 2);
    assert_eq!(opened.tracker().version(protocol), Some(1));
}

/// Waits until `child` says it is ready (its store open), lets it run `ms`
/// milliseconds more, then kills it (SIGKILL): every line it wrote. The
/// moment of the kill is counted from readiness, so that a loaded machine,
/// slow to start a process, still kills it while it writes.
///
/// For a store's crash tests: the writer prints `ready` once its store is
/// open.
///
/// # Panics
///
/// When the child cannot be killed or waited for, as a test fails.
pub fn kill_when_ready(mut child: std::process::Child, ms: u64) -> Vec<String> {
    let stdout = child.stdout.take().unwrap();
    let (lines_out, lines_in) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead as _;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if lines_out.send(line).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while let Ok(line) =
        lines_in.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        let ready = line.contains("ready");
        lines.push(line);
        if ready {
            break;
        }
    }
    std::thread::sleep(std::time::Duration::from_millis(ms));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    reader.join().unwrap();
    lines.extend(lines_in.try_iter());
    lines
}
