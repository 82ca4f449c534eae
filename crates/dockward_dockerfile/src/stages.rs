//! Build stages: the file split at each `FROM`.
//!
//! This is pure syntax (which image word, which `AS` name, which `--platform`). What the
//! words mean after `ARG`/`ENV` substitution is decided by the semantic model
//! (`dockward_model`), which starts from [`Dockerfile::global_instructions`] and
//! [`Dockerfile::stages`].

use crate::ast::{Dockerfile, Flag, Instruction, Keyword, Word};

/// One build stage.
#[derive(Clone, Copy, Debug)]
pub struct Stage<'a> {
    /// 0-based position among the stages (what `COPY --from=0` refers to).
    pub index: usize,
    /// The `FROM` instruction.
    pub from: &'a Instruction,
    /// The base image word as written (`ubuntu:22.04`, `$BASE`, `build`, `scratch`).
    pub base: Option<&'a Word>,
    /// The `AS` keyword word, when present.
    pub as_keyword: Option<&'a Word>,
    /// The stage name as written (BuildKit compares names case-insensitively).
    pub name: Option<&'a Word>,
    /// `--platform=…`.
    pub platform: Option<&'a Flag>,
    /// The stage's instructions: its `FROM` first, up to the next `FROM`.
    pub instructions: &'a [Instruction],
}

impl Stage<'_> {
    /// The lower-cased stage name, the form `COPY --from=` and `FROM <stage>` match against.
    pub fn name_lowercase(&self) -> Option<String> {
        self.name.map(|w| w.text.to_lowercase())
    }

    /// The instructions after the `FROM`.
    pub fn body(&self) -> &[Instruction] {
        &self.instructions[1..]
    }
}

impl Dockerfile {
    /// The stages, in order.
    pub fn stages(&self) -> Vec<Stage<'_>> {
        let starts: Vec<usize> = self
            .instructions
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == Keyword::From)
            .map(|(n, _)| n)
            .collect();
        starts
            .iter()
            .enumerate()
            .map(|(index, &start)| {
                let end = starts.get(index + 1).copied().unwrap_or(self.instructions.len());
                let from = &self.instructions[start];
                let words = from.args.words();
                // `FROM image AS name`: exactly three words with `AS` in the middle.
                let named = words.len() == 3 && words[1].text.eq_ignore_ascii_case("as");
                Stage {
                    index,
                    from,
                    base: words.first(),
                    as_keyword: named.then(|| &words[1]),
                    name: named.then(|| &words[2]),
                    platform: from.flag("platform"),
                    instructions: &self.instructions[start..end],
                }
            })
            .collect()
    }
}
