# Production gate: verified, unexpired approvals from every required role, each by a
# different person, none by the version's creator; a drift baseline; an allowed region.
package aigov.gates.production

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

approvals := object.get(input, "approvals", [])

deny contains {"code": "not_staged", "msg": sprintf("the version is %v, not staging", [input.version.stage])} if {
	input.version.stage != "staging"
}

deny contains {"code": "missing_stage", "msg": "the version's stage is unknown"} if not lib.non_empty(input.version.stage)

deny contains {"code": "missing_creator", "msg": "the version's creator is unknown"} if not lib.non_empty(input.version.created_by)

deny contains {"code": "missing_approval", "msg": sprintf("no verified, unexpired %v approval", [role])} if {
	some role in config.required_roles.production
	not lib.approved_by(approvals, "production", role, creators)
}

# Separation of duties: each required role is approved by a different person, so one
# actor holding several roles (or several approvals under one name) never stands for more
# than one of them.
deny contains {"code": "same_approver", "msg": sprintf("the approvals of %v are not each by a different person", [concat(", ", sort(roles))])} if {
	shared := lib.roles_sharing_people(approvals, "production", config.required_roles.production, creators)
	count(shared) > 0
	roles := {r | some subset in shared; some r in subset}
}

deny contains {"code": "too_many_roles", "msg": sprintf("%v required production roles; at most 16 can be checked for distinct approvers", [count(config.required_roles.production)])} if {
	count({r | some r in config.required_roles.production}) > 16
}

deny contains {"code": "self_approval", "msg": sprintf("%v approved a version they registered or trained", [a.actor])} if {
	some a in approvals
	a.actor in creators
}

# Written as a positive fact: `input.drift_baseline != true` would be undefined, and so
# allow, when the field is missing.
deny contains {"code": "missing_drift_baseline", "msg": "no drift baseline is attached"} if {
	not has_drift_baseline
}

has_drift_baseline if input.drift_baseline == true

deny contains {"code": "region_not_allowed", "msg": sprintf("region %v is not allowed", [input.target_region])} if {
	lib.non_empty(input.target_region)
	not input.target_region in config.allowed_regions
}

deny contains {"code": "missing_region", "msg": "no target region"} if not lib.non_empty(input.target_region)
