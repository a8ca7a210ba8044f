//! Small text helpers shared by the vocabularies.

/// Lower-cases `input` and joins its words with single hyphens, treating
/// whitespace, `_` and `-` as word breaks: `" Maritime_Security "` becomes
/// `"maritime-security"`.
pub(crate) fn kebab_key(input: &str) -> String {
    let mut key = String::with_capacity(input.len());
    for word in input
        .split(|c: char| c.is_whitespace() || c == '_' || c == '-')
        .filter(|word| !word.is_empty())
    {
        if !key.is_empty() {
            key.push('-');
        }
        key.extend(word.chars().flat_map(char::to_lowercase));
    }
    key
}

/// Trims `input` and returns it, or `None` when nothing visible is left.
pub(crate) fn non_blank(input: impl Into<String>) -> Option<String> {
    let text: String = input.into();
    let trimmed = text.trim();
    if trimmed.is_empty() {
        None
    } else if trimmed.len() == text.len() {
        Some(text)
    } else {
        Some(trimmed.to_owned())
    }
}
