//! Scoring current data against a saved reference profile: the time should grow linearly
//! with the current rows (the reference rows are not needed). Prints the time per current row
//! at 10,000, 100,000 and 1,000,000 rows and the ratios between sizes.

use std::collections::BTreeMap;
use std::time::Instant;

use aigov::drift::{
    DriftOptions, ProfileOptions, ReferenceProfile, Table, compare_profile, profile_types,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Deterministic CSV with four numeric columns and one categorical column.
fn csv(rows: usize, shift: f64, seed: u64) -> String {
    let mut out = String::with_capacity(rows * 48);
    out.push_str("a,b,c,d,kind\n");
    let mut x = seed.wrapping_mul(6364136223846793005) | 1;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x >> 11) as f64 / (1u64 << 53) as f64
    };
    for i in 0..rows {
        let kind = ["login", "dns", "proxy", "vpn"][i % 4];
        out.push_str(&format!(
            "{:.6},{:.6},{},{:.4},{kind}\n",
            next() * 10.0 + shift,
            (next() + next() + next()) * 3.0,
            (next() * 50.0) as u32,
            next().powi(3) * 1e3,
        ));
    }
    out
}

fn table(text: &str, profile: &ReferenceProfile) -> Table {
    Table::from_reader(text.as_bytes(), &profile_types(profile), "bench").expect("csv")
}

fn scoring(c: &mut Criterion) {
    let reference = Table::from_reader(csv(200_000, 0.0, 1).as_bytes(), &BTreeMap::new(), "ref")
        .expect("reference");
    let profile = ReferenceProfile::fit(&reference, &ProfileOptions::default());
    let options = DriftOptions::default();
    let sizes = [10_000usize, 100_000, 1_000_000];
    let mut per_row = Vec::new();
    let mut group = c.benchmark_group("drift_score_against_profile");
    group.sample_size(10);
    for &rows in &sizes {
        let text = csv(rows, 0.2, rows as u64);
        let current = table(&text, &profile);
        group.bench_with_input(BenchmarkId::from_parameter(rows), &current, |b, current| {
            b.iter(|| compare_profile(&profile, current.clone(), None, &options).expect("report"))
        });
        // A direct measurement for the printed ratio (median of 5).
        let mut runs: Vec<f64> = (0..5)
            .map(|_| {
                let input = current.clone();
                let start = Instant::now();
                compare_profile(&profile, input, None, &options).expect("report");
                start.elapsed().as_secs_f64()
            })
            .collect();
        runs.sort_by(f64::total_cmp);
        per_row.push(runs[2] / rows as f64);
    }
    group.finish();
    for (rows, t) in sizes.iter().zip(&per_row) {
        println!("scoring {rows:>9} rows: {:.1} ns per current row", t * 1e9);
    }
    println!(
        "time per row, 100k / 10k: {:.2}; 1M / 100k: {:.2} (1.0 = linear)",
        per_row[1] / per_row[0],
        per_row[2] / per_row[1]
    );
}

criterion_group!(benches, scoring);
criterion_main!(benches);
