//! Bounded evaluation: a hostile or careless bundle ends in a denial with a reason, never in
//! an abort, a stack overflow or unbounded time.
//!
//! regorus 0.14.1 has a cooperative time limit per evaluation, detects rule cycles but not
//! function recursion (which overflows the stack), and `numbers.range` reserves its whole
//! result before checking anything (`numbers.range(1, 1e17)` aborts the process). So: every
//! engine gets the time limit, the two range builtins are replaced by bounded ones, bundles
//! with recursive functions are refused when loaded, and evaluations run under
//! `catch_unwind` with their elapsed time checked afterwards (one builtin call is not
//! interrupted by the timer).

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

/// Limits on one policy evaluation, from `policy.yaml` (`limits:`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EvalLimits {
    /// Wall-clock budget of one evaluation, in milliseconds (1 to 60,000; default 1,000).
    pub time_ms: u64,
    /// Largest array `numbers.range` and `numbers.range_step` may build (65,536 to
    /// 100,000,000; default 1,000,000): the production gate builds 2^16 for 16 roles.
    pub max_range_elements: u64,
}

impl Default for EvalLimits {
    fn default() -> Self {
        EvalLimits {
            time_ms: 1_000,
            max_range_elements: 1_000_000,
        }
    }
}

impl EvalLimits {
    /// Why these limits are out of bounds, if they are (limits can be tightened, never
    /// switched off).
    pub fn problem(&self) -> Option<String> {
        if !(1..=60_000).contains(&self.time_ms) {
            return Some(format!(
                "limits.time_ms {} is outside 1..=60000",
                self.time_ms
            ));
        }
        if !(65_536..=100_000_000).contains(&self.max_range_elements) {
            return Some(format!(
                "limits.max_range_elements {} is outside 65536..=100000000",
                self.max_range_elements
            ));
        }
        None
    }

    /// The time budget.
    pub fn budget(&self) -> Duration {
        Duration::from_millis(self.time_ms)
    }
}

/// Sets the time limit on `engine` and replaces the range builtins with bounded ones.
pub(crate) fn bound(engine: &mut regorus::Engine, limits: &EvalLimits) -> anyhow::Result<()> {
    engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
        limit: limits.budget(),
        check_interval: NonZeroU32::MIN.saturating_add(31),
    });
    let max = i64::try_from(limits.max_range_elements).unwrap_or(i64::MAX);
    engine.add_extension(
        "numbers.range".into(),
        2,
        Box::new(move |args: Vec<regorus::Value>| {
            let (from, to) = (integer(&args, 0)?, integer(&args, 1)?);
            let step = if to >= from { 1 } else { -1 };
            range(from, to, step, max, "numbers.range")
        }),
    )?;
    engine.add_extension(
        "numbers.range_step".into(),
        3,
        Box::new(move |args: Vec<regorus::Value>| {
            let (from, to, step) = (integer(&args, 0)?, integer(&args, 1)?, integer(&args, 2)?);
            anyhow::ensure!(step > 0, "numbers.range_step: step must be positive");
            let step = if to >= from { step } else { -step };
            range(from, to, step, max, "numbers.range_step")
        }),
    )?;
    Ok(())
}

fn integer(args: &[regorus::Value], i: usize) -> anyhow::Result<i64> {
    args.get(i)
        .ok_or_else(|| anyhow::anyhow!("missing argument {i}"))?
        .as_i64()
}

/// The inclusive range from `from` towards `to` in steps of `step`, refused past `max`
/// elements before anything is allocated.
fn range(from: i64, to: i64, step: i64, max: i64, name: &str) -> anyhow::Result<regorus::Value> {
    let span = i128::from(to) - i128::from(from);
    let count = span / i128::from(step) + 1;
    anyhow::ensure!(
        count <= i128::from(max),
        "{name}: {count} elements is more than the limit of {max} (policy.yaml limits.max_range_elements)"
    );
    let count = usize::try_from(count).unwrap_or(0);
    let mut out = Vec::with_capacity(count);
    let mut x = i128::from(from);
    for _ in 0..count {
        out.push(regorus::Value::from(x as i64));
        x += i128::from(step);
    }
    Ok(regorus::Value::from(out))
}

/// Refuses modules whose user-defined functions can call themselves, directly or through
/// others (regorus would overflow the stack at run time; OPA refuses them too). Functions are
/// keyed by the last component of their name, so same-named functions in different packages
/// count as one: a false alarm is possible, a missed cycle is not.
pub(crate) fn refuse_recursive_functions(engine: &regorus::Engine) -> Result<(), String> {
    let ast = engine.get_ast_as_json().map_err(|e| e.to_string())?;
    let files: Json = serde_json::from_str(&ast).map_err(|e| e.to_string())?;
    let mut calls: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files.as_array().into_iter().flatten() {
        for rule in file
            .pointer("/ast/rules")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let Some(spec) = rule.get("Spec") else {
                continue;
            };
            let Some(head) = spec.pointer("/head/Func") else {
                continue;
            };
            let Some(name) = head.get("refr").and_then(last_name) else {
                continue;
            };
            let callees = calls.entry(name).or_default();
            called_in(head, callees);
            if let Some(bodies) = spec.get("bodies") {
                called_in(bodies, callees);
            }
        }
    }
    match find_cycle(&calls) {
        Some(cycle) => Err(format!("recursive function call: {}", cycle.join(" -> "))),
        None => Ok(()),
    }
}

/// The last component of a reference (`f`, `lib.f`, `data.x.f`, `x["f"]`).
fn last_name(e: &Json) -> Option<String> {
    if let Some(var) = e.get("Var") {
        return var.get("value")?.as_str().map(str::to_string);
    }
    if let Some(dot) = e.get("RefDot") {
        return dot.get("field")?.get(1)?.as_str().map(str::to_string);
    }
    if let Some(brack) = e.get("RefBrack") {
        return brack
            .get("index")?
            .get("String")?
            .get("value")?
            .as_str()
            .map(str::to_string);
    }
    None
}

/// Every function called, or substituted by `with ... as f`, anywhere under `node`.
fn called_in(node: &Json, out: &mut BTreeSet<String>) {
    match node {
        Json::Object(map) => {
            if let Some(name) = map
                .get("Call")
                .and_then(|c| c.get("fcn"))
                .and_then(last_name)
            {
                out.insert(name);
            }
            if let Some(Json::Array(mods)) = map.get("with_mods") {
                out.extend(mods.iter().filter_map(|w| w.get("as").and_then(last_name)));
            }
            map.values().for_each(|v| called_in(v, out));
        }
        Json::Array(items) => items.iter().for_each(|v| called_in(v, out)),
        _ => {}
    }
}

/// A cycle in the call graph, as the functions along it (iterative depth-first search).
fn find_cycle(calls: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(PartialEq)]
    enum Mark {
        OnPath,
        Done,
    }
    let mut marks: BTreeMap<&str, Mark> = BTreeMap::new();
    for start in calls.keys() {
        if marks.contains_key(start.as_str()) {
            continue;
        }
        marks.insert(start, Mark::OnPath);
        let mut path: Vec<(&str, Vec<&str>)> =
            vec![(start, calls[start].iter().map(String::as_str).collect())];
        while let Some((node, pending)) = path.last_mut() {
            let node = *node;
            match pending.pop() {
                None => {
                    marks.insert(node, Mark::Done);
                    path.pop();
                }
                Some(next) if !calls.contains_key(next) => {}
                Some(next) => match marks.get(next) {
                    Some(Mark::OnPath) => {
                        let mut cycle: Vec<String> = path
                            .iter()
                            .map(|(n, _)| n.to_string())
                            .skip_while(|n| n != next)
                            .collect();
                        cycle.push(next.to_string());
                        return Some(cycle);
                    }
                    Some(Mark::Done) => {}
                    None => {
                        marks.insert(next, Mark::OnPath);
                        path.push((next, calls[next].iter().map(String::as_str).collect()));
                    }
                },
            }
        }
    }
    None
}

/// Runs one evaluation within `limits`: a panic inside the engine, an error from one of its
/// limits or a run past the budget (a builtin call the timer could not interrupt) is an
/// `Err` whose first element is the finding code (`policy_limit` or `policy_error`).
pub(crate) fn evaluate_within<T>(
    limits: &EvalLimits,
    eval: impl FnOnce() -> Result<T, String>,
) -> Result<T, (&'static str, String)> {
    let started = Instant::now();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(eval));
    let elapsed = started.elapsed();
    match outcome {
        Err(_) => Err(("policy_error", "the policy engine panicked".to_string())),
        Ok(Err(e))
            if e.contains("exceeded time limit")
                || e.contains("elements is more than the limit") =>
        {
            Err(("policy_limit", e))
        }
        Ok(Err(e)) => Err(("policy_error", e)),
        Ok(Ok(_)) if elapsed > limits.budget() => Err((
            "policy_limit",
            format!(
                "the evaluation took {} ms, over its budget of {} ms (policy.yaml limits.time_ms)",
                elapsed.as_millis(),
                limits.time_ms
            ),
        )),
        Ok(Ok(value)) => Ok(value),
    }
}
