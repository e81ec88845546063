# Authorization: which roles may perform which governance action.
package aigov.gates.authz

import data.aigov.lib
import rego.v1

config := data.aigov.config

default allow := false

allow if count(deny) == 0

deny contains {"code": "missing_actor", "msg": "no actor"} if not lib.non_empty(input.actor)

deny contains {"code": "unknown_action", "msg": sprintf("%v is not a governance action", [input.action])} if {
	lib.non_empty(input.action)
	not config.permissions[input.action]
}

deny contains {"code": "missing_action", "msg": "no action"} if not lib.non_empty(input.action)

deny contains {"code": "not_permitted", "msg": sprintf("%v may not %v; roles that may: %v", [input.actor, input.action, concat(", ", permitted)])} if {
	permitted := config.permissions[input.action]
	count({r | some r in object.get(input, "roles", []); r in permitted}) == 0
}
