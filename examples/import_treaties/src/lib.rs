//! Loads real treaty records (a CSV file of `title, party_a, party_b, kind,
//! subject, signature, force, term`) into a `bilateral` tracker, reporting
//! every problem with its row. Used by the `import_treaties` program and by
//! the crate's tests.
//!
//! - A signature is a finalisation, `force` an entry into force, `term` a
//!   termination, each at the precision the record gives (`1991`,
//!   `1991-05`, `1991-05-04`, with `?` for a date the source doubts).
//! - A party is found among the countries of ISO 3166 (former ones too: the
//!   USSR is `SUN`) and keeps the name the record gives; a party no country
//!   matches gets a code of its own, `X-` and its initials (ISO leaves codes
//!   beginning with X to users).
//! - A subject of `NA` leaves the agreement unclassified.
//! - A malformed date, or an event the lifecycle refuses, is reported and
//!   left out; the rest of the row is kept. A row that cannot make an
//!   agreement at all is reported and skipped.

#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

use bilateral::model::Country;
use bilateral::{
    Agreement, AgreementId, Context, Error, Event, EventDate, EventId, EventKind, FixedClock,
    InstrumentKind, Parties, Party, PartyCode, SubjectArea, Tracker,
};

/// What the import did.
#[derive(Debug, Default)]
pub struct Report {
    /// Rows read (without the header).
    pub rows: usize,
    /// Parties found among ISO's countries, and parties given codes of
    /// their own (each party once).
    pub resolved: usize,
    /// See `resolved`.
    pub custom: usize,
    /// One line per problem, `row N: …`: malformed dates, refused events,
    /// skipped rows.
    pub problems: Vec<String>,
}

/// Party codes for party names: the ISO 3166 alpha-3 code of the country
/// the name resolves to, or `X-` and the initials of its words, made
/// unique in order of first appearance.
#[derive(Default)]
pub struct Codes {
    by_name: HashMap<String, Party>,
    taken: HashMap<String, usize>,
    /// Each code given, and whether it is an ISO country's.
    given: HashMap<PartyCode, bool>,
}

impl Codes {
    /// The party a record names.
    ///
    /// # Errors
    ///
    /// A blank or overlong name.
    pub fn party(&mut self, name: &str) -> Result<Party, Error> {
        let name = name.trim();
        if let Some(party) = self.by_name.get(name) {
            return Ok(party.clone());
        }
        let (party, iso) = match Country::resolve(name) {
            Some(country) => (country.party_named(name)?, true),
            None => (self.invent(name)?, false),
        };
        self.given.entry(party.code()).or_insert(iso);
        self.by_name.insert(name.to_owned(), party.clone());
        Ok(party)
    }

    /// How many codes given are ISO countries' (several names may resolve
    /// to one country: it counts once).
    pub fn resolved(&self) -> usize {
        self.given.values().filter(|iso| **iso).count()
    }

    /// How many codes given are the importer's own.
    pub fn custom(&self) -> usize {
        self.given.len() - self.resolved()
    }

    fn invent(&mut self, name: &str) -> Result<Party, Error> {
        let initials: String = name
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter_map(|word| word.chars().next())
            .map(|c| c.to_ascii_uppercase())
            .take(12)
            .collect();
        let base = if initials.len() >= 2 {
            initials
        } else {
            name.chars()
                .filter(char::is_ascii_alphanumeric)
                .take(3)
                .collect::<String>()
                .to_uppercase()
        };
        let seen = self.taken.entry(base.clone()).or_insert(0);
        *seen += 1;
        let code = if *seen == 1 {
            format!("X-{base}")
        } else {
            format!("X-{base}-{seen}")
        };
        let code: PartyCode = code.parse()?;
        let organisation = [
            "Community",
            "Union",
            "Organization",
            "Organisation",
            "Government",
        ]
        .iter()
        .any(|word| name.contains(word) && !name.contains("Soviet"));
        Ok(if organisation {
            Party::organisation(code.as_str(), name)?
        } else {
            Party::state(code.as_str(), name)?
        })
    }
}

/// Each distinct value of a column parsed once: a file names a few kinds
/// of instrument and subjects many times over.
struct Known<T> {
    parsed: HashMap<String, T>,
}

impl<T: Clone> Known<T> {
    fn new() -> Self {
        Known {
            parsed: HashMap::new(),
        }
    }

    /// What `parse` makes of `text`, parsed the first time it is seen.
    fn get(&mut self, text: &str, parse: impl FnOnce(&str) -> T) -> T {
        if let Some(value) = self.parsed.get(text) {
            return value.clone();
        }
        let value = parse(text);
        self.parsed.insert(text.to_owned(), value.clone());
        value
    }
}

/// The parties, kinds and subjects a file names, each resolved or parsed
/// once.
struct Vocabulary {
    codes: Codes,
    kinds: Known<InstrumentKind>,
    /// Each subject as the one-area list the agreements on it share.
    subjects: Known<Result<Arc<[SubjectArea]>, bilateral::model::ValueError>>,
}

/// A date column: `NA` (or nothing) is no date; anything else must parse.
fn date(row: u64, column: &str, text: &str, problems: &mut Vec<String>) -> Option<EventDate> {
    if text == "NA" || text.is_empty() {
        return None;
    }
    match text.parse() {
        Ok(date) => Some(date),
        Err(err) => {
            problems.push(format!("row {row}: {column}: {err}"));
            None
        }
    }
}

/// A title broken over lines in the file, as one line of text: words
/// joined by single spaces. Most titles already are, and are borrowed (a
/// blank at either end is left for the crate, which trims every title).
fn one_line(raw: &str) -> Cow<'_, str> {
    // Printable ASCII without two blanks in a row is one line already (a
    // blank at either end is trimmed by the crate); anything else (a line
    // break, a tab, a character past ASCII, which may be white space) is
    // split into words and joined. A fold rather than `all`, so that the
    // compiler checks many bytes at once.
    let printable = raw
        .bytes()
        .fold(true, |all, byte| all & (byte.wrapping_sub(b' ') < 0x5f));
    if printable && !raw.contains("  ") {
        Cow::Borrowed(raw)
    } else {
        Cow::Owned(raw.split_whitespace().collect::<Vec<_>>().join(" "))
    }
}

/// The columns a file must have, in any order.
const COLUMNS: [&str; 8] = [
    "title",
    "party_a",
    "party_b",
    "kind",
    "subject",
    "signature",
    "force",
    "term",
];

/// Rows a reading thread hands over at a time.
const BATCH: usize = 256;

/// One row as the reading thread built it: the agreement for the tracker,
/// if the row made one, and the row's problems so far.
struct Built {
    row: u64,
    agreement: Option<Agreement>,
    problems: Vec<String>,
}

/// Reads CSV records into a tracker under the standard policy (see the
/// crate's docs for the mapping).
///
/// Two threads share the work: one reads the file and builds each row's
/// agreement (parsing, validating its history), the other, the caller's,
/// inserts them into the tracker, so that neither waits for the other.
/// Problems are reported in row order either way.
///
/// # Errors
///
/// A file that cannot be read as CSV at all, or lacks a column; a bad row
/// is a problem in the report, not an error.
pub fn import(input: impl Read + Send) -> Result<(Tracker, Report), Box<dyn std::error::Error>> {
    // Recording instants are fixed so that the import is reproducible.
    let clock = FixedClock::new("2026-01-01T00:00:00Z".parse()?);
    let tracker = Tracker::new().with_clock(clock);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(input);
    let headers = reader.headers()?.clone();
    let mut at = [0usize; COLUMNS.len()];
    for (slot, column) in at.iter_mut().zip(COLUMNS) {
        *slot = headers
            .iter()
            .position(|header| header.trim() == column)
            .ok_or_else(|| format!("the file has no column {column:?}"))?;
    }
    let policy = tracker.policy().clone();
    let mut problems = Vec::new();
    let (sender, batches) = std::sync::mpsc::sync_channel::<Vec<Built>>(4);
    // Every row in at once: the events are indexed by date at the end.
    let mut bulk = tracker.bulk();
    let read = std::thread::scope(|scope| {
        let reading = scope.spawn(|| read_rows(reader, at, &Context::new(&policy, &clock), sender));
        for batch in batches {
            for built in batch {
                problems.extend(built.problems);
                if let Some(agreement) = built.agreement
                    && let Err(err) = bulk.insert(agreement)
                {
                    problems.push(format!("row {}: skipped: {err}", built.row));
                }
            }
        }
        reading.join()
    });
    let (rows, codes) = match read {
        Ok(read) => read?,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    let tracker = bulk.finish();
    let report = Report {
        rows,
        resolved: codes.resolved(),
        custom: codes.custom(),
        problems,
    };
    Ok((tracker, report))
}

/// The reading thread: reads every record, builds its agreement, and sends
/// them on in batches; the rows it read and the codes it gave.
fn read_rows(
    mut reader: csv::Reader<impl Read>,
    at: [usize; COLUMNS.len()],
    context: &Context<'_>,
    sender: std::sync::mpsc::SyncSender<Vec<Built>>,
) -> Result<(usize, Codes), csv::Error> {
    let mut vocabulary = Vocabulary {
        codes: Codes::default(),
        kinds: Known::new(),
        subjects: Known::new(),
    };
    let mut rows = 0;
    let mut batch = Vec::with_capacity(BATCH);
    // One record, read into again for every row.
    let mut record = csv::StringRecord::new();
    // Rows are numbered as a spreadsheet numbers them: the header is row 1,
    // and a record is one row even where a quoted field spans lines.
    for row in 2u64.. {
        let mut built = Built {
            row,
            agreement: None,
            problems: Vec::new(),
        };
        match reader.read_record(&mut record) {
            Ok(true) => {
                if record.iter().all(|field| field.trim().is_empty()) {
                    continue;
                }
                rows += 1;
                built.agreement = build(
                    row,
                    &record,
                    at,
                    context,
                    &mut vocabulary,
                    &mut built.problems,
                );
            }
            Ok(false) => break,
            Err(err) => {
                // A record that is not UTF-8 is skipped; an error reading
                // the file itself ends the import.
                if err.is_io_error() {
                    return Err(err);
                }
                rows += 1;
                built.problems.push(format!("row {row}: skipped: {err}"));
            }
        }
        batch.push(built);
        if batch.len() == BATCH
            && sender
                .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                .is_err()
        {
            // The inserting thread has stopped: nothing more is wanted.
            return Ok((rows, vocabulary.codes));
        }
    }
    if !batch.is_empty() {
        // As above: if no one receives it, no one wants it.
        let _ = sender.send(batch);
    }
    Ok((rows, vocabulary.codes))
}

/// The agreement a record makes, with its problems pushed to `problems`;
/// `None` when the row cannot make one.
fn build(
    row: u64,
    record: &csv::StringRecord,
    at: [usize; COLUMNS.len()],
    context: &Context<'_>,
    vocabulary: &mut Vocabulary,
    problems: &mut Vec<String>,
) -> Option<Agreement> {
    let [
        Some(raw_title),
        Some(a),
        Some(b),
        Some(kind),
        Some(subject),
        Some(signature),
        Some(force),
        Some(term),
    ] = at.map(|at| record.get(at))
    else {
        problems.push(format!(
            "row {row}: skipped: expected {} columns, found {}",
            COLUMNS.len(),
            record.len()
        ));
        return None;
    };
    // A title broken over lines in the file is one line of text.
    let title = one_line(raw_title);
    let signed = date(row, "signature", signature, problems);
    let in_force = date(row, "force", force, problems);
    let ended = date(row, "term", term, problems);
    let built = (|| -> Result<Agreement, Box<dyn std::error::Error>> {
        let parties = Parties::new(vocabulary.codes.party(a)?, vocabulary.codes.party(b)?)?;
        let instrument = vocabulary
            .kinds
            .get(kind, |kind| kind.parse().unwrap_or(InstrumentKind::Other));
        let areas: Arc<[SubjectArea]> = if subject.trim() == "NA" || subject.trim().is_empty() {
            Arc::default()
        } else {
            vocabulary.subjects.get(subject, |subject| {
                subject.parse().map(|area: SubjectArea| Arc::from([area]))
            })?
        };
        let Some(signed) = signed else {
            return Err(format!(
                "agreement {title:?} has no signature: it must open with a stage change"
            )
            .into());
        };
        // Ids from the row number, so that an import is reproducible: the
        // agreement's the row's, each event's the row's in the upper half
        // and its column in the lower.
        let id = AgreementId::from_uuid(bilateral::uuid::Uuid::from_u128(u128::from(row)));
        let event = |column: u128, kind, on| {
            let id = bilateral::uuid::Uuid::from_u128(u128::from(row) << 64 | column);
            Event::with_id(EventId::from_uuid(id), kind, on)
        };
        let mut agreement = Agreement::builder(title.as_ref(), parties)
            .id(id)
            .instrument(instrument)
            .subject_list(areas)
            .build_with(context, event(6, EventKind::Finalised, signed))?;
        for (at, column, kind, on) in [
            (7, "force", EventKind::EnteredIntoForce, in_force),
            (8, "term", EventKind::Terminated, ended),
        ] {
            if let Some(on) = on
                && let Err(err) = agreement.record_with(context, event(at, kind, on))
            {
                problems.push(format!("row {row}: {column}: {err}"));
            }
        }
        Ok(agreement)
    })();
    match built {
        Ok(agreement) => Some(agreement),
        Err(err) => {
            problems.push(format!("row {row}: skipped: {err}"));
            None
        }
    }
}
