package aigov.gates.registration_test

import data.aigov.gates.registration
import rego.v1

example := {
	"model": {"name": "login-risk", "owner": "owner@example.com", "risk_class": "high"},
	"version": {"root": "sha256:00", "created_by": "ds@example.com"},
	"lineage": {
		"datasets": [{"name": "logins", "digest": "sha256:11"}],
		"code_commit": "0123abc",
		"sbom": "sha256:22",
	},
}

codes(result) := {d.code | some d in result}

test_example_is_allowed if registration.allow with input as example

test_empty_input_is_denied if {
	not registration.allow with input as {}
	codes(registration.deny) == {"missing_name", "missing_owner", "missing_dataset", "missing_commit", "missing_sbom"} with input as {}
}

test_each_missing_item_is_denied_with_its_code if {
	codes(registration.deny) == {"missing_name"} with input as json.remove(example, ["model/name"])
	codes(registration.deny) == {"missing_owner"} with input as json.remove(example, ["model/owner"])
	codes(registration.deny) == {"missing_commit"} with input as json.remove(example, ["lineage/code_commit"])
	codes(registration.deny) == {"missing_sbom"} with input as json.remove(example, ["lineage/sbom"])
	codes(registration.deny) == {"missing_dataset"} with input as json.patch(example, [{"op": "replace", "path": "/lineage/datasets", "value": []}])
	codes(registration.deny) == {"dataset_without_digest"} with input as json.patch(example, [{"op": "replace", "path": "/lineage/datasets/0/digest", "value": ""}])
	codes(registration.deny) == {"missing_sbom"} with input as json.patch(example, [{"op": "replace", "path": "/lineage/sbom", "value": null}])
}

test_high_risk_is_warned if count(registration.warn) == 1 with input as example
