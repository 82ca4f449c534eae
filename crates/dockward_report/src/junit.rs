//! JUnit XML, which every CI system shows as a test report.
//!
//! A test suite per scanned file that has findings, with a failing test case per rule that
//! fired in it (its findings listed in the failure); then a suite of the rules that ran
//! and found nothing anywhere, one passing test case each, so the report also says what
//! was checked. A file's findings arrive in one batch, so each suite is written whole as
//! its batch arrives; only the codes of rules that fired are kept for the last suite.

use crate::{End, Item, Stream, xml};
use dockward_core::{Severity, SourceDb};
use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};

#[derive(Default)]
pub(crate) struct Junit {
    fired: HashSet<&'static str>,
}

impl Stream for Junit {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dockward\">"
        )
    }

    fn findings(&mut self, out: &mut dyn Write, items: &[Item<'_>], _sources: &SourceDb) -> io::Result<()> {
        // path → rule code → findings (a Compose project's batch spans several files).
        let mut files: BTreeMap<String, BTreeMap<&'static str, Vec<&Item<'_>>>> = BTreeMap::new();
        for item in items {
            self.fired.insert(item.finding.rule.code);
            files
                .entry(item.at.path.display().to_string())
                .or_default()
                .entry(item.finding.rule.code)
                .or_default()
                .push(item);
        }
        for (path, rules) in files {
            let path = xml::escape(&path);
            writeln!(
                out,
                "  <testsuite name=\"{path}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">",
                n = rules.len()
            )?;
            for (code, items) in rules {
                let rule = items[0].finding.rule;
                let worst = items.iter().map(|i| i.finding.severity).max().unwrap_or(Severity::Info);
                writeln!(
                    out,
                    "    <testcase classname=\"{path}\" name=\"{code} {}\" file=\"{path}\">",
                    rule.name
                )?;
                writeln!(
                    out,
                    "      <failure type=\"{worst}\" message=\"{}\">",
                    xml::escape(&format!(
                        "{} finding{} of {code} ({worst}): {}",
                        items.len(),
                        if items.len() == 1 { "" } else { "s" },
                        rule.summary
                    ))
                )?;
                for item in items {
                    let at = &item.at;
                    let place = if at.line > 0 {
                        format!("{}:{}:{}", at.path.display(), at.line, at.column)
                    } else {
                        at.path.display().to_string()
                    };
                    writeln!(
                        out,
                        "{}: {}[{code}] {}",
                        xml::escape(&place),
                        item.finding.severity,
                        xml::escape(&item.finding.message)
                    )?;
                }
                writeln!(out, "      </failure>\n    </testcase>")?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, end: &End<'_>) -> io::Result<()> {
        let passed: Vec<_> = end
            .coverage
            .ran
            .iter()
            .filter(|r| !self.fired.contains(r.code))
            .collect();
        let errors: Vec<_> = end.errors.iter().filter(|e| !e.is_warning).collect();
        writeln!(
            out,
            "  <testsuite name=\"dockward rules\" tests=\"{}\" failures=\"0\" errors=\"{}\" skipped=\"0\">",
            passed.len() + errors.len(),
            errors.len()
        )?;
        for rule in passed {
            writeln!(
                out,
                "    <testcase classname=\"dockward\" name=\"{} {}\"/>",
                rule.code, rule.name
            )?;
        }
        // A file that could not be read is a test that could not run.
        for error in errors {
            let path = xml::escape(&error.path.display().to_string());
            writeln!(
                out,
                "    <testcase classname=\"{path}\" name=\"read {path}\" file=\"{path}\">\n      <error message=\"{}\"/>\n    </testcase>",
                xml::escape(&error.message)
            )?;
        }
        writeln!(out, "  </testsuite>\n</testsuites>")
    }
}
