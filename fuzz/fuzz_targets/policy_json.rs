//! Any text given as a policy document: refused cleanly, or accepted as a
//! consistent policy that round-trips.
#![no_main]

use bilateral::{Policy, Stage};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(policy) = serde_json::from_str::<Policy>(text) {
        let written = serde_json::to_string(&policy).expect("a policy always serialises");
        let back: Policy = serde_json::from_str(&written).expect("what was written reads back");
        assert_eq!(back, policy);
        assert!(!policy.entry_stages().is_empty());
        assert!(policy.allowed_after(Stage::Withdrawn).is_empty());
        assert!(policy.allowed_after(Stage::Terminated).is_empty());
        let _ = policy.mermaid().to_string();
        let _ = policy.dot().to_string();
    }
});
