//! Loads `examples/data/treaties-sample.csv` into a tracker. Shared by the
//! `import_treaties` example and its test.

use std::collections::HashMap;

use bilateral::{
    Agreement, AgreementId, Error, Event, EventDate, EventKind, FixedClock, InstrumentKind,
    Parties, Party, PartyCode, SubjectArea, Tracker,
};

/// What the import did.
#[derive(Debug, Default)]
pub struct Report {
    /// Rows read (without the header).
    pub rows: usize,
    /// One line per problem: malformed dates, refused events, skipped rows.
    pub problems: Vec<String>,
}

/// Splits one CSV line into fields, with `"quoted, fields"` and `""` for a
/// quote inside one.
pub fn fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

/// Codes for party names: the initials of their words (`United States Of
/// America` is `USOA`), made unique in order of first appearance.
#[derive(Default)]
pub struct Codes {
    by_name: HashMap<String, PartyCode>,
    taken: HashMap<String, usize>,
}

impl Codes {
    pub fn party(&mut self, name: &str) -> Result<Party, Error> {
        let name = name.trim();
        if let Some(code) = self.by_name.get(name) {
            return Ok(Party::state(code.as_str(), name)?);
        }
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
            base
        } else {
            format!("{base}-{seen}")
        };
        let code: PartyCode = code.parse()?;
        self.by_name.insert(name.to_owned(), code);
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

/// A date column: `NA` is no date; anything else must parse.
fn date(row: usize, column: &str, text: &str, report: &mut Report) -> Option<EventDate> {
    if text == "NA" || text.is_empty() {
        return None;
    }
    match text.parse() {
        Ok(date) => Some(date),
        Err(err) => {
            report.problems.push(format!("row {row}: {column}: {err}"));
            None
        }
    }
}

/// Reads the CSV text into a tracker under the standard policy: signature is
/// finalisation, force is entry into force, term is termination, each at its
/// real precision. A malformed date is reported and its event left out; the
/// rest of the row is kept.
pub fn import(csv: &str) -> (Tracker, Report) {
    // Recording instants are fixed so that the import is reproducible.
    let clock = FixedClock::new("2026-01-01T00:00:00Z".parse().expect("a valid instant"));
    let mut tracker = Tracker::new().with_clock(clock);
    let mut report = Report::default();
    let mut codes = Codes::default();
    for (index, line) in csv.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        report.rows += 1;
        let row = index + 1; // line number in the file, counting the header
        let columns = fields(line);
        let [title, a, b, kind, subject, signature, force, term] = columns.as_slice() else {
            report.problems.push(format!(
                "row {row}: expected 8 columns, found {}",
                columns.len()
            ));
            continue;
        };
        let signed = date(row, "signature", signature, &mut report);
        let in_force = date(row, "force", force, &mut report);
        let ended = date(row, "term", term, &mut report);
        let built = (|| -> Result<Agreement, Box<dyn std::error::Error>> {
            let parties = Parties::new(codes.party(a)?, codes.party(b)?)?;
            let instrument: InstrumentKind = kind.parse().unwrap_or(InstrumentKind::Other);
            // The model needs a subject area: "NA" becomes an explicit "unclassified".
            let area: SubjectArea = if subject == "NA" {
                "unclassified".parse()?
            } else {
                subject.parse()?
            };
            let Some(signed) = signed else {
                return Err(format!(
                    "agreement {title:?} has no events: it must open with a stage change"
                )
                .into());
            };
            // Ids from the row number, so that reports are reproducible.
            let id = AgreementId::from_uuid(bilateral::uuid::Uuid::from_u128(row as u128));
            let mut agreement = Agreement::builder(title.as_str(), parties)
                .id(id)
                .instrument(instrument)
                .subject(area)
                .build_with(
                    &bilateral::Context::new(tracker.policy(), &clock),
                    Event::new(EventKind::Finalised, signed),
                )?;
            for (column, kind, on) in [
                ("force", EventKind::EnteredIntoForce, in_force),
                ("term", EventKind::Terminated, ended),
            ] {
                if let Some(on) = on
                    && let Err(err) = agreement.record_with(
                        &bilateral::Context::new(tracker.policy(), &clock),
                        Event::new(kind, on),
                    )
                {
                    report.problems.push(format!("row {row}: {column}: {err}"));
                }
            }
            Ok(agreement)
        })();
        match built.and_then(|agreement| Ok(tracker.insert(agreement)?)) {
            Ok(_) => {}
            Err(err) => report.problems.push(format!("row {row}: skipped: {err}")),
        }
    }
    (tracker, report)
}
