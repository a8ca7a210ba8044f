//! Where a fact came from.

use std::fmt;

use super::date::EventDate;
use super::error::{Field, ValueError};
use crate::model::limits;

/// Where a fact came from: a news report, a press release, a treaty database.
///
/// The publication date is separate from the date of the event it reports:
/// a report of 2024-11-23 can describe a meeting of 2024-11-22.
///
/// ```
/// use bilateral::Source;
/// let report = Source::new("The Hindu", "Rajnath Singh meets Japanese counterpart in Vientiane")?
///     .with_address("https://www.thehindu.com/")?
///     .published("2024-11-23".parse()?);
/// assert_eq!(report.published_on().map(|d| d.to_string()).as_deref(), Some("2024-11-23"));
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    publisher: String,
    title: String,
    address: Option<String>,
    published: Option<EventDate>,
}

impl Source {
    /// A source with its publisher and title.
    ///
    /// # Errors
    ///
    /// [`ValueError::Blank`] when the publisher or the title is empty after
    /// trimming, [`ValueError::TooLong`] when one is longer than its
    /// [limit](crate::limits).
    ///
    /// # Example
    ///
    /// ```
    /// let source = bilateral::Source::new("Ministry of Defence", "Press release")?;
    /// assert!(bilateral::Source::new("", "Press release").is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn new(publisher: impl Into<String>, title: impl Into<String>) -> Result<Self, ValueError> {
        let publisher =
            crate::model::text::required(publisher, Field::Publisher, limits::MAX_NAME)?;
        let title =
            crate::model::text::required(title, Field::SourceTitle, limits::MAX_SOURCE_TITLE)?;
        Ok(Self {
            publisher,
            title,
            address: None,
            published: None,
        })
    }

    /// The same source with an address (a URL, a DOI, a library reference).
    ///
    /// # Errors
    ///
    /// [`ValueError::Blank`] when the address is empty after trimming.
    ///
    /// # Example
    ///
    /// ```
    /// let source = bilateral::Source::new("PIB", "Press release")?.with_address("https://pib.gov.in/")?;
    /// assert_eq!(source.address(), Some("https://pib.gov.in/"));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn with_address(mut self, address: impl Into<String>) -> Result<Self, ValueError> {
        self.address = Some(crate::model::text::required(
            address,
            Field::Address,
            limits::MAX_ADDRESS,
        )?);
        Ok(self)
    }

    /// The same source with its publication date.
    #[must_use]
    pub fn published(mut self, date: EventDate) -> Self {
        self.published = Some(date);
        self
    }

    /// Who published it.
    pub fn publisher(&self) -> &str {
        &self.publisher
    }

    /// Its title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Where to find it, if known.
    pub fn address(&self) -> Option<&str> {
        self.address.as_deref()
    }

    /// When it was published, if known.
    pub const fn published_on(&self) -> Option<EventDate> {
        self.published
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, \"{}\"", self.publisher, self.title)?;
        if let Some(date) = self.published {
            write!(f, ", {date}")?;
        }
        if let Some(address) = &self.address {
            write!(f, " <{address}>")?;
        }
        Ok(())
    }
}
