//! `dockward sbom DIR` and `dockward vulns DIR`: the package inventory of a folder (a root
//! file system copied out of a container, an unpacked image) as an SBOM, or matched
//! against the local vulnerability database.

use crate::cli::{CommonArgs, OutputFormat};
use crate::input_tree::InputTree;
use crate::{EXIT_ERROR, print_config_error};
use clap::{Args, ValueEnum};
use dockward_core::{Finding, Provenance, SourceDb, SourceFile, TextRange};
use dockward_report::{Format, RunError};
use dockward_vuln::db::{Database, OpenError};
use dockward_vuln::inventory::{Inventory, Package, inventory};
use dockward_vuln::scan::{ScanOptions, VulnFinding, scan};
use dockward_vuln::tree::{DirTree, FileTree};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON.
    Cyclonedx,
    /// SPDX 2.3 JSON.
    Spdx,
}

#[derive(Debug, Args)]
pub struct SbomArgs {
    /// The folder to inventory (a container's root file system).
    pub dir: PathBuf,
    #[arg(long, value_enum, default_value_t = SbomFormat::Cyclonedx)]
    pub format: SbomFormat,
    /// Write the SBOM to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VulnsArgs {
    /// The folder to scan (a container's root file system), or an image: a `docker save`
    /// archive or an OCI layout.
    pub dir: PathBuf,
    #[command(flatten)]
    pub db: VulnDbArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub format: OutputFormat,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// The database options of `dockward vulns`, shared with `dockward image --vulns`.
#[derive(Debug, Args, Clone)]
pub struct VulnDbArgs {
    /// Vulnerability database folder (default: the user cache; fill it with `dockward db
    /// update` or `dockward db import`).
    #[arg(long, value_name = "DIR")]
    pub db: Option<PathBuf>,
    /// Leave out vulnerabilities that have no fixed version yet.
    #[arg(long)]
    pub ignore_unfixed: bool,
    /// Also report what Debian rates `unimportant` (at info severity).
    #[arg(long)]
    pub show_unimportant: bool,
    /// Vulnerabilities judged not to apply, each with a reason and an expiry (TOML; default
    /// `.dockward-vulns.toml` in the current folder when it exists).
    #[arg(long, value_name = "FILE")]
    pub ignore_file: Option<PathBuf>,
    /// OpenVEX documents: findings a `not_affected` or `fixed` statement covers are left
    /// out (and counted); `affected` and `under_investigation` keep them. Repeatable.
    #[arg(long, value_name = "FILE.json")]
    pub vex: Vec<PathBuf>,
    /// Without a database, report the inventory's size and exit 0 instead of failing.
    #[arg(long)]
    pub allow_no_db: bool,
    /// Warn when the database is older than this many days.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    pub max_db_age: u64,
}

fn subject_name(dir: &Path) -> String {
    std::fs::canonicalize(dir)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| dir.display().to_string())
}

pub fn run_sbom(args: &SbomArgs) -> ExitCode {
    let (tree, opened) = match InputTree::open(&args.dir) {
        Ok(opened) => opened,
        Err(e) => return crate::error_exit(&e),
    };
    let inv = inventory(&tree);
    for warning in opened.iter().chain(&inv.warnings) {
        eprintln!("warning: {}", dockward_vuln_safe(warning));
    }
    let mut subject = dockward_vuln::sbom::Subject::new(
        tree.image_name()
            .map_or_else(|| subject_name(&args.dir), str::to_string),
    );
    if let InputTree::Image {
        layers, name, digests, ..
    } = &tree
    {
        subject.layers = layers
            .iter()
            .map(|l| (l.digest.clone(), l.created_by.clone()))
            .collect();
        // The outermost digest: an index's when the layout has one (what a tag resolves
        // to), else the manifest's, else the configuration's (the image id).
        subject.image_purl = digests.first().and_then(|d| dockward_vuln::purl::oci_purl(name, d));
    }
    let doc = match args.format {
        SbomFormat::Cyclonedx => dockward_vuln::sbom::cyclonedx(&inv, &subject),
        SbomFormat::Spdx => dockward_vuln::sbom::spdx(&inv, &subject),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    let written = match &args.output_file {
        Some(path) => std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display())),
        None => std::io::stdout()
            .lock()
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string()),
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.contains("Broken pipe") => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Warnings quote paths from the scanned tree: no control character reaches the terminal.
fn dockward_vuln_safe(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

fn warning(path: &Path, message: String) -> RunError {
    RunError {
        path: path.to_path_buf(),
        line: None,
        message,
        is_warning: true,
    }
}

pub fn run_vulns(args: &VulnsArgs) -> ExitCode {
    let settings = match crate::load_settings(&args.common, Path::new(".")) {
        Ok(settings) => settings,
        Err(error) => {
            print_config_error(&error);
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let (tree, opened) = match InputTree::open(&args.dir) {
        Ok(opened) => opened,
        Err(e) => return crate::error_exit(&e),
    };
    let mut notes: Vec<RunError> = opened.iter().map(|w| warning(&args.dir, w.clone())).collect();
    let mut scanner = match VulnScanner::open(&args.db, &mut notes) {
        Ok(scanner) => scanner,
        Err(e) => return crate::error_exit(&e),
    };
    let sources = SourceDb::new();
    let (findings, packages) = scanner.scan(&tree, &args.dir, &sources, &settings, &mut notes);

    crate::report_audit(
        &args.common,
        Format::from(args.format),
        ("package", "packages"),
        &findings,
        &sources,
        &notes,
        packages,
        &settings,
    )
}

/// The vulnerability database, the ignore file and the scan options, opened once and used
/// for every tree of a run (`dockward vulns DIR`, each image of `dockward image --vulns`).
pub struct VulnScanner {
    db: Option<Database>,
    db_dir: PathBuf,
    ignores: dockward_vuln::ignore::IgnoreFile,
    ignore_path: Option<PathBuf>,
    vex: dockward_vuln::vex::Vex,
    options: ScanOptions,
    now: i64,
}

impl VulnScanner {
    /// Opens the database and the ignore file. A missing database is an error (the
    /// message) unless `--allow-no-db`, then a note; the database's age and expired ignore
    /// entries are notes.
    pub fn open(args: &VulnDbArgs, notes: &mut Vec<RunError>) -> Result<VulnScanner, String> {
        let ignore_path = args.ignore_file.clone().or_else(|| {
            let default = PathBuf::from(".dockward-vulns.toml");
            default.is_file().then_some(default)
        });
        let ignores = ignore_path
            .as_deref()
            .map(dockward_vuln::ignore::load)
            .transpose()?
            .unwrap_or_default();
        let mut vex = dockward_vuln::vex::Vex::default();
        for path in &args.vex {
            let mut warnings = Vec::new();
            dockward_vuln::vex::load(path, &mut vex, &mut warnings)?;
            notes.extend(warnings.into_iter().map(|w| warning(path, w)));
        }
        let db_dir = crate::db_cmd::db_dir(args.db.as_deref());
        let db = match Database::open(&db_dir) {
            Ok(db) => Some(db),
            Err(e @ OpenError::Missing(_)) if args.allow_no_db => {
                notes.push(warning(
                    &db_dir,
                    format!("{e}; no vulnerabilities were checked (--allow-no-db)"),
                ));
                None
            }
            Err(e) => return Err(e.to_string()),
        };
        let now = dockward_vuln::unix_seconds_of(&dockward_vuln::now_rfc3339()).unwrap_or(0);
        if let Some(db) = &db {
            for entry in ignores.expired(now) {
                notes.push(warning(
                    ignore_path.as_deref().unwrap_or(Path::new(".")),
                    format!(
                        "ignore entry for {} expired on {}: it no longer applies",
                        entry.id, entry.expires
                    ),
                ));
            }
            let families: Vec<&str> = Vec::new();
            if let Some(age) = db.age_seconds(&families)
                && age
                    > i64::try_from(args.max_db_age)
                        .unwrap_or(i64::MAX)
                        .saturating_mul(86_400)
            {
                notes.push(warning(
                    &db_dir,
                    format!(
                        "the vulnerability database is {} old (over --max-db-age {} days): run `dockward db update`",
                        crate::db_cmd::human_age(age),
                        args.max_db_age
                    ),
                ));
            }
        }
        Ok(VulnScanner {
            db,
            db_dir,
            ignores,
            ignore_path,
            vex,
            options: ScanOptions {
                ignore_unfixed: args.ignore_unfixed,
                show_unimportant: args.show_unimportant,
            },
            now,
        })
    }

    /// Inventories `tree` and matches it: the DW190 findings, and how many packages were
    /// read. `shown` names the tree in notes (the folder or archive path).
    pub fn scan(
        &mut self,
        tree: &InputTree,
        shown: &Path,
        sources: &SourceDb,
        settings: &dockward_core::Settings,
        notes: &mut Vec<RunError>,
    ) -> (Vec<Finding>, usize) {
        let inv = inventory(tree);
        notes.extend(inv.warnings.iter().map(|w| warning(shown, w.clone())));
        let mut findings = Vec::new();
        let Some(db) = self.db.as_mut() else {
            return (findings, inv.packages.len());
        };
        let result = scan(&inv, db, &self.options);
        let mut files: HashMap<String, Option<(dockward_core::FileId, String)>> = HashMap::new();
        let mut ignored = 0;
        let mut by_vex: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        if settings.is_enabled(&dockward_rules::VULNERABLE_PACKAGE) {
            for finding in &result.findings {
                if self.ignores.matching(finding, self.now).is_some() {
                    ignored += 1;
                    continue;
                }
                if !self.vex.is_empty() {
                    let purl = dockward_vuln::purl::purl(&finding.package, inv.os.as_ref());
                    if let Some(statement) = self.vex.statement_for(finding, purl.as_deref(), tree.vex_image())
                        && statement.status.suppresses()
                    {
                        *by_vex.entry(statement.status.as_str()).or_default() += 1;
                        continue;
                    }
                }
                findings.push(to_finding(finding, shown, tree, sources, &mut files, settings));
            }
        }
        if ignored > 0 {
            notes.push(warning(
                shown,
                format!(
                    "{ignored} findings silenced by the ignore file {}",
                    self.ignore_path.as_deref().unwrap_or(Path::new("")).display()
                ),
            ));
        }
        if !by_vex.is_empty() {
            let counts: Vec<String> = by_vex.iter().map(|(status, n)| format!("{n} {status}")).collect();
            notes.push(warning(
                shown,
                format!(
                    "{} findings suppressed by VEX statements ({})",
                    by_vex.values().sum::<usize>(),
                    counts.join(", ")
                ),
            ));
        }
        for family in &result.missing_ecosystems {
            // `Red Hat`, `Rocky Linux`: the shell needs the name quoted.
            let arg = if family.contains(' ') {
                format!("'{family}'")
            } else {
                family.clone()
            };
            notes.push(warning(
                &self.db_dir,
                format!(
                    "the database has no {family} data: {family} packages were not checked (`dockward db update --ecosystem {arg}`)"
                ),
            ));
        }
        if result.unmatched > 0 {
            let reason = result.unmatched_reason.clone().unwrap_or_else(|| {
                format!(
                    "dockward does not know the OSV ecosystem of this OS ({})",
                    inv.os.as_ref().map_or("unknown", |o| o.pretty_name.as_str())
                )
            });
            notes.push(warning(
                shown,
                format!("{} OS packages were not checked: {reason}", result.unmatched),
            ));
        }
        for note in &result.notes {
            notes.push(warning(shown, note.clone()));
        }
        if !result.undecided.is_empty() {
            let sample: Vec<String> = result
                .undecided
                .iter()
                .take(5)
                .map(|(p, id)| format!("{} {} ({id})", p.name, p.version))
                .collect();
            notes.push(warning(
                shown,
                format!(
                    "{} package/vulnerability pairs could not be decided (version not comparable): {}",
                    result.undecided.len(),
                    sample.join(", ")
                ),
            ));
        }
        for error in &result.errors {
            notes.push(RunError {
                path: self.db_dir.clone(),
                line: None,
                message: error.clone(),
                is_warning: false,
            });
        }
        (findings, inv.packages.len())
    }
}

/// The line of a package record that holds its version (`Version:` / `V:`), else the
/// record's first line.
fn version_line(text: &str, range: (u32, u32)) -> TextRange {
    let (start, end) = (range.0 as usize, (range.1 as usize).min(text.len()));
    let record = text.get(start..end).unwrap_or("");
    let mut offset = start;
    for line in record.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.starts_with("Version:") || content.starts_with("V:") {
            return TextRange::from_usize(offset, offset + content.len());
        }
        offset += line.len();
    }
    let first = record.split('\n').next().unwrap_or("");
    TextRange::from_usize(start, start + first.len())
}

fn to_finding(
    v: &VulnFinding,
    dir: &Path,
    tree: &InputTree,
    sources: &SourceDb,
    files: &mut HashMap<String, Option<(dockward_core::FileId, String)>>,
    settings: &dockward_core::Settings,
) -> Finding {
    let pkg: &Package = &v.package;
    let path = &pkg.location.path;
    // In an image: the image, the layer that added the package, and the database's path
    // (as the image rules' findings point), with the build step that made the layer.
    let mut layer_note = None;
    let image_at = tree.image_name().map(|image| {
        let layer = pkg.layer.and_then(|l| tree.layer(l));
        layer_note = match layer {
            Some(layer) if !layer.created_by.is_empty() => {
                Some(format!("added by the layer of `{}`", layer.created_by))
            }
            Some(_) => None,
            None => Some("the layer that added it is not known".to_string()),
        };
        Provenance::Image {
            image: image.to_string(),
            layer: layer.map(|l| l.digest.clone()),
            path: path.clone(),
        }
    });
    let text_file = pkg.location.range.filter(|_| image_at.is_none()).and_then(|range| {
        let slot = files.entry(path.clone()).or_insert_with(|| {
            let bytes = tree.read(path, dockward_vuln::inventory::MAX_DB_BYTES).ok()?;
            let text = String::from_utf8(bytes).ok()?;
            let shown = dir.join(path.trim_start_matches('/'));
            let id = sources.add(SourceFile::new(shown, text.clone()));
            Some((id, text))
        });
        slot.as_ref().map(|(id, text)| (*id, version_line(text, range)))
    });
    let at = match (image_at, text_file) {
        (Some(at), _) => at,
        (None, Some((file, range))) => Provenance::text(file, range),
        (None, None) => Provenance::Image {
            image: dir.display().to_string(),
            layer: None,
            path: path.clone(),
        },
    };
    let mut ids = v.vuln.id.clone();
    let cves: Vec<&str> = v
        .vuln
        .aliases
        .iter()
        .filter(|a| a.starts_with("CVE-"))
        .map(String::as_str)
        .collect();
    if !cves.is_empty() {
        ids = format!("{ids} ({})", cves.join(", "));
    }
    let source = if v.matched_name != pkg.name {
        format!(" (source package {})", v.matched_name)
    } else {
        String::new()
    };
    let fix = match &v.fixed {
        Some(fixed) => format!("; fixed in {fixed}"),
        None => "; no fixed version yet".to_string(),
    };
    let message = format!("{} {}{source} is affected by {ids}{fix}", pkg.name, pkg.version);
    let mut help = Vec::new();
    if !v.vuln.summary.is_empty() {
        // One line: summaries run long (the index keeps 300 characters).
        let summary: String = v.vuln.summary.split_whitespace().collect::<Vec<_>>().join(" ");
        help.push(if summary.chars().count() > 160 {
            format!("{}…", summary.chars().take(160).collect::<String>())
        } else {
            summary
        });
    }
    let mut rating = Vec::new();
    if let Some(score) = v.data.score {
        rating.push(format!("CVSS {score:.1} ({})", v.data.vector));
    }
    if !v.data.label.is_empty() {
        rating.push(format!("rated {}", v.data.label));
    }
    if !v.urgency.is_empty() {
        rating.push(format!("Debian urgency {}", v.urgency));
    }
    if !rating.is_empty() {
        help.push(rating.join("; "));
    }
    help.push(format!(
        "matched as {} {} {}",
        v.ecosystem, v.matched_name, v.matched_version
    ));
    help.extend(layer_note);
    if !v.vuln.url.is_empty() {
        help.push(v.vuln.url.clone());
    }
    let severity = settings
        .severity_override(&dockward_rules::VULNERABLE_PACKAGE)
        .unwrap_or(v.severity);
    Finding::new(&dockward_rules::VULNERABLE_PACKAGE, at, message)
        .with_severity(severity)
        .with_help(help.join(" · "))
}

/// Inventory of a folder, for tests of the CLI glue.
#[allow(dead_code)]
pub fn inventory_of(dir: &Path) -> Inventory {
    inventory(&DirTree::new(dir))
}
