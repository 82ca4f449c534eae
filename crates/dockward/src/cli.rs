//! Command-line interface definition.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "dockward",
    version,
    about = "Docker security auditor: Dockerfiles, Compose files, docker run lines and more.",
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders (default: the current directory).
    Scan(ScanArgs),
    /// Audit the containers of a running Docker Engine (read-only).
    Engine(crate::engine_cmd::EngineArgs),
    /// Audit the host dockerd runs on: owners and modes of Docker's files and sockets, the
    /// docker group, audit rules, the data root's partition, content trust.
    Host(crate::host_cmd::HostArgs),
    /// The local vulnerability database: import OSV data, update it, show its state.
    #[command(subcommand)]
    Db(crate::db_cmd::DbCommand),
    /// Write the package inventory of a folder (a container's root file system) as a
    /// CycloneDX 1.6 or SPDX 2.3 JSON SBOM.
    Sbom(crate::sbom_cmd::SbomArgs),
    /// Match the packages installed in a folder against the local vulnerability database
    /// (offline: never downloads anything).
    Vulns(crate::sbom_cmd::VulnsArgs),
    /// Enforce the runtime rules at the daemon: a Docker authorization plugin that denies
    /// container creates (and privileged execs, updates, services) with findings.
    Guard(crate::guard_cmd::GuardArgs),
    /// Audit built images: docker save archives, OCI layouts, or images of the local
    /// engine — configuration, history and the files of their layers.
    Image(crate::image_cmd::ImageArgs),
    /// List every rule.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Explain one rule (by code, name or a peer id such as DL3002).
    Rule { code: String },
    /// Developer tools.
    #[command(subcommand)]
    Debug(DebugCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), generated from this command-line definition.
    Man,
}

#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Print how dockward parsed a Dockerfile.
    Dockerfile {
        /// Print in BuildKit's parser test `result` format.
        #[arg(long)]
        buildkit: bool,
        file: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan; `-` reads standard input (name it with --stdin-filename).
    pub paths: Vec<PathBuf>,
    /// Read every file named on the command line as this kind, whatever its name or content.
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub input_type: Option<InputTypeArg>,
    /// The file name standard input stands for (its kind, configuration, per-path ignores,
    /// and the path findings show).
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Full)]
    pub format: OutputFormat,
    /// Print the number of findings per rule instead of each finding.
    #[arg(long)]
    pub statistics: bool,
    /// Leave out paths matching these globs when walking folders (gitignore-style; added to
    /// `exclude` in the configuration). Files named explicitly are always scanned.
    #[arg(long, value_delimiter = ',', value_name = "GLOBS")]
    pub exclude: Vec<String>,
    /// Apply safe fixes to the files (atomically), then report what is left.
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff: also apply unsafe fixes.
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them.
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,
    /// The build target stage (as `docker build --target`): decides the final stage.
    #[arg(long)]
    pub target: Option<String>,
    /// Also read `docker run` lines in Markdown code blocks (```sh, ```bash, ```console).
    #[arg(long)]
    pub markdown: bool,
    /// Check RUN bodies, shell scripts and CI steps with ShellCheck (`shellcheck` on PATH),
    /// as hadolint does: findings are rules `SCnnnn` (default: `[shellcheck] enabled`).
    #[arg(long, overrides_with = "no_shellcheck")]
    pub shellcheck: bool,
    /// Do not run ShellCheck, whatever the configuration says.
    #[arg(long, overrides_with = "shellcheck")]
    pub no_shellcheck: bool,
    /// Where the user and health check of Dockerfiles' base images are looked up besides
    /// `[image] base-images`: `engine` inspects them in the local engine (never pulls);
    /// `none` (the default, or `[image] resolve-base`) keeps the scan offline.
    #[arg(long, value_enum, value_name = "SOURCE")]
    pub base_images: Option<BaseImagesArg>,
    /// The engine `--base-images engine` asks.
    #[command(flatten)]
    pub daemon: DaemonArgs,
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Which Docker daemon to talk to, as the docker CLI chooses it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DaemonArgs {
    /// Daemon address: unix:///path/docker.sock or tcp://HOST:PORT (default: DOCKER_HOST,
    /// the current context, then /var/run/docker.sock).
    #[arg(short = 'H', long, value_name = "URL")]
    pub host: Option<String>,
    /// Docker context to use (default: DOCKER_CONTEXT, then currentContext of
    /// ~/.docker/config.json).
    #[arg(short = 'c', long, value_name = "NAME", conflicts_with = "host")]
    pub context: Option<String>,
}

impl DaemonArgs {
    pub fn host_options(&self) -> dockward_engine::host::HostOptions {
        dockward_engine::host::HostOptions {
            host: self.host.clone(),
            context: self.context.clone(),
        }
    }
}

/// The options every auditing command shares: where the report goes, when the run fails,
/// which configuration and rules apply.
#[derive(Debug, Default, Args)]
pub struct CommonArgs {
    /// Write the report to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Exit with 1 when a finding is at or above this severity (default: high, or the
    /// configuration file's `fail-on`).
    #[arg(long, value_enum)]
    pub fail_on: Option<SeverityArg>,
    /// Exit with 0 even when findings are at or above --fail-on (errors still exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print findings only: no summary line and no warnings about what was skipped or could
    /// not be read.
    #[arg(short, long)]
    pub quiet: bool,
    /// Configuration file (default: the nearest dockward.toml or .dockward.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Ignore configuration files.
    #[arg(long, conflicts_with = "config")]
    pub isolated: bool,
    /// Run only these rules (codes, prefixes, names or peer ids; comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub select: Vec<String>,
    /// Run these rules too, on top of the selection (opt-in rules, for instance).
    #[arg(long, value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Skip these rules.
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// When to use colors.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Report only findings not recorded in this baseline file; when the file does not
    /// exist, record every finding in it (the run then passes).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every finding in the --baseline file, replacing what it held.
    #[arg(long, requires = "baseline")]
    pub write_baseline: bool,
    /// Leave out findings less sure than this (`low`: everything, the default; `high`:
    /// leave out findings that depend on what the scan could not see, such as a base
    /// image's user).
    #[arg(long, value_enum, value_name = "CONFIDENCE")]
    pub min_confidence: Option<ConfidenceArg>,
}

impl CommonArgs {
    /// Whether the report is coloured: `--color`, and for `auto` a terminal on standard
    /// output (never a file given with `-o`).
    pub fn color_enabled(&self) -> bool {
        match (self.color, &self.output_file) {
            (ColorChoice::Always, _) => true,
            (ColorChoice::Never, _) | (ColorChoice::Auto, Some(_)) => false,
            (ColorChoice::Auto, None) => {
                anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
            }
        }
    }

    /// The `--baseline` file, opened for reading or (absent, or `--write-baseline`) for
    /// writing when the run ends.
    pub fn open_baseline(&self) -> Result<Option<dockward_report::Baseline>, String> {
        self.baseline
            .as_deref()
            .map(|path| dockward_report::Baseline::open(path, self.write_baseline))
            .transpose()
    }

    /// Where the report goes: the `-o` file, or standard output.
    pub fn open_output(&self) -> Result<Box<dyn std::io::Write>, String> {
        Ok(match &self.output_file {
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                Box::new(std::io::BufWriter::new(file))
            }
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        })
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum InputTypeArg {
    Dockerfile,
    Compose,
    Script,
    Daemon,
}

impl InputTypeArg {
    pub fn as_str(self) -> &'static str {
        match self {
            InputTypeArg::Dockerfile => "dockerfile",
            InputTypeArg::Compose => "compose",
            InputTypeArg::Script => "script",
            InputTypeArg::Daemon => "daemon",
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    Full,
    Concise,
    Json,
    Github,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// JUnit XML.
    Junit,
    /// GitLab code quality JSON.
    Gitlab,
    /// Checkstyle XML.
    Checkstyle,
    /// A self-contained HTML page with the checklist scorecard.
    Html,
}

impl From<OutputFormat> for dockward_report::Format {
    fn from(format: OutputFormat) -> Self {
        match format {
            OutputFormat::Full => Self::Full,
            OutputFormat::Concise => Self::Concise,
            OutputFormat::Json => Self::Json,
            OutputFormat::Github => Self::Github,
            OutputFormat::Sarif => Self::Sarif,
            OutputFormat::Junit => Self::Junit,
            OutputFormat::Gitlab => Self::Gitlab,
            OutputFormat::Checkstyle => Self::Checkstyle,
            OutputFormat::Html => Self::Html,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BaseImagesArg {
    Engine,
    None,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ConfidenceArg {
    Low,
    High,
}

#[derive(Debug, Default, Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}
