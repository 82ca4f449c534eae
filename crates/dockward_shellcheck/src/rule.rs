//! Rule identity of ShellCheck's findings.
//!
//! Each ShellCheck code is a rule of its own to the rest of dockward: its `RuleMeta` has
//! the code `SC2086`, the name `shellcheck`, and the reference `hadolint:SC2086`. So `--select SC2086`,
//! `--ignore SC2164`, `[rules.severity] SC2086 = "low"`, `# hadolint ignore=SC2086`,
//! `# dockward: ignore[SC2086]`, baselines and every output format treat it like any rule,
//! while `--ignore shellcheck` (or `SC`) silences all of them. These rules are not in the
//! registry (`dockward rules` lists dockward's own rules; ShellCheck's are documented on
//! its wiki, which each finding links to): their metadata is made the first time a code is
//! seen and kept for the process. ShellCheck's codes are four digits, so at most 9000
//! entries can ever exist.

use crate::Level;
use dockward_core::{Category, FixAvailability, ModelKind, RuleMeta, Severity};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// dockward's severity for ShellCheck's level. ShellCheck judges shell correctness, not
/// security: its errors are `medium` (below the default `--fail-on high`, so turning
/// ShellCheck on does not fail a run that passed), warnings `low`, info and style `info`.
pub fn severity(level: Level) -> Severity {
    match level {
        Level::Error => Severity::Medium,
        Level::Warning => Severity::Low,
        Level::Info | Level::Style => Severity::Info,
    }
}

/// The metadata of ShellCheck code `code` (1000..=9999; others are clamped into a single
/// `SC0000` entry rather than grown without bound).
pub fn rule(code: u16) -> &'static RuleMeta {
    static RULES: OnceLock<Mutex<HashMap<u16, &'static RuleMeta>>> = OnceLock::new();
    let code = if (1000..=9999).contains(&code) { code } else { 0 };
    let mut rules = RULES
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    rules.entry(code).or_insert_with(|| {
        let id: &'static str = Box::leak(format!("SC{code:04}").into_boxed_str());
        let summary: &'static str = Box::leak(format!("ShellCheck {id}").into_boxed_str());
        // hadolint reports ShellCheck's codes as its own ids, and dockward reads `SCnnnn`
        // as a hadolint id: citing it is what makes `SC2086` (and a hadolint pragma) name
        // this rule.
        let hadolint: &'static str = Box::leak(format!("hadolint:{id}").into_boxed_str());
        let references: &'static [&'static str] = Box::leak(vec![hadolint].into_boxed_slice());
        Box::leak(Box::new(RuleMeta {
            code: id,
            name: "shellcheck",
            category: Category::Build,
            severity: Severity::Low,
            summary,
            explanation: "",
            references,
            fix: FixAvailability::None,
            models: &[ModelKind::Build],
            opt_in: false,
        }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_meta_per_code_answering_to_code_and_name() {
        let a = rule(2086);
        assert!(std::ptr::eq(a, rule(2086)));
        assert_eq!(a.code, "SC2086");
        assert!(a.answers_to("SC2086"));
        assert!(a.answers_to("sc2086"));
        assert!(a.answers_to("shellcheck"));
        assert!(!a.answers_to("SC2046"));
        assert!(!a.answers_to("DL3008"));
        assert_eq!(rule(12).code, "SC0000");
    }
}
