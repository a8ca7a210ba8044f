//! Dates, codes, subject areas, stages, kinds and triggers: whatever parses
//! prints back to text that parses to the same value.
#![no_main]

use bilateral::{EventDate, EventKind, InstrumentKind, PartyCode, Stage, SubjectArea, Trigger};
use libfuzzer_sys::fuzz_target;

fn round_trip<T>(text: &str)
where
    T: std::str::FromStr + std::fmt::Display + PartialEq + std::fmt::Debug,
{
    if let Ok(value) = text.parse::<T>() {
        let printed = value.to_string();
        let again = printed.parse::<T>().ok().expect("printed text parses");
        assert_eq!(again, value, "{text:?} -> {printed:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    round_trip::<EventDate>(text);
    round_trip::<PartyCode>(text);
    round_trip::<SubjectArea>(text);
    round_trip::<Stage>(text);
    round_trip::<EventKind>(text);
    round_trip::<InstrumentKind>(text);
    round_trip::<Trigger>(text);
    if let Ok(date) = text.parse::<EventDate>() {
        assert!(date.start() <= date.end());
    }
});
