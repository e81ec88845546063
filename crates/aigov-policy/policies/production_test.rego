package aigov.gates.production_test

import data.aigov.gates.production
import rego.v1

approval(role, actor) := {"verified": true, "expired": false, "decision": "approve", "stage": "production", "role": role, "actor": actor}

example := {
	"version": {"stage": "staging", "created_by": "ds@example.com", "trained_by": "trainer@example.com"},
	"approvals": [
		approval("security-approver", "sec@example.com"),
		approval("legal-approver", "legal@example.com"),
		approval("model-owner", "owner@example.com"),
	],
	"drift_baseline": true,
	"target_region": "eu-west-1",
}

codes(result) := {d.code | some d in result}

test_example_is_allowed if production.allow with input as example

test_empty_input_is_denied if {
	not production.allow with input as {}
	codes(production.deny) == {"missing_stage", "missing_creator", "missing_approval", "missing_drift_baseline", "missing_region"} with input as {}
}

test_each_missing_item_is_denied_with_its_code if {
	codes(production.deny) == {"missing_approval"} with input as json.remove(example, ["approvals/0"])
	count(production.deny) == 1 with input as json.remove(example, ["approvals/2"])
	codes(production.deny) == {"missing_drift_baseline"} with input as json.remove(example, ["drift_baseline"])
	codes(production.deny) == {"missing_region"} with input as json.remove(example, ["target_region"])
	codes(production.deny) == {"region_not_allowed"} with input as json.patch(example, [{"op": "replace", "path": "/target_region", "value": "us-east-1"}])
	codes(production.deny) == {"not_staged"} with input as json.patch(example, [{"op": "replace", "path": "/version/stage", "value": "validated"}])
	codes(production.deny) == {"missing_creator"} with input as json.remove(example, ["version/created_by"])
}

test_self_approval_is_denied_and_does_not_count if {
	self := json.patch(example, [{"op": "replace", "path": "/approvals/2/actor", "value": "trainer@example.com"}])
	codes(production.deny) == {"missing_approval", "self_approval"} with input as self
}

test_expired_approval_does_not_count if {
	codes(production.deny) == {"missing_approval"} with input as json.patch(example, [{"op": "replace", "path": "/approvals/1/expired", "value": true}])
}

test_one_person_cannot_be_three_approvers if {
	one := json.patch(example, [
		{"op": "replace", "path": "/approvals/1/actor", "value": "sec@example.com"},
		{"op": "replace", "path": "/approvals/2/actor", "value": "sec@example.com"},
	])
	codes(production.deny) == {"same_approver"} with input as one
	two := json.patch(example, [{"op": "replace", "path": "/approvals/2/actor", "value": "legal@example.com"}])
	codes(production.deny) == {"same_approver"} with input as two
}

test_extra_approvals_do_not_hide_a_shared_pair if {
	# sec approves as security and legal; two others approve as owner. Three people, yet
	# security and legal have only one between them.
	shared := json.patch(example, [
		{"op": "replace", "path": "/approvals/1/actor", "value": "sec@example.com"},
		{"op": "add", "path": "/approvals/-", "value": approval("model-owner", "owner2@example.com")},
	])
	codes(production.deny) == {"same_approver"} with input as shared
}

test_distinct_people_may_hold_several_roles if {
	# sec also approves as legal, but lee approves as legal too: three people, three roles.
	enough := json.patch(example, [
		{"op": "add", "path": "/approvals/-", "value": approval("legal-approver", "sec@example.com")},
	])
	production.allow with input as enough
}
