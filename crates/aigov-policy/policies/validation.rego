# Validation gate: performance, fairness and robustness evidence meet the thresholds.
package aigov.gates.validation

import data.aigov.lib
import rego.v1

config := data.aigov.config

default allow := false

allow if count(deny) == 0

deny contains {"code": "missing_performance", "msg": "no performance evidence"} if {
	not lib.number(input.performance.roc_auc)
}

deny contains {"code": "roc_auc_below_minimum", "msg": msg} if {
	input.performance.roc_auc < config.thresholds.min_roc_auc
	msg := sprintf("ROC AUC %v is below %v", [input.performance.roc_auc, config.thresholds.min_roc_auc])
}

deny contains {"code": "missing_fpr_at_budget", "msg": "no false-positive rate at the alert budget"} if {
	not lib.number(input.performance.fpr_at_budget)
}

deny contains {"code": "fpr_above_maximum", "msg": msg} if {
	input.performance.fpr_at_budget > config.thresholds.max_fpr_at_budget
	msg := sprintf("false-positive rate %v at the alert budget exceeds %v", [input.performance.fpr_at_budget, config.thresholds.max_fpr_at_budget])
}

deny contains {"code": "missing_fairness", "msg": "no fairness evidence"} if {
	not lib.non_empty(input.fairness.verdict)
}

deny contains {"code": "fairness_failed", "msg": "the fairness audit failed"} if {
	input.fairness.verdict == "fail"
}

deny contains {"code": "fpr_parity_below_minimum", "msg": msg} if {
	input.fairness.fpr_parity_ratio < config.thresholds.min_fpr_parity_ratio
	msg := sprintf("false-positive-rate parity ratio %v is below %v", [input.fairness.fpr_parity_ratio, config.thresholds.min_fpr_parity_ratio])
}

deny contains {"code": "missing_fpr_parity", "msg": "the fairness evidence has no false-positive-rate parity ratio"} if {
	lib.non_empty(input.fairness.verdict)
	not lib.number(input.fairness.fpr_parity_ratio)
}

warn contains {"code": "fairness_insufficient_evidence", "msg": "some groups are too small to judge"} if {
	input.fairness.verdict == "insufficient-evidence"
}

deny contains {"code": "missing_robustness", "msg": "no robustness evidence"} if {
	not lib.number(input.robustness.evasion_rate)
}

deny contains {"code": "evasion_rate_above_maximum", "msg": msg} if {
	input.robustness.evasion_rate > config.thresholds.max_evasion_rate
	msg := sprintf("evasion rate %v exceeds %v", [input.robustness.evasion_rate, config.thresholds.max_evasion_rate])
}
