//! Serde through the `Display`/`FromStr` text form, as `semver` does.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// Deserialises a string and parses it with `FromStr`, reporting the parse
/// error's message through serde.
pub(crate) fn deserialize<'de, D, T>(
    deserializer: D,
    expecting: &'static str,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: fmt::Display,
{
    struct TextVisitor<T> {
        expecting: &'static str,
        marker: PhantomData<T>,
    }

    impl<T> Visitor<'_> for TextVisitor<T>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
            text.parse().map_err(E::custom)
        }
    }

    deserializer.deserialize_str(TextVisitor {
        expecting,
        marker: PhantomData,
    })
}

/// Implements `Serialize` and `Deserialize` through the text form.
macro_rules! serde_via_str {
    ($ty:ty, $expecting:literal) => {
        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Self, D::Error> {
                $crate::model::serde_str::deserialize(deserializer, $expecting)
            }
        }
    };
}

pub(crate) use serde_via_str;

/// A field name read without allocating when the text can be borrowed.
pub(crate) struct FieldName<'de>(Text<'de>);

impl FieldName<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_identifier(Borrowing("a field name"))
            .map(FieldName)
    }
}

/// Reads a string as [`Text`], borrowed where the deserialiser lends it;
/// it expects what it holds.
struct Borrowing(&'static str);

impl<'de> Visitor<'de> for Borrowing {
    type Value = Text<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }

    fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Text::borrowed(text))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Text::from(text.to_owned()))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Text::from(text))
    }
}

/// A string of a document as read: borrowed from the document's text where
/// it holds no escape (no allocation), owned otherwise, and owned in a form
/// made to be written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Text<'a>(std::borrow::Cow<'a, str>);

impl<'a> Text<'a> {
    /// The text as an owned string: moved when owned, copied when borrowed.
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }

    /// Borrows `text`.
    pub(crate) fn borrowed(text: &'a str) -> Self {
        Text(std::borrow::Cow::Borrowed(text))
    }
}

impl std::ops::Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for Text<'_> {
    fn from(text: String) -> Self {
        Text(std::borrow::Cow::Owned(text))
    }
}

impl From<Text<'_>> for String {
    fn from(text: Text<'_>) -> Self {
        text.into_string()
    }
}

impl serde::Serialize for Text<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(Borrowing("a string"))
    }
}

/// A plain form that owns everything it holds (what a document type keeps,
/// past the text it was read from).
pub(crate) trait IntoStatic {
    /// The owning form.
    type Static: 'static;

    /// Copies whatever is borrowed.
    fn into_static(self) -> Self::Static;
}

impl IntoStatic for Text<'_> {
    type Static = Text<'static>;

    fn into_static(self) -> Text<'static> {
        Text(std::borrow::Cow::Owned(self.0.into_owned()))
    }
}

impl<T: IntoStatic> IntoStatic for Option<T> {
    type Static = Option<T::Static>;

    fn into_static(self) -> Self::Static {
        self.map(T::into_static)
    }
}

impl<T: IntoStatic> IntoStatic for Vec<T> {
    type Static = Vec<T::Static>;

    fn into_static(self) -> Self::Static {
        self.into_iter().map(T::into_static).collect()
    }
}

impl<T: IntoStatic> IntoStatic for Box<T> {
    type Static = Box<T::Static>;

    fn into_static(self) -> Self::Static {
        Box::new(T::into_static(*self))
    }
}

/// Values that own what they hold already.
macro_rules! owned {
    ($($ty:ty),*) => {$(
        impl IntoStatic for $ty {
            type Static = $ty;

            fn into_static(self) -> $ty {
                self
            }
        }
    )*};
}

owned!(u32, u64, bool, crate::model::Stage);

/// A plain serde struct, written by hand rather than derived (so that the
/// crate needs no procedural macro for serde): every field is `req`uired or
/// `opt`ional, an optional field may be left out or be null (both mean
/// `None`) and is left out when `None`; unknown and repeated fields are
/// refused.
///
/// With the `schemars` feature, the struct also gets a JSON Schema: an
/// object of exactly these fields, each described by the schema after
/// `as` (or by its type's own), an optional one also allowed to be null.
macro_rules! plain_struct {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident $(<$lt:lifetime>)? {
            $( $(#[$fmeta:meta])* $kind:ident $field:ident : $ty:ty $(as $schema:expr)? ),* $(,)?
        }
    ) => {
        #[cfg(feature = "schemars")]
        impl $(<$lt>)? ::schemars::JsonSchema for $name $(<$lt>)? {
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                let name = stringify!($name);
                name.strip_prefix("Raw").unwrap_or(name).into()
            }

            fn json_schema(generator: &mut ::schemars::SchemaGenerator) -> ::schemars::Schema {
                let _ = &generator;
                $crate::model::schema::object(
                    &Self::schema_name(),
                    vec![$( (
                        stringify!($field),
                        $crate::model::serde_str::plain_struct!(@schema generator, $ty $(, $schema)?),
                        $crate::model::serde_str::plain_struct!(@required $kind),
                    ), )*],
                )
            }
        }

        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        $vis struct $name $(<$lt>)? {
            $( $(#[$fmeta])* pub(crate) $field: $crate::model::serde_str::plain_struct!(@type $kind $ty), )*
        }

        impl $(<$lt>)? $crate::model::serde_str::IntoStatic for $name $(<$lt>)? {
            type Static = $crate::model::serde_str::plain_struct!(@static $name $($lt)?);

            fn into_static(self) -> Self::Static {
                $name {
                    $( $field: $crate::model::serde_str::IntoStatic::into_static(self.$field), )*
                }
            }
        }

        impl $(<$lt>)? ::serde::Serialize for $name $(<$lt>)? {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct;
                let mut fields = 0;
                $( fields += $crate::model::serde_str::plain_struct!(@present $kind self.$field); )*
                let mut out = serializer.serialize_struct(stringify!($name), fields)?;
                $( $crate::model::serde_str::plain_struct!(@write $kind out, stringify!($field), &self.$field); )*
                out.end()
            }
        }

        impl<'de $(: $lt, $lt)?> ::serde::Deserialize<'de> for $name $(<$lt>)? {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                const FIELDS: &[&str] = &[$( stringify!($field) ),*];
                struct Fields $(<$lt>)? (::std::marker::PhantomData<($(&$lt (),)?)>);
                impl<'de $(: $lt, $lt)?> ::serde::de::Visitor<'de> for Fields $(<$lt>)? {
                    type Value = $name $(<$lt>)?;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        write!(f, "an object with the fields {}", FIELDS.join(", "))
                    }

                    #[allow(non_snake_case)]
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                        $( let mut $field: Option<$crate::model::serde_str::plain_struct!(@type $kind $ty)> = None; )*
                        while let Some(key) = map.next_key::<$crate::model::serde_str::FieldName<'de>>()? {
                            match key.as_str() {
                                $(
                                    stringify!($field) => {
                                        if $field.is_some() {
                                            return Err(::serde::de::Error::duplicate_field(stringify!($field)));
                                        }
                                        $field = Some(map.next_value()?);
                                    }
                                )*
                                other => return Err(::serde::de::Error::unknown_field(other, FIELDS)),
                            }
                        }
                        Ok($name {
                            $( $field: $crate::model::serde_str::plain_struct!(@finish $kind $field, stringify!($field)), )*
                        })
                    }
                }
                deserializer.deserialize_struct(stringify!($name), FIELDS, Fields(::std::marker::PhantomData))
            }
        }
    };
    (@schema $generator:ident, $ty:ty) => { $generator.subschema_for::<$ty>() };
    (@schema $generator:ident, $ty:ty, $schema:expr) => {
        $crate::model::schema::FieldSchema::schema($schema, $generator)
    };
    (@static $name:ident) => { $name };
    (@static $name:ident $lt:lifetime) => { $name<'static> };
    (@required req) => { true };
    (@required opt) => { false };
    (@type req $ty:ty) => { $ty };
    (@type opt $ty:ty) => { Option<$ty> };
    (@present req $value:expr) => { 1 };
    (@present opt $value:expr) => { usize::from($value.is_some()) };
    (@write req $out:ident, $name:expr, $value:expr) => { $out.serialize_field($name, $value)? };
    (@write opt $out:ident, $name:expr, $value:expr) => {
        match $value {
            Some(value) => $out.serialize_field($name, value)?,
            None => $out.skip_field($name)?,
        }
    };
    (@finish req $field:ident, $name:expr) => {
        $field.ok_or_else(|| ::serde::de::Error::missing_field($name))?
    };
    (@finish opt $field:ident, $name:expr) => { $field.flatten() };
}

pub(crate) use plain_struct;

/// Implements `TryFrom<&str>` and `TryFrom<String>` through `FromStr`, so
/// that an argument typed as the value takes `"text".try_into()?`, and a
/// generic one (`impl TryInto<T>`) takes the text itself, with the same
/// validation and errors as `parse`.
macro_rules! try_from_str {
    ($($ty:ty),* $(,)?) => {$(
        impl ::core::convert::TryFrom<&str> for $ty {
            type Error = <$ty as ::core::str::FromStr>::Err;

            fn try_from(text: &str) -> Result<Self, Self::Error> {
                text.parse()
            }
        }

        impl ::core::convert::TryFrom<String> for $ty {
            type Error = <$ty as ::core::str::FromStr>::Err;

            fn try_from(text: String) -> Result<Self, Self::Error> {
                text.parse()
            }
        }
    )*};
}

pub(crate) use try_from_str;

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, U32Deserializer};

    use super::{FieldName, Text};

    /// A value of the wrong type is refused with what was expected.
    #[test]
    fn a_value_of_the_wrong_type_names_what_was_expected() {
        let number: U32Deserializer<Error> = 7u32.into_deserializer();
        let err = super::deserialize::<_, crate::model::Stage>(number, "a stage").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid type: integer `7`, expected a stage"
        );
        let number: U32Deserializer<Error> = 7u32.into_deserializer();
        let err = FieldName::deserialize(number).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid type: integer `7`, expected a field name")
        );
        let number: U32Deserializer<Error> = 7u32.into_deserializer();
        let err = Text::deserialize(number).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("invalid type: integer `7`, expected a string")
        );
    }

    /// A string is borrowed from the text when it holds no escape, and
    /// owned (unescaped) when it does or when the text is read from a
    /// stream.
    #[test]
    fn text_borrows_what_it_can_and_owns_what_it_must() {
        use std::borrow::Cow;
        let plain = Text::deserialize(&mut serde_json::Deserializer::from_str("\"Vientiane\""));
        assert!(matches!(plain, Ok(Text(Cow::Borrowed("Vientiane")))));
        let escaped = Text::deserialize(&mut serde_json::Deserializer::from_str(
            "\"say \\\"no\\\"\"",
        ));
        assert!(matches!(&escaped, Ok(Text(Cow::Owned(text))) if text == "say \"no\""));
        let streamed = Text::deserialize(&mut serde_json::Deserializer::from_reader(
            "\"Tokyo\"".as_bytes(),
        ));
        assert!(matches!(&streamed, Ok(Text(Cow::Owned(text))) if text == "Tokyo"));
        let owned: String = plain.unwrap().into();
        assert_eq!(owned, "Vientiane");
    }
}
