//! The in-memory half every store shares: a tracker, the validation of a
//! change into the rows to write, and the rows read back into agreements.

use std::collections::hash_map::Entry as Place;
use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use bilateral::chrono::{DateTime, Utc};
use bilateral::document::{DocumentError, PartyCache, PolicyDocument, Tracked};
use bilateral::lifecycle::Guards;
use bilateral::{
    Agreement, AgreementBuilder, AgreementId, Change, Clock, Context, Entry, Event, FixedClock,
    Occasion, Policy, Tracker,
};
use serde_json::{Value, json};

use crate::StoreError;

/// A clock whose instant the ledger sets: a change read back (or applied
/// after it was written) is judged at the instant it was first recorded.
#[derive(Debug, Clone, Default)]
struct Pinned(Arc<AtomicI64>);

impl Pinned {
    fn set(&self, instant: DateTime<Utc>) {
        self.0.store(instant.timestamp_micros(), Ordering::SeqCst);
    }
}

impl Clock for Pinned {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.0.load(Ordering::SeqCst)).unwrap_or_default()
    }
}

/// An agreement's rows, gathered for loading: written, as they come, into
/// the element of a tracker document's `agreements` that they make, so
/// that the rows need not be kept apart and the element need not be copied
/// together again.
#[cfg_attr(test, derive(Clone))]
struct Pending {
    id: String,
    /// `{"agreement":`, the header without its closing brace,
    /// `,"entries":[` and the entries so far, separated by commas; the
    /// version and the closing brackets come last ([`Pending::element`]).
    text: String,
    /// Whether the header is a JSON object: one that is not is refused
    /// before it is read.
    object: bool,
    version: u64,
    removed: bool,
}

/// Room for the element of a typical agreement (a header and a handful of
/// entries) past its header, so that few elements grow more than once.
const ELEMENT_ROOM: usize = 1024;

impl Pending {
    /// An agreement's rows, begun by the row of its header.
    #[cfg(test)]
    fn new(id: &str, header: &str) -> Self {
        Pending::new_in(&Spare::default(), id, header)
    }

    /// [`Pending::new`] in strings from `spare`.
    fn new_in(spare: &Spare, id: &str, header: &str) -> Self {
        let header = header.trim_end();
        let open = header.strip_suffix('}');
        let (mut kept, mut text) = spare.take();
        kept.push_str(id);
        text.reserve(header.len() + ELEMENT_ROOM);
        text.push_str("{\"agreement\":");
        text.push_str(open.unwrap_or(header));
        text.push_str(",\"entries\":[");
        Pending {
            id: kept,
            text,
            object: open.is_some(),
            version: 0,
            removed: false,
        }
    }

    /// Takes the agreement's next row, `entry` at `version` (`None`: its
    /// removal): the version after the last, and none after a removal.
    fn take(&mut self, version: u64, entry: Option<&str>) -> Result<(), StoreError> {
        if version != self.version + 1 || self.removed {
            return Err(StoreError::unreadable(
                self.id.clone(),
                format!(
                    "version {version} follows version {}{}",
                    self.version,
                    if self.removed { ", its removal" } else { "" }
                ),
            ));
        }
        match entry {
            Some(entry) => {
                if self.version > 0 {
                    self.text.push(',');
                }
                self.text.push_str(entry);
            }
            None => self.removed = true,
        }
        self.version = version;
        Ok(())
    }

    /// The element of a tracker document's agreements that the rows make,
    /// completed (its entries closed and its version written): asked for
    /// once, when the last row is in.
    fn element(&mut self) -> &str {
        let _ = write!(self.text, "]}},\"version\":{}}}", self.version);
        &self.text
    }
}

/// The most strings of agreements read that [`Spare`] keeps of each kind:
/// as many as the batches of the most readers can hold at once (four
/// batches of [`BATCH`] each: two waiting, one being read, one handed
/// back) with [`MAX_READERS`] readers.
const MAX_SPARE: usize = 8192;

/// The strings of agreements already read (their ids and texts), kept to
/// hold the rows of the next ones: opening a store then asks the allocator
/// for few new strings, and frees few on other threads than the one that
/// made them.
#[derive(Debug, Default)]
struct Spare(std::cell::RefCell<(Vec<String>, Vec<String>)>);

impl Spare {
    /// Two empty strings, for an id and a text: kept ones where there are.
    fn take(&self) -> (String, String) {
        let mut spare = self.0.borrow_mut();
        let (ids, texts) = &mut *spare;
        (
            ids.pop().unwrap_or_default(),
            texts.pop().unwrap_or_default(),
        )
    }

    /// Keeps the strings of the agreements of `batch`, emptied.
    fn keep(&self, batch: Batch) {
        let mut spare = self.0.borrow_mut();
        let (ids, texts) = &mut *spare;
        for (_, agreement) in batch {
            if texts.len() < MAX_SPARE {
                let Pending {
                    mut id, mut text, ..
                } = agreement;
                id.clear();
                text.clear();
                ids.push(id);
                texts.push(text);
            }
        }
    }
}

/// A load of rows in log order, taken one at a time: made by
/// [`Ledger::loading_in_log_order`], ended by [`finish`](LogOrderLoad::finish).
///
/// Each row's text is copied once, into the agreement it belongs to; the
/// agreements are read (on this thread and the load's readers) when the
/// rows are all in, since in log order the last row of an agreement may
/// come last.
pub struct LogOrderLoad {
    ledger: Ledger,
    tracker: Tracker,
    spare: Spare,
    /// Each agreement's rows in version order, agreements in the order
    /// they were created.
    pending: Vec<Pending>,
    /// Each agreement's place in `pending`.
    places: HashMap<String, usize>,
    /// The place of the last row's agreement: a log written an agreement
    /// at a time finds most rows there, without hashing their id.
    last: usize,
}

impl std::fmt::Debug for LogOrderLoad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogOrderLoad")
            .field("policy", &self.ledger.policy.name())
            .field("agreements", &self.pending.len())
            .field("seen", &self.ledger.seen)
            .finish()
    }
}

impl LogOrderLoad {
    /// Takes the row at `position` in the store's log, the next in log
    /// order. A row refused leaves the load as it was.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unreadable`] naming the agreement when the row is a
    /// second header for it, a row of an agreement with no header yet, or
    /// a version other than the one after its last (or any after its
    /// removal).
    ///
    /// # Example
    ///
    /// See [`Ledger::loading_in_log_order`].
    pub fn take(&mut self, position: i64, row: RowRef<'_>) -> Result<(), StoreError> {
        let place = match row.header {
            Some(header) => match self.places.entry(row.agreement.to_owned()) {
                Place::Occupied(taken) => {
                    return Err(StoreError::unreadable(
                        taken.key().clone(),
                        "a second header for one agreement",
                    ));
                }
                Place::Vacant(place) => {
                    let mut agreement = Pending::new_in(&self.spare, place.key(), header);
                    agreement.take(row.version, row.entry)?;
                    self.pending.push(agreement);
                    *place.insert(self.pending.len() - 1)
                }
            },
            None => {
                let place = match self.pending.get(self.last) {
                    Some(agreement) if agreement.id == row.agreement => self.last,
                    _ => *self.places.get(row.agreement).ok_or_else(|| {
                        StoreError::unreadable(
                            row.agreement,
                            "a row for an agreement with no header",
                        )
                    })?,
                };
                if let Some(agreement) = self.pending.get_mut(place) {
                    agreement.take(row.version, row.entry)?;
                }
                place
            }
        };
        self.last = place;
        self.ledger.seen = self.ledger.seen.max(position);
        Ok(())
    }

    /// Reads the agreements whose rows were taken, in the order they were
    /// created, through the crate's loader, and returns the ledger.
    ///
    /// # Errors
    ///
    /// As [`Ledger::load_with_occasions`]: the first agreement in order
    /// whose rows break a rule, named with its entry.
    ///
    /// # Example
    ///
    /// See [`Ledger::loading_in_log_order`].
    pub fn finish(self) -> Result<Ledger, StoreError> {
        let LogOrderLoad {
            mut ledger,
            tracker,
            spare,
            pending,
            places,
            ..
        } = self;
        drop(places);
        ledger.take_in(tracker, pending.into_iter().map(Ok), &spare)?;
        Ok(ledger)
    }
}

/// A row of a store's log as a cursor lends it, until the next: what
/// [`Rows`] holds, borrowed from where it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef<'a> {
    /// The agreement's id, as written.
    pub agreement: &'a str,
    /// The agreement's version after the row.
    pub version: u64,
    /// The header, on the row of version 1.
    pub header: Option<&'a str>,
    /// The entry as a document writes it; `None` for a removal.
    pub entry: Option<&'a str>,
}

impl From<RowRef<'_>> for Rows {
    fn from(row: RowRef<'_>) -> Self {
        Rows {
            agreement: row.agreement.to_owned(),
            version: row.version,
            header: row.header.map(str::to_owned),
            entry: row.entry.map(str::to_owned),
        }
    }
}

impl Rows {
    /// The row, borrowed.
    pub fn as_row_ref(&self) -> RowRef<'_> {
        RowRef {
            agreement: &self.agreement,
            version: self.version,
            header: self.header.as_deref(),
            entry: self.entry.as_deref(),
        }
    }
}

/// Rows of a store's log lent one at a time, each with its position in
/// the log, each borrowed until the next is asked for: a database cursor's
/// current row, read without copying its text into strings of its own.
/// [`Ledger::load_by_agreement`] reads them.
///
/// [`OwnedRows`] lends the rows an iterator gives.
pub trait RowCursor {
    /// The next row, `None` after the last, or the error that ends the
    /// rows (one of the database, say).
    fn next_row(&mut self) -> Option<Result<(i64, RowRef<'_>), StoreError>>;
}

/// A [`RowCursor`] over rows already owned: those an iterator gives.
///
/// # Example
///
/// ```
/// use bilateral_store::{OwnedRows, RowCursor, Rows};
/// let row = Rows { agreement: "a".into(), version: 2, header: None, entry: None };
/// let mut cursor = OwnedRows::new([Ok((7, row))]);
/// let (position, lent) = cursor.next_row().unwrap()?;
/// assert_eq!((position, lent.agreement, lent.version), (7, "a", 2));
/// assert!(cursor.next_row().is_none());
/// # Ok::<(), bilateral_store::StoreError>(())
/// ```
#[derive(Debug, Clone)]
pub struct OwnedRows<I> {
    rows: I,
    current: Option<Rows>,
}

impl<I: Iterator<Item = Result<(i64, Rows), StoreError>>> OwnedRows<I> {
    /// Lends the rows that `rows` gives, in their order.
    pub fn new(rows: impl IntoIterator<IntoIter = I>) -> Self {
        OwnedRows {
            rows: rows.into_iter(),
            current: None,
        }
    }
}

impl<I: Iterator<Item = Result<(i64, Rows), StoreError>>> RowCursor for OwnedRows<I> {
    fn next_row(&mut self) -> Option<Result<(i64, RowRef<'_>), StoreError>> {
        match self.rows.next()? {
            Ok((position, row)) => {
                let row = self.current.insert(row);
                Some(Ok((position, row.as_row_ref())))
            }
            Err(error) => Some(Err(error)),
        }
    }
}

/// The agreements that rows grouped by agreement make (each agreement's
/// rows together, in version order, the agreements in the order they were
/// created): each complete when the first row of the next comes, so that
/// it can be read while the rows after it are still being fetched.
struct Grouped<'s, C> {
    rows: C,
    /// Where the strings of each agreement come from.
    spare: &'s Spare,
    current: Option<Pending>,
    /// The last position read.
    seen: i64,
    /// Whether the rows have ended (an error or the last row given).
    ended: bool,
}

impl<C: RowCursor> Iterator for Grouped<'_, C> {
    type Item = Result<Pending, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.ended {
                return None;
            }
            let (position, row) = match self.rows.next_row() {
                None => {
                    self.ended = true;
                    return self.current.take().map(Ok);
                }
                Some(Err(error)) => {
                    self.ended = true;
                    return Some(Err(error));
                }
                Some(Ok(row)) => row,
            };
            self.seen = self.seen.max(position);
            let RowRef {
                agreement,
                version,
                header,
                entry,
            } = row;
            let taken = match (&mut self.current, header) {
                (Some(current), None) if current.id == agreement => current.take(version, entry),
                (Some(current), Some(_)) if current.id == agreement => Err(StoreError::unreadable(
                    agreement,
                    "a second header for one agreement",
                )),
                (_, None) => Err(StoreError::unreadable(
                    agreement,
                    "a row for an agreement with no header",
                )),
                (_, Some(header)) => {
                    let mut next = Pending::new_in(self.spare, agreement, header);
                    match next.take(version, entry) {
                        Ok(()) => match self.current.replace(next) {
                            Some(done) => return Some(Ok(done)),
                            None => Ok(()),
                        },
                        Err(error) => Err(error),
                    }
                }
            };
            if let Err(error) = taken {
                self.ended = true;
                return Some(Err(error));
            }
        }
    }
}

/// The error of a document the core refused, of `agreement`'s rows: text
/// it could not read is a row no store could have written; anything else
/// an invalid history.
fn unloaded(error: DocumentError, agreement: &str) -> StoreError {
    match error {
        DocumentError::Syntax { .. } => StoreError::unreadable(agreement, error.to_string()),
        error => StoreError::Invalid(error),
    }
}

/// As [`unloaded`], of rows of no one agreement.
fn invalid_document(error: DocumentError) -> StoreError {
    unloaded(error, "(one of them)")
}

/// An agreement's element read under `policy`, at `position`, sharing the
/// parties of those read before it: a row that is no JSON at all is
/// unreadable, naming the agreement.
fn read_element(
    agreement: &mut Pending,
    position: usize,
    policy: &Policy,
    parties: &mut PartyCache,
) -> Result<Tracked, StoreError> {
    let mut reader = serde_json::Deserializer::from_str(agreement.element());
    Tracked::read_with(&mut reader, policy, position, parties)
        .map_err(|error| unloaded(error, &agreement.id))
}

/// Agreements a worker reads before handing them over together.
const BATCH: usize = 256;

/// The most threads opening a store reads agreements on, beside the one
/// that fetches the rows.
const MAX_READERS: usize = 8;

/// Batches a reader holds waiting, beside the one it reads: with two, a
/// reader still has work while the fetching thread reads a batch itself.
const WAITING: usize = 2;

/// How many threads opening a store reads agreements on, beside the one
/// that fetches the rows (which reads too, when every reader is busy): one
/// fewer than the machine has, up to [`MAX_READERS`]. A reader more than
/// the cores would take time from the fetching thread, which alone can
/// fetch the rows.
fn readers() -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .saturating_sub(1)
        .min(MAX_READERS)
}

/// Agreements held, each with its place among them, handed to a reader.
type Batch = Vec<(usize, Pending)>;

/// A batch read: the agreements in order, up to the first refused, and
/// the batch handed back, its strings to be used again.
type Read = (Vec<Result<Tracked, StoreError>>, Batch);

/// A reader's thread, seen from the thread that feeds it: where batches
/// go, and where what it read comes back, batch by batch.
struct Reader {
    inbox: std::sync::mpsc::SyncSender<Batch>,
    outbox: std::sync::mpsc::Receiver<Read>,
}

/// Where a batch went, in the order batches were made: to a reader, which
/// hands it back read in the order it was given its batches, or read on
/// the fetching thread at once.
enum Handed {
    /// To the reader at this place among the readers.
    Reader(usize),
    /// Read on the fetching thread.
    Read(Read),
}

/// What became of a batch offered to the readers.
enum Offered {
    /// The reader at this place took it.
    Taken(usize),
    /// Every reader is busy, or there are none: the batch is to be read
    /// on the fetching thread.
    Busy(Batch),
    /// A reader has stopped, after a refusal that taking in what was
    /// handed over will meet: nothing more need be read.
    Stopped,
}

/// The readers of a load, seen from the thread that feeds them.
struct Crew {
    readers: Vec<Reader>,
    /// The most readers there may be.
    most: usize,
    /// The reader offered the next batch first.
    next: usize,
}

impl Crew {
    /// No readers yet, and at most `most`.
    fn new(most: usize) -> Self {
        Crew {
            readers: Vec::new(),
            most,
            next: 0,
        }
    }

    /// Offers `batch` to the readers, from the one after the last that
    /// took a batch on; the first with room takes it. A reader not yet
    /// started is started (by `start`) when its turn comes, and has room.
    fn offer(&mut self, mut batch: Batch, start: &mut dyn FnMut() -> Reader) -> Offered {
        for step in 0..self.most {
            let turn = (self.next + step) % self.most;
            if turn == self.readers.len() {
                self.readers.push(start());
            }
            let Some(reader) = self.readers.get(turn) else {
                continue;
            };
            match reader.inbox.try_send(batch) {
                Ok(()) => {
                    self.next = turn + 1;
                    return Offered::Taken(turn);
                }
                Err(std::sync::mpsc::TrySendError::Full(back)) => batch = back,
                Err(std::sync::mpsc::TrySendError::Disconnected(_)) => return Offered::Stopped,
            }
        }
        Offered::Busy(batch)
    }
}

/// Whether `batch` is full, to be handed over: the size of a batch
/// spreads the reading and spares hand-overs, and changes nothing read.
fn is_full(batch: &Batch) -> bool {
    batch.len() >= BATCH
}

/// The agreements of `batch` read in order, up to the first refused.
fn read_batch(
    batch: &mut Batch,
    policy: &Policy,
    parties: &mut PartyCache,
) -> Vec<Result<Tracked, StoreError>> {
    let mut read = Vec::with_capacity(batch.len());
    for (position, agreement) in batch.iter_mut() {
        let tracked = read_element(agreement, *position, policy, parties);
        let refused = tracked.is_err();
        read.push(tracked);
        if refused {
            break;
        }
    }
    read
}

/// Reads the batches that come to `inbox` and hands each back read, until
/// the feeding thread hangs up or after handing over a refusal (the rest
/// of that batch unread).
fn read_batches(
    inbox: &std::sync::mpsc::Receiver<Batch>,
    outbox: &std::sync::mpsc::Sender<Read>,
    policy: &Policy,
) {
    let mut parties = PartyCache::new();
    for mut batch in inbox {
        let read = read_batch(&mut batch, policy, &mut parties);
        let refused = read.last().is_some_and(Result::is_err);
        if outbox.send((read, batch)).is_err() || refused {
            break;
        }
    }
}

/// Takes the agreements that `agreements` gives (in the order they were
/// created) into `tracker`, the removed ones into `removed` too. Each held
/// agreement is read (its JSON parsed and its history replayed, most of
/// the work) apart, batch by batch: by one of up to `readers` threads (see
/// [`Crew::offer`]), or on this thread when every reader is busy, and the
/// last batch always here, so that no core waits while this one fetches
/// rows (from a database cursor, say). This thread takes in what was read
/// batch by batch, in order, as it comes. The first refusal in order wins,
/// whether the reading or `agreements` met it; the readers stop at their
/// next batch.
fn load_apart(
    tracker: Tracker,
    agreements: impl Iterator<Item = Result<Pending, StoreError>>,
    policy: &Policy,
    readers: usize,
    removed: &mut HashMap<AgreementId, u64>,
    spare: &Spare,
) -> Result<Tracker, StoreError> {
    let mut loader = tracker.loader();
    let mut removals = Vec::new();
    std::thread::scope(|scope| -> Result<(), StoreError> {
        let mut crew = Crew::new(readers);
        let mut start = || {
            let (inbox, inbox_of_reader) = std::sync::mpsc::sync_channel(WAITING);
            let (outbox_of_reader, outbox) = std::sync::mpsc::channel();
            scope.spawn(move || read_batches(&inbox_of_reader, &outbox_of_reader, policy));
            Reader { inbox, outbox }
        };
        // Where each batch went, from the first not yet taken in.
        let mut order = VecDeque::new();
        let mut batch: Batch = Vec::with_capacity(BATCH);
        // The parties of the agreements read on this thread.
        let mut parties = PartyCache::new();
        let mut held = 0;
        let mut stopped = None;
        // Hands `batch` to a reader, or reads it here when every reader is
        // busy, or when it is the `last` (this thread would only wait);
        // false when nothing more need be read (a reader stopped, or this
        // thread met a refusal).
        let mut hand_over =
            |batch: Batch, crew: &mut Crew, order: &mut VecDeque<Handed>, last: bool| -> bool {
                let offered = if last {
                    Offered::Busy(batch)
                } else {
                    crew.offer(batch, &mut start)
                };
                match offered {
                    Offered::Taken(turn) => {
                        order.push_back(Handed::Reader(turn));
                        true
                    }
                    Offered::Busy(mut batch) => {
                        let read = read_batch(&mut batch, policy, &mut parties);
                        let refused = read.last().is_some_and(Result::is_err);
                        order.push_back(Handed::Read((read, batch)));
                        !refused
                    }
                    Offered::Stopped => false,
                }
            };
        for agreement in agreements {
            let agreement = match agreement {
                Ok(agreement) if agreement.removed => {
                    match agreement.id.parse::<AgreementId>() {
                        Ok(id) => removals.push((id, agreement.version)),
                        Err(error) => {
                            stopped = Some(StoreError::unreadable(agreement.id, error.to_string()));
                            break;
                        }
                    }
                    continue;
                }
                Ok(agreement) if !agreement.object => {
                    stopped = Some(StoreError::unreadable(
                        agreement.id,
                        "a header that is no object",
                    ));
                    break;
                }
                Ok(agreement) => agreement,
                Err(error) => {
                    stopped = Some(error);
                    break;
                }
            };
            batch.push((held, agreement));
            held += 1;
            if is_full(&batch) {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                if !hand_over(full, &mut crew, &mut order, false) {
                    break;
                }
                // What has been read so far, taken in without waiting.
                take_read(&mut order, &crew.readers, false, &mut loader, spare)?;
            }
        }
        if !batch.is_empty() {
            hand_over(batch, &mut crew, &mut order, true);
        }
        // A reader stops early only after handing over a refusal, which
        // taking in meets first (and one that panicked makes the scope
        // panic), so every batch handed over comes back.
        take_read(&mut order, &crew.readers, true, &mut loader, spare)?;
        stopped.map_or(Ok(()), Err)
    })?;
    // The tracker remembers the last version an agreement had, as its own
    // removal does; the ledger the version of the removal's row.
    for (id, version) in removals {
        loader.insert_removed(id, version.saturating_sub(1));
        removed.insert(id, version);
    }
    loader.finish().map_err(invalid_document)
}

/// Takes into `loader` what was read of the batches of `order`, in order,
/// each batch's strings kept in `spare`: every batch, waiting for the
/// readers, when `wait`; else up to the first a reader still holds.
fn take_read(
    order: &mut VecDeque<Handed>,
    crew: &[Reader],
    wait: bool,
    loader: &mut bilateral::tracker::Loader,
    spare: &Spare,
) -> Result<(), StoreError> {
    while let Some(handed) = order.pop_front() {
        let (read, batch) = match handed {
            Handed::Read(read) => read,
            Handed::Reader(turn) => {
                let outbox = crew.get(turn).map(|reader| &reader.outbox);
                let back = if wait {
                    outbox.and_then(|outbox| outbox.recv().ok())
                } else {
                    outbox.and_then(|outbox| outbox.try_recv().ok())
                };
                match back {
                    Some(read) => read,
                    None => {
                        order.push_front(Handed::Reader(turn));
                        return Ok(());
                    }
                }
            }
        };
        for tracked in read {
            loader.insert(tracked?).map_err(StoreError::Invalid)?;
        }
        spare.keep(batch);
    }
    Ok(())
}

/// A row of a store's log, as read back in the order written: one entry
/// of an agreement (its first, with the agreement's header), or its
/// removal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rows {
    /// The agreement's id, as written.
    pub agreement: String,
    /// The agreement's version after the row.
    pub version: u64,
    /// The header (the agreement's document without its entries), on the
    /// row of version 1.
    pub header: Option<String>,
    /// The entry as a document writes it; `None` for a removal.
    pub entry: Option<String>,
}

/// A creation validated: the rows to write, then
/// [`Ledger::commit_create`].
#[derive(Debug, Clone)]
pub struct Created {
    agreement: Agreement,
    /// The agreement's id.
    pub id: AgreementId,
    /// The header row: the agreement's document without its entries.
    pub header: String,
    /// The first entry, as a document writes it.
    pub entry: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// A change validated: the row to write, then [`Ledger::commit`].
#[derive(Debug, Clone)]
pub struct Prepared {
    agreement: Agreement,
    change: Change,
    /// The agreement.
    pub id: AgreementId,
    /// The version the change expects.
    pub expected: u64,
    /// The version the change makes: `expected + 1`.
    pub version: u64,
    /// The kind of change: `record`, `correct`, `retract`, `dispute` or
    /// `resolve`.
    pub action: &'static str,
    /// The entry, as a document writes it.
    pub entry: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

/// An occasion validated: the row to write, then
/// [`Ledger::commit_occasion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedOccasion {
    occasion: Occasion,
    /// Its name, which no other occasion of the store has.
    pub name: String,
    /// The occasion as a tracker document writes it.
    pub document: String,
}

/// A removal validated: the row to write, then
/// [`Ledger::commit_remove`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// The agreement.
    pub id: AgreementId,
    /// The version the removal expects.
    pub expected: u64,
    /// The removal's row version: `expected + 1`.
    pub version: u64,
    /// When it was removed.
    pub recorded_at: DateTime<Utc>,
}

/// The in-memory half of a store: the tracker the store's rows rebuild,
/// the policy and the clock changes are judged under.
///
/// A store writes a change in three steps, all while no other writer can
/// write (inside its write transaction, under its writers' lock): it
/// catches the ledger up with every row and occasion written before
/// ([`catch_up`](Ledger::catch_up), [`catch_up_occasions`](Ledger::catch_up_occasions)),
/// [`prepare`](Ledger::prepare) validates the change into the row to write
/// (nothing changes), the store writes the row, and once it is durable
/// [`commit`](Ledger::commit) applies it to the tracker. Every row before
/// the one committed is then known to the ledger, so its position is where
/// the next catch-up starts.
pub struct Ledger {
    tracker: Tracker,
    policy: Policy,
    clock: Arc<dyn Clock>,
    pinned: Pinned,
    /// Agreements removed, with the version of their removal row: an id
    /// once held is never used again.
    removed: HashMap<AgreementId, u64>,
    /// The position in the store's log of the last row read (0: none).
    seen: i64,
    /// The position in the store's list of occasions of the last one read
    /// (0: none).
    seen_occasions: i64,
}

impl std::fmt::Debug for Ledger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ledger")
            .field("policy", &self.policy.name())
            .field("agreements", &self.tracker.len())
            .field("removed", &self.removed.len())
            .finish()
    }
}

fn refused(error: impl Into<bilateral::Error>) -> StoreError {
    StoreError::Refused(error.into())
}

fn action(change: &Change) -> &'static str {
    match change {
        Change::Record(_) => "record",
        Change::Correct(_) => "correct",
        Change::Dispute(_) => "dispute",
        Change::Resolve { .. } => "resolve",
        _ => "retract",
    }
}

impl Ledger {
    /// An empty ledger under `policy`, reading time from `clock`.
    pub fn new(policy: Policy, clock: Arc<dyn Clock>) -> Self {
        let pinned = Pinned::default();
        Ledger {
            tracker: Tracker::with_policy(policy.clone()).with_clock(pinned.clone()),
            policy,
            clock,
            pinned,
            removed: HashMap::new(),
            seen: 0,
            seen_occasions: 0,
        }
    }

    /// The position in the store's log of the last row this ledger has
    /// read: a store reads the rows after it to catch up.
    pub fn seen(&self) -> i64 {
        self.seen
    }

    /// The position in the store's list of occasions of the last one this
    /// ledger has read: a store reads those after it to catch up.
    pub fn seen_occasions(&self) -> i64 {
        self.seen_occasions
    }

    /// The agreements.
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// The policy.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The policy as a document writes it, for a store to record.
    pub fn policy_document(&self) -> String {
        serde_json::to_string(&PolicyDocument::from(&self.policy)).unwrap_or_default()
    }

    /// Checks that a store recorded `document` as its policy is one with
    /// this ledger's transition table.
    ///
    /// # Errors
    ///
    /// [`StoreError::OtherPolicy`] when its table differs,
    /// [`StoreError::Unreadable`] when it is no policy document.
    pub fn check_policy(&self, document: &str) -> Result<(), StoreError> {
        let found: PolicyDocument =
            serde_json::from_str(document).map_err(|error| StoreError::Unreadable {
                agreement: "(the store's policy)".to_owned(),
                reason: error.to_string(),
            })?;
        let value = serde_json::to_value(&found).unwrap_or(Value::Null);
        let found_policy = found.into_policy(&self.guards());
        match found_policy {
            Ok(policy) if policy.stamp().fingerprint() == self.policy.stamp().fingerprint() => {
                Ok(())
            }
            _ => Err(StoreError::OtherPolicy {
                found: value["name"].as_str().unwrap_or_default().to_owned(),
                given: self.policy.name().to_owned(),
            }),
        }
    }

    /// The guards of the ledger's policy, by name, for the loader.
    fn guards(&self) -> Guards {
        let mut guards = Guards::builtin();
        for (_, guard) in self.policy.guards() {
            if guards.get(guard.name()).is_none() {
                let _ = guards.register_arc(Arc::clone(guard));
            }
        }
        guards
    }

    /// Whether the store holds or once held `id`.
    fn known(&self, id: AgreementId) -> bool {
        self.tracker.contains(id) || self.removed.contains_key(&id)
    }

    /// The version `id` is at, or why a change to it cannot be made.
    fn at_version(&self, id: AgreementId, expected: u64) -> Result<&Agreement, StoreError> {
        let (Some(agreement), Some(version)) = (self.tracker.get(id), self.tracker.version(id))
        else {
            return Err(match self.removed.get(&id) {
                Some(removed) => StoreError::Conflict {
                    agreement: id,
                    expected,
                    actual: *removed,
                },
                None => StoreError::UnknownAgreement { agreement: id },
            });
        };
        if version != expected {
            return Err(StoreError::Conflict {
                agreement: id,
                expected,
                actual: version,
            });
        }
        Ok(agreement)
    }

    /// Validates a creation at the clock's now: the rows to write.
    ///
    /// # Errors
    ///
    /// [`StoreError::Refused`] when the core refuses it,
    /// [`StoreError::DuplicateAgreement`] when the store holds or once held
    /// its id.
    pub fn prepare_create(
        &self,
        builder: AgreementBuilder,
        first: Event,
    ) -> Result<Created, StoreError> {
        let now = self.clock.now();
        let at_now = FixedClock::new(now);
        let agreement = builder
            .build_with(&Context::new(&self.policy, &at_now), first)
            .map_err(refused)?;
        let id = agreement.id();
        if self.known(id) {
            return Err(StoreError::DuplicateAgreement { agreement: id });
        }
        self.tracker.check_references(&agreement).map_err(refused)?;
        let mut header = serde_json::to_value(&agreement).map_err(StoreError::database)?;
        let entries = header
            .as_object_mut()
            .and_then(|object| {
                object.remove("policy");
                object.remove("entries")
            })
            .unwrap_or(Value::Null);
        let recorded_at = agreement.entries().first().map_or(now, Entry::recorded_at);
        Ok(Created {
            id,
            header: header.to_string(),
            entry: entries[0].to_string(),
            recorded_at,
            agreement,
        })
    }

    /// Takes a creation once its rows are durable, its entry at
    /// `position` in the store's log.
    pub fn commit_create(&mut self, created: Created, position: i64) {
        self.seen = self.seen.max(position);
        let _ = self.tracker.insert(created.agreement);
    }

    /// Validates `change` to `id`, expected at version `expected`, at the
    /// clock's now: the row to write.
    ///
    /// # Errors
    ///
    /// [`StoreError::Conflict`] when the ledger holds another version (or
    /// the agreement was removed), [`StoreError::UnknownAgreement`] when it
    /// holds none, [`StoreError::Refused`] when the core refuses the change.
    pub fn prepare(
        &self,
        id: AgreementId,
        expected: u64,
        change: Change,
    ) -> Result<Prepared, StoreError> {
        let mut agreement = self.at_version(id, expected)?.clone();
        let now = self.clock.now();
        let at_now = FixedClock::new(now);
        let receipt = agreement
            .apply_with(&Context::new(&self.policy, &at_now), change.clone())
            .map_err(refused)?;
        // The version entering the history (recorded, corrected, or the
        // rival claim a resolution keeps) is checked against the others.
        let entering = receipt
            .arrived
            .and_then(|placed| agreement.entries().get(placed.entry))
            .and_then(Entry::event);
        if let Some(event) = entering
            && (!event.links().is_empty()
                || event
                    .occasion()
                    .is_some_and(|name| self.tracker.occasion(name).is_some()))
        {
            self.tracker.check_references(&agreement).map_err(refused)?;
        }
        let entry = agreement
            .entries()
            .get(receipt.entry)
            .map(|entry| serde_json::to_string(entry).unwrap_or_default())
            .unwrap_or_default();
        Ok(Prepared {
            action: action(&change),
            agreement,
            change,
            id,
            expected,
            version: expected + 1,
            entry,
            recorded_at: now,
        })
    }

    /// Takes a change once its row is durable, at `position` in the
    /// store's log; the new version.
    pub fn commit(&mut self, prepared: Prepared, position: i64) -> u64 {
        self.seen = self.seen.max(position);
        self.pinned.set(prepared.recorded_at);
        let Prepared {
            agreement,
            change,
            id,
            expected,
            version,
            ..
        } = prepared;
        if self.tracker.apply(id, Some(expected), change).is_err() {
            // Judged again, the change was refused (a guard that answers
            // differently the second time): the row is written, so the
            // agreement is the one first judged.
            self.tracker.remove(id);
            let _ = self.tracker.insert(agreement);
        }
        version
    }

    /// Validates an occasion to make known to the store: no other has its
    /// name, and every event in force that names it is dated within it.
    ///
    /// # Errors
    ///
    /// [`StoreError::Refused`] when the tracker refuses it.
    pub fn prepare_occasion(&self, occasion: Occasion) -> Result<PreparedOccasion, StoreError> {
        self.tracker
            .check_new_occasion(&occasion)
            .map_err(refused)?;
        let document = serde_json::to_string(&occasion).map_err(StoreError::database)?;
        Ok(PreparedOccasion {
            name: occasion.name().to_owned(),
            document,
            occasion,
        })
    }

    /// Takes an occasion once its row is durable, at `position` in the
    /// store's list of occasions. (A store writes it while no other writer
    /// can, having caught up first, so every occasion before `position` is
    /// known.)
    pub fn commit_occasion(&mut self, prepared: PreparedOccasion, position: i64) {
        self.seen_occasions = self.seen_occasions.max(position);
        let _ = self.tracker.add_occasion(prepared.occasion);
    }

    /// Catches up with the occasions after
    /// [`seen_occasions`](Ledger::seen_occasions), each with its position
    /// in the store's list and as a tracker document writes it; how many
    /// it added.
    ///
    /// # Errors
    ///
    /// [`StoreError::Unreadable`] for a row that is no occasion,
    /// [`StoreError::InvalidOccasion`] for one the tracker refuses. Those
    /// before it stay added.
    pub fn catch_up_occasions(
        &mut self,
        rows: impl IntoIterator<Item = (i64, String)>,
    ) -> Result<usize, StoreError> {
        let mut added = 0;
        for (position, text) in rows {
            if position <= self.seen_occasions {
                continue;
            }
            let occasion: Occasion = serde_json::from_str(&text)
                .map_err(|error| StoreError::unreadable("(an occasion)", error.to_string()))?;
            let name = occasion.name().to_owned();
            self.tracker
                .add_occasion(occasion)
                .map_err(|error| StoreError::InvalidOccasion {
                    name,
                    source: error.into(),
                })?;
            self.seen_occasions = position;
            added += 1;
        }
        Ok(added)
    }

    /// Validates the removal of `id`, expected at version `expected`.
    ///
    /// # Errors
    ///
    /// As [`prepare`](Ledger::prepare).
    pub fn prepare_remove(&self, id: AgreementId, expected: u64) -> Result<Removal, StoreError> {
        self.at_version(id, expected)?;
        Ok(Removal {
            id,
            expected,
            version: expected + 1,
            recorded_at: self.clock.now(),
        })
    }

    /// Takes a removal once its row is durable, at `position` in the
    /// store's log.
    pub fn commit_remove(&mut self, removal: Removal, position: i64) {
        self.seen = self.seen.max(position);
        self.tracker.remove(removal.id);
        self.removed.insert(removal.id, removal.version);
    }

    /// A ledger rebuilt from a store's rows, with their positions in its
    /// log, in the order they were written, through the core's document
    /// loader.
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] naming the agreement and the entry when the
    /// rows break a rule, [`StoreError::Unreadable`] when a row is no
    /// document at all.
    pub fn load(
        policy: Policy,
        clock: Arc<dyn Clock>,
        rows: impl IntoIterator<Item = (i64, Rows)>,
    ) -> Result<Ledger, StoreError> {
        Ledger::load_with_occasions(policy, clock, [], rows)
    }

    /// [`load`](Ledger::load) with the store's occasions, each with its
    /// position in the store's list and as a tracker document writes it:
    /// every event that names one is checked against it.
    ///
    /// # Errors
    ///
    /// As [`load`](Ledger::load); [`StoreError::Invalid`] also names an
    /// occasion repeated or one an event is dated outside.
    pub fn load_with_occasions(
        policy: Policy,
        clock: Arc<dyn Clock>,
        occasions: impl IntoIterator<Item = (i64, String)>,
        rows: impl IntoIterator<Item = (i64, Rows)>,
    ) -> Result<Ledger, StoreError> {
        Ledger::load_in_log_order(
            policy,
            clock,
            occasions,
            OwnedRows::new(rows.into_iter().map(Ok)),
        )
    }

    /// [`load_with_occasions`](Ledger::load_with_occasions) from rows lent
    /// one at a time (a [`RowCursor`]), in the order they were written:
    /// each row's text is copied once, straight into the agreement it
    /// belongs to, so that rows a database client already holds (a
    /// PostgreSQL result, say) need no strings of their own. A row that
    /// fails ends the load with its error.
    ///
    /// # Errors
    ///
    /// As [`load_with_occasions`](Ledger::load_with_occasions), and the
    /// error of a row that failed.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use bilateral::{Agreement, Event, EventKind, FixedClock, Parties, Party, Policy};
    /// use bilateral_store::{Ledger, RowCursor, RowRef, StoreError};
    ///
    /// /// Rows as a database client might hold them: text it owns, lent.
    /// struct Held(Vec<(i64, String, u64, String, Option<String>)>, usize);
    ///
    /// impl RowCursor for Held {
    ///     fn next_row(&mut self) -> Option<Result<(i64, RowRef<'_>), StoreError>> {
    ///         let (position, agreement, version, entry, header) = self.0.get(self.1)?;
    ///         self.1 += 1;
    ///         let row = RowRef { agreement, version: *version, entry: Some(entry), header: header.as_deref() };
    ///         Some(Ok((*position, row)))
    ///     }
    /// }
    ///
    /// let clock = Arc::new(FixedClock::new("2025-01-01T00:00:00Z".parse()?));
    /// let writer = Ledger::new(Policy::standard(), clock.clone());
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let proposed = Event::new(EventKind::Proposed, "2024-03".parse()?);
    /// let created = writer.prepare_create(Agreement::builder("Pact", parties), proposed)?;
    /// let rows = vec![(4, created.id.to_string(), 1, created.entry, Some(created.header))];
    /// let ledger = Ledger::load_in_log_order(Policy::standard(), clock, [], Held(rows, 0))?;
    /// assert_eq!(ledger.tracker().len(), 1);
    /// assert_eq!(ledger.seen(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_in_log_order(
        policy: Policy,
        clock: Arc<dyn Clock>,
        occasions: impl IntoIterator<Item = (i64, String)>,
        mut rows: impl RowCursor,
    ) -> Result<Ledger, StoreError> {
        let mut load = Ledger::loading_in_log_order(policy, clock, occasions)?;
        while let Some(row) = rows.next_row() {
            let (position, row) = row?;
            load.take(position, row)?;
        }
        load.finish()
    }

    /// [`load_in_log_order`](Ledger::load_in_log_order) row by row: a load
    /// that takes each row as it comes ([`LogOrderLoad::take`]) and reads
    /// the agreements when told the rows are all in
    /// ([`LogOrderLoad::finish`]). For a store whose rows arrive while it
    /// waits on something else (an asynchronous client's stream, say),
    /// so that they are taken in while the rest are still on their way.
    ///
    /// # Errors
    ///
    /// [`StoreError::Invalid`] when the occasions break a rule.
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use bilateral::{Agreement, Event, EventKind, FixedClock, Parties, Party, Policy};
    /// use bilateral_store::{Ledger, RowRef};
    ///
    /// let clock = Arc::new(FixedClock::new("2025-01-01T00:00:00Z".parse()?));
    /// let writer = Ledger::new(Policy::standard(), clock.clone());
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let proposed = Event::new(EventKind::Proposed, "2024-03".parse()?);
    /// let created = writer.prepare_create(Agreement::builder("Pact", parties), proposed)?;
    /// let id = created.id.to_string();
    ///
    /// let mut load = Ledger::loading_in_log_order(Policy::standard(), clock, [])?;
    /// // Each row as it arrives, its text lent.
    /// let row = RowRef { agreement: &id, version: 1, entry: Some(&created.entry), header: Some(&created.header) };
    /// load.take(7, row)?;
    /// let ledger = load.finish()?;
    /// assert_eq!(ledger.tracker().len(), 1);
    /// assert_eq!(ledger.seen(), 7);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn loading_in_log_order(
        policy: Policy,
        clock: Arc<dyn Clock>,
        occasions: impl IntoIterator<Item = (i64, String)>,
    ) -> Result<LogOrderLoad, StoreError> {
        let (ledger, tracker) = Ledger::begin(policy, clock, occasions)?;
        Ok(LogOrderLoad {
            ledger,
            tracker,
            spare: Spare::default(),
            pending: Vec::new(),
            places: HashMap::new(),
            last: 0,
        })
    }

    /// [`load_with_occasions`](Ledger::load_with_occasions) from rows
    /// grouped by agreement: each agreement's rows together, in version
    /// order, the agreements in the order they were created (the order of
    /// their first rows in the log). Each agreement is read as soon as the
    /// first row of the next one comes, on other threads, while this one
    /// goes on drawing rows: `rows` can be a database cursor (a
    /// [`RowCursor`]), fetching rows while those before them are read, its
    /// text copied once, straight into the agreement it belongs to
    /// ([`OwnedRows`] lends rows already read). A row that fails (an error
    /// of the database, say) ends the load with its error.
    ///
    /// # Errors
    ///
    /// As [`load_with_occasions`](Ledger::load_with_occasions), and the
    /// error of a row that failed; a row apart from the other rows of its
    /// agreement is [`StoreError::Unreadable`] (a row with no header, a
    /// second header) or, when it opens a second group with a header,
    /// [`StoreError::Invalid`] (an agreement twice).
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use bilateral::{Agreement, Event, EventKind, FixedClock, Parties, Party, Policy};
    /// use bilateral_store::{Ledger, OwnedRows, Rows};
    /// let clock = Arc::new(FixedClock::new("2025-01-01T00:00:00Z".parse()?));
    /// let writer = Ledger::new(Policy::standard(), clock.clone());
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let proposed = Event::new(EventKind::Proposed, "2024-03".parse()?);
    /// let created = writer.prepare_create(Agreement::builder("Pact", parties), proposed)?;
    /// let rows = vec![Ok((
    ///     1,
    ///     Rows {
    ///         agreement: created.id.to_string(),
    ///         version: 1,
    ///         header: Some(created.header.clone()),
    ///         entry: Some(created.entry.clone()),
    ///     },
    /// ))];
    /// let ledger = Ledger::load_by_agreement(Policy::standard(), clock, [], OwnedRows::new(rows))?;
    /// assert_eq!(ledger.tracker().len(), 1);
    /// assert_eq!(ledger.seen(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_by_agreement(
        policy: Policy,
        clock: Arc<dyn Clock>,
        occasions: impl IntoIterator<Item = (i64, String)>,
        rows: impl RowCursor,
    ) -> Result<Ledger, StoreError> {
        let (mut ledger, tracker) = Ledger::begin(policy, clock, occasions)?;
        let spare = Spare::default();
        let mut grouped = Grouped {
            rows,
            spare: &spare,
            current: None,
            seen: 0,
            ended: false,
        };
        ledger.take_in(tracker, &mut grouped, &spare)?;
        ledger.seen = grouped.seen;
        Ok(ledger)
    }

    /// A ledger about to load, and the tracker its agreements go into:
    /// the policy and the store's occasions (each with its position in the
    /// store's list), read by the core's loader.
    fn begin(
        policy: Policy,
        clock: Arc<dyn Clock>,
        occasions: impl IntoIterator<Item = (i64, String)>,
    ) -> Result<(Ledger, Tracker), StoreError> {
        let mut ledger = Ledger::new(policy, clock);
        let mut known = String::new();
        for (position, occasion) in occasions {
            ledger.seen_occasions = ledger.seen_occasions.max(position);
            if !known.is_empty() {
                known.push(',');
            }
            known.push_str(&occasion);
        }
        let head = format!(
            "{{\"format\":{},\"policy\":{},\"occasions\":[{known}],\"agreements\":[]}}",
            bilateral::document::FORMAT_VERSION,
            ledger.policy_document(),
        );
        let mut reader = serde_json::Deserializer::from_str(&head);
        let tracker = Tracker::load(&mut reader, &ledger.guards()).map_err(invalid_document)?;
        Ok((ledger, tracker))
    }

    /// Takes `agreements` into `tracker` (as [`begin`](Ledger::begin) made
    /// it), on this thread and on one reader thread fewer than the machine
    /// has (see [`readers`]), and makes it the ledger's tracker, judging by
    /// the ledger's clock; the strings of the agreements read go back to
    /// `spare`.
    fn take_in(
        &mut self,
        tracker: Tracker,
        agreements: impl Iterator<Item = Result<Pending, StoreError>>,
        spare: &Spare,
    ) -> Result<(), StoreError> {
        let tracker = load_apart(
            tracker,
            agreements,
            &self.policy,
            readers(),
            &mut self.removed,
            spare,
        )?;
        self.tracker = tracker.with_clock(self.pinned.clone());
        Ok(())
    }

    /// Catches up with what other writers wrote, occasions (as
    /// [`catch_up_occasions`](Ledger::catch_up_occasions)) then rows (as
    /// [`catch_up`](Ledger::catch_up)): what a store does inside each write
    /// and on a refresh; how many of both it applied.
    ///
    /// # Errors
    ///
    /// Those of the two.
    pub fn catch_up_with(
        &mut self,
        occasions: impl IntoIterator<Item = (i64, String)>,
        rows: impl IntoIterator<Item = (i64, Rows)>,
    ) -> Result<usize, StoreError> {
        let added = self.catch_up_occasions(occasions)?;
        Ok(added + self.catch_up(rows)?)
    }

    /// Catches up with the rows after [`seen`](Ledger::seen), with their
    /// positions in the store's log, in the order written: applies those
    /// other writers wrote (a row at or before [`seen`](Ledger::seen) is
    /// skipped); how many it applied.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidRow`] naming the agreement and version when a
    /// row breaks the history, [`StoreError::Unreadable`] when it is no
    /// document. The rows before it stay applied.
    pub fn catch_up(
        &mut self,
        rows: impl IntoIterator<Item = (i64, Rows)>,
    ) -> Result<usize, StoreError> {
        let mut applied = 0;
        for (position, row) in rows {
            if position <= self.seen {
                continue;
            }
            self.apply_row(row)?;
            applied += 1;
            self.seen = position;
        }
        Ok(applied)
    }

    fn apply_row(&mut self, row: Rows) -> Result<(), StoreError> {
        let unreadable = |reason: String| StoreError::Unreadable {
            agreement: row.agreement.clone(),
            reason,
        };
        let id: AgreementId = row
            .agreement
            .parse()
            .map_err(|e: bilateral::model::ValueError| unreadable(e.to_string()))?;
        let invalid = |error: bilateral::Error| StoreError::InvalidRow {
            agreement: id,
            version: row.version,
            source: error,
        };
        let Some(entry) = &row.entry else {
            self.tracker.remove(id);
            self.removed.insert(id, row.version);
            return Ok(());
        };
        if let Some(header) = &row.header {
            let mut document: Value =
                serde_json::from_str(header).map_err(|e| unreadable(e.to_string()))?;
            let entry: Value =
                serde_json::from_str(entry).map_err(|e| unreadable(e.to_string()))?;
            if let Some(object) = document.as_object_mut() {
                object.insert("entries".to_owned(), json!([entry]));
            }
            let document: bilateral::document::AgreementDocument =
                serde_json::from_value(document).map_err(|e| unreadable(e.to_string()))?;
            let agreement = document
                .into_agreement(&self.policy)
                .map_err(|error: DocumentError| invalid(error.into()))?;
            self.tracker
                .insert(agreement)
                .map_err(|error| invalid(error.into()))?;
            return Ok(());
        }
        let entry: Entry = serde_json::from_str(entry).map_err(|e| unreadable(e.to_string()))?;
        self.pinned.set(entry.recorded_at());
        self.tracker
            .apply(
                id,
                Some(row.version.saturating_sub(1)),
                entry.change().clone(),
            )
            .map_err(|error| invalid(error.into()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bilateral::{EventKind, Parties, Party};

    /// `count` agreements as their rows would give them, each opened by a
    /// proposal, except those at `edited`, whose row was edited by hand to
    /// open with a meeting, which no policy allows.
    fn pending(count: usize, edited: &[usize]) -> Vec<Pending> {
        pending_with(count, |n, _, entry| {
            if edited.contains(&n) {
                *entry = entry.replace("\"proposed\"", "\"meeting\"");
            }
        })
    }

    /// `count` agreements as their rows would give them, each opened by a
    /// proposal, their header and first entry given to `edit` first.
    fn pending_with(count: usize, edit: impl Fn(usize, &mut String, &mut String)) -> Vec<Pending> {
        created(count)
            .into_iter()
            .enumerate()
            .map(|(n, created)| {
                let (mut header, mut entry) = (created.header, created.entry);
                edit(n, &mut header, &mut entry);
                let mut agreement = Pending::new(&created.id.to_string(), &header);
                agreement.take(1, Some(&entry)).unwrap();
                agreement
            })
            .collect()
    }

    /// `count` agreements between India and Japan as their creation would
    /// write them, agreement `n` with id `n + 1`, each opened by a
    /// proposal.
    fn created(count: usize) -> Vec<Created> {
        let clock = Arc::new(FixedClock::new("2025-01-01T00:00:00Z".parse().unwrap()));
        let ledger = Ledger::new(Policy::standard(), clock);
        let parties = Parties::new(
            Party::state("IND", "India").unwrap(),
            Party::state("JPN", "Japan").unwrap(),
        )
        .unwrap();
        (0..count)
            .map(|n| {
                let id = AgreementId::from_uuid(bilateral::uuid::Uuid::from_u128(n as u128 + 1));
                ledger
                    .prepare_create(
                        Agreement::builder(format!("Agreement {n}"), parties.clone()).id(id),
                        Event::new(EventKind::Proposed, "2024-01-01".parse().unwrap()),
                    )
                    .unwrap()
            })
            .collect()
    }

    /// `pending` loaded on `readers` threads.
    fn load(pending: Vec<Pending>, readers: usize) -> Result<Tracker, StoreError> {
        load_from(pending.into_iter().map(Ok), readers)
    }

    /// What `agreements` gives, loaded on `readers` threads (none removed).
    fn load_from(
        agreements: impl Iterator<Item = Result<Pending, StoreError>>,
        readers: usize,
    ) -> Result<Tracker, StoreError> {
        let mut removed = HashMap::new();
        let tracker = load_apart(
            Tracker::new(),
            agreements,
            &Policy::standard(),
            readers,
            &mut removed,
            &Spare::default(),
        )?;
        assert!(removed.is_empty());
        Ok(tracker)
    }

    /// On this thread alone, or with readers beside it, the same
    /// agreements in the same order.
    #[test]
    fn agreements_read_apart_are_taken_in_in_order() {
        let count = 3 * BATCH + 17;
        let rows = pending(count, &[]);
        let alone = load(rows.clone(), 0).unwrap();
        let one = load(rows.clone(), 1).unwrap();
        let three = load(rows, 3).unwrap();
        assert_eq!(alone.len(), count);
        assert_eq!(alone, one);
        assert_eq!(one, three);
        let titles = |tracker: &Tracker| -> Vec<String> {
            tracker.iter().map(|a| a.title().to_owned()).collect()
        };
        assert_eq!(titles(&three), titles(&alone));
        assert_eq!(titles(&one), titles(&alone));
        assert_eq!(
            titles(&alone)[BATCH + 3],
            format!("Agreement {}", BATCH + 3)
        );
        // Fewer than a batch: read on this thread alone.
        assert_eq!(load(pending(5, &[]), 4).unwrap().len(), 5);
    }

    /// Agreements that come more slowly than the readers read them (rows
    /// from a slow cursor, say): what the readers hand back is taken in
    /// while the rows still come, batch by batch in order, each from the
    /// reader it went to.
    #[test]
    fn agreements_taken_in_while_rows_still_come_keep_their_order() {
        let count = 8 * BATCH + 5;
        let rows = pending(count, &[]);
        let one = load(rows.clone(), 1).unwrap();
        for readers in [2, 3] {
            // A pause before each batch after the first gives the readers
            // time to hand back what they had.
            let slow = rows.clone().into_iter().enumerate().map(|(n, agreement)| {
                if n > 0 && n % BATCH == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(40));
                }
                Ok(agreement)
            });
            let read = load_from(slow, readers).unwrap();
            assert_eq!(read, one, "{readers} readers");
            let titles: Vec<String> = read.iter().map(|a| a.title().to_owned()).collect();
            let expected: Vec<String> = (0..count).map(|n| format!("Agreement {n}")).collect();
            assert_eq!(titles, expected, "{readers} readers");
        }
    }

    /// A header that is no JSON object is refused before it is read,
    /// naming its agreement and the rule.
    #[test]
    fn a_header_that_is_no_object_is_unreadable() {
        for header in ["[1, 2]", "{\"title\": 1} x", "\"text\""] {
            let rows = pending_with(3, |n, written, _| {
                if n == 1 {
                    *written = header.to_owned();
                }
            });
            let named = rows[1].id.clone();
            let refused = load(rows, 1).unwrap_err();
            assert!(
                matches!(
                    &refused,
                    StoreError::Unreadable { agreement, reason }
                        if *agreement == named && reason == "a header that is no object"
                ),
                "{header}: {refused:?}"
            );
        }
    }

    /// The first refusal in order wins, whichever reader finds one first:
    /// here three batches hold one each, read by different readers, which
    /// may find theirs in any order.
    #[test]
    fn the_first_refusal_in_order_wins_on_any_number_of_threads() {
        for readers in [0, 1, 2, 3, 4] {
            let edited = [BATCH + 5, 2 * BATCH + 1, 3 * BATCH + 9];
            let refused = load(pending(4 * BATCH, &edited), readers).unwrap_err();
            let StoreError::Invalid(error) = &refused else {
                panic!("expected an invalid history, got {refused:?}");
            };
            assert_eq!(
                error.path(),
                Some(format!("agreements[{}].agreement.entries[0]", BATCH + 5).as_str()),
                "{readers} readers"
            );
        }
        // A row that is no JSON: unreadable, naming its agreement.
        let rows = pending_with(2 * BATCH, |n, _, entry| {
            if n == BATCH + 1 {
                *entry = "not json".to_owned();
            }
        });
        let named = rows[BATCH + 1].id.clone();
        let refused = load(rows, 2).unwrap_err();
        assert!(
            matches!(&refused, StoreError::Unreadable { agreement, .. } if *agreement == named),
            "{refused:?}"
        );
    }

    /// Rows that break off after a refused agreement: the refusal of the
    /// reading wins when it comes first in order, the broken row's when it
    /// does, however far the readers got.
    #[test]
    fn a_refusal_of_the_rows_and_one_of_the_reading_come_in_order() {
        for readers in [0, 1, 2, 3] {
            let broken = 2 * BATCH + 3;
            let agreements = |edited: &[usize]| {
                pending(3 * BATCH, edited)
                    .into_iter()
                    .enumerate()
                    .map(move |(n, agreement)| {
                        if n == broken {
                            Err(StoreError::unreadable(agreement.id, "broken"))
                        } else {
                            Ok(agreement)
                        }
                    })
            };
            let refused = load_from(agreements(&[]), readers).unwrap_err();
            assert!(
                matches!(&refused, StoreError::Unreadable { reason, .. } if reason == "broken"),
                "{readers} readers: {refused:?}"
            );
            for edited in [BATCH + 7, broken - 1] {
                let refused = load_from(agreements(&[edited]), readers).unwrap_err();
                let StoreError::Invalid(error) = &refused else {
                    panic!("{readers} readers: expected an invalid history, got {refused:?}");
                };
                assert_eq!(
                    error.path(),
                    Some(format!("agreements[{edited}].agreement.entries[0]").as_str()),
                    "{readers} readers"
                );
            }
        }
    }

    /// Strings handed back are used again, emptied, and no more are kept
    /// than a load could hold at once.
    #[test]
    fn spare_strings_are_used_again_emptied() {
        let spare = Spare::default();
        assert_eq!(spare.take(), (String::new(), String::new()));
        let batch: Batch = pending(3, &[]).into_iter().enumerate().collect();
        let room = batch[2].1.text.capacity();
        spare.keep(batch);
        let (id, text) = spare.take();
        assert!(id.is_empty() && text.is_empty());
        assert_eq!(text.capacity(), room);
        assert!(id.capacity() >= 36);
        let agreement = Pending::new_in(&spare, "an id", "{\"title\":\"T\"}");
        assert_eq!(agreement.id, "an id");
        assert_eq!(
            agreement.text,
            "{\"agreement\":{\"title\":\"T\",\"entries\":["
        );
        let many: Batch = (0..MAX_SPARE + 5)
            .map(|n| (n, Pending::new("id", "{}")))
            .collect();
        spare.keep(many);
        assert_eq!(spare.0.borrow().1.len(), MAX_SPARE);
        assert_eq!(spare.0.borrow().0.len(), MAX_SPARE);
    }

    /// An agreement's element: its header, its entries in order and its
    /// version, whatever the header's trailing space.
    #[test]
    fn an_element_holds_the_header_the_entries_and_the_version() {
        let mut agreement = Pending::new("a", "{\"title\":\"T\"}  ");
        assert!(agreement.object);
        agreement.take(1, Some("{\"e\":1}")).unwrap();
        agreement.take(2, Some("{\"e\":2}")).unwrap();
        agreement.take(3, None).unwrap();
        assert!(agreement.removed);
        assert_eq!(
            agreement.element(),
            "{\"agreement\":{\"title\":\"T\",\"entries\":[{\"e\":1},{\"e\":2}]},\"version\":3}"
        );
        assert!(!Pending::new("b", "[1]").object);
        let refused = agreement.take(4, Some("{}")).unwrap_err();
        assert!(
            matches!(&refused, StoreError::Unreadable { reason, .. } if reason == "version 4 follows version 3, its removal"),
            "{refused:?}"
        );
    }

    /// A cursor that fails ends the agreements: nothing after its error.
    #[test]
    fn agreements_end_at_the_first_error_of_the_rows() {
        let rows = pending(2, &[]);
        let row = |n: usize, version: u64| Rows {
            agreement: rows[n].id.clone(),
            version,
            header: Some("{}".to_owned()),
            entry: Some("{}".to_owned()),
        };
        let spare = Spare::default();
        let mut grouped = Grouped {
            rows: OwnedRows::new(vec![
                Ok((1, row(0, 1))),
                Err(StoreError::unreadable("x", "broken")),
                Ok((3, row(1, 1))),
            ]),
            spare: &spare,
            current: None,
            seen: 0,
            ended: false,
        };
        assert!(
            matches!(grouped.next(), Some(Err(StoreError::Unreadable { reason, .. })) if reason == "broken")
        );
        assert!(grouped.next().is_none());
        assert_eq!(grouped.seen, 1);
    }

    /// A reader as [`Crew::offer`] starts one, with no thread behind it:
    /// the test holds the other ends of its channels.
    struct Idle {
        inboxes: Vec<std::sync::mpsc::Receiver<Batch>>,
        outboxes: Vec<std::sync::mpsc::Sender<Read>>,
    }

    impl Idle {
        fn start(&mut self) -> Reader {
            let (inbox, inbox_of_reader) = std::sync::mpsc::sync_channel(WAITING);
            let (outbox_of_reader, outbox) = std::sync::mpsc::channel();
            self.inboxes.push(inbox_of_reader);
            self.outboxes.push(outbox_of_reader);
            Reader { inbox, outbox }
        }
    }

    /// A batch of `count` agreements from `from` on, in their places.
    fn batch_of(from: usize, count: usize) -> Batch {
        pending(from + count, &[])
            .into_iter()
            .enumerate()
            .skip(from)
            .collect()
    }

    /// Each batch goes to the reader after the one that took the last,
    /// the first with room, each started when its turn first comes; when
    /// every reader holds all it may, the batch comes back whole, to be
    /// read on the fetching thread; a reader that stopped stops the load.
    #[test]
    fn a_batch_goes_to_the_next_reader_with_room_or_comes_back() {
        let mut idle = Idle {
            inboxes: Vec::new(),
            outboxes: Vec::new(),
        };
        let mut crew = Crew::new(3);
        let mut turns = Vec::new();
        for n in 0..3 * WAITING {
            match crew.offer(batch_of(n, 1), &mut || idle.start()) {
                Offered::Taken(turn) => turns.push(turn),
                _ => panic!("batch {n} was not taken"),
            }
        }
        assert_eq!(turns, [0, 1, 2, 0, 1, 2]);
        assert_eq!(crew.readers.len(), 3);
        let Offered::Busy(back) = crew.offer(batch_of(7, 2), &mut || idle.start()) else {
            panic!("a batch taken by readers that hold all they may");
        };
        assert_eq!(
            back.iter().map(|(place, _)| *place).collect::<Vec<_>>(),
            [7, 8]
        );
        // Readers 1 and 2 each read a batch (the first each was given):
        // reader 0's turn has come, but the batch goes to the first after
        // it with room, then the next to the one after that.
        assert_eq!(idle.inboxes[1].try_recv().unwrap()[0].0, 1);
        assert_eq!(idle.inboxes[2].try_recv().unwrap()[0].0, 2);
        assert!(matches!(
            crew.offer(back, &mut || idle.start()),
            Offered::Taken(1)
        ));
        assert_eq!(crew.next, 2);
        assert!(matches!(
            crew.offer(batch_of(9, 1), &mut || idle.start()),
            Offered::Taken(2)
        ));
        // Reader 0 stops (after a refusal): the next offer says so.
        let _ = idle.inboxes.remove(0);
        assert!(matches!(
            crew.offer(batch_of(10, 1), &mut || idle.start()),
            Offered::Stopped
        ));
        assert_eq!(idle.inboxes.len(), 2);
        // No readers at all: every batch is read on the fetching thread,
        // and none is started.
        let mut none = Crew::new(0);
        assert!(matches!(
            none.offer(batch_of(0, 3), &mut || idle.start()),
            Offered::Busy(back) if back.len() == 3
        ));
        assert!(none.readers.is_empty());
        assert_eq!(idle.inboxes.len(), 2);
    }

    /// What was read is taken in in the order the batches were made: a
    /// batch read on the fetching thread waits for one a reader still
    /// holds before it; without waiting, nothing after that one is taken.
    #[test]
    fn what_was_read_is_taken_in_in_the_order_handed_over() {
        let policy = Policy::standard();
        let mut parties = PartyCache::new();
        let mut read =
            |mut batch: Batch| -> Read { (read_batch(&mut batch, &policy, &mut parties), batch) };
        let mut idle = Idle {
            inboxes: Vec::new(),
            outboxes: Vec::new(),
        };
        let crew = [idle.start()];
        let mut order = VecDeque::from([
            Handed::Read(read(batch_of(0, 2))),
            Handed::Reader(0),
            Handed::Read(read(batch_of(4, 3))),
        ]);
        let spare = Spare::default();
        let mut loader = Tracker::new().loader();
        take_read(&mut order, &crew, false, &mut loader, &spare).unwrap();
        assert_eq!(loader.len(), 2);
        assert_eq!(order.len(), 2);
        assert!(matches!(order.front(), Some(Handed::Reader(0))));
        // The reader hands its batch back, a moment later.
        let outbox = idle.outboxes.remove(0);
        let handed = read(batch_of(2, 2));
        let reader = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            outbox.send(handed).unwrap();
        });
        take_read(&mut order, &crew, true, &mut loader, &spare).unwrap();
        reader.join().unwrap();
        assert!(order.is_empty());
        let titles: Vec<String> = loader
            .finish()
            .unwrap()
            .iter()
            .map(|a| a.title().to_owned())
            .collect();
        let expected: Vec<String> = (0..7).map(|n| format!("Agreement {n}")).collect();
        assert_eq!(titles, expected);
        // Every batch taken in gave its strings back.
        assert_eq!(spare.0.borrow().1.len(), 7);
        // A refusal read on the fetching thread is met in its turn.
        let mut order = VecDeque::from([Handed::Read(read({
            let mut batch = batch_of(0, 1);
            batch.extend(pending(2, &[1]).into_iter().enumerate().skip(1));
            batch
        }))]);
        let mut loader = Tracker::new().loader();
        let refused = take_read(&mut order, &crew, false, &mut loader, &spare).unwrap_err();
        assert!(matches!(refused, StoreError::Invalid(_)), "{refused:?}");
        assert_eq!(loader.len(), 1);
    }

    /// Rows in the order written, lent by a cursor: they load as owned
    /// rows do, and a row that fails (an error of the database's) ends
    /// the load with its error, whatever came before it.
    #[test]
    fn a_failed_row_ends_a_load_in_log_order() {
        let clock: Arc<dyn Clock> =
            Arc::new(FixedClock::new("2025-01-01T00:00:00Z".parse().unwrap()));
        let written: Vec<(i64, Rows)> = created(2)
            .into_iter()
            .zip([10, 20])
            .map(|(created, position)| {
                let row = Rows {
                    agreement: created.id.to_string(),
                    version: 1,
                    header: Some(created.header),
                    entry: Some(created.entry),
                };
                (position, row)
            })
            .collect();
        let lent = Ledger::load_in_log_order(
            Policy::standard(),
            clock.clone(),
            [],
            OwnedRows::new(written.clone().into_iter().map(Ok)),
        )
        .unwrap();
        let owned = Ledger::load(Policy::standard(), clock.clone(), written.clone()).unwrap();
        assert_eq!(lent.tracker().len(), 2);
        assert_eq!(lent.tracker(), owned.tracker());
        assert_eq!(lent.seen(), 20);
        let broken = vec![
            Ok(written[0].clone()),
            Err(StoreError::unreadable("x", "broken")),
            Ok(written[1].clone()),
        ];
        let refused =
            Ledger::load_in_log_order(Policy::standard(), clock, [], OwnedRows::new(broken))
                .unwrap_err();
        assert!(
            matches!(&refused, StoreError::Unreadable { reason, .. } if reason == "broken"),
            "{refused:?}"
        );
    }

    /// A load fed row by row takes each row or refuses it leaving the load
    /// as it was: a refused header adds no agreement (its agreement may
    /// still come), a refused row moves no version, and neither counts as
    /// seen.
    #[test]
    fn a_row_refused_leaves_a_load_in_log_order_as_it_was() {
        let clock: Arc<dyn Clock> =
            Arc::new(FixedClock::new("2025-01-01T00:00:00Z".parse().unwrap()));
        let mut writer = Ledger::new(Policy::standard(), clock.clone());
        let [a, b]: [Created; 2] = created(2).try_into().unwrap();
        let (a_id, b_id) = (a.id, b.id);
        let row = |created: &Created| Rows {
            agreement: created.id.to_string(),
            version: 1,
            header: Some(created.header.clone()),
            entry: Some(created.entry.clone()),
        };
        let (a_row, b_row) = (row(&a), row(&b));
        writer.commit_create(a, 1);
        writer.commit_create(b, 2);
        let met = Event::new(EventKind::Meeting, "2024-02-01".parse().unwrap());
        let recorded = writer.prepare(a_id, 1, Change::Record(met)).unwrap();
        let a_next = Rows {
            agreement: a_id.to_string(),
            version: 2,
            header: None,
            entry: Some(recorded.entry.clone()),
        };
        writer.commit(recorded, 3);

        let mut load = Ledger::loading_in_log_order(Policy::standard(), clock.clone(), []).unwrap();
        load.take(1, a_row.as_row_ref()).unwrap();
        assert_eq!(
            format!("{load:?}"),
            r#"LogOrderLoad { policy: "standard", agreements: 1, seen: 1 }"#
        );
        // Each refused, in turn: the row, and the agreement and rule named.
        let refusals = [
            (
                Rows {
                    version: 2,
                    ..b_row.clone()
                },
                b_id.to_string(),
                "version 2 follows version 0",
            ),
            (
                Rows {
                    version: 3,
                    ..a_next.clone()
                },
                a_id.to_string(),
                "version 3 follows version 1",
            ),
            (
                Rows {
                    agreement: "someone".to_owned(),
                    ..a_next.clone()
                },
                "someone".to_owned(),
                "a row for an agreement with no header",
            ),
            (
                a_row.clone(),
                a_id.to_string(),
                "a second header for one agreement",
            ),
        ];
        for ((row, agreement, reason), position) in refusals.into_iter().zip(50..) {
            match load.take(position, row.as_row_ref()).unwrap_err() {
                StoreError::Unreadable {
                    agreement: named,
                    reason: broken,
                } => assert_eq!((named, broken.as_str()), (agreement, reason)),
                other => panic!("{other:?}"),
            }
        }
        load.take(2, b_row.as_row_ref()).unwrap();
        load.take(3, a_next.as_row_ref()).unwrap();
        let loaded = load.finish().unwrap();
        assert_eq!(loaded.seen(), 3);
        assert_eq!(loaded.tracker(), writer.tracker());
        assert_eq!(loaded.tracker().get(a_id).unwrap().entries().len(), 2);
    }
}
