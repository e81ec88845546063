//! The prepared regorus engine: loaded once per bundle, cloned per decision, replaced only by
//! a bundle that loads cleanly.

use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};

use aigov_core::{Clock, Digest, SystemClock};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Gate, PolicyBundle, PolicyConfig, PolicyError};

/// One `deny` or `warn` finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Finding {
    /// A stable machine-readable code.
    pub code: String,
    /// What is wrong, for people.
    pub msg: String,
}

/// The bundle a decision was made with, under OPA's `bundles.{name}.revision`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleRevision {
    /// The bundle's revision.
    pub revision: String,
}

/// A decision record, with OPA decision-log field names plus `policy_digest`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    /// A fresh UUID.
    pub decision_id: String,
    /// The rule path decided, e.g. `aigov/gates/production`.
    pub path: String,
    /// The input, after masking.
    pub input: Value,
    /// `{allow, deny, warn}`.
    pub result: Value,
    /// The bundles in force.
    pub bundles: BTreeMap<String, BundleRevision>,
    /// When.
    pub timestamp: DateTime<Utc>,
    /// The digest of the policy in force: the bundle's digest and the configuration's
    /// together ([`policy_digest`]), so a changed `policy.yaml` shows in every record.
    pub policy_digest: Digest,
    /// JSON pointers removed from `input` by the policy's `mask` rule.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub erased: Vec<String>,
}

/// The outcome of one gate evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GateDecision {
    /// The gate.
    pub gate: Gate,
    /// True only when the policy said `allow` and produced no `deny`.
    pub allow: bool,
    /// Why not, sorted.
    pub deny: Vec<Finding>,
    /// Warnings, sorted.
    pub warn: Vec<Finding>,
    /// The decision record to audit.
    pub record: DecisionRecord,
}

struct Prepared {
    engine: regorus::Engine,
    source: PolicyBundle,
    config: PolicyConfig,
    limits: crate::EvalLimits,
    bundle: String,
    revision: String,
    digest: Digest,
}

/// The policy engine: thread-safe; every evaluation clones the prepared engine.
pub struct PolicyEngine {
    current: RwLock<Arc<Prepared>>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for PolicyEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = self.prepared();
        f.debug_struct("PolicyEngine")
            .field("bundle", &p.bundle)
            .field("revision", &p.revision)
            .field("digest", &p.digest)
            .finish()
    }
}

fn rego_error(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Converts JSON for regorus.
fn to_rego(value: &Value) -> Result<regorus::Value, PolicyError> {
    regorus::Value::from_json_str(&value.to_string())
        .map_err(|e| PolicyError::invalid("policy data", rego_error(e)))
}

fn from_rego(value: &regorus::Value) -> Result<Value, String> {
    let text = value.to_json_str().map_err(rego_error)?;
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// The digest of a policy: SHA-256 over the bundle's digest and the configuration's
/// canonical JSON (the value placed at `data.aigov.config`), so the same bundle under another
/// `policy.yaml` has another digest.
pub fn policy_digest(bundle: &PolicyBundle, config: &PolicyConfig) -> Digest {
    let mut writer = aigov_core::DigestWriter::new();
    writer.update(bundle.digest.as_bytes());
    writer.update(&serde_json::to_vec(&config.to_data()).unwrap_or_default());
    writer.finish()
}

/// Builds a regorus engine with every module of the bundle and its data.
pub(crate) fn prepare(
    bundle: &PolicyBundle,
    config: &PolicyConfig,
    with_tests: bool,
) -> Result<regorus::Engine, PolicyError> {
    let mut engine = regorus::Engine::new();
    crate::limits::bound(&mut engine, &config.limits).map_err(|e| PolicyError::Bundle {
        path: bundle.name.clone().into(),
        reason: rego_error(e),
    })?;
    let modules = bundle
        .modules
        .iter()
        .chain(bundle.tests.iter().filter(|_| with_tests));
    for (path, text) in modules {
        engine
            .add_policy(path.clone(), text.clone())
            .map_err(|e| PolicyError::Bundle {
                path: path.into(),
                reason: rego_error(e),
            })?;
    }
    crate::limits::refuse_recursive_functions(&engine).map_err(|reason| PolicyError::Bundle {
        path: bundle.name.clone().into(),
        reason,
    })?;
    engine
        .add_data(to_rego(&bundle.data)?)
        .map_err(|e| PolicyError::Bundle {
            path: "data.json".into(),
            reason: rego_error(e),
        })?;
    engine
        .add_data(to_rego(&config.to_data())?)
        .map_err(|e| PolicyError::Bundle {
            path: "policy.yaml".into(),
            reason: rego_error(e),
        })?;
    Ok(engine)
}

impl PolicyEngine {
    /// An engine over a bundle and configuration; fails if any module does not compile.
    pub fn new(bundle: &PolicyBundle, config: &PolicyConfig) -> Result<Self, PolicyError> {
        let prepared = Self::prepared_from(bundle, config)?;
        Ok(PolicyEngine {
            current: RwLock::new(Arc::new(prepared)),
            clock: Arc::new(SystemClock),
        })
    }

    /// The shipped default policies with the default configuration.
    pub fn builtin() -> Result<Self, PolicyError> {
        Self::new(&PolicyBundle::builtin(), &PolicyConfig::default())
    }

    /// Uses `clock` for decision timestamps.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    fn prepared_from(
        bundle: &PolicyBundle,
        config: &PolicyConfig,
    ) -> Result<Prepared, PolicyError> {
        let mut engine = prepare(bundle, config, false)?;
        // Evaluate once so that a bundle whose rules do not compile is refused now, not at
        // the first decision.
        engine.set_input(regorus::Value::new_object());
        for gate in Gate::ALL {
            crate::limits::evaluate_within(&config.limits, || {
                engine
                    .eval_rule(format!("data.aigov.gates.{gate}.allow"))
                    .map_err(rego_error)
            })
            .map_err(|(_, reason)| PolicyError::Bundle {
                path: bundle.name.clone().into(),
                reason: format!("gate {gate}: {reason}"),
            })?;
        }
        Ok(Prepared {
            engine,
            source: bundle.clone(),
            config: config.clone(),
            limits: config.limits.clone(),
            bundle: bundle.name.clone(),
            revision: bundle.revision.clone(),
            digest: policy_digest(bundle, config),
        })
    }

    /// Replaces the policies; on any error the previous ones stay in force.
    pub fn reload(&self, bundle: &PolicyBundle, config: &PolicyConfig) -> Result<(), PolicyError> {
        let prepared = Self::prepared_from(bundle, config)?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(prepared);
        Ok(())
    }

    /// The configuration in force.
    pub fn config(&self) -> PolicyConfig {
        self.prepared().config.clone()
    }

    /// Checks that `config` works with the bundle in force (its modules compile and every
    /// gate evaluates) without putting it in force; returns the digest the policy would have.
    pub fn check_config(&self, config: &PolicyConfig) -> Result<Digest, PolicyError> {
        let bundle = self.prepared().source.clone();
        Self::prepared_from(&bundle, config).map(|p| p.digest)
    }

    /// Puts `config` in force with the bundle already in force; on any error the previous
    /// configuration stays.
    pub fn reconfigure(&self, config: &PolicyConfig) -> Result<(), PolicyError> {
        let bundle = self.prepared().source.clone();
        self.reload(&bundle, config)
    }

    fn prepared(&self) -> Arc<Prepared> {
        Arc::clone(&self.current.read().unwrap_or_else(|p| p.into_inner()))
    }

    /// The digest of the policy in force: bundle and configuration ([`policy_digest`]).
    pub fn policy_digest(&self) -> Digest {
        self.prepared().digest
    }

    /// Checks `input` against the gate's typed input, then evaluates the gate.
    pub fn evaluate(&self, gate: Gate, input: &Value) -> Result<GateDecision, PolicyError> {
        let normalized = gate.check_input(input)?;
        Ok(self.evaluate_unchecked(gate, &normalized))
    }

    /// Evaluates the gate on any JSON. Every failure (an error, an undefined `allow`) denies.
    pub fn evaluate_unchecked(&self, gate: Gate, input: &Value) -> GateDecision {
        let prepared = self.prepared();
        let mut engine = prepared.engine.clone();
        let mut deny = Vec::new();
        let mut warn = Vec::new();
        let mut allow = false;
        let mut erased = Vec::new();
        match to_rego(input) {
            Err(e) => deny.push(Finding {
                code: "invalid_input".into(),
                msg: e.to_string(),
            }),
            Ok(value) => {
                engine.set_input(value);
                // One evaluation of the whole gate package yields allow, deny, warn and mask.
                let package = format!("data.aigov.gates.{gate}");
                let limits = &prepared.limits;
                match crate::limits::evaluate_within(limits, || eval_package(&mut engine, &package))
                {
                    Err((code, e)) => deny.push(Finding {
                        code: code.into(),
                        msg: e,
                    }),
                    Ok(result) => {
                        match findings(&result, "deny") {
                            Ok(found) => deny = found,
                            Err(e) => deny.push(Finding {
                                code: "policy_error".into(),
                                msg: e,
                            }),
                        }
                        if let Ok(found) = findings(&result, "warn") {
                            warn = found;
                        }
                        match result.get("allow") {
                            Some(Value::Bool(true)) => allow = true,
                            Some(Value::Bool(false)) => {}
                            other => deny.push(Finding {
                                code: "undefined_result".into(),
                                msg: format!(
                                    "allow is {}, not a boolean; undefined results deny",
                                    other.map_or("undefined".to_string(), Value::to_string)
                                ),
                            }),
                        }
                        if let Some(Value::Array(items)) = result.get("mask") {
                            erased = items
                                .iter()
                                .filter_map(|p| p.as_str().map(str::to_string))
                                .collect();
                        }
                    }
                }
            }
        }
        deny.sort();
        deny.dedup();
        warn.sort();
        warn.dedup();
        let allow = allow && deny.is_empty();
        let mut masked = serde_json::json!({ "input": input });
        erased.retain(|pointer| {
            pointer.starts_with("/input/") && remove_pointer(&mut masked, pointer)
        });
        let record = DecisionRecord {
            decision_id: uuid::Uuid::new_v4().to_string(),
            path: format!("aigov/gates/{gate}"),
            input: masked["input"].take(),
            result: serde_json::json!({ "allow": allow, "deny": deny, "warn": warn }),
            bundles: BTreeMap::from([(
                prepared.bundle.clone(),
                BundleRevision {
                    revision: prepared.revision.clone(),
                },
            )]),
            timestamp: self.clock.now(),
            policy_digest: prepared.digest,
            erased,
        };
        GateDecision {
            gate,
            allow,
            deny,
            warn,
            record,
        }
    }
}

/// Evaluates a whole gate package to a JSON object of its rules.
fn eval_package(
    engine: &mut regorus::Engine,
    package: &str,
) -> Result<serde_json::Map<String, Value>, String> {
    let results = engine
        .eval_query(package.to_string(), false)
        .map_err(rego_error)?;
    let value = results
        .result
        .first()
        .and_then(|r| r.expressions.first())
        .map(|e| &e.value)
        .ok_or_else(|| format!("{package} is undefined"))?;
    match from_rego(value)? {
        Value::Object(map) => Ok(map),
        other => Err(format!("{package} is {other}, not a package of rules")),
    }
}

/// Reads a `deny`/`warn` set of `{code, msg}` objects; an undefined set is empty.
fn findings(result: &serde_json::Map<String, Value>, rule: &str) -> Result<Vec<Finding>, String> {
    let items = match result.get(rule) {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(format!("{rule} is {other}, not a set")),
    };
    items
        .iter()
        .map(|item| {
            serde_json::from_value::<Finding>(item.clone())
                .map_err(|_| format!("{rule} holds {item}, not {{code, msg}}"))
        })
        .collect()
}

/// Removes the value at a JSON pointer; true if something was removed.
fn remove_pointer(root: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = pointer.rsplit_once('/') else {
        return false;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match root.pointer_mut(parent) {
        Some(Value::Object(map)) => map.remove(&key).is_some(),
        Some(Value::Array(items)) => match key.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}
