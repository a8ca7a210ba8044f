//! Compile-fail tests: the typed moves that must not exist do not compile,
//! with the compiler messages checked in under `tests/ui/`.

#[test]
fn impossible_moves_do_not_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
}
