//! Small text helpers shared by the vocabularies and constructors.

use super::error::{Field, ValueError};

/// Lower-cases `input` and joins its words with single hyphens, treating
/// whitespace, `_` and `-` as word breaks: `" Maritime_Security "` becomes
/// `"maritime-security"`.
pub(crate) fn kebab_key(input: &str) -> String {
    let mut key = String::with_capacity(input.len());
    // Whether a separator came after a word: the next word starts with `-`.
    let mut gap = false;
    for character in input.chars() {
        if character.is_whitespace() || character == '_' || character == '-' {
            gap = !key.is_empty();
            continue;
        }
        if gap {
            key.push('-');
            gap = false;
        }
        if character.is_ascii() {
            key.push(character.to_ascii_lowercase());
        } else {
            key.extend(character.to_lowercase());
        }
    }
    key
}

/// Trims `input`; refuses it when longer than `max` characters, when it
/// holds a character that could deceive a reader (see [`plain`]), or when
/// nothing visible is left.
pub(crate) fn required(
    input: impl Into<String>,
    field: Field,
    max: usize,
) -> Result<String, ValueError> {
    let text = trimmed(input.into());
    within(&text, field, max)?;
    // Printable ASCII, the common case, holds nothing to refuse, and once
    // trimmed is blank only when empty. A fold rather than `all`, so that
    // the compiler checks many bytes at once.
    if text
        .bytes()
        .fold(true, |all, byte| all & matches!(byte, b' '..=b'~'))
    {
        return if text.is_empty() {
            Err(ValueError::Blank { field })
        } else {
            Ok(text)
        };
    }
    plain(&text, field)?;
    if !text.chars().any(visible) {
        return Err(ValueError::Blank { field });
    }
    Ok(text)
}

/// As [`required`], but the text may be empty.
pub(crate) fn optional(
    input: impl Into<String>,
    field: Field,
    max: usize,
) -> Result<String, ValueError> {
    let text = trimmed(input.into());
    if text.is_empty() {
        return Ok(text);
    }
    required(text, field, max)
}

/// Refuses a control character (a line break, a tab, an escape: text is
/// one plain line, so that no title can break a timeline into fake lines or
/// send codes to a terminal) and a bidirectional embedding, override or
/// isolate (which can make text read as something it does not say).
fn plain(text: &str, field: Field) -> Result<(), ValueError> {
    for (position, character) in (1..).zip(text.chars()) {
        let rule = if character.is_control() {
            "text is one line of plain characters"
        } else if matches!(character, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}') {
            "it could make the text read as something it does not say"
        } else {
            continue;
        };
        return Err(ValueError::Character {
            field,
            character,
            position,
            rule,
        });
    }
    Ok(())
}

/// Whether a character shows: not a space, and not one of the characters
/// that have no width (zero-width spaces and joiners, word joiners, the
/// byte-order mark, the soft hyphen, fillers, variation selectors, tags).
fn visible(character: char) -> bool {
    !character.is_whitespace()
        && !matches!(
            character,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{E0000}'..='\u{E007F}'
        )
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
        assert_eq!(kebab_key("\u{b}Trade\u{a0}AND_Ünion "), "trade-and-ünion");
        assert_eq!(kebab_key("İ"), "i\u{307}");
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

    #[test]
    fn text_that_could_deceive_a_reader_is_refused() {
        for (text, character, position) in [
            ("Pact\u{1b}[31m", '\u{1b}', 5),
            ("two\nlines", '\n', 4),
            ("tab\there", '\t', 4),
            ("\u{202E}tcaP", '\u{202E}', 1),
            ("a\u{2066}b", '\u{2066}', 2),
            ("nul\0", '\0', 4),
        ] {
            let err = required(text, Field::Title, 100).unwrap_err();
            assert!(
                matches!(err, ValueError::Character { field: Field::Title, character: c, position: p, .. } if c == character && p == position),
                "{text:?}: {err:?}"
            );
            assert!(optional(text, Field::Summary, 100).is_err());
        }
        let err = required("a\u{202E}b", Field::Venue, 100).unwrap_err();
        assert_eq!(
            err.to_string(),
            "event venue holds the bidirectional formatting character U+202E at character 2: \
             it could make the text read as something it does not say"
        );
        // Nothing visible: a zero-width space, a byte-order mark, a soft hyphen.
        for text in [
            "\u{200B}",
            "\u{FEFF}\u{200B}",
            "\u{00AD}",
            "\u{3000}\u{200D}",
        ] {
            assert_eq!(
                required(text, Field::Title, 100),
                Err(ValueError::Blank {
                    field: Field::Title
                }),
                "{text:?}"
            );
            assert!(optional(text, Field::Summary, 100).is_err(), "{text:?}");
        }
        // Joiners inside visible text are fine (emoji, Indic scripts).
        assert!(required("क्\u{200D}ष", Field::Title, 100).is_ok());
        assert!(required("العربية", Field::Title, 100).is_ok());
    }
}
