package aigov.gates.staging_test

import data.aigov.gates.staging
import rego.v1

approval := {"verified": true, "expired": false, "decision": "approve", "stage": "staging", "role": "validator", "actor": "val@example.com"}

example := {
	"version": {"stage": "validated", "created_by": "ds@example.com", "trained_by": null},
	"approvals": [approval],
}

codes(result) := {d.code | some d in result}

test_example_is_allowed if staging.allow with input as example

test_empty_input_is_denied if {
	not staging.allow with input as {}
	codes(staging.deny) == {"missing_stage", "missing_approval"} with input as {}
}

test_each_missing_item_is_denied_with_its_code if {
	codes(staging.deny) == {"missing_approval"} with input as json.remove(example, ["approvals"])
	codes(staging.deny) == {"missing_stage"} with input as json.remove(example, ["version/stage"])
	codes(staging.deny) == {"not_validated"} with input as json.patch(example, [{"op": "replace", "path": "/version/stage", "value": "registered"}])
}

test_unverified_expired_wrong_stage_and_self_approvals_do_not_count if {
	codes(staging.deny) == {"missing_approval"} with input as json.patch(example, [{"op": "replace", "path": "/approvals/0/verified", "value": false}])
	codes(staging.deny) == {"missing_approval"} with input as json.patch(example, [{"op": "replace", "path": "/approvals/0/expired", "value": true}])
	codes(staging.deny) == {"missing_approval"} with input as json.patch(example, [{"op": "replace", "path": "/approvals/0/stage", "value": "production"}])
	codes(staging.deny) == {"missing_approval"} with input as json.patch(example, [{"op": "replace", "path": "/approvals/0/decision", "value": "reject"}])
	codes(staging.deny) == {"missing_approval"} with input as json.patch(example, [{"op": "replace", "path": "/approvals/0/actor", "value": "ds@example.com"}])
}
