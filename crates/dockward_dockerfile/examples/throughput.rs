//! Parser throughput on the shared corpus (one core):
//! `cargo run --release -p dockward_dockerfile --example throughput [corpus/dockerfiles]`
use std::time::{Duration, Instant};

fn main() {
    let dir = std::env::args()
        .nth(1)
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| dockward_core::testing::corpus_subdir("dockerfiles").expect("corpus not found"));
    let texts: Vec<String> = dockward_core::testing::files_under(&dir)
        .iter()
        .map(|p| String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut rounds = 0u32;
    let mut instructions = 0usize;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        for t in &texts {
            instructions += std::hint::black_box(dockward_dockerfile::parse(t)).instructions.len();
        }
        rounds += 1;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} files, {:.1} MiB x {rounds} rounds in {secs:.2}s: {:.0} MB/s ({instructions} instructions)",
        texts.len(),
        bytes as f64 / 1048576.0,
        bytes as f64 * f64::from(rounds) / secs / 1e6
    );
}
