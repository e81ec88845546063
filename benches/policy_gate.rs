//! Production-gate decision latency: aigov's engine (typed input, findings, decision record)
//! against calling regorus directly on the same policy and input. Also prints p50/p99 on one
//! thread and decisions per second on two.

use std::time::{Duration, Instant};

use aigov::policy::{Gate, PolicyBundle, PolicyConfig, PolicyEngine};
use criterion::{Criterion, criterion_group, criterion_main};

fn direct_engine() -> regorus::Engine {
    let bundle = PolicyBundle::builtin();
    let mut engine = regorus::Engine::new();
    for (path, text) in &bundle.modules {
        engine
            .add_policy(path.clone(), text.clone())
            .expect("policy");
    }
    let data = PolicyConfig::default().to_data().to_string();
    engine
        .add_data(regorus::Value::from_json_str(&data).expect("data"))
        .expect("data");
    // Evaluate once before cloning, as any regorus user would, so clones start prepared.
    engine.set_input(regorus::Value::new_object());
    engine
        .eval_rule("data.aigov.gates.production.allow".into())
        .expect("warm-up");
    engine
}

fn direct_decision(prepared: &regorus::Engine, input: &regorus::Value) -> bool {
    let mut engine = prepared.clone();
    engine.set_input(input.clone());
    let deny = engine
        .eval_rule("data.aigov.gates.production.deny".into())
        .expect("deny");
    let allow = engine
        .eval_rule("data.aigov.gates.production.allow".into())
        .expect("allow");
    allow == regorus::Value::from(true) && deny != regorus::Value::Undefined
}

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    (
        samples[samples.len() / 2],
        samples[samples.len() * 99 / 100],
    )
}

fn gate(c: &mut Criterion) {
    let engine = PolicyEngine::builtin().expect("engine");
    let input = Gate::Production.example_input();
    let prepared = direct_engine();
    let rego_input = regorus::Value::from_json_str(&input.to_string()).expect("input");

    let mut group = c.benchmark_group("production_gate");
    group.bench_function("aigov_evaluate", |b| {
        b.iter(|| {
            assert!(
                engine
                    .evaluate(Gate::Production, &input)
                    .expect("decision")
                    .allow
            )
        })
    });
    group.bench_function("regorus_direct", |b| {
        b.iter(|| assert!(direct_decision(&prepared, &rego_input)))
    });
    group.finish();

    let mut ours = Vec::with_capacity(2000);
    let mut theirs = Vec::with_capacity(2000);
    for _ in 0..2000 {
        let t = Instant::now();
        engine.evaluate(Gate::Production, &input).expect("decision");
        ours.push(t.elapsed());
        let t = Instant::now();
        direct_decision(&prepared, &rego_input);
        theirs.push(t.elapsed());
    }
    let (p50, p99) = percentiles(ours);
    let (d50, d99) = percentiles(theirs);
    println!(
        "one thread: aigov p50 {p50:?} p99 {p99:?}; regorus p50 {d50:?} p99 {d99:?}; overhead at p50 {:.2}x",
        p50.as_secs_f64() / d50.as_secs_f64()
    );

    let engine = std::sync::Arc::new(engine);
    let start = Instant::now();
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let engine = engine.clone();
            let input = input.clone();
            std::thread::spawn(move || {
                for _ in 0..2000 {
                    engine.evaluate(Gate::Production, &input).expect("decision");
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("thread");
    }
    println!(
        "two threads: {:.0} decisions/s",
        4000.0 / start.elapsed().as_secs_f64()
    );
}

criterion_group!(benches, gate);
criterion_main!(benches);
