//! `dockward db`: the local vulnerability database (import, update, status).

use crate::EXIT_ERROR;
use crate::cli::ListFormat;
use clap::Subcommand;
use dockward_vuln::db;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import OSV data: osv.dev `all.zip` dumps (`<Ecosystem>/all.zip`), folders of OSV
    /// JSON records, or single records. Offline; each ecosystem found replaces that
    /// ecosystem's previous data.
    Import {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Database folder (default: the user cache, `~/.cache/dockward/vulndb`).
        #[arg(long, value_name = "DIR")]
        db: Option<PathBuf>,
    },
    /// Download the per-ecosystem OSV dumps and import them (the only dockward command
    /// that uses the network for vulnerability data).
    Update {
        /// Base URL of the dumps: the OSV bucket (default) or a mirror with the same
        /// layout (`<URL>/<Ecosystem>/all.zip`).
        #[arg(long, value_name = "URL")]
        from: Option<String>,
        /// Ecosystems to fetch (comma-separated; default: those already in the database,
        /// else Alpine, Debian, Ubuntu, PyPI, npm, Go, crates.io, Maven).
        #[arg(long, value_delimiter = ',', value_name = "ECOSYSTEMS")]
        ecosystem: Vec<String>,
        #[arg(long, value_name = "DIR")]
        db: Option<PathBuf>,
    },
    /// Show what the database holds, where it came from and how old it is.
    Status {
        #[arg(long, value_name = "DIR")]
        db: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
}

pub fn db_dir(db: Option<&Path>) -> PathBuf {
    db.map_or_else(db::default_dir, Path::to_path_buf)
}

pub fn run(command: &DbCommand) -> ExitCode {
    match command {
        DbCommand::Import { paths, db } => import(paths, &db_dir(db.as_deref())),
        DbCommand::Update { from, ecosystem, db } => update(from.as_deref(), ecosystem, &db_dir(db.as_deref())),
        DbCommand::Status { db, format } => status(&db_dir(db.as_deref()), *format),
    }
}

fn import(paths: &[PathBuf], dir: &Path) -> ExitCode {
    match db::import_paths(dir, paths) {
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            if report.written.is_empty() {
                eprintln!("error: no OSV records with affected packages found in the given paths");
                return ExitCode::from(EXIT_ERROR);
            }
            for (family, (records, packages)) in &report.written {
                println!("{family}: {records} records, {packages} packages");
            }
            if report.withdrawn > 0 {
                println!("({} withdrawn records skipped)", report.withdrawn);
            }
            println!("database: {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn update(from: Option<&str>, ecosystems: &[String], dir: &Path) -> ExitCode {
    let options = db::UpdateOptions {
        base_url: from.unwrap_or(db::DEFAULT_MIRROR).to_string(),
        ecosystems: ecosystems.to_vec(),
        ..db::UpdateOptions::default()
    };
    match db::update(dir, &options) {
        Ok(report) => {
            for warning in &report.warnings {
                eprintln!("warning: {warning}");
            }
            for (family, records, packages) in &report.updated {
                println!("{family}: updated, {records} records, {packages} packages");
            }
            for family in &report.unchanged {
                println!("{family}: unchanged");
            }
            for (family, error) in &report.failed {
                eprintln!("error: {family}: {error}");
            }
            println!("database: {}", dir.display());
            if report.failed.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_ERROR)
            }
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn status(dir: &Path, format: ListFormat) -> ExitCode {
    let meta = match db::read_meta(dir) {
        Ok(Some(meta)) => meta,
        Ok(None) => {
            eprintln!("no vulnerability database at {}", dir.display());
            return ExitCode::from(EXIT_ERROR);
        }
        Err(e) => return crate::error_exit(&e),
    };
    match format {
        ListFormat::Json => {
            let json = serde_json::json!({
                "path": dir.display().to_string(),
                "format": meta.format,
                "current_format": db::FORMAT,
                "ecosystems": meta.ecosystems,
            });
            println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
        }
        ListFormat::Text => {
            println!("database: {} (format {})", dir.display(), meta.format);
            if meta.format != db::FORMAT {
                println!("  this dockward reads format {}: import or update again", db::FORMAT);
            }
            for (family, info) in &meta.ecosystems {
                let age = dockward_vuln::unix_seconds_of(&info.imported_at)
                    .and_then(|t| dockward_vuln::unix_seconds_of(&dockward_vuln::now_rfc3339()).map(|now| now - t))
                    .map_or_else(String::new, |s| format!(" ({} ago)", human_age(s)));
                println!(
                    "{family}: {} records, {} packages; imported {}{age}; newest record modified {}",
                    info.records, info.packages, info.imported_at, info.newest_modified
                );
                for source in &info.sources {
                    println!("  from {source}");
                }
            }
        }
    }
    ExitCode::SUCCESS
}

pub fn human_age(seconds: i64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 2 * 86_400 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}
