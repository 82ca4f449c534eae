//! Throughput over the corpus RUN bodies (release build): `cargo run --release --example
//! bench_corpus -- <corpus>/dockerfiles`.
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/corpus/dockerfiles".into());
    let mut bodies = Vec::new();
    for f in dockward_core::testing::files_under(std::path::Path::new(&dir)) {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let l = lines[i].trim_start();
            i += 1;
            if !(l.len() > 4 && l[..4].eq_ignore_ascii_case("RUN ")) {
                continue;
            }
            let mut body = l[4..].to_string();
            let mut continued = body.trim_end().ends_with('\\');
            while continued && i < lines.len() {
                body.push('\n');
                body.push_str(lines[i]);
                let t = lines[i].trim();
                if !t.is_empty() && !t.starts_with('#') {
                    continued = t.ends_with('\\');
                }
                i += 1;
            }
            bodies.push(body);
        }
    }
    let bytes: usize = bodies.iter().map(String::len).sum();
    let rounds = 20;
    let t = Instant::now();
    let mut commands = 0;
    for _ in 0..rounds {
        for b in &bodies {
            commands += dockward_shell::parse_dockerfile_run(b).commands.len();
        }
    }
    let el = t.elapsed();
    println!(
        "{} bodies, {} bytes, {} commands/round; {:?} per round, {:.1} MB/s",
        bodies.len(),
        bytes,
        commands / rounds,
        el / rounds as u32,
        (bytes * rounds) as f64 / el.as_secs_f64() / 1e6
    );
}
