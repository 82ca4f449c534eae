//! `dockward rules` and `dockward rule CODE`.

use crate::cli::ListFormat;
use dockward_core::RuleMeta;
use dockward_core::ids::{self, Resolution};
use serde::Serialize;
use std::process::ExitCode;

#[derive(Serialize)]
struct RuleJson<'a> {
    code: &'static str,
    name: &'static str,
    category: &'static str,
    severity: &'static str,
    summary: &'static str,
    references: &'static [&'static str],
    fix: dockward_core::FixAvailability,
    opt_in: bool,
    models: &'a [dockward_core::ModelKind],
}

pub fn list(format: ListFormat) -> ExitCode {
    let rules = dockward_rules::all_rules();
    match format {
        ListFormat::Json => {
            let list: Vec<RuleJson<'_>> = rules
                .iter()
                .map(|r| RuleJson {
                    code: r.code,
                    name: r.name,
                    category: r.category.as_str(),
                    severity: r.severity.as_str(),
                    summary: r.summary,
                    references: r.references,
                    fix: r.fix,
                    opt_in: r.opt_in,
                    models: r.models,
                })
                .collect();
            match serde_json::to_string_pretty(&list) {
                Ok(json) => println!("{json}"),
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::from(2);
                }
            }
        }
        ListFormat::Text => {
            for r in rules {
                let opt_in = if r.opt_in { " (opt-in)" } else { "" };
                println!(
                    "{:<6} {:<9} {:<9} {:<44} {}{opt_in}",
                    r.code,
                    r.severity.as_str(),
                    r.category.as_str(),
                    r.name,
                    r.summary
                );
            }
        }
    }
    ExitCode::SUCCESS
}

/// `dockward rule ID`: explains the one rule `id` names; lists them when it names several
/// (a CIS or CWE id shared by rules) or can be read several ways (a CIS id without a
/// version); exits 2 with the nearest codes and names when it names none.
pub fn explain(id: &str) -> ExitCode {
    let rules = dockward_rules::all_rules();
    // ShellCheck's codes are its own rules, documented on its wiki (see dockward_shellcheck).
    if let Some(code) = dockward_core::shellcheck_code(id.trim()) {
        println!(
            "SC{code} is a ShellCheck check. dockward reports it for RUN bodies and shell scripts when ShellCheck \
             is enabled (`dockward scan --shellcheck`, or `[shellcheck] enabled = true`).\n\n\
             ShellCheck explains it: https://www.shellcheck.net/wiki/SC{code}"
        );
        return ExitCode::SUCCESS;
    }
    match ids::resolve(id, rules) {
        Resolution::Rules { rules: found, note } => {
            if let Some(note) = note {
                eprintln!("note: {note}");
            }
            if let [rule] = found.as_slice() {
                print!("{}", render(rule));
            } else {
                println!("`{}` names {} rules:\n", id.trim(), found.len());
                print!("{}", rule_lines(&found));
                println!("\n`dockward rule CODE` explains one.");
            }
            ExitCode::SUCCESS
        }
        Resolution::Ambiguous(readings) => {
            if let [reading] = readings.as_slice() {
                println!(
                    "`{}` alone is too vague to pick a rule; as `{}` ({}) it names {} rules:\n",
                    id.trim(),
                    reading.id,
                    reading.meaning,
                    reading.rules.len()
                );
                print!("{}", rule_lines(&reading.rules));
            } else {
                println!(
                    "`{}` can be read {} ways, which name different rules; spell out the one you mean:",
                    id.trim(),
                    readings.len()
                );
                for reading in &readings {
                    println!("\n`{}`, {}:", reading.id, reading.meaning);
                    print!("{}", rule_lines(&reading.rules));
                }
            }
            println!("\n`dockward rule CODE` explains one.");
            ExitCode::SUCCESS
        }
        Resolution::NoRule { reason } => {
            // A code prefix (`DW3`) is not an id, but selectors accept it, and listing the
            // rules it starts is what someone typing it wants.
            let prefix = id.trim();
            let by_prefix: Vec<&RuleMeta> = rules
                .iter()
                .copied()
                .filter(|r| {
                    prefix.len() >= 3
                        && r.code
                            .get(..prefix.len())
                            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
                })
                .collect();
            if !by_prefix.is_empty() {
                println!("`{prefix}` starts the codes of {} rules:\n", by_prefix.len());
                print!("{}", rule_lines(&by_prefix));
                return ExitCode::SUCCESS;
            }
            eprintln!("error: no rule answers to `{prefix}`");
            if let Some(reason) = reason {
                eprintln!("  {reason}");
            } else {
                let near = nearest(prefix, rules);
                if !near.is_empty() {
                    eprintln!("  did you mean {}?", near.join(", "));
                }
            }
            eprintln!("  `dockward rules` lists every rule with its references");
            ExitCode::from(2)
        }
    }
}

/// One line per rule: code, name, summary.
fn rule_lines(rules: &[&RuleMeta]) -> String {
    rules
        .iter()
        .map(|r| format!("  {:<6} {:<44} {}\n", r.code, r.name, r.summary))
        .collect()
}

/// Codes and names within a small edit distance of `id` (typos: `DW1O1`,
/// `privileged-containr`), nearest first, at most three. Peer ids are left out on purpose:
/// `DL3003` is one digit from `DL3002` but a different check.
fn nearest(id: &str, rules: &[&RuleMeta]) -> Vec<String> {
    let id = id.to_ascii_lowercase();
    let budget = (id.chars().count() / 4).max(1);
    let mut near: Vec<(usize, &str)> = rules
        .iter()
        .flat_map(|r| [r.code, r.name])
        .map(|candidate| (edit_distance(&id, &candidate.to_ascii_lowercase()), candidate))
        .filter(|&(d, _)| d <= budget)
        .collect();
    near.sort();
    near.into_iter().take(3).map(|(_, c)| format!("`{c}`")).collect()
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The text `dockward rule` prints; also what docs/rules/*.md hold.
pub fn render(rule: &RuleMeta) -> String {
    let mut out = format!(
        "# {} {}\n\nSeverity: {} · Category: {} · Fix: {}{}\n\n{}\n\n",
        rule.code,
        rule.name,
        rule.severity,
        rule.category,
        match rule.fix {
            dockward_core::FixAvailability::None => "none",
            dockward_core::FixAvailability::Sometimes => "sometimes",
            dockward_core::FixAvailability::Always => "always",
        },
        if rule.opt_in { " · opt-in" } else { "" },
        rule.summary
    );
    out.push_str(&dockward_rules::explanation_markdown(rule));
    if !rule.references.is_empty() {
        out.push_str("\nEquivalent checks: ");
        out.push_str(&rule.references.join(", "));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_single_character_edits() {
        assert_eq!(edit_distance("dw101", "dw101"), 0);
        assert_eq!(edit_distance("dw1o1", "dw101"), 1);
        assert_eq!(edit_distance("privileged-containr", "privileged-container"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn suggestions_are_codes_and_names_never_peer_ids() {
        let rules = dockward_rules::all_rules();
        assert_eq!(nearest("DW1O1", rules)[0], "`DW101`");
        assert_eq!(nearest("privileged-containr", rules), ["`privileged-container`"]);
        assert!(nearest("DL3003", rules).is_empty());
    }
}
