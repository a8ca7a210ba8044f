//! The tracker sizes the large benchmarks build, shared by them.

/// 10,000, 100,000 and 1,000,000, stopping at `BILATERAL_BENCH_MAX` when it
/// is set and starting at `BILATERAL_BENCH_MIN` (so that the largest size's
/// memory is measured in a process that freed none of the smaller ones:
/// freed memory is reused, and the growth of the resident size then reads
/// low).
pub fn sizes() -> Vec<usize> {
    let bound = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(default)
    };
    let (min, max) = (
        bound("BILATERAL_BENCH_MIN", 0),
        bound("BILATERAL_BENCH_MAX", 1_000_000),
    );
    [10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|n| (min..=max).contains(n))
        .collect()
}
