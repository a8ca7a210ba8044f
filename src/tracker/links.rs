//! Links between the tracker's agreements: the checks a link must pass,
//! the queries that follow links both ways, and the instrument family
//! drawn as a Mermaid flowchart.

use std::collections::{HashSet, VecDeque};
use std::fmt;

use crate::agreement::{Agreement, AgreementError};
use crate::model::{AgreementId, Event, Link, LinkKind};

use super::{Tracker, TrackerError};

/// A link that names an agreement, seen from the agreement named: who made
/// it, of what kind, and the event that made it (whose date is the link's).
/// See [`Tracker::linked_to`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Linked<'a> {
    /// The agreement that makes the link.
    pub agreement: &'a Agreement,
    /// The event of that agreement that made it.
    pub event: &'a Event,
    /// The link.
    pub link: Link,
}

impl fmt::Display for Linked<'_> {
    /// `"UNICORN mast" implements … (2024-11-15 MoI signed)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} {} ({} {})",
            self.agreement.title(),
            self.link,
            self.event.date(),
            self.event.kind().label()
        )
    }
}

impl Tracker {
    /// Checks links the agreement `source` would make, before anything
    /// changes: each names an agreement the tracker holds or held, an
    /// implementing instrument is between the parties of what it
    /// implements, by code (unless the policy allows otherwise), and no
    /// link of an acyclic kind closes a circle.
    pub(super) fn check_these_links(
        &self,
        source: &Agreement,
        links: impl IntoIterator<Item = Link>,
    ) -> Result<(), AgreementError> {
        for link in links {
            let target = link.target();
            let Some(named) = self.get(target) else {
                if self.removed.contains_key(&target) {
                    // Held once: the link stands, as it did then.
                    continue;
                }
                return Err(AgreementError::UnknownLinkTarget {
                    agreement: source.id(),
                    title: source.title().to_owned(),
                    link,
                });
            };
            if link.kind() == LinkKind::Implements
                && !self.policy.allows_implementing_across_parties()
                && named.parties().codes() != source.parties().codes()
            {
                return Err(AgreementError::LinkParties {
                    agreement: source.id(),
                    title: source.title().to_owned(),
                    parties: Box::new((source.parties().clone(), named.parties().clone())),
                    link,
                    target_title: named.title().to_owned(),
                });
            }
            if link.kind().is_acyclic() && self.leads_to(target, source.id(), link.kind()) {
                return Err(AgreementError::LinkCycle {
                    agreement: source.id(),
                    title: source.title().to_owned(),
                    link,
                    target_title: named.title().to_owned(),
                });
            }
        }
        Ok(())
    }

    /// Checks what `agreement` (one held or not, as it is or as a change
    /// would leave it) says of others, as the tracker checks it when it is
    /// said, changing nothing: its links, and the dates of its events at
    /// occasions the tracker knows. For a store, say, that validates a
    /// change before writing it.
    ///
    /// # Errors
    ///
    /// [`AgreementError::UnknownLinkTarget`], [`AgreementError::LinkParties`]
    /// or [`AgreementError::LinkCycle`] for the first link refused, naming
    /// both agreements; [`AgreementError::OutsideOccasion`] for an event
    /// dated outside its occasion.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, AgreementId, Event, EventKind, Link, LinkKind, Parties, Party, Tracker};
    /// let tracker = Tracker::new();
    /// let parties = Parties::new(Party::state("IND", "India")?, Party::state("JPN", "Japan")?)?;
    /// let stray = Agreement::builder("Stray", parties).build(
    ///     Event::builder(EventKind::Proposed, "2024".parse()?)
    ///         .link(Link::new(LinkKind::Amends, AgreementId::new()))
    ///         .build()?,
    /// )?;
    /// assert!(tracker.check_references(&stray).is_err());
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn check_references(&self, agreement: &Agreement) -> Result<(), TrackerError> {
        Ok(self.check_events(agreement, agreement.history())?)
    }

    /// Checks the links and the occasions of `events`, of `source`.
    pub(super) fn check_events<'e>(
        &self,
        source: &Agreement,
        events: impl IntoIterator<Item = &'e Event>,
    ) -> Result<(), AgreementError> {
        for event in events {
            self.check_these_links(source, event.links().iter().copied())?;
            self.check_occasion(source, event)?;
        }
        Ok(())
    }

    /// Whether links of `kind` lead from `from` to `to`, directly or
    /// through other agreements (or `from` is `to`).
    fn leads_to(&self, from: AgreementId, to: AgreementId, kind: LinkKind) -> bool {
        let mut next = vec![from];
        let mut seen = HashSet::new();
        while let Some(id) = next.pop() {
            if id == to {
                return true;
            }
            if !seen.insert(id) {
                continue;
            }
            if let Some(agreement) = self.get(id) {
                next.extend(
                    agreement
                        .links()
                        .filter(|(_, link)| link.kind() == kind)
                        .map(|(_, link)| link.target()),
                );
            }
        }
        false
    }

    /// Checks every link and occasion of the agreements in `slots`, as a
    /// loaded document must pass: the first of them that breaks a rule,
    /// and why.
    pub(super) fn check_references_of(
        &self,
        slots: impl IntoIterator<Item = u32>,
    ) -> Result<(), (u32, AgreementError)> {
        // No link anywhere and no occasion known: nothing to look at.
        if self.index.links.is_empty() && self.occasions.is_empty() {
            return Ok(());
        }
        for slot in slots {
            let Some(agreement) = self.at(slot) else {
                continue;
            };
            self.check_events(agreement, agreement.history())
                .map_err(|error| (slot, error))?;
        }
        Ok(())
    }

    /// Every link that names the agreement `id`, made by an event in force
    /// of an agreement the tracker holds: ordered by the date of the event
    /// that made it, then by the linking agreement's title. `id` need not
    /// be held (a link to a removed agreement stays).
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Link, LinkKind, Parties, Party, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = || Parties::new(Party::state("IND", "India").unwrap(), Party::state("JPN", "Japan").unwrap()).unwrap();
    /// let framework = tracker.create(
    ///     Agreement::builder("Transfer of Defence Equipment and Technology", parties()),
    ///     Event::new(EventKind::Finalised, "2015-12-12".parse()?),
    /// )?;
    /// tracker.create(
    ///     Agreement::builder("UNICORN mast", parties()),
    ///     Event::builder(EventKind::MoiSigned, "2024-11-15".parse()?)
    ///         .link(Link::new(LinkKind::Implements, framework))
    ///         .build()?,
    /// )?;
    /// let implementing = tracker.implemented_by(framework);
    /// assert_eq!(implementing[0].agreement.title(), "UNICORN mast");
    /// assert_eq!(implementing[0].event.date().to_string(), "2024-11-15");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn linked_to(&self, id: AgreementId) -> Vec<Linked<'_>> {
        let Some(sources) = self.index.links.get(&id) else {
            return Vec::new();
        };
        let mut slots: Vec<u32> = sources.iter().map(|&(slot, _)| slot).collect();
        slots.sort_unstable();
        slots.dedup();
        let mut linked: Vec<Linked<'_>> = slots
            .into_iter()
            .filter_map(|slot| self.at(slot))
            .flat_map(|agreement| {
                agreement
                    .links()
                    .filter(move |(_, link)| link.target() == id)
                    .map(move |(event, link)| Linked {
                        agreement,
                        event,
                        link,
                    })
            })
            .collect();
        linked.sort_by(|a, b| {
            (a.event.date().start(), a.event.date().end())
                .cmp(&(b.event.date().start(), b.event.date().end()))
                .then_with(|| a.agreement.title().cmp(b.agreement.title()))
                .then_with(|| a.link.cmp(&b.link))
                .then_with(|| a.event.id().cmp(&b.event.id()))
        });
        linked
    }

    /// What implements the agreement `id`: [`linked_to`](Self::linked_to)
    /// with links of [`LinkKind::Implements`].
    pub fn implemented_by(&self, id: AgreementId) -> Vec<Linked<'_>> {
        self.linked_by(id, LinkKind::Implements)
    }

    /// What superseded the agreement `id`: [`linked_to`](Self::linked_to)
    /// with links of [`LinkKind::Supersedes`].
    pub fn superseded_by(&self, id: AgreementId) -> Vec<Linked<'_>> {
        self.linked_by(id, LinkKind::Supersedes)
    }

    /// The links of `kind` that name the agreement `id`.
    pub fn linked_by(&self, id: AgreementId, kind: LinkKind) -> Vec<Linked<'_>> {
        let mut linked = self.linked_to(id);
        linked.retain(|linked| linked.link.kind() == kind);
        linked
    }

    /// The chain of amendments of the agreement `id`: what amends it, what
    /// amends those, and so on, nearest first (each amendment once, at the
    /// first link found to it, in the order of
    /// [`linked_to`](Self::linked_to)).
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Link, LinkKind, Parties, Party, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = || Parties::new(Party::state("IND", "India").unwrap(), Party::state("PHL", "Philippines").unwrap()).unwrap();
    /// let signed = |date: &str, amends: Option<bilateral::AgreementId>| {
    ///     let event = Event::builder(EventKind::Finalised, date.parse().unwrap());
    ///     event.links(amends.map(|id| Link::new(LinkKind::Amends, id))).build().unwrap()
    /// };
    /// let treaty = tracker.create(Agreement::builder("Defence Cooperation", parties()), signed("2006-02-04", None))?;
    /// let first = tracker.create(Agreement::builder("First protocol", parties()), signed("2010", Some(treaty)))?;
    /// tracker.create(Agreement::builder("Second protocol", parties()), signed("2015", Some(first)))?;
    /// let titles: Vec<_> = tracker.amendments(treaty).iter().map(|l| l.agreement.title()).collect();
    /// assert_eq!(titles, ["First protocol", "Second protocol"]);
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn amendments(&self, id: AgreementId) -> Vec<Linked<'_>> {
        let mut chain = Vec::new();
        let mut seen = HashSet::from([id]);
        let mut next = VecDeque::from([id]);
        while let Some(amended) = next.pop_front() {
            for linked in self.linked_by(amended, LinkKind::Amends) {
                if seen.insert(linked.agreement.id()) {
                    next.push_back(linked.agreement.id());
                    chain.push(linked);
                }
            }
        }
        chain
    }

    /// The family of the agreement `id`: every agreement linked to it or
    /// from it, directly or through others, with the links between them;
    /// `None` when the tracker does not hold `id`. Draw it with
    /// [`Family::mermaid`].
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::{Agreement, Event, EventKind, Link, LinkKind, Parties, Party, Tracker};
    /// let mut tracker = Tracker::new();
    /// let parties = || Parties::new(Party::state("IND", "India").unwrap(), Party::state("JPN", "Japan").unwrap()).unwrap();
    /// let framework = tracker.create(
    ///     Agreement::builder("Defence Equipment and Technology", parties()),
    ///     Event::new(EventKind::Finalised, "2015-12-12".parse()?),
    /// )?;
    /// let mast = tracker.create(
    ///     Agreement::builder("UNICORN mast", parties()),
    ///     Event::builder(EventKind::MoiSigned, "2024-11-15".parse()?)
    ///         .link(Link::new(LinkKind::Implements, framework))
    ///         .build()?,
    /// )?;
    /// let family = tracker.family(mast).unwrap();
    /// assert_eq!(family.members().len(), 2);
    /// assert!(family.mermaid().to_string().contains("-- \"implements (2024-11-15)\" -->"));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn family(&self, id: AgreementId) -> Option<Family<'_>> {
        let root = self.get(id)?;
        let mut members: Vec<Member<'_>> = vec![Member::Held(root)];
        let mut seen = HashSet::from([id]);
        let mut edges = Vec::new();
        let mut next = VecDeque::from([id]);
        while let Some(current) = next.pop_front() {
            let mut found = Vec::new();
            if let Some(agreement) = self.get(current) {
                for (event, link) in agreement.links() {
                    found.push(link.target());
                    edges.push(Linked {
                        agreement,
                        event,
                        link,
                    });
                }
            }
            found.extend(
                self.linked_to(current)
                    .iter()
                    .map(|linked| linked.agreement.id()),
            );
            for other in found {
                if seen.insert(other) {
                    members.push(self.get(other).map_or(Member::Gone(other), Member::Held));
                    next.push_back(other);
                }
            }
        }
        edges.sort_by(|a, b| {
            (a.agreement.id(), a.link, a.event.id()).cmp(&(b.agreement.id(), b.link, b.event.id()))
        });
        edges.dedup_by(|a, b| {
            (a.agreement.id(), a.link, a.event.id()) == (b.agreement.id(), b.link, b.event.id())
        });
        Some(Family { members, edges })
    }
}

/// A member of a [`Family`]: an agreement the tracker holds, or the id of
/// one a link names that it no longer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Member<'a> {
    /// An agreement the tracker holds.
    Held(&'a Agreement),
    /// An agreement named by a link, removed from the tracker since.
    Gone(AgreementId),
}

impl Member<'_> {
    /// The agreement's id.
    pub fn id(&self) -> AgreementId {
        match self {
            Member::Held(agreement) => agreement.id(),
            Member::Gone(id) => *id,
        }
    }
}

/// An instrument family: agreements joined by links, directly or through
/// others; see [`Tracker::family`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Family<'a> {
    members: Vec<Member<'a>>,
    edges: Vec<Linked<'a>>,
}

impl<'a> Family<'a> {
    /// The members, the agreement asked about first, then by distance.
    pub fn members(&self) -> &[Member<'a>] {
        &self.members
    }

    /// The links between members, each with the event that made it.
    pub fn links(&self) -> &[Linked<'a>] {
        &self.edges
    }

    /// The family as a Mermaid flowchart: one node per member (its title,
    /// instrument kind and stage), one arrow per link, labelled with its
    /// kind and date.
    pub fn mermaid(&self) -> FamilyMermaid<'_, 'a> {
        FamilyMermaid { family: self }
    }
}

/// A [`Family`] drawn as a Mermaid `flowchart`; see [`Family::mermaid`].
///
/// Titles are written inside quotes with `"`, `#`, `<` and `>` replaced by
/// Mermaid's entity codes, so that no title can break the diagram.
#[derive(Debug, Clone, Copy)]
pub struct FamilyMermaid<'f, 'a> {
    family: &'f Family<'a>,
}

impl fmt::Display for FamilyMermaid<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let members = &self.family.members;
        let node = |id: AgreementId| members.iter().position(|member| member.id() == id);
        writeln!(f, "flowchart BT")?;
        for (n, member) in members.iter().enumerate() {
            match member {
                Member::Held(agreement) => writeln!(
                    f,
                    "    a{n}[\"{}<br/>{} · {} · {}\"]",
                    Quoted(agreement.title()),
                    agreement.instrument().label(),
                    agreement.parties(),
                    agreement.stage().label()
                )?,
                Member::Gone(id) => writeln!(f, "    a{n}[\"{id}<br/>(removed)\"]")?,
            }
        }
        for linked in &self.family.edges {
            if let (Some(from), Some(to)) =
                (node(linked.agreement.id()), node(linked.link.target()))
            {
                writeln!(
                    f,
                    "    a{from} -- \"{} ({})\" --> a{to}",
                    linked.link.kind(),
                    linked.event.date()
                )?;
            }
        }
        Ok(())
    }
}

/// Text inside a quoted Mermaid label.
struct Quoted<'a>(&'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("#quot;")?,
                '#' => f.write_str("#35;")?,
                '<' => f.write_str("#lt;")?,
                '>' => f.write_str("#gt;")?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}
