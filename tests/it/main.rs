//! The integration tests, in one binary so that they link once.

mod agreement;
mod architecture;
mod audit;
mod bad_input;
mod common;
mod concurrency;
mod corrections;
mod equality;
mod errors;
mod history_order;
mod hostile;
mod import;
mod json;
mod lifecycle;
mod model;
mod observable;
mod panics;
mod policy;
mod roundtrip;
mod test_autotrait;
mod testing;
mod time;
mod timeline;
mod tracker;
mod tracker_props;
mod typed;
