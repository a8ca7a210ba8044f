//! The tracker sizes the large benchmarks build, shared by them.

/// 10,000, 100,000 and 1,000,000, stopping at `BILATERAL_BENCH_MAX` when it
/// is set.
pub fn sizes() -> Vec<usize> {
    let max: usize = std::env::var("BILATERAL_BENCH_MAX")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(1_000_000);
    [10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|n| *n <= max)
        .collect()
}
