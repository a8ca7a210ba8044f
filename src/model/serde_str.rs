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
pub(crate) struct FieldName<'de>(std::borrow::Cow<'de, str>);

impl FieldName<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Name;
        impl<'de> Visitor<'de> for Name {
            type Value = FieldName<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_borrowed_str<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
                Ok(FieldName(std::borrow::Cow::Borrowed(text)))
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                Ok(FieldName(std::borrow::Cow::Owned(text.to_owned())))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<Self::Value, E> {
                Ok(FieldName(std::borrow::Cow::Owned(text)))
            }
        }
        deserializer.deserialize_identifier(Name)
    }
}

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
        $vis:vis struct $name:ident {
            $( $(#[$fmeta:meta])* $kind:ident $field:ident : $ty:ty $(as $schema:expr)? ),* $(,)?
        }
    ) => {
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for $name {
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
        $vis struct $name {
            $( $(#[$fmeta])* pub(crate) $field: $crate::model::serde_str::plain_struct!(@type $kind $ty), )*
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct;
                let mut fields = 0;
                $( fields += $crate::model::serde_str::plain_struct!(@present $kind self.$field); )*
                let mut out = serializer.serialize_struct(stringify!($name), fields)?;
                $( $crate::model::serde_str::plain_struct!(@write $kind out, stringify!($field), &self.$field); )*
                out.end()
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                const FIELDS: &[&str] = &[$( stringify!($field) ),*];
                struct Fields;
                impl<'de> ::serde::de::Visitor<'de> for Fields {
                    type Value = $name;

                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        write!(f, "an object with the fields {}", FIELDS.join(", "))
                    }

                    #[allow(non_snake_case)]
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
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
                deserializer.deserialize_struct(stringify!($name), FIELDS, Fields)
            }
        }
    };
    (@schema $generator:ident, $ty:ty) => { $generator.subschema_for::<$ty>() };
    (@schema $generator:ident, $ty:ty, $schema:expr) => {
        $crate::model::schema::FieldSchema::schema($schema, $generator)
    };
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

    use super::FieldName;

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
    }
}
