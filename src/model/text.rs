//! Small text helpers shared by the vocabularies and constructors.

use super::error::{Field, ValueError};

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

/// Trims `input`; refuses it when nothing visible is left or when it is
/// longer than `max` characters.
pub(crate) fn required(
    input: impl Into<String>,
    field: Field,
    max: usize,
) -> Result<String, ValueError> {
    let text = trimmed(input.into());
    if text.is_empty() {
        return Err(ValueError::Blank { field });
    }
    within(&text, field, max)?;
    Ok(text)
}

/// Trims `input` (which may be empty); refuses it when longer than `max`
/// characters.
pub(crate) fn optional(
    input: impl Into<String>,
    field: Field,
    max: usize,
) -> Result<String, ValueError> {
    let text = trimmed(input.into());
    within(&text, field, max)?;
    Ok(text)
}

fn trimmed(text: String) -> String {
    let trimmed = text.trim();
    if trimmed.len() == text.len() {
        text
    } else {
        trimmed.to_owned()
    }
}

fn within(text: &str, field: Field, max: usize) -> Result<(), ValueError> {
    // Cheap check first: a string of at most `max` bytes has at most `max` characters.
    if text.len() <= max {
        return Ok(());
    }
    let length = text.chars().count();
    if length > max {
        Err(ValueError::TooLong { field, length, max })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_join_lower_case_words_with_hyphens() {
        assert_eq!(kebab_key("  Maritime   Security "), "maritime-security");
        assert_eq!(kebab_key("MOI_signed"), "moi-signed");
        assert_eq!(kebab_key("--a--b--"), "a-b");
        assert_eq!(kebab_key(""), "");
    }

    #[test]
    fn required_text_is_trimmed_and_bounded_in_characters() {
        assert_eq!(required("  Pact ", Field::Title, 10).unwrap(), "Pact");
        assert_eq!(
            required(" \t", Field::Title, 10),
            Err(ValueError::Blank {
                field: Field::Title
            })
        );
        // Ten characters of two bytes each fit a limit of ten.
        assert!(required("é".repeat(10), Field::Title, 10).is_ok());
        assert_eq!(
            required("é".repeat(11), Field::Title, 10),
            Err(ValueError::TooLong {
                field: Field::Title,
                length: 11,
                max: 10
            })
        );
        assert_eq!(optional("  ", Field::Summary, 10).unwrap(), "");
    }
}
