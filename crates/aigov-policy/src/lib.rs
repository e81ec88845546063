//! Policy as code for aigov: governance gates written in Rego and run by regorus over typed,
//! verified input, configured by `policy.yaml`, each decision recorded with OPA's
//! decision-log fields and the bundle's digest.
//!
//! ```
//! use aigov_policy::{Gate, PolicyEngine};
//!
//! let engine = PolicyEngine::builtin().unwrap();
//! let decision = engine.evaluate(Gate::Production, &Gate::Production.example_input()).unwrap();
//! assert!(decision.allow);
//! let empty = engine.evaluate_unchecked(Gate::Production, &serde_json::json!({}));
//! assert!(!empty.allow, "empty input is denied");
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod bundle;
mod config;
mod engine;
mod error;
mod gate;
mod input;
mod limits;
pub mod pii;
mod testing;

pub use bundle::PolicyBundle;
pub use config::{EXAMPLE_POLICY_YAML, PolicyConfig, RequiredRoles, Thresholds};
pub use engine::{
    BundleRevision, DecisionRecord, Finding, GateDecision, PolicyEngine, policy_digest,
};
pub use error::PolicyError;
pub use gate::Gate;
pub use input::{
    ApprovalFact, ApprovedVersionFact, AuthzInput, DatasetFact, DeploymentInput, FairnessFact,
    LineageFact, ModelFact, ModelNameFact, PerformanceFact, ProductionInput, RegisteredVersionFact,
    RegistrationInput, RobustnessFact, StagingInput, ValidationInput, VersionFact,
};
pub use limits::EvalLimits;
pub use testing::{RegoTestResult, run_rego_tests};
