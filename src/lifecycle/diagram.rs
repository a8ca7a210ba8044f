//! Policies drawn as Mermaid state diagrams and Graphviz DOT.

use std::fmt;

use crate::model::Stage;

use super::policy::Policy;

impl Policy {
    /// The policy as a Mermaid `stateDiagram-v2`: entry stages from `[*]`,
    /// every allowed transition, final stages to `[*]`, and the guards that
    /// apply to each edge as its label.
    ///
    /// ```
    /// use bilateral::{Policy, Stage, Trigger};
    /// use bilateral::lifecycle::{CitesSource};
    /// let policy = Policy::strict()
    ///     .to_builder()
    ///     .guard(Trigger::Transition { from: Stage::MoiSigned, to: Stage::Finalised }, CitesSource)
    ///     .build()?;
    /// let text = policy.mermaid().to_string();
    /// assert!(text.starts_with("stateDiagram-v2\n"));
    /// assert!(text.contains("    [*] --> Proposed\n"));
    /// assert!(text.contains("    MoiSigned --> Finalised : cites-source\n"));
    /// # Ok::<(), bilateral::Error>(())
    /// ```
    pub fn mermaid(&self) -> PolicyMermaid<'_> {
        PolicyMermaid { policy: self }
    }

    /// The policy as a Graphviz DOT digraph, guards as edge labels. Render it
    /// with `dot -Tsvg`; generating it needs no external program.
    ///
    /// ```
    /// use bilateral::Policy;
    /// let text = Policy::standard().dot().to_string();
    /// assert!(text.starts_with("digraph \"standard\" {\n"));
    /// assert!(text.contains("    \"deliberated\" -> \"moi-signed\";\n"));
    /// ```
    pub fn dot(&self) -> PolicyDot<'_> {
        PolicyDot { policy: self }
    }

    /// The names of the guards for a step, comma-separated, or `None`.
    fn edge_label(&self, from: Option<Stage>, to: Stage) -> Option<String> {
        let names: Vec<&str> = self
            .guards_for(from, to)
            .map(|guard| guard.name())
            .collect();
        (!names.is_empty()).then(|| names.join(", "))
    }
}

/// Mermaid identifier of a stage: its variant name.
pub(super) fn mermaid_id(stage: Stage) -> &'static str {
    match stage {
        Stage::Proposed => "Proposed",
        Stage::Deliberated => "Deliberated",
        Stage::MoiSigned => "MoiSigned",
        Stage::Finalised => "Finalised",
        Stage::Withdrawn => "Withdrawn",
        Stage::Terminated => "Terminated",
    }
}

/// A [`Policy`] as a Mermaid state diagram; see [`Policy::mermaid`].
#[derive(Debug, Clone, Copy)]
pub struct PolicyMermaid<'a> {
    policy: &'a Policy,
}

impl fmt::Display for PolicyMermaid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy = self.policy;
        writeln!(f, "stateDiagram-v2")?;
        for stage in Stage::ALL {
            writeln!(
                f,
                "    state \"{}\" as {}",
                stage.label(),
                mermaid_id(stage)
            )?;
        }
        let edge =
            |f: &mut fmt::Formatter<'_>, from: &str, to: &str, label: Option<String>| match label {
                Some(label) => writeln!(f, "    {from} --> {to} : {label}"),
                None => writeln!(f, "    {from} --> {to}"),
            };
        for stage in policy.entry_stages() {
            edge(f, "[*]", mermaid_id(stage), policy.edge_label(None, stage))?;
        }
        for (from, to) in policy.transitions() {
            edge(
                f,
                mermaid_id(from),
                mermaid_id(to),
                policy.edge_label(Some(from), to),
            )?;
        }
        for stage in policy.final_stages() {
            writeln!(f, "    {} --> [*]", mermaid_id(stage))?;
        }
        Ok(())
    }
}

/// A [`Policy`] as a Graphviz DOT digraph; see [`Policy::dot`].
#[derive(Debug, Clone, Copy)]
pub struct PolicyDot<'a> {
    policy: &'a Policy,
}

impl fmt::Display for PolicyDot<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy = self.policy;
        writeln!(f, "digraph \"{}\" {{", DotEscaped(policy.name()))?;
        writeln!(f, "    rankdir=LR;")?;
        writeln!(f, "    node [shape=box, style=rounded];")?;
        writeln!(f, "    \"[entry]\" [shape=point];")?;
        let finals = policy.final_stages();
        for stage in Stage::ALL {
            let extra = if finals.contains(stage) {
                ", peripheries=2"
            } else {
                ""
            };
            writeln!(f, "    \"{stage}\" [label=\"{}\"{extra}];", stage.label())?;
        }
        let edge = |f: &mut fmt::Formatter<'_>, from: &str, to: Stage, label: Option<String>| {
            match label {
                Some(label) => writeln!(
                    f,
                    "    \"{from}\" -> \"{to}\" [label=\"{}\"];",
                    DotEscaped(&label)
                ),
                None => writeln!(f, "    \"{from}\" -> \"{to}\";"),
            }
        };
        for stage in policy.entry_stages() {
            edge(f, "[entry]", stage, policy.edge_label(None, stage))?;
        }
        for (from, to) in policy.transitions() {
            edge(f, from.as_str(), to, policy.edge_label(Some(from), to))?;
        }
        writeln!(f, "}}")
    }
}

/// Text inside a DOT double-quoted string.
struct DotEscaped<'a>(&'a str);

impl fmt::Display for DotEscaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}
