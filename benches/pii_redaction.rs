//! Redaction throughput on a CSV of security logs (200 MB by default; `AIGOV_BENCH_MIB`
//! changes the size). Criterion reports MB/s.

use std::fmt::Write as _;

use aigov::policy::pii::{Redactor, Replacement};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn dataset(mib: usize) -> String {
    let mut csv = String::from("time,user,src_ip,event,detail\n");
    let mut i = 0u64;
    while csv.len() < mib << 20 {
        i += 1;
        let _ = writeln!(
            csv,
            "2026-11-26T10:{:02}:{:02}Z,user{}@example.com,10.{}.{}.{},login,\"ok from device {} build 4.18.0.553, session {:016x}\"",
            i % 60,
            (i / 60) % 60,
            i % 5000,
            i % 256,
            (i / 256) % 256,
            i % 250 + 1,
            i % 97,
            i.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        );
        if i.is_multiple_of(10) {
            let _ = writeln!(
                csv,
                "2026-11-26T11:00:00Z,svc,2001:db8::{:x},payment,\"card 4111 1111 1111 1111 iban DE89 3704 0044 0532 0130 00 phone +44 20 7946 0958\"",
                i % 65535
            );
        }
    }
    csv
}

fn redaction(c: &mut Criterion) {
    let mib = std::env::var("AIGOV_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let data = dataset(mib);
    let redactor = Redactor::new(Replacement::Placeholder);
    let mut group = c.benchmark_group("pii_redaction");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function(format!("csv_{mib}MiB"), |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(data.len());
            redactor
                .redact_csv(data.as_bytes(), &mut out, None)
                .expect("redact")
        })
    });
    group.finish();
}

criterion_group!(benches, redaction);
criterion_main!(benches);
