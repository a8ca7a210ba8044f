//! Any text given as an agreement document: refused cleanly, or accepted and
//! then written and read back to the same agreement.
#![no_main]

use bilateral::Agreement;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(agreement) = serde_json::from_str::<Agreement>(text) {
        let written = serde_json::to_string(&agreement).expect("an agreement always serialises");
        let back: Agreement = serde_json::from_str(&written).expect("what was written reads back");
        assert_eq!(back, agreement);
        // The stage is the last stage change of the history.
        let last = agreement.history().filter_map(|e| e.stage()).last();
        assert_eq!(last, Some(agreement.stage()));
    }
});
