//! policy.yaml and incident playbooks: YAML from outside.
#![no_main]

use aigov_incident::Playbook;
use aigov_policy::PolicyConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = PolicyConfig::from_yaml(text);
    let _ = Playbook::from_yaml(text, "fuzz");
});
