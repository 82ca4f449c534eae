//! Docker Compose loading, as `docker compose` (compose-go) does it, with provenance.
//!
//! [`load_compose`] / [`load_compose_files`] read the main file and its overrides, resolve
//! `include`, `extends`, `!reset`/`!override`, interpolate `${VAR}` from the caller's
//! environment and `.env`, merge the layers with Compose's rules and mark services that
//! belong to profiles. The result keeps YAML [`Node`] trees, so every value still knows the
//! file and bytes it came from; lowering to the security model happens elsewhere.
//!
//! Modules: `discover` (file names), `dotenv`, `interpolate`, `merge` (override rules and
//! de-duplication), `extends`, `profiles`, `loader` (the per-file pipeline).

mod discover;
mod dotenv;
mod extends;
mod interpolate;
mod loader;
mod merge;
mod profiles;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dockward_core::TextRange;

use crate::yaml::{Budget, Comment, FileId, Node};

pub use discover::{
    DEFAULT_FILE_NAMES, DEFAULT_OVERRIDE_FILE_NAMES, discover_compose_files, find_override, is_compose_file_name,
    is_default_file_name, is_override_file_name,
};

/// How to load a project.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// The environment used for interpolation (what `docker compose` takes from the shell).
    /// Nothing is read from this process's environment unless the caller puts it here (see
    /// [`LoadOptions::with_process_env`]); values here win over `.env`.
    pub env: BTreeMap<String, String>,
    /// `--env-file` files; `None` means `.env` in the project directory when it exists.
    pub env_files: Option<Vec<PathBuf>>,
    /// `--profile` values. `COMPOSE_PROFILES` from the environment or `.env` adds to them.
    /// Services of other profiles are still returned, with `active: false`.
    pub profiles: Vec<String>,
    /// `--project-directory`; default: the directory of the first file.
    pub project_dir: Option<PathBuf>,
    /// `--project-name`; default: `COMPOSE_PROJECT_NAME`, then `name:`, then the directory.
    pub project_name: Option<String>,
    /// Limits for every YAML file read.
    pub budget: Budget,
    /// For [`load_compose`] on a default-named file (`compose.yaml` …): do not add the
    /// `compose.override.yaml`-style file next to it.
    pub no_override: bool,
    /// Texts to use instead of reading these paths (compared as written, not
    /// canonicalised): a Compose file given on standard input, or fixed texts whose
    /// project is re-checked before anything is written.
    pub overlay: BTreeMap<PathBuf, String>,
}

impl LoadOptions {
    /// Options whose interpolation environment is this process's environment.
    pub fn with_process_env() -> Self {
        LoadOptions {
            env: std::env::vars().collect(),
            ..LoadOptions::default()
        }
    }
}

/// What a file was read for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceKind {
    /// A main Compose file (the entry, or an explicit `-f` file).
    Compose,
    /// An override file found next to the main file.
    Override,
    /// A file named by `extends: {file: …}`.
    Extends,
    /// A file named by `include:`.
    Include,
    /// An `.env` / `--env-file` file.
    DotEnv,
}

/// A file read while loading: every node's `file` indexes `ComposeProject::files`.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: PathBuf,
    pub text: String,
    pub kind: SourceKind,
    /// The directory relative paths written in this file resolve against, as Compose does
    /// it: the project directory for main and override files (wherever they are), the
    /// file's own directory for an `extends` source, the included project's directory for
    /// an `include`d file.
    pub base_dir: PathBuf,
    /// Comments recovered from the YAML (for suppressions); empty for `.env` files.
    pub comments: Vec<Comment>,
    /// The file's own YAML documents as written (before interpolation and merging), kept
    /// from the one parse the loader made: suppressions and fixes need each file's own
    /// layout, which the merged model no longer shows. Empty for `.env` files.
    pub docs: Vec<Node>,
}

/// What went wrong, broadly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComposeErrorKind {
    /// A file could not be read (missing, unreadable, too large).
    Io,
    /// Invalid YAML, or a YAML budget exceeded (the file's trees are partial).
    Yaml,
    /// Valid YAML with the wrong shape for Compose (top level not a mapping …).
    Structure,
    /// Invalid `${…}` template or a missing required variable.
    Interpolation,
    /// Two layers that cannot be merged (a list over a mapping …).
    Merge,
    Extends,
    Include,
    DotEnv,
}

/// A located loading problem. `docker compose` would refuse the project; we record it and
/// carry on with what can be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComposeError {
    /// The file the problem is in, when there is one.
    pub file: Option<FileId>,
    pub range: TextRange,
    pub message: String,
    pub kind: ComposeErrorKind,
}

/// One merged service.
#[derive(Clone, Debug)]
pub struct ComposeService {
    pub name: String,
    /// The service's name as written (in the file that defined it first).
    pub key: Node,
    /// The merged definition (a mapping; an empty `web:` is an empty mapping).
    pub node: Node,
    /// Its `profiles:`.
    pub profiles: Vec<String>,
    /// Whether `docker compose up` would run it with the enabled profiles.
    pub active: bool,
}

impl ComposeService {
    /// A field of the service: `service.get("privileged")`.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.node.get(key)
    }
}

/// A loaded project.
#[derive(Clone, Debug)]
pub struct ComposeProject {
    pub name: String,
    pub working_dir: PathBuf,
    /// Every file read, in reading order.
    pub files: Vec<SourceFile>,
    /// The main and override files, in merge order (indices into `files`).
    pub config_files: Vec<FileId>,
    /// The whole merged model (top-level mapping; `version` removed).
    pub model: Node,
    /// Services in definition order.
    pub services: Vec<ComposeService>,
    pub networks: Option<Node>,
    pub volumes: Option<Node>,
    pub secrets: Option<Node>,
    pub configs: Option<Node>,
    /// The interpolation environment that was used (caller's environment + `.env`).
    pub environment: BTreeMap<String, String>,
    /// Enabled profiles (requested + `COMPOSE_PROFILES`).
    pub enabled_profiles: Vec<String>,
    /// Whether a file was in the legacy v1 format (services at the top level).
    pub legacy_v1: bool,
    pub errors: Vec<ComposeError>,
}

impl ComposeProject {
    /// The YAML documents of project file `file` as written ([`SourceFile::docs`]).
    pub fn file_docs(&self, file: FileId) -> &[Node] {
        self.files.get(file as usize).map_or(&[], |f| f.docs.as_slice())
    }

    pub fn service(&self, name: &str) -> Option<&ComposeService> {
        self.services.iter().find(|s| s.name == name)
    }

    /// Services `docker compose up` would start with the enabled profiles.
    pub fn active_services(&self) -> impl Iterator<Item = &ComposeService> {
        self.services.iter().filter(|s| s.active)
    }

    pub fn file(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id as usize)
    }

    /// The directory a relative path in `node` (a bind mount source, a build context, an
    /// `env_file`) is relative to: see [`SourceFile::base_dir`].
    pub fn base_dir(&self, node: &Node) -> &Path {
        self.file(node.file)
            .map_or(self.working_dir.as_path(), |f| f.base_dir.as_path())
    }

    /// The text a node's range points into.
    pub fn text_of(&self, node: &Node) -> &str {
        self.file(node.file).map_or("", |f| node.range.slice(&f.text))
    }
}

/// Loads a project from `entry`: a directory (its `compose.yaml`/`docker-compose.yml`… and
/// override file, as `docker compose` finds them) or a file (plus, for a default-named
/// file, the override file next to it unless `options.no_override`).
pub fn load_compose(entry: &Path, options: &LoadOptions) -> ComposeProject {
    if entry.is_dir() {
        return match discover_compose_files(entry) {
            Some((main, over)) => {
                let mut files = vec![main];
                files.extend(over);
                loader::load(&files, options, true)
            }
            None => {
                let mut project = loader::load(&[], options, false);
                project.working_dir = entry.to_path_buf();
                project.errors.push(ComposeError {
                    file: None,
                    range: TextRange::default(),
                    message: format!("no Compose file found in {}", entry.display()),
                    kind: ComposeErrorKind::Io,
                });
                project
            }
        };
    }
    let mut files = vec![entry.to_path_buf()];
    let default_name = entry
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(is_default_file_name);
    if default_name && !options.no_override {
        let dir = entry.parent().unwrap_or(Path::new("."));
        files.extend(find_override(dir));
    }
    loader::load(&files, options, true)
}

/// Loads a project from an explicit list of files, merged in order (`docker compose -f a
/// -f b`). No override file is added.
pub fn load_compose_files(files: &[PathBuf], options: &LoadOptions) -> ComposeProject {
    loader::load(files, options, false)
}
