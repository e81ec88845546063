package aigov.gates.authz_test

import data.aigov.gates.authz
import rego.v1

example := {"actor": "ds@example.com", "roles": ["data-scientist"], "action": "register"}

codes(result) := {d.code | some d in result}

test_example_is_allowed if authz.allow with input as example

test_empty_input_is_denied if {
	not authz.allow with input as {}
	codes(authz.deny) == {"missing_actor", "missing_action"} with input as {}
}

test_each_missing_item_is_denied_with_its_code if {
	codes(authz.deny) == {"missing_actor"} with input as json.remove(example, ["actor"])
	codes(authz.deny) == {"missing_action"} with input as json.remove(example, ["action"])
	codes(authz.deny) == {"not_permitted"} with input as json.remove(example, ["roles"])
	codes(authz.deny) == {"unknown_action"} with input as json.patch(example, [{"op": "replace", "path": "/action", "value": "launch-missiles"}])
}

test_roles_map_to_actions if {
	authz.allow with input as {"actor": "a", "roles": ["security-approver"], "action": "approve"}
	not authz.allow with input as {"actor": "a", "roles": ["data-scientist"], "action": "approve"}
	authz.allow with input as {"actor": "a", "roles": ["incident-responder"], "action": "open-incident"}
	not authz.allow with input as {"actor": "a", "roles": ["auditor"], "action": "deploy"}
}
