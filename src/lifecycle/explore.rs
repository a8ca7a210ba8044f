//! Every history a policy allows: stage paths, what can be reached from
//! where, and properties checked over all histories at once, with the
//! shortest counterexample when one fails.
//!
//! A policy is a finite table, so questions about every history it allows
//! are questions about a small graph of six stages: each is answered by a
//! breadth-first search, exhaustively, for histories of any length, in
//! microseconds. Guards are code the check cannot read: properties hold
//! over the table. The built-in guards never forbid a step outright (an
//! event can always cite a source, be dated to the day, or name both
//! parties' representatives), so they never change an answer; the
//! histories of counterexamples carry what they ask for.

use std::fmt;
use std::str::FromStr;

use chrono::{Days, NaiveDate};

use crate::model::{
    Event, EventDate, EventId, EventKind, Excerpt, Parties, Representative, Source, Stage,
    StageSet, ValueError, Vocabulary,
};

use super::policy::Policy;

/// A sequence of stages, one step at a time, as a record's stage changes
/// would go: where it starts, then each stage it moves to.
///
/// Written as the stages joined by `->` (`"proposed -> deliberated ->
/// moi-signed"`), which [`FromStr`] reads back. A path is only a sequence:
/// [`Policy::allows_path`] says whether a policy allows it.
///
/// ```
/// use bilateral::lifecycle::Path;
/// use bilateral::Stage;
/// let path: Path = "proposed -> deliberated -> deliberated -> moi-signed".parse()?;
/// assert_eq!(path.start(), Stage::Proposed);
/// assert_eq!(path.end(), Stage::MoiSigned);
/// assert_eq!(path.count(Stage::Deliberated), 2);
/// assert_eq!(path.to_string(), "proposed -> deliberated -> deliberated -> moi-signed");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    start: Stage,
    steps: Vec<Stage>,
}

/// The first day of the histories made from paths: 2000-01-01.
const FIRST_DAY: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

impl Path {
    /// A path of one stage: where a record opens.
    pub fn new(start: Stage) -> Self {
        Path {
            start,
            steps: Vec::new(),
        }
    }

    /// This path, then one more step to `stage`.
    #[must_use]
    pub fn then(mut self, stage: Stage) -> Self {
        self.steps.push(stage);
        self
    }

    /// The stage the path starts at.
    pub const fn start(&self) -> Stage {
        self.start
    }

    /// The stage the path ends at (its start, when it takes no step).
    pub fn end(&self) -> Stage {
        self.steps.last().copied().unwrap_or(self.start)
    }

    /// The stages moved to, after the start.
    pub fn steps(&self) -> &[Stage] {
        &self.steps
    }

    /// Every stage of the path, the start first.
    pub fn stages(&self) -> impl ExactSizeIterator<Item = Stage> + '_ {
        std::iter::once(self.start)
            .chain(self.steps.iter().copied())
            .collect::<Vec<_>>()
            .into_iter()
    }

    /// Each step as `(from, to)`.
    pub fn transitions(&self) -> impl Iterator<Item = (Stage, Stage)> + '_ {
        std::iter::once(self.start)
            .chain(self.steps.iter().copied())
            .zip(self.steps.iter().copied())
    }

    /// Whether the path passes `stage` (its start included).
    pub fn contains(&self, stage: Stage) -> bool {
        self.start == stage || self.steps.contains(&stage)
    }

    /// How many times the path is at `stage` (its start included).
    pub fn count(&self, stage: Stage) -> usize {
        usize::from(self.start == stage) + self.steps.iter().filter(|s| **s == stage).count()
    }

    /// The path as a history: one stage change per stage, on successive
    /// days from 2000-01-01, each dated to the day.
    ///
    /// Event ids are made from the position (`c0000000-…` and the
    /// position), so the same path gives the same history every time.
    ///
    /// ```
    /// use bilateral::lifecycle::Path;
    /// use bilateral::{EventKind, Policy};
    /// let path: Path = "proposed -> deliberated".parse()?;
    /// let history = path.history();
    /// assert_eq!(history[1].kind(), EventKind::Deliberated);
    /// assert_eq!(history[1].date().to_string(), "2000-01-02");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn history(&self) -> Vec<Event> {
        self.stages()
            .enumerate()
            .filter_map(|(position, stage)| story_event(position, stage))
            .map(StoryEvent::build_lossless)
            .collect()
    }
}

/// One event of a story: the stage change at `position`, a day after the
/// one before (the last day of 9999 for positions beyond it).
fn story_event(position: usize, stage: Stage) -> Option<StoryEvent> {
    let days = u64::try_from(position).unwrap_or(u64::MAX).min(LAST_DAY);
    let day = FIRST_DAY
        .checked_add_days(Days::new(days))
        .and_then(|day| EventDate::try_from(day).ok())?;
    let id = EventId::from_uuid(uuid::Uuid::from_u128(
        (0xc << 124) + u128::try_from(position).unwrap_or_default(),
    ));
    Some(StoryEvent {
        event: Event::with_id(id, EventKind::from(stage), day),
        source: false,
        parties: None,
    })
}

/// Days from 2000-01-01 to 9999-12-31, the last day a date may have.
const LAST_DAY: u64 = 2_921_939;

/// An event of a story and what the guards on its step ask of it.
struct StoryEvent {
    event: Event,
    source: bool,
    parties: Option<Parties>,
}

impl StoryEvent {
    fn build_lossless(self) -> Event {
        let mut builder = self.event.to_builder();
        if self.source
            && let Ok(source) = Source::new("bilateral", "policy check")
        {
            builder = builder.source(source);
        }
        if let Some(parties) = &self.parties {
            for party in parties.iter() {
                if let Ok(person) = Representative::new(
                    format!("Delegate of {}", party.code()),
                    "delegate",
                    party.code(),
                ) {
                    builder = builder.participant(person);
                }
            }
        }
        builder.build().unwrap_or(self.event)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start)?;
        for stage in &self.steps {
            write!(f, " -> {stage}")?;
        }
        Ok(())
    }
}

impl FromStr for Path {
    type Err = ValueError;

    /// Stages joined by `->`, with any spelling [`Stage`] reads.
    ///
    /// # Errors
    ///
    /// [`ValueError::Unknown`] naming the stage that is not one.
    fn from_str(input: &str) -> Result<Self, ValueError> {
        let mut stages = input.split("->").map(|part| part.trim().parse::<Stage>());
        let start = match stages.next() {
            Some(stage) => stage?,
            None => return Err(unknown(Vocabulary::Path, input)),
        };
        Ok(Path {
            start,
            steps: stages.collect::<Result<_, _>>()?,
        })
    }
}
crate::model::serde_str::try_from_str!(Path);
crate::model::serde_str::serde_via_str!(Path, "a path such as \"proposed -> deliberated\"");

fn unknown(what: Vocabulary, input: &str) -> ValueError {
    ValueError::Unknown {
        what,
        input: Excerpt::new(input),
    }
}

/// Every path between two stages that a policy allows, a stage at most
/// [`rounds`](Paths::rounds) times (twice unless set), found lazily, depth
/// first, successors in stage order.
///
/// Made by [`Policy::paths`] and [`Policy::paths_from`]. A policy with a
/// cycle (the standard one lets deliberation repeat) allows paths without
/// end, and the bound on rounds is what keeps them finite; even then their
/// number grows fast with it, so take what you need:
/// `policy.paths(a, b).rounds(10).take(100)`.
#[derive(Debug, Clone)]
#[must_use = "paths are found lazily, when iterated"]
pub struct Paths<'p> {
    policy: &'p Policy,
    from: Stage,
    goal: StageSet,
    toward: StageSet,
    rounds: u8,
    /// The path so far, each stage with the successors still to try.
    stack: Vec<(Stage, crate::model::StageSetIter)>,
    visits: [u8; Stage::COUNT],
    started: bool,
}

impl<'p> Paths<'p> {
    fn new(policy: &'p Policy, from: Stage, goal: StageSet) -> Self {
        // The stages from which a goal can be reached: a path never needs
        // to step anywhere else.
        let toward = Stage::ALL
            .into_iter()
            .filter(|stage| {
                goal.contains(*stage)
                    || policy
                        .reachable_from(*stage)
                        .iter()
                        .any(|s| goal.contains(s))
            })
            .collect();
        Paths {
            policy,
            from,
            goal,
            toward,
            rounds: 2,
            stack: Vec::new(),
            visits: [0; Stage::COUNT],
            started: false,
        }
    }

    /// How many times a path may be at one stage: how many rounds a
    /// repeated stage may have. At least 1 (each stage once: paths
    /// without repetition); 2 unless set.
    pub fn rounds(self, rounds: u8) -> Self {
        Paths {
            rounds: rounds.max(1),
            ..Paths::new(self.policy, self.from, self.goal)
        }
    }

    fn path(&self) -> Path {
        let mut stages = self.stack.iter().map(|(stage, _)| *stage);
        Path {
            start: stages.next().unwrap_or(self.from),
            steps: stages.collect(),
        }
    }

    fn enter(&mut self, stage: Stage) {
        if let Some(visits) = self.visits.get_mut(stage.index()) {
            *visits += 1;
        }
        let next = self
            .policy
            .allowed_after(stage)
            .intersection(self.toward)
            .iter();
        self.stack.push((stage, next));
    }
}

impl Iterator for Paths<'_> {
    type Item = Path;

    fn next(&mut self) -> Option<Path> {
        if !self.started {
            self.started = true;
            if !self.toward.contains(self.from) {
                return None;
            }
            self.enter(self.from);
            if self.goal.contains(self.from) {
                return Some(self.path());
            }
        }
        loop {
            let (_, successors) = self.stack.last_mut()?;
            match successors.next() {
                Some(stage) => {
                    if self.visits.get(stage.index()).copied().unwrap_or(u8::MAX) >= self.rounds {
                        continue;
                    }
                    self.enter(stage);
                    if self.goal.contains(stage) {
                        return Some(self.path());
                    }
                }
                None => {
                    if let Some((stage, _)) = self.stack.pop()
                        && let Some(visits) = self.visits.get_mut(stage.index())
                    {
                        *visits -= 1;
                    }
                }
            }
        }
    }
}

impl std::iter::FusedIterator for Paths<'_> {}

/// A statement about every history a policy allows, checked exhaustively by
/// [`Policy::verify`].
///
/// Histories start where a record may open (an entry stage) and go one
/// allowed step at a time, of any length. Each property reads as a
/// sentence ([`Display`](fmt::Display)), which [`FromStr`] reads back:
///
/// | property | as text |
/// |---|---|
/// | `EveryPathPasses { to: Finalised, through: MoiSigned }` | every path to finalised passes moi-signed |
/// | `Reachable { target: Withdrawn, from }` | withdrawn is reachable from proposed, deliberated |
/// | `Unreachable { target: Finalised, from }` | finalised is unreachable from withdrawn |
/// | `NothingFollows(Terminated)` | nothing follows terminated |
/// | `NeverOpensAt(Finalised)` | a record never opens at finalised |
/// | `NeverAfter { later: Finalised, earlier: Withdrawn }` | finalised never comes after withdrawn |
/// | `AtMost { stage: MoiSigned, times: 1 }` | moi-signed is reached at most once |
///
/// ```
/// use bilateral::lifecycle::Property;
/// use bilateral::{Policy, Stage};
/// let policy = Policy::standard();
/// policy.verify(Property::EveryPathPasses { to: Stage::Finalised, through: Stage::MoiSigned })?;
/// policy.verify("nothing follows withdrawn".parse()?)?;
/// // Deliberation may go round: a counterexample shows it.
/// let no = policy.verify(Property::AtMost { stage: Stage::Deliberated, times: 1 }).unwrap_err();
/// assert_eq!(no.story().to_string(), "deliberated -> deliberated");
/// # Ok::<(), bilateral::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Property {
    /// Every history that steps into `to` passed `through` on the way (or
    /// opened there). A record that opens at `to` took no path there:
    /// [`NeverOpensAt`](Property::NeverOpensAt) is about those.
    EveryPathPasses {
        /// The stage reached.
        to: Stage,
        /// The stage every way there passes.
        through: Stage,
    },
    /// From every stage of `from`, whatever came before, `target` can still
    /// be reached (a record already at `target` has reached it).
    Reachable {
        /// The stage to reach.
        target: Stage,
        /// The stages it must be reachable from.
        from: StageSet,
    },
    /// No history that passes a stage of `from` reaches `target` then or
    /// later (a record at `target` that is in `from` has reached it).
    Unreachable {
        /// The stage never to reach.
        target: Stage,
        /// The stages after which it is never reached.
        from: StageSet,
    },
    /// No step of any history leaves this stage.
    NothingFollows(Stage),
    /// No record opens at this stage.
    NeverOpensAt(Stage),
    /// No history reaches `later` after it passed `earlier`.
    NeverAfter {
        /// The stage that must not come after.
        later: Stage,
        /// The stage it must not follow, directly or not.
        earlier: Stage,
    },
    /// No history is at `stage` more than `times` times.
    AtMost {
        /// The stage counted.
        stage: Stage,
        /// How many times it may be reached.
        times: u8,
    },
}

impl fmt::Display for Property {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Property::EveryPathPasses { to, through } => {
                write!(f, "every path to {to} passes {through}")
            }
            Property::Reachable { target, from } => {
                write!(f, "{target} is reachable from {}", StageList(from))
            }
            Property::Unreachable { target, from } => {
                write!(f, "{target} is unreachable from {}", StageList(from))
            }
            Property::NothingFollows(stage) => write!(f, "nothing follows {stage}"),
            Property::NeverOpensAt(stage) => write!(f, "a record never opens at {stage}"),
            Property::NeverAfter { later, earlier } => {
                write!(f, "{later} never comes after {earlier}")
            }
            Property::AtMost { stage, times } => {
                write!(f, "{stage} is reached at most ")?;
                match times {
                    1 => f.write_str("once"),
                    2 => f.write_str("twice"),
                    n => write!(f, "{n} times"),
                }
            }
        }
    }
}

/// Stages as a list in text: `proposed, deliberated`, or `nothing`.
struct StageList(StageSet);

impl fmt::Display for StageList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("nothing");
        }
        for (i, stage) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{stage}")?;
        }
        Ok(())
    }
}

fn parse_list(text: &str) -> Result<StageSet, ValueError> {
    if text.trim() == "nothing" {
        return Ok(StageSet::EMPTY);
    }
    text.split(',')
        .flat_map(|part| part.split(" and "))
        .map(|part| part.trim().parse::<Stage>())
        .collect()
}

impl FromStr for Property {
    type Err = ValueError;

    /// The sentences [`Display`](fmt::Display) writes, with any spelling of
    /// the stages that [`Stage`] reads.
    ///
    /// # Errors
    ///
    /// [`ValueError::Unknown`] naming the text, when it is none of the
    /// sentences, or naming the stage that is not one.
    fn from_str(input: &str) -> Result<Self, ValueError> {
        let text = input.trim();
        let unknown = || unknown(Vocabulary::Property, input);
        if let Some(rest) = text.strip_prefix("every path to ") {
            let (to, through) = rest.split_once(" passes ").ok_or_else(unknown)?;
            return Ok(Property::EveryPathPasses {
                to: to.parse()?,
                through: through.parse()?,
            });
        }
        if let Some(stage) = text.strip_prefix("nothing follows ") {
            return Ok(Property::NothingFollows(stage.parse()?));
        }
        if let Some(stage) = text.strip_prefix("a record never opens at ") {
            return Ok(Property::NeverOpensAt(stage.parse()?));
        }
        if let Some((target, from)) = text.split_once(" is unreachable from ") {
            return Ok(Property::Unreachable {
                target: target.parse()?,
                from: parse_list(from)?,
            });
        }
        if let Some((target, from)) = text.split_once(" is reachable from ") {
            return Ok(Property::Reachable {
                target: target.parse()?,
                from: parse_list(from)?,
            });
        }
        if let Some((later, earlier)) = text.split_once(" never comes after ") {
            return Ok(Property::NeverAfter {
                later: later.parse()?,
                earlier: earlier.parse()?,
            });
        }
        if let Some((stage, times)) = text.split_once(" is reached at most ") {
            let times = match times.trim() {
                "once" => 1,
                "twice" => 2,
                other => other
                    .strip_suffix(" times")
                    .and_then(|n| n.trim().parse().ok())
                    .ok_or_else(unknown)?,
            };
            return Ok(Property::AtMost {
                stage: stage.parse()?,
                times,
            });
        }
        Err(unknown())
    }
}
crate::model::serde_str::try_from_str!(Property);
crate::model::serde_str::serde_via_str!(
    Property,
    "a property such as \"every path to finalised passes moi-signed\""
);

/// A property a policy breaks, with the shortest history that shows it.
///
/// Returned by [`Policy::verify`]. The story starts where a record may open
/// and takes only steps the policy's table allows; [`history`] makes it a
/// list of dated events (successive days from 2000-01-01) that meets the
/// built-in guards on its steps, ready to replay: the policy accepts it,
/// unless a guard of your own refuses a step ([`opaque_guards`] names
/// them).
///
/// [`history`]: Counterexample::history
/// [`opaque_guards`]: Counterexample::opaque_guards
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counterexample {
    policy: Policy,
    property: Property,
    story: Path,
}

/// The built-in guards, by name: what an event needs to pass each.
const CITES_SOURCE: &str = "cites-source";
const EXACT_DATE: &str = "exact-date";
const BOTH_PARTIES: &str = "both-parties-represented";

impl Counterexample {
    /// The property broken.
    pub const fn property(&self) -> Property {
        self.property
    }

    /// The policy that breaks it.
    pub const fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The shortest path, from where a record may open, that breaks it.
    pub const fn story(&self) -> &Path {
        &self.story
    }

    /// The story as dated events, meeting the built-in guards that need
    /// nothing but the event: every date is exact, and a step guarded by
    /// `cites-source` cites one. A step guarded by
    /// `both-parties-represented` needs the parties:
    /// [`history_between`](Self::history_between).
    pub fn history(&self) -> Vec<Event> {
        self.events(None)
    }

    /// [`history`](Self::history), with a representative of each party
    /// among the participants of every step that
    /// `both-parties-represented` guards.
    pub fn history_between(&self, parties: &Parties) -> Vec<Event> {
        self.events(Some(parties))
    }

    fn events(&self, parties: Option<&Parties>) -> Vec<Event> {
        let mut from = None;
        self.story
            .stages()
            .enumerate()
            .filter_map(|(position, stage)| {
                let mut event = story_event(position, stage)?;
                for guard in self.policy.guards_for(from, stage) {
                    match guard.name() {
                        CITES_SOURCE => event.source = true,
                        BOTH_PARTIES => event.parties = parties.cloned(),
                        _ => {}
                    }
                }
                from = Some(stage);
                Some(event.build_lossless())
            })
            .collect()
    }

    /// The guards on the story's steps that are not built in: code the
    /// check cannot read, which may refuse a step of the story. Each named
    /// once, in the order met.
    pub fn opaque_guards(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        let mut from = None;
        for stage in self.story.stages() {
            for guard in self.policy.guards_for(from, stage) {
                let name = guard.name();
                if ![CITES_SOURCE, EXACT_DATE, BOTH_PARTIES].contains(&name)
                    && !names.contains(&name)
                {
                    names.push(name);
                }
            }
            from = Some(stage);
        }
        names
    }

    /// The story as a timeline: one line per event, its date and the stage
    /// it moves to, and whether it cites a source.
    ///
    /// ```
    /// use bilateral::lifecycle::Property;
    /// use bilateral::{Policy, Stage};
    /// let no = Policy::standard().verify(Property::NeverAfter { later: Stage::Terminated, earlier: Stage::Proposed }).unwrap_err();
    /// assert_eq!(no.timeline().to_string(), "\
    /// 2000-01-01   proposed (the record opens)
    /// 2000-01-02   deliberated
    /// 2000-01-03   MoI signed
    /// 2000-01-04   finalised
    /// 2000-01-05   terminated
    /// ");
    /// ```
    pub fn timeline(&self) -> impl fmt::Display + '_ {
        StoryTimeline(self)
    }

    /// What the story shows, in words.
    fn explain(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let story = &self.story;
        match self.property {
            Property::EveryPathPasses { to, through } => {
                write!(f, "{story} reaches {to} without passing {through}")
            }
            Property::Reachable { target, .. } => {
                let at = story.end();
                write!(
                    f,
                    "after {story}, {target} can no longer be reached: from {at} "
                )?;
                let onwards = self.policy.reachable_from(at);
                if onwards.is_empty() {
                    f.write_str("nothing follows")
                } else {
                    write!(f, "only {} can follow", StageList(onwards))
                }
            }
            Property::Unreachable { target, .. } => write!(f, "{story} reaches {target}"),
            Property::NothingFollows(stage) => {
                write!(f, "{story} takes a step after {stage}")
            }
            Property::NeverOpensAt(stage) => write!(f, "a record may open at {stage}"),
            Property::NeverAfter { later, earlier } => {
                write!(f, "{story} reaches {later} after {earlier}")
            }
            Property::AtMost { stage, .. } => {
                write!(f, "{story} reaches {stage} {} times", story.count(stage))
            }
        }
    }
}

impl fmt::Display for Counterexample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "policy \"{}\" breaks \"{}\": ",
            self.policy.name(),
            self.property
        )?;
        self.explain(f)
    }
}

impl std::error::Error for Counterexample {}

struct StoryTimeline<'a>(&'a Counterexample);

impl fmt::Display for StoryTimeline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, event) in self.0.history().iter().enumerate() {
            write!(
                f,
                "{:<12} {}",
                event.date().to_string(),
                event.kind().label()
            )?;
            if position == 0 {
                f.write_str(" (the record opens)")?;
            }
            if !event.sources().is_empty() {
                f.write_str(", citing a source")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// What a search counts along a path, beside the stage: a small number
/// each property gives its own meaning.
type Count = u16;

impl Policy {
    /// The stages reachable from `from` in one step or more.
    ///
    /// ```
    /// use bilateral::{Policy, Stage, StageSet};
    /// let standard = Policy::standard();
    /// let onwards = standard.reachable_from(Stage::MoiSigned);
    /// assert_eq!(onwards, [Stage::Finalised, Stage::Withdrawn, Stage::Terminated].into_iter().collect::<StageSet>());
    /// assert!(standard.reachable_from(Stage::Withdrawn).is_empty());
    /// ```
    pub fn reachable_from(&self, from: Stage) -> StageSet {
        let mut reached = StageSet::EMPTY;
        let mut frontier = self.allowed_after(from);
        while !frontier.is_empty() {
            reached = reached.union(frontier);
            frontier = frontier
                .iter()
                .fold(StageSet::EMPTY, |set, stage| {
                    set.union(self.allowed_after(stage))
                })
                .difference(reached);
        }
        reached
    }

    /// Whether the policy allows every step of `path`, and a record may
    /// open where it starts.
    ///
    /// ```
    /// use bilateral::Policy;
    /// let standard = Policy::standard();
    /// assert!(standard.allows_path(&"proposed -> deliberated -> moi-signed".parse()?));
    /// assert!(!standard.allows_path(&"proposed -> finalised".parse()?));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn allows_path(&self, path: &Path) -> bool {
        self.entry_stages().contains(path.start())
            && path.transitions().all(|(from, to)| self.allows(from, to))
    }

    /// The shortest path from `from` to `to` (the stage itself when they
    /// are the same), or `None` when `to` cannot be reached from there.
    /// Among paths of one length, the one whose stages come first in
    /// [`Stage::ALL`]'s order.
    ///
    /// ```
    /// use bilateral::{Policy, Stage};
    /// let standard = Policy::standard();
    /// let path = standard.shortest_path(Stage::Proposed, Stage::Terminated).unwrap();
    /// assert_eq!(path.to_string(), "proposed -> deliberated -> moi-signed -> finalised -> terminated");
    /// assert_eq!(standard.shortest_path(Stage::Withdrawn, Stage::Proposed), None);
    /// ```
    pub fn shortest_path(&self, from: Stage, to: Stage) -> Option<Path> {
        self.search(
            StageSet::only(from),
            0,
            |_| 0,
            |_, _| 0,
            |stage, _| stage == to,
        )
    }

    /// The shortest path from `from` to each stage reachable from it, the
    /// stage itself first (a path of no step), then the others in stage
    /// order.
    pub fn shortest_paths(&self, from: Stage) -> Vec<Path> {
        std::iter::once(from)
            .chain(self.reachable_from(from).without(from))
            .filter_map(|to| self.shortest_path(from, to))
            .collect()
    }

    /// Every path from `from` to `to` the policy allows, each stage at most
    /// twice unless [`Paths::rounds`] says otherwise, including `from`
    /// alone when it is `to`. Found lazily; see [`Paths`].
    ///
    /// ```
    /// use bilateral::{Policy, Stage};
    /// let paths: Vec<String> = Policy::standard()
    ///     .paths(Stage::Proposed, Stage::Finalised)
    ///     .map(|path| path.to_string())
    ///     .collect();
    /// assert_eq!(paths, [
    ///     "proposed -> deliberated -> deliberated -> moi-signed -> finalised",
    ///     "proposed -> deliberated -> moi-signed -> finalised",
    /// ]);
    /// ```
    pub fn paths(&self, from: Stage, to: Stage) -> Paths<'_> {
        Paths::new(self, from, StageSet::only(to))
    }

    /// Every path from `from` that ends where the policy allows no further
    /// step (withdrawn, terminated, or any stage of your table with no way
    /// out), each stage at most twice unless [`Paths::rounds`] says
    /// otherwise. Paths that only a lack of rounds would stop are not
    /// listed.
    pub fn paths_from(&self, from: Stage) -> Paths<'_> {
        Paths::new(self, from, self.final_stages())
    }

    /// Checks `property` over every history the policy's table allows, of
    /// any length.
    ///
    /// Guards are code the check cannot read: the answer is the table's.
    /// The built-in guards never forbid a step outright, so they never
    /// change it, and the counterexample's history meets them.
    ///
    /// # Errors
    ///
    /// The shortest [`Counterexample`] (fewest stages; then the earliest in
    /// stage order) when the policy breaks `property`.
    ///
    /// # Example
    ///
    /// ```
    /// use bilateral::lifecycle::Property;
    /// use bilateral::{Policy, Stage};
    /// let lax = Policy::standard().to_builder().name("lax").allow(Stage::Deliberated, Stage::Finalised).build()?;
    /// let no = lax
    ///     .verify(Property::EveryPathPasses { to: Stage::Finalised, through: Stage::MoiSigned })
    ///     .unwrap_err();
    /// assert_eq!(no.to_string(), "policy \"lax\" breaks \"every path to finalised passes moi-signed\": \
    ///     deliberated -> finalised reaches finalised without passing moi-signed");
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn verify(&self, property: Property) -> Result<(), Counterexample> {
        let entry = self.entry_stages();
        let story = match property {
            Property::EveryPathPasses { to, through } => {
                // Bit 0: the path has passed `through`; bit 1: it has taken a step.
                let passed = move |stage: Stage| Count::from(stage == through);
                self.search(
                    entry,
                    3,
                    passed,
                    move |count, stage| (count | passed(stage)) | 2,
                    move |stage, count| stage == to && count == 2,
                )
            }
            Property::Reachable { target, from } => {
                let stuck: StageSet = from
                    .iter()
                    .filter(|stage| {
                        *stage != target && !self.reachable_from(*stage).contains(target)
                    })
                    .collect();
                self.search(
                    entry,
                    0,
                    |_| 0,
                    |_, _| 0,
                    move |stage, _| stuck.contains(stage),
                )
            }
            Property::Unreachable { target, from } => {
                // Counts whether the path has passed a stage of `from` yet.
                let passed = move |stage: Stage| Count::from(from.contains(stage));
                self.search(
                    entry,
                    1,
                    passed,
                    move |count, stage| count.max(passed(stage)),
                    move |stage, count| stage == target && count == 1,
                )
            }
            Property::NothingFollows(stage) => {
                // 1: at `stage`; 2: one step after it.
                let at = move |s: Stage| Count::from(s == stage);
                self.search(
                    entry,
                    2,
                    at,
                    move |count, s| if count == 1 { 2 } else { at(s) },
                    |_, count| count == 2,
                )
            }
            Property::NeverOpensAt(stage) => (entry.contains(stage)).then(|| Path::new(stage)),
            Property::NeverAfter { later, earlier } => {
                // 1: `earlier` is here, for the first time; 2: it came before.
                let here = move |s: Stage| Count::from(s == earlier);
                self.search(
                    entry,
                    2,
                    here,
                    move |count, s| if count >= 1 { 2 } else { here(s) },
                    move |s, count| s == later && count == 2,
                )
            }
            Property::AtMost { stage, times } => {
                // How many times the path has been at `stage`, up to one too many.
                let limit = Count::from(times) + 1;
                let at = move |s: Stage| Count::from(s == stage);
                self.search(
                    entry,
                    limit,
                    at,
                    move |count, s| (count + at(s)).min(limit),
                    move |_, count| count == limit,
                )
            }
        };
        match story {
            None => Ok(()),
            Some(story) => Err(Counterexample {
                policy: self.clone(),
                property,
                story,
            }),
        }
    }

    /// The shortest path from a stage of `starts` to a stage and count
    /// `goal` accepts, breadth first over (stage, count) with counts up to
    /// `limit`: `open` gives the count at the first stage, `step` the
    /// count after moving to a stage.
    fn search(
        &self,
        starts: StageSet,
        limit: Count,
        open: impl Fn(Stage) -> Count,
        step: impl Fn(Count, Stage) -> Count,
        goal: impl Fn(Stage, Count) -> bool,
    ) -> Option<Path> {
        let width = usize::from(limit) + 1;
        let index = |stage: Stage, count: Count| stage.index() * width + usize::from(count);
        // For each state seen, the state it was reached from (itself for a start).
        let mut came_from: Vec<Option<usize>> = vec![None; Stage::COUNT * width];
        let mut queue = std::collections::VecDeque::new();
        for stage in starts {
            let count = open(stage).min(limit);
            let at = index(stage, count);
            if let Some(slot @ None) = came_from.get_mut(at) {
                *slot = Some(at);
                queue.push_back((stage, count));
            }
        }
        while let Some((stage, count)) = queue.pop_front() {
            if goal(stage, count) {
                return Some(Self::walk_back(&came_from, width, index(stage, count)));
            }
            for next in self.allowed_after(stage) {
                let next_count = step(count, next).min(limit);
                if let Some(slot @ None) = came_from.get_mut(index(next, next_count)) {
                    *slot = Some(index(stage, count));
                    queue.push_back((next, next_count));
                }
            }
        }
        None
    }

    /// The path to state `at`, following `came_from` back to a start.
    fn walk_back(came_from: &[Option<usize>], width: usize, mut at: usize) -> Path {
        let stage_of = |state: usize| Stage::ALL.get(state / width).copied();
        let mut stages = Vec::new();
        // A path visits each state once, so it has at most as many steps as states.
        for _ in 0..came_from.len() {
            stages.extend(stage_of(at));
            match came_from.get(at).copied().flatten() {
                Some(previous) if previous != at => at = previous,
                _ => break,
            }
        }
        stages.reverse();
        let mut stages = stages.into_iter();
        Path {
            start: stages.next().unwrap_or(Stage::Proposed),
            steps: stages.collect(),
        }
    }
}
