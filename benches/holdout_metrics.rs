//! Every hold-out metric (ROC AUC, average precision, thresholded metrics, log loss, Brier,
//! FPR at a target TPR, detection within an alert budget) on 1,000,000 scored rows, the
//! computation benches/peers/compare_validation.sh times in scikit-learn. Run:
//! `cargo bench --bench holdout_metrics`.

use aigov::validation::{HoldoutOptions, holdout_metrics};
use criterion::{Criterion, criterion_group, criterion_main};

/// About 5% malicious, scores rounded to 4 decimals so there are many ties, like the peer's
/// data (benches/peers/validation_data.py).
fn scored_rows(n: usize) -> (Vec<bool>, Vec<f64>) {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| {
            let malicious = next() < 0.05;
            let centre = if malicious { 0.7 } else { 0.25 };
            let s = (centre + 0.35 * (next() - 0.5) + 0.35 * (next() - 0.5)).clamp(0.0, 1.0);
            (malicious, (s * 1e4).round() / 1e4)
        })
        .unzip()
}

fn holdout(c: &mut Criterion) {
    let (y, scores) = scored_rows(1_000_000);
    let options = HoldoutOptions {
        threshold: 0.5,
        target_tpr: 0.9,
        budget: 1000,
    };
    c.bench_function("holdout_metrics_1m", |b| {
        b.iter(|| holdout_metrics(&y, &scores, None, &options).expect("metrics"))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = holdout
}
criterion_main!(benches);
