//! Checkstyle XML: `<file>` elements holding `<error>`s, read by Jenkins' warnings plugin,
//! reviewdog, SonarQube and many editors. A batch's findings are grouped by file as they
//! arrive; run errors become errors of the file they are about.

use crate::{End, Item, Stream, xml};
use dockward_core::{Severity, SourceDb};
use std::collections::BTreeMap;
use std::io::{self, Write};

pub(crate) struct Checkstyle;

impl Stream for Checkstyle {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">"
        )
    }

    fn findings(&mut self, out: &mut dyn Write, items: &[Item<'_>], _sources: &SourceDb) -> io::Result<()> {
        let mut files: BTreeMap<String, Vec<&Item<'_>>> = BTreeMap::new();
        for item in items {
            files.entry(item.at.path.display().to_string()).or_default().push(item);
        }
        for (path, items) in files {
            writeln!(out, "  <file name=\"{}\">", xml::escape(&path))?;
            for item in items {
                let f = item.finding;
                let column = if item.at.column > 0 {
                    format!(" column=\"{}\"", item.at.column)
                } else {
                    String::new()
                };
                writeln!(
                    out,
                    "    <error line=\"{}\"{column} severity=\"{}\" message=\"{}\" source=\"dockward.{}.{}\"/>",
                    item.at.line,
                    severity(f.severity),
                    xml::escape(&f.message),
                    f.rule.code,
                    f.rule.name
                )?;
            }
            writeln!(out, "  </file>")?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, end: &End<'_>) -> io::Result<()> {
        for error in end.errors {
            writeln!(
                out,
                "  <file name=\"{}\">\n    <error line=\"{}\" severity=\"{}\" message=\"{}\" source=\"dockward.run\"/>\n  </file>",
                xml::escape(&error.path.display().to_string()),
                error.line.unwrap_or(0),
                if error.is_warning { "warning" } else { "error" },
                xml::escape(&error.message)
            )?;
        }
        writeln!(out, "</checkstyle>")
    }
}

/// Checkstyle knows error, warning, info (and ignore).
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "info",
    }
}
