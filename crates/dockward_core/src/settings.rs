//! `dockward.toml`: which rules run, how severe they are, where they are ignored, and the
//! facts some rules need (trusted registries, allowed capabilities).
//!
//! ```toml
//! fail-on = "high"
//! exclude = ["vendor", "tests/fixtures/"]   # never scanned; patterns as for per-path-ignores
//!
//! [rules]
//! select = ["ALL"]            # codes, prefixes (`DW1`), names; default: every rule not opt-in
//! extend-select = ["DW120"]   # add opt-in rules to the default set
//! ignore = ["DW205"]
//!
//! [rules.severity]
//! DW101 = "critical"
//!
//! [per-path-ignores]
//! "tests/**" = ["DW101"]
//!
//! [image]
//! trusted-registries = ["docker.io", "ghcr.io/acme"]
//! label-schema = { version = "semver", maintainer = "email" }   # checked by DW276
//!
//! [runtime]
//! allowed-capabilities = ["NET_BIND_SERVICE"]
//!
//! [shellcheck]                # RUN bodies and scripts through ShellCheck (SCxxxx findings)
//! enabled = true              # default false; `scan --shellcheck/--no-shellcheck` override
//! exclude = ["SC2164"]        # passed to shellcheck `-e` (the codes are never produced)
//! severity = "warning"        # shellcheck's least level: error, warning, info, style
//! shell = "bash"              # for RUN without a SHELL instruction (default: sh)
//! timeout = 60                # seconds before a hanging shellcheck is stopped
//! ```
//!
//! Path patterns (`exclude`, `[per-path-ignores]`) read like `.gitignore` lines, relative to
//! the folder of the configuration file: a pattern without a `/` (`vendor`, `*.j2`) matches
//! at any depth, one with a `/` is anchored there (a leading `/` only anchors), a trailing `/`
//! matches only folders, `*` does not cross a `/` while `**` does, and a pattern that matches
//! a folder matches everything in it. Negation (`!pattern`) is not supported.
//!
//! Errors carry the byte range of the offending value so the CLI can show a code frame into
//! the configuration file.

use crate::ids::{self, Resolution};
use crate::{Confidence, RuleMeta, Severity, TextRange};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde_spanned::Spanned;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Names a configuration file may have, in the order they are looked for in a folder.
pub const CONFIG_FILE_NAMES: [&str; 2] = ["dockward.toml", ".dockward.toml"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub range: Option<TextRange>,
    pub message: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    fail_on: Option<Spanned<String>>,
    min_confidence: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    rules: RawRules,
    #[serde(default)]
    per_path_ignores: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    image: RawImage,
    #[serde(default)]
    runtime: RawRuntime,
    #[serde(default)]
    shellcheck: RawShellcheck,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawShellcheck {
    enabled: Option<bool>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    severity: Option<Spanned<String>>,
    shell: Option<Spanned<String>>,
    timeout: Option<Spanned<u64>>,
}

/// `[shellcheck]`: whether and how RUN bodies and scripts are checked by ShellCheck.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellcheckSettings {
    pub enabled: bool,
    /// Codes shellcheck should not report, as numbers (`SC2164` → 2164).
    pub exclude: Vec<u16>,
    /// ShellCheck's least level reported: `error`, `warning`, `info` or `style`.
    pub severity: Option<String>,
    /// The shell of RUN bodies when no SHELL instruction names one: `sh` (Docker's
    /// default), `bash`, `dash`, `ksh` or `busybox`.
    pub shell: Option<String>,
    /// Seconds before a shellcheck process is stopped.
    pub timeout_secs: u64,
}

impl Default for ShellcheckSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            exclude: Vec::new(),
            severity: None,
            shell: None,
            timeout_secs: 60,
        }
    }
}

/// The number of a ShellCheck code (`SC2086`, any case; `2086` alone is a CWE id to the
/// selectors, so the prefix is required).
pub fn shellcheck_code(id: &str) -> Option<u16> {
    let digits = id.get(..2).filter(|p| p.eq_ignore_ascii_case("SC")).map(|_| &id[2..])?;
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|n| (1000..=9999).contains(n))
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRules {
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawImage {
    #[serde(default)]
    trusted_registries: Vec<String>,
    /// `"nginxinc/nginx-unprivileged:1.27" = "vendor/nginx.tar"`: base images the
    /// Dockerfile rules may look into (a `docker save` archive or an OCI layout).
    #[serde(default)]
    base_images: std::collections::BTreeMap<String, String>,
    /// `version = "semver"`: what each named label's value must be (hadolint's
    /// `label-schema`).
    #[serde(default)]
    label_schema: BTreeMap<String, Spanned<String>>,
    /// `"engine"`: look base images up in the local engine (`--base-images engine`).
    resolve_base: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRuntime {
    #[serde(default)]
    allowed_capabilities: Vec<String>,
}

/// A rule selector: `ALL`, a code prefix (`DW1`, `DW101`), a rule name or a peer id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector(String);

impl Selector {
    pub fn matches(&self, rule: &RuleMeta) -> bool {
        let s = self.0.as_str();
        s.eq_ignore_ascii_case("ALL") || self.matches_code_prefix(rule) || rule.answers_to(s)
    }

    /// Checks that this selector names a rule of `rules` (a typo would otherwise silently
    /// select nothing) and names it without ambiguity: a CIS id without a version whose
    /// readings differ, or a bare number that several rules cite as a CWE, must be spelled
    /// out rather than guessed at.
    fn validate(&self, rules: &[&'static RuleMeta]) -> Result<(), String> {
        let s = self.0.as_str();
        if s.eq_ignore_ascii_case("ALL") || rules.iter().any(|r| self.matches_code_prefix(r)) {
            return Ok(());
        }
        // ShellCheck's codes are not in the registry (ShellCheck makes them up as it
        // grows) but name its findings: `SC2086`, or the prefix `SC` / `SC2` for a family.
        if is_shellcheck_selector(s) {
            return Ok(());
        }
        match ids::resolve(s, rules) {
            Resolution::Rules { .. } => Ok(()),
            Resolution::Ambiguous(readings) => {
                let spelled: Vec<String> = readings
                    .iter()
                    .map(|r| {
                        let codes: Vec<&str> = r.rules.iter().map(|r| r.code).collect();
                        format!("`{}` ({})", r.id, codes.join(", "))
                    })
                    .collect();
                Err(format!("`{s}` is ambiguous; write {}", spelled.join(" or ")))
            }
            Resolution::NoRule { reason } => Err(match reason {
                Some(reason) => format!("`{s}` names no dockward rule: {reason}"),
                None => format!("`{s}` names no dockward rule"),
            }),
        }
    }

    fn matches_code_prefix(&self, rule: &RuleMeta) -> bool {
        let s = self.0.as_str();
        s.len() >= 2 && rule.code.len() >= s.len() && rule.code[..s.len()].eq_ignore_ascii_case(s)
    }
}

/// `shellcheck`, `SC`, `SC2`, `SC20`, `SC208`, `SC2086` (any case).
fn is_shellcheck_selector(s: &str) -> bool {
    s.eq_ignore_ascii_case("shellcheck")
        || s.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("SC"))
            && s.len() <= 6
            && s[2..].bytes().all(|b| b.is_ascii_digit())
}

/// Compiled `.gitignore`-like path patterns (see the module documentation).
#[derive(Debug, Default)]
struct PathPatterns {
    /// The patterns as written.
    sources: Vec<String>,
    /// Patterns that match files and folders.
    any: GlobSet,
    /// Patterns written with a trailing `/`: folders only.
    folders: GlobSet,
}

impl PathPatterns {
    fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Result<Self, String> {
        let mut sources = Vec::new();
        let mut any = GlobSetBuilder::new();
        let mut folders = GlobSetBuilder::new();
        for source in patterns {
            let pattern = source.trim();
            if pattern.is_empty() {
                return Err("an empty path pattern matches nothing".to_string());
            }
            if pattern.starts_with('!') {
                return Err(format!(
                    "`{pattern}`: negated patterns are not supported; narrow the patterns instead"
                ));
            }
            let (pattern, folder_only) = match pattern.strip_suffix('/') {
                Some(rest) => (rest, true),
                None => (pattern, false),
            };
            // A `/` at the start or in the middle anchors the pattern at the root, as in
            // .gitignore; without one it matches at any depth.
            let anchored = pattern.contains('/');
            let pattern = pattern.trim_start_matches('/');
            let builder = if folder_only { &mut folders } else { &mut any };
            let mut add = |glob: &str| -> Result<(), String> {
                let glob = GlobBuilder::new(glob)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| e.to_string())?;
                builder.add(glob);
                Ok(())
            };
            add(pattern)?;
            if !anchored {
                add(&format!("**/{pattern}"))?;
            }
            sources.push(source.to_string());
        }
        Ok(Self {
            sources,
            any: any.build().map_err(|e| e.to_string())?,
            folders: folders.build().map_err(|e| e.to_string())?,
        })
    }

    fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    /// Whether `relative` (the path relative to the root; `path` is the same path as given,
    /// to ask the file system whether it is a folder) or a folder that holds it matches.
    fn matches(&self, relative: &Path, path: &Path) -> bool {
        if self.any.is_match(relative) {
            return true;
        }
        // Every ancestor of the path is a folder, so folder-only patterns apply to them.
        let mut ancestors = relative.ancestors().skip(1);
        if ancestors.any(|dir| !dir.as_os_str().is_empty() && (self.any.is_match(dir) || self.folders.is_match(dir))) {
            return true;
        }
        // Only a folder-only pattern that matches the path itself needs the file system.
        !self.folders.is_empty() && self.folders.is_match(relative) && path.is_dir()
    }
}

/// Selectors given on the command line, each of which must name at least one rule.
fn command_line_selectors(list: &[String], rules: &[&'static RuleMeta]) -> Result<Vec<Selector>, String> {
    list.iter()
        .map(|s| {
            let sel = Selector(s.trim().to_string());
            sel.validate(rules).map(|()| sel)
        })
        .collect()
}

/// Resolved settings for one run.
#[derive(Debug)]
pub struct Settings {
    /// Where the settings came from, if a file.
    pub path: Option<PathBuf>,
    /// Folder that per-path globs are relative to.
    pub root: PathBuf,
    pub fail_on: Severity,
    select: Option<Vec<Selector>>,
    extend_select: Vec<Selector>,
    ignore: Vec<Selector>,
    severity: Vec<(Selector, Severity)>,
    per_path: Vec<(PathPatterns, Vec<Selector>)>,
    exclude: PathPatterns,
    pub trusted_registries: Vec<String>,
    pub allowed_capabilities: Vec<String>,
    /// `[image] base-images`: base image references and the archives that hold them
    /// (paths relative to the configuration's folder).
    pub base_image_archives: Vec<(String, PathBuf)>,
    /// What is known of base images, by reference as the Dockerfile writes it: filled by
    /// the command line from `base_image_archives` before the scan, read by the rules.
    pub base_images: std::collections::BTreeMap<String, BaseImage>,
    /// `[shellcheck]`; the command line may turn it on or off.
    pub shellcheck: ShellcheckSettings,
    /// `[image] label-schema`: label keys (as written in the configuration) and the form
    /// their values must have.
    pub label_schema: BTreeMap<String, LabelType>,
    /// `[image] resolve-base = "engine"` (or `--base-images engine`): base images not named
    /// in `base_images` are looked up in the local engine.
    pub resolve_base_in_engine: bool,
    /// Looks up base images that `base_images` does not name (the local engine's, when
    /// `resolve_base_in_engine`); set by the command line, consulted by [`Settings::base_image`].
    pub base_lookup: Option<std::sync::Arc<dyn BaseImageLookup>>,
    /// Findings less sure than this are left out (`min-confidence`, `--min-confidence`).
    pub min_confidence: Confidence,
}

/// The form a label's value must have, as `[image] label-schema` names it (the names are
/// hadolint's, so its `label-schema` configuration carries over).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelType {
    /// A semantic version 2.0.0: `1.4.2`, `2.0.0-rc.1+build.5`.
    Semver,
    /// An RFC 5322 address: `team@example.com`.
    Email,
}

impl std::str::FromStr for LabelType {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "semver" => Ok(LabelType::Semver),
            "email" => Ok(LabelType::Email),
            other @ ("text" | "url" | "rfc3339" | "hash" | "spdx") => Err(format!(
                "label type `{other}` is not checked by dockward; use `semver` or `email` (DW268 checks the standard URL and date labels)"
            )),
            other => Err(format!("unknown label type `{other}`; use `semver` or `email`")),
        }
    }
}

/// Finds what a base image's configuration says, by the reference a Dockerfile's `FROM`
/// writes (variables substituted). Implementations cache and never pull: an image that is
/// not at hand is `None`.
pub trait BaseImageLookup: Send + Sync + std::fmt::Debug {
    fn lookup(&self, reference: &str) -> Option<BaseImage>;
}

/// What a base image's configuration says, for the Dockerfile rules that would otherwise
/// have to assume Docker's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseImage {
    /// Its `User` (`None`: it sets none and runs as root).
    pub user: Option<String>,
    /// Whether it defines a health check (not `NONE`).
    pub healthcheck: bool,
    /// Where the facts came from, for messages: `vendor/nginx.tar`.
    pub source: String,
}

impl Settings {
    /// What is known of the base image `reference` (as `FROM` writes it, variables
    /// substituted): `[image] base-images` first, then the lookup (the local engine).
    pub fn base_image(&self, reference: &str) -> Option<BaseImage> {
        if let Some(known) = self.base_images.get(reference) {
            return Some(known.clone());
        }
        self.base_lookup.as_ref().and_then(|l| l.lookup(reference))
    }

    /// Whether a finding of this confidence is reported.
    pub fn keeps_confidence(&self, confidence: Confidence) -> bool {
        confidence >= self.min_confidence
    }
}

impl BaseImage {
    /// Whether `user` leaves the image running as root (`root`, `0`, `0:…`).
    pub fn runs_as_root(&self) -> bool {
        self.user.as_deref().is_none_or(|u| {
            let name = u.split(':').next().unwrap_or(u).trim();
            name.is_empty() || name == "root" || name == "0"
        })
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            path: None,
            root: PathBuf::from("."),
            fail_on: Severity::High,
            select: None,
            extend_select: Vec::new(),
            ignore: Vec::new(),
            severity: Vec::new(),
            per_path: Vec::new(),
            exclude: PathPatterns::default(),
            trusted_registries: Vec::new(),
            allowed_capabilities: Vec::new(),
            base_image_archives: Vec::new(),
            base_images: std::collections::BTreeMap::new(),
            shellcheck: ShellcheckSettings::default(),
            label_schema: BTreeMap::new(),
            resolve_base_in_engine: false,
            base_lookup: None,
            min_confidence: Confidence::Low,
        }
    }
}

impl Settings {
    /// Parses a configuration file's text. `rules` is the registry, used to reject selectors
    /// that name no rule (a typo would otherwise silently select nothing).
    pub fn parse(path: &Path, text: &str, rules: &[&'static RuleMeta]) -> Result<Self, ConfigError> {
        let err = |range: Option<TextRange>, message: String| ConfigError {
            path: path.to_path_buf(),
            range,
            message,
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let range = e.span().map(|s| TextRange::from_usize(s.start, s.end));
            err(range, e.message().to_string())
        })?;
        let span = |s: &Spanned<String>| {
            let r = s.span();
            Some(TextRange::from_usize(r.start, r.end))
        };
        let selectors = |list: &[Spanned<String>]| -> Result<Vec<Selector>, ConfigError> {
            list.iter()
                .map(|s| {
                    let sel = Selector(s.get_ref().trim().to_string());
                    sel.validate(rules).map(|()| sel).map_err(|m| err(span(s), m))
                })
                .collect()
        };
        let parse_severity = |s: &Spanned<String>| s.get_ref().parse::<Severity>().map_err(|m| err(span(s), m));

        let mut settings = Settings {
            path: Some(path.to_path_buf()),
            root: path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            ..Settings::default()
        };
        if let Some(fail_on) = &raw.fail_on {
            settings.fail_on = parse_severity(fail_on)?;
        }
        if let Some(min) = &raw.min_confidence {
            settings.min_confidence = min.get_ref().parse::<Confidence>().map_err(|m| err(span(min), m))?;
        }
        if let Some(resolve) = &raw.image.resolve_base {
            settings.resolve_base_in_engine = match resolve.get_ref().as_str() {
                "engine" => true,
                "none" => false,
                other => {
                    return Err(err(
                        span(resolve),
                        format!("unknown base image source `{other}` (expected \"engine\" or \"none\")"),
                    ));
                }
            };
        }
        settings.select = raw.rules.select.as_deref().map(selectors).transpose()?;
        settings.extend_select = selectors(&raw.rules.extend_select)?;
        settings.ignore = selectors(&raw.rules.ignore)?;
        for (code, severity) in &raw.rules.severity {
            let sel = selectors(std::slice::from_ref(code))?.remove(0);
            settings.severity.push((sel, parse_severity(severity)?));
        }
        for (pattern, codes) in &raw.per_path_ignores {
            let patterns = PathPatterns::new([pattern.get_ref().as_str()]).map_err(|m| err(span(pattern), m))?;
            settings.per_path.push((patterns, selectors(codes)?));
        }
        // Each pattern is checked alone first, so that an error points at the one at fault.
        for pattern in &raw.exclude {
            PathPatterns::new([pattern.get_ref().as_str()]).map_err(|m| err(span(pattern), m))?;
        }
        settings.exclude =
            PathPatterns::new(raw.exclude.iter().map(|p| p.get_ref().as_str())).map_err(|m| err(None, m))?;
        settings.trusted_registries = raw.image.trusted_registries;
        for (key, kind) in &raw.image.label_schema {
            let kind = kind.get_ref().parse::<LabelType>().map_err(|m| err(span(kind), m))?;
            settings.label_schema.insert(key.trim().to_string(), kind);
        }
        settings.base_image_archives = raw
            .image
            .base_images
            .into_iter()
            .map(|(reference, archive)| (reference, settings.root.join(archive)))
            .collect();
        settings.shellcheck = shellcheck_settings(&raw.shellcheck).map_err(|(range, m)| err(range, m))?;
        settings.allowed_capabilities = raw
            .runtime
            .allowed_capabilities
            .iter()
            .map(|c| c.trim().trim_start_matches("CAP_").to_ascii_uppercase())
            .collect();
        Ok(settings)
    }

    /// Applies `--select`/`--ignore` from the command line: a non-empty `select` replaces the
    /// file's selection, `ignore` adds to it.
    pub fn apply_command_line(
        &mut self,
        select: &[String],
        ignore: &[String],
        rules: &[&'static RuleMeta],
    ) -> Result<(), String> {
        if !select.is_empty() {
            self.select = Some(command_line_selectors(select, rules)?);
            self.extend_select.clear();
        }
        self.ignore.extend(command_line_selectors(ignore, rules)?);
        Ok(())
    }

    /// Applies `--extend-select` from the command line: these rules run too, on top of
    /// whatever the selection is.
    pub fn extend_selection(&mut self, extend: &[String], rules: &[&'static RuleMeta]) -> Result<(), String> {
        self.extend_select.extend(command_line_selectors(extend, rules)?);
        Ok(())
    }

    /// The nearest configuration file at or above `start`.
    pub fn discover(start: &Path) -> Option<PathBuf> {
        let start = if start.is_file() { start.parent()? } else { start };
        // `Dockerfile`'s parent is the empty path, which does not canonicalize: it means
        // the current folder.
        let start = if start.as_os_str().is_empty() {
            Path::new(".")
        } else {
            start
        };
        let start = std::fs::canonicalize(start).ok()?;
        start.ancestors().find_map(|dir| {
            CONFIG_FILE_NAMES
                .iter()
                .map(|name| dir.join(name))
                .find(|candidate| candidate.is_file())
        })
    }

    /// Whether `rule` runs at all (selection and ignores, before per-path ignores).
    pub fn is_enabled(&self, rule: &RuleMeta) -> bool {
        let selected = match &self.select {
            Some(select) => select.iter().any(|s| s.matches(rule)),
            None => !rule.opt_in,
        } || self.extend_select.iter().any(|s| s.matches(rule));
        selected && !self.ignore.iter().any(|s| s.matches(rule))
    }

    /// Whether `rule` is ignored for `path` by a per-path entry.
    pub fn is_ignored_for(&self, rule: &RuleMeta, path: &Path) -> bool {
        if self.per_path.is_empty() {
            return false;
        }
        let relative = self.relative(path);
        self.per_path
            .iter()
            .any(|(patterns, sels)| sels.iter().any(|s| s.matches(rule)) && patterns.matches(&relative, path))
    }

    /// Whether `path` (a file or a folder) is excluded from scanning by `exclude` in the
    /// configuration or [`Settings::extend_exclude`]. A folder's exclusion covers
    /// everything in it, so discovery may skip an excluded folder without descending.
    pub fn is_excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && self.exclude.matches(&self.relative(path), path)
    }

    /// Adds exclusion patterns (`--exclude` on the command line) to those of the
    /// configuration; they are read the same way, relative to [`Settings::root`]. On error
    /// nothing is added.
    pub fn extend_exclude(&mut self, patterns: &[String]) -> Result<(), String> {
        let all = self.exclude.sources.iter().chain(patterns).map(String::as_str);
        self.exclude = PathPatterns::new(all)?;
        Ok(())
    }

    /// The exclusion patterns in force, as written.
    pub fn exclude_patterns(&self) -> &[String] {
        &self.exclude.sources
    }

    /// `path` relative to [`Settings::root`], which path patterns are written against. A
    /// path outside the root is returned whole, so that unanchored patterns still apply.
    fn relative(&self, path: &Path) -> PathBuf {
        // Discovery hands out paths as the user typed them (relative to the current
        // folder), while a discovered configuration's root is absolute: compare like with
        // like.
        let absolute = |p: &Path| std::env::current_dir().map_or_else(|_| p.to_path_buf(), |cwd| cwd.join(p));
        let (path, root): (Cow<'_, Path>, Cow<'_, Path>) = match (path.is_absolute(), self.root.is_absolute()) {
            (false, true) => (Cow::Owned(absolute(path)), Cow::Borrowed(&self.root)),
            (true, false) => (Cow::Borrowed(path), Cow::Owned(absolute(&self.root))),
            _ => (Cow::Borrowed(path), Cow::Borrowed(&self.root)),
        };
        let without_dot = |p: &'_ Path| -> PathBuf { p.strip_prefix(".").unwrap_or(p).to_path_buf() };
        let (path, root) = (without_dot(&path), without_dot(&root));
        match path.strip_prefix(&root) {
            Ok(relative) => relative.to_path_buf(),
            Err(_) => path,
        }
    }

    /// The severity configured for `rule`, if the configuration overrides it.
    pub fn severity_override(&self, rule: &RuleMeta) -> Option<Severity> {
        self.severity
            .iter()
            .rev()
            .find(|(s, _)| s.matches(rule))
            .map(|(_, sev)| *sev)
    }

    /// Whether an image reference's registry is trusted. With no list configured, every
    /// registry is trusted (the rule has nothing to compare against).
    pub fn is_trusted_registry(&self, registry_and_path: &str) -> Option<bool> {
        if self.trusted_registries.is_empty() {
            return None;
        }
        Some(self.trusted_registries.iter().any(|trusted| {
            let trusted = trusted.trim_end_matches('/');
            registry_and_path == trusted
                || registry_and_path
                    .strip_prefix(trusted)
                    .is_some_and(|rest| rest.starts_with('/'))
        }))
    }
}

/// Reads `[shellcheck]`, pointing at the value at fault.
fn shellcheck_settings(raw: &RawShellcheck) -> Result<ShellcheckSettings, (Option<TextRange>, String)> {
    let span = |r: std::ops::Range<usize>| Some(TextRange::from_usize(r.start, r.end));
    let mut out = ShellcheckSettings {
        enabled: raw.enabled.unwrap_or(false),
        ..ShellcheckSettings::default()
    };
    for code in &raw.exclude {
        let n = shellcheck_code(code.get_ref().trim()).ok_or_else(|| {
            (
                span(code.span()),
                format!("`{}` is not a ShellCheck code (SC1000–SC9999)", code.get_ref()),
            )
        })?;
        out.exclude.push(n);
    }
    if let Some(level) = &raw.severity {
        if !matches!(level.get_ref().as_str(), "error" | "warning" | "info" | "style") {
            return Err((
                span(level.span()),
                "expected one of error, warning, info, style".to_string(),
            ));
        }
        out.severity = Some(level.get_ref().clone());
    }
    if let Some(shell) = &raw.shell {
        if !matches!(shell.get_ref().as_str(), "sh" | "bash" | "dash" | "ksh" | "busybox") {
            return Err((
                span(shell.span()),
                "expected one of sh, bash, dash, ksh, busybox".to_string(),
            ));
        }
        out.shell = Some(shell.get_ref().clone());
    }
    if let Some(timeout) = &raw.timeout {
        if !(1..=3600).contains(timeout.get_ref()) {
            return Err((
                span(timeout.span()),
                "expected a number of seconds from 1 to 3600".to_string(),
            ));
        }
        out.timeout_secs = *timeout.get_ref();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Category, FixAvailability, ModelKind};

    static A: RuleMeta = RuleMeta {
        code: "DW101",
        name: "final-stage-runs-as-root",
        category: Category::Image,
        severity: Severity::High,
        summary: "",
        explanation: "",
        references: &["hadolint:DL3002"],
        fix: FixAvailability::None,
        models: &[ModelKind::Build],
        opt_in: false,
    };
    static B: RuleMeta = RuleMeta {
        code: "DW120",
        name: "base-image-not-pinned-by-digest",
        category: Category::Image,
        severity: Severity::Low,
        summary: "",
        explanation: "",
        references: &[],
        fix: FixAvailability::None,
        models: &[ModelKind::Build],
        opt_in: true,
    };
    const RULES: &[&RuleMeta] = &[&A, &B];

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        Settings::parse(Path::new("/p/dockward.toml"), text, RULES)
    }

    #[test]
    fn shellcheck_section_and_sc_selectors() {
        let text = "[shellcheck]\nenabled = true\nexclude = [\"SC2164\", \"sc1091\"]\nseverity = \"warning\"\nshell = \"bash\"\ntimeout = 5\n\n[rules]\nignore = [\"SC2086\", \"SC3\"]\n\n[rules.severity]\nSC2046 = \"high\"\n";
        let s = parse(text).unwrap();
        assert!(s.shellcheck.enabled);
        assert_eq!(s.shellcheck.exclude, [2164, 1091]);
        assert_eq!(s.shellcheck.severity.as_deref(), Some("warning"));
        assert_eq!(s.shellcheck.shell.as_deref(), Some("bash"));
        assert_eq!(s.shellcheck.timeout_secs, 5);
        assert!(!parse("").unwrap().shellcheck.enabled);
        for (text, bad) in [
            ("[shellcheck]\nexclude = [\"2086\"]\n", "\"2086\""),
            ("[shellcheck]\nshell = \"zsh\"\n", "\"zsh\""),
            ("[shellcheck]\nseverity = \"high\"\n", "\"high\""),
            ("[shellcheck]\ntimeout = 0\n", "0"),
            ("[rules]\nignore = [\"SC20866\"]\n", "\"SC20866\""),
        ] {
            let e = parse(text).unwrap_err();
            assert_eq!(e.range.map(|r| r.slice(text)), Some(bad), "{e:?}");
        }
        assert_eq!(shellcheck_code("SC2086"), Some(2086));
        assert_eq!(shellcheck_code("sc1000"), Some(1000));
        assert_eq!(shellcheck_code("SC0999"), None);
        assert_eq!(shellcheck_code("DL3008"), None);
    }

    #[test]
    fn defaults_skip_opt_in_rules() {
        let s = parse("").unwrap();
        assert!(s.is_enabled(&A) && !s.is_enabled(&B));
        assert_eq!(s.fail_on, Severity::High);
    }

    #[test]
    fn confidence_and_base_image_source_are_configured_and_checked() {
        let s = parse("").unwrap();
        assert!(s.keeps_confidence(Confidence::Low) && !s.resolve_base_in_engine);
        let s = parse("min-confidence = \"high\"\n[image]\nresolve-base = \"engine\"\n").unwrap();
        assert!(!s.keeps_confidence(Confidence::Low) && s.keeps_confidence(Confidence::High));
        assert!(s.resolve_base_in_engine);
        let e = parse("min-confidence = \"sure\"\n").unwrap_err();
        assert!(
            e.message.contains("unknown confidence `sure`") && e.range.is_some(),
            "{e:?}"
        );
        let e = parse("[image]\nresolve-base = \"registry\"\n").unwrap_err();
        assert!(e.message.contains("`registry`") && e.range.is_some(), "{e:?}");
    }

    #[test]
    fn select_ignore_severity_and_paths() {
        let s = parse(
            "fail-on = \"medium\"\n[rules]\nextend-select = [\"DW120\"]\nignore = [\"DL3002\"]\n[rules.severity]\nDW120 = \"critical\"\n[per-path-ignores]\n\"tests/**\" = [\"DW1\"]\n",
        )
        .unwrap();
        assert!(!s.is_enabled(&A) && s.is_enabled(&B));
        assert_eq!(s.severity_override(&B), Some(Severity::Critical));
        assert_eq!(s.severity_override(&A), None);
        assert_eq!(s.fail_on, Severity::Medium);
        assert!(s.is_ignored_for(&B, Path::new("/p/tests/x/Dockerfile")));
        assert!(!s.is_ignored_for(&B, Path::new("/p/src/Dockerfile")));
    }

    #[test]
    fn errors_point_at_the_offending_value() {
        let text = "[rules]\nignore = [\"DW999\"]\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.range.unwrap().slice(text), "\"DW999\"");
        let text = "[rules.severity]\nDW101 = \"severe\"\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.range.unwrap().slice(text), "\"severe\"");
        let e = parse("[rulez]\n").unwrap_err();
        assert!(e.message.contains("rulez") && e.range.is_some(), "{e:?}");
    }

    #[test]
    fn selectors_take_every_id_form_but_refuse_to_guess() {
        // Older CIS numbering, as the rules' metadata writes it: v1.6 5.5 and v1.6 5.4.
        static PRIVILEGED: RuleMeta = RuleMeta {
            code: "DW301",
            references: &["cis:5.4", "cwe:250", "trivy:DS-0002"],
            ..B
        };
        static CAPS: RuleMeta = RuleMeta {
            code: "DW303",
            references: &["cis:5.3", "cwe:250"],
            ..B
        };
        let rules: &[&RuleMeta] = &[&PRIVILEGED, &CAPS];
        let parse = |text: &str| Settings::parse(Path::new("/p/dockward.toml"), text, rules);
        let s = parse("[rules]\nextend-select = [\"cis-1.6:5.5\", \"AVD-DS-0002\"]\n").unwrap();
        assert!(s.is_enabled(&PRIVILEGED) && !s.is_enabled(&CAPS));
        let s = parse("[rules]\nextend-select = [\"cwe:250\"]\n").unwrap();
        assert!(s.is_enabled(&PRIVILEGED) && s.is_enabled(&CAPS));

        let text = "[rules]\nignore = [\"DW301\", \"cis:5.4\"]\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.range.unwrap().slice(text), "\"cis:5.4\"");
        assert!(
            e.message.contains("`cis-1.6:5.4` (DW303)") && e.message.contains("`cis-1.5:5.4` (DW301)"),
            "{}",
            e.message
        );
        let e = parse("[rules]\nignore = [\"250\"]\n").unwrap_err();
        assert!(e.message.contains("`cwe:250`"), "{}", e.message);
        let mut s = Settings::default();
        let e = s
            .apply_command_line(&[], &["cis-1.9:5.5".to_string()], rules)
            .unwrap_err();
        assert!(e.contains("v1.2 to v1.6"), "{e}");
    }

    #[test]
    fn exclude_patterns_read_like_gitignore_lines() {
        let s = parse(
            "exclude = [\"vendor\", \"tests/fixtures/\", \"/build\", \"*.j2\", \"docs/**/*.md\", \"ci/*.yaml\"]\n",
        )
        .unwrap();
        let excluded = |p: &str| s.is_excluded(Path::new(p));
        // No slash: any depth, and a matching folder covers what it holds.
        assert!(excluded("/p/vendor/x/Dockerfile"));
        assert!(excluded("/p/a/b/vendor/compose.yaml"));
        assert!(excluded("/p/vendor"));
        assert!(!excluded("/p/vendors/Dockerfile"));
        assert!(excluded("/p/templates/Dockerfile.j2"));
        // A slash anchors at the configuration's folder; a leading one only anchors.
        assert!(excluded("/p/tests/fixtures/bad/Dockerfile"));
        assert!(!excluded("/p/a/tests/fixtures/Dockerfile"));
        assert!(excluded("/p/build/Dockerfile"));
        assert!(!excluded("/p/src/build/Dockerfile"));
        // `**` crosses folders, `*` does not.
        assert!(excluded("/p/docs/guide.md") && excluded("/p/docs/a/b/guide.md"));
        assert!(excluded("/p/ci/deploy.yaml"));
        assert!(!excluded("/p/ci/jobs/deploy.yaml"));
        assert!(!excluded("/p/src/Dockerfile"));
        assert_eq!(s.exclude_patterns().len(), 6);
        assert!(!Settings::default().is_excluded(Path::new("vendor/Dockerfile")));
    }

    #[test]
    fn exclude_takes_paths_as_discovery_gives_them() {
        // A discovered configuration's root is absolute; discovery's paths are relative to
        // the current folder (the test runs in the crate's folder).
        let root = std::env::current_dir().unwrap();
        let s = Settings::parse(
            &root.join("dockward.toml"),
            "exclude = [\"/src/\", \"Cargo.toml/\"]\n",
            RULES,
        )
        .unwrap();
        assert!(s.is_excluded(Path::new("src/settings.rs")));
        assert!(s.is_excluded(Path::new("./src/settings.rs")));
        assert!(
            s.is_excluded(&root.join("src")),
            "an existing folder matches a folder pattern"
        );
        assert!(
            !s.is_excluded(Path::new("Cargo.toml")),
            "a file does not match a folder pattern"
        );
        assert!(!s.is_excluded(Path::new("tests/src/x")));
    }

    #[test]
    fn exclude_grows_from_the_command_line_and_rejects_bad_patterns() {
        let mut s = parse("exclude = [\"vendor\"]\n").unwrap();
        s.extend_exclude(&["*.md".to_string()]).unwrap();
        assert!(s.is_excluded(Path::new("/p/docs/README.md")) && s.is_excluded(Path::new("/p/vendor/x")));
        let e = s.extend_exclude(&["ok".to_string(), "[bad".to_string()]).unwrap_err();
        assert!(e.contains("[bad"), "{e}");
        assert_eq!(
            s.exclude_patterns(),
            ["vendor", "*.md"],
            "a failed extension adds nothing"
        );
        assert!(
            s.extend_exclude(&["!vendor/keep".to_string()])
                .unwrap_err()
                .contains("negated")
        );

        let text = "exclude = [\"vendor\", \"src/[bad\"]\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.range.unwrap().slice(text), "\"src/[bad\"");
        let text = "[per-path-ignores]\n\"{a\" = [\"DW101\"]\n";
        let e = parse(text).unwrap_err();
        assert_eq!(e.range.unwrap().slice(text), "\"{a\"");
    }

    #[test]
    fn per_path_ignores_share_the_pattern_rules() {
        let s = parse("[per-path-ignores]\n\"fixtures/\" = [\"DW101\"]\n\"/Dockerfile.dev\" = [\"DW101\"]\n").unwrap();
        assert!(s.is_ignored_for(&A, Path::new("/p/tests/fixtures/Dockerfile")));
        assert!(s.is_ignored_for(&A, Path::new("/p/Dockerfile.dev")));
        assert!(!s.is_ignored_for(&A, Path::new("/p/app/Dockerfile.dev")));
        assert!(!s.is_ignored_for(&B, Path::new("/p/tests/fixtures/Dockerfile")));
    }

    #[test]
    fn trusted_registries_match_by_path_prefix() {
        let s = parse("[image]\ntrusted-registries = [\"ghcr.io/acme\"]\n").unwrap();
        assert_eq!(s.is_trusted_registry("ghcr.io/acme/web"), Some(true));
        assert_eq!(s.is_trusted_registry("ghcr.io/acmeevil/web"), Some(false));
        assert_eq!(Settings::default().is_trusted_registry("x"), None);
    }

    #[test]
    fn label_schema_takes_semver_and_email_and_points_at_other_types() {
        let s = parse("[image]\nlabel-schema = { version = \"semver\", maintainer = \"EMAIL\" }\n").unwrap();
        assert_eq!(s.label_schema.get("version"), Some(&LabelType::Semver));
        assert_eq!(s.label_schema.get("maintainer"), Some(&LabelType::Email));
        let text = "[image]\nlabel-schema = { url = \"url\" }\n";
        let e = parse(text).unwrap_err();
        assert!(e.message.contains("`url` is not checked"), "{}", e.message);
        let range = e.range.unwrap();
        assert_eq!(&text[range.start as usize..range.end as usize], "\"url\"");
        assert!(parse("[image]\nlabel-schema = { a = \"bogus\" }\n").is_err());
    }
}
