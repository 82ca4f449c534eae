//! `dockward rules` and `dockward rule CODE`.

use crate::cli::ListFormat;
use dockward_core::RuleMeta;
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

pub fn explain(id: &str) -> ExitCode {
    let rules = dockward_rules::all_rules();
    let Some(rule) = rules
        .iter()
        .find(|r| r.code.eq_ignore_ascii_case(id))
        .or_else(|| rules.iter().find(|r| r.answers_to(id)))
    else {
        eprintln!("error: no rule answers to `{id}`; `dockward rules` lists them");
        return ExitCode::from(2);
    };
    print!("{}", render(rule));
    ExitCode::SUCCESS
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
