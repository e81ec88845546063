package aigov.gates.deployment_test

import data.aigov.gates.deployment
import rego.v1

example := {
	"loading_digest": "sha256:aa",
	"approved_versions": [{"name": "login-risk", "version": 3, "root": "sha256:aa"}],
}

codes(result) := {d.code | some d in result}

test_example_is_allowed if deployment.allow with input as example

test_empty_input_is_denied if {
	not deployment.allow with input as {}
	codes(deployment.deny) == {"missing_digest"} with input as {}
}

test_unapproved_digest_is_denied if {
	codes(deployment.deny) == {"digest_not_approved"} with input as json.patch(example, [{"op": "replace", "path": "/loading_digest", "value": "sha256:bb"}])
	codes(deployment.deny) == {"digest_not_approved"} with input as json.remove(example, ["approved_versions"])
	codes(deployment.deny) == {"missing_digest"} with input as json.remove(example, ["loading_digest"])
}
