//! Model hashing throughput against `sha256sum` on the same files.
//!
//! Two cases from the workspace issue: one 1 GiB file (goal: at least 0.9x sha256sum's
//! throughput) and a directory of eight 128 MiB files (goal: at least 1.6x faster than
//! sha256sum over the files one after another). Sizes shrink with `AIGOV_BENCH_MIB=<n>`
//! (the single file's size; each directory file is n/8). `benches/compare_hashing.sh` runs
//! the CLI and sha256sum side by side and prints the ratios.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use aigov::core::ModelHasher;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const MIB: usize = 1 << 20;

fn bench_mib() -> usize {
    std::env::var("AIGOV_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1024)
}

/// Writes `mib` MiB of deterministic, incompressible-looking bytes.
fn write_file(path: &Path, mib: usize, seed: u64) {
    let mut f = File::create(path).expect("create bench file");
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut chunk = vec![0u8; MIB];
    for _ in 0..mib {
        for word in chunk.chunks_exact_mut(8) {
            // xorshift64: fast and good enough to defeat any compression in the page cache.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            word.copy_from_slice(&state.to_le_bytes());
        }
        f.write_all(&chunk).expect("write bench file");
    }
}

fn sha256sum(paths: &[PathBuf]) {
    let status = Command::new("sha256sum")
        .args(paths)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run sha256sum");
    assert!(status.success());
}

fn hashing(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mib = bench_mib();

    let single = dir.path().join("single.bin");
    write_file(&single, mib, 1);
    let mut group = c.benchmark_group(format!("one_file_{mib}MiB"));
    group.sample_size(10);
    group.throughput(Throughput::Bytes((mib * MIB) as u64));
    group.bench_function("aigov", |b| {
        b.iter(|| ModelHasher::new().hash(&single).expect("hash"))
    });
    group.bench_function("sha256sum", |b| {
        b.iter(|| sha256sum(std::slice::from_ref(&single)))
    });
    group.finish();
    std::fs::remove_file(&single).expect("remove");

    let model = dir.path().join("model");
    std::fs::create_dir(&model).expect("model dir");
    let each = (mib / 8).max(1);
    let files: Vec<PathBuf> = (0..8)
        .map(|i| {
            let p = model.join(format!("shard-{i}.bin"));
            write_file(&p, each, 100 + i as u64);
            p
        })
        .collect();
    let mut group = c.benchmark_group(format!("dir_8x{each}MiB"));
    group.sample_size(10);
    group.throughput(Throughput::Bytes((8 * each * MIB) as u64));
    group.bench_function("aigov", |b| {
        b.iter(|| ModelHasher::new().hash(&model).expect("hash"))
    });
    group.bench_function("sha256sum_sequential", |b| b.iter(|| sha256sum(&files)));
    group.finish();
}

criterion_group!(benches, hashing);
criterion_main!(benches);
