//! One self-contained HTML page: the checklist scorecard, findings by severity, findings by
//! file with their code frames.
//!
//! The page makes no network request (styles inline, no scripts, no fonts or images, and a
//! Content-Security-Policy that forbids loading anything). It is streamed: each batch's
//! findings are written as they arrive, in a section that CSS places after the scorecard
//! and the summary, which are written at the end, when the counts are known. Between
//! batches only counts and, per scorecard row, the anchors of its first failing findings
//! are kept. Frames are cut to a few lines, and secret values are masked in them.

use crate::scorecard::{ROWS, Status};
use crate::{End, Item, Stream, frame, locate_provenance, safe};
use dockward_core::{Provenance, RuleMeta, Severity, SourceDb};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Links kept per scorecard row (the rest are counted).
const LINKS_PER_ROW: usize = 8;

#[derive(Default)]
pub(crate) struct Html {
    findings: usize,
    /// Per rule code: the rule, its count, the worst severity seen, its first anchor.
    rules: BTreeMap<&'static str, (&'static RuleMeta, usize, Severity, usize)>,
    /// Per scorecard row: failing findings' anchors (first few) and their count.
    rows: Vec<(Vec<usize>, usize)>,
    /// The path of the file section open, if any.
    open_file: Option<String>,
}

const STYLE: &str = r#"
:root { --fg:#1d232b; --muted:#5b6573; --line:#d9dee5; --bg:#ffffff; --panel:#f5f7fa;
  --critical:#8e1b1b; --high:#c0392b; --medium:#b9770e; --low:#2e6da4; --info:#5b6573;
  --pass:#1e7b45; --fail:#b3261e; --unseen:#6b7280; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif; color:var(--fg); background:var(--bg); }
.page { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { font-size: 24px; margin: 0 0 4px; }
header p { margin: 0; color: var(--muted); }
h2 { font-size: 19px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 18px 0 8px; font-family: ui-monospace,"DejaVu Sans Mono",monospace; word-break: break-all; }
.page, .layout { display: flex; flex-direction: column; }
.page > header { order: 0; } .page > main { order: 1; } .page > footer { order: 2; }
#scorecard { order: 1; } #overview { order: 2; } #files { order: 3; } #problems { order: 4; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.area { font-weight: 600; text-transform: capitalize; white-space: nowrap; }
.status { white-space: nowrap; display:inline-block; min-width: 72px; text-align:center; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 700; text-transform: uppercase; color: #fff; }
.status.pass { background: var(--pass); } .status.fail { background: var(--fail); } .status.not-seen { background: #fff; color: var(--unseen); border: 1px solid var(--unseen); }
td.why { color: var(--muted); font-size: 13px; }
td.why a { margin-right: 6px; }
.totals { display:flex; flex-wrap: wrap; gap: 10px; margin: 8px 0 14px; }
.total { flex: 1 1 120px; background: var(--panel); border-left: 5px solid var(--info); padding: 8px 12px; }
.total b { display:block; font-size: 22px; }
.total.critical { border-color: var(--critical); } .total.high { border-color: var(--high); } .total.medium { border-color: var(--medium); } .total.low { border-color: var(--low); }
.sev { display:inline-block; min-width: 64px; padding: 0 6px; border-radius: 3px; font-size: 12px; font-weight: 700; text-transform: uppercase; color:#fff; text-align:center; }
.sev.critical { background: var(--critical); } .sev.high { background: var(--high); } .sev.medium { background: var(--medium); } .sev.low { background: var(--low); } .sev.info { background: var(--info); }
code, pre { font-family: ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace; font-size: 13px; }
.finding { border: 1px solid var(--line); border-left: 5px solid var(--info); border-radius: 4px; padding: 8px 12px; margin: 0 0 10px; background: #fff; break-inside: avoid; }
.finding.critical { border-left-color: var(--critical); } .finding.high { border-left-color: var(--high); } .finding.medium { border-left-color: var(--medium); } .finding.low { border-left-color: var(--low); }
.finding:target { outline: 3px solid #f2c94c; }
.finding .head { display:flex; flex-wrap: wrap; gap: 8px; align-items: baseline; }
.finding .where { color: var(--muted); font-size: 13px; margin-left: auto; }
.finding .num { color: var(--muted); font-size: 12px; }
.finding .msg { margin: 4px 0; }
.finding .help { color: var(--muted); font-size: 13px; margin: 4px 0 0; }
pre.frame { background: var(--panel); padding: 6px 0; margin: 6px 0 0; overflow-x: auto; white-space: pre; line-height: 1.4; }
pre.frame .ln { display:inline-block; width: 4em; padding-right: .8em; text-align: right; color: var(--muted); user-select: none; }
pre.frame mark { background: #ffe08a; color: inherit; border-bottom: 2px solid var(--high); }
.empty { color: var(--muted); font-style: italic; }
a { color: #1a5fb4; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  body { font-size: 11pt; }
  .page { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  h2 { break-after: avoid; }
  .status, .sev, .total, pre.frame, pre.frame mark { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  pre.frame { white-space: pre-wrap; word-break: break-all; }
  tr { break-inside: avoid; }
  #files { break-before: page; }
}
"#;

impl Html {
    fn close_file(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.open_file.take().is_some() {
            writeln!(out, "</article>")?;
        }
        Ok(())
    }
}

impl Stream for Html {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.rows = vec![(Vec::new(), 0); ROWS.len()];
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>dockward report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<div class=\"page\">\n\
             <main class=\"layout\">\n<section id=\"files\">\n<h2>Findings by file</h2>\n"
        )
    }

    fn findings(&mut self, out: &mut dyn Write, items: &[Item<'_>], sources: &SourceDb) -> io::Result<()> {
        for item in items {
            let f = item.finding;
            let path = item.at.path.display().to_string();
            // For engine and host findings the "path" names the object: group by it too.
            let group = match &f.at {
                Provenance::Engine { object, .. } => object.clone(),
                _ => path.clone(),
            };
            if self.open_file.as_deref() != Some(group.as_str()) {
                self.close_file(out)?;
                writeln!(out, "<article class=\"file\">\n<h3>{}</h3>", text(&group))?;
                self.open_file = Some(group);
            }
            self.findings += 1;
            let anchor = self.findings;
            let rule = f.rule;
            let entry = self.rules.entry(rule.code).or_insert((rule, 0, f.severity, anchor));
            entry.1 += 1;
            entry.2 = entry.2.max(f.severity);
            for (row, state) in ROWS.iter().zip(self.rows.iter_mut()) {
                if row.codes.contains(&rule.code) {
                    if state.0.len() < LINKS_PER_ROW {
                        state.0.push(anchor);
                    }
                    state.1 += 1;
                }
            }
            let sev = f.severity.as_str();
            let place = if item.at.line > 0 {
                format!("line {}, column {}", item.at.line, item.at.column)
            } else {
                path.clone()
            };
            write!(
                out,
                "<div class=\"finding {sev}\" id=\"f{anchor}\">\n<div class=\"head\"><span class=\"num\">#{anchor}</span><span class=\"sev {sev}\">{sev}</span> \
                 <code>{}</code> <span>{}</span><span class=\"where\">{}</span></div>\n<p class=\"msg\">{}</p>\n",
                rule.code,
                text(rule.name),
                text(&place),
                text(&f.message)
            )?;
            if let Some(frame) = frame::of(f, sources) {
                write_frame(out, &frame)?;
            }
            if let Some(help) = &f.help {
                writeln!(out, "<p class=\"help\">help: {}</p>", text(help))?;
            }
            if !f.related.is_empty() {
                let places: Vec<String> = f
                    .related
                    .iter()
                    .map(|at| {
                        let at = locate_provenance(at, sources);
                        if at.line > 0 {
                            format!("{}:{}:{}", at.path.display(), at.line, at.column)
                        } else {
                            at.path.display().to_string()
                        }
                    })
                    .collect();
                writeln!(out, "<p class=\"help\">see also: {}</p>", text(&places.join(", ")))?;
            }
            writeln!(out, "</div>")?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, end: &End<'_>) -> io::Result<()> {
        self.close_file(out)?;
        if self.findings == 0 {
            writeln!(out, "<p class=\"empty\">No findings.</p>")?;
        }
        writeln!(out, "</section>")?;

        // The scorecard.
        writeln!(
            out,
            "<section id=\"scorecard\">\n<h2>Checklist scorecard</h2>\n<table>\n\
             <thead><tr><th>Area</th><th>Practice</th><th>Status</th><th>Why</th></tr></thead>\n<tbody>"
        )?;
        let fired = |code: &str| self.rules.contains_key(code);
        for (row, (anchors, count)) in ROWS.iter().zip(&self.rows) {
            let status = row.status(end.coverage, fired);
            let why = match status {
                Status::Fail => {
                    let links: Vec<String> = anchors.iter().map(|a| format!("<a href=\"#f{a}\">#{a}</a>")).collect();
                    let codes: Vec<&str> = row.codes.iter().copied().filter(|c| fired(c)).collect();
                    let more = count.saturating_sub(anchors.len());
                    format!(
                        "{count} finding{} ({}): {}{}",
                        if *count == 1 { "" } else { "s" },
                        codes.join(", "),
                        links.join(" "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    )
                }
                Status::Pass => {
                    let ran: Vec<&str> = row.codes.iter().copied().filter(|c| end.coverage.did_run(c)).collect();
                    format!("checked by {}; nothing found", ran.join(", "))
                }
                Status::NotSeen => text(row.when_unseen),
            };
            let class = status.as_str().replace(' ', "-");
            writeln!(
                out,
                "<tr class=\"{class}\"><td class=\"area\">{}</td><td>{}</td><td><span class=\"status {class}\">{}</span></td><td class=\"why\">{why}</td></tr>",
                row.area,
                text(row.practice),
                status.as_str()
            )?;
        }
        writeln!(out, "</tbody>\n</table>\n</section>")?;

        // Findings by severity: totals, then the rules that fired, worst first.
        writeln!(
            out,
            "<section id=\"overview\">\n<h2>Findings by severity</h2>\n<div class=\"totals\">"
        )?;
        for severity in Severity::ALL.iter().rev() {
            writeln!(
                out,
                "<div class=\"total {s}\"><b>{}</b>{s}</div>",
                end.summary.by_severity[*severity as usize],
                s = severity.as_str()
            )?;
        }
        writeln!(out, "</div>")?;
        if !self.rules.is_empty() {
            let mut rules: Vec<_> = self.rules.values().collect();
            rules.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.code.cmp(b.0.code)));
            writeln!(
                out,
                "<table>\n<thead><tr><th>Severity</th><th>Rule</th><th>Findings</th><th>What</th></tr></thead>\n<tbody>"
            )?;
            for (rule, count, worst, first) in rules {
                let s = worst.as_str();
                writeln!(
                    out,
                    "<tr><td><span class=\"sev {s}\">{s}</span></td><td><a href=\"#f{first}\"><code>{}</code></a> {}</td><td>{count}</td><td>{}</td></tr>",
                    rule.code,
                    text(rule.name),
                    text(rule.summary)
                )?;
            }
            writeln!(out, "</tbody>\n</table>")?;
        }
        writeln!(out, "</section>")?;

        if !end.errors.is_empty() {
            writeln!(out, "<section id=\"problems\">\n<h2>Problems with the run</h2>\n<ul>")?;
            for error in end.errors {
                let line = error.line.map(|l| format!(":{l}")).unwrap_or_default();
                writeln!(
                    out,
                    "<li>{}: <code>{}{line}</code>: {}</li>",
                    if error.is_warning { "warning" } else { "error" },
                    text(&error.path.display().to_string()),
                    text(&error.message)
                )?;
            }
            writeln!(out, "</ul>\n</section>")?;
        }
        writeln!(out, "</main>")?;

        let scanned = end.summary.files_scanned;
        let noun = if scanned == 1 {
            end.summary.noun.0
        } else {
            end.summary.noun.1
        };
        let baselined = if end.summary.baselined > 0 {
            format!(", {} more recorded in the baseline", end.summary.baselined)
        } else {
            String::new()
        };
        // The header comes last in the file (its counts are known only now) but first on
        // the page: `.page` is a flex column ordering header, main, footer.
        writeln!(
            out,
            "<header><h1>dockward report</h1><p>{scanned} {noun} scanned · {} finding{}{baselined} · {} rules ran</p></header>",
            self.findings,
            if self.findings == 1 { "" } else { "s" },
            end.coverage.ran.len()
        )?;
        writeln!(
            out,
            "<footer>dockward {} · secret values in code frames are masked</footer>\n</div>\n</body>\n</html>",
            env!("CARGO_PKG_VERSION")
        )
    }
}

fn write_frame(out: &mut dyn Write, frame: &frame::Frame) -> io::Result<()> {
    // Lines are numbered, so the frame is split at line breaks; the marked span may cross
    // them (each line's piece is marked separately so the markup stays well nested).
    let mut html = String::from("<pre class=\"frame\">");
    let mut line = frame.line_start;
    let mut at_line_start = true;
    for (piece, marked) in [(&frame.before, false), (&frame.inside, true), (&frame.after, false)] {
        for (i, part) in piece.split('\n').enumerate() {
            if i > 0 {
                html.push('\n');
                line += 1;
                at_line_start = true;
            }
            if at_line_start {
                html.push_str(&format!("<span class=\"ln\">{line}</span>"));
                at_line_start = false;
            }
            if part.is_empty() {
                continue;
            }
            if marked {
                html.push_str(&format!("<mark>{}</mark>", text_block(part)));
            } else {
                html.push_str(&text_block(part));
            }
        }
    }
    if frame.cut {
        html.push_str("\n<span class=\"ln\">…</span>");
    }
    html.push_str("</pre>\n");
    out.write_all(html.as_bytes())
}

/// Text for HTML: markup characters as entities, controls escaped.
fn text(s: &str) -> String {
    escape(&safe::one_line(s))
}

fn text_block(s: &str) -> String {
    escape(&safe::frame(s))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
