//! Gate input JSON: checked against each gate's typed input, then evaluated by the policies.
#![no_main]

use std::sync::LazyLock;

use aigov_policy::{Gate, PolicyEngine};
use libfuzzer_sys::fuzz_target;

static ENGINE: LazyLock<PolicyEngine> =
    LazyLock::new(|| PolicyEngine::builtin().expect("builtin policies"));

fuzz_target!(|data: &[u8]| {
    let Ok(input) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for gate in Gate::ALL {
        if let Ok(decision) = ENGINE.evaluate(gate, &input) {
            // Fail closed: a decision that allows never carries a deny finding.
            assert!(!decision.allow || decision.deny.is_empty());
        }
    }
});
