//! Any text given as a tracker document: refused cleanly, or accepted with
//! indexes that agree with a scan.
#![no_main]

use bilateral::{Stage, Tracker};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(tracker) = serde_json::from_str::<Tracker>(text) {
        let written = serde_json::to_string(&tracker).expect("a tracker always serialises");
        let back: Tracker = serde_json::from_str(&written).expect("what was written reads back");
        assert_eq!(back, tracker);
        for (stage, count) in tracker.count_by_stage() {
            assert_eq!(count, tracker.iter().filter(|a| a.stage() == stage).count());
            assert_eq!(count, tracker.query().stage(stage).count());
        }
        let _ = Stage::ALL;
    }
});
