# Staging gate: validated, with a verified validator approval.
package aigov.gates.staging

import data.aigov.lib
import rego.v1

config := data.aigov.config

default allow := false

allow if count(deny) == 0

# Missing fields must not make this set undefined: an undefined set would let a creator's
# own approval through.
creators := {c |
	some k in ["created_by", "trained_by"]
	c := object.get(object.get(input, "version", {}), k, null)
	lib.non_empty(c)
}

deny contains {"code": "not_validated", "msg": sprintf("the version is %v, not validated", [input.version.stage])} if {
	input.version.stage != "validated"
}

deny contains {"code": "missing_stage", "msg": "the version's stage is unknown"} if not lib.non_empty(input.version.stage)

deny contains {"code": "missing_approval", "msg": sprintf("no verified %v approval", [role])} if {
	some role in config.required_roles.staging
	not lib.approved_by(object.get(input, "approvals", []), "staging", role, creators)
}
