//! rustc-style output: a header, a code frame around the offending bytes, help and fix notes.

use crate::{RunError, Summary, locate, locate_provenance, safe};
use annotate_snippets::{Level, Renderer, Snippet};
use dockward_core::{Category, Finding, Provenance, Severity, SourceDb};
use std::io::{self, Write};

pub(crate) fn findings(out: &mut dyn Write, findings: &[Finding], sources: &SourceDb, color: bool) -> io::Result<()> {
    let renderer = renderer(color);
    let mut index = 0;
    while index < findings.len() {
        // Findings on one engine object come together (the driver sorts them so): a
        // heading names the object once, with its count, so a report on many containers
        // reads container by container.
        if let Provenance::Engine { object, .. } = &findings[index].at {
            let count = findings[index..]
                .iter()
                .take_while(|f| matches!(&f.at, Provenance::Engine { object: o, .. } if o == object))
                .count();
            let heading = format!(
                "── {} · {count} finding{} ──",
                safe::one_line(object),
                if count == 1 { "" } else { "s" }
            );
            if color {
                writeln!(out, "\x1b[1m{heading}\x1b[0m\n")?;
            } else {
                writeln!(out, "{heading}\n")?;
            }
            for finding in &findings[index..index + count] {
                write_finding(out, finding, sources, &renderer)?;
            }
            index += count;
        } else {
            write_finding(out, &findings[index], sources, &renderer)?;
            index += 1;
        }
    }
    Ok(())
}

pub(crate) fn finish(out: &mut dyn Write, errors: &[RunError], summary: &Summary, color: bool) -> io::Result<()> {
    self::errors(out, errors, color)?;
    write_summary(out, summary)
}

/// Run errors and warnings, one rendered title each.
pub(crate) fn errors(out: &mut dyn Write, errors: &[RunError], color: bool) -> io::Result<()> {
    let renderer = renderer(color);
    for error in errors {
        let level = if error.is_warning { Level::Warning } else { Level::Error };
        let path = error.path.display().to_string();
        let (path, message) = (safe::one_line(&path), safe::one_line(&error.message));
        let title = match error.line {
            Some(line) => format!("{path}:{line}: {message}"),
            None => format!("{path}: {message}"),
        };
        writeln!(out, "{}\n", renderer.render(level.title(&title)))?;
    }
    Ok(())
}

fn renderer(color: bool) -> Renderer {
    if color { Renderer::styled() } else { Renderer::plain() }
}

fn level_of(severity: Severity) -> Level {
    match severity {
        Severity::Critical | Severity::High => Level::Error,
        Severity::Medium | Severity::Low => Level::Warning,
        Severity::Info => Level::Info,
    }
}

fn write_finding(out: &mut dyn Write, finding: &Finding, sources: &SourceDb, renderer: &Renderer) -> io::Result<()> {
    let level = level_of(finding.severity);
    // A low-confidence finding says so where its severity is read.
    let confidence = match finding.confidence {
        dockward_core::Confidence::Low => ", low confidence",
        dockward_core::Confidence::High => "",
    };
    let title = format!(
        "{} [{}{confidence}]",
        safe::one_line(&finding.message),
        finding.severity
    );
    let fix_note = finding.fix.as_ref().map(|fix| {
        format!(
            "fix available ({}): {}",
            applicability_word(fix),
            safe::one_line(&fix.description)
        )
    });
    let rule_note = format!(
        "rule {}: `dockward rule {}` explains it",
        finding.rule.name, finding.rule.code
    );

    let mut message = level.title(&title).id(finding.rule.code);
    let frame;
    let origin;
    if let Provenance::Text { file, range } = &finding.at
        && let Some(source) = sources.get(*file)
    {
        // Pass only the lines around the finding: rendering then costs the size of the
        // frame, not of the file.
        let index = source.line_index();
        let first = index.line_of(range.start);
        let last = index.line_of(range.end.saturating_sub(1).max(range.start));
        let start = index.line_range(first, &source.text).start as usize;
        let end = index.line_range(last, &source.text).end as usize;
        // The frame comes from the scanned file: control characters are escaped, and a
        // secret's value is masked, piece by piece so the annotation still lines up.
        let text = source.text.as_str();
        let span_start = (range.start as usize).clamp(start, end);
        let span_end = (range.end as usize).clamp(span_start, end);
        let before = safe::frame(text.get(start..span_start).unwrap_or(""));
        let (inside, after) = if finding.rule.category == Category::Secrets {
            // The span may name only the key (`ENV KEY=value`): mask the value through to
            // the end of the frame, then cut the masked text where the span ended.
            let masked = safe::frame(&safe::mask_value(text.get(span_start..end).unwrap_or(""))).into_owned();
            let span_chars = text.get(span_start..span_end).unwrap_or("").chars().count();
            let cut = masked.char_indices().nth(span_chars).map_or(masked.len(), |(i, _)| i);
            (masked[..cut].to_string(), masked[cut..].to_string())
        } else {
            (
                safe::frame(text.get(span_start..span_end).unwrap_or("")).into_owned(),
                safe::frame(text.get(span_end..end).unwrap_or("")).into_owned(),
            )
        };
        frame = format!("{before}{inside}{after}");
        origin = safe::one_line(&source.path.display().to_string()).into_owned();
        let span_start = before.len();
        let span_end = span_start + inside.len();
        message = message.snippet(
            Snippet::source(&frame)
                .line_start(first + 1)
                .origin(&origin)
                .fold(true)
                .annotation(level.span(span_start..span_end).label(finding.rule.summary)),
        );
    } else {
        let at = locate(finding, sources);
        origin = safe::one_line(&at.path.display().to_string()).into_owned();
        message = message.footer(Level::Note.title(&origin));
    }
    let help = finding.help.as_deref().map(safe::one_line);
    if let Some(help) = &help {
        message = message.footer(Level::Help.title(help));
    }
    let related: Vec<String> = finding
        .related
        .iter()
        .map(|at| {
            format!(
                "see also: {}",
                safe::one_line(&locate_provenance(at, sources).describe())
            )
        })
        .collect();
    for note in &related {
        message = message.footer(Level::Note.title(note));
    }
    if let Some(note) = &fix_note {
        message = message.footer(Level::Help.title(note));
    }
    message = message.footer(Level::Note.title(&rule_note));
    writeln!(out, "{}\n", renderer.render(message))
}

fn applicability_word(fix: &dockward_core::Fix) -> &'static str {
    match fix.applicability {
        dockward_core::Applicability::Safe => "safe, applied by --fix",
        dockward_core::Applicability::Unsafe => "unsafe, applied by --fix --unsafe-fixes",
        dockward_core::Applicability::DisplayOnly => "suggestion",
    }
}

fn write_summary(out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
    let by_severity: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .filter(|s| summary.by_severity[**s as usize] > 0)
        .map(|s| format!("{} {s}", summary.by_severity[*s as usize]))
        .collect();
    let files = if summary.files_scanned == 1 {
        summary.noun.0
    } else {
        summary.noun.1
    };
    let total = summary.total();
    if total == 0 {
        writeln!(out, "No findings in {} {files}.", summary.files_scanned)?;
    } else {
        writeln!(
            out,
            "Found {total} finding{} ({}) in {} {files}.",
            if total == 1 { "" } else { "s" },
            by_severity.join(", "),
            summary.files_scanned
        )?;
    }
    if summary.safe_fixes > 0 {
        writeln!(out, "{} can be fixed with `dockward scan --fix`.", summary.safe_fixes)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Emitter, Format};
    use dockward_core::{Finding, Provenance, SourceDb};

    use crate::test_rule::RULE;

    #[test]
    fn engine_findings_are_grouped_under_one_heading_per_object() {
        let at = |object: &str, pointer: &str| Provenance::Engine {
            object: object.to_string(),
            pointer: pointer.to_string(),
        };
        let findings = [
            Finding::new(&RULE, at("container db (1)", ""), "one"),
            Finding::new(&RULE, at("container db (1)", "/HostConfig/Privileged"), "two"),
            Finding::new(&RULE, at("container web (2)", ""), "three"),
        ];
        let mut out = Vec::new();
        let mut emitter = Emitter::new(&mut out, Format::Full, false);
        emitter.findings(&findings, &SourceDb::new()).unwrap();
        emitter.finish(&[], 2).unwrap();
        let text = String::from_utf8(out).unwrap();
        let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("── ")).collect();
        assert_eq!(
            headings,
            [
                "── container db (1) · 2 findings ──",
                "── container web (2) · 1 finding ──"
            ],
            "{text}"
        );
        assert!(text.find("two").unwrap() < text.find("container web (2) ·").unwrap());
    }
}
