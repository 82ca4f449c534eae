//! Which files are Compose files, and which files `docker compose` picks up by itself.

use std::path::{Path, PathBuf};

/// Main file names `docker compose` looks for, in its order of preference.
pub const DEFAULT_FILE_NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

/// Override file names loaded after the main file, in compose-go's order of preference
/// (the first one that exists is used, whichever main file was found).
pub const DEFAULT_OVERRIDE_FILE_NAMES: [&str; 4] = [
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
];

/// Whether a file name looks like a Compose file, for the scanner's file walk:
/// `compose.y(a)ml`, `compose.*.y(a)ml`, `compose-*.y(a)ml`, `docker-compose*.y(a)ml` and
/// `*.compose.y(a)ml`. (`compose-*` is not a Docker default name but is common: Docker's own
/// fixtures use `compose-override.yaml`, `compose-depends-on.yaml` …)
pub fn is_compose_file_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml")) else {
        return false;
    };
    stem == "compose"
        || stem.starts_with("compose.")
        || stem.starts_with("compose-")
        || stem.starts_with("docker-compose")
        || stem.ends_with(".compose")
}

/// Whether `name` is one of the override names `docker compose` loads automatically.
pub fn is_override_file_name(name: &str) -> bool {
    DEFAULT_OVERRIDE_FILE_NAMES.contains(&name)
}

/// Whether `name` is one of the main names `docker compose` finds by itself.
pub fn is_default_file_name(name: &str) -> bool {
    DEFAULT_FILE_NAMES.contains(&name)
}

/// The main file and override file `docker compose` would use in `dir` (without walking up
/// to parent directories, as a scanner looks at one directory at a time).
pub fn discover_compose_files(dir: &Path) -> Option<(PathBuf, Option<PathBuf>)> {
    let main = DEFAULT_FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file())?;
    Some((main, find_override(dir)))
}

/// The override file `docker compose` adds next to a main file in `dir`, if any.
pub fn find_override(dir: &Path) -> Option<PathBuf> {
    DEFAULT_OVERRIDE_FILE_NAMES
        .iter()
        .map(|n| dir.join(n))
        .find(|p| p.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_names() {
        for yes in [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yml",
            "docker-compose.override.yaml",
            "docker-compose-dev.yml",
            "compose.prod.yaml",
            "compose-override.yaml",
            "app.compose.yml",
        ] {
            assert!(is_compose_file_name(yes), "{yes}");
        }
        for no in [
            "compose.json",
            "composer.yaml",
            "mycompose.yml",
            "docker-compose",
            "values.yaml",
            "compose",
        ] {
            assert!(!is_compose_file_name(no), "{no}");
        }
    }
}
