use bilateral::typed::Proposed;
use bilateral::{Agreement, EventDate, Parties, Party, SubjectArea, Typed};

fn date(text: &str) -> EventDate {
    text.parse().unwrap()
}

fn proposal() -> Typed<Proposed> {
    let parties = Parties::new(Party::state("IND", "India").unwrap(), Party::state("JPN", "Japan").unwrap()).unwrap();
    Typed::propose(Agreement::builder("Logistics", parties).subject(SubjectArea::Logistics), date("2024-01-10")).unwrap()
}

fn main() {
    let done = proposal().deliberate(date("2024-02-01")).unwrap().sign_moi(date("2024-03-01")).unwrap().finalise(date("2024-04-01")).unwrap();
    let _ = done.withdraw(date("2024-05-01"));
}
