package aigov.gates.validation_test

import data.aigov.gates.validation
import rego.v1

example := {
	"model": {"name": "login-risk"},
	"performance": {"roc_auc": 0.91, "fpr_at_budget": 0.02},
	"fairness": {"verdict": "pass", "fpr_parity_ratio": 0.9},
	"robustness": {"evasion_rate": 0.05},
}

codes(result) := {d.code | some d in result}

with_value(path, value) := json.patch(example, [{"op": "replace", "path": path, "value": value}])

test_example_is_allowed if validation.allow with input as example

test_empty_input_is_denied if {
	not validation.allow with input as {}
	codes(validation.deny) == {"missing_performance", "missing_fpr_at_budget", "missing_fairness", "missing_robustness"} with input as {}
}

test_each_missing_item_is_denied_with_its_code if {
	codes(validation.deny) == {"missing_performance"} with input as json.remove(example, ["performance/roc_auc"])
	codes(validation.deny) == {"missing_fpr_at_budget"} with input as json.remove(example, ["performance/fpr_at_budget"])
	codes(validation.deny) == {"missing_fairness"} with input as json.remove(example, ["fairness"])
	codes(validation.deny) == {"missing_fpr_parity"} with input as json.remove(example, ["fairness/fpr_parity_ratio"])
	codes(validation.deny) == {"missing_robustness"} with input as json.remove(example, ["robustness"])
}

test_thresholds_at_and_beyond_the_boundary if {
	validation.allow with input as with_value("/performance/roc_auc", 0.85)
	codes(validation.deny) == {"roc_auc_below_minimum"} with input as with_value("/performance/roc_auc", 0.8499)
	validation.allow with input as with_value("/performance/fpr_at_budget", 0.05)
	codes(validation.deny) == {"fpr_above_maximum"} with input as with_value("/performance/fpr_at_budget", 0.0501)
	validation.allow with input as with_value("/fairness/fpr_parity_ratio", 0.8)
	codes(validation.deny) == {"fpr_parity_below_minimum"} with input as with_value("/fairness/fpr_parity_ratio", 0.7999)
	validation.allow with input as with_value("/robustness/evasion_rate", 0.2)
	codes(validation.deny) == {"evasion_rate_above_maximum"} with input as with_value("/robustness/evasion_rate", 0.2001)
}

test_failed_fairness_denies_and_insufficient_evidence_warns if {
	codes(validation.deny) == {"fairness_failed"} with input as with_value("/fairness/verdict", "fail")
	validation.allow with input as with_value("/fairness/verdict", "insufficient-evidence")
	codes(validation.warn) == {"fairness_insufficient_evidence"} with input as with_value("/fairness/verdict", "insufficient-evidence")
}
