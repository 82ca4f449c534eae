//! Shared by the CLI tests.
#![allow(dead_code)]

use assert_cmd::Command;
use std::fs;
use std::path::Path;

pub fn dockward() -> Command {
    Command::cargo_bin("dockward").unwrap()
}

/// Writes `text` to `dir/rel`, creating folders.
pub fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}
