//! The rule pass over the shared Dockerfile corpus: `dockward_driver::check_dockerfile`
//! (parse, lower, every enabled rule, suppressions) per file, one thread, files already
//! in memory. Its stages are also measured apart (parse, parse + lower) so the rules'
//! own share is the difference. `cargo bench -p dockward_bench --bench rules`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use dockward_bench::{dockerfiles, total_bytes};
use dockward_core::{FileId, Settings};
use dockward_driver::check_dockerfile;
use std::hint::black_box;
use std::time::Duration;

fn rules(c: &mut Criterion) {
    let Some(files) = dockerfiles() else { return };
    if files.is_empty() {
        return;
    }
    let settings = Settings::default();
    let mut group = c.benchmark_group("rules");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    group.throughput(Throughput::Bytes(total_bytes(files.iter().map(|f| &f.text))));
    let n = files.len();
    group.bench_function(format!("parse/corpus_{n}_files"), |b| {
        b.iter(|| {
            for file in &files {
                black_box(dockward_dockerfile::parse(black_box(&file.text)));
            }
        })
    });
    group.bench_function(format!("parse_lower/corpus_{n}_files"), |b| {
        b.iter(|| {
            for (i, file) in files.iter().enumerate() {
                let parsed = dockward_dockerfile::parse(black_box(&file.text));
                black_box(dockward_model::build::lower_build(FileId(i as u32), &parsed, None));
            }
        })
    });
    group.bench_function(format!("check_dockerfile/corpus_{n}_files"), |b| {
        b.iter(|| {
            for (i, file) in files.iter().enumerate() {
                let _ = black_box(check_dockerfile(
                    FileId(i as u32),
                    &file.path,
                    black_box(&file.text),
                    &settings,
                    None,
                ));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, rules);
criterion_main!(benches);
