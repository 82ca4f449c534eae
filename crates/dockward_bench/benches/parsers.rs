//! Parser throughput over the shared corpus: Dockerfile parse, shell parse of `RUN`
//! bodies, YAML parse (and the Compose loader) of Compose files, and the docker argv
//! parser. `cargo bench -p dockward_bench --bench parsers`; see docs/benchmarks.md.
//!
//! Kept short on purpose (small samples, a few seconds per bench): the whole set runs in
//! a couple of minutes on a busy 2-core machine.

use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main, measurement::WallTime};
use dockward_bench::{
    Source, command_words, compose_files, docker_command_words, dockerfiles, run_scripts, total_bytes,
};
use std::hint::black_box;
use std::time::Duration;

fn short(group: &mut BenchmarkGroup<'_, WallTime>) {
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
}

fn dockerfile(c: &mut Criterion) {
    let Some(files) = dockerfiles() else { return };
    if files.is_empty() {
        return;
    }
    let mut group = c.benchmark_group("dockerfile");
    short(&mut group);
    group.throughput(Throughput::Bytes(total_bytes(files.iter().map(|f| &f.text))));
    group.bench_function(format!("parse/corpus_{}_files", files.len()), |b| {
        b.iter(|| {
            for file in &files {
                black_box(dockward_dockerfile::parse(black_box(&file.text)));
            }
        })
    });
    group.finish();
}

fn shell(c: &mut Criterion) {
    let Some(files) = dockerfiles() else { return };
    let scripts = run_scripts(&files);
    if scripts.is_empty() {
        return;
    }
    let mut group = c.benchmark_group("shell");
    short(&mut group);
    group.throughput(Throughput::Bytes(total_bytes(&scripts)));
    group.bench_function(format!("parse_shell/run_bodies_{}", scripts.len()), |b| {
        b.iter(|| {
            for script in &scripts {
                black_box(dockward_shell::parse_shell(black_box(script)));
            }
        })
    });
    group.finish();
}

fn yaml(c: &mut Criterion) {
    let Some(files) = compose_files() else { return };
    if files.is_empty() {
        return;
    }
    let budget = dockward_yaml::Budget::default();
    let options = dockward_yaml::LoadOptions::default();
    let mut group = c.benchmark_group("yaml");
    short(&mut group);
    group.throughput(Throughput::Bytes(total_bytes(files.iter().map(|f| &f.text))));
    group.bench_function(format!("parse_yaml/compose_{}_files", files.len()), |b| {
        b.iter(|| {
            for file in &files {
                black_box(dockward_yaml::parse_yaml(black_box(&file.text), &budget));
            }
        })
    });
    // The whole Compose loader (reads each file and its `.env`/includes from the page
    // cache, interpolates, merges): what a scan of a Compose file costs before rules.
    group.bench_function(format!("load_compose_files/compose_{}_files", files.len()), |b| {
        b.iter(|| {
            for Source { path, .. } in &files {
                black_box(dockward_yaml::load_compose_files(std::slice::from_ref(path), &options));
            }
        })
    });
    group.finish();
}

fn docker_cli(c: &mut Criterion) {
    let mut group = c.benchmark_group("docker_cli");
    short(&mut group);
    let lines = docker_command_words();
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function(format!("parse_docker_cli/run_lines_{}", lines.len()), |b| {
        b.iter(|| {
            for words in &lines {
                black_box(dockward_shell::parse_docker_cli(black_box(words)));
            }
        })
    });
    // Every simple command of the corpus `RUN` bodies: nearly all are not docker commands,
    // so this measures how cheaply the parser says "not mine".
    if let Some(files) = dockerfiles() {
        let commands = command_words(&run_scripts(&files));
        if !commands.is_empty() {
            group.throughput(Throughput::Elements(commands.len() as u64));
            group.bench_function(format!("parse_docker_cli/corpus_commands_{}", commands.len()), |b| {
                b.iter(|| {
                    for words in &commands {
                        black_box(dockward_shell::parse_docker_cli(black_box(words)));
                    }
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, dockerfile, shell, yaml, docker_cli);
criterion_main!(benches);
